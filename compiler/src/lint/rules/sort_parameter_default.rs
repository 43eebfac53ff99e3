use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0223",
        "`sort` parameters default to `-created_at`, `name` or `journal_timestamp`",
        DOC,
    ),
    name: "sort-parameter-default",
    presets: FLOW,
    flow: Some("SortParameterDefault"),
    ignore_keys: &["sort_parameter_default"],
    check,
};

const DOC: &str = r#"
        A `sort` parameter needs a default so results are stable across pages: `journal_timestamp`
        on paths ending in `/versions`; `name` when the response model has a `name: string` field;
        `-created_at` otherwise. When the response model cannot be found in the spec, either
        `-created_at` or `name` is accepted.

        Fix: set the parameter's `default`.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (r, op) in operations(s) {
            let Some(p) = op.parameters.iter().find(|p| p.name == "sort") else {
                continue;
            };
            let allowed: Vec<&str> = if op.path.ends_with("/versions") {
                vec!["journal_timestamp"]
            } else {
                match response_type(cx.repo, op).and_then(|t| model(s, t)) {
                    Some(m)
                        if field(m, "name")
                            .is_some_and(|f| is_primitive(&f.ty, Primitive::String)) =>
                    {
                        vec!["name"]
                    }
                    Some(_) => vec!["-created_at"],
                    None => vec!["-created_at", "name"],
                }
            };
            let label = format!("Resource {} {}", r.plural, op.label());
            match p.default.as_deref() {
                None => {
                    out.report(
                        &p.loc,
                        format!("{label}: Parameter sort requires a default"),
                    )
                    .help(format!("use \"default\": \"{}\"", allowed[0]));
                }
                Some(d) if !allowed.contains(&d) => {
                    out.report(
                        &p.loc,
                        format!(
                            "{label}: Parameter sort default expected to be[{}] and not[{d}]",
                            allowed.join("] or [")
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
}
