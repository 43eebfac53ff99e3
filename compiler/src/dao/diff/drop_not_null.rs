//! DB008 `drop-not-null` (squawk `ban-drop-not-null`): a required column becomes optional.
//! Deployed readers that expect a value now get null.

use super::{finding, DbRule, Finding, Pair};
use crate::diff::Class;

pub const RULE: DbRule = DbRule {
    id: "DB008",
    squawk: "ban-drop-not-null",
    class: Class::Dangerous,
    summary: "required column becomes optional",
    doc: "Dropping NOT NULL is instant, but deployed readers that decode the column as a value fail on the first null. Update the readers first.",
};

pub fn check(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for c in &n.columns {
            if let Some(oc) = o.column(&c.name) {
                if !oc.nullable && c.nullable {
                    out.push(finding(
                        &RULE,
                        n,
                        Some(&c.name),
                        format!(
                            "column `{}` of `{}` becomes optional",
                            c.name,
                            n.qualified()
                        ),
                    ));
                }
            }
        }
    }
}
