//! Wire form of API Builder unions.
//!
//! With a discriminator, a model member is written flat with the discriminator key added
//! (`{"discriminator": "registered_user", "id": …}`) and a primitive or enum member is wrapped as
//! `{"discriminator": "string", "value": …}`. Without one, every member is wrapped in an object
//! keyed by its discriminator value (`{"registered_user": {…}}`). A missing discriminator selects the
//! default member, if the union has one; an unknown one is kept as raw JSON so it survives a
//! decode/encode round trip.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// How a union is written.
#[derive(Clone, Copy, Debug)]
pub enum Tagging {
    /// Flat objects carrying this key.
    Discriminator(&'static str),
    /// `{"<member>": value}`.
    Wrapped,
}

/// Whether a member is a model (written flat) or a primitive/enum/collection (written as `value`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Object,
    Value,
}

/// Writes one member of a union.
pub fn write<S: Serializer, T: Serialize>(
    s: S,
    tagging: Tagging,
    tag: &str,
    shape: Shape,
    member: &T,
) -> Result<S::Ok, S::Error> {
    let v = serde_json::to_value(member).map_err(S::Error::custom)?;
    let mut obj = Map::new();
    match (tagging, shape) {
        (Tagging::Discriminator(key), Shape::Object) => {
            obj.insert(key.to_owned(), Value::String(tag.to_owned()));
            match v {
                Value::Object(fields) => obj.extend(fields.into_iter().filter(|(k, _)| k != key)),
                _ => return Err(S::Error::custom("union member did not encode as an object")),
            }
        }
        (Tagging::Discriminator(key), Shape::Value) => {
            obj.insert(key.to_owned(), Value::String(tag.to_owned()));
            obj.insert("value".to_owned(), v);
        }
        (Tagging::Wrapped, _) => {
            obj.insert(tag.to_owned(), v);
        }
    }
    Value::Object(obj).serialize(s)
}

/// A decoded union envelope: the member's tag (after applying the default) and its JSON.
pub struct Envelope {
    pub tag: Option<String>,
    pub value: Value,
}

/// Reads the envelope of a union value. `default` is the tag of the default member, if any.
pub fn read<'de, D: Deserializer<'de>>(
    d: D,
    tagging: Tagging,
    default: Option<&str>,
) -> Result<Envelope, D::Error> {
    let value = Value::deserialize(d)?;
    let tag = match (tagging, &value) {
        (Tagging::Discriminator(key), Value::Object(obj)) => match obj.get(key) {
            Some(Value::String(t)) => Some(t.clone()),
            Some(_) => return Err(D::Error::custom(format!("`{key}` must be a string"))),
            None => default.map(str::to_owned),
        },
        (Tagging::Wrapped, Value::Object(obj)) if obj.len() == 1 => obj.keys().next().cloned(),
        _ => None,
    };
    Ok(Envelope { tag, value })
}

/// Decodes a member's JSON (as found in [`Envelope::value`]) as `T`.
pub fn member<T: DeserializeOwned, E: serde::de::Error>(
    value: Value,
    tagging: Tagging,
    shape: Shape,
) -> Result<T, E> {
    let inner = match (tagging, shape, value) {
        (Tagging::Discriminator(_), Shape::Object, v) => v,
        (Tagging::Discriminator(_), Shape::Value, Value::Object(mut obj)) => {
            obj.remove("value").unwrap_or(Value::Null)
        }
        (Tagging::Wrapped, _, Value::Object(obj)) => obj
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or(Value::Null),
        (_, _, v) => v,
    };
    serde_json::from_value(inner).map_err(E::custom)
}

/// Writes a union value as one of its members: a generated `Serialize` impl makes one with the
/// union's tagging and has one match arm per member (`Self::User(v) => w.object("user", v)`).
pub struct Writer<S> {
    s: S,
    tagging: Tagging,
}

impl<S: Serializer> Writer<S> {
    pub fn new(s: S, tagging: Tagging) -> Self {
        Self { s, tagging }
    }

    /// A model member: flat with the discriminator added, or wrapped under its tag.
    pub fn object<T: Serialize>(self, tag: &str, member: &T) -> Result<S::Ok, S::Error> {
        write(self.s, self.tagging, tag, Shape::Object, member)
    }

    /// A primitive, enum or collection member: as `value` beside the discriminator, or wrapped
    /// under its tag.
    pub fn value<T: Serialize>(self, tag: &str, member: &T) -> Result<S::Ok, S::Error> {
        write(self.s, self.tagging, tag, Shape::Value, member)
    }

    /// A value written as it is: an unknown member kept as received, or a member union with the
    /// same discriminator (it writes its own members' tags).
    pub fn as_is<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        v.serialize(self.s)
    }
}

/// The member of a union value being read ([`read_member`]), decoded as the type its tag names.
pub struct Member {
    value: Value,
    tagging: Tagging,
}

impl Member {
    /// Decodes a model member.
    pub fn object<T: DeserializeOwned, E: serde::de::Error>(self) -> Result<T, E> {
        member(self.value, self.tagging, Shape::Object)
    }

    /// Decodes a primitive, enum or collection member.
    pub fn value<T: DeserializeOwned, E: serde::de::Error>(self) -> Result<T, E> {
        member(self.value, self.tagging, Shape::Value)
    }

    /// The JSON as received (for a member this version of the spec does not know).
    pub fn into_value(self) -> Value {
        self.value
    }
}

/// Reads a union value: the tag of its member (`default` when there is none, for a union with a
/// default member) and the member to decode. A generated `Deserialize` impl matches the tag and
/// decodes the member as the type it names (`Some("user") => m.object().map(Self::User)`).
pub fn read_member<'de, D: Deserializer<'de>>(
    d: D,
    tagging: Tagging,
    default: Option<&str>,
) -> Result<(Option<String>, Member), D::Error> {
    let Envelope { tag, value } = read(d, tagging, default)?;
    Ok((tag, Member { value, tagging }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_member_carries_discriminator() {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        let member = serde_json::json!({"id": "1"});
        write(
            &mut ser,
            Tagging::Discriminator("type"),
            "user",
            Shape::Object,
            &member,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"user","id":"1"}"#
        );
    }

    #[test]
    fn missing_discriminator_uses_default() {
        let v = serde_json::json!({"id": "1"});
        let e = read(v, Tagging::Discriminator("type"), Some("user")).unwrap();
        assert_eq!(e.tag.as_deref(), Some("user"));
        let e = read(serde_json::json!({"k": 1}), Tagging::Wrapped, None).unwrap();
        assert_eq!(e.tag.as_deref(), Some("k"));
        let n: i64 =
            member::<_, serde_json::Error>(e.value, Tagging::Wrapped, Shape::Value).unwrap();
        assert_eq!(n, 1);
    }
}
