use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0205",
        "parameters `id`, `limit`, `offset`, `sort`, `expand` have no description",
        DOC,
    ),
    name: "common-parameters-no-description",
    presets: FLOW,
    flow: Some("CommonParametersHaveNoDescriptions"),
    ignore_keys: &["common_parameters_have_no_description"],
    check,
};

const DOC: &str = r#"
        Flow fills in the documentation of its common parameters centrally, so every endpoint
        describes them identically; a hand-written description would override that text.

        Fix: delete the parameter's `description`.
    "#;

const NAMES: &[&str] = &["id", "limit", "offset", "sort", "expand"];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (r, op) in operations(s) {
            for p in &op.parameters {
                if NAMES.contains(&p.name.as_str()) && p.description.is_some() {
                    out.report(
                        &p.loc,
                        format!(
                            "Resource {} {} Parameter {}: description must be empty; a standard one is provided",
                            r.plural,
                            op.label(),
                            p.name
                        ),
                    );
                }
            }
        }
    }
}
