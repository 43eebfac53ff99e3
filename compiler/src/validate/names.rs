//! Names: the service name and `base_url`, and API Builder's identifier rule (`Text.validateName`,
//! implemented in [`crate::names::validate_name`]) for models, interfaces, enums, enum values,
//! unions, fields, annotations, discriminators and discriminator values (E0201–E0208).
//!
//! Charter's own rules: names containing `.` are rejected (E0209, they read like qualified names;
//! enum value names are wire strings and keep API Builder's rule), and a type named like a primitive
//! is rejected (E0210, every reference to it would resolve to the primitive).

use super::Cx;
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::ir::{Form, Primitive};
use crate::names::validate_name;
use crate::source::Loc;
use crate::validate::codes::{
    E0201, E0202, E0203, E0204, E0205, E0206, E0207, E0208, E0209, E0210,
};

/// Reports a name rule. A service.json was produced and stored by API Builder, which accepted it
/// under the name rules of its day (enum values such as `Hazardous Material` were once allowed), so
/// on that form these rules are warnings and real stored specs still load; api.json input, which a
/// person is writing now, gets them as errors. Recorded in docs/compatibility.md.
fn report(
    cx: &mut Cx,
    code: &'static Code,
    loc: &Loc,
    message: impl Into<String>,
    help: impl Into<String>,
) {
    let mut d = Diagnostic::new(code, message)
        .at(loc.clone())
        .with_help(help);
    if cx.svc.form == Form::ServiceJson {
        d.severity = Severity::Warning;
        d.help = Some(format!(
            "{} (a warning here: this service.json was accepted by API Builder under older name rules)",
            d.help.as_deref().unwrap_or("rename it")
        ));
    }
    cx.diags.push(d);
}

pub fn check(cx: &mut Cx) {
    service(cx);
    types(cx);
    fields(cx);
    enum_values(cx);
    annotations(cx);
    discriminators(cx);
}

fn service(cx: &mut Cx) {
    let svc = cx.svc;
    if !svc.name.chars().next().is_some_and(char::is_alphabetic) {
        report(
            cx,
            &E0201,
            &svc.loc,
            format!("Name[{}] must start with a letter", svc.name),
            "start the service name with a letter",
        );
    }
    if let Some(url) = &svc.base_url {
        if url.ends_with('/') {
            report(
                cx,
                &E0202,
                &svc.loc,
                format!("base_url[{url}] must not end with a '/'"),
                format!("use \"{}\"", url.trim_end_matches('/')),
            );
        }
    }
}

/// Reports the identifier problems of `name`; `prefix` is the message up to the problems, `allow_dot`
/// keeps API Builder's rule (a `.` is accepted).
fn identifier(
    cx: &mut Cx,
    code: &'static Code,
    loc: &Loc,
    name: &str,
    blank: String,
    invalid: String,
    allow_dot: bool,
) {
    if name.trim().is_empty() {
        report(cx, code, loc, blank, "give it a name");
        return;
    }
    let problems = validate_name(name);
    if !problems.is_empty() {
        report(
            cx,
            code,
            loc,
            format!("{invalid}: {}", problems.join(", ")),
            "use only letters, digits, `-` and `_`, starting with a letter",
        );
    } else if !allow_dot && name.contains('.') {
        report(
            cx,
            &E0209,
            loc,
            format!("{invalid}: Name cannot contain '.'"),
            format!(
                "a dotted name reads like a qualified import reference; use \"{}\"",
                name.replace('.', "_")
            ),
        );
    }
}

fn types(cx: &mut Cx) {
    let svc = cx.svc;
    let mut all = Vec::new();
    for m in &svc.models {
        identifier(
            cx,
            &E0203,
            &m.loc,
            &m.name,
            format!("Model[{}] name cannot be empty", m.name),
            format!("Model[{}] name is invalid", m.name),
            false,
        );
        all.push(("Model", &m.name, &m.loc));
    }
    for i in &svc.interfaces {
        identifier(
            cx,
            &E0203,
            &i.loc,
            &i.name,
            format!("Interface[{}] name cannot be empty", i.name),
            format!("Interface[{}] name is invalid", i.name),
            false,
        );
        all.push(("Interface", &i.name, &i.loc));
    }
    for e in &svc.enums {
        identifier(
            cx,
            &E0203,
            &e.loc,
            &e.name,
            format!("Enum[{}] name cannot be empty", e.name),
            format!("Enum[{}] name is invalid", e.name),
            false,
        );
        all.push(("Enum", &e.name, &e.loc));
    }
    for u in &svc.unions {
        identifier(
            cx,
            &E0203,
            &u.loc,
            &u.name,
            format!("Union[{}] name cannot be empty", u.name),
            format!("Union[{}] is invalid", u.name),
            false,
        );
        all.push(("Union", &u.name, &u.loc));
    }
    for (label, name, loc) in all {
        // `map` alone is the type `map[string]`, so it shadows a type of that name too.
        let shadowed = match Primitive::parse(name) {
            Some(p) => Some(format!("the primitive type '{}'", p.name())),
            None if name.eq_ignore_ascii_case("map") => {
                Some("the type 'map' (map[string])".to_string())
            }
            None => None,
        };
        if let Some(what) = shadowed {
            report(cx,
                &E0210,
                loc,
                format!("{label}[{name}] has the name of {what}: every reference to it resolves to that type"),
                format!("rename the {}, e.g. \"{name}_value\"", label.to_lowercase()),
            );
        }
    }
}

fn fields(cx: &mut Cx) {
    let owners: Vec<_> = cx.field_owners().collect();
    for owner in owners {
        for f in owner.fields {
            identifier(
                cx,
                &E0205,
                &f.loc,
                &f.name,
                format!(
                    "{}[{}] Field[{}] name cannot be empty",
                    owner.label, owner.name, f.name
                ),
                format!(
                    "{}[{}] Field[{}] name is invalid",
                    owner.label, owner.name, f.name
                ),
                false,
            );
        }
    }
}

fn enum_values(cx: &mut Cx) {
    for e in &cx.svc.enums {
        for v in &e.values {
            identifier(
                cx,
                &E0204,
                &v.loc,
                &v.name,
                format!("Enum[{}] name[{}] cannot be empty", e.name, v.name),
                format!("Enum[{}] name[{}] is invalid", e.name, v.name),
                true,
            );
        }
    }
}

fn annotations(cx: &mut Cx) {
    for a in &cx.svc.annotations {
        identifier(
            cx,
            &E0206,
            &a.loc,
            &a.name,
            format!("Annotation[{}] name cannot be empty", a.name),
            format!("Annotation[{}] name is invalid", a.name),
            false,
        );
    }
}

fn discriminators(cx: &mut Cx) {
    for u in &cx.svc.unions {
        if let Some(d) = &u.discriminator {
            identifier(
                cx,
                &E0207,
                &u.loc,
                d,
                format!("Union[{}] discriminator[{d}] cannot be empty", u.name),
                format!("Union[{}] discriminator[{d}] is invalid", u.name),
                false,
            );
        }
        for t in &u.types {
            identifier(
                cx,
                &E0208,
                &t.loc,
                &t.discriminator_value,
                format!(
                    "Union[{}] type[{}] discriminator_value[{}] cannot be empty",
                    u.name, t.ty.text, t.discriminator_value
                ),
                format!(
                    "Union[{}] type[{}] discriminator_value[{}] is invalid",
                    u.name, t.ty.text, t.discriminator_value
                ),
                true,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn service_name_and_base_url() {
        let d = check(r#"{"name": "1api", "base_url": "https://x.io/"}"#);
        assert_eq!(one(&d, "E0201"), "Name[1api] must start with a letter");
        assert_eq!(
            one(&d, "E0202"),
            "base_url[https://x.io/] must not end with a '/'"
        );
        let d = check(r#"{"name": "api", "base_url": "https://x.io"}"#);
        none(&d, "E0201");
        none(&d, "E0202");
    }

    #[test]
    fn identifiers() {
        let d = check(&spec(
            r#""models": {"1user": {"fields": [{"name": "my field", "type": "string"}]}},
               "enums": {"age_group": {"values": [{"name": "1"}]}},
               "annotations": {"9pii": {}}"#,
        ));
        assert!(one(&d, "E0203").starts_with("Model[1user] name is invalid: "));
        assert!(one(&d, "E0205").starts_with("Model[1user] Field[my field] name is invalid: "));
        assert_eq!(
            one(&d, "E0204"),
            "Enum[age_group] name[1] is invalid: Name must start with a letter"
        );
        assert!(one(&d, "E0206").starts_with("Annotation[9pii] name is invalid"));
    }

    #[test]
    fn dotted_names_are_rejected_except_enum_values() {
        let d = check(&spec(
            r#""models": {"a.b": {"fields": [{"name": "x.y", "type": "string"}]}},
               "enums": {"size": {"values": [{"name": "t2.micro"}]}}"#,
        ));
        let found = with_code(&d, "E0209");
        assert_eq!(found.len(), 2, "{d:#?}");
        none(&d, "E0204");
    }

    #[test]
    fn primitive_names() {
        let d = check(&spec(r#""models": {"uuid": {"fields": []}}"#));
        assert!(
            one(&d, "E0210").starts_with("Model[uuid] has the name of the primitive type 'uuid'")
        );
    }

    #[test]
    fn discriminators_and_values() {
        let d = check(&spec(
            r#""models": {"a": {"fields": []}},
               "unions": {"u": {"discriminator": "1kind", "types": [{"type": "a", "discriminator_value": "2a"}]}}"#,
        ));
        assert!(one(&d, "E0207").starts_with("Union[u] discriminator[1kind] is invalid"));
        assert!(one(&d, "E0208").starts_with("Union[u] type[a] discriminator_value[2a] is invalid"));
    }
}
