//! DB001 `drop-table` (squawk `ban-drop-table`): a table is removed from the metadata. Its rows
//! (and what reads them) are gone; the generated migration only writes the `drop table` with
//! `--destructive`.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB001",
    squawk: "ban-drop-table",
    class: Class::Breaking,
    summary: "table removed",
    doc: "Dropping a table loses its data and breaks every reader. Keep the table until no code reads it, then drop it in a migration of its own.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), None) = (p.old, p.new) {
        // A table that reappears under another name is a rename (DB002), not a drop.
        if super::rename::renamed_table(o, p.added).is_none() {
            out.push(finding(
                &RULE,
                o,
                None,
                format!("table `{}` is removed", o.qualified()),
            ));
        }
    }
}
