//! DB004 `drop-column` (squawk `ban-drop-column`): a column is removed. Deployed code that
//! selects or writes it fails, and its data is lost (the journal keeps its history).

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB004",
    squawk: "ban-drop-column",
    class: Class::Breaking,
    summary: "column removed",
    doc: "Dropping a column breaks deployed code that reads or writes it and loses its data. Stop using it first; drop it later with --destructive.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        let renamed = super::rename::renamed_columns(o, n);
        for c in &o.columns {
            if n.column(&c.name).is_none() && !renamed.iter().any(|(a, _)| *a == c.name) {
                out.push(finding(
                    &RULE,
                    o,
                    Some(&c.name),
                    format!("column `{}` of `{}` is removed", c.name, o.qualified()),
                ));
            }
        }
    }
}
