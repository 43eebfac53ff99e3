//! Helpers shared by the rules: walking a service, reading types the way Flow's linter does.

use crate::ir::{
    Attribute, Field, Location, Method, Model, Operation, Parameter, Primitive, Repo, Resource,
    Response, ResponseCode, Service, ServiceId, Type, TypeId, TypeKind, TypeRef, Union,
};
use std::collections::HashSet;

/// Calls `f` on every attribute of a service (service, headers, enums and values, interfaces,
/// unions and members, models and fields, resources, operations, bodies, parameters, responses).
pub fn for_each_attribute(s: &Service, f: &mut dyn FnMut(&Attribute)) {
    let mut all = |attrs: &[Attribute]| attrs.iter().for_each(&mut *f);
    all(&s.attributes);
    for h in &s.headers {
        all(&h.attributes);
    }
    for e in &s.enums {
        all(&e.attributes);
        for v in &e.values {
            all(&v.attributes);
        }
    }
    for i in &s.interfaces {
        all(&i.attributes);
        for fl in &i.fields {
            all(&fl.attributes);
        }
    }
    for u in &s.unions {
        all(&u.attributes);
        for t in &u.types {
            all(&t.attributes);
        }
    }
    for m in &s.models {
        all(&m.attributes);
        for fl in &m.fields {
            all(&fl.attributes);
        }
    }
    for r in &s.resources {
        all(&r.attributes);
        for op in &r.operations {
            all(&op.attributes);
            if let Some(b) = &op.body {
                all(&b.attributes);
            }
            for p in &op.parameters {
                all(&p.attributes);
            }
            for resp in &op.responses {
                all(&resp.attributes);
                for h in &resp.headers {
                    all(&h.attributes);
                }
            }
        }
    }
}

/// Every operation of a service with its resource.
pub fn operations(s: &Service) -> impl Iterator<Item = (&Resource, &Operation)> {
    s.resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
}

/// Resources other than health checks (Flow exempts them from several rules).
pub fn non_healthcheck(s: &Service) -> impl Iterator<Item = &Resource> {
    s.resources
        .iter()
        .filter(|r| !r.plural.ends_with("healthchecks"))
}

/// The name of the innermost type of a reference, as Flow's `baseType` sees it: the local name of
/// a declared or imported type, or the primitive's name.
pub fn base_name<'a>(repo: &'a Repo, ty: &'a Type) -> &'a str {
    match ty.r.innermost() {
        TypeRef::Primitive(p) => p.name(),
        TypeRef::Type(id) => repo.type_name(*id),
        TypeRef::External { name, .. } => name,
        TypeRef::Named(n) | TypeRef::Unresolved(n) => n.rsplit('.').next().unwrap_or(n),
        TypeRef::List(_) | TypeRef::Map(_) => "",
    }
}

/// Whether the type is exactly the primitive `p` (not a list or map of it).
pub fn is_primitive(ty: &Type, p: Primitive) -> bool {
    ty.r == TypeRef::Primitive(p)
}

/// Whether the type is `[p]`.
pub fn is_list_of(ty: &Type, p: Primitive) -> bool {
    matches!(&ty.r, TypeRef::List(inner) if **inner == TypeRef::Primitive(p))
}

/// A type as Flow prints it: the type string with local names short.
pub fn display(repo: &Repo, ty: &Type) -> String {
    fn go(repo: &Repo, r: &TypeRef, text: &str) -> String {
        match r {
            TypeRef::Primitive(p) => p.name().to_string(),
            TypeRef::List(t) => format!("[{}]", go(repo, t, text)),
            TypeRef::Map(t) => format!("map[{}]", go(repo, t, text)),
            TypeRef::Type(id) => repo.type_name(*id).to_string(),
            TypeRef::External {
                namespace,
                kind,
                name,
            } => format!("{namespace}.{}.{name}", kind.plural()),
            TypeRef::Named(n) | TypeRef::Unresolved(n) => {
                if n.is_empty() {
                    text.to_string()
                } else {
                    n.clone()
                }
            }
        }
    }
    go(repo, &ty.r, &ty.text)
}

/// Flow's `isSuccess`: a 2xx or `default` response.
pub fn is_success(r: &Response) -> bool {
    match r.code {
        ResponseCode::Code(c) => (200..300).contains(&c),
        ResponseCode::Default => true,
    }
}

/// Flow's `returnsArray`: some success response's type is a list.
pub fn returns_array(op: &Operation) -> bool {
    op.responses
        .iter()
        .any(|r| is_success(r) && matches!(r.ty.r, TypeRef::List(_)))
}

/// The first success response.
pub fn success(op: &Operation) -> Option<&Response> {
    op.responses.iter().find(|r| is_success(r))
}

/// Base name of the first success response's type (Flow's `responseType`).
pub fn response_type<'a>(repo: &'a Repo, op: &'a Operation) -> Option<&'a str> {
    success(op).map(|r| base_name(repo, &r.ty))
}

pub fn is_get(op: &Operation) -> bool {
    op.method == Some(Method::Get)
}

/// Model of this service by name.
pub fn model<'a>(s: &'a Service, name: &str) -> Option<&'a Model> {
    s.models.iter().find(|m| m.name == name)
}

/// Union of this service by name.
pub fn union<'a>(s: &'a Service, name: &str) -> Option<&'a Union> {
    s.unions.iter().find(|u| u.name == name)
}

pub fn field<'a>(m: &'a Model, name: &str) -> Option<&'a Field> {
    m.fields.iter().find(|f| f.name == name)
}

/// Query parameters in declaration order.
pub fn query_params(op: &Operation) -> impl Iterator<Item = &Parameter> {
    op.parameters
        .iter()
        .filter(|p| p.location == Location::Query)
}

/// Flow's `ignored`: the `linter` attribute lists `key` under `ignore`.
pub fn ignored(attributes: &[Attribute], key: &str) -> bool {
    attributes.iter().filter(|a| a.name == "linter").any(|a| {
        a.value
            .get("ignore")
            .and_then(|v| v.as_array())
            .is_some_and(|keys| keys.iter().any(|k| k.as_str() == Some(key)))
    })
}

pub fn has_attribute(attributes: &[Attribute], name: &str) -> bool {
    attributes.iter().any(|a| a.name == name)
}

/// Segments of a path: `/users/:id` → `["users", ":id"]`.
pub fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// `/users/:id` and `/users/:guid` → `/users/:var` (Flow's oneapi normalisation).
pub fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    for seg in segments(path) {
        out.push('/');
        out.push_str(if seg.starts_with(':') { ":var" } else { seg });
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether a name is snake_case: lower-case ASCII letters and digits separated by single `_`,
/// starting with a letter.
pub fn is_snake_case(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && !name.ends_with('_')
        && !name.contains("__")
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// `someName`/`Some-Name` → `some_name`.
pub fn to_snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    out
}

/// The declared types of every type expression an operation mentions (body, parameters,
/// responses and their headers).
pub fn operation_types(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    if let Some(b) = &op.body {
        out.extend(b.ty.r.type_id());
    }
    for p in &op.parameters {
        out.extend(p.ty.r.type_id());
    }
    for r in &op.responses {
        out.extend(r.ty.r.type_id());
        for h in &r.headers {
            out.extend(h.ty.r.type_id());
        }
    }
    out
}

/// The types reachable from `roots` through fields, union members and interfaces.
pub fn reachable(repo: &Repo, roots: impl IntoIterator<Item = TypeId>) -> HashSet<TypeId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let fields: &[Field] = match id.kind {
            TypeKind::Model => {
                let m = repo.model(id);
                for i in &m.interfaces {
                    if let Some(t) = i.resolved.as_ref().and_then(|r| r.type_id()) {
                        stack.push(t);
                    }
                }
                &m.fields
            }
            TypeKind::Interface => &repo.interface(id).fields,
            TypeKind::Union => {
                let u = repo.union(id);
                stack.extend(u.types.iter().filter_map(|t| t.ty.r.type_id()));
                for i in &u.interfaces {
                    if let Some(t) = i.resolved.as_ref().and_then(|r| r.type_id()) {
                        stack.push(t);
                    }
                }
                &[]
            }
            TypeKind::Enum => &[],
        };
        stack.extend(fields.iter().filter_map(|f| f.ty.r.type_id()));
    }
    seen
}

/// The `TypeId` of a type declared in service `sid` (kind and index).
pub fn type_id(sid: ServiceId, kind: TypeKind, index: usize) -> TypeId {
    TypeId {
        service: sid,
        kind,
        index: index as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        assert!(is_snake_case("user_form"));
        assert!(is_snake_case("v2_thing"));
        assert!(!is_snake_case("userForm"));
        assert!(!is_snake_case("user-form"));
        assert!(!is_snake_case("_x"));
        assert_eq!(to_snake_case("userForm"), "user_form");
        assert_eq!(to_snake_case("Some-Name"), "some_name");
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize_path("/users/:id"), "/users/:var");
        assert_eq!(normalize_path("/:org/users/:guid/x"), "/:var/users/:var/x");
        assert_eq!(normalize_path(""), "/");
    }
}
