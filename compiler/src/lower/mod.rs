//! Lowering: a JSON tree (api.json or service.json) → [`crate::ir::Service`].
//!
//! This is API Builder's phase B (structure and form) plus its service builder: keys are checked
//! and read leniently (§1.1 of the reference: strings trimmed, blank = absent, `"true"` accepted for
//! booleans, non-strings turned into their JSON text), defaults are filled in, and problems are
//! collected as diagnostics while lowering carries on with the rest of the document.

pub mod api_json;
pub mod service_json;

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir;
use crate::json::{Member, Node, Value};
use crate::source::{FileId, Loc, Span};

crate::codes! {
    W0101: Warning,
        "unknown key",
        "The object has a key that API Builder does not define for it. API Builder rejects these \
         (`Unrecognized element[k]`); Charter warns and ignores the key, so specs with harmless extras \
         still load. Extensions belong in `attributes`.";
    E0102: Error,
        "required key is missing",
        "A key that API Builder requires is absent (`Missing name`, `Missing type`, …).";
    E0103: Error,
        "value has the wrong JSON type",
        "A key holds the wrong kind of JSON value, e.g. `models` must be an object keyed by model \
         name, `fields` an array of objects, `required` a boolean.";
    E0104: Error,
        "value must be a non-empty string",
        "A required string is empty or only whitespace. API Builder trims every string and treats a \
         blank one as absent.";
    E0105: Error,
        "invalid boolean",
        "Booleans are JSON `true`/`false`, or the strings \"true\"/\"false\" (API Builder's lenient form).";
    E0106: Error,
        "invalid integer",
        "`minimum` and `maximum` are 64-bit integers: a JSON integer, or a string holding one.";
    E0107: Error,
        "legacy inline enum on a field",
        "Fields once declared their enums inline with `enum`/`values`. Enumerations are now first class \
         objects and must be defined in an explicit `enums` section, referenced by name.";
    E0108: Error,
        "invalid inline type definition",
        "A `type` given as an object must name the new type with one of `enum`, `interface`, `model` \
         or `union` (optionally as `[name]` or `map[name]`); any other value must be a string.";
    E0109: Error,
        "legacy 2014 apidoc format",
        "This document uses the 2014 apidoc format, where resources carry their own fields and there \
         is no `models` section. API Builder dropped it in 2014; move the fields into `models` and \
         keep `resources` for operations.";
    E0110: Error,
        "invalid type expression",
        "A type string must be a type name, `[T]` (a list) or `map[T]` (a map with string keys), \
         with balanced brackets and no empty names.";
    E0111: Error,
        "invalid template use",
        "A model or resource names a template that does not exist, templates refer to each other in \
         a cycle, or a name is used by both a model (or interface) and a template model.";
    E0112: Error,
        "invalid service.json document",
        "A resolved service.json lacks what the resolved form always has (organization, application, \
         version, namespace) or is shaped differently from API Builder's spec.";
    E0113: Error,
        "invalid parameter location",
        "A parameter's `location` must be one of path, query, form, header (any case). When absent \
         it defaults to query for GET/DELETE and operations with a body, form otherwise.";
    E0114: Error,
        "invalid response code",
        "Response keys are HTTP status codes (integers) or the keyword `default`.";
}

/// Lowers one parsed document into services: detects the form, then dispatches.
pub fn lower_document(
    file: FileId,
    root: &Node,
    diags: &mut Diagnostics,
) -> Option<Vec<ir::Service>> {
    let mut cx = Cx { file, diags };
    match detect_form(root) {
        DetectedForm::Wrapped => {
            let inner = root.get("service")?;
            service_json::lower(&mut cx, inner, "/service").map(|s| vec![s])
        }
        DetectedForm::ServiceJson => service_json::lower(&mut cx, root, "").map(|s| vec![s]),
        DetectedForm::ApiJson => api_json::lower(&mut cx, root).map(|s| vec![s]),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum DetectedForm {
    ApiJson,
    ServiceJson,
    /// `{"service": …, "imported_services": […]}`: the generator invocation form.
    Wrapped,
}

/// Tells the two forms apart: the resolved form has `organization`/`application` objects and
/// arrays where api.json has maps.
pub fn detect_form(root: &Node) -> DetectedForm {
    if root.get("service").and_then(Node::as_object).is_some() && root.get("name").is_none() {
        return DetectedForm::Wrapped;
    }
    let arrays = ["models", "enums", "unions", "resources", "interfaces"]
        .iter()
        .any(|k| root.get(k).and_then(Node::as_array).is_some());
    let org_app = root.get("organization").and_then(Node::as_object).is_some()
        && root.get("application").and_then(Node::as_object).is_some();
    if org_app || arrays {
        DetectedForm::ServiceJson
    } else {
        DetectedForm::ApiJson
    }
}

/// Appends a key to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn ptr(base: &str, key: &str) -> String {
    let mut s = String::with_capacity(base.len() + key.len() + 1);
    s.push_str(base);
    s.push('/');
    for c in key.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            c => s.push(c),
        }
    }
    s
}

pub fn ptr_index(base: &str, i: usize) -> String {
    format!("{base}/{i}")
}

/// The lowering context: the file and the diagnostics sink.
pub struct Cx<'d> {
    pub file: FileId,
    pub diags: &'d mut Diagnostics,
}

/// An object being read: its node, pointer and the message prefix (`Model[user]`).
#[derive(Clone, Copy)]
pub struct Obj<'n, 'p> {
    pub node: &'n Node,
    pub members: &'n [Member],
    pub ptr: &'p str,
    pub prefix: &'p str,
}

impl<'n, 'p> Obj<'n, 'p> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.value)
    }
    pub fn member(&self, key: &str) -> Option<&'n Member> {
        self.members.iter().find(|m| m.key == key)
    }
}

fn with_prefix(prefix: &str, msg: &str) -> String {
    if prefix.is_empty() {
        msg.to_string()
    } else {
        format!("{prefix} {msg}")
    }
}

impl Cx<'_> {
    pub fn loc(&self, span: Span, pointer: impl Into<String>) -> Loc {
        Loc::new(self.file, span, pointer)
    }
    pub fn node_loc(&self, node: &Node, pointer: &str) -> Loc {
        self.loc(node.span, pointer)
    }
    /// The location of an object's key `key` if present, else of the object itself.
    pub fn key_loc(&self, obj: &Obj, key: &str) -> Loc {
        match obj.member(key) {
            Some(m) => self.loc(m.value.span, ptr(obj.ptr, key)),
            None => self.loc(obj.node.span, obj.ptr),
        }
    }

    pub fn error(&mut self, code: &'static Code, loc: Loc, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, msg).at(loc));
    }
    pub fn error_help(
        &mut self,
        code: &'static Code,
        loc: Loc,
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::new(code, msg).at(loc).with_help(help));
    }

    /// Views `node` as an object; reports E0103 otherwise.
    pub fn obj<'n, 'p>(
        &mut self,
        node: &'n Node,
        ptr: &'p str,
        prefix: &'p str,
        what: &str,
    ) -> Option<Obj<'n, 'p>> {
        match &node.value {
            Value::Object(members) => Some(Obj {
                node,
                members,
                ptr,
                prefix,
            }),
            _ => {
                let loc = self.loc(node.span, ptr);
                self.error(
                    &E0103,
                    loc,
                    with_prefix(
                        prefix,
                        &format!("{what} must be an object, not {}", node.kind_name()),
                    ),
                );
                None
            }
        }
    }

    /// Warns (W0101) about keys outside `allowed`.
    pub fn check_keys(&mut self, obj: &Obj, allowed: &[&str]) {
        for m in obj.members {
            if !allowed.contains(&m.key.as_str()) {
                let loc = self.loc(m.key_span, ptr(obj.ptr, &m.key));
                let mut sorted: Vec<&str> = allowed.to_vec();
                sorted.sort_unstable();
                self.diags.push(
                    Diagnostic::new(
                        &W0101,
                        with_prefix(obj.prefix, &format!("Unrecognized element[{}]", m.key)),
                    )
                    .at(loc)
                    .with_help(format!("allowed keys here: {}", sorted.join(", "))),
                );
            }
        }
    }

    /// An optional string, read leniently: trimmed, blank = absent, non-strings as JSON text.
    pub fn opt_string(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let node = obj.get(key)?;
        match &node.value {
            Value::Null => None,
            Value::String(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            _ => Some(node.to_compact_string()),
        }
    }

    /// An optional string that must be a JSON string when present.
    pub fn opt_strict_string(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let node = obj.get(key)?;
        match &node.value {
            Value::Null => None,
            Value::String(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            _ => {
                let loc = self.loc(node.span, ptr(obj.ptr, key));
                self.error(
                    &E0103,
                    loc,
                    with_prefix(obj.prefix, &format!("{key}, if present, must be a string")),
                );
                None
            }
        }
    }

    /// A required non-empty string.
    pub fn req_string(&mut self, obj: &Obj, key: &str) -> Option<String> {
        match obj.get(key) {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => {
                let loc = self.loc(obj.node.span, obj.ptr);
                self.error_help(
                    &E0102,
                    loc,
                    with_prefix(obj.prefix, &format!("Missing {key}")),
                    format!("add a `{key}`"),
                );
                None
            }
            Some(node) => match &node.value {
                Value::String(s) if s.trim().is_empty() => {
                    let loc = self.loc(node.span, ptr(obj.ptr, key));
                    self.error(
                        &E0104,
                        loc,
                        with_prefix(obj.prefix, &format!("{key} must be a non empty string")),
                    );
                    None
                }
                Value::String(s) => Some(s.trim().to_string()),
                Value::Object(_) | Value::Array(_) => {
                    let loc = self.loc(node.span, ptr(obj.ptr, key));
                    self.error(
                        &E0103,
                        loc,
                        with_prefix(obj.prefix, &format!("{key} must be a string")),
                    );
                    None
                }
                _ => Some(node.to_compact_string()),
            },
        }
    }

    /// A lenient boolean: `true`/`false` or the strings `"true"`/`"false"`.
    pub fn opt_bool(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        let node = obj.get(key)?;
        match &node.value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim() == "true" => Some(true),
            Value::String(s) if s.trim() == "false" => Some(false),
            _ => {
                let loc = self.loc(node.span, ptr(obj.ptr, key));
                self.error(
                    &E0105,
                    loc,
                    with_prefix(
                        obj.prefix,
                        &format!(
                            "{key}, if present, must be a boolean or the string 'true' or 'false'"
                        ),
                    ),
                );
                None
            }
        }
    }

    /// An optional 64-bit integer: a JSON number or a string holding one. A fractional JSON number
    /// is accepted and ignored, as API Builder does.
    pub fn opt_long(&mut self, obj: &Obj, key: &str) -> Option<i64> {
        let node = obj.get(key)?;
        let parsed = match &node.value {
            Value::Null => return None,
            Value::Number(n) => match n.parse::<i64>() {
                Ok(v) => return Some(v),
                Err(_) if n.parse::<f64>().is_ok() => return None,
                Err(_) => None,
            },
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            let loc = self.loc(node.span, ptr(obj.ptr, key));
            self.error(
                &E0106,
                loc,
                with_prefix(obj.prefix, &format!("{key}, if present, must be a number")),
            );
        }
        parsed
    }

    /// An optional array; E0103 when present but not an array.
    pub fn opt_array<'n>(&mut self, obj: &Obj<'n, '_>, key: &str) -> Option<&'n [Node]> {
        let node = obj.get(key)?;
        match &node.value {
            Value::Null => None,
            Value::Array(a) => Some(a),
            _ => {
                let loc = self.loc(node.span, ptr(obj.ptr, key));
                self.error(
                    &E0103,
                    loc,
                    with_prefix(obj.prefix, &format!("{key}, if present, must be an array")),
                );
                None
            }
        }
    }

    /// A required array: E0102 when missing, E0103 when not an array.
    pub fn req_array<'n>(&mut self, obj: &Obj<'n, '_>, key: &str) -> Option<&'n [Node]> {
        match obj.get(key) {
            None => {
                let loc = self.loc(obj.node.span, obj.ptr);
                self.error(
                    &E0102,
                    loc,
                    with_prefix(obj.prefix, &format!("Missing {key}")),
                );
                None
            }
            Some(node) => match &node.value {
                Value::Array(a) => Some(a),
                _ => {
                    let loc = self.loc(node.span, ptr(obj.ptr, key));
                    self.error(
                        &E0103,
                        loc,
                        with_prefix(obj.prefix, &format!("{key} must be an array")),
                    );
                    None
                }
            },
        }
    }

    /// An optional object; E0103 when present but not an object.
    pub fn opt_object<'n>(&mut self, obj: &Obj<'n, '_>, key: &str) -> Option<&'n [Member]> {
        let node = obj.get(key)?;
        match &node.value {
            Value::Null => None,
            Value::Object(m) => Some(m),
            _ => {
                let loc = self.loc(node.span, ptr(obj.ptr, key));
                self.error(
                    &E0103,
                    loc,
                    with_prefix(obj.prefix, &format!("{key}, if present, must be an object")),
                );
                None
            }
        }
    }

    /// `deprecation: {description?}`. An explicit `null` (written by older service.json writers) is read as absent.
    pub fn deprecation(&mut self, obj: &Obj, key: &str) -> Option<ir::Deprecation> {
        let node = obj.get(key).filter(|n| !matches!(n.value, Value::Null))?;
        let p = ptr(obj.ptr, key);
        let prefix = obj.prefix.to_string();
        let d = self.obj(node, &p, &prefix, "deprecation")?;
        self.check_keys(&d, &["description"]);
        Some(ir::Deprecation {
            description: self.opt_string(&d, "description"),
        })
    }

    /// `attributes: [{name, value, description?, deprecation?}]`.
    pub fn attributes(&mut self, obj: &Obj, allow_deprecation: bool) -> Vec<ir::Attribute> {
        let Some(items) = self.opt_array(obj, "attributes") else {
            return Vec::new();
        };
        let base = ptr(obj.ptr, "attributes");
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let prefix = format!("{}: Attribute {i}", obj.prefix)
                .trim_start_matches(": ")
                .to_string();
            let Some(a) = self.obj(item, &p, &prefix, "attribute") else {
                continue;
            };
            if allow_deprecation {
                self.check_keys(&a, &["name", "value", "description", "deprecation"]);
            } else {
                self.check_keys(&a, &["name", "value", "description"]);
            }
            let name = self.opt_string(&a, "name");
            let Some(name) = name else {
                let loc = self.loc(item.span, &p);
                self.error(
                    &E0102,
                    loc,
                    format!("{}: Attribute {i} must have a name", obj.prefix),
                );
                continue;
            };
            let value = match a.get("value") {
                Some(
                    v @ Node {
                        value: Value::Object(_),
                        ..
                    },
                ) => v.to_serde(),
                Some(v) => {
                    let loc = self.loc(v.span, ptr(&p, "value"));
                    self.error(
                        &E0103,
                        loc,
                        format!("{}: Attribute {name} value must be an object", obj.prefix),
                    );
                    continue;
                }
                None => {
                    let loc = self.loc(item.span, &p);
                    self.error(
                        &E0102,
                        loc,
                        format!("{}: Attribute {name} must have a value", obj.prefix),
                    );
                    continue;
                }
            };
            out.push(ir::Attribute {
                name,
                value,
                description: self.opt_string(&a, "description"),
                deprecation: self.deprecation(&a, "deprecation"),
                loc: self.loc(item.span, p.clone()),
            });
        }
        out
    }
}

/// The deepest nesting of lists and maps a type expression may have (`[[[x]]]` is 3). The corpus
/// uses 3 at most; deeper types overflow serde_derive and rustc long before they mean anything,
/// and the limit keeps every later stage's recursion over a type bounded.
pub const MAX_TYPE_NESTING: usize = 32;

/// How many `[` / `map[` prefixes a type expression starts with (counted without recursion).
fn nesting(mut t: &str) -> usize {
    let mut n = 0;
    loop {
        if let Some(rest) = t.strip_prefix('[') {
            t = rest;
        } else if let Some(rest) = t.strip_prefix("map[") {
            t = rest;
        } else {
            return n;
        }
        n += 1;
    }
}

/// Parses a type expression: `name`, `[T]`, `map[T]`, `map` (= `map[string]`).
///
/// Returns the normalized text (primitives lower-cased at every level) and the reference with
/// names left as [`ir::TypeRef::Named`] for [`crate::resolve`].
pub fn parse_type(text: &str) -> Result<(String, ir::TypeRef), String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type must be a non empty string".into());
    }
    if nesting(t) > MAX_TYPE_NESTING {
        let shown: String = t.chars().take(40).collect();
        return Err(format!(
            "type[{shown}…] nests lists and maps deeper than {MAX_TYPE_NESTING} levels (the generated Rust would not compile)"
        ));
    }
    if let Some(inner) = t.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("type[{t}] has unbalanced brackets"))?;
        let (s, r) = parse_type(inner)?;
        return Ok((format!("[{s}]"), ir::TypeRef::List(Box::new(r))));
    }
    if t == "map" {
        return Ok((
            "map[string]".into(),
            ir::TypeRef::Map(Box::new(ir::TypeRef::Primitive(ir::Primitive::String))),
        ));
    }
    if let Some(inner) = t.strip_prefix("map[") {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("type[{t}] has unbalanced brackets"))?;
        let (s, r) = parse_type(inner)?;
        return Ok((format!("map[{s}]"), ir::TypeRef::Map(Box::new(r))));
    }
    if t.contains(['[', ']']) || t.contains(char::is_whitespace) {
        return Err(format!("type[{t}] is not a valid type expression"));
    }
    match ir::Primitive::parse(t) {
        Some(p) => Ok((p.name().to_string(), ir::TypeRef::Primitive(p))),
        None => Ok((t.to_string(), ir::TypeRef::Named(t.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ir::{Primitive, TypeRef};

    #[test]
    fn type_expressions() {
        assert_eq!(parse_type("UUID").unwrap().0, "uuid");
        assert_eq!(parse_type("map").unwrap().0, "map[string]");
        assert_eq!(parse_type("[[Long]]").unwrap().0, "[[long]]");
        assert_eq!(
            parse_type("map[user]").unwrap().1,
            TypeRef::Map(Box::new(TypeRef::Named("user".into())))
        );
        assert_eq!(
            parse_type(" string ").unwrap().1,
            TypeRef::Primitive(Primitive::String)
        );
        assert!(parse_type("[user").is_err());
        assert!(parse_type("").is_err());
        assert!(parse_type("[]").is_err());
        let deep = format!("{}string{}", "[".repeat(32), "]".repeat(32));
        assert!(parse_type(&deep).is_ok());
        let too_deep = format!("{}string{}", "map[".repeat(33), "]".repeat(33));
        assert!(parse_type(&too_deep)
            .unwrap_err()
            .contains("deeper than 32"));
        let huge = format!("{}string{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_type(&huge).is_err());
        assert!(parse_type("a b").is_err());
    }

    #[test]
    fn pointers_escape() {
        assert_eq!(ptr("/models", "a/b~c"), "/models/a~1b~0c");
    }
}
