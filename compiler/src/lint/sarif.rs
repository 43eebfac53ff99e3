//! SARIF 2.1.0 output: one run, the tool's rules with their help text, results with regions.

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Renders diagnostics (lint findings and any other diagnostic) as a SARIF 2.1.0 log.
pub fn render<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, sources: &SourceMap) -> String {
    serde_json::to_string_pretty(&to_value(diags, sources)).expect("sarif serializes")
}

pub fn to_value<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, sources: &SourceMap) -> Value {
    let diags: Vec<&Diagnostic> = diags.into_iter().collect();
    // Every lint rule, then every other code that occurs, in code order.
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for r in super::RULES {
        rules.insert(r.code.id, rule(&r.code, r.name));
    }
    for d in &diags {
        rules
            .entry(d.code.id)
            .or_insert_with(|| rule(d.code, d.code.id));
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut r = json!({
                "ruleId": d.code.id,
                "ruleIndex": index[d.code.id],
                "level": level(d.severity),
                "message": { "text": text },
            });
            if let Some(loc) = &d.loc {
                let f = sources.get(loc.file);
                let (sl, sc) = f.line_col(loc.span.start);
                let (el, ec) = f.line_col(loc.span.end.max(loc.span.start));
                let physical = json!({
                    "artifactLocation": { "uri": uri(&f.path.to_string_lossy()) },
                    "region": {
                        "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec,
                        "charOffset": loc.span.start, "charLength": loc.span.len(),
                    },
                });
                let mut location = json!({ "physicalLocation": physical });
                if !loc.pointer.is_empty() {
                    location["logicalLocations"] =
                        json!([{ "fullyQualifiedName": loc.pointer, "kind": "element" }]);
                }
                r["locations"] = json!([location]);
            } else if let Some(p) = &d.path {
                r["locations"] = json!([{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&p.to_string_lossy()) } } }]);
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "charter",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/apicollective/apibuilder",
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn rule(code: &crate::diag::Code, name: &str) -> Value {
    let doc = super::docs::unindent(code.explain);
    json!({
        "id": code.id,
        "name": name,
        "shortDescription": { "text": code.summary },
        "fullDescription": { "text": doc.split("\n\n").next().unwrap_or(code.summary).replace('\n', " ") },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(code.severity) },
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a URI reference (`/`-separated, spaces and `%` escaped).
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
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
