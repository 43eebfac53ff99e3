//! DB007 `set-not-null` (squawk `adding-not-nullable-field`): an optional column becomes
//! required. `set not null` scans the table under an exclusive lock and fails when a row holds
//! null; deployed writers that leave it out fail.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB007",
    squawk: "adding-not-nullable-field",
    class: Class::Breaking,
    summary: "optional column becomes required",
    doc: "SET NOT NULL fails when a row holds null and blocks writes while it scans; deployed writers that omit the column fail. Backfill first, then add a CHECK (col IS NOT NULL) NOT VALID, validate, and set not null.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for c in &n.columns {
            if let Some(oc) = o.column(&c.name) {
                if oc.nullable && !c.nullable {
                    out.push(finding(
                        &RULE,
                        n,
                        Some(&c.name),
                        format!(
                            "column `{}` of `{}` becomes required",
                            c.name,
                            n.qualified()
                        ),
                    ));
                }
            }
        }
    }
}
