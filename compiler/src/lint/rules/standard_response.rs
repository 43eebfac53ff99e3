use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0224",
        "operations document Flow's standard response codes with standard types",
        DOC,
    ),
    name: "standard-response",
    presets: FLOW,
    flow: Some("StandardResponse"),
    ignore_keys: &["response_codes"],
    check,
};

const DOC: &str = r#"
        Every Flow endpoint can answer with the same handful of statuses, and clients only handle
        what the spec declares. Required codes per method (health checks exempt):

        | method | codes |
        |---|---|
        | GET | 200 (302 accepted instead), 401 |
        | POST | 401, 422 |
        | PUT | 401, 422 |
        | PATCH | 401, 404, 422 |
        | DELETE | 401, 404 |

        The standard responses of the method have no description (it is filled in centrally).
        `401` is `unit`; `422` is a type ending in `_error`; `204` on a path whose last segment is a
        path parameter is `unit`.

        Fix: add or retype the responses; silence with the `linter` ignore key `response_codes`.
    "#;

fn required(m: Method) -> &'static [u16] {
    match m {
        Method::Get => &[200, 401],
        Method::Post => &[401, 422],
        Method::Put => &[401, 422],
        Method::Patch => &[401, 404, 422],
        Method::Delete => &[401, 404],
        _ => &[],
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in non_healthcheck(s) {
            for op in &r.operations {
                let Some(method) = op.method else { continue };
                if ignored(&op.attributes, "response_codes") {
                    continue;
                }
                let label = format!("Resource {} {}", r.plural, op.label());
                let has = |c: u16| op.responses.iter().any(|x| x.code == ResponseCode::Code(c));
                let missing: Vec<String> = required(method)
                    .iter()
                    .filter(|c| !(has(**c) || **c == 200 && has(302)))
                    .map(|c| c.to_string())
                    .collect();
                if !missing.is_empty() {
                    out.report(
                        &op.loc,
                        format!("{label}: missing response codes: {}", missing.join(", ")),
                    );
                }
                for resp in &op.responses {
                    let ResponseCode::Code(code) = resp.code else {
                        continue;
                    };
                    let rlabel = format!("{label} Response {code}");
                    if required(method).contains(&code) && resp.description.is_some() {
                        out.report(&resp.loc, format!("{rlabel}: must not have a description as this is a globally standard response"));
                    }
                    let unit = resp.ty.r == TypeRef::Primitive(Primitive::Unit);
                    let t = display(cx.repo, &resp.ty);
                    match code {
                        401 if !unit => {
                            out.report(
                                &resp.loc,
                                format!("{rlabel}: response must be of type unit and not {t}"),
                            );
                        }
                        422 if !base_name(cx.repo, &resp.ty).ends_with("_error") => {
                            out.report(&resp.loc, format!("{rlabel}: response must be of a type ending in '_error' and not {t}"));
                        }
                        204 if !unit
                            && segments(&op.path)
                                .last()
                                .is_some_and(|x| x.starts_with(':')) =>
                        {
                            out.report(
                                &resp.loc,
                                format!("{rlabel}: response must be of type unit and not {t}"),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
