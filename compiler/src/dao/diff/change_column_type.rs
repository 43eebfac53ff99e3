//! DB005 `change-column-type` (squawk `changing-column-type`): a column's type changes. Postgres
//! rewrites the table under an exclusive lock, the cast may fail on existing rows, and deployed
//! code decodes the old type.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB005",
    squawk: "changing-column-type",
    class: Class::Breaking,
    summary: "column type changed",
    doc: "Changing a column type rewrites the table under an ACCESS EXCLUSIVE lock, may fail on existing values, and breaks deployed code decoding the old type. Add a new column instead.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for c in &n.columns {
            if let Some(oc) = o.column(&c.name) {
                if oc.ty != c.ty {
                    out.push(finding(
                        &RULE,
                        n,
                        Some(&c.name),
                        format!(
                            "column `{}` of `{}` changes type from {} to {}",
                            c.name,
                            n.qualified(),
                            oc.ty.sql(),
                            c.ty.sql()
                        ),
                    ));
                }
            }
        }
    }
}
