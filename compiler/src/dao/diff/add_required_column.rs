//! DB006 `add-required-column` (squawk `adding-required-field`, `adding-not-nullable-field`): a
//! required column without a default is added to an existing table. Existing rows have no value
//! (the migration adds it nullable and says so) and deployed code inserting rows without it fails
//! once it is `not null`.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB006",
    squawk: "adding-required-field",
    class: Class::Breaking,
    summary: "required column without default added",
    doc: "A NOT NULL column without a default cannot be added to a table with rows, and deployed writers do not fill it. Give it a default, or add it optional, backfill, then make it required.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        let renamed = super::rename::renamed_columns(o, n);
        for c in &n.columns {
            if o.column(&c.name).is_none()
                && !c.nullable
                && c.default.is_none()
                && !renamed.iter().any(|(_, b)| *b == c.name)
            {
                out.push(finding(
                    &RULE,
                    n,
                    Some(&c.name),
                    format!(
                        "required column `{}` without a default is added to `{}`",
                        c.name,
                        n.qualified()
                    ),
                ));
            }
        }
    }
}
