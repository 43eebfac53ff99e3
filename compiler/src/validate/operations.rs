//! Resources, operations and parameters (E0701–E0710, W0711, W0712): resource types (singletons,
//! not primitives), at least one operation, HTTP methods, bodies on GET, query/header parameter
//! types, path parameters (required, present in the path, URL-valid types).
//!
//! Charter's additions: two operations with the same method and path (path parameter names
//! ignored) are an error (E0710); an operation path that does not start with `/` was joined with a
//! `/` by lowering and is reported as a warning (W0711); form parameters on GET are a warning
//! (W0712). Invalid parameter locations and response codes are reported by lowering.

use super::{is_unresolved, op_prefix, path_parameters, Cx};
use crate::ir::{Location, Method, Operation, Parameter, Resource, TypeKind, TypeRef};
use crate::validate::codes::{
    E0701, E0702, E0703, E0704, E0705, E0706, E0707, E0708, E0709, E0710, W0711, W0712,
};
use std::collections::HashMap;

/// The types valid in a URL, in API Builder's order.
pub const URL_TYPES: &str =
    "enum, boolean, decimal, integer, double, long, string, date-iso8601, date-time-iso8601, uuid";

pub fn check(cx: &mut Cx) {
    let svc = cx.svc;
    for r in &svc.resources {
        resource(cx, r);
        for op in &r.operations {
            operation(cx, r, op);
            for p in &op.parameters {
                parameter(cx, r, op, p);
            }
        }
    }
    duplicate_operations(cx);
}

fn resource(cx: &mut Cx, r: &Resource) {
    match &r.ty.r {
        TypeRef::List(_) | TypeRef::Map(_) => cx.report(
            &E0701,
            &r.loc,
            format!("Resource[{}] has an invalid type: must be a singleton (not a list nor map)", r.ty.text),
            "key the resource by the type name alone; list operations return lists in their responses",
        ),
        TypeRef::Primitive(_) => cx.report(
            &E0702,
            &r.loc,
            format!("Resource[{}] has an invalid type: Primitives cannot be mapped to resources", r.ty.text),
            "key the resource by a model, enum or union",
        ),
        _ => {}
    }
    if r.operations.is_empty() {
        cx.report(
            &E0703,
            &r.loc,
            format!("Resource[{}] must have at least one operation", r.ty.text),
            "add an operation, e.g. {\"method\": \"GET\"}, or remove the resource",
        );
    }
}

fn operation(cx: &mut Cx, r: &Resource, op: &Operation) {
    let prefix = op_prefix(r, op);
    if op.method.is_none() && !op.method_text.is_empty() {
        let all: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
        cx.report(
            &E0704,
            &op.loc,
            format!(
                "{prefix} Invalid HTTP method[{}]. Must be one of: {}",
                op.method_text,
                all.join(", ")
            ),
            "use one of the HTTP methods listed",
        );
    }
    if op.method == Some(Method::Get) {
        if let Some(body) = &op.body {
            cx.report(
                &E0705,
                &body.loc,
                format!("{prefix} Cannot specify body for HTTP method[GET]"),
                "send the data as query parameters, or use POST",
            );
        }
    }
    if let Some(own) = op.own_path.as_deref() {
        let raw = format!("{}{own}", r.path);
        if !own.is_empty() && !own.starts_with('/') && raw != op.path {
            cx.report(
                &W0711,
                &op.loc,
                format!(
                    "{prefix} path[{own}] does not start with '/': API Builder would use the path '{raw}'; Charter joined it as '{}'",
                    op.path
                ),
                format!("write \"path\": \"/{own}\""),
            );
        } else if !op.path.starts_with('/') {
            cx.report(
                &W0711,
                &op.loc,
                format!("{prefix} path[{}] does not start with '/'", op.path),
                "start the resource or operation path with '/'",
            );
        }
    }
}

fn query_or_header_type(r: &TypeRef, where_: &str) -> Option<String> {
    let valid_singleton = |t: &TypeRef| match t {
        TypeRef::Primitive(p) => p.valid_in_url(),
        TypeRef::Type(id) => id.kind == TypeKind::Enum,
        TypeRef::External { kind, .. } => *kind == TypeKind::Enum,
        _ => true,
    };
    match r {
        TypeRef::Map(_) => Some(format!("Maps are not supported as {where_} parameters.")),
        TypeRef::List(inner) => (!valid_singleton(inner) || inner.is_collection()).then(|| {
            format!("Valid nested types for lists in {where_} parameters are: {URL_TYPES}.")
        }),
        TypeRef::Primitive(p) if !p.valid_in_url() => Some(format!(
            "Valid types for {where_} parameters are: {URL_TYPES}."
        )),
        TypeRef::Type(_) | TypeRef::External { .. } if !valid_singleton(r) => Some(format!(
            "Interface, model and union types are not supported as {where_} parameters."
        )),
        _ => None,
    }
}

fn parameter(cx: &mut Cx, r: &Resource, op: &Operation, p: &Parameter) {
    let prefix = op_prefix(r, op);
    // Interfaces are reported once, by the interface rule (E0401); unresolved names by resolution.
    if is_unresolved(&p.ty.r) || super::kind_of(&p.ty.r) == Some(TypeKind::Interface) {
        return path_presence(cx, &prefix, op, p);
    }
    match p.location {
        Location::Query | Location::Header => {
            let where_ = if p.location == Location::Query {
                "query"
            } else {
                "header"
            };
            if let Some(why) = query_or_header_type(&p.ty.r, where_) {
                cx.report(
                    &E0706,
                    &p.ty.loc,
                    format!("{prefix} Parameter[{}] has an invalid type[{}]. {why}", p.name, p.ty.text),
                    format!("{where_} parameters are strings on the wire; send structured data in a body"),
                );
            }
        }
        Location::Path => {
            let valid = match &p.ty.r {
                TypeRef::Primitive(prim) => prim.valid_in_url(),
                TypeRef::Type(id) => id.kind == TypeKind::Enum,
                TypeRef::External { kind, .. } => *kind == TypeKind::Enum,
                _ => false,
            };
            if !valid {
                let help = if p.synthesized {
                    format!(
                        "the parameter was not declared, so it takes the type of the `{}` field of the resource type; declare it with a URL-valid type",
                        p.name
                    )
                } else {
                    "use a string, a number, a uuid or an enum".to_string()
                };
                cx.report(
                    &E0709,
                    &p.ty.loc,
                    format!(
                        "{prefix} path parameter[{}] has an invalid type[{}]. Valid types for path parameters are: {URL_TYPES}.",
                        p.name, p.ty.text
                    ),
                    help,
                );
            }
        }
        Location::Form => {
            if op.method == Some(Method::Get) {
                cx.report(
                    &W0712,
                    &p.loc,
                    format!(
                        "{prefix} Parameter[{}] is a form parameter, but a GET request has no body",
                        p.name
                    ),
                    "use \"location\": \"query\"",
                );
            }
        }
    }
    path_presence(cx, &prefix, op, p);
}

/// Path parameters are required and appear in the path.
fn path_presence(cx: &mut Cx, prefix: &str, op: &Operation, p: &Parameter) {
    if p.location != Location::Path {
        return;
    }
    if !p.required {
        cx.report(
            &E0707,
            &p.loc,
            format!("{prefix} path parameter[{}] is specified as optional. All path parameters are required", p.name),
            "remove \"required\": false",
        );
    }
    if !path_parameters(&op.path).contains(&p.name.as_str()) {
        cx.report(
            &E0708,
            &p.loc,
            format!(
                "{prefix} path parameter[{}] is missing from the path[{}]",
                p.name, op.path
            ),
            format!("add /:{} to the path, or use another location", p.name),
        );
    }
}

/// The route of a path: parameter names replaced by `:` (`/users/:id` → `/users/:`).
fn route(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(rest) => match rest.find('.') {
                Some(i) => format!(":{}", &rest[i..]),
                None => ":".to_string(),
            },
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn duplicate_operations(cx: &mut Cx) {
    let ops: Vec<_> = cx.operations().collect();
    let mut first: HashMap<(Method, String), (&Resource, &Operation)> = HashMap::new();
    for (r, op) in ops {
        let Some(method) = op.method else { continue };
        let key = (method, route(&op.path));
        match first.get(&key) {
            None => {
                first.insert(key, (r, op));
            }
            Some((fr, fop)) => {
                let (fr, fop) = (*fr, *fop);
                let same_text = fop.path == op.path;
                cx.report(
                    &E0710,
                    &op.loc,
                    format!(
                        "{} is declared more than once: {} also declares {} {}",
                        op_prefix(r, op),
                        format_args!("Resource[{}]", fr.ty.text),
                        fop.method_text,
                        fop.path
                    ),
                    if same_text {
                        format!("remove one of them; the first one is at {}", fop.loc.pointer)
                    } else {
                        "the paths differ only in path parameter names, so a router cannot tell them apart".to_string()
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::route;

    fn res(resources: &str) -> Vec<crate::diag::Diagnostic> {
        check(&spec(&format!(
            r#""enums": {{"status": {{"values": [{{"name": "on"}}]}}}},
               "models": {{"user": {{"fields": [{{"name": "id", "type": "string"}}, {{"name": "meta", "type": "object"}}]}}}},
               "resources": {resources}"#
        )))
    }

    #[test]
    fn resource_types() {
        let d = res(
            r#"{"[user]": {"operations": [{"method": "GET"}]}, "string": {"operations": [{"method": "GET"}]}, "status": {"operations": []}}"#,
        );
        assert_eq!(
            one(&d, "E0701"),
            "Resource[[user]] has an invalid type: must be a singleton (not a list nor map)"
        );
        assert_eq!(
            one(&d, "E0702"),
            "Resource[string] has an invalid type: Primitives cannot be mapped to resources"
        );
        assert_eq!(
            one(&d, "E0703"),
            "Resource[status] must have at least one operation"
        );
    }

    #[test]
    fn methods_and_bodies() {
        let d = res(
            r#"{"user": {"operations": [{"method": "FETCH", "path": "/a"}, {"method": "GET", "path": "/b", "body": {"type": "user"}}]}}"#,
        );
        assert!(one(&d, "E0704").starts_with(
            "Resource[user] FETCH /users/a Invalid HTTP method[FETCH]. Must be one of: GET, POST"
        ));
        assert_eq!(
            one(&d, "E0705"),
            "Resource[user] GET /users/b Cannot specify body for HTTP method[GET]"
        );
    }

    #[test]
    fn query_and_header_parameters() {
        let d = res(
            r#"{"user": {"operations": [{"method": "GET", "parameters": [
                {"name": "a", "type": "user"}, {"name": "b", "type": "map[string]"}, {"name": "c", "type": "[[string]]"},
                {"name": "d", "type": "object", "location": "header"}, {"name": "e", "type": "[status]"}]}]}}"#,
        );
        let found = with_code(&d, "E0706");
        assert_eq!(found.len(), 4, "{d:#?}");
        assert!(found[0]
            .message
            .ends_with("Interface, model and union types are not supported as query parameters."));
        assert!(found[1]
            .message
            .ends_with("Maps are not supported as query parameters."));
        assert!(found[2]
            .message
            .contains("Valid nested types for lists in query parameters"));
        assert!(found[3]
            .message
            .contains("Valid types for header parameters are: enum, boolean"));
    }

    #[test]
    fn path_parameters() {
        let d = res(r#"{"user": {"operations": [
                {"method": "GET", "path": "/:id", "parameters": [{"name": "id", "type": "string", "required": false}]},
                {"method": "GET", "path": "/x/:meta"},
                {"method": "GET", "path": "/y", "parameters": [{"name": "guid", "type": "uuid", "location": "path"}]}]}}"#);
        assert_eq!(
            one(&d, "E0707"),
            "Resource[user] GET /users/:id path parameter[id] is specified as optional. All path parameters are required"
        );
        assert!(one(&d, "E0709").starts_with(
            "Resource[user] GET /users/x/:meta path parameter[meta] has an invalid type[object]"
        ));
        assert_eq!(
            one(&d, "E0708"),
            "Resource[user] GET /users/y path parameter[guid] is missing from the path[/users/y]"
        );
    }

    #[test]
    fn duplicate_operations_ignore_parameter_names() {
        assert_eq!(route("/users/:id"), route("/users/:guid"));
        assert_ne!(route("/users/:id.json"), route("/users/:id"));
        let d = res(
            r#"{"user": {"operations": [{"method": "GET", "path": "/:id"}, {"method": "get", "path": "/:guid"}]}}"#,
        );
        assert!(one(&d, "E0710")
            .starts_with("Resource[user] GET /users/:guid is declared more than once"));
    }

    #[test]
    fn valid_operations_are_quiet() {
        let d = res(r#"{"user": {"path": "/users", "operations": [
                {"method": "GET", "parameters": [{"name": "ids", "type": "[string]", "required": false},
                    {"name": "status", "type": "[status]", "required": false},
                    {"name": "X-Trace", "type": "uuid", "location": "header", "required": false}]},
                {"method": "GET", "path": "/:id"},
                {"method": "PUT", "path": "/:id", "body": {"type": "user"}},
                {"method": "POST", "path": "/:id/status/:status", "parameters": [{"name": "status", "type": "status"}]}]}}"#);
        assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn paths_without_slash_and_form_on_get() {
        let d = res(
            r#"{"user": {"operations": [{"method": "GET", "path": ":id", "parameters": [{"name": "q", "type": "string", "location": "form"}]}]}}"#,
        );
        assert!(one(&d, "W0711").contains(
            "API Builder would use the path '/users:id'; Charter joined it as '/users/:id'"
        ));
        assert!(one(&d, "W0712").contains("Parameter[q] is a form parameter"));
        none(&d, "E0708");
    }
}
