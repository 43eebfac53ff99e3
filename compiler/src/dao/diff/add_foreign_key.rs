//! DB012 `add-foreign-key` (squawk `adding-foreign-key-constraint`, `constraint-missing-not-valid`):
//! a foreign key is added to an existing table. Validation fails on rows that reference nothing
//! and locks both tables; Charter's migration adds it `not valid` and validates it separately.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB012",
    squawk: "adding-foreign-key-constraint",
    class: Class::Dangerous,
    summary: "foreign key added to an existing table",
    doc: "A new foreign key fails on existing rows that reference nothing, and deployed writers inserting such rows start failing. The migration adds it NOT VALID, then VALIDATE CONSTRAINT (which takes a lighter lock).",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for fk in &n.foreign_keys {
            let existed = o.foreign_keys.iter().any(|of| {
                of.columns == fk.columns
                    && of.ref_table == fk.ref_table
                    && of.ref_columns == fk.ref_columns
            });
            if !existed {
                out.push(finding(
                    &RULE,
                    n,
                    fk.columns.first().map(String::as_str),
                    format!(
                        "foreign key ({}) → {}({}) is added to `{}`",
                        fk.columns.join(", "),
                        fk.ref_table,
                        fk.ref_columns.join(", "),
                        n.qualified()
                    ),
                ));
            }
        }
    }
}
