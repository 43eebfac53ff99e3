//! DB011 `drop-index` (squawk `require-concurrent-index-deletion`): an index is removed. The
//! generated finders and filters it allowed disappear (deployed code using them no longer
//! compiles against the new DAO), and queries that used it scan the table.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB011",
    squawk: "require-concurrent-index-deletion",
    class: Class::Breaking,
    summary: "index removed",
    doc: "Removing an index removes the DAO finders it allowed and slows queries that used it; DROP INDEX without CONCURRENTLY also locks the table. Charter's migration drops it concurrently, with --destructive only.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for ix in &o.indexes {
            if !n.indexes.iter().any(|ni| {
                ni.columns == ix.columns && ni.unique == ix.unique && ni.predicate == ix.predicate
            }) {
                out.push(finding(
                    &RULE,
                    o,
                    ix.columns.first().map(String::as_str),
                    format!(
                        "index `{}` on ({}) of `{}` is removed (its finders go with it)",
                        ix.name,
                        ix.columns.join(", "),
                        o.qualified()
                    ),
                ));
            }
        }
    }
}
