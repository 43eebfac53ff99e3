//! A JSON example of any type of an [`ir::Repo`](crate::ir::Repo), for the docs site (`charter
//! docs`) and stub servers.
//!
//! Examples are deterministic and valid: they would pass the generated server's validation. They
//! make the same choices as the generated factories (`gen/factories.rs`), so the docs show what
//! `factories::user()` builds:
//!
//! - a model has its required fields and its fields with a default (the default's value); an
//!   optional field without a default is left out;
//! - an enum is its first value (on the wire);
//! - a union is its member with the shallowest value (the first on ties, so recursive types end),
//!   written as the wire form: flat with the discriminator key for a model member, `{"<key>": tag,
//!   "value": …}` for a primitive or enum member, `{"<tag>": …}` without a discriminator;
//! - numbers are the value nearest 0 within `minimum`/`maximum`; strings are the field's name
//!   padded with `x` or cut to the allowed length; lists and maps are empty, or as long as their
//!   `minimum` asks (keys `key1`, `key2`, …);
//! - `uuid` `01234567-89ab-4def-8123-456789abcdef`, `date-iso8601` `2024-01-01`,
//!   `date-time-iso8601` `2024-01-01T00:00:00Z`, `object`/`json` `{}`, `unit` `null`;
//! - a type of an import outside the repo is opaque: `{}`.
//!
//! One difference, on purpose: where the spec gives a field or parameter an `example` that is
//! valid for its type and bounds (a number in range, a string of allowed length, an enum value, a
//! well-formed uuid or date, JSON for `json`/`object`), the example is used instead of the
//! made-up value. Decimals are written as JSON numbers, as API Builder sends them.
//!
//! A type with no finite value (a cycle of required fields, warning W1204 of the generator) has no
//! valid example at all: its example holds `null` where it reaches another such type (or itself),
//! so it stays as small as the type's own fields (cutting only at a depth made examples of types
//! with two such fields exponential in that depth). [`MAX_DEPTH`] is a second guard.
//!
//! ```
//! # use charter::{check_sources, Options};
//! let spec = r#"{"name": "demo", "models": {"item": {"fields": [
//!     {"name": "sku", "type": "string", "minimum": 5},
//!     {"name": "quantity", "type": "integer", "minimum": 1},
//!     {"name": "note", "type": "string", "required": false}]}}}"#;
//! let checked = check_sources(vec![("demo.json".into(), spec.into())], &Options::default());
//! let examples = charter::example::Examples::new(&checked.repo);
//! let id = charter::ir::TypeId {
//!     service: charter::ir::ServiceId(0),
//!     kind: charter::ir::TypeKind::Model,
//!     index: 0,
//! };
//! assert_eq!(examples.of_type(id), serde_json::json!({"sku": "skuxx", "quantity": 1}));
//! ```

use crate::ir::{Field, Parameter, Primitive, Repo, TypeId, TypeKind, TypeRef};
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// How deep an example may nest before it is cut with `null` (only types with no finite value get
/// there: every other type's example is as deep as its shallowest value).
pub const MAX_DEPTH: usize = 64;

/// The `uuid` example (the factories' `Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef)`).
pub const UUID: &str = "01234567-89ab-4def-8123-456789abcdef";
/// The `date-iso8601` example.
pub const DATE: &str = "2024-01-01";
/// The `date-time-iso8601` example.
pub const DATE_TIME: &str = "2024-01-01T00:00:00Z";

/// What is known about the place a value goes: a field's or parameter's name, bounds and the
/// spec's `example`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hint<'a> {
    /// Used as the text of a string.
    pub name: Option<&'a str>,
    /// A number's least value, a string's least length, a list's or map's least size.
    pub minimum: Option<i64>,
    /// A number's greatest value, a string's greatest length, a list's or map's greatest size.
    pub maximum: Option<i64>,
    /// The spec's `example`, used when valid.
    pub example: Option<&'a str>,
}

impl<'a> Hint<'a> {
    pub fn field(f: &'a Field) -> Hint<'a> {
        Hint {
            name: Some(&f.name),
            minimum: f.minimum,
            maximum: f.maximum,
            example: f.example.as_deref(),
        }
    }
    pub fn parameter(p: &'a Parameter) -> Hint<'a> {
        Hint {
            name: Some(&p.name),
            minimum: p.minimum,
            maximum: p.maximum,
            example: p.example.as_deref(),
        }
    }
}

/// Examples of the types of one repo. Building one computes every type's depth once; examples of
/// models and unions are cached, so asking for many is cheap.
pub struct Examples<'r> {
    repo: &'r Repo,
    heights: HashMap<TypeId, u32>,
    cache: RefCell<HashMap<TypeId, Value>>,
    /// Inside the example of a type with no finite value.
    in_infinite: Cell<bool>,
}

impl<'r> Examples<'r> {
    pub fn new(repo: &'r Repo) -> Examples<'r> {
        Examples {
            repo,
            heights: heights(repo),
            cache: RefCell::new(HashMap::new()),
            in_infinite: Cell::new(false),
        }
    }

    /// The example of a declared type (a model, enum, union or interface of the repo).
    pub fn of_type(&self, id: TypeId) -> Value {
        self.value(&TypeRef::Type(id), Hint::default())
    }

    /// The example of a (resolved) type reference at a place described by `hint`.
    pub fn value(&self, r: &TypeRef, hint: Hint) -> Value {
        let mut cut = false;
        self.go(r, hint, 0, &mut cut)
    }

    /// The value a model field has in its model's example: `None` when the field is left out
    /// (optional, no usable default).
    pub fn field(&self, f: &Field) -> Option<Value> {
        let mut cut = false;
        self.field_at(f, 0, &mut cut)
    }

    fn field_at(&self, f: &Field, depth: usize, cut: &mut bool) -> Option<Value> {
        if let Some(v) = f.default.as_deref().and_then(|d| default_value(&f.ty.r, d)) {
            return Some(v);
        }
        if !f.required {
            return None;
        }
        Some(self.go(&f.ty.r, Hint::field(f), depth, cut))
    }

    fn go(&self, r: &TypeRef, hint: Hint, depth: usize, cut: &mut bool) -> Value {
        if depth > MAX_DEPTH {
            *cut = true;
            return Value::Null;
        }
        if let Some(v) = hint.example.and_then(|e| self.given(r, hint, e)) {
            return v;
        }
        match r {
            TypeRef::Primitive(p) => primitive(*p, hint),
            TypeRef::List(inner) => {
                let n = count(hint);
                let v = if n == 0 {
                    Value::Null
                } else {
                    self.go(inner, Hint::default(), depth + 1, cut)
                };
                Value::Array(vec![v; n])
            }
            TypeRef::Map(inner) => {
                let n = count(hint);
                let mut m = Map::new();
                if n > 0 {
                    let v = self.go(inner, Hint::default(), depth + 1, cut);
                    for i in 1..=n {
                        m.insert(format!("key{i}"), v.clone());
                    }
                }
                Value::Object(m)
            }
            TypeRef::Type(id) => self.declared(*id, depth, cut),
            TypeRef::External { .. } => Value::Object(Map::new()),
            TypeRef::Named(_) | TypeRef::Unresolved(_) => Value::Null,
        }
    }

    fn declared(&self, id: TypeId, depth: usize, cut: &mut bool) -> Value {
        if let Some(v) = self.cache.borrow().get(&id) {
            return v.clone();
        }
        // A type with no finite value inside another (or itself): cut here.
        let infinite = self.heights.get(&id) == Some(&UNKNOWN_HEIGHT);
        if infinite && self.in_infinite.replace(true) {
            *cut = true;
            return Value::Null;
        }
        let mut my_cut = false;
        let v = match id.kind {
            TypeKind::Enum => self
                .repo
                .enum_(id)
                .values
                .first()
                .map(|v| Value::String(v.wire().to_owned()))
                .unwrap_or(Value::Null),
            TypeKind::Model => {
                let fields = &self.repo.model(id).fields;
                self.object(fields, depth, &mut my_cut)
            }
            TypeKind::Interface => {
                let fields = &self.repo.interface(id).fields;
                self.object(fields, depth, &mut my_cut)
            }
            TypeKind::Union => self.union(id, depth, &mut my_cut),
        };
        if infinite {
            self.in_infinite.set(false);
        }
        if my_cut {
            *cut = true;
        } else {
            self.cache.borrow_mut().insert(id, v.clone());
        }
        v
    }

    fn object(&self, fields: &[Field], depth: usize, cut: &mut bool) -> Value {
        let mut m = Map::new();
        for f in fields {
            if let Some(v) = self.field_at(f, depth + 1, cut) {
                m.insert(f.name.clone(), v);
            }
        }
        Value::Object(m)
    }

    fn union(&self, id: TypeId, depth: usize, cut: &mut bool) -> Value {
        let u = self.repo.union(id);
        let height = |r: &TypeRef| match r {
            TypeRef::Type(t) => self.heights.get(t).copied().unwrap_or(0),
            _ => 0,
        };
        let Some(member) = u.types.iter().min_by_key(|t| height(&t.ty.r)) else {
            return Value::Null;
        };
        let v = self.go(&member.ty.r, Hint::default(), depth + 1, cut);
        let tag = member.discriminator_value.clone();
        let mut out = Map::new();
        match &u.discriminator {
            Some(key) if is_object_shape(&member.ty.r) => {
                out.insert(key.clone(), Value::String(tag));
                if let Value::Object(fields) = v {
                    out.extend(fields.into_iter().filter(|(k, _)| k != key));
                }
            }
            Some(key) => {
                out.insert(key.clone(), Value::String(tag));
                out.insert("value".to_owned(), v);
            }
            None => {
                out.insert(tag, v);
            }
        }
        Value::Object(out)
    }

    /// The spec's example for `r`, when it is valid there.
    fn given(&self, r: &TypeRef, hint: Hint, text: &str) -> Option<Value> {
        let in_range = |n: f64| {
            hint.minimum.is_none_or(|m| n >= m as f64) && hint.maximum.is_none_or(|m| n <= m as f64)
        };
        match r {
            TypeRef::Primitive(p) => match p {
                Primitive::String => {
                    let len = text.chars().count() as f64;
                    in_range(len).then(|| Value::String(text.to_owned()))
                }
                Primitive::Boolean => text.parse::<bool>().ok().map(Value::Bool),
                Primitive::Integer => text
                    .parse::<i32>()
                    .ok()
                    .filter(|n| in_range(*n as f64))
                    .map(Value::from),
                Primitive::Long => text
                    .parse::<i64>()
                    .ok()
                    .filter(|n| in_range(*n as f64))
                    .map(Value::from),
                Primitive::Double | Primitive::Decimal => {
                    let n = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
                    if !in_range(n) {
                        return None;
                    }
                    // Keep the number as written when it is a plain JSON number.
                    match serde_json::from_str::<Number>(text.trim()) {
                        Ok(num) => Some(Value::Number(num)),
                        Err(_) => Number::from_f64(n).map(Value::Number),
                    }
                }
                Primitive::Uuid => uuid::Uuid::try_parse(text)
                    .ok()
                    .map(|u| Value::String(u.hyphenated().to_string())),
                Primitive::DateIso8601 => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .map(|_| Value::String(text.to_owned())),
                Primitive::DateTimeIso8601 => chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|_| Value::String(text.to_owned())),
                Primitive::Json => serde_json::from_str::<Value>(text).ok(),
                Primitive::Object => serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(Value::is_object),
                Primitive::Unit => None,
            },
            TypeRef::Type(id) if id.kind == TypeKind::Enum => self
                .repo
                .enum_(*id)
                .values
                .iter()
                .any(|v| v.wire() == text)
                .then(|| Value::String(text.to_owned())),
            _ => None,
        }
    }
}

/// The example of `r` in `repo`, for a single use (build an [`Examples`] to ask for many).
pub fn example(repo: &Repo, r: &TypeRef) -> Value {
    Examples::new(repo).value(r, Hint::default())
}

/// A field or parameter default given as spec text, as JSON: `None` when it cannot be expressed
/// (the generator's `default_value` rules: booleans, numbers, strings, enum values, `[]`, `{}`).
pub fn default_value(r: &TypeRef, text: &str) -> Option<Value> {
    match r {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => text.parse::<bool>().ok().map(Value::Bool),
            Primitive::Integer => text.parse::<i32>().ok().map(Value::from),
            Primitive::Long => text.parse::<i64>().ok().map(Value::from),
            Primitive::Double | Primitive::Decimal => {
                let n = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
                match serde_json::from_str::<Number>(text.trim()) {
                    Ok(num) => Some(Value::Number(num)),
                    Err(_) => Number::from_f64(n).map(Value::Number),
                }
            }
            Primitive::String => Some(Value::String(text.to_owned())),
            _ => None,
        },
        TypeRef::Type(id) if id.kind == TypeKind::Enum => Some(Value::String(text.to_owned())),
        TypeRef::List(_) if text.trim() == "[]" => Some(Value::Array(Vec::new())),
        TypeRef::Map(_) if text.trim() == "{}" => Some(Value::Object(Map::new())),
        _ => None,
    }
}

/// Whether a union member is written flat (a model or union, or an imported non-enum type).
fn is_object_shape(r: &TypeRef) -> bool {
    match r {
        TypeRef::Type(t) => matches!(
            t.kind,
            TypeKind::Model | TypeKind::Union | TypeKind::Interface
        ),
        TypeRef::External { kind, .. } => *kind != TypeKind::Enum,
        _ => false,
    }
}

fn count(hint: Hint) -> usize {
    hint.minimum.unwrap_or(0).clamp(0, 16) as usize
}

fn clamp(hint: Hint, lo: i64, hi: i64) -> i64 {
    let mut v = 0i64;
    if let Some(m) = hint.minimum {
        v = v.max(m);
    }
    if let Some(m) = hint.maximum {
        v = v.min(m);
    }
    v.clamp(lo, hi)
}

fn primitive(p: Primitive, hint: Hint) -> Value {
    match p {
        Primitive::Boolean => Value::Bool(false),
        Primitive::Integer => Value::from(clamp(hint, i32::MIN as i64, i32::MAX as i64)),
        Primitive::Long | Primitive::Decimal => Value::from(clamp(hint, i64::MIN, i64::MAX)),
        Primitive::Double => Number::from_f64(clamp(hint, i64::MIN, i64::MAX) as f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Primitive::String => Value::String(string(hint)),
        Primitive::Uuid => Value::String(UUID.to_owned()),
        Primitive::DateIso8601 => Value::String(DATE.to_owned()),
        Primitive::DateTimeIso8601 => Value::String(DATE_TIME.to_owned()),
        Primitive::Object | Primitive::Json => Value::Object(Map::new()),
        Primitive::Unit => Value::Null,
    }
}

/// A string for `hint`: its name (or `value`), padded with `x` or cut to the allowed length.
fn string(hint: Hint) -> String {
    let mut s: String = hint.name.unwrap_or("value").to_owned();
    let min = hint.minimum.unwrap_or(0).clamp(0, 4096) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = hint.maximum {
        let max = max.max(0) as usize;
        if s.chars().count() > max {
            s = s.chars().take(max).collect();
        }
    }
    s
}

/// How deep the smallest value of every model and union is (the factories' `heights`, on the
/// resolved IR): a model is one deeper than its deepest required field without a usable default,
/// a union one deeper than its shallowest member; `u32::MAX` when there is no finite value.
/// The height of a model or union with no finite value.
const UNKNOWN_HEIGHT: u32 = u32::MAX;

fn heights(repo: &Repo) -> HashMap<TypeId, u32> {
    const UNKNOWN: u32 = UNKNOWN_HEIGHT;
    let mut h: HashMap<TypeId, u32> = HashMap::new();
    let mut types = Vec::new();
    for sid in repo.service_ids() {
        let s = repo.service(sid);
        let kinds = [
            (TypeKind::Model, s.models.len()),
            (TypeKind::Union, s.unions.len()),
        ];
        for (kind, n) in kinds {
            for index in 0..n as u32 {
                let id = TypeId {
                    service: sid,
                    kind,
                    index,
                };
                h.insert(id, UNKNOWN);
                types.push(id);
            }
        }
    }
    fn of(h: &HashMap<TypeId, u32>, r: &TypeRef, min: Option<i64>) -> u32 {
        match r {
            TypeRef::List(t) | TypeRef::Map(t) if min.unwrap_or(0) > 0 => of(h, t, None),
            TypeRef::Type(id) => h.get(id).copied().unwrap_or(0),
            _ => 0,
        }
    }
    loop {
        let mut changed = false;
        for &id in &types {
            let new = if id.kind == TypeKind::Model {
                repo.model(id)
                    .fields
                    .iter()
                    .filter(|f| {
                        f.required
                            && f.default
                                .as_deref()
                                .is_none_or(|d| default_value(&f.ty.r, d).is_none())
                    })
                    .map(|f| of(&h, &f.ty.r, f.minimum))
                    .max()
                    .unwrap_or(0)
                    .saturating_add(1)
            } else {
                repo.union(id)
                    .types
                    .iter()
                    .map(|t| of(&h, &t.ty.r, None))
                    .min()
                    .unwrap_or(0)
                    .saturating_add(1)
            };
            if new < h[&id] {
                h.insert(id, new);
                changed = true;
            }
        }
        if !changed {
            return h;
        }
    }
}

#[cfg(test)]
mod tests;
