//! Database breaking changes: what a change to the table metadata does to the live database and
//! the code using it, one module per rule (following squawk's catalogue, docs/dao.md), each with
//! its doc and fixtures (`fixtures/dao-diff/<rule>/{old,new}.json`).
//!
//! [`compare`] plans both sides and matches tables by schema and name, columns by name; each rule
//! looks at one matched (or unmatched) pair and reports [`crate::diff::Change`]s with the same
//! classes as API changes, so `charter diff` prints and gates on them alike.

mod add_foreign_key;
mod add_index;
mod add_required_column;
mod change_column_type;
mod drop_column;
mod drop_index;
mod drop_not_null;
mod drop_table;
mod rename;
mod set_not_null;
mod unique_index;

use super::plan::{Plan, Table};
use crate::diff::{Change, Class, Side};

/// One database rule.
#[derive(Clone, Copy, Debug)]
pub struct DbRule {
    pub id: &'static str,
    /// The squawk rule it follows.
    pub squawk: &'static str,
    pub class: Class,
    pub summary: &'static str,
    pub doc: &'static str,
}

/// A matched pair of tables (`None` on the side where the table does not exist).
pub struct Pair<'a> {
    pub old: Option<&'a Table>,
    pub new: Option<&'a Table>,
    /// Old tables no new table matched, and new tables no old one matched (for renames).
    pub removed: &'a [&'a Table],
    pub added: &'a [&'a Table],
}

type Check = fn(&Pair, &mut Vec<Finding>);

/// One rule's finding before it is located.
pub struct Finding {
    pub rule: &'static DbRule,
    pub message: String,
    /// The table the finding is about, on the side where it is located.
    pub table: String,
    pub column: Option<String>,
}

/// Every rule, with its check, in report order.
pub const RULES: &[(&DbRule, Check)] = &[
    (&drop_table::RULE, drop_table::check),
    (&rename::RULE_TABLE, rename::check_table),
    (&rename::RULE_COLUMN, rename::check_column),
    (&drop_column::RULE, drop_column::check),
    (&change_column_type::RULE, change_column_type::check),
    (&add_required_column::RULE, add_required_column::check),
    (&set_not_null::RULE, set_not_null::check),
    (&drop_not_null::RULE, drop_not_null::check),
    (&unique_index::RULE, unique_index::check),
    (&add_index::RULE, add_index::check),
    (&drop_index::RULE, drop_index::check),
    (&add_foreign_key::RULE, add_foreign_key::check),
];

pub fn lookup(id: &str) -> Option<&'static DbRule> {
    RULES
        .iter()
        .map(|(r, _)| *r)
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The findings of every rule between two plans.
pub fn findings(old: &Plan, new: &Plan) -> Vec<Finding> {
    let key = |t: &Table| (t.schema.clone(), t.name.clone());
    let removed: Vec<&Table> = old
        .tables
        .iter()
        .filter(|o| !new.tables.iter().any(|n| key(n) == key(o)))
        .collect();
    let added: Vec<&Table> = new
        .tables
        .iter()
        .filter(|n| !old.tables.iter().any(|o| key(n) == key(o)))
        .collect();
    let mut pairs: Vec<Pair> = Vec::new();
    for o in &old.tables {
        let n = new.tables.iter().find(|n| key(n) == key(o));
        pairs.push(Pair {
            old: Some(o),
            new: n,
            removed: &removed,
            added: &added,
        });
    }
    for n in &added {
        pairs.push(Pair {
            old: None,
            new: Some(n),
            removed: &removed,
            added: &added,
        });
    }
    let mut out = Vec::new();
    for (_, check) in RULES {
        for p in &pairs {
            check(p, &mut out);
        }
    }
    out
}

/// Database changes between two checked sides, as diff [`Change`]s (located on the new side when
/// the table still exists, else on the old side).
pub fn compare(old: Side<'_>, new: Side<'_>) -> Vec<Change> {
    let mut d = crate::diag::Diagnostics::new();
    let op = super::meta::plan(old.repo, Some(old.sources), &mut d);
    let np = super::meta::plan(new.repo, Some(new.sources), &mut d);
    findings(&op, &np)
        .into_iter()
        .map(|f| {
            let (side, plan) = match np.tables.iter().any(|t| t.qualified() == f.table) {
                true => (new, &np),
                false => (old, &op),
            };
            let t = plan.tables.iter().find(|t| t.qualified() == f.table);
            let loc = t.map(|t| {
                f.column
                    .as_ref()
                    .and_then(|c| t.column(c))
                    .map(|c| c.loc.clone())
                    .unwrap_or_else(|| t.loc.clone())
            });
            let (file, line) = match &loc {
                Some(l) => {
                    let src = side.sources.get(l.file);
                    (
                        Some(src.path.display().to_string()),
                        Some(src.line_col(l.span.start).0),
                    )
                }
                None => (None, None),
            };
            Change {
                rule: f.rule.id,
                class: f.rule.class,
                // a database change reaches the code using the table alike
                source: f.rule.class,
                docs_only: false,
                message: f.message,
                file,
                line,
                pointer: loc.map(|l| l.pointer).unwrap_or_default(),
                affects: vec![format!("table {}", f.table)],
                allowed: None,
            }
        })
        .collect()
}

pub(crate) fn finding(
    rule: &'static DbRule,
    t: &Table,
    column: Option<&str>,
    message: String,
) -> Finding {
    Finding {
        rule,
        message,
        table: t.qualified(),
        column: column.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests;
