//! DB009 `unique-index-on-existing-table` (squawk `disallowed-unique-constraint`): a unique
//! index (or a unique `on_conflict` key) is added to an existing table. Building it fails when
//! existing rows hold duplicates.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB009",
    squawk: "disallowed-unique-constraint",
    class: Class::Dangerous,
    summary: "unique index added to an existing table",
    doc: "A unique index on a table with rows fails if duplicates exist (and a concurrent build leaves an INVALID index behind). Check for duplicates first.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for ix in n.indexes.iter().filter(|i| i.unique) {
            let existed = o
                .indexes
                .iter()
                .any(|oi| oi.unique && oi.columns == ix.columns && oi.predicate == ix.predicate);
            if !existed {
                out.push(finding(
                    &RULE,
                    n,
                    ix.columns.first().map(String::as_str),
                    format!(
                        "unique index on ({}) of `{}` fails if existing rows hold duplicates",
                        ix.columns.join(", "),
                        n.qualified()
                    ),
                ));
            }
        }
    }
}
