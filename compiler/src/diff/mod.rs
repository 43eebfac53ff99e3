//! Breaking-change detection: compares two resolved repos (old and new) and classifies every change
//! by what happens to an existing consumer.
//!
//! Elements are first matched by stable keys (services by namespace, types by kind and name, with
//! renames detected by shape; fields, parameters, headers and enum values by name; union members by
//! type; operations by method and path, with moves detected; responses by code). Each change is
//! then judged by a rule of the catalogue ([`rules::RULES`]) in the directions in which the changed
//! element is used ([`direction`]). A change to a shared type is reported once, listing the
//! operations and events it affects.

pub mod config;
pub mod direction;
pub mod engine;
pub mod report;
pub mod rules;

use crate::diag::Diagnostic;
use crate::ir::Repo;
use crate::source::SourceMap;
pub use rules::{Class, Rule, RULES};
use serde::Serialize;

/// Codes of the diagnostics the diff front-end reports (bad input, git problems).
pub const CODES: &[crate::codes::CodeInfo] = &[];

/// One side of a comparison: a resolved repo and the sources it was read from.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub repo: &'a Repo,
    pub sources: &'a SourceMap,
}

impl<'a> Side<'a> {
    pub fn new(repo: &'a Repo, sources: &'a SourceMap) -> Side<'a> {
        Side { repo, sources }
    }
}

/// One finding: one root cause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub rule: &'static str,
    pub class: Class,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub pointer: String,
    /// Operations (`GET /users/:id`) and events (`event user_upserted`) the change reaches.
    pub affects: Vec<String>,
    /// Set when the change was accepted by the allow-list in charter.toml: the reason given there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

/// The semver bump a report suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The result of a comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffReport {
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// Most severe class among the changes not accepted by the allow-list; non-breaking when none.
    pub fn verdict(&self) -> Class {
        self.changes
            .iter()
            .filter(|c| c.allowed.is_none())
            .map(|c| c.class)
            .max()
            .unwrap_or(Class::NonBreaking)
    }

    /// breaking → major; dangerous or additive → minor; documentation only → patch; nothing → none.
    /// Allowed changes still count: accepting a breaking change does not make it compatible.
    pub fn suggested_bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| match c.class {
                Class::Breaking => Bump::Major,
                Class::Dangerous => Bump::Minor,
                Class::NonBreaking => match rules::lookup(c.rule).map(|r| r.impact) {
                    Some(rules::Impact::Docs) => Bump::Patch,
                    _ => Bump::Minor,
                },
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// Number of changes per rule, sorted by rule.
    pub fn counts_by_rule(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut m = std::collections::BTreeMap::new();
        for c in &self.changes {
            *m.entry(c.rule).or_insert(0) += 1;
        }
        m
    }
}

/// Compares `old` with `new`.
pub fn diff(old: Side<'_>, new: Side<'_>) -> DiffReport {
    engine::run(old, new)
}

/// Diagnostics of one side that failed to load, for reporting: which side, and the diagnostics.
pub fn side_errors<'a>(diags: &'a [Diagnostic]) -> impl Iterator<Item = &'a Diagnostic> {
    diags.iter().filter(|d| d.is_error())
}
