//! The registry of codes: every diagnostic code, lint rule and diff rule, for `charter explain`,
//! SARIF and the docs.
//!
//! Codes are declared by the stage that raises them (a [`Code`] constant made with
//! [`codes!`](crate::codes!), beside the code that reports it) and raised as
//! `Diagnostic::new(&E0102, …)`; the severity is the code's, or the one the raising stage decides.
//! This module only gathers the stages' `CODES` tables ([`STAGES`]), the lint rules and the diff
//! rules into one index built once, so lookups do not scan. Stages never import this module (they
//! import [`crate::diag`]), so it closes no import circle.
//!
//! Ranges: `E00xx` reading files and JSON; `E01xx`/`W01xx` structure of the input (API Builder's
//! phase B); `E02xx`–`E09xx`/`W0xxx` semantic validation (phase C); `E10xx` imports and the repo;
//! `W12xx` generation; `E20xx`/`W20xx` table metadata (data access); `E22xx`/`W22xx` OpenAPI export and import; `L00xx` the linter's own codes, `L01xx`–`L03xx` lint rules; diff rules are
//! named in `UPPER_SNAKE_CASE` (`FIELD_REMOVED`).

pub use crate::diag::Code;
use crate::diag::Severity;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The code tables of the stages, in code order. A stage that declares codes adds its table here.
pub const STAGES: &[(&str, &[&Code])] = &[
    ("load", crate::load::CODES),
    ("config", crate::config::CODES),
    ("lower", crate::lower::CODES),
    ("validate", crate::validate::CODES),
    ("resolve", crate::resolve::CODES),
    ("generate", crate::gen::CODES),
    ("dao", crate::dao::CODES),
    ("openapi", crate::openapi::CODES),
    ("events", crate::events::CODES),
    ("lint", crate::lint::CODES),
];

/// One entry of the registry.
#[derive(Clone, Copy, Debug)]
pub enum Entry {
    /// A diagnostic code of a stage or of the linter itself.
    Code(&'static Code),
    /// A lint rule (its code is [`crate::lint::Rule::code`]).
    Lint(&'static crate::lint::Rule),
    /// A rule of the breaking-change catalogue.
    Diff(&'static crate::diff::Rule),
    /// A database rule of the diff (`DB001`…, over table metadata).
    Db(&'static crate::dao::diff::DbRule),
}

impl Entry {
    pub fn id(&self) -> &'static str {
        match self {
            Entry::Code(c) => c.id,
            Entry::Lint(r) => r.code.id,
            Entry::Diff(r) => r.id,
            Entry::Db(r) => r.id,
        }
    }
    pub fn summary(&self) -> &'static str {
        match self {
            Entry::Code(c) => c.summary,
            Entry::Lint(r) => r.code.summary,
            Entry::Diff(r) => r.summary,
            Entry::Db(r) => r.summary,
        }
    }
    /// The text `charter explain` prints.
    pub fn explain(&self) -> String {
        match self {
            Entry::Code(c) => format!(
                "{} ({}): {}\n\n{}",
                c.id,
                c.severity.as_str(),
                c.summary,
                c.explain
            ),
            Entry::Lint(r) => crate::lint::explain_rule(r),
            Entry::Diff(r) => crate::diff::rules::explain(r),
            Entry::Db(r) => format!(
                "{} ({}, database rule after squawk's `{}`): {}\n\n{}",
                r.id,
                r.class.as_str(),
                r.squawk,
                r.summary,
                r.doc
            ),
        }
    }
}

/// Every diagnostic code: the stages' tables, then the lint rules.
pub fn all() -> impl Iterator<Item = &'static Code> {
    STAGES
        .iter()
        .flat_map(|(_, t)| t.iter().copied())
        .chain(crate::lint::RULES.iter().map(|r| &r.code))
}

/// Every entry of the registry: codes, lint rules, diff rules, database rules.
pub fn entries() -> impl Iterator<Item = Entry> {
    STAGES
        .iter()
        .flat_map(|(_, t)| t.iter().map(|c| Entry::Code(c)))
        .chain(crate::lint::RULES.iter().map(Entry::Lint))
        .chain(crate::diff::RULES.iter().map(Entry::Diff))
        .chain(crate::dao::diff::RULES.iter().map(|(r, _)| Entry::Db(r)))
}

fn index() -> &'static HashMap<String, Entry> {
    static INDEX: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for e in entries() {
            map.insert(e.id().to_ascii_uppercase(), e);
            if let Entry::Lint(r) = e {
                map.insert(r.name.to_ascii_uppercase(), e);
            }
        }
        map
    })
}

/// The entry for an id (case-insensitive), or a lint rule's name.
pub fn entry(id: &str) -> Option<Entry> {
    index().get(&id.to_ascii_uppercase()).copied()
}

/// The diagnostic code with this id (a stage's, the linter's or a lint rule's).
pub fn lookup(id: &str) -> Option<&'static Code> {
    match entry(id)? {
        Entry::Code(c) => Some(c),
        Entry::Lint(r) => Some(&r.code),
        Entry::Diff(_) | Entry::Db(_) => None,
    }
}

/// What `charter explain ID` prints, if `id` names a code, a lint rule or a diff rule.
pub fn explain(id: &str) -> Option<String> {
    entry(id).map(|e| e.explain())
}

/// Default severity of a code.
pub fn severity(code: &Code) -> Severity {
    code.severity
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn database_rules_are_explained() {
        let text = explain("db004").expect("DB004 is in the registry");
        assert!(text.starts_with("DB004 ("), "{text}");
        for (rule, _) in crate::dao::diff::RULES {
            assert!(explain(rule.id).is_some_and(|t| t.contains(rule.summary)));
        }
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for (stage, table) in STAGES {
            for c in *table {
                assert!(seen.insert(c.id), "duplicate code {}", c.id);
                let prefix = match c.severity {
                    Severity::Error => ['E', 'L'],
                    Severity::Warning => ['W', 'W'],
                };
                assert!(
                    c.id.starts_with(prefix),
                    "{stage}: {} severity does not match its prefix",
                    c.id
                );
                assert_eq!(c.id.len(), 5, "{}", c.id);
            }
        }
    }

    /// Every code, lint rule and diff rule has a summary and a real explanation.
    #[test]
    fn every_entry_is_explained() {
        let mut ids = HashSet::new();
        let mut n = 0;
        for e in entries() {
            n += 1;
            assert!(ids.insert(e.id()), "{} is registered twice", e.id());
            assert!(!e.summary().trim().is_empty(), "{} has no summary", e.id());
            let long = match e {
                Entry::Code(c) => c.explain,
                Entry::Lint(r) => r.code.explain,
                Entry::Diff(r) => r.doc,
                Entry::Db(r) => r.doc,
            };
            assert!(
                long.split_whitespace().count() >= 2 && long.trim() != e.summary().trim(),
                "{} has no explain text",
                e.id()
            );
            let text = explain(e.id()).expect("registered");
            assert!(text.contains(e.id()), "{}", e.id());
        }
        assert!(n > 200, "only {n} entries");
    }

    /// A stage that declares codes with `codes!` but is missing from [`STAGES`] fails here.
    #[test]
    fn every_codes_table_is_registered() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut tables = 0;
        for f in files {
            if f.ends_with("src/codes.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            let Some(at) = text.find("crate::codes! {") else {
                continue;
            };
            tables += 1;
            let first = text[at..]
                .lines()
                .skip(1)
                .map(str::trim)
                .find_map(|l| {
                    l.split_once(':')
                        .map(|(id, _)| id.trim())
                        .filter(|id| id.len() == 5 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
                })
                .unwrap_or_else(|| panic!("{}: no code in its table", f.display()));
            assert!(
                lookup(first).is_some(),
                "{} declares {first} but its CODES table is not in codes::STAGES",
                f.display()
            );
        }
        assert!(tables >= STAGES.len() - 1, "found only {tables} tables");
    }

    #[test]
    fn explain_finds_every_kind() {
        assert!(explain("E0102").is_some());
        assert!(explain("e0102").is_some());
        assert!(explain("L0004").is_some());
        assert!(explain("L0103").is_some());
        assert!(explain("lower-case-paths").is_some());
        assert!(explain("FIELD_REMOVED").is_some());
        assert!(explain("field_removed").is_some());
        assert!(explain("W1201").is_some());
        assert!(explain("NOPE").is_none());
        assert_eq!(lookup("E0102").map(|c| c.severity), Some(Severity::Error));
    }
}
