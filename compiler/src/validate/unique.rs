//! Uniqueness (E0301–E0313): types per kind, annotations, fields, enum values and wire values, field
//! annotations, parameters, headers, union members, names across kinds, resources and their plurals.
//!
//! Names are compared as API Builder compares them ([`normalize_for_duplicates`]: camelCase →
//! snake_case, lower-cased) and messages show the normalized name, except where the thing compared
//! is a wire string: HTTP header names are compared case-insensitively (Charter's decision), enum
//! wire values exactly, and names across kinds case-insensitively (as API Builder does).

use super::{op_prefix, Cx};
use crate::diag::Code;
use crate::ir::{Header, TypeRef};
use crate::names::normalize_for_duplicates;
use crate::source::Loc;
use crate::validate::codes::{
    E0301, E0302, E0303, E0304, E0305, E0306, E0307, E0308, E0309, E0310, E0311, E0312, E0313,
};
use std::collections::HashMap;

pub fn check(cx: &mut Cx) {
    types(cx);
    annotations(cx);
    fields(cx);
    enum_values(cx);
    parameters(cx);
    headers(cx);
    union_members(cx);
    across_kinds(cx);
    resources(cx);
}

/// The later occurrences of each key: `(key, first location, duplicate location)`.
fn duplicates<'a>(
    items: impl IntoIterator<Item = (String, &'a Loc)>,
) -> Vec<(String, &'a Loc, &'a Loc)> {
    let mut first: HashMap<String, &Loc> = HashMap::new();
    let mut out = Vec::new();
    for (key, loc) in items {
        match first.get(&key) {
            Some(f) => out.push((key, *f, loc)),
            None => {
                first.insert(key, loc);
            }
        }
    }
    out
}

fn first_at(first: &Loc) -> String {
    if first.pointer.is_empty() {
        "the first one is earlier in the file".to_string()
    } else {
        format!(
            "the first one is at {}; rename or remove one of them",
            first.pointer
        )
    }
}

fn report_dups<'a>(
    cx: &mut Cx,
    code: &'static Code,
    items: impl IntoIterator<Item = (String, &'a Loc)>,
    message: impl Fn(&str) -> String,
) {
    for (key, first, dup) in duplicates(items) {
        cx.report(code, dup, message(&key), first_at(first));
    }
}

fn norm<'a>(name: &str, loc: &'a Loc) -> (String, &'a Loc) {
    (normalize_for_duplicates(name), loc)
}

fn types(cx: &mut Cx) {
    let svc = cx.svc;
    report_dups(
        cx,
        &E0301,
        svc.models.iter().map(|m| norm(&m.name, &m.loc)),
        |n| format!("Model[{n}] appears more than once"),
    );
    report_dups(
        cx,
        &E0301,
        svc.interfaces.iter().map(|m| norm(&m.name, &m.loc)),
        |n| format!("Interface[{n}] appears more than once"),
    );
    report_dups(
        cx,
        &E0301,
        svc.enums.iter().map(|m| norm(&m.name, &m.loc)),
        |n| format!("Enum[{n}] appears more than once"),
    );
    report_dups(
        cx,
        &E0301,
        svc.unions.iter().map(|m| norm(&m.name, &m.loc)),
        |n| format!("Union[{n}] appears more than once"),
    );
}

fn annotations(cx: &mut Cx) {
    let svc = cx.svc;
    report_dups(
        cx,
        &E0302,
        svc.annotations.iter().map(|a| norm(&a.name, &a.loc)),
        |n| format!("Annotation[{n}] appears more than once"),
    );
}

fn fields(cx: &mut Cx) {
    let owners: Vec<_> = cx.field_owners().collect();
    for o in owners {
        report_dups(
            cx,
            &E0303,
            o.fields.iter().map(|f| norm(&f.name, &f.loc)),
            |n| format!("{}[{}] field[{n}] appears more than once", o.label, o.name),
        );
        for f in o.fields {
            report_dups(
                cx,
                &E0306,
                f.annotations.iter().map(|a| (a.name.clone(), &a.loc)),
                |n| {
                    format!(
                        "{}[{}] Field[{}] Annotation[{n}] appears more than once",
                        o.label, o.name, f.name
                    )
                },
            );
        }
    }
}

fn enum_values(cx: &mut Cx) {
    for e in &cx.svc.enums {
        report_dups(
            cx,
            &E0304,
            e.values.iter().map(|v| norm(&v.name, &v.loc)),
            |n| format!("Enum[{}] value[{n}] appears more than once", e.name),
        );
        // Wire values: only pairs where an explicit `value` is involved (names alone are above).
        let mut seen: HashMap<&str, (&Loc, bool)> = HashMap::new();
        for v in &e.values {
            let explicit = v.value.is_some();
            match seen.get(v.wire()) {
                Some((first, first_explicit)) if explicit || *first_explicit => {
                    let first = (*first).clone();
                    cx.report(
                        &E0305,
                        &v.loc,
                        format!(
                            "Enum[{}] value[{}] appears more than once",
                            e.name,
                            v.wire()
                        ),
                        format!(
                            "two values would be sent as \"{}\" on the wire; {}",
                            v.wire(),
                            first_at(&first)
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(v.wire(), (&v.loc, explicit));
                }
            }
        }
    }
}

fn parameters(cx: &mut Cx) {
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let prefix = op_prefix(r, op);
        report_dups(
            cx,
            &E0307,
            op.parameters.iter().map(|p| norm(&p.name, &p.loc)),
            |n| format!("{prefix} Parameter[{n}] appears more than once"),
        );
    }
}

fn header_keys(headers: &[Header]) -> impl Iterator<Item = (String, &Loc)> {
    headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), &h.loc))
}

fn headers(cx: &mut Cx) {
    let svc = cx.svc;
    report_dups(cx, &E0308, header_keys(&svc.headers), |n| {
        format!("Header[{n}] appears more than once")
    });
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let prefix = op_prefix(r, op);
        for resp in &op.responses {
            report_dups(cx, &E0308, header_keys(&resp.headers), |n| {
                format!(
                    "{prefix} response code[{}] header[{n}] appears more than once",
                    resp.code
                )
            });
        }
    }
}

fn union_members(cx: &mut Cx) {
    for u in &cx.svc.unions {
        let keys = u.types.iter().map(|t| {
            let key = match &t.ty.r {
                TypeRef::Unresolved(_) | TypeRef::Named(_) => t.ty.text.to_lowercase(),
                r => format!("{r:?}"),
            };
            (key, &t.loc)
        });
        let dups = duplicates(keys);
        for (_, first, dup) in dups {
            let text = u
                .types
                .iter()
                .find(|t| &t.loc == dup)
                .map(|t| t.ty.text.clone())
                .unwrap_or_default();
            cx.report(
                &E0309,
                dup,
                format!("Union[{}] Type[{text}] appears more than once", u.name),
                first_at(first),
            );
        }
    }
}

fn across_kinds(cx: &mut Cx) {
    let svc = cx.svc;
    let kinds: [(&str, Vec<(&str, &Loc)>); 4] = [
        (
            "a model",
            svc.models
                .iter()
                .map(|t| (t.name.as_str(), &t.loc))
                .collect(),
        ),
        (
            "an enum",
            svc.enums
                .iter()
                .map(|t| (t.name.as_str(), &t.loc))
                .collect(),
        ),
        (
            "an interface",
            svc.interfaces
                .iter()
                .map(|t| (t.name.as_str(), &t.loc))
                .collect(),
        ),
        (
            "a union",
            svc.unions
                .iter()
                .map(|t| (t.name.as_str(), &t.loc))
                .collect(),
        ),
    ];
    for i in 0..kinds.len() {
        for j in i + 1..kinds.len() {
            let (a, names_a) = &kinds[i];
            let (b, names_b) = &kinds[j];
            for (name_b, loc_b) in names_b {
                if !names_a.iter().any(|(n, _)| n.eq_ignore_ascii_case(name_b)) {
                    continue;
                }
                if *a == "an interface" && *b == "a union" {
                    let u = svc.unions.iter().find(|u| &u.loc == *loc_b);
                    let listed = u.is_some_and(|u| {
                        u.interfaces
                            .iter()
                            .any(|i| i.name.eq_ignore_ascii_case(name_b))
                    });
                    if !listed {
                        cx.report(
                            &E0311,
                            loc_b,
                            format!(
                                "'{name_b}' is defined as both a union and an interface. You must either make the names unique, or document in the union interfaces field that the type extends the '{name_b}' interface."
                            ),
                            format!("add \"interfaces\": [\"{name_b}\"] to the union, or rename one of them"),
                        );
                    }
                    continue;
                }
                // API Builder prints the lower-cased name and the two labels sorted.
                let (first, second) = if a <= b { (a, b) } else { (b, a) };
                cx.report(
                    &E0310,
                    loc_b,
                    format!(
                        "Name[{}] cannot be used as the name of both {first} and {second} type",
                        name_b.to_lowercase()
                    ),
                    "type references use short names, so the two could not be told apart: rename one",
                );
            }
        }
    }
}

fn resources(cx: &mut Cx) {
    let svc = cx.svc;
    let keys = svc.resources.iter().map(|r| {
        let key = match &r.ty.r {
            TypeRef::Unresolved(_) | TypeRef::Named(_) => r.ty.text.to_lowercase(),
            t => format!("{t:?}"),
        };
        (key, &r.loc)
    });
    let dups = duplicates(keys);
    let duplicated: Vec<&Loc> = dups.iter().map(|(_, _, dup)| *dup).collect();
    for (_, first, dup) in dups {
        let text = svc
            .resources
            .iter()
            .find(|r| &r.loc == dup)
            .map(|r| r.ty.text.clone())
            .unwrap_or_default();
        cx.report(
            &E0312,
            dup,
            format!("Resource[{text}] cannot appear multiple times"),
            format!(
                "merge the operations into one resource; {}",
                first_at(first)
            ),
        );
    }
    // A resource declared twice (E0312) also repeats its plural: reported once.
    let plurals = svc
        .resources
        .iter()
        .filter(|r| !duplicated.contains(&&r.loc))
        .map(|r| norm(&r.plural, &r.loc));
    report_dups(cx, &E0313, plurals, |p| {
        format!("Resource with plural[{p}] appears more than once")
    });
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn types_and_fields_normalize() {
        let d = check(&spec(
            r#""models": {"someId": {"fields": [{"name": "userId", "type": "string"}, {"name": "user_id", "type": "string"}]},
                          "some_id": {"fields": []}}"#,
        ));
        assert_eq!(one(&d, "E0301"), "Model[some_id] appears more than once");
        assert_eq!(
            one(&d, "E0303"),
            "Model[someId] field[user_id] appears more than once"
        );
    }

    #[test]
    fn enum_values_and_wire_values() {
        let d = check(&spec(
            r#""enums": {"e": {"values": [{"name": "a"}, {"name": "A"}, {"name": "b", "value": "x"}, {"name": "c", "value": "x"}]}}"#,
        ));
        assert_eq!(one(&d, "E0304"), "Enum[e] value[a] appears more than once");
        assert_eq!(one(&d, "E0305"), "Enum[e] value[x] appears more than once");
    }

    #[test]
    fn headers_are_case_insensitive() {
        let d = check(&spec(
            r#""headers": [{"name": "X-Request-Id", "type": "string"}, {"name": "x-request-id", "type": "string"}]"#,
        ));
        assert_eq!(
            one(&d, "E0308"),
            "Header[x-request-id] appears more than once"
        );
    }

    #[test]
    fn across_kinds_and_union_interface() {
        let d = check(&spec(
            r#""models": {"user": {"fields": []}},
               "enums": {"User": {"values": [{"name": "a"}]}},
               "interfaces": {"animal": {"fields": []}},
               "unions": {"animal": {"types": [{"type": "user"}]}}"#,
        ));
        assert_eq!(
            one(&d, "E0310"),
            "Name[user] cannot be used as the name of both a model and an enum type"
        );
        assert!(
            one(&d, "E0311").starts_with("'animal' is defined as both a union and an interface")
        );
        let d = check(&spec(
            r#""models": {"user": {"fields": []}},
               "interfaces": {"animal": {"fields": []}},
               "unions": {"animal": {"interfaces": ["animal"], "types": [{"type": "user"}]}}"#,
        ));
        none(&d, "E0311");
    }

    #[test]
    fn across_kinds_labels_are_sorted() {
        let d = check(&spec(
            r#""models": {"a": {"fields": []}},
               "enums": {"thing": {"values": [{"name": "a"}]}},
               "unions": {"Thing": {"types": [{"type": "a"}]}}"#,
        ));
        assert_eq!(
            one(&d, "E0310"),
            "Name[thing] cannot be used as the name of both a union and an enum type"
        );
    }

    #[test]
    fn parameters_and_union_members() {
        let d = check(&spec(
            r#""models": {"user": {"fields": []}},
               "unions": {"u": {"types": [{"type": "user"}, {"type": "user", "discriminator_value": "other"}]}},
               "resources": {"user": {"operations": [{"method": "GET",
                   "parameters": [{"name": "q", "type": "string"}, {"name": "Q", "type": "string"}]}]}}"#,
        ));
        assert_eq!(
            one(&d, "E0307"),
            "Resource[user] GET /users Parameter[q] appears more than once"
        );
        assert_eq!(
            one(&d, "E0309"),
            "Union[u] Type[user] appears more than once"
        );
    }
}
