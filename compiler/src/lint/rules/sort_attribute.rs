use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0222",
        "operations with a `sort` parameter carry a `sort` attribute",
        DOC,
    ),
    name: "sort-attribute",
    presets: FLOW,
    flow: Some("SortAttribute"),
    ignore_keys: &["sort"],
    check,
};

const DOC: &str = r#"
        Flow documents the accepted sort keys of an operation in an attribute named `sort` (read
        by its documentation and SDK tooling). An operation that takes a `sort` parameter without
        the attribute accepts sort keys nobody can discover.

        Fix: add `{"name": "sort", "value": {...}}` to the operation's attributes.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (r, op) in operations(s) {
            if op.parameters.iter().any(|p| p.name == "sort")
                && !has_attribute(&op.attributes, "sort")
            {
                out.report(
                    &op.loc,
                    format!(
                        "Resource {} {}: parameter[sort] requires an attribute named 'sort'",
                        r.plural,
                        op.label()
                    ),
                );
            }
        }
    }
}
