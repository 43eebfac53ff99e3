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

use crate::ir::Repo;
use crate::source::SourceMap;
pub use rules::{Class, Rule, RULES};
use serde::Serialize;

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

const DOCS_INTRO: &str = r#"# `charter diff`: breaking-change detection

<!-- generated from compiler/src/diff (mod.rs, rules.rs); refresh with
     UPDATE_GOLDEN=1 cargo test -p charter --test diff_fixtures -->

`charter diff` compares two versions of an api repo and classifies every change by what happens to
an existing consumer: a client generated from the old spec calling a server built from the new one,
and a consumer of old responses or events reading new ones.

- **breaking**: a request that was valid is rejected, something an old reader relies on can no
  longer be decoded or is gone, or an item that generated code names was removed or renamed.
- **dangerous**: still wire-compatible only because consumers are tolerant, or behaviour silently
  changes (a value added to an enum that is read, a changed default, a new success status, renamed
  generated items).
- **non-breaking**: additions nobody must act on, documentation, deprecation, attributes and
  annotations (still listed: a `personal_data` annotation added or removed is always reported).

## Directions

A type's direction comes from where it is reachable, in either version: **request** (operation
bodies, parameters, service headers), **response** (response types and headers) and **event**
(members of unions named `*_event`, read by consumers like responses). A rule whose class depends on
the direction takes the most severe class among the directions the element is used in; an element
reachable from nothing (a type only other services may import) is judged in every direction.

## Matching

Elements are matched by stable keys before the rules run: services by namespace (then name), types
by kind and name, fields, parameters, headers, enum values and attributes by name, union members by
their type, resources by type, operations by method and path, responses by code. A type that
disappears while a type of the same kind and shape appears is a rename (`TYPE_RENAMED`): references
to it compare equal. An operation that disappears while one with the same method appears in the same
resource (same path shape, or the only candidate) has moved (`OPERATION_MOVED`).

Each root cause is reported once: a change to a shared model is one finding listing the operations
and events it `affects`; a removed resource is one finding listing its operations.

## Usage

```text
charter diff OLD NEW                 # files or api-repo directories
charter diff --against REV [PATH]    # old version read from git objects (no checkout)
    --format human|json|markdown|github
    --fail-on breaking|dangerous     # default: breaking
    --config charter.toml            # default: ./charter.toml when present
```

Exit codes: 0 when the verdict is below the `--fail-on` threshold, 1 when it is at or above it, 2 on
usage or I/O problems, or when either version does not validate (its diagnostics are printed,
naming the side; nothing is classified from a half-loaded spec). With `--against`, a revision that
is not in the local repository (e.g. in a shallow clone) is reported with how to fetch it.

## JSON output

```json
{
  "verdict": "breaking",
  "suggested_bump": "major",
  "changes": [
    {
      "rule": "FIELD_REQUIRED_TO_OPTIONAL",
      "class": "breaking",
      "message": "model user field name is no longer required",
      "file": "api.json",
      "line": 42,
      "pointer": "/models/user/fields/1",
      "affects": ["GET /users/:id", "POST /users"]
    }
  ]
}
```

`verdict` is the most severe class among the changes not accepted by the allow-list
(`non-breaking` when there is none). `suggested_bump`: `major` for a breaking change, `minor` for a
dangerous or additive one, `patch` for documentation-only changes, `none` for no change. `file`,
`line` and `pointer` locate the element in the new version, or in the old one when it was removed.
A change accepted by the allow-list also carries `"allowed": "<reason>"`. This shape is stable.

## Allow-list

A reviewed change can be accepted in `charter.toml`, by rule and pointer, with a reason:

```toml
[diff]
allow = [
  { rule = "FIELD_REMOVED", pointer = "/models/user/fields/3", reason = "no client reads it (API-123)" },
]
```

An accepted change stays in the report (marked allowed) but no longer counts towards the verdict, so
CI passes for that change only. Entries that match nothing are warned about.

"#;

/// The whole of docs/diff.md.
pub fn docs_markdown() -> String {
    format!("{DOCS_INTRO}{}", rules::catalogue_markdown())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(rule: &'static str, class: Class) -> Change {
        Change {
            rule,
            class,
            message: String::new(),
            file: None,
            line: None,
            pointer: String::new(),
            affects: Vec::new(),
            allowed: None,
        }
    }

    #[test]
    fn verdict_and_bump() {
        let mut r = DiffReport::default();
        assert_eq!(
            (r.verdict(), r.suggested_bump()),
            (Class::NonBreaking, Bump::None)
        );
        r.changes
            .push(change("DESCRIPTION_CHANGED", Class::NonBreaking));
        assert_eq!(
            (r.verdict(), r.suggested_bump()),
            (Class::NonBreaking, Bump::Patch)
        );
        r.changes.push(change("FIELD_ADDED", Class::NonBreaking));
        assert_eq!(
            (r.verdict(), r.suggested_bump()),
            (Class::NonBreaking, Bump::Minor)
        );
        r.changes.push(change("ENUM_VALUE_ADDED", Class::Dangerous));
        assert_eq!(
            (r.verdict(), r.suggested_bump()),
            (Class::Dangerous, Bump::Minor)
        );
        r.changes.push(change("FIELD_REMOVED", Class::Breaking));
        assert_eq!(
            (r.verdict(), r.suggested_bump()),
            (Class::Breaking, Bump::Major)
        );
        assert_eq!(r.counts_by_rule().get("FIELD_ADDED"), Some(&1));
    }

    #[test]
    fn docs_list_every_rule() {
        let docs = docs_markdown();
        for r in RULES {
            assert!(docs.contains(&format!("### `{}`", r.id)), "{}", r.id);
        }
    }
}
