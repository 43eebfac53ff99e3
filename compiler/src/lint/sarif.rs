//! SARIF 2.1.0 output: one run, the tool's rules with their documentation, results with regions.
//! The log, the rule descriptors and the URIs are shared with `charter diff --format sarif`
//! ([`crate::diff::sarif`]).
//!
//! What GitHub code scanning needs, and what the tests check against the SARIF schema: every rule
//! has `shortDescription`, a real `fullDescription` (its whole documentation, dedented), `help`
//! (text and markdown) and a `helpUri` into Charter's rule docs; every result has a `ruleId`, a
//! `ruleIndex`, a `level`, a message ending in a `help:` line, and a repo-relative
//! `artifactLocation.uri` (forward slashes, no `./`) with a region.

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Renders diagnostics (lint findings and any other diagnostic) as a SARIF 2.1.0 log. `docs` is
/// the URL of Charter's docs directory ([`crate::report::docs_url`]): `informationUri`, and the
/// rule pages as `helpUri`.
pub fn render<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    docs: &str,
) -> String {
    serde_json::to_string_pretty(&to_value(diags, sources, docs)).expect("sarif serializes")
}

/// The help URI of a diagnostic code or lint rule.
fn code_help_uri(code: &crate::diag::Code, name: &str, docs: &str) -> String {
    if code.id.starts_with('L') && name != code.id {
        // `## L0101 snake-case-names` in lints.md
        format!("{docs}lints.md#{}-{}", code.id.to_ascii_lowercase(), name)
    } else if code.id.starts_with('L') {
        format!("{docs}lints.md#configuration-diagnostics")
    } else {
        // validation codes have no page of their own: `charter explain CODE` prints their text
        docs.to_string()
    }
}

pub fn to_value<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    docs: &str,
) -> Value {
    let diags: Vec<&Diagnostic> = diags.into_iter().collect();
    // Every lint rule, then every other code that occurs, in code order.
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for r in super::RULES {
        rules.insert(r.code.id, code_rule(&r.code, r.name, docs));
    }
    for d in &diags {
        rules
            .entry(d.code.id)
            .or_insert_with(|| code_rule(d.code, d.code.id, docs));
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let help = match &d.help {
                Some(h) => super::docs::unindent(h).replace('\n', " "),
                None => format!(
                    "{}; `charter explain {}` or {}",
                    d.code.summary,
                    d.code.id,
                    code_help_uri(d.code, rule_name(d.code.id), docs)
                ),
            };
            let mut r = json!({
                "ruleId": d.code.id,
                "ruleIndex": index[d.code.id],
                "level": level(d.severity),
                "message": { "text": format!("{}\nhelp: {help}", d.message) },
            });
            if let Some(loc) = &d.loc {
                let f = sources.get(loc.file);
                let (sl, sc) = f.line_col(loc.span.start);
                let (el, ec) = f.line_col(loc.span.end.max(loc.span.start));
                let region = json!({
                    "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec,
                    "charOffset": loc.span.start, "charLength": loc.span.len(),
                });
                r["locations"] = json!([location(
                    &f.path.to_string_lossy(),
                    Some(region),
                    &loc.pointer
                )]);
            } else if let Some(p) = &d.path {
                r["locations"] = json!([location(&p.to_string_lossy(), None, "")]);
            }
            r
        })
        .collect();
    log(rules.into_values().collect(), results, docs)
}

/// The lint rule name of a code (`snake-case-names`), or the code itself.
fn rule_name(id: &str) -> &str {
    super::RULES
        .iter()
        .find(|r| r.code.id == id)
        .map_or(id, |r| r.name)
}

fn code_rule(code: &crate::diag::Code, name: &str, docs: &str) -> Value {
    descriptor(
        code.id,
        name,
        code.summary,
        code.explain,
        &code_help_uri(code, name, docs),
        level(code.severity),
    )
}

/// A SARIF log of one run of charter; `informationUri` is `docs`, Charter's docs directory.
pub fn log(rules: Vec<Value>, results: Vec<Value>, docs: &str) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "charter",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": docs,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// A rule descriptor (`name` is left out when it equals `id`): the summary as `shortDescription`, the whole dedented documentation as
/// `fullDescription` and `help`, and the rule's docs as `helpUri`.
pub fn descriptor(
    id: &str,
    name: &str,
    summary: &str,
    doc: &str,
    help_uri: &str,
    level: &str,
) -> Value {
    let doc = super::docs::unindent(doc);
    let full = if doc.trim().is_empty() {
        summary.to_string()
    } else {
        doc
    };
    let mut d = json!({
        "id": id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": full },
        "help": {
            "text": format!("{full}\n\nDocumentation: {help_uri}"),
            "markdown": format!("{full}\n\n[Documentation]({help_uri})"),
        },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level },
    });
    // SARIF: a name identical to the id is omitted
    if name != id {
        d["name"] = name.into();
    }
    d
}

/// A result location: a repo-relative file, an optional region, the JSON pointer as logical
/// location.
pub fn location(path: &str, region: Option<Value>, pointer: &str) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": uri(path), "uriBaseId": "%SRCROOT%" },
    });
    if let Some(region) = region {
        physical["region"] = region;
    }
    let mut location = json!({ "physicalLocation": physical });
    if !pointer.is_empty() {
        location["logicalLocations"] =
            json!([{ "fullyQualifiedName": pointer, "kind": "element" }]);
    }
    location
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A path as a repo-relative URI reference: `/`-separated, relative to the current directory
/// when it is under it, without `./`, with spaces, `%`, `#` and `?` escaped.
pub fn uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    if let Ok(cwd) = std::env::current_dir() {
        let cwd = cwd.to_string_lossy().replace('\\', "/");
        if let Some(rest) = p.strip_prefix(&format!("{}/", cwd.trim_end_matches('/'))) {
            p = rest.to_string();
        }
    }
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.trim_start_matches('/').to_string();
    }
    let p = p.replace("/./", "/");
    let mut out = String::new();
    for c in p.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_repo_relative() {
        assert_eq!(uri("./specs/api.json"), "specs/api.json");
        assert_eq!(uri(".//specs/./a b.json"), "specs/a%20b.json");
        assert_eq!(uri("specs\\x#1.json"), "specs/x%231.json");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            uri(&cwd.join("specs/api.json").to_string_lossy()),
            "specs/api.json"
        );
    }

    #[test]
    fn descriptors_have_real_descriptions() {
        let d = descriptor(
            "X",
            "x",
            "sum",
            "\n    First para\n    line two.\n\n    Second.\n",
            "https://e/x",
            "error",
        );
        assert_eq!(
            d["fullDescription"]["text"],
            "First para\nline two.\n\nSecond."
        );
        assert!(d["help"]["text"]
            .as_str()
            .unwrap()
            .ends_with("Documentation: https://e/x"));
        assert_eq!(d["helpUri"], "https://e/x");
    }
}
