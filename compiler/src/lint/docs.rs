//! docs/lints.md, generated from the rule descriptors with a handlebars template.

#[cfg(feature = "reports")]
use super::{Preset, RULES};
#[cfg(feature = "reports")]
use handlebars::Handlebars;
#[cfg(feature = "reports")]
use serde::Serialize;

#[cfg(feature = "reports")]
const TEMPLATE: &str = include_str!("lints.md.hbs");

#[cfg(feature = "reports")]
#[derive(Serialize)]
struct RuleDoc {
    code: &'static str,
    anchor: String,
    name: &'static str,
    severity: &'static str,
    presets: String,
    summary: &'static str,
    flow: Option<&'static str>,
    ignore_keys: String,
    doc: String,
}

#[cfg(feature = "reports")]
#[derive(Serialize)]
struct Meta {
    code: &'static str,
    summary: &'static str,
}

#[cfg(feature = "reports")]
#[derive(Serialize)]
struct Page {
    rules: Vec<RuleDoc>,
    meta: Vec<Meta>,
}

#[cfg(feature = "reports")]
/// The text of docs/lints.md.
pub fn render() -> String {
    let mut rules: Vec<_> = RULES.iter().collect();
    rules.sort_by_key(|r| r.code.id);
    let page = Page {
        rules: rules
            .into_iter()
            .map(|r| RuleDoc {
                code: r.code.id,
                anchor: format!("{}-{}", r.code.id.to_lowercase(), r.name),
                name: r.name,
                severity: r.code.severity.as_str(),
                presets: r
                    .presets
                    .iter()
                    .map(|p: &Preset| p.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                summary: r.code.summary,
                flow: r.flow,
                ignore_keys: r
                    .ignore_keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                doc: unindent(r.code.explain),
            })
            .collect(),
        meta: super::CODES
            .iter()
            .map(|c| Meta {
                code: c.id,
                summary: c.summary,
            })
            .collect(),
    };
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.render_template(TEMPLATE, &page)
        .expect("the lints.md template renders")
}

/// Rule docs are written as indented raw strings; strip the common indentation.
pub fn unindent(doc: &str) -> String {
    let lines: Vec<&str> = doc.trim_matches('\n').lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}
