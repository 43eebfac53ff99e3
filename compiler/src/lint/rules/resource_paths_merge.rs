use crate::lint::prelude::*;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0304",
        "resources of one type across the repo share one public path",
        DOC,
    ),
    name: "resource-paths-merge",
    presets: FLOW,
    flow: Some("oneapi: resource paths"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        When Flow's `oneapi` merges services, resources of the same type are merged into one; they
        may then have at most one path that is not under `/internal`. Two services exposing
        `order` at `/:organization/orders` and `/orders` cannot be merged.

        Fix: serve the type at one public path (move the others under `/internal`).
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut by_type: BTreeMap<String, Vec<&Resource>> = BTreeMap::new();
    for (_, s) in cx.services() {
        for r in &s.resources {
            by_type
                .entry(base_name(cx.repo, &r.ty).to_string())
                .or_default()
                .push(r);
        }
    }
    for (ty, resources) in by_type {
        let mut paths: Vec<&str> = Vec::new();
        for r in resources {
            if r.path.starts_with("/internal") {
                continue;
            }
            if paths.is_empty() || paths.contains(&r.path.as_str()) {
                paths.push(&r.path);
                continue;
            }
            out.report(
                &r.loc,
                format!(
                    "resource `{ty}` has a second public path `{}` (also at `{}`)",
                    r.path, paths[0]
                ),
            );
        }
    }
}
