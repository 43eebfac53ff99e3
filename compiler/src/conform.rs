//! Does a JSON value conform to an IR type? The checks generated code makes on the wire — JSON type
//! of each primitive, required fields, enum values, `minimum`/`maximum`, union discriminators —
//! made on a `serde_json::Value` against the IR, for `charter stub` (requests, with the status the
//! generated server would answer) and `charter verify` (responses).
//!
//! Problems name the place (an RFC 6901 pointer, and the generated server's `items[0].quantity`
//! form) and what is wrong, never the value: values may be personal data.

use crate::ir::{Field, Primitive, Repo, TypeKind, TypeRef};
use serde_json::Value;

/// Which side of the wire a value is on. A request field with a default may be absent (the server
/// fills it); a response must carry every required field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

/// What is wrong with a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Not the JSON type the spec says (or not parsable as a date, uuid, …).
    WrongType,
    /// A required field is absent (or `null`).
    Missing,
    /// A string the enum does not list.
    UnknownEnumValue,
    /// A union discriminator value (or wrapper key) the union does not list.
    UnknownMember,
    /// Outside `minimum`/`maximum` (value, length or size).
    OutOfRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// RFC 6901 pointer into the checked value (`""` for the value itself).
    pub pointer: String,
    /// The same place as the generated server names it: `items[0].quantity` (`body` for the root).
    pub field: String,
    pub kind: Kind,
    pub message: String,
}

/// The problems of `value` as a `ty` of the repo (empty: it conforms). At most 100 are listed.
pub fn check(repo: &Repo, ty: &TypeRef, value: &Value, direction: Direction) -> Vec<Problem> {
    let mut c = Checker {
        repo,
        direction,
        out: Vec::new(),
        at: Vec::new(),
    };
    c.value(ty, value, None, 0);
    c.out
}

/// A parameter value (path, query or header text) as a `ty`: `Err(what it must be)` when it does
/// not parse, as the generated server's parameter parsing says it.
pub fn check_param(repo: &Repo, ty: &TypeRef, raw: &str) -> Result<Option<Kind>, &'static str> {
    match ty {
        TypeRef::Primitive(p) => parse_primitive(*p, raw).map(|_| None),
        TypeRef::Type(id) if id.kind == TypeKind::Enum => {
            let e = repo.enum_(*id);
            Ok((!e.values.iter().any(|v| v.wire() == raw)).then_some(Kind::UnknownEnumValue))
        }
        _ => Ok(None),
    }
}

fn parse_primitive(p: Primitive, raw: &str) -> Result<(), &'static str> {
    let ok = match p {
        Primitive::Boolean => matches!(raw, "true" | "false"),
        Primitive::Integer => raw.parse::<i32>().is_ok(),
        Primitive::Long => raw.parse::<i64>().is_ok(),
        Primitive::Double => raw.parse::<f64>().is_ok(),
        Primitive::Decimal => raw.parse::<f64>().is_ok(),
        Primitive::Uuid => uuid::Uuid::parse_str(raw).is_ok(),
        Primitive::DateIso8601 => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok(),
        Primitive::DateTimeIso8601 => chrono::DateTime::parse_from_rfc3339(raw).is_ok(),
        Primitive::String | Primitive::Object | Primitive::Json | Primitive::Unit => true,
    };
    if ok {
        Ok(())
    } else {
        Err(primitive_what(p))
    }
}

/// How the generated server's messages describe a primitive (`` `n` must be a long integer``).
pub fn primitive_what(p: Primitive) -> &'static str {
    match p {
        Primitive::Boolean => "true or false",
        Primitive::Integer => "an integer",
        Primitive::Long => "a long integer",
        Primitive::Double => "a number",
        Primitive::Decimal => "a decimal number",
        Primitive::Uuid => "a UUID",
        Primitive::DateIso8601 => "a date (YYYY-MM-DD)",
        Primitive::DateTimeIso8601 => "an ISO 8601 date-time",
        Primitive::String => "a string",
        Primitive::Object => "a JSON object",
        Primitive::Json => "JSON",
        Primitive::Unit => "empty",
    }
}

enum Seg {
    Field(String),
    Index(usize),
    Key(String),
}

struct Checker<'a> {
    repo: &'a Repo,
    direction: Direction,
    out: Vec<Problem>,
    at: Vec<Seg>,
}

const MAX_PROBLEMS: usize = 100;
const MAX_DEPTH: usize = 64;

impl Checker<'_> {
    fn pointer(&self) -> String {
        let mut p = String::new();
        for s in &self.at {
            p.push('/');
            let raw = match s {
                Seg::Field(f) | Seg::Key(f) => f.clone(),
                Seg::Index(i) => i.to_string(),
            };
            p.push_str(&raw.replace('~', "~0").replace('/', "~1"));
        }
        p
    }
    fn field(&self) -> String {
        let mut f = String::new();
        for s in &self.at {
            match s {
                Seg::Field(n) if f.is_empty() => f.push_str(n),
                Seg::Field(n) => {
                    f.push('.');
                    f.push_str(n);
                }
                Seg::Index(i) => f.push_str(&format!("[{i}]")),
                Seg::Key(k) => f.push_str(&format!("[{k:?}]")),
            }
        }
        if f.is_empty() {
            "body".to_owned()
        } else {
            f
        }
    }
    fn problem(&mut self, kind: Kind, what: impl FnOnce(&str) -> String) {
        if self.out.len() >= MAX_PROBLEMS {
            return;
        }
        let field = self.field();
        let message = what(&field);
        self.out.push(Problem {
            pointer: self.pointer(),
            field,
            kind,
            message,
        });
    }
    fn nested(&mut self, seg: Seg, f: impl FnOnce(&mut Self)) {
        self.at.push(seg);
        f(self);
        self.at.pop();
    }

    fn value(&mut self, ty: &TypeRef, v: &Value, bounds: Option<(&Field, ())>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match ty {
            TypeRef::Primitive(p) => self.primitive(*p, v),
            TypeRef::List(inner) => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.nested(Seg::Index(i), |c| c.value(inner, item, None, depth + 1));
                    }
                }
                _ => self.wrong(ty),
            },
            TypeRef::Map(inner) => match v {
                Value::Object(m) => {
                    for (k, item) in m {
                        self.nested(Seg::Key(k.clone()), |c| {
                            c.value(inner, item, None, depth + 1)
                        });
                    }
                }
                _ => self.wrong(ty),
            },
            TypeRef::Type(id) => match id.kind {
                TypeKind::Enum => match v {
                    Value::String(s) => {
                        if !self.repo.enum_(*id).values.iter().any(|x| x.wire() == s) {
                            self.problem(Kind::UnknownEnumValue, |f| {
                                format!("`{f}` must be one of the values the spec lists")
                            });
                        }
                    }
                    _ => self.wrong(ty),
                },
                TypeKind::Model => {
                    let fields = &self.repo.model(*id).fields;
                    self.object(fields, v, None, depth);
                }
                TypeKind::Interface => {
                    let fields = &self.repo.interface(*id).fields;
                    self.object(fields, v, None, depth);
                }
                TypeKind::Union => self.union(*id, v, depth),
            },
            // Types of imports outside the repo, and unresolved ones (already reported), are taken
            // on trust.
            TypeRef::External { .. } | TypeRef::Unresolved(_) | TypeRef::Named(_) => {}
        }
        let _ = bounds;
    }

    fn wrong(&mut self, ty: &TypeRef) {
        let what = match ty {
            TypeRef::Primitive(p) => primitive_what(*p).to_owned(),
            TypeRef::List(_) => "a list".to_owned(),
            TypeRef::Map(_) => "a map (JSON object)".to_owned(),
            TypeRef::Type(id) => match id.kind {
                TypeKind::Enum => "a string".to_owned(),
                _ => format!("a {} (JSON object)", self.repo.type_name(*id)),
            },
            _ => "JSON".to_owned(),
        };
        self.problem(Kind::WrongType, |f| format!("`{f}` must be {what}"));
    }

    fn primitive(&mut self, p: Primitive, v: &Value) {
        let ok = match p {
            Primitive::Boolean => v.is_boolean(),
            Primitive::Integer => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Primitive::Long => v.is_i64() || v.is_u64() && v.as_i64().is_some(),
            Primitive::Double => v.is_number(),
            // Decimals travel as JSON numbers or as strings holding one.
            Primitive::Decimal => {
                v.is_number() || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok())
            }
            Primitive::String => v.is_string(),
            Primitive::Uuid | Primitive::DateIso8601 | Primitive::DateTimeIso8601 => {
                v.as_str().is_some_and(|s| parse_primitive(p, s).is_ok())
            }
            Primitive::Object => v.is_object(),
            Primitive::Json => true,
            Primitive::Unit => v.is_null(),
        };
        if !ok {
            self.wrong(&TypeRef::Primitive(p));
        }
    }

    fn object(&mut self, fields: &[Field], v: &Value, skip: Option<&str>, depth: usize) {
        let Value::Object(m) = v else {
            self.problem(Kind::WrongType, |f| format!("`{f}` must be a JSON object"));
            return;
        };
        for field in fields {
            if skip == Some(field.name.as_str()) {
                continue;
            }
            match m.get(&field.name) {
                None | Some(Value::Null) => {
                    let may_omit = self.direction == Direction::Request && field.default.is_some();
                    if field.required && !may_omit {
                        self.nested(Seg::Field(field.name.clone()), |c| {
                            c.problem(Kind::Missing, |f| format!("`{f}` is missing"))
                        });
                    }
                }
                Some(value) => self.nested(Seg::Field(field.name.clone()), |c| {
                    c.value(&field.ty.r, value, None, depth + 1);
                    c.bounds(field, value);
                }),
            }
        }
    }

    /// `minimum`/`maximum` of a field: a number's value, a string's length, a list's size.
    fn bounds(&mut self, field: &Field, v: &Value) {
        if field.minimum.is_none() && field.maximum.is_none() {
            return;
        }
        let (min, max) = (field.minimum, field.maximum);
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if !matches!(field.ty.r, TypeRef::Primitive(Primitive::Decimal)) => {
                Some(s.chars().count() as f64)
            }
            Value::Array(a) => Some(a.len() as f64),
            Value::Object(m) if field.ty.r.is_collection() => Some(m.len() as f64),
            _ => None,
        };
        let Some(n) = n else { return };
        if min.is_some_and(|m| n < m as f64) || max.is_some_and(|m| n > m as f64) {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!(),
            };
            let what = if v.is_number() { "" } else { "the length of " };
            self.problem(Kind::OutOfRange, |f| format!("{what}`{f}` must be {range}"));
        }
    }

    fn union(&mut self, id: crate::ir::TypeId, v: &Value, depth: usize) {
        let u = self.repo.union(id);
        let Value::Object(m) = v else {
            self.problem(Kind::WrongType, |f| format!("`{f}` must be a JSON object"));
            return;
        };
        match &u.discriminator {
            Some(d) => {
                let member = match m.get(d) {
                    Some(Value::String(s)) => u.types.iter().find(|t| &t.discriminator_value == s),
                    None => u.default_type(),
                    Some(_) => None,
                };
                let Some(member) = member else {
                    self.nested(Seg::Field(d.clone()), |c| {
                        c.problem(Kind::UnknownMember, |f| {
                            format!("`{f}` must name one of the union's types")
                        })
                    });
                    return;
                };
                match &member.ty.r {
                    TypeRef::Type(t) if t.kind == TypeKind::Model => {
                        let fields = &self.repo.model(*t).fields;
                        self.object(fields, v, Some(d.as_str()), depth + 1);
                    }
                    // A primitive or enum member travels as {"d": "...", "value": ...}.
                    other => {
                        if let Some(inner) = m.get("value") {
                            let other = other.clone();
                            self.nested(Seg::Field("value".into()), |c| {
                                c.value(&other, inner, None, depth + 1)
                            });
                        }
                    }
                }
            }
            None => {
                let member =
                    (m.len() == 1)
                        .then(|| m.iter().next())
                        .flatten()
                        .and_then(|(k, inner)| {
                            u.types
                                .iter()
                                .find(|t| &t.discriminator_value == k)
                                .map(|t| (k.clone(), t.ty.r.clone(), inner))
                        });
                match member {
                    Some((k, ty, inner)) => {
                        self.nested(Seg::Field(k), |c| c.value(&ty, inner, None, depth + 1))
                    }
                    None => self.problem(Kind::UnknownMember, |f| {
                        format!(
                            "`{f}` must be an object with one key naming one of the union's types"
                        )
                    }),
                }
            }
        }
    }
}

/// Matches a path template (`/users/:id`) with request segments: the path parameters, in order.
pub fn route(template: &str, segments: &[&str]) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.split('/').collect();
    if t.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (t, s) in t.iter().zip(segments) {
        if let Some(name) = t.strip_prefix(':') {
            if s.is_empty() {
                return None;
            }
            params.push((name.to_owned(), (*s).to_owned()));
        } else if t != s {
            return None;
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> crate::Checked {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let c = crate::check(&[dir], &crate::Options::default());
        assert!(!c.diagnostics.has_errors());
        c
    }

    fn model(c: &crate::Checked, ns: &str, name: &str) -> TypeRef {
        let (sid, s) = c
            .repo
            .service_ids()
            .map(|i| (i, c.repo.service(i)))
            .find(|(_, s)| s.namespace == ns)
            .unwrap();
        let index = s.models.iter().position(|m| m.name == name).unwrap();
        TypeRef::Type(crate::ir::TypeId {
            service: sid,
            kind: TypeKind::Model,
            index: index as u32,
        })
    }

    #[test]
    fn values_are_checked_against_the_spec() {
        let c = repo();
        let form = model(&c, "io.charter.order.v0", "order_form");
        let ok = serde_json::json!({
            "number": "1", "customer_id": "usr-1",
            "items": [{"sku": "a", "quantity": 2, "price": {"amount": "1.50", "currency": "EUR"}}],
            "payment": {"type": "card", "last4": "4242"}
        });
        let problems = check(&c.repo, &form, &ok, Direction::Request);
        assert!(
            problems.iter().all(|p| p.kind != Kind::WrongType),
            "{problems:?}"
        );
        let bad = serde_json::json!({
            "number": "", "customer_id": 7,
            "items": [{"sku": "a", "quantity": 0, "price": {"amount": "x", "currency": "EUR"}}],
            "payment": {"type": "cheque"}
        });
        let problems = check(&c.repo, &form, &bad, Direction::Request);
        let seen: Vec<(&str, Kind)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.kind))
            .collect();
        for expected in [
            ("number", Kind::OutOfRange),
            ("customer_id", Kind::WrongType),
            ("items[0].quantity", Kind::OutOfRange),
            ("items[0].price.amount", Kind::WrongType),
            ("payment.type", Kind::UnknownMember),
        ] {
            assert!(seen.contains(&expected), "{expected:?} not in {seen:?}");
        }
        let user = model(&c, "io.charter.user.v0", "user");
        let problems = check(
            &c.repo,
            &user,
            &serde_json::json!({"id": "u", "email": "secret@example.com", "name": {}, "status": "gone"}),
            Direction::Response,
        );
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.pointer.as_str(), p.kind))
                .collect::<Vec<_>>(),
            vec![("/status", Kind::UnknownEnumValue)]
        );
        assert!(problems.iter().all(|p| !p.message.contains("gone")));
        let problems = check(
            &c.repo,
            &user,
            &serde_json::json!({"id": "u"}),
            Direction::Response,
        );
        assert!(problems
            .iter()
            .any(|p| p.pointer == "/email" && p.kind == Kind::Missing));
    }

    /// The stub answers with `crate::example` values: every model, union and enum of the example
    /// repo gets one that conforms, in both directions.
    #[test]
    fn examples_conform() {
        let c = repo();
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
                    let ty = TypeRef::Type(crate::ir::TypeId {
                        service: sid,
                        kind,
                        index,
                    });
                    let v = crate::example::example(&c.repo, &ty);
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
