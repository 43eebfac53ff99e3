//! Rust identifiers for spec names, in one place.
//!
//! Rules (documented, stable):
//! - Words are split on anything that is not an ASCII letter or digit and on lower→upper case
//!   changes (`userId`, `user-id`, `user id` → `user_id` / `UserId`); other characters are dropped.
//! - Snake-case names that are Rust keywords become raw identifiers (`type` → `r#type`); the few
//!   keywords that cannot be raw (`self`, `super`, `crate`, `Self`) and `_` get a trailing `_`.
//! - A name that starts with a digit is prefixed: `_` for snake case (`2fa` → `_2fa`), `N` for
//!   camel case (`2fa` → `N2fa`).
//! - A name with no usable character becomes `value` / `Value`.
//! - Within one scope (the fields of a struct, the variants of an enum, the types of a module), a
//!   name already taken gets the smallest suffix `_2`, `_3`, … (snake) or `2`, `3`, … (camel) that
//!   is free, in declaration order.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Strict and reserved keywords of Rust 2021 (lower-case ones; `Self` handled separately).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

fn clean(name: &str) -> String {
    // Keep ASCII alphanumerics; everything else separates words.
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `userId` → `user_id`, `type` → `r#type`, `2fa` → `_2fa`.
pub fn snake(name: &str) -> String {
    let s = clean(name).to_snake_case();
    let s = if s.is_empty() { "value".to_owned() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{s}");
    }
    keyword_safe(s)
}

/// `user_status` → `UserStatus`, `Self` → `Self_`, `2fa` → `N2fa`.
pub fn camel(name: &str) -> String {
    let s = clean(name).to_upper_camel_case();
    let s = if s.is_empty() { "Value".to_owned() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("N{s}");
    }
    keyword_safe(s)
}

/// `SCREAMING_SNAKE` for constants.
pub fn screaming(name: &str) -> String {
    let s = snake(name);
    s.trim_start_matches("r#").to_uppercase()
}

fn keyword_safe(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without its `r#` prefix (what serde sees as the field name).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A namespace of identifiers in which every name is unique.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    used: HashSet<String>,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }
    /// Takes `ident` (already converted), or the first free suffixed variant of it.
    pub fn claim(&mut self, ident: String) -> String {
        if self.used.insert(unraw(&ident).to_owned()) {
            return ident;
        }
        let base = unraw(&ident).trim_end_matches('_').to_owned();
        let snake = base.chars().next().is_some_and(|c| !c.is_ascii_uppercase());
        (2..)
            .map(|n| {
                if snake {
                    format!("{base}_{n}")
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|c| self.used.insert(c.clone()))
            .unwrap_or(base)
    }
    pub fn snake(&mut self, name: &str) -> String {
        let s = snake(name);
        self.claim(s)
    }
    pub fn camel(&mut self, name: &str) -> String {
        let s = camel(name);
        self.claim(s)
    }
}

/// API Builder's operation method name (§1.3 of the generator notes), in snake case: the HTTP
/// method, then the literal segments of the path below the resource path joined by `and`, then
/// `by` and the parameter segments joined by `and`. `GET /users` → `get`, `GET /users/:guid` →
/// `get_by_guid`, `POST /members/:org/members_bulk` → `post_members_bulk_by_org`.
pub fn operation_name(method: &str, resource_path: &str, op_path: &str) -> String {
    let rest = op_path.strip_prefix(resource_path).unwrap_or(op_path);
    let mut literals = Vec::new();
    let mut params = Vec::new();
    for seg in rest.split('/').filter(|s| !s.is_empty()) {
        match seg.strip_prefix(':') {
            Some(p) => params.push(clean(p).to_snake_case()),
            None => literals.push(clean(seg).to_snake_case()),
        }
    }
    let mut name = method.to_ascii_lowercase();
    let literals: Vec<_> = literals.into_iter().filter(|s| !s.is_empty()).collect();
    if !literals.is_empty() {
        name.push('_');
        name.push_str(&literals.join("_and_"));
    }
    if !params.is_empty() {
        name.push_str("_by_");
        name.push_str(&params.join("_and_"));
    }
    snake(&name)
}

/// A service header that carries the request id under another name (`X-Flow-Request-Id`,
/// `X-Correlation-Id`, FT's `X-Transaction-Id`): generated servers read and echo it besides
/// `x-request-id`.
pub fn is_request_id_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    n != "x-request-id"
        && ["request-id", "correlation-id", "transaction-id"]
            .iter()
            .any(|s| n.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("_"), "value");
    }

    #[test]
    fn leading_digits_and_symbols() {
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(camel("2fa"), "N2fa");
        assert_eq!(camel("3d_secure"), "N3dSecure");
        assert_eq!(camel("application/json"), "ApplicationJson");
        assert_eq!(camel("+"), "Value");
        assert_eq!(camel("über"), "Ber");
        assert_eq!(snake("userId"), "user_id");
        assert_eq!(camel("user-id"), "UserId");
        assert_eq!(screaming("max-size"), "MAX_SIZE");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut s = Scope::new();
        assert_eq!(s.snake("user_id"), "user_id");
        assert_eq!(s.snake("userId"), "user_id_2");
        assert_eq!(s.snake("user-id"), "user_id_3");
        let mut s = Scope::with_reserved(&["Unknown"]);
        assert_eq!(s.camel("unknown"), "Unknown2");
        assert_eq!(s.camel("UNKNOWN"), "Unknown3");
        let mut s = Scope::new();
        assert_eq!(s.snake("type"), "r#type");
        assert_eq!(s.snake("type_"), "type_2");
    }

    #[test]
    fn operation_names_follow_api_builder() {
        assert_eq!(operation_name("GET", "/users", "/users"), "get");
        assert_eq!(
            operation_name("GET", "/users", "/users/:guid"),
            "get_by_guid"
        );
        assert_eq!(operation_name("POST", "/users", "/users/noop"), "post_noop");
        assert_eq!(
            operation_name("POST", "/members", "/members/:organization/members_bulk"),
            "post_members_bulk_by_organization"
        );
        assert_eq!(
            operation_name("GET", "/echoes", "/echoes/arrays-only"),
            "get_arrays_only"
        );
        assert_eq!(operation_name("GET", "", "/:a/:b"), "get_by_a_and_b");
    }
}
