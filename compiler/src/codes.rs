//! The registry of diagnostic codes.
//!
//! Each stage owns its codes in a `CODES` table next to the code that reports them; this module
//! only gathers the tables so `charter explain CODE` and the docs can list them all. A code, once
//! published, never changes meaning.
//!
//! Ranges: `E00xx` reading files and JSON; `E01xx`/`W01xx` structure of the input (API Builder's
//! phase B); `E02xx`–`E09xx`/`W0xxx` semantic validation (phase C); `E10xx` imports and the repo; `E22xx`/`W22xx` OpenAPI export and import;
//! `L….` lint rules (their own registry).

use crate::diag::Severity;

/// One diagnostic code: its default severity, a one-line summary and a longer explanation.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explain: &'static str,
}

/// Shorthand for the tables.
pub const fn error(code: &'static str, summary: &'static str, explain: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Error,
        summary,
        explain,
    }
}

pub const fn warning(code: &'static str, summary: &'static str, explain: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Warning,
        summary,
        explain,
    }
}

/// Every table, in code order.
pub fn tables() -> [&'static [CodeInfo]; 6] {
    [
        crate::load::CODES,
        crate::lower::CODES,
        crate::validate::CODES,
        crate::resolve::CODES,
        crate::gen::CODES,
        crate::openapi::CODES,
    ]
}

pub fn all() -> impl Iterator<Item = &'static CodeInfo> {
    tables().into_iter().flatten()
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Default severity of a code; unknown codes (a bug) are errors.
pub fn severity(code: &str) -> Severity {
    lookup(code).map(|c| c.severity).unwrap_or(Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            let prefix = match c.severity {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(
                c.code.starts_with(prefix),
                "{} severity does not match its prefix",
                c.code
            );
            assert_eq!(c.code.len(), 5, "{}", c.code);
            assert!(!c.summary.is_empty() && !c.explain.is_empty(), "{}", c.code);
        }
    }
}
