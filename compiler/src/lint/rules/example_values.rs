use crate::lint::prelude::*;
use crate::validate::value;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0115",
        "examples are valid values of their type, format and bounds",
        DOC,
    ),
    name: "example-values",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        An `example` of a field or parameter is shown in documentation, copied into tests and
        exported to OpenAPI, where Spectral (`oas3-valid-schema-example`,
        `oas3-valid-media-example`) and Redocly (`no-invalid-schema-examples`,
        `no-invalid-parameter-examples`) check it against the schema. API Builder never checks
        examples, so a wrong one lives on silently.

        Checked, for fields of models and interfaces and for operation parameters:

        - the example is a value of the type: a number for numeric types, `true`/`false`, a
          JSON object for `object`, a JSON array for a list and a JSON object for a map (each
          element checked in turn), the name or wire value of an enum value;
        - the format is the strict one OpenAPI and the generated code's parsers use:
          `date-iso8601` is `YYYY-MM-DD`, `date-time-iso8601` is an RFC 3339 date-time with a time
          and an offset (`2021-01-01T00:00:00Z`; a date alone such as `2021-01-01` is not one,
          although API Builder's lenient parser accepts it in defaults), `uuid` is the hyphenated
          form;
        - the example lies within `minimum`/`maximum` (the value of a number, the length of a
          string, the size of a list).

        An example whose type is a model, union or imported type is not checked (a list of them
        still needs a JSON array). Writing one element as the example of a list is common in API
        Builder specs but is not a value of the list: OpenAPI validators report it too.

        Fix: correct the example, or remove it.
    "#;

/// Why an example does not fit: the message's reason and a help line.
struct Bad {
    reason: String,
    help: String,
}

fn bad(reason: impl Into<String>, help: impl Into<String>) -> Option<Bad> {
    Some(Bad {
        reason: reason.into(),
        help: help.into(),
    })
}

/// Checks `text` against `ty` (not bounds).
fn fits(repo: &Repo, ty: &TypeRef, text: &str) -> Option<Bad> {
    match ty {
        TypeRef::Primitive(p) => primitive(repo, *p, text),
        TypeRef::List(inner) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => items
                .iter()
                .find_map(|v| fits(repo, inner, &value::element_text(v))),
            _ => bad(
                "a list example must be a JSON array",
                format!("write it as a JSON array, e.g. [{}]", quoted(text)),
            ),
        },
        TypeRef::Map(inner) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(items)) => items
                .values()
                .find_map(|v| fits(repo, inner, &value::element_text(v))),
            _ => bad(
                "a map example must be a JSON object",
                "write it as a JSON object, e.g. {\"key\": \"value\"}",
            ),
        },
        TypeRef::Type(id) if id.kind == TypeKind::Enum => {
            let e = repo.enum_(*id);
            let known = e
                .values
                .iter()
                .any(|v| v.name == text || v.value.as_deref() == Some(text));
            if known {
                return None;
            }
            let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
            bad(
                format!("`{text}` is not a value of enum `{}`", e.name),
                format!("use one of: {}", names.join(", ")),
            )
        }
        _ => None,
    }
}

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn primitive(repo: &Repo, p: Primitive, text: &str) -> Option<Bad> {
    if let Some(invalid) = value::check(repo, &TypeRef::Primitive(p), text) {
        return bad(format!("not a valid {}", p.name()), invalid.help);
    }
    match p {
        Primitive::DateTimeIso8601 if chrono::DateTime::parse_from_rfc3339(text).is_err() => bad(
            if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
                "a date alone is not a date-time".to_string()
            } else {
                "not an RFC 3339 date-time with a time and an offset".to_string()
            },
            format!(
                "write a full date-time such as {}T00:00:00Z (or make the type date-iso8601)",
                text.get(..10)
                    .filter(|d| d.len() == 10)
                    .unwrap_or("2021-01-01")
            ),
        ),
        Primitive::Uuid if text.len() != 36 => bad(
            "not a hyphenated uuid",
            "write the hyphenated form, e.g. 5ecf6502-e532-4738-aad5-7ac9701251dd",
        ),
        _ => None,
    }
}

/// Checks the example against `minimum`/`maximum`.
fn in_bounds(ty: &TypeRef, text: &str, min: Option<i64>, max: Option<i64>) -> Option<Bad> {
    if min.is_none() && max.is_none() {
        return None;
    }
    let (size, what) = match ty {
        TypeRef::Primitive(p) if p.is_numeric() => (value::as_number(text)?, "value"),
        TypeRef::Primitive(Primitive::String) => (text.chars().count() as f64, "length"),
        TypeRef::List(_) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(a)) => (a.len() as f64, "size"),
            _ => return None,
        },
        _ => return None,
    };
    if let Some(min) = min.filter(|m| size < *m as f64) {
        return bad(
            format!("its {what} {size} is below the minimum {min}"),
            "use an example within minimum and maximum",
        );
    }
    if let Some(max) = max.filter(|m| size > *m as f64) {
        return bad(
            format!("its {what} {size} is above the maximum {max}"),
            "use an example within minimum and maximum",
        );
    }
    None
}

fn report(
    cx: &Context,
    out: &mut Sink,
    label: &str,
    ty: &Type,
    example: &str,
    (min, max): (Option<i64>, Option<i64>),
    loc: &Loc,
) {
    let Some(b) = fits(cx.repo, &ty.r, example).or_else(|| in_bounds(&ty.r, example, min, max))
    else {
        return;
    };
    out.report(
        loc,
        format!(
            "{label}: example `{example}` does not fit type {}: {}",
            display(cx.repo, ty),
            b.reason
        ),
    )
    .help(b.help);
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        let fields = s
            .models
            .iter()
            .map(|m| (m.name.as_str(), &m.fields))
            .chain(s.interfaces.iter().map(|i| (i.name.as_str(), &i.fields)));
        for (owner, fields) in fields {
            for f in fields {
                if let Some(e) = &f.example {
                    let label = format!("field `{owner}.{}`", f.name);
                    report(cx, out, &label, &f.ty, e, (f.minimum, f.maximum), &f.loc);
                }
            }
        }
        for (_, op) in operations(s) {
            for p in &op.parameters {
                if let Some(e) = &p.example {
                    let label = format!("{} parameter `{}`", op.label(), p.name);
                    report(cx, out, &label, &p.ty, e, (p.minimum, p.maximum), &p.loc);
                }
            }
        }
    }
}
