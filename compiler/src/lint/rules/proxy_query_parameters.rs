use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0220",
        "parameters are not named `callback`, `envelope` or `method`",
        DOC,
    ),
    name: "proxy-query-parameters",
    presets: FLOW,
    flow: Some("ProxyQueryParameters"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow's API proxy interprets `callback` (JSONP), `envelope` (wrap the response) and `method`
        (override the HTTP method) on every request; an operation parameter with one of those names
        never reaches the service. Health checks are exempt.

        Fix: rename the parameter.
    "#;

const RESERVED: &[&str] = &["callback", "envelope", "method"];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in non_healthcheck(s) {
            for op in &r.operations {
                for p in op
                    .parameters
                    .iter()
                    .filter(|p| RESERVED.contains(&p.name.as_str()))
                {
                    out.report(
                        &p.loc,
                        format!("Resource {} {} Parameter {}: name is reserved for use only in https://github.com/flowvault/proxy", r.plural, op.label(), p.name),
                    );
                }
            }
        }
    }
}
