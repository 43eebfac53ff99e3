//! Type references and interfaces (E0401–E0408, W0407): interfaces used as concrete types, model and
//! union `interfaces` entries, interface conformance, declared annotations, enums with values.
//!
//! Unresolved references were reported by resolution and are skipped. Interfaces of imported
//! services that are in the repo are checked like local ones (API Builder checks only local ones);
//! interfaces of imports outside the repo are taken on trust.

use super::{kind_of, op_prefix, Cx};
use crate::diag::Code;
use crate::ir::{Field, Interface, Named, Type, TypeKind, TypeRef};
use crate::source::Loc;
use crate::validate::codes::{E0401, E0402, E0403, E0404, E0405, E0406, E0408, W0407, W0409};
use std::collections::HashSet;

pub fn check(cx: &mut Cx) {
    interfaces_as_types(cx);
    interface_entries(cx);
    conformance(cx);
    union_interfaces(cx);
    annotations_declared(cx);
    enums_have_values(cx);
}

fn is_interface(r: &TypeRef) -> bool {
    kind_of(r) == Some(TypeKind::Interface)
}

fn interface_as_type(cx: &mut Cx, prefix: &str, ty: &Type) {
    if !is_interface(&ty.r) {
        return;
    }
    let help = if ty.r.is_collection() {
        "a list or map of an interface has the same problem: use a list of a union of the implementing models"
    } else {
        "use the specific model, or a union of the models that implement the interface"
    };
    cx.report(
        &E0401,
        &ty.loc,
        format!(
            "{prefix} type[{}] is an interface and cannot be used as a field type. Specify the specific model you need or use a union type",
            ty.text
        ),
        help,
    );
}

fn interfaces_as_types(cx: &mut Cx) {
    let owners: Vec<_> = cx.field_owners().collect();
    for o in owners {
        for f in o.fields {
            interface_as_type(
                cx,
                &format!("{}[{}] Field[{}]", o.label, o.name, f.name),
                &f.ty,
            );
        }
    }
    let svc = cx.svc;
    for r in &svc.resources {
        interface_as_type(cx, "Resource", &r.ty);
    }
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let prefix = op_prefix(r, op);
        if let Some(b) = &op.body {
            interface_as_type(cx, &format!("{prefix} body"), &b.ty);
        }
        for p in &op.parameters {
            interface_as_type(cx, &format!("{prefix} Parameter[{}]", p.name), &p.ty);
        }
        for resp in &op.responses {
            interface_as_type(
                cx,
                &format!("{prefix} response code[{}]", resp.code),
                &resp.ty,
            );
        }
    }
}

/// The interface an entry names, when it is one declared in the repo.
fn declared_interface<'r>(cx: &Cx<'r>, entry: &Named) -> Option<&'r Interface> {
    match &entry.resolved {
        Some(TypeRef::Type(id)) if id.kind == TypeKind::Interface => Some(cx.repo.interface(*id)),
        _ => None,
    }
}

fn check_entry(cx: &mut Cx, code: &'static Code, prefix: &str, entry: &Named) {
    let help = match &entry.resolved {
        Some(TypeRef::Type(id)) if id.kind == TypeKind::Interface => return,
        Some(TypeRef::External { kind: TypeKind::Interface, .. }) => return,
        Some(TypeRef::Unresolved(_)) => return,
        Some(TypeRef::Type(id)) => format!(
            "`{}` is {} {}, not an interface; declare it under `interfaces`",
            entry.name,
            if id.kind == TypeKind::Enum { "an" } else { "a" },
            id.kind.label()
        ),
        Some(TypeRef::External { kind, .. }) => format!(
            "`{}` is {} {}, not an interface",
            entry.name,
            if *kind == TypeKind::Enum { "an" } else { "a" },
            kind.label()
        ),
        _ => "declare the interface under `interfaces`, or name an imported one as <namespace>.interfaces.<name>".to_string(),
    };
    cx.report(
        code,
        &entry.loc,
        format!("{prefix} Interface[{}] not found", entry.name),
        help,
    );
}

fn interface_entries(cx: &mut Cx) {
    let svc = cx.svc;
    for m in &svc.models {
        for i in &m.interfaces {
            check_entry(cx, &E0402, &format!("Model[{}]", m.name), i);
        }
    }
    for u in &svc.unions {
        for i in &u.interfaces {
            // API Builder does not check union `interfaces` (real specs list missing ones): warn.
            check_entry(cx, &W0409, &format!("Union[{}]", u.name), i);
        }
    }
}

/// Same type: resolved references when both resolved, else the text.
fn same_type(a: &Type, b: &Type) -> bool {
    if super::is_unresolved(&a.r) || super::is_unresolved(&b.r) {
        return true;
    }
    a.r == b.r
}

fn conform(cx: &mut Cx, label: &str, name: &str, loc: &Loc, fields: &[Field], iface: &Interface) {
    for want in &iface.fields {
        let Some(have) = fields.iter().find(|f| f.name == want.name) else {
            cx.report(
                &E0403,
                loc,
                format!(
                    "{label}[{name}] missing field '{}' as defined in the interface '{}'",
                    want.name, iface.name
                ),
                format!(
                    "add {{\"name\": \"{}\", \"type\": \"{}\"{}}} to the fields",
                    want.name,
                    want.ty.text,
                    if want.required {
                        ""
                    } else {
                        ", \"required\": false"
                    }
                ),
            );
            continue;
        };
        if !same_type(&have.ty, &want.ty) {
            cx.report(
                &E0404,
                &have.ty.loc,
                format!(
                    "{label}[{name}] field '{}' type '{}' is invalid. Must match the '{}' interface which defines this field as type '{}'",
                    have.name, have.ty.text, iface.name, want.ty.text
                ),
                format!("change the type to \"{}\"", want.ty.text),
            );
        }
        if have.required != want.required {
            let (msg, help) = if want.required {
                (
                    format!(
                        "{label}[{name}] field '{}' cannot be optional. Must match the '{}' interface which defines this field as required",
                        have.name, iface.name
                    ),
                    "remove \"required\": false",
                )
            } else {
                (
                    format!(
                        "{label}[{name}] field '{}' cannot be required. Must match the '{}' interface which defines this field as optional",
                        have.name, iface.name
                    ),
                    "add \"required\": false",
                )
            };
            cx.report(&E0405, &have.loc, msg, help);
        }
    }
}

fn conformance(cx: &mut Cx) {
    let svc = cx.svc;
    for m in &svc.models {
        for entry in &m.interfaces {
            if let Some(iface) = declared_interface(cx, entry) {
                conform(cx, "Model", &m.name, &m.loc, &m.fields, iface);
            }
        }
    }
}

/// Charter: a union's model members should carry the fields of the union's interfaces (warning).
fn union_interfaces(cx: &mut Cx) {
    let svc = cx.svc;
    for u in &svc.unions {
        for entry in &u.interfaces {
            let Some(iface) = declared_interface(cx, entry) else {
                continue;
            };
            for t in &u.types {
                let TypeRef::Type(id) = &t.ty.r else { continue };
                if id.kind != TypeKind::Model {
                    continue;
                }
                let model = cx.repo.model(*id);
                if model
                    .interfaces
                    .iter()
                    .any(|i| i.resolved == entry.resolved)
                {
                    continue; // checked as a model implementing the interface
                }
                let missing: Vec<&str> = iface
                    .fields
                    .iter()
                    .filter(|f| !model.fields.iter().any(|mf| mf.name == f.name))
                    .map(|f| f.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    cx.report(
                        &W0407,
                        &t.loc,
                        format!(
                            "Union[{}] type[{}] does not have the field(s) {} of the interface '{}' that the union lists",
                            u.name,
                            t.ty.text,
                            missing.join(", "),
                            iface.name
                        ),
                        format!(
                            "add the fields to model `{}`, or list \"{}\" in its `interfaces`",
                            model.name, entry.name
                        ),
                    );
                }
            }
        }
    }
}

fn annotations_declared(cx: &mut Cx) {
    let svc = cx.svc;
    let mut declared: HashSet<&str> = svc.annotations.iter().map(|a| a.name.as_str()).collect();
    for imp in &svc.imports {
        declared.extend(imp.annotations.iter().map(|a| a.name.as_str()));
        if let Some(target) = imp.target {
            declared.extend(
                cx.repo
                    .service(target)
                    .annotations
                    .iter()
                    .map(|a| a.name.as_str()),
            );
        }
    }
    let owners: Vec<_> = cx.field_owners().collect();
    for o in owners {
        for f in o.fields {
            for a in &f.annotations {
                if declared.contains(a.name.as_str()) {
                    continue;
                }
                let help = if declared.is_empty() {
                    format!("declare it: \"annotations\": {{\"{}\": {{}}}}", a.name)
                } else {
                    let mut names: Vec<&str> = declared.iter().copied().collect();
                    names.sort_unstable();
                    format!(
                        "declare it under `annotations`; declared: {}",
                        names.join(", ")
                    )
                };
                cx.report(
                    &E0406,
                    &a.loc,
                    format!(
                        "{}[{}] Field[{}] annotation[{}] is invalid. Annotations must be defined.",
                        o.label, o.name, f.name, a.name
                    ),
                    help,
                );
            }
        }
    }
}

fn enums_have_values(cx: &mut Cx) {
    for e in &cx.svc.enums {
        if e.values.is_empty() {
            cx.report(
                &E0408,
                &e.loc,
                format!("Enum[{}] must have at least one value", e.name),
                "add a value: \"values\": [{\"name\": \"...\"}]",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const ANIMAL: &str = r#""interfaces": {"animal": {"fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "integer", "required": false}]}}"#;

    #[test]
    fn interfaces_cannot_be_concrete_types() {
        let d = check(&spec(&format!(
            r#"{ANIMAL}, "models": {{"zoo": {{"fields": [{{"name": "a", "type": "animal"}}, {{"name": "b", "type": "[animal]"}}]}}}}"#
        )));
        let found = with_code(&d, "E0401");
        assert_eq!(found.len(), 2, "{d:#?}");
        assert!(found[0]
            .message
            .starts_with("Model[zoo] Field[a] type[animal] is an interface"));
    }

    #[test]
    fn conformance() {
        let d = check(&spec(&format!(
            r#"{ANIMAL}, "models": {{
                 "dog": {{"interfaces": ["animal"], "fields": [{{"name": "name", "type": "long"}}, {{"name": "age", "type": "integer"}}]}},
                 "cat": {{"interfaces": ["animal"], "fields": [{{"name": "age", "type": "integer", "required": false}}]}},
                 "bird": {{"interfaces": ["nothing"], "fields": []}}}}"#
        )));
        assert_eq!(
            one(&d, "E0404"),
            "Model[dog] field 'name' type 'long' is invalid. Must match the 'animal' interface which defines this field as type 'string'"
        );
        assert_eq!(
            one(&d, "E0405"),
            "Model[dog] field 'age' cannot be required. Must match the 'animal' interface which defines this field as optional"
        );
        assert_eq!(
            one(&d, "E0403"),
            "Model[cat] missing field 'name' as defined in the interface 'animal'"
        );
        assert_eq!(one(&d, "E0402"), "Model[bird] Interface[nothing] not found");
        let d = check(&spec(
            r#""models": {"a": {"fields": []}},
               "unions": {"u": {"interfaces": ["u"], "types": [{"type": "a"}]}}"#,
        ));
        assert_eq!(one(&d, "W0409"), "Union[u] Interface[u] not found");
        none(&d, "E0402");
    }

    #[test]
    fn union_members_carry_interface_fields() {
        let d = check(&spec(&format!(
            r#"{ANIMAL}, "models": {{"rock": {{"fields": []}}}},
               "unions": {{"thing": {{"interfaces": ["animal"], "types": [{{"type": "rock"}}]}}}}"#
        )));
        assert!(one(&d, "W0407").contains("field(s) name, age"));
    }

    #[test]
    fn annotations_must_be_declared() {
        let d = check(&spec(
            r#""annotations": {"pii": {}},
               "models": {"user": {"fields": [{"name": "email", "type": "string", "annotations": ["pii", "secret"]}]}}"#,
        ));
        assert_eq!(
            one(&d, "E0406"),
            "Model[user] Field[email] annotation[secret] is invalid. Annotations must be defined."
        );
    }

    #[test]
    fn interfaces_of_imported_services_in_the_repo_are_checked() {
        let common = r#"{"name": "common", "namespace": "io.acme.common.v0",
            "interfaces": {"record": {"fields": [{"name": "id", "type": "string"}]}},
            "annotations": {"pii": {}}}"#;
        let user = r#"{"name": "user", "namespace": "io.acme.user.v0",
            "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
            "models": {"user": {"interfaces": ["io.acme.common.v0.interfaces.record"],
                                "fields": [{"name": "email", "type": "string", "annotations": ["pii"]}]}}}"#;
        let d = check_many(&[("common.json", common), ("user.json", user)]);
        assert_eq!(codes(&d), vec!["E0403"], "{d:#?}");
        assert_eq!(
            one(&d, "E0403"),
            "Model[user] missing field 'id' as defined in the interface 'record'"
        );
    }

    #[test]
    fn enums_need_values() {
        let d = check(&spec(r#""enums": {"empty": {"values": []}}"#));
        assert_eq!(one(&d, "E0408"), "Enum[empty] must have at least one value");
    }
}
