//! Breaking-change detection: compares two resolved repos (old and new) and judges every change on
//! two axes, one principle each (stated in full in [`rules`] and docs/diff.md):
//!
//! - **wire** — an old client against the new server (where the element is sent), old consumers
//!   reading new responses and events (where it is read): breaking when a valid request can be
//!   rejected or an old reader can fail or miss a promised value; dangerous when something sent is
//!   ignored or a reader may meet unknown values; non-breaking otherwise;
//! - **source** — code written against the code generated from the old spec, rebuilt against the
//!   new: breaking when an item it names is removed, renamed or changes type or signature;
//!   dangerous when only exhaustive struct literals and matches break; non-breaking otherwise.
//!
//! The exit code and the JSON `verdict` follow the wire axis (`--fail-on source` adds the source
//! axis); both are always reported.
//!
//! Elements are paired once, generically ([`pair`]), by stable keys; one small check per element
//! kind ([`check`]) raises findings of catalogue constants ([`rules::RULES`]) through
//! [`cx::Cx::emit`], classified in the directions in which the changed element is used
//! ([`direction`]). A change to a shared type is reported once, listing the operations and events
//! it affects. [`diff`] also runs the database rules of [`crate::dao::diff`].

mod check;
pub mod config;
pub mod cx;
pub mod direction;
pub mod pair;
pub mod report;
pub mod rules;
pub mod sarif;

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
    /// The rule's id: a [`rules::RULES`] constant's, or a database rule's (`DB004`).
    pub rule: &'static str,
    /// Class on the wire axis (old clients against the new server, old readers of new payloads),
    /// for the directions the element is used in.
    pub class: Class,
    /// Class on the source axis (callers of code generated from the old spec, rebuilt against
    /// code generated from the new one).
    pub source: Class,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub pointer: String,
    /// Operations (`GET /users/:id`) and events (`event user_upserted`) the change reaches.
    pub affects: Vec<String>,
    /// Set when the change was accepted by the allow-list in charter.toml: the reason given there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
    /// Documentation only (a patch release when nothing else changed).
    #[serde(skip)]
    pub docs_only: bool,
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
    /// Wire axis: the most severe class among the changes not accepted by the allow-list;
    /// non-breaking when none. This is the JSON `verdict` and what the exit code follows.
    pub fn verdict(&self) -> Class {
        self.max_class(|c| c.allowed.is_none(), |c| c.class)
    }

    /// Source axis: the same over the source classes.
    pub fn source_verdict(&self) -> Class {
        self.max_class(|c| c.allowed.is_none(), |c| c.source)
    }

    /// The most severe class (on either axis) among the changes the allow-list accepted, if any.
    pub fn accepted(&self) -> Option<Class> {
        self.changes
            .iter()
            .filter(|c| c.allowed.is_some())
            .map(|c| c.class.max(c.source))
            .max()
    }

    fn max_class(&self, keep: impl Fn(&Change) -> bool, class: impl Fn(&Change) -> Class) -> Class {
        self.changes
            .iter()
            .filter(|c| keep(c))
            .map(class)
            .max()
            .unwrap_or(Class::NonBreaking)
    }

    /// The bump one change asks for: breaking on either axis → major; dangerous or additive →
    /// minor; documentation only → patch.
    pub fn bump_of(c: &Change) -> Bump {
        match c.class.max(c.source) {
            Class::Breaking => Bump::Major,
            Class::Dangerous => Bump::Minor,
            Class::NonBreaking if c.docs_only => Bump::Patch,
            Class::NonBreaking => Bump::Minor,
        }
    }

    /// The semver bump of the generated code and the API: the most a change asks for; nothing →
    /// none. Allowed changes count: accepting a breaking change does not make it compatible (the
    /// summary says so, see [`report::summary`]).
    pub fn suggested_bump(&self) -> Bump {
        self.changes
            .iter()
            .map(Self::bump_of)
            .max()
            .unwrap_or(Bump::None)
    }

    /// Why the bump is what it is: the first change asking for it (`None` for no change).
    pub fn bump_reason(&self) -> Option<&Change> {
        let bump = self.suggested_bump();
        self.changes.iter().find(|c| Self::bump_of(c) == bump)
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

/// Whether `id` names a rule `charter diff` reports: a catalogue rule or a database rule.
pub fn is_rule(id: &str) -> bool {
    rules::lookup(id).is_some() || crate::dao::diff::lookup(id).is_some()
}

/// Compares `old` with `new`: the API checks of the catalogue, then the database rules
/// (DB001–DB012, [`crate::dao::diff`]) for specs with table metadata.
pub fn diff(old: Side<'_>, new: Side<'_>) -> DiffReport {
    let mut report = check::run(old, new);
    report.changes.extend(crate::dao::diff::compare(old, new));
    report
}

#[cfg(feature = "reports")]
const DOCS_INTRO: &str = r#"# `charter diff`: breaking-change detection

<!-- generated from compiler/src/diff (mod.rs, rules.rs); refresh with
     UPDATE_GOLDEN=1 cargo test -p charter --test diff_fixtures -->

`charter diff` compares two versions of an api repo and judges every change on two axes, each by
one principle, each with its level (**breaking**, **dangerous**, **non-breaking**).

## Wire: what deployed software feels

An old client calling a new server (where the changed element is *sent*), and an old consumer
reading new responses and events (where it is *read*).

- *sent*: **breaking** when a request that was valid can be rejected or misread; **dangerous**
  when it is still accepted but something the client sends is ignored or means something else
  (a removed parameter or field the server now ignores, a changed default); **non-breaking**
  otherwise.
- *read*: **breaking** when an old reader can fail to decode or misses a value it was promised;
  **dangerous** when it still decodes but may meet values, members or statuses it does not know
  (a new enum value, union member or success status, a looser range); **non-breaking** otherwise
  (a removed enum value or response status is simply never received).

## Source: what code using the generated client and models feels

Code written against the code generated from the old spec, rebuilt against the code generated
from the new one (callers of clients and models; a server implementing new operations is the
author of the change): **breaking** when an item it names is removed, renamed or changes type or
signature (a type, field, variant, method, argument; a method named after a renamed path
parameter); **dangerous** when only code that lists every member stops compiling (a struct
literal, a `match` without `_`: a new field, enum value or union member); **non-breaking**
otherwise.

Every row of the catalogue below states its classes and the effect behind each (`Why:`); a test
checks every row, and every narrower case the engine recognises (`When …`), against these
principles (`compiler/src/diff/rules.rs`). The source classes are also checked against the real
generator: for every fixture, the public surface of the models and client generated from the old
and the new spec is compared, and the reported source class is never below it
(`compiler/tests/diff_source_axis.rs`; where the catalogue is more cautious than one fixture, e.g.
an interface removed from a union, which generates no trait implementation today, the test
prints it).

## Directions

A type's direction comes from where it is reachable, in either version and across services (a
type of an imported service is judged where the importing service uses it): **request**
(operation bodies, parameters, service headers), **response** (response types and headers) and
**event** (members of unions named `*_event`, read by consumers like responses). A rule whose wire
class depends on the direction takes the most severe class among the directions the element is
used in; an element reachable from nothing (a type only other services may import) is judged in
every direction. The source class does not depend on the direction.

## Matching

Elements are paired by stable keys before the checks run, by one pairing written once
(`compiler/src/diff/pair.rs`): services by namespace (then name, then the only one left), types
by kind and name, fields, parameters, headers, enum values and attributes by name, union members
by their type, resources by type, operations by method and path, responses by code. A type that
disappears while exactly one type of the same kind and shape appears is a rename
(`TYPE_RENAMED`): references to it compare equal. An operation that disappears while one with the
same method appears in the same resource (same path shape, same own path, or the only candidate)
has moved (`OPERATION_MOVED`); when only path parameter names changed, the URL is the same and the
move is non-breaking on the wire.

Each root cause is reported once: a change to a shared model is one finding listing the operations
and events it `affects`; a removed resource is one finding listing its operations. Specs with table
metadata are also compared by the database rules DB001–DB012 (docs/dao.md).

## Usage

```text
charter diff OLD NEW                 # files or api-repo directories
charter diff --against REV [PATH]    # old version read from git objects (no checkout)
    --format human|json|markdown|github|sarif
    --fail-on breaking|dangerous|source   # default: breaking (wire)
    --config charter.toml            # default: found from the new version's path
```

Exit codes: 0 when the report passes the `--fail-on` gate, 1 when it does not, 2 on usage or I/O
problems, or when either version does not validate (its diagnostics are printed, naming the side;
nothing is classified from a half-loaded spec). The gate follows the wire axis by default (what
deployed clients and consumers feel): `breaking` fails on a breaking wire verdict, `dangerous` on
a dangerous one, `source` on a breaking verdict on either axis. Both axes are always reported, in
every format. With `--against`, a revision that is not in the local repository (e.g. in a shallow
clone) is reported with how to fetch it.

`--format sarif` writes SARIF 2.1.0 for GitHub code scanning: one result per change, `error` /
`warning` / `note` by wire class, both classes in the message and in `properties`, the rule's
documentation as `fullDescription` and `help`, a `helpUri` into this page, repo-relative paths;
an allowed change is a `note` with an external suppression holding the reason.

## JSON output

```json
{
  "verdict": "breaking",
  "source_verdict": "breaking",
  "accepted": null,
  "suggested_bump": "major",
  "bump_reason": "FIELD_REQUIRED_TO_OPTIONAL at /models/user/fields/1 (breaking on the wire and source)",
  "summary": "1 change(s): 1 breaking, 0 dangerous, 0 non-breaking (wire); 1 breaking (source); verdict: breaking (source: breaking); suggested bump: major",
  "changes": [
    {
      "rule": "FIELD_REQUIRED_TO_OPTIONAL",
      "class": "breaking",
      "source": "breaking",
      "message": "model user field name is no longer required",
      "file": "api.json",
      "line": 42,
      "pointer": "/models/user/fields/1",
      "affects": ["GET /users/:id", "POST /users"]
    }
  ]
}
```

`class` and `verdict` are the wire axis, `source` and `source_verdict` the source axis; a verdict
is the most severe class among the changes not accepted by the allow-list (`non-breaking` when
there is none). `accepted` is the most severe class among the accepted changes (`null` when none).
`suggested_bump`: `major` for a change breaking on either axis, `minor` for a dangerous or
additive one, `patch` for documentation-only changes, `none` for no change; `bump_reason` names
the change asking for it. `file`, `line` and `pointer` locate the element in the new version, or in
the old one when it was removed. A change accepted by the allow-list also carries
`"allowed": "<reason>"`. This shape is stable.

## Allow-list

A reviewed change can be accepted in `charter.toml`, by rule (a catalogue rule or a database rule
`DB001`–`DB012`) and pointer, with a reason:

```toml
[diff]
allow = [
  { rule = "FIELD_REMOVED", pointer = "/models/user/fields/3", reason = "no client reads it (API-123)" },
]
```

An accepted change stays in the report (marked allowed) but no longer counts towards the verdicts,
so CI passes for that change only. It still counts towards the suggested bump — accepting a
breaking change does not make it compatible — and the summary says so:
`verdict: non-breaking (source: non-breaking), after 1 change(s) accepted by the allow-list
(breaking at worst); suggested bump: major, because the accepted FIELD_REMOVED at
/models/user/fields/3 is breaking`. Entries that match nothing are warned about.

"#;

#[cfg(feature = "reports")]
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
            source: class,
            docs_only: rule == "DESCRIPTION_CHANGED",
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
