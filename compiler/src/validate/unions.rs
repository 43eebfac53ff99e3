//! Unions (E0601–E0612): members (at least one, no `unit`, local only), cycles, default members,
//! reserved discriminators, discriminators clashing with member fields, unique discriminator values
//! (nested unions flattened), nested unions sharing the discriminator, and a type that is a member of
//! several unions keeping one discriminator name and value.
//!
//! Walks through nested unions keep a visited set, so a cycle (reported once, at the first union of
//! the cycle in declaration order) never loops.

use super::Cx;
use crate::ir::{Primitive, TypeId, TypeKind, TypeRef, Union};
use crate::lower::api_json::inner_name;
use crate::validate::codes::{
    E0601, E0602, E0603, E0604, E0605, E0606, E0607, E0608, E0609, E0610, E0611, E0612,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub fn check(cx: &mut Cx) {
    let svc = cx.svc;
    let cyclic = cycles(cx);
    for (i, u) in svc.unions.iter().enumerate() {
        members(cx, u);
        defaults(cx, u);
        let ok = discriminator(cx, u);
        if ok && !cyclic.contains(&i) {
            values(cx, u);
            nested_discriminators(cx, u);
        }
    }
    across_unions(cx);
}

/// A local union that `r` names (through lists and maps).
fn local_union(cx: &Cx, r: &TypeRef) -> Option<TypeId> {
    match r.innermost() {
        TypeRef::Type(id) if id.kind == TypeKind::Union && cx.is_local(*id) => Some(*id),
        _ => None,
    }
}

fn members(cx: &mut Cx, u: &Union) {
    if u.types.is_empty() {
        cx.report(
            &E0601,
            &u.loc,
            format!("Union[{}] must have at least one type", u.name),
            "add a member: \"types\": [{\"type\": \"...\"}]",
        );
    }
    for t in &u.types {
        if matches!(t.ty.r.innermost(), TypeRef::Primitive(Primitive::Unit)) {
            cx.report(
                &E0602,
                &t.loc,
                format!(
                    "Union[{}] Union types cannot contain unit. To make a particular field optional, use the required property.",
                    u.name
                ),
                "remove the unit member; make the field that holds the union optional instead",
            );
        }
        let imported = match t.ty.r.innermost() {
            TypeRef::Type(id) => !cx.is_local(*id),
            TypeRef::External { .. } => true,
            _ => false,
        };
        if imported {
            cx.report(
                &E0603,
                &t.loc,
                format!(
                    "Union[{}] type[{}] is invalid. Cannot use an imported type as part of a union as there is no way to declare that the imported type expands the union type defined here.",
                    u.name, t.ty.text
                ),
                "declare a local model (it may hold the imported type in a field) and use it as the member",
            );
        }
    }
}

/// Reports union cycles; returns the indexes of unions that are part of one.
fn cycles(cx: &mut Cx) -> HashSet<usize> {
    let svc = cx.svc;
    let edges: Vec<Vec<usize>> = svc
        .unions
        .iter()
        .map(|u| {
            u.types
                .iter()
                .filter_map(|t| local_union(cx, &t.ty.r).map(|id| id.index as usize))
                .collect()
        })
        .collect();
    let mut cyclic = HashSet::new();
    for start in 0..svc.unions.len() {
        // Depth-first search for a path start -> … -> start.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut on_path = vec![start];
        let mut seen = HashSet::new();
        let mut found = None;
        while let Some((node, next)) = stack.pop() {
            if next < edges[node].len() {
                stack.push((node, next + 1));
                let child = edges[node][next];
                if child == start {
                    found = Some(on_path.clone());
                    break;
                }
                if seen.insert(child) {
                    stack.push((child, 0));
                    on_path.push(child);
                }
            } else {
                on_path.pop();
            }
        }
        let Some(path) = found else { continue };
        cyclic.insert(start);
        if path.iter().min() != Some(&start) {
            continue; // reported at the first union of the cycle
        }
        let u = &svc.unions[start];
        let msg = if path.len() == 1 {
            format!(
                "Union[{}] cannot contain itself as one of its types or sub-types",
                u.name
            )
        } else {
            let names: Vec<&str> = path
                .iter()
                .chain(std::iter::once(&start))
                .map(|i| svc.unions[*i].name.as_str())
                .collect();
            format!(
                "Union[{}] cannot contain itself as one of its types or sub-types: {}",
                u.name,
                names.join("->")
            )
        };
        cx.report(
            &E0604,
            &u.loc,
            msg,
            "remove one of the unions from the other's types",
        );
    }
    cyclic
}

fn defaults(cx: &mut Cx, u: &Union) {
    let marked: Vec<&str> = u
        .types
        .iter()
        .filter(|t| t.default == Some(true))
        .map(|t| t.ty.text.as_str())
        .collect();
    if marked.is_empty() {
        return;
    }
    if u.discriminator.is_none() {
        cx.report(
            &E0605,
            &u.loc,
            format!(
                "Union[{}] types cannot specify default as the union type does not have a 'discriminator' specified: {}",
                u.name,
                marked.join(", ")
            ),
            "add a \"discriminator\" to the union, or remove \"default\" from its types",
        );
    }
    if marked.len() > 1 {
        let mut sorted = marked.clone();
        sorted.sort_unstable();
        cx.report(
            &E0606,
            &u.loc,
            format!(
                "Union[{}] Only 1 type can be specified as default. Currently the following types are marked as default: {}",
                u.name,
                sorted.join(", ")
            ),
            "keep \"default\": true on one type only",
        );
    }
}

/// The fields of a member, by name, with the member path that has them (`inner.model` for nested
/// unions).
fn member_fields(
    cx: &Cx,
    r: &TypeRef,
    label: &str,
    seen: &mut HashSet<TypeId>,
    out: &mut Vec<(String, String)>,
) {
    let TypeRef::Type(id) = r.innermost() else {
        return;
    };
    if !seen.insert(*id) {
        return;
    }
    match id.kind {
        TypeKind::Model => out.extend(
            cx.repo
                .model(*id)
                .fields
                .iter()
                .map(|f| (f.name.clone(), label.to_string())),
        ),
        TypeKind::Interface => out.extend(
            cx.repo
                .interface(*id)
                .fields
                .iter()
                .map(|f| (f.name.clone(), label.to_string())),
        ),
        TypeKind::Union => {
            for t in &cx.repo.union(*id).types {
                let inner = format!("{label}.{}", inner_name(&t.ty.text));
                member_fields(cx, &t.ty.r, &inner, seen, out);
            }
        }
        TypeKind::Enum => {}
    }
}

/// Reserved names and clashes with member fields; false when the discriminator is invalid.
fn discriminator(cx: &mut Cx, u: &Union) -> bool {
    let Some(d) = &u.discriminator else {
        return true;
    };
    if d == "value" || d == "implicit" {
        cx.report(
            &E0607,
            &u.loc,
            format!(
                "Union[{}] discriminator[{d}]: The keyword[{d}] is reserved and cannot be used as a discriminator",
                u.name
            ),
            "use another name, e.g. \"type\" or \"discriminator\"",
        );
        return false;
    }
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    for t in &u.types {
        member_fields(cx, &t.ty.r, &inner_name(&t.ty.text), &mut seen, &mut fields);
    }
    let owners: BTreeSet<&str> = fields
        .iter()
        .filter(|(f, _)| f == d)
        .map(|(_, owner)| owner.as_str())
        .collect();
    if owners.is_empty() {
        return true;
    }
    let owners: Vec<&str> = owners.into_iter().collect();
    cx.report(
        &E0608,
        &u.loc,
        format!(
            "Union[{}] discriminator[{d}] must be unique. Field exists on: {}",
            u.name,
            owners.join(", ")
        ),
        "rename the discriminator or the field: the discriminator is written into each member's JSON object",
    );
    false
}

/// Discriminator values of a union, nested unions flattened.
fn flat_values<'r>(
    cx: &Cx<'r>,
    u: &'r Union,
    seen: &mut HashSet<*const Union>,
    out: &mut Vec<(&'r str, &'r crate::source::Loc)>,
) {
    if !seen.insert(u as *const Union) {
        return;
    }
    for t in &u.types {
        match local_union(cx, &t.ty.r) {
            Some(id) => flat_values(cx, cx.repo.union(id), seen, out),
            None => out.push((t.discriminator_value.as_str(), &t.loc)),
        }
    }
}

fn values(cx: &mut Cx, u: &Union) {
    let mut all = Vec::new();
    flat_values(cx, u, &mut HashSet::new(), &mut all);
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for (v, loc) in all {
        if !seen.insert(v) && reported.insert(v) {
            // Point at the member of this union when the duplicate comes from a nested union.
            let at = if u.types.iter().any(|t| &t.loc == loc) {
                loc
            } else {
                &u.loc
            };
            cx.report(
                &E0609,
                at,
                format!(
                    "Union[{}] discriminator value[{v}] appears more than once",
                    u.name
                ),
                "give the members distinct \"discriminator_value\"s",
            );
        }
    }
}

fn nested_discriminators(cx: &mut Cx, u: &Union) {
    for t in &u.types {
        let Some(id) = local_union(cx, &t.ty.r) else {
            continue;
        };
        let nested = cx.repo.union(id);
        match (&u.discriminator, &nested.discriminator) {
            (None, Some(_)) => cx.report(
                &E0610,
                &t.loc,
                format!(
                    "Union[{}] does not specify a discriminator yet one of the types does. Either add the same discriminator to this union or remove from the member types",
                    u.name
                ),
                format!("the member union `{}` has a discriminator", nested.name),
            ),
            (Some(d), other) if other.as_deref() != Some(d.as_str()) => cx.report(
                &E0610,
                &t.loc,
                format!(
                    "Union[{}] specifies a discriminator named '{d}'. All member types must also specify this same discriminator",
                    u.name
                ),
                format!("set \"discriminator\": \"{d}\" on union `{}`", nested.name),
            ),
            _ => {}
        }
    }
}

/// One membership: the union, its discriminator, the member's value and location.
type Use<'a> = (&'a Union, Option<&'a str>, &'a str, &'a crate::source::Loc);

/// A type that is a member of several unions keeps one discriminator name and value.
fn across_unions(cx: &mut Cx) {
    let svc = cx.svc;
    // member text → [(union, discriminator, value, loc)]
    let mut by_type: BTreeMap<&str, Vec<Use>> = BTreeMap::new();
    for u in &svc.unions {
        for t in &u.types {
            let uses = by_type.entry(t.ty.text.as_str()).or_default();
            if uses.iter().any(|(other, ..)| std::ptr::eq(*other, u)) {
                continue; // listed twice in one union: E0309
            }
            uses.push((
                u,
                u.discriminator.as_deref(),
                t.discriminator_value.as_str(),
                &t.loc,
            ));
        }
    }
    for (text, uses) in by_type {
        if uses.len() < 2 {
            continue;
        }
        let label = match uses[0]
            .0
            .types
            .iter()
            .find(|t| t.ty.text == text)
            .and_then(|t| super::kind_of(&t.ty.r))
        {
            Some(k) => {
                let l = k.label();
                let mut c = l.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
            None => "Type".to_string(),
        };
        let unions: Vec<&str> = uses.iter().map(|u| u.0.name.as_str()).collect();
        let head = format!("{label}[{text}] used in unions[{}]", unions.join(", "));
        let loc = uses[uses.len() - 1].3;
        let names: BTreeSet<Option<&str>> = uses.iter().map(|u| u.1).collect();
        if names.len() > 1 {
            let msg = if names.contains(&None) {
                format!("{head} cannot use more than one discriminator name. All unions should define the same discriminator name, or not define one at all.")
            } else {
                let list: Vec<&str> = names.iter().flatten().copied().collect();
                format!(
                    "{head} cannot use more than one discriminator name. Found distinct discriminator names[{}].",
                    list.join(", ")
                )
            };
            cx.report(
                &E0611,
                loc,
                msg,
                "give these unions the same \"discriminator\"",
            );
        }
        let values: BTreeSet<&str> = uses.iter().map(|u| u.2).collect();
        if values.len() > 1 {
            let list: Vec<&str> = values.into_iter().collect();
            cx.report(
                &E0612,
                loc,
                format!(
                    "{head} cannot use more than one discriminator value. Found distinct discriminator values[{}].",
                    list.join(", ")
                ),
                "use the same \"discriminator_value\" for this type in every union",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const MODELS: &str =
        r#""models": {"a": {"fields": [{"name": "kind", "type": "string"}]}, "b": {"fields": []}}"#;

    fn unions(u: &str) -> Vec<crate::diag::Diagnostic> {
        check(&spec(&format!(r#"{MODELS}, "unions": {u}"#)))
    }

    #[test]
    fn members() {
        let d = unions(r#"{"u": {"types": []}, "v": {"types": [{"type": "unit"}]}}"#);
        assert_eq!(one(&d, "E0601"), "Union[u] must have at least one type");
        assert!(one(&d, "E0602").starts_with("Union[v] Union types cannot contain unit."));
    }

    #[test]
    fn cycles_are_reported_once() {
        let d = unions(
            r#"{"x": {"types": [{"type": "y"}]}, "y": {"types": [{"type": "x"}]}, "s": {"types": [{"type": "s"}]}}"#,
        );
        let found = with_code(&d, "E0604");
        assert_eq!(found.len(), 2, "{d:#?}");
        assert!(found.iter().any(|f| f.message
            == "Union[x] cannot contain itself as one of its types or sub-types: x->y->x"));
        assert!(found.iter().any(
            |f| f.message == "Union[s] cannot contain itself as one of its types or sub-types"
        ));
    }

    #[test]
    fn defaults() {
        let d = unions(
            r#"{"u": {"types": [{"type": "a", "default": true}, {"type": "b", "default": true}]}}"#,
        );
        assert!(one(&d, "E0605").ends_with("does not have a 'discriminator' specified: a, b"));
        assert!(one(&d, "E0606").ends_with("marked as default: a, b"));
    }

    #[test]
    fn discriminators() {
        let d = unions(r#"{"u": {"discriminator": "value", "types": [{"type": "b"}]}}"#);
        assert!(one(&d, "E0607").contains("The keyword[value] is reserved"));
        let d =
            unions(r#"{"u": {"discriminator": "kind", "types": [{"type": "a"}, {"type": "b"}]}}"#);
        assert_eq!(
            one(&d, "E0608"),
            "Union[u] discriminator[kind] must be unique. Field exists on: a"
        );
    }

    #[test]
    fn values_and_nesting() {
        let d = unions(
            r#"{"u": {"discriminator": "type", "types": [{"type": "a"}, {"type": "inner"}]},
                "inner": {"discriminator": "t", "types": [{"type": "b", "discriminator_value": "a"}]}}"#,
        );
        assert_eq!(
            one(&d, "E0609"),
            "Union[u] discriminator value[a] appears more than once"
        );
        assert!(one(&d, "E0610").starts_with("Union[u] specifies a discriminator named 'type'"));
    }

    #[test]
    fn nested_unions_without_a_parent_discriminator() {
        let d = unions(
            r#"{"outer": {"types": [{"type": "inner"}]},
                "inner": {"discriminator": "type", "types": [{"type": "b"}]}}"#,
        );
        assert!(one(&d, "E0610").starts_with(
            "Union[outer] does not specify a discriminator yet one of the types does"
        ));
    }

    #[test]
    fn discriminator_clashes_are_found_through_nested_unions_and_lists() {
        let d = unions(
            r#"{"outer": {"discriminator": "kind", "types": [{"type": "inner"}]},
                "inner": {"discriminator": "kind", "types": [{"type": "[a]"}]}}"#,
        );
        let found = with_code(&d, "E0608");
        assert_eq!(found.len(), 2, "{d:#?}");
        assert!(found.iter().any(|f| f.message
            == "Union[outer] discriminator[kind] must be unique. Field exists on: inner.a"));
    }

    #[test]
    fn cycles_do_not_hang_the_other_checks() {
        let d = unions(
            r#"{"x": {"discriminator": "type", "types": [{"type": "y"}, {"type": "a", "discriminator_value": "q"}]},
                "y": {"discriminator": "type", "types": [{"type": "x"}, {"type": "b", "discriminator_value": "q"}]}}"#,
        );
        assert_eq!(with_code(&d, "E0604").len(), 1, "{d:#?}");
        none(&d, "E0609");
    }

    #[test]
    fn valid_unions_are_quiet() {
        let d = unions(
            r#"{"u": {"discriminator": "type", "types": [{"type": "b", "default": true}, {"type": "string"}, {"type": "inner"}]},
                "inner": {"discriminator": "type", "types": [{"type": "[b]", "discriminator_value": "bs"}]}}"#,
        );
        assert!(d.iter().all(|x| !x.code.id.starts_with("E06")), "{d:#?}");
    }

    #[test]
    fn type_in_several_unions() {
        let d = unions(
            r#"{"u": {"discriminator": "type", "types": [{"type": "b"}]},
                "v": {"discriminator": "kind2", "types": [{"type": "b", "discriminator_value": "bee"}]}}"#,
        );
        assert!(one(&d, "E0611").ends_with("Found distinct discriminator names[kind2, type]."));
        assert!(one(&d, "E0612").ends_with("Found distinct discriminator values[b, bee]."));
    }
}
