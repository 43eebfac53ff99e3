use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0109",
        "GETs that return a list take `limit` and `offset`",
        DOC,
    ),
    name: "list-paging",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &["get"],
    check,
};

const DOC: &str = r#"
        A list endpoint without paging returns everything, which works until the collection grows.
        Adding paging later changes the endpoint's behaviour for existing clients. API Builder's
        convention (and Flow's) is a `limit` and an `offset` query parameter, with defaults.

        Checked: GET operations whose success response is a list. Both `limit` and `offset` must be
        query parameters.

        Fix: add `{"name": "limit", "type": "long", "default": 25, "minimum": 1, "maximum": 100}` and
        `{"name": "offset", "type": "long", "default": 0, "minimum": 0}`.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            if !is_get(op) || !returns_array(op) {
                continue;
            }
            let missing: Vec<&str> = ["limit", "offset"]
                .into_iter()
                .filter(|n| !query_params(op).any(|p| p.name == *n))
                .collect();
            if !missing.is_empty() {
                out.report(
                    &op.loc,
                    format!(
                        "{}: list operation has no paging parameter{} {}",
                        op.label(),
                        if missing.len() > 1 { "s" } else { "" },
                        missing.join(", ")
                    ),
                )
                .help("add `limit` and `offset` query parameters with defaults");
            }
        }
    }
}
