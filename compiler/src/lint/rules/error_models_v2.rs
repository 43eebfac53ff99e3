use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0208", "`_errors` models hold `errors: [X_error]`; `_error` models have an enum `code` and a `message`", DOC),
    name: "error-models-v2",
    presets: FLOW,
    flow: Some("ErrorModelsV2"),
    ignore_keys: &["error"],
    check,
};

const DOC: &str = r#"
        Flow's second error format: a model ending in `_errors` has a field `errors` that is a list
        of a type ending in `_error`; a model ending in `_error` that has a `code` field (and is not
        marked `"error_version": 1` in its `linter` attribute, see L0207) types `code` with an enum
        declared in the same spec and has a `message: string` field.

        Fix: add or retype the fields as described.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            if ignored(&m.attributes, "error") {
                continue;
            }
            if m.name.ends_with("_errors") {
                match field(m, "errors") {
                    None => {
                        out.report(
                            &m.loc,
                            format!("Model {}: must have a field named 'errors'", m.name),
                        );
                    }
                    Some(f) => {
                        let ok = matches!(&f.ty.r, TypeRef::List(_))
                            && base_name(cx.repo, &f.ty).ends_with("_error");
                        if !ok {
                            out.report(
                                &f.loc,
                                format!("Model {} Field[errors]: type must be an array of a type ending in '_error'", m.name),
                            );
                        }
                    }
                }
            }
            if m.name.ends_with("_error") {
                let v1 = m.attributes.iter().any(|a| {
                    a.name == "linter"
                        && a.value
                            .get("error_version")
                            .is_some_and(|v| v == 1 || v == "1")
                });
                let Some(code) = field(m, "code") else {
                    continue;
                };
                if v1 {
                    continue;
                }
                let local_enum = matches!(&code.ty.r, TypeRef::Type(id)
                    if id.kind == TypeKind::Enum && cx.repo.service(id.service).namespace == s.namespace);
                if !local_enum {
                    out.report(
                        &code.loc,
                        format!(
                            "Model {} Field[code]: type must be an enum defined in this service",
                            m.name
                        ),
                    );
                }
                match field(m, "message") {
                    None => {
                        out.report(
                            &m.loc,
                            format!("Model {}: must have a field named 'message'", m.name),
                        );
                    }
                    Some(f) if !is_primitive(&f.ty, Primitive::String) => {
                        out.report(
                            &f.loc,
                            format!("Model {} Field[message]: type must be 'string'", m.name),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
