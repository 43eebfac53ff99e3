use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0213",
        "GETs returning an `expandable_*` type take `expand`",
        DOC,
    ),
    name: "get-by-id-expandable",
    presets: FLOW,
    flow: Some("GetByIdIsExpandable"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        A response typed `expandable_X` is either `X` or `X_reference`; the client chooses with the
        `expand` query parameter. Without that parameter the client cannot ask for the full object.
        Health checks are exempt.

        Fix: add an `expand` query parameter of type `[string]`.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in non_healthcheck(s) {
            for op in r.operations.iter().filter(|o| is_get(o)) {
                let Some(t) = response_type(cx.repo, op) else {
                    continue;
                };
                if t.starts_with("expandable_") && !op.parameters.iter().any(|p| p.name == "expand")
                {
                    out.report(
                        &op.loc,
                        format!(
                            "Resource {} {}: missing parameter 'expand' for type '{t}'",
                            r.plural,
                            op.label()
                        ),
                    );
                }
            }
        }
    }
}
