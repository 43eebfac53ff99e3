use crate::lint::prelude::*;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: Code::error(
        "L0302",
        "no two operations differ only in the names of their path parameters",
        DOC,
    ),
    name: "duplicate-operations",
    presets: FLOW,
    flow: Some("oneapi: duplicate operations"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        `GET /users/:id` and `GET /users/:guid` are the same route to a router. Flow's `oneapi`
        normalises every path parameter to `:var` and rejects duplicates across the merged
        services. Exact duplicates are reported by L0105; this rule reports the pairs that only
        match after normalisation, within a spec or across specs of the repo.

        Fix: give the operations distinct static paths, or remove one.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut seen: HashMap<(String, String), (String, String)> = HashMap::new();
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            let key = (op.method_text.clone(), normalize_path(&op.path));
            match seen.get(&key) {
                Some((service, path)) if *path != op.path => {
                    out.report(
                        &op.loc,
                        format!(
                            "{} duplicates {} {path} of service `{service}` (path parameters differ only in name)",
                            op.label(),
                            op.method_text
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(key, (s.name.clone(), op.path.clone()));
                }
            }
        }
    }
}
