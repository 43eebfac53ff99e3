//! Defaults and ranges (E0501–E0506, W0507–W0509): API Builder's `TypeValidator` on field and
//! parameter defaults, `minimum <= maximum`, numeric defaults within range, and "a parameter
//! default needs `required`".
//!
//! Charter's additions, as warnings because API Builder accepts these specs: parameter ranges
//! (W0507, W0508) and header defaults (W0509). Range checks apply to numeric types only (API
//! Builder applies them to any default that happens to parse as a number, string fields included).
//! Defaults of enums of imported services in the repo are checked; imports outside the repo are
//! taken on trust.

use super::value::{self, as_number};
use super::{op_prefix, Cx};
use crate::diag::Code;
use crate::ir::{Header, Primitive, Type, TypeRef};
use crate::source::Loc;
use crate::validate::codes::{E0501, E0502, E0506, W0507, W0508, W0509};

pub fn check(cx: &mut Cx) {
    fields(cx);
    parameters(cx);
    headers(cx);
}

fn is_numeric(ty: &Type) -> bool {
    matches!(ty.r, TypeRef::Primitive(p) if p.is_numeric())
}

/// The range checks shared by fields (errors) and parameters (warnings).
struct Range<'a> {
    prefix: &'a str,
    loc: &'a Loc,
    minimum: Option<i64>,
    maximum: Option<i64>,
}

fn min_max(cx: &mut Cx, code: &'static Code, r: &Range) {
    if let (Some(min), Some(max)) = (r.minimum, r.maximum) {
        if min > max {
            cx.report(
                code,
                r.loc,
                format!(
                    "{} minimum[{min}] must be <= specified maximum[{max}]",
                    r.prefix
                ),
                "swap the two, or fix the one that is wrong",
            );
        }
    }
}

fn default_in_range(cx: &mut Cx, code: &'static Code, r: &Range, ty: &Type, default: &str) {
    if !is_numeric(ty) {
        return;
    }
    let Some(v) = as_number(default) else { return };
    if let Some(min) = r.minimum {
        if v < min as f64 {
            cx.report(
                code,
                r.loc,
                format!(
                    "{} default[{default}] must be >= specified minimum[{min}]",
                    r.prefix
                ),
                "change the default, or lower the minimum",
            );
        }
    }
    if let Some(max) = r.maximum {
        if v > max as f64 {
            cx.report(
                code,
                r.loc,
                format!(
                    "{} default[{default}] must be <= specified maximum[{max}]",
                    r.prefix
                ),
                "change the default, or raise the maximum",
            );
        }
    }
}

/// Type-checks a default; `as_code` overrides the code (header defaults are warnings).
fn default_value(
    cx: &mut Cx,
    prefix: &str,
    loc: &Loc,
    ty: &Type,
    default: &str,
    as_code: Option<&'static Code>,
) -> bool {
    match value::check(cx.repo, &ty.r, default) {
        None => true,
        Some(bad) => {
            cx.report(
                as_code.unwrap_or(bad.code),
                loc,
                format!("{prefix} {}", bad.message),
                bad.help,
            );
            false
        }
    }
}

fn fields(cx: &mut Cx) {
    let owners: Vec<_> = cx.field_owners().collect();
    for o in owners {
        for f in o.fields {
            let prefix = format!("{}[{}] Field[{}]", o.label, o.name, f.name);
            let range = Range {
                prefix: &prefix,
                loc: &f.loc,
                minimum: f.minimum,
                maximum: f.maximum,
            };
            min_max(cx, &E0501, &range);
            if let Some(d) = &f.default {
                if default_value(cx, &prefix, &f.loc, &f.ty, d, None) {
                    default_in_range(cx, &E0502, &range, &f.ty, d);
                }
            }
        }
    }
}

fn parameters(cx: &mut Cx) {
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let op_label = op_prefix(r, op);
        for p in &op.parameters {
            let prefix = format!("{op_label} param[{}]", p.name);
            let range = Range {
                prefix: &prefix,
                loc: &p.loc,
                minimum: p.minimum,
                maximum: p.maximum,
            };
            min_max(cx, &W0507, &range);
            let Some(d) = &p.default else { continue };
            if !p.required {
                cx.report(
                    &E0506,
                    &p.loc,
                    format!("{prefix} has a default specified. It must be marked required"),
                    "remove \"required\": false (the server uses the default when the client omits the parameter)",
                );
            }
            if default_value(cx, &prefix, &p.loc, &p.ty, d, None) {
                default_in_range(cx, &W0508, &range, &p.ty, d);
            }
        }
    }
}

fn header_defaults(cx: &mut Cx, prefix: &str, headers: &[Header]) {
    for h in headers {
        let Some(d) = &h.default else { continue };
        // Only string and enum headers (and lists of those) have values; other types are E0805.
        let valid_type = matches!(
            h.ty.r.innermost(),
            TypeRef::Primitive(Primitive::String) | TypeRef::Type(_) | TypeRef::External { .. }
        );
        if valid_type {
            default_value(
                cx,
                &format!("{prefix}Header[{}]", h.name),
                &h.loc,
                &h.ty,
                d,
                Some(&W0509),
            );
        }
    }
}

fn headers(cx: &mut Cx) {
    let svc = cx.svc;
    header_defaults(cx, "", &svc.headers);
    let ops: Vec<_> = cx.operations().collect();
    for (r, op) in ops {
        let label = op_prefix(r, op);
        for resp in &op.responses {
            header_defaults(
                cx,
                &format!("{label} response code[{}] ", resp.code),
                &resp.headers,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn field(ty: &str, extra: &str) -> String {
        spec(&format!(
            r#""enums": {{"color": {{"values": [{{"name": "red", "value": "RED"}}, {{"name": "blue"}}]}}}},
               "models": {{"thing": {{"fields": [{{"name": "x", "type": "{ty}", {extra}}}]}}}}"#
        ))
    }

    #[test]
    fn field_ranges() {
        let d = check(&field("integer", r#""minimum": 5, "maximum": 1"#));
        assert_eq!(
            one(&d, "E0501"),
            "Model[thing] Field[x] minimum[5] must be <= specified maximum[1]"
        );
        let d = check(&field(
            "integer",
            r#""minimum": 1, "maximum": 10, "default": 11"#,
        ));
        assert_eq!(
            one(&d, "E0502"),
            "Model[thing] Field[x] default[11] must be <= specified maximum[10]"
        );
        let d = check(&field("integer", r#""minimum": 1, "default": 0"#));
        assert_eq!(
            one(&d, "E0502"),
            "Model[thing] Field[x] default[0] must be >= specified minimum[1]"
        );
        // Strings are not range-checked by value.
        let d = check(&field("string", r#""maximum": 1, "default": "5""#));
        none(&d, "E0502");
    }

    #[test]
    fn field_defaults_by_type() {
        let d = check(&field("boolean", r#""default": "yes""#));
        assert_eq!(
            one(&d, "E0503"),
            "Model[thing] Field[x] Value[yes] is not a valid boolean. Must be one of: true, false"
        );
        let d = check(&field("[integer]", r#""default": "[1, \"a\"]""#));
        assert_eq!(
            one(&d, "E0503"),
            "Model[thing] Field[x] Value[a] is not a valid integer"
        );
        let d = check(&field("boolean", r#""default": true"#));
        none(&d, "E0503");
    }

    #[test]
    fn enum_defaults_use_names_with_a_hint_for_wire_values() {
        let d = check(&field("color", r#""default": "RED""#));
        assert_eq!(
            one(&d, "E0504"),
            "Model[thing] Field[x] default[RED] is not a valid value for enum[color]. Valid values are: red, blue"
        );
        let help = with_code(&d, "E0504")[0].help.clone().unwrap_or_default();
        assert!(help.contains("wire value of `red`"), "{help}");
        none(&check(&field("color", r#""default": "red""#)), "E0504");
    }

    #[test]
    fn model_defaults_are_not_supported() {
        let d = check(&spec(
            r#""models": {"a": {"fields": []}, "b": {"fields": [{"name": "x", "type": "a", "default": "{}"}]}}"#,
        ));
        assert!(one(&d, "E0505").contains(
            "is not valid for model[a]. API Builder does not support default values for models"
        ));
    }

    #[test]
    fn parameters() {
        let d = check(&spec(
            r#""models": {"user": {"fields": []}},
               "resources": {"user": {"operations": [{"method": "GET", "parameters": [
                   {"name": "limit", "type": "integer", "required": false, "default": 500, "minimum": 1, "maximum": 100},
                   {"name": "offset", "type": "long", "minimum": 10, "maximum": 0}]}]}}"#,
        ));
        assert_eq!(
            one(&d, "E0506"),
            "Resource[user] GET /users param[limit] has a default specified. It must be marked required"
        );
        assert_eq!(
            one(&d, "W0508"),
            "Resource[user] GET /users param[limit] default[500] must be <= specified maximum[100]"
        );
        assert_eq!(
            one(&d, "W0507"),
            "Resource[user] GET /users param[offset] minimum[10] must be <= specified maximum[0]"
        );
    }

    #[test]
    fn defaults_of_imported_enums_are_checked_when_in_the_repo() {
        let common = r#"{"name": "common", "namespace": "io.acme.common.v0",
            "enums": {"currency": {"values": [{"name": "usd"}, {"name": "eur"}]}}}"#;
        let order = r#"{"name": "order", "namespace": "io.acme.order.v0",
            "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
            "models": {"order": {"fields": [
                {"name": "a", "type": "io.acme.common.v0.enums.currency", "default": "usd"},
                {"name": "b", "type": "io.acme.common.v0.enums.currency", "default": "gbp"}]}}}"#;
        let d = check_many(&[("common.json", common), ("order.json", order)]);
        assert_eq!(
            one(&d, "E0504"),
            "Model[order] Field[b] default[gbp] is not a valid value for enum[currency]. Valid values are: usd, eur"
        );
        // Outside the repo the enum is taken on trust.
        let d = check_many(&[("order.json", order)]);
        none(&d, "E0504");
    }

    #[test]
    fn header_defaults_are_checked() {
        let d = check(&spec(
            r#""enums": {"env": {"values": [{"name": "prod"}]}},
               "headers": [{"name": "X-Env", "type": "env", "default": "staging"}]"#,
        ));
        assert!(one(&d, "W0509")
            .starts_with("Header[X-Env] default[staging] is not a valid value for enum[env]"));
    }
}
