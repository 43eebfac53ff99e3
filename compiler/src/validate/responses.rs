//! Responses and headers (E0801–E0805): response codes (≥ 100 and, Charter's decision, ≤ 599;
//! 5xx are allowed), 204/304 return `unit`, the 2xx responses of an operation share one type, and
//! header types (service and response headers) are `string`, an enum, or a list of those.

use super::{is_unresolved, op_prefix, Cx};
use crate::ir::{Header, Primitive, ResponseCode, TypeKind, TypeRef};
use crate::validate::codes::{E0801, E0802, E0803, E0804, E0805};
use std::collections::BTreeSet;

pub fn check(cx: &mut Cx) {
    let svc = cx.svc;
    headers(cx, "", &svc.headers);
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let prefix = op_prefix(r, op);
        for resp in &op.responses {
            if let ResponseCode::Code(c) = resp.code {
                if c < 100 {
                    cx.report(
                        &E0801,
                        &resp.loc,
                        format!("{prefix} Response code[{c}] must be >= 100"),
                        "use an HTTP status code (100-599) or `default`",
                    );
                } else if c > 599 {
                    cx.report(
                        &E0802,
                        &resp.loc,
                        format!("{prefix} Response code[{c}] must be <= 599"),
                        "HTTP status codes end at 599; use `default` for any other response",
                    );
                }
                if (c == 204 || c == 304) && resp.ty.r != TypeRef::Primitive(Primitive::Unit) {
                    cx.report(
                        &E0803,
                        &resp.ty.loc,
                        format!(
                            "{prefix} response code[{c}] must return unit and not[{}]",
                            resp.ty.text
                        ),
                        format!(
                            "use \"type\": \"unit\", or a 200 response to return a {}",
                            resp.ty.text
                        ),
                    );
                }
            }
            headers(
                cx,
                &format!("{prefix} response code[{}] ", resp.code),
                &resp.headers,
            );
        }
        let success: BTreeSet<&str> = op
            .responses
            .iter()
            .filter(|r| r.code.is_success() && !is_unresolved(&r.ty.r))
            .map(|r| r.ty.text.as_str())
            .collect();
        if success.len() > 1 {
            let types: Vec<&str> = success.into_iter().collect();
            cx.report(
                &E0804,
                &op.loc,
                format!(
                    "{prefix} cannot have varying response types for 2xx response codes: {}",
                    types.join(", ")
                ),
                "return one type from every 2xx response, or a union of them",
            );
        }
    }
}

fn headers(cx: &mut Cx, prefix: &str, headers: &[Header]) {
    for h in headers {
        if is_unresolved(&h.ty.r) {
            continue;
        }
        let inner = match &h.ty.r {
            TypeRef::List(inner) => inner.as_ref(),
            other => other,
        };
        let valid = match inner {
            TypeRef::Primitive(Primitive::String) => true,
            TypeRef::Type(id) => id.kind == TypeKind::Enum,
            TypeRef::External { kind, .. } => *kind == TypeKind::Enum,
            _ => false,
        };
        if !valid {
            cx.report(
                &E0805,
                &h.ty.loc,
                format!(
                    "{prefix}Header[{}] type[{}] is invalid: Must be a string or the name of an enum",
                    h.name, h.ty.text
                ),
                "headers are strings on the wire: use \"string\" or an enum",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn op(responses: &str) -> Vec<crate::diag::Diagnostic> {
        check(&spec(&format!(
            r#""models": {{"user": {{"fields": []}}, "error": {{"fields": []}}}},
               "resources": {{"user": {{"operations": [{{"method": "GET", "responses": {responses}}}]}}}}"#
        )))
    }

    #[test]
    fn codes() {
        let d = op(
            r#"{"99": {"type": "unit"}, "600": {"type": "unit"}, "500": {"type": "error"}, "default": {"type": "error"}}"#,
        );
        assert_eq!(
            one(&d, "E0801"),
            "Resource[user] GET /users Response code[99] must be >= 100"
        );
        assert_eq!(
            one(&d, "E0802"),
            "Resource[user] GET /users Response code[600] must be <= 599"
        );
    }

    #[test]
    fn no_content_and_varying_success_types() {
        let d =
            op(r#"{"200": {"type": "user"}, "201": {"type": "[user]"}, "204": {"type": "user"}}"#);
        assert_eq!(
            one(&d, "E0803"),
            "Resource[user] GET /users response code[204] must return unit and not[user]"
        );
        assert_eq!(
            one(&d, "E0804"),
            "Resource[user] GET /users cannot have varying response types for 2xx response codes: [user], user"
        );
    }

    #[test]
    fn header_types() {
        let d = check(&spec(
            r#""headers": [{"name": "X-A", "type": "integer"}, {"name": "X-B", "type": "[string]"}]"#,
        ));
        assert_eq!(
            one(&d, "E0805"),
            "Header[X-A] type[integer] is invalid: Must be a string or the name of an enum"
        );
        let d =
            op(r#"{"200": {"type": "user", "headers": [{"name": "X-Count", "type": "long"}]}}"#);
        assert_eq!(
            one(&d, "E0805"),
            "Resource[user] GET /users response code[200] Header[X-Count] type[long] is invalid: Must be a string or the name of an enum"
        );
    }
}
