//! DB002 `rename-table` and DB003 `rename-column` (squawk `renaming-table`, `renaming-column`):
//! a table or column disappears and one with the same shape appears under another name. Running
//! code still uses the old name, so a rename breaks every deployed reader and writer; add the new
//! one, copy, switch the code, then drop the old one.

use super::{finding, DbRule, Finding, Pair};
use crate::dao::plan::Table;
use crate::diff::Class;

pub const RULE_TABLE: DbRule = DbRule {
    id: "DB002",
    squawk: "renaming-table",
    class: Class::Breaking,
    summary: "table renamed",
    doc: "A table removed while one with the same columns is added is a rename: deployed code still uses the old name.",
};

pub const RULE_COLUMN: DbRule = DbRule {
    id: "DB003",
    squawk: "renaming-column",
    class: Class::Breaking,
    summary: "column renamed",
    doc: "A column removed while one of the same type is added at the same position is a rename: deployed code still uses the old name.",
};

fn shape(t: &Table) -> Vec<(String, crate::dao::plan::SqlType)> {
    t.columns.iter().map(|c| (c.name.clone(), c.ty)).collect()
}

/// The added table with exactly the columns of `old`, if any.
pub fn renamed_table<'a>(old: &Table, added: &[&'a Table]) -> Option<&'a Table> {
    added.iter().copied().find(|n| shape(n) == shape(old))
}

pub fn check_table(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), None) = (p.old, p.new) {
        if let Some(n) = renamed_table(o, p.added) {
            out.push(finding(
                &RULE_TABLE,
                n,
                None,
                format!(
                    "table `{}` is renamed to `{}`",
                    o.qualified(),
                    n.qualified()
                ),
            ));
        }
    }
}

/// Pairs (old column, new column) that look like renames: same index among the table's columns,
/// same type, old name gone, new name new.
pub fn renamed_columns<'a>(o: &'a Table, n: &'a Table) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for (i, oc) in o.columns.iter().enumerate() {
        if n.column(&oc.name).is_some() {
            continue;
        }
        if let Some(nc) = n.columns.get(i) {
            if o.column(&nc.name).is_none() && nc.ty == oc.ty && nc.role == oc.role {
                out.push((oc.name.as_str(), nc.name.as_str()));
            }
        }
    }
    out
}

pub fn check_column(p: &Pair, out: &mut Vec<Finding>) {
    if let (Some(o), Some(n)) = (p.old, p.new) {
        for (a, b) in renamed_columns(o, n) {
            out.push(finding(
                &RULE_COLUMN,
                n,
                Some(b),
                format!("column `{a}` of `{}` is renamed to `{b}`", n.qualified()),
            ));
        }
    }
}
