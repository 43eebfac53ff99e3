//! A valid example JSON value of an IR type, for the stub's answers: the field's `example` or
//! `default` when the spec gives one, otherwise a value of the right type within the field's
//! `minimum`/`maximum`; every required field, optional ones down to a small depth (recursive types
//! end); the first enum value; the union's default member (else its first) with its discriminator.
//!
//! This is the minimum the stub needs (the `site` helper's general `compiler/src/example.rs` was
//! not on main when the stub was written); [`crate::conform::check`] accepts every value it makes
//! (tested below on the example repo).

use crate::ir::{Field, Primitive, Repo, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// Optional fields are filled down to this depth.
const OPTIONAL_DEPTH: usize = 3;
/// Beyond this depth only required fields of required types are filled (a required cycle ends at
/// [`MAX_DEPTH`] with `null`).
const MAX_DEPTH: usize = 12;

/// The example of `ty`; `None` for `unit` (no body).
pub fn example(repo: &Repo, ty: &TypeRef) -> Option<Value> {
    match ty {
        TypeRef::Primitive(Primitive::Unit) => None,
        t => Some(value(repo, t, None, 0)),
    }
}

fn value(repo: &Repo, ty: &TypeRef, field: Option<&Field>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let (min, max) = field.map_or((None, None), |f| (f.minimum, f.maximum));
    if let Some(f) = field {
        for text in [&f.example, &f.default].into_iter().flatten() {
            if let Some(v) = from_text(repo, ty, text) {
                return v;
            }
        }
    }
    match ty {
        TypeRef::Primitive(p) => primitive(*p, min, max),
        TypeRef::List(inner) => {
            let n = min.unwrap_or(1).clamp(1, 10) as usize;
            let n = max.map_or(n, |m| n.min(m.max(0) as usize));
            Value::Array(
                (0..n)
                    .map(|_| value(repo, inner, None, depth + 1))
                    .collect(),
            )
        }
        TypeRef::Map(inner) => {
            let mut m = Map::new();
            m.insert("key".to_owned(), value(repo, inner, None, depth + 1));
            Value::Object(m)
        }
        TypeRef::Type(id) => match id.kind {
            TypeKind::Enum => repo
                .enum_(*id)
                .values
                .first()
                .map_or(Value::Null, |v| Value::String(v.wire().to_owned())),
            TypeKind::Model => object(repo, &repo.model(*id).fields, depth),
            TypeKind::Interface => object(repo, &repo.interface(*id).fields, depth),
            TypeKind::Union => {
                let u = repo.union(*id);
                let Some(member) = u.default_type().or(u.types.first()) else {
                    return Value::Object(Map::new());
                };
                let inner = value(repo, &member.ty.r, None, depth + 1);
                let tag = Value::String(member.discriminator_value.clone());
                match (&u.discriminator, inner) {
                    (Some(d), Value::Object(mut m)) => {
                        m.insert(d.clone(), tag);
                        Value::Object(m)
                    }
                    (Some(d), other) => {
                        let mut m = Map::new();
                        m.insert(d.clone(), tag);
                        m.insert("value".to_owned(), other);
                        Value::Object(m)
                    }
                    (None, inner) => {
                        let mut m = Map::new();
                        m.insert(member.discriminator_value.clone(), inner);
                        Value::Object(m)
                    }
                }
            }
        },
        TypeRef::External { .. } | TypeRef::Unresolved(_) | TypeRef::Named(_) => {
            Value::Object(Map::new())
        }
    }
}

fn object(repo: &Repo, fields: &[Field], depth: usize) -> Value {
    let mut m = Map::new();
    for f in fields {
        if f.required || depth < OPTIONAL_DEPTH {
            let v = value(repo, &f.ty.r, Some(f), depth + 1);
            if !v.is_null() || f.required {
                m.insert(f.name.clone(), v);
            }
        }
    }
    Value::Object(m)
}

/// A spec's example or default text as a value of `ty` (strings as they are, other types parsed as
/// JSON), if it is one.
fn from_text(repo: &Repo, ty: &TypeRef, text: &str) -> Option<Value> {
    let v = match ty {
        TypeRef::Primitive(
            Primitive::String
            | Primitive::Uuid
            | Primitive::DateIso8601
            | Primitive::DateTimeIso8601,
        ) => Value::String(text.to_owned()),
        TypeRef::Type(id) if id.kind == TypeKind::Enum => Value::String(text.to_owned()),
        _ => serde_json::from_str(text).ok()?,
    };
    let ok = crate::conform::check(repo, ty, &v, crate::conform::Direction::Response).is_empty();
    ok.then_some(v)
}

fn primitive(p: Primitive, min: Option<i64>, max: Option<i64>) -> Value {
    let n = 1i64.max(min.unwrap_or(1)).min(max.unwrap_or(i64::MAX));
    match p {
        Primitive::Boolean => Value::Bool(true),
        Primitive::Integer | Primitive::Long => Value::from(n),
        Primitive::Double => Value::from(n as f64),
        Primitive::Decimal => Value::String(format!("{n}.00")),
        Primitive::String => {
            let len = min.unwrap_or(0).max(0) as usize;
            let mut s = "example".to_owned();
            while s.len() < len {
                s.push('x');
            }
            if let Some(m) = max {
                s.truncate(m.max(0) as usize);
            }
            Value::String(s)
        }
        Primitive::Uuid => Value::String("5f0c6a7e-8b2d-4c1a-9e3f-0a1b2c3d4e5f".to_owned()),
        Primitive::DateIso8601 => Value::String("2026-01-02".to_owned()),
        Primitive::DateTimeIso8601 => Value::String("2026-01-02T03:04:05Z".to_owned()),
        Primitive::Object | Primitive::Json => Value::Object(Map::new()),
        Primitive::Unit => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conform::{check, Direction};
    use crate::ir::TypeId;

    /// Every model and union of the example repo gets an example that conforms to it.
    #[test]
    fn examples_conform() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let c = crate::check(&[dir], &crate::Options::default());
        let mut n = 0;
        for sid in c.repo.service_ids() {
            let s = c.repo.service(sid);
            let kinds = [
                (TypeKind::Model, s.models.len()),
                (TypeKind::Union, s.unions.len()),
                (TypeKind::Enum, s.enums.len()),
            ];
            for (kind, len) in kinds {
                for index in 0..len as u32 {
                    let ty = TypeRef::Type(TypeId {
                        service: sid,
                        kind,
                        index,
                    });
                    let v = example(&c.repo, &ty).unwrap();
                    for d in [Direction::Request, Direction::Response] {
                        let problems = check(&c.repo, &ty, &v, d);
                        assert!(problems.is_empty(), "{v}: {problems:?}");
                    }
                    n += 1;
                }
            }
        }
        assert!(n > 20, "{n}");
    }
}
