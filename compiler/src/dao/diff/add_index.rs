//! DB010 `add-index` (squawk `require-concurrent-index-creation`): an index is added to an
//! existing table. A plain `create index` blocks writes while it builds; Charter's migration
//! creates it `concurrently` (outside a transaction), so this is reported as non-breaking, as a
//! reminder that hand-written migrations must do the same.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB010",
    squawk: "require-concurrent-index-creation",
    class: Class::NonBreaking,
    summary: "index added to an existing table (created concurrently)",
    doc: "CREATE INDEX without CONCURRENTLY locks the table against writes while it builds. The migration Charter writes uses CREATE INDEX CONCURRENTLY, which must not run in a transaction.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for ix in &n.indexes {
            if !o.indexes.iter().any(|oi| oi.name == ix.name) {
                out.push(finding(
                    &RULE,
                    n,
                    ix.columns.first().map(String::as_str),
                    format!(
                        "index `{}` on ({}) of `{}` is added: create it concurrently",
                        ix.name,
                        ix.columns.join(", "),
                        n.qualified()
                    ),
                ));
            }
        }
    }
}
