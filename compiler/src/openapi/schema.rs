//! IR types → JSON Schema 2020-12 (the schema dialect of OpenAPI 3.1 and AsyncAPI 3.0).
//!
//! One [`Schemas`] writer per service turns type references, models, enums, unions and interfaces
//! into schema objects. It knows nothing about OpenAPI documents: where a named type lives is
//! decided by [`Refs`] (a `#/components/schemas/` prefix, and how imported types are reached), so
//! the OpenAPI exporter and an AsyncAPI exporter share it.
//!
//! The mapping (kept in step with `docs/openapi.md`):
//!
//! | API Builder | JSON Schema |
//! |---|---|
//! | `boolean`, `string` | `type` of that name |
//! | `integer` / `long` | `integer` with `format` `int32` / `int64` |
//! | `double` / `decimal` | `number` with `format` `double` / `decimal` |
//! | `date-iso8601`, `date-time-iso8601`, `uuid` | `string` with `format` `date`, `date-time`, `uuid` |
//! | `object` | `{"type": "object"}`; `json` is `{}` (any value) |
//! | `[T]` / `map[T]` | `array` + `items` / `object` + `additionalProperties` |
//! | model / interface | `object` with `properties` and `required` |
//! | enum | `string` with `enum` (the wire values) |
//! | union with discriminator | `oneOf` + `discriminator` (`propertyName`, `mapping`); non-object members wrapped as `{d, value}` |
//! | union without discriminator | `oneOf` of single-key objects `{"<type>": value}`, API Builder's wire form |
//! | `minimum`/`maximum` | `minimum`/`maximum` (numbers), `minLength`/`maxLength` (strings), `minItems`/`maxItems` (lists), `minProperties`/`maxProperties` (maps) |
//!
//! What JSON Schema has no word for travels in `x-apibuilder-*` extensions (plural, interfaces,
//! attributes, annotations, enum value names, deprecation descriptions), so an import can restore it.

use crate::ir::{self, Primitive, Repo, ServiceId, TypeId, TypeKind, TypeRef};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Extension keys, in one place.
pub mod ext {
    pub const PLURAL: &str = "x-apibuilder-plural";
    pub const ATTRIBUTES: &str = "x-apibuilder-attributes";
    pub const ANNOTATIONS: &str = "x-apibuilder-annotations";
    pub const DEPRECATION: &str = "x-apibuilder-deprecation";
    pub const INTERFACES: &str = "x-apibuilder-interfaces";
    pub const INTERFACE: &str = "x-apibuilder-interface";
    pub const VALUES: &str = "x-apibuilder-values";
    pub const TYPE: &str = "x-apibuilder-type";
    pub const NAME: &str = "x-apibuilder-name";
    pub const DEFAULT: &str = "x-apibuilder-default";
    pub const MINIMUM: &str = "x-apibuilder-minimum";
    pub const MAXIMUM: &str = "x-apibuilder-maximum";
    pub const WRAPPED: &str = "x-apibuilder-wrapped";
}

/// How a writer names the place of a type.
#[derive(Clone, Debug)]
pub struct Refs {
    /// Prefix of local references, `#/components/schemas/`.
    pub prefix: String,
    pub imported: Imported,
}

impl Default for Refs {
    fn default() -> Refs {
        Refs {
            prefix: "#/components/schemas/".into(),
            imported: Imported::Documents {
                extension: "json".into(),
            },
        }
    }
}

/// Where the types of imported services are.
#[derive(Clone, Debug)]
pub enum Imported {
    /// In the imported service's own document, `<namespace>.<extension>` beside this one.
    Documents { extension: String },
    /// In this document's components, under their qualified name (`--bundle`). The writer records
    /// every such type it references ([`Schemas::bundled`]) so the caller can add them.
    Bundled,
}

/// The schema writer of one service.
pub struct Schemas<'a> {
    pub repo: &'a Repo,
    pub service: ServiceId,
    pub refs: Refs,
    bundled: RefCell<BTreeSet<TypeId>>,
}

impl<'a> Schemas<'a> {
    pub fn new(repo: &'a Repo, service: ServiceId, refs: Refs) -> Schemas<'a> {
        Schemas {
            repo,
            service,
            refs,
            bundled: RefCell::new(BTreeSet::new()),
        }
    }

    /// Imported types referenced so far (only with [`Imported::Bundled`]).
    pub fn bundled(&self) -> BTreeSet<TypeId> {
        self.bundled.borrow().clone()
    }

    /// The key of a type in `components.schemas`: its name for a local type (an interface that
    /// shares its name with a union gets `<name>_interface`), the qualified name for a bundled one.
    pub fn component_name(&self, id: TypeId) -> String {
        if id.service != self.service {
            return self.repo.qualified_name(id);
        }
        local_component_name(
            self.repo.service(id.service),
            id.kind,
            self.repo.type_name(id),
        )
    }

    /// The schema of a type reference.
    pub fn type_ref(&self, r: &TypeRef) -> Value {
        match r {
            TypeRef::Primitive(p) => primitive(*p),
            TypeRef::List(t) => json!({"type": "array", "items": self.type_ref(t)}),
            TypeRef::Map(t) => json!({"type": "object", "additionalProperties": self.type_ref(t)}),
            TypeRef::Type(id) => self.named(*id),
            TypeRef::External {
                namespace,
                kind,
                name,
            } => {
                let file = match &self.refs.imported {
                    Imported::Documents { extension } => format!("{namespace}.{extension}"),
                    Imported::Bundled => format!("{namespace}.json"),
                };
                json!({
                    "$ref": format!("{file}#/components/schemas/{name}"),
                    ext::TYPE: format!("{namespace}.{}.{name}", kind.plural()),
                })
            }
            TypeRef::Named(n) | TypeRef::Unresolved(n) => json!({ ext::TYPE: n }),
        }
    }

    fn named(&self, id: TypeId) -> Value {
        if id.service == self.service {
            return json!({"$ref": format!("{}{}", self.refs.prefix, self.component_name(id))});
        }
        let qualified = self.repo.qualified_name(id);
        match &self.refs.imported {
            Imported::Bundled => {
                self.bundled.borrow_mut().insert(id);
                json!({"$ref": format!("{}{qualified}", self.refs.prefix), ext::TYPE: qualified})
            }
            Imported::Documents { extension } => {
                let s = self.repo.service(id.service);
                let name = local_component_name(s, id.kind, self.repo.type_name(id));
                json!({
                    "$ref": format!("{}.{extension}#/components/schemas/{name}", s.namespace),
                    ext::TYPE: qualified,
                })
            }
        }
    }

    /// The schema of a declared type, for `components.schemas`.
    pub fn declaration(&self, id: TypeId) -> Value {
        match id.kind {
            TypeKind::Model => self.model(self.repo.model(id)),
            TypeKind::Enum => enum_(self.repo.enum_(id)),
            TypeKind::Union => self.union(self.repo.union(id)),
            TypeKind::Interface => self.interface(self.repo.interface(id)),
        }
    }

    pub fn model(&self, m: &ir::Model) -> Value {
        let mut o = self.object(&m.fields);
        put_doc(&mut o, &m.description, &m.deprecation);
        plural(&mut o, &m.name, &m.plural);
        if !m.interfaces.is_empty() {
            let names: Vec<Value> = m.interfaces.iter().map(|n| n.name.clone().into()).collect();
            o.insert(ext::INTERFACES.into(), names.into());
        }
        attributes(&mut o, &m.attributes);
        Value::Object(o)
    }

    pub fn interface(&self, i: &ir::Interface) -> Value {
        let mut o = self.object(&i.fields);
        put_doc(&mut o, &i.description, &i.deprecation);
        plural(&mut o, &i.name, &i.plural);
        o.insert(ext::INTERFACE.into(), true.into());
        o.insert(ext::NAME.into(), i.name.clone().into());
        attributes(&mut o, &i.attributes);
        Value::Object(o)
    }

    fn object(&self, fields: &[ir::Field]) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("type".into(), "object".into());
        let props: Map<String, Value> = fields
            .iter()
            .map(|f| (f.name.clone(), self.field(f)))
            .collect();
        o.insert("properties".into(), Value::Object(props));
        let required: Vec<Value> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.clone().into())
            .collect();
        if !required.is_empty() {
            o.insert("required".into(), required.into());
        }
        o
    }

    /// A model or interface field: its type's schema with the field's facets.
    pub fn field(&self, f: &ir::Field) -> Value {
        let mut v = self.type_ref(&f.ty.r);
        let o = as_map(&mut v);
        if let Some(d) = &f.description {
            o.insert("description".into(), d.clone().into());
        }
        if let Some(d) = &f.default {
            o.insert("default".into(), typed_value(d, &f.ty.r));
        }
        bounds(o, &f.ty.r, f.minimum, f.maximum);
        if let Some(e) = &f.example {
            o.insert("examples".into(), json!([typed_value(e, &f.ty.r)]));
        }
        deprecation(o, &f.deprecation);
        if !f.annotations.is_empty() {
            let names: Vec<Value> = f
                .annotations
                .iter()
                .map(|a| a.name.clone().into())
                .collect();
            o.insert(ext::ANNOTATIONS.into(), names.into());
        }
        attributes(o, &f.attributes);
        v
    }

    pub fn union(&self, u: &ir::Union) -> Value {
        let mut o = Map::new();
        let mut mapping = Map::new();
        let members: Vec<Value> = u
            .types
            .iter()
            .map(|t| {
                let mut m = self.member(u.discriminator.as_deref(), t);
                if u.discriminator.is_some() && is_object_type(&t.ty.r) {
                    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                        mapping.insert(t.discriminator_value.clone(), r.into());
                    }
                }
                let mo = as_map(&mut m);
                if let Some(d) = &t.description {
                    mo.insert("description".into(), d.clone().into());
                }
                deprecation(mo, &t.deprecation);
                if let Some(d) = t.default {
                    mo.insert(ext::DEFAULT.into(), d.into());
                }
                attributes(mo, &t.attributes);
                m
            })
            .collect();
        o.insert("oneOf".into(), members.into());
        if let Some(d) = &u.discriminator {
            let mut disc = Map::new();
            disc.insert("propertyName".into(), d.clone().into());
            if !mapping.is_empty() {
                disc.insert("mapping".into(), Value::Object(mapping));
            }
            o.insert("discriminator".into(), Value::Object(disc));
        }
        put_doc(&mut o, &u.description, &u.deprecation);
        plural(&mut o, &u.name, &u.plural);
        if !u.interfaces.is_empty() {
            let names: Vec<Value> = u.interfaces.iter().map(|n| n.name.clone().into()).collect();
            o.insert(ext::INTERFACES.into(), names.into());
        }
        attributes(&mut o, &u.attributes);
        Value::Object(o)
    }

    /// One `oneOf` entry. Members of a discriminated union that are models or unions are plain
    /// references (the discriminator is a field of the object); other members are wrapped in
    /// `{"<d>": "<value>", "value": …}`; without a discriminator every member is the single-key
    /// object `{"<value>": …}`.
    fn member(&self, discriminator: Option<&str>, t: &ir::UnionType) -> Value {
        let inner = self.type_ref(&t.ty.r);
        let dv = &t.discriminator_value;
        match discriminator {
            Some(_) if is_object_type(&t.ty.r) => inner,
            Some(d) => json!({
                "type": "object",
                "properties": { d: {"const": dv}, "value": inner },
                "required": [d, "value"],
                ext::WRAPPED: t.ty.text,
            }),
            None => json!({
                "type": "object",
                "properties": { dv.as_str(): inner },
                "required": [dv],
                "additionalProperties": false,
                ext::WRAPPED: t.ty.text,
            }),
        }
    }
}

/// Component name of a local declaration (see [`Schemas::component_name`]).
fn local_component_name(s: &ir::Service, kind: TypeKind, name: &str) -> String {
    let clash = s
        .unions
        .iter()
        .map(|u| &u.name)
        .chain(s.models.iter().map(|m| &m.name));
    if kind == TypeKind::Interface && clash.into_iter().any(|n| n.eq_ignore_ascii_case(name)) {
        return format!("{name}_interface");
    }
    name.to_string()
}

/// Whether the wire form of a discriminated member is an object carrying the discriminator.
fn is_object_type(r: &TypeRef) -> bool {
    match r {
        TypeRef::Type(id) => matches!(id.kind, TypeKind::Model | TypeKind::Union),
        TypeRef::External { kind, .. } => matches!(kind, TypeKind::Model | TypeKind::Union),
        _ => false,
    }
}

/// The schema of a primitive.
pub fn primitive(p: Primitive) -> Value {
    match p {
        Primitive::Boolean => json!({"type": "boolean"}),
        Primitive::Decimal => json!({"type": "number", "format": "decimal"}),
        Primitive::Integer => json!({"type": "integer", "format": "int32"}),
        Primitive::Double => json!({"type": "number", "format": "double"}),
        Primitive::Long => json!({"type": "integer", "format": "int64"}),
        Primitive::Object => json!({"type": "object"}),
        Primitive::Json => json!({}),
        Primitive::String => json!({"type": "string"}),
        Primitive::DateIso8601 => json!({"type": "string", "format": "date"}),
        Primitive::DateTimeIso8601 => json!({"type": "string", "format": "date-time"}),
        Primitive::Uuid => json!({"type": "string", "format": "uuid"}),
        Primitive::Unit => json!({"type": "null", ext::TYPE: "unit"}),
    }
}

/// The schema of an enum: its wire values; names, descriptions and attributes of the values in
/// `x-apibuilder-values` when any of them says more than its wire value.
pub fn enum_(e: &ir::Enum) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), "string".into());
    let wires: Vec<Value> = e.values.iter().map(|v| v.wire().into()).collect();
    o.insert("enum".into(), wires.into());
    put_doc(&mut o, &e.description, &e.deprecation);
    plural(&mut o, &e.name, &e.plural);
    let says_more = e.values.iter().any(|v| {
        v.value.is_some()
            || v.description.is_some()
            || v.deprecation.is_some()
            || !v.attributes.is_empty()
    });
    if says_more {
        let values: Vec<Value> = e
            .values
            .iter()
            .map(|v| {
                let mut vo = Map::new();
                vo.insert("name".into(), v.name.clone().into());
                if let Some(w) = &v.value {
                    vo.insert("value".into(), w.clone().into());
                }
                if let Some(d) = &v.description {
                    vo.insert("description".into(), d.clone().into());
                }
                if let Some(d) = &v.deprecation {
                    vo.insert("deprecation".into(), deprecation_value(d));
                }
                attributes(&mut vo, &v.attributes);
                Value::Object(vo)
            })
            .collect();
        o.insert(ext::VALUES.into(), values.into());
    }
    attributes(&mut o, &e.attributes);
    Value::Object(o)
}

/// `minimum`/`maximum` as the keyword that means the same for this type.
pub fn bounds(o: &mut Map<String, Value>, r: &TypeRef, min: Option<i64>, max: Option<i64>) {
    let (lo, hi) = match r {
        TypeRef::Primitive(p) if p.is_numeric() => ("minimum", "maximum"),
        TypeRef::Primitive(Primitive::String) => ("minLength", "maxLength"),
        TypeRef::List(_) => ("minItems", "maxItems"),
        TypeRef::Map(_) => ("minProperties", "maxProperties"),
        _ => (ext::MINIMUM, ext::MAXIMUM),
    };
    // Length and count keywords must be non-negative; a negative bound keeps its extension.
    let count = !matches!(r, TypeRef::Primitive(p) if p.is_numeric());
    for (key, value) in [(lo, min), (hi, max)] {
        if let Some(n) = value {
            let key = match (count && n < 0, key == lo) {
                (true, true) => ext::MINIMUM,
                (true, false) => ext::MAXIMUM,
                _ => key,
            };
            o.insert(key.into(), n.into());
        }
    }
}

/// A default or example (stored as text) as the JSON value of its type when the text is exactly
/// that value's JSON (`"3"` → `3` for an integer, `"[]"` → `[]` for a list); otherwise the text.
pub fn typed_value(text: &str, r: &TypeRef) -> Value {
    let structured = match r {
        TypeRef::Primitive(p) => {
            p.is_numeric() || matches!(p, Primitive::Boolean | Primitive::Object | Primitive::Json)
        }
        TypeRef::List(_) | TypeRef::Map(_) => true,
        _ => false,
    };
    if structured {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            if !v.is_string() && serde_json::to_string(&v).is_ok_and(|s| s == text) {
                return v;
            }
        }
    }
    Value::String(text.to_string())
}

/// Description, `deprecated` and the deprecation's description.
pub fn put_doc(
    o: &mut Map<String, Value>,
    description: &Option<String>,
    d: &Option<ir::Deprecation>,
) {
    if let Some(text) = description {
        o.insert("description".into(), text.clone().into());
    }
    deprecation(o, d);
}

/// `deprecated: true`, and `x-apibuilder-deprecation` with the deprecation's description.
pub fn deprecation(o: &mut Map<String, Value>, d: &Option<ir::Deprecation>) {
    if let Some(d) = d {
        o.insert("deprecated".into(), true.into());
        o.insert(ext::DEPRECATION.into(), deprecation_value(d));
    }
}

fn deprecation_value(d: &ir::Deprecation) -> Value {
    match &d.description {
        Some(text) => json!({ "description": text }),
        None => json!({}),
    }
}

fn plural(o: &mut Map<String, Value>, name: &str, plural: &str) {
    if crate::names::pluralize(name) != plural {
        o.insert(ext::PLURAL.into(), plural.into());
    }
}

/// `x-apibuilder-attributes`: the attributes as API Builder writes them.
pub fn attributes(o: &mut Map<String, Value>, attrs: &[ir::Attribute]) {
    if attrs.is_empty() {
        return;
    }
    let list: Vec<Value> = attrs
        .iter()
        .map(|a| {
            let mut ao = Map::new();
            ao.insert("name".into(), a.name.clone().into());
            ao.insert("value".into(), a.value.clone());
            if let Some(d) = &a.description {
                ao.insert("description".into(), d.clone().into());
            }
            if let Some(d) = &a.deprecation {
                ao.insert("deprecation".into(), deprecation_value(d));
            }
            Value::Object(ao)
        })
        .collect();
    o.insert(ext::ATTRIBUTES.into(), list.into());
}

/// The object of a schema value (every schema this module writes is an object).
pub fn as_map(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}
