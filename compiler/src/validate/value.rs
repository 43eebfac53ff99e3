//! Values against types: API Builder's `TypeValidator`, used for defaults of fields, parameters
//! and headers.
//!
//! A value is the string form of a default (§1.1: non-strings are kept as their JSON text). The
//! result says which code applies: a bad primitive/list/map value (E0503), a value that is not an
//! enum value's name (E0504) or a default on a model/union/interface (E0505).

use crate::diag::Code;
use crate::ir::{Enum, Primitive, Repo, TypeKind, TypeRef};
use crate::validate::codes::{E0503, E0504, E0505};

/// Why a value does not fit its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static Code,
    pub message: String,
    pub help: String,
}

impl Invalid {
    fn new(code: &'static Code, message: String, help: impl Into<String>) -> Invalid {
        Invalid {
            code,
            message,
            help: help.into(),
        }
    }
}

/// Checks `value` against `ty`. `None` when valid, or when it cannot be known (external and
/// unresolved types).
pub fn check(repo: &Repo, ty: &TypeRef, value: &str) -> Option<Invalid> {
    match ty {
        TypeRef::Primitive(p) => primitive(*p, value),
        TypeRef::List(inner) => {
            let parsed = match serde_json::from_str::<serde_json::Value>(value) {
                Ok(v) => v,
                Err(_) => {
                    return Some(Invalid::new(
                        &E0503,
                        format!("default[{value}] is not valid json"),
                        "a list default is a JSON array, e.g. [\"a\", \"b\"]",
                    ))
                }
            };
            let serde_json::Value::Array(items) = parsed else {
                return Some(Invalid::new(
                    &E0503,
                    format!("default[{value}] is not a valid JSON Array"),
                    "a list default is a JSON array, e.g. [\"a\", \"b\"]",
                ));
            };
            items
                .iter()
                .find_map(|item| check(repo, inner, &element_text(item)))
        }
        TypeRef::Map(inner) => {
            let parsed = match serde_json::from_str::<serde_json::Value>(value) {
                Ok(v) => v,
                Err(_) => {
                    return Some(Invalid::new(
                        &E0503,
                        format!("default[{value}] is not valid json"),
                        "a map default is a JSON object, e.g. {\"key\": \"value\"}",
                    ))
                }
            };
            let serde_json::Value::Object(items) = parsed else {
                return Some(Invalid::new(
                    &E0503,
                    format!("default[{value}] is not a valid JSON Object"),
                    "a map default is a JSON object, e.g. {\"key\": \"value\"}",
                ));
            };
            items
                .values()
                .find_map(|item| check(repo, inner, &element_text(item)))
        }
        TypeRef::Type(id) => match id.kind {
            TypeKind::Enum => enum_value(repo.enum_(*id), value),
            kind => Some(not_supported(kind, repo.type_name(*id), value)),
        },
        TypeRef::External { kind, name, .. } => match kind {
            TypeKind::Enum => None,
            kind => Some(not_supported(*kind, name, value)),
        },
        TypeRef::Named(_) | TypeRef::Unresolved(_) => None,
    }
}

/// An element of a list or map default as API Builder reads it: strings without quotes, anything
/// else as compact JSON.
pub(crate) fn element_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn not_supported(kind: TypeKind, name: &str, value: &str) -> Invalid {
    let label = kind.label();
    Invalid::new(
        &E0505,
        format!("default[{value}] is not valid for {label}[{name}]. API Builder does not support default values for {label}s"),
        "remove the default",
    )
}

fn enum_value(e: &Enum, value: &str) -> Option<Invalid> {
    if e.values.iter().any(|v| v.name == value) {
        return None;
    }
    let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
    let help = match e.values.iter().find(|v| v.value.as_deref() == Some(value)) {
        Some(v) => format!(
            "`{value}` is the wire value of `{}`; defaults name the enum value: use \"{}\"",
            v.name, v.name
        ),
        None => format!("use one of the value names of enum `{}`", e.name),
    };
    Some(Invalid::new(
        &E0504,
        format!(
            "default[{value}] is not a valid value for enum[{}]. Valid values are: {}",
            e.name,
            names.join(", ")
        ),
        help,
    ))
}

fn primitive(p: Primitive, value: &str) -> Option<Invalid> {
    let ok = match p {
        Primitive::String => true,
        Primitive::Boolean => {
            if value == "true" || value == "false" {
                true
            } else {
                return Some(Invalid::new(
                    &E0503,
                    format!("Value[{value}] is not a valid boolean. Must be one of: true, false"),
                    "use true or false",
                ));
            }
        }
        Primitive::Integer => value.parse::<i32>().is_ok(),
        Primitive::Long => value.parse::<i64>().is_ok(),
        Primitive::Double => value.trim().parse::<f64>().is_ok(),
        Primitive::Decimal => is_decimal(value),
        Primitive::Uuid => uuid::Uuid::try_parse(value).is_ok(),
        Primitive::DateIso8601 => is_date(value),
        Primitive::DateTimeIso8601 => is_date_time(value),
        Primitive::Json => serde_json::from_str::<serde_json::Value>(value).is_ok(),
        Primitive::Object => {
            if matches!(
                serde_json::from_str::<serde_json::Value>(value),
                Ok(serde_json::Value::Object(_))
            ) {
                true
            } else {
                return Some(Invalid::new(
                    &E0503,
                    format!("Value[{value}] is not a valid object"),
                    "an object default is a JSON object, e.g. {\"key\": 1}",
                ));
            }
        }
        Primitive::Unit => {
            if value.is_empty() {
                true
            } else {
                return Some(Invalid::new(
                    &E0503,
                    format!("Value[{value}] is not a valid unit type - must be the empty string"),
                    "unit has no value: remove the default",
                ));
            }
        }
    };
    if ok {
        return None;
    }
    let (what, help) = match p {
        Primitive::Integer => (
            "integer",
            "an integer is a whole number between -2147483648 and 2147483647",
        ),
        Primitive::Long => ("long", "a long is a whole number of at most 64 bits"),
        Primitive::Double => ("double", "a double is a number such as 1.5 or -2e3"),
        Primitive::Decimal => ("decimal", "a decimal is a number such as 10.25"),
        Primitive::Uuid => (
            "uuid",
            "a uuid looks like 5ecf6502-e532-4738-aad5-7ac9701251dd",
        ),
        Primitive::DateIso8601 => ("date-iso8601", "an ISO 8601 date looks like 2024-01-31"),
        Primitive::DateTimeIso8601 => (
            "date-time-iso8601",
            "an ISO 8601 date-time looks like 2024-01-31T12:00:00Z",
        ),
        _ => (
            "json value",
            "the default must be JSON text (a string needs quotes: \"\\\"text\\\"\")",
        ),
    };
    Some(Invalid::new(
        &E0503,
        format!("Value[{value}] is not a valid {what}"),
        help,
    ))
}

/// A `BigDecimal` literal: optional sign, digits with an optional fraction, optional exponent.
fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
    };
    mantissa_ok && exponent_ok
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// ISO 8601 date-times as Joda's lenient parser reads them: with or without offset, seconds or
/// fractions; a bare date is accepted too.
fn is_date_time(s: &str) -> bool {
    if chrono::DateTime::parse_from_rfc3339(s).is_ok() || is_date(s) {
        return true;
    }
    let with_offset = [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M%:z",
    ];
    if with_offset
        .iter()
        .any(|f| chrono::DateTime::parse_from_str(s, f).is_ok())
    {
        return true;
    }
    let naive = s.strip_suffix('Z').unwrap_or(s);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(naive, f).is_ok())
}

/// A value as a number, for range checks.
pub fn as_number(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prim(p: Primitive, v: &str) -> bool {
        primitive(p, v).is_none()
    }

    #[test]
    fn primitives() {
        assert!(prim(Primitive::Boolean, "true"));
        assert!(!prim(Primitive::Boolean, "True"));
        assert!(prim(Primitive::Integer, "-12"));
        assert!(!prim(Primitive::Integer, "3000000000"));
        assert!(prim(Primitive::Long, "3000000000"));
        assert!(!prim(Primitive::Long, "1.5"));
        assert!(prim(Primitive::Double, "1.5e3"));
        assert!(!prim(Primitive::Double, "abc"));
        assert!(prim(Primitive::Decimal, "10.25"));
        assert!(prim(Primitive::Decimal, "-.5E-3"));
        assert!(!prim(Primitive::Decimal, "1.2.3"));
        assert!(!prim(Primitive::Decimal, "."));
        assert!(prim(
            Primitive::Uuid,
            "5ecf6502-e532-4738-aad5-7ac9701251dd"
        ));
        assert!(!prim(Primitive::Uuid, "5ecf6502"));
        assert!(prim(Primitive::DateIso8601, "2024-02-29"));
        assert!(!prim(Primitive::DateIso8601, "2023-02-29"));
        assert!(prim(Primitive::DateTimeIso8601, "2024-01-31T12:00:00Z"));
        assert!(prim(
            Primitive::DateTimeIso8601,
            "2024-01-31T12:00:00.123+01:00"
        ));
        assert!(prim(Primitive::DateTimeIso8601, "2024-01-31T12:00:00"));
        assert!(prim(Primitive::DateTimeIso8601, "2024-01-31"));
        assert!(!prim(Primitive::DateTimeIso8601, "yesterday"));
        assert!(prim(Primitive::Json, "[1, 2]"));
        assert!(!prim(Primitive::Json, "abc"));
        assert!(prim(Primitive::Object, "{\"a\": 1}"));
        assert!(!prim(Primitive::Object, "[1]"));
        assert!(!prim(Primitive::Unit, "x"));
        assert!(prim(Primitive::String, "anything at all"));
    }

    #[test]
    fn collections_check_each_element() {
        let repo = Repo::default();
        let list = TypeRef::List(Box::new(TypeRef::Primitive(Primitive::Integer)));
        assert_eq!(check(&repo, &list, "[1, 2]"), None);
        assert_eq!(
            check(&repo, &list, "[1, \"x\"]").map(|i| i.message),
            Some("Value[x] is not a valid integer".into())
        );
        assert!(check(&repo, &list, "{}")
            .unwrap()
            .message
            .contains("not a valid JSON Array"));
        assert!(check(&repo, &list, "nope")
            .unwrap()
            .message
            .contains("not valid json"));
        let map = TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::Boolean)));
        assert_eq!(check(&repo, &map, "{\"a\": true}"), None);
        assert_eq!(
            check(&repo, &map, "{\"a\": 1}").map(|i| i.code.id),
            Some("E0503")
        );
        assert!(check(&repo, &map, "[]")
            .unwrap()
            .message
            .contains("not a valid JSON Object"));
    }

    #[test]
    fn external_types() {
        let repo = Repo::default();
        let ext = |kind| TypeRef::External {
            namespace: "a.b".into(),
            kind,
            name: "x".into(),
        };
        assert_eq!(check(&repo, &ext(TypeKind::Enum), "anything"), None);
        assert_eq!(
            check(&repo, &ext(TypeKind::Model), "{}").map(|i| i.code.id),
            Some("E0505")
        );
    }
}
