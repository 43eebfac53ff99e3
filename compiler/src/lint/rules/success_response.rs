use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0116",
        "every operation declares a success (2xx or 3xx) response",
        DOC,
    ),
    name: "success-response",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        An operation whose `responses` list only errors (or only `default`) does not say what a
        successful call returns: generated clients cannot type the result and treat every answer
        as an error or as untyped. Spectral's `operation-success-response` and Redocly's
        `operation-2xx-response` report the same in the OpenAPI export.

        An operation without `responses` is fine: API Builder gives it `204` (unit).

        Fix: add the success response (`200`, `201`, `204`, or a `3xx` for a redirect).
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            let ok = op
                .responses
                .iter()
                .any(|r| matches!(r.code, ResponseCode::Code(200..=399)));
            if !ok {
                let codes: Vec<String> = op.responses.iter().map(|r| r.code.to_string()).collect();
                let declared = if codes.is_empty() {
                    "no responses".to_string()
                } else {
                    format!("only {}", codes.join(", "))
                };
                out.report(
                    &op.loc,
                    format!("{}: no success response ({declared})", op.label()),
                )
                .help("declare the response a successful call returns, e.g. \"200\" with its type or \"204\" with unit");
            }
        }
    }
}
