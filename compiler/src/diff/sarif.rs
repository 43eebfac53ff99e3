//! `charter diff --format sarif`: every change as a SARIF result of its rule (catalogue or
//! database rule), on the log of [`crate::lint::sarif`].
//!
//! Levels follow the wire axis, as the verdict does: breaking → `error`, dangerous → `warning`,
//! non-breaking → `note`. Every result carries both classes in its message and in `properties`
//! (`wire`, `source`), the operations and events it affects, and a `help:` line. A change the
//! allow-list accepted is a `note` with an external suppression holding the reason.

use super::{Class, DiffReport};
use crate::lint::sarif::{descriptor, location, log};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What SARIF needs of a rule: id, summary, documentation, help URI.
struct RuleDoc {
    id: &'static str,
    summary: &'static str,
    doc: String,
    uri: String,
    level: &'static str,
}

fn level(c: Class) -> &'static str {
    match c {
        Class::Breaking => "error",
        Class::Dangerous => "warning",
        Class::NonBreaking => "note",
    }
}

fn rule_doc(id: &'static str, docs: &str) -> RuleDoc {
    if let Some(r) = super::rules::lookup(id) {
        RuleDoc {
            id: r.id,
            summary: r.summary,
            doc: super::rules::explain(r),
            uri: format!("{docs}diff.md#{}", r.id.to_ascii_lowercase()),
            level: level(r.request.max(r.response)),
        }
    } else if let Some(r) = crate::dao::diff::lookup(id) {
        RuleDoc {
            id: r.id,
            summary: r.summary,
            doc: format!(
                "{} (database rule, after squawk's `{}`): {}",
                r.id, r.squawk, r.doc
            ),
            uri: format!("{docs}dao.md#database-breaking-changes-charter-diff"),
            level: level(r.class),
        }
    } else {
        // A change always carries the id of a catalogue or database rule; keep the log valid
        // even so.
        RuleDoc {
            id,
            summary: id,
            doc: format!("{id}: see docs/diff.md"),
            uri: format!("{docs}diff.md"),
            level: "warning",
        }
    }
}

/// `docs`: the URL of Charter's docs directory ([`crate::report::docs_url`]).
pub fn to_value(report: &DiffReport, docs: &str) -> Value {
    let mut rule_docs: BTreeMap<&'static str, RuleDoc> = BTreeMap::new();
    for c in &report.changes {
        rule_docs
            .entry(c.rule)
            .or_insert_with(|| rule_doc(c.rule, docs));
    }
    let index: BTreeMap<&str, usize> = rule_docs.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules: Vec<Value> = rule_docs
        .values()
        .map(|d| {
            let name = heck::AsUpperCamelCase(d.id.to_ascii_lowercase()).to_string();
            descriptor(d.id, &name, d.summary, &d.doc, &d.uri, d.level)
        })
        .collect();
    let results: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let d = &rule_docs[c.rule];
            let mut text = format!(
                "{} (wire: {}, source: {})",
                c.message,
                c.class.as_str(),
                c.source.as_str()
            );
            if !c.affects.is_empty() {
                text.push_str(&format!("\naffects: {}", c.affects.join(", ")));
            }
            if let Some(why) = &c.allowed {
                text.push_str(&format!("\nallowed by charter.toml: {why}"));
            }
            text.push_str(&format!(
                "\nhelp: {}; `charter explain {}` or {}",
                d.summary, c.rule, d.uri
            ));
            let mut r = json!({
                "ruleId": c.rule,
                "ruleIndex": index[c.rule],
                "level": if c.allowed.is_some() { "note" } else { level(c.class) },
                "message": { "text": text },
                "properties": {
                    "wire": c.class.as_str(),
                    "source": c.source.as_str(),
                    "affects": c.affects,
                },
            });
            if let Some(file) = &c.file {
                let region = c.line.map(|l| json!({ "startLine": l }));
                r["locations"] = json!([location(file, region, &c.pointer)]);
            }
            if let Some(why) = &c.allowed {
                r["suppressions"] = json!([{ "kind": "external", "justification": why }]);
            }
            r
        })
        .collect();
    log(rules, results, docs)
}

pub fn render(report: &DiffReport, docs: &str) -> String {
    serde_json::to_string_pretty(&to_value(report, docs)).expect("sarif serializes")
}
