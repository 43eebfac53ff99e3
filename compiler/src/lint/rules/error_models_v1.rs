use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0207",
        "`_error` unions and version-1 error models have `code` then `messages`",
        DOC,
    ),
    name: "error-models-v1",
    presets: FLOW,
    flow: Some("ErrorModelsV1"),
    ignore_keys: &["error"],
    check,
};

const DOC: &str = r#"
        Flow's first error format: a union ending in `_error` whose members are all models ending
        in `_error`; each member (and each standalone `_error` model whose `linter` attribute has
        `"error_version": 1`) starts with `code` (a string or an enum, imported enums allowed) and
        then `messages: [string]` with `minimum` at least 1. The union's discriminator counts as a
        leading string field when the order is checked.

        Fix: reorder or retype the fields; make every member of the union an `_error` model.
    "#;

fn error_version(attrs: &[Attribute]) -> Option<i64> {
    attrs
        .iter()
        .find(|a| a.name == "linter")
        .and_then(|a| a.value.get("error_version"))
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
}

/// `code` is a string or an enum (local, in the repo, or imported).
fn is_code_type(ty: &Type) -> bool {
    match &ty.r {
        TypeRef::Primitive(Primitive::String) => true,
        TypeRef::Type(id) => id.kind == TypeKind::Enum,
        TypeRef::External { kind, .. } => *kind == TypeKind::Enum,
        _ => false,
    }
}

fn check_model(m: &Model, discriminator: Option<&str>, out: &mut Sink) {
    // (name, is the code type ok, messages minimum)
    let mut fields: Vec<(&str, Option<&Field>)> = Vec::new();
    if let Some(d) = discriminator {
        fields.push((d, None));
    }
    fields.extend(m.fields.iter().map(|f| (f.name.as_str(), Some(f))));
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    match names.iter().position(|n| *n == "code") {
        None => {
            out.report(
                &m.loc,
                format!("Model {}: requires a field named 'code'", m.name),
            );
        }
        Some(i) => {
            if i != 0 {
                out.report(
                    &m.loc,
                    format!("Model {}: first field must be 'code'", m.name),
                );
            }
            if let Some(f) = fields[i].1 {
                if !is_code_type(&f.ty) {
                    out.report(
                        &f.loc,
                        format!(
                            "Model {} Field[code]: type must be 'string' or a valid enum",
                            m.name
                        ),
                    );
                }
            }
        }
    }
    match names.iter().position(|n| *n == "messages") {
        None => {
            out.report(
                &m.loc,
                format!("Model {}: requires a field named 'messages'", m.name),
            );
        }
        Some(i) => {
            if i != 1 {
                out.report(
                    &m.loc,
                    format!("Model {}: second field must be 'messages'", m.name),
                );
            }
            if let Some(f) = fields[i].1 {
                if !is_list_of(&f.ty, Primitive::String) {
                    out.report(
                        &f.loc,
                        format!("Model {} Field[messages]: type must be '[string]'", m.name),
                    );
                }
                if f.minimum.is_none_or(|min| min < 1) {
                    out.report(
                        &f.loc,
                        format!("Model {} Field[messages]: missing minimum of 1", m.name),
                    );
                }
            }
        }
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        let mut members: Vec<&str> = Vec::new();
        for u in s.unions.iter().filter(|u| u.name.ends_with("_error")) {
            if ignored(&u.attributes, "error") {
                continue;
            }
            for t in &u.types {
                let name = base_name(cx.repo, &t.ty);
                members.push(name);
                match model(s, name) {
                    Some(m) if name.ends_with("_error") => {
                        if !ignored(&m.attributes, "error") {
                            check_model(m, u.discriminator.as_deref(), out);
                        }
                    }
                    _ => {
                        out.report(
                            &t.loc,
                            format!("Union {} type {name}: must be a model whose name ends with '_error'", u.name),
                        );
                    }
                }
            }
        }
        for m in &s.models {
            if m.name.ends_with("_error")
                && error_version(&m.attributes) == Some(1)
                && !members.contains(&m.name.as_str())
                && !ignored(&m.attributes, "error")
            {
                check_model(m, None, out);
            }
        }
    }
}
