//! The resolved intermediate representation.
//!
//! Both input forms (api.json and service.json) lower into these types; every later stage (validate,
//! lint, diff, trace, generate) reads them and nothing else. Invariants:
//!
//! - Defaults are filled in as API Builder fills them: plurals, `required` (true), resource and
//!   operation paths, path parameters (synthesized, placed first, location `Path`), default parameter
//!   locations, the default `204 unit` response, union discriminator values. After
//!   [`crate::resolve`], every [`TypeRef`] is resolved: to a primitive, to a [`TypeId`] in the repo, to
//!   an [`TypeRef::External`] type of an import that is not in the repo, or to
//!   [`TypeRef::Unresolved`] (already reported).
//! - Elements keep declaration order; the service.json writer sorts as API Builder does.
//! - Every element has a [`Loc`] (file, byte span, JSON pointer).
//! - No syn/quote here: code generation is a reader of the IR like any other.

use crate::source::{FileId, Loc};

/// All services of one api repo, with their source files.
#[derive(Debug, Default)]
pub struct Repo {
    pub services: Vec<Service>,
}

impl Repo {
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.0 as usize]
    }
    pub fn model(&self, id: TypeId) -> &Model {
        debug_assert_eq!(id.kind, TypeKind::Model);
        &self.service(id.service).models[id.index as usize]
    }
    pub fn enum_(&self, id: TypeId) -> &Enum {
        debug_assert_eq!(id.kind, TypeKind::Enum);
        &self.service(id.service).enums[id.index as usize]
    }
    pub fn union(&self, id: TypeId) -> &Union {
        debug_assert_eq!(id.kind, TypeKind::Union);
        &self.service(id.service).unions[id.index as usize]
    }
    pub fn interface(&self, id: TypeId) -> &Interface {
        debug_assert_eq!(id.kind, TypeKind::Interface);
        &self.service(id.service).interfaces[id.index as usize]
    }
    /// Every type declared by service `sid`: interfaces, enums, models, unions, each in spec
    /// order (the order in which generated names are claimed).
    pub fn declared_types(&self, sid: ServiceId) -> Vec<TypeId> {
        let s = self.service(sid);
        let kinds = [
            (TypeKind::Interface, s.interfaces.len()),
            (TypeKind::Enum, s.enums.len()),
            (TypeKind::Model, s.models.len()),
            (TypeKind::Union, s.unions.len()),
        ];
        let mut out = Vec::new();
        for (kind, n) in kinds {
            out.extend((0..n as u32).map(|index| TypeId {
                service: sid,
                kind,
                index,
            }));
        }
        out
    }
    /// Name of the type `id` as written in its own service (`user`).
    pub fn type_name(&self, id: TypeId) -> &str {
        let s = self.service(id.service);
        let i = id.index as usize;
        match id.kind {
            TypeKind::Model => &s.models[i].name,
            TypeKind::Enum => &s.enums[i].name,
            TypeKind::Union => &s.unions[i].name,
            TypeKind::Interface => &s.interfaces[i].name,
        }
    }
    /// Fully qualified name `namespace.models.user`.
    pub fn qualified_name(&self, id: TypeId) -> String {
        format!(
            "{}.{}.{}",
            self.service(id.service).namespace,
            id.kind.plural(),
            self.type_name(id)
        )
    }
    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> {
        (0..self.services.len() as u32).map(ServiceId)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(pub u32);

/// A named type declared in some service of the repo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId {
    pub service: ServiceId,
    pub kind: TypeKind,
    pub index: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeKind {
    Enum,
    Interface,
    Model,
    Union,
}

impl TypeKind {
    /// The segment used in qualified names: `enums`, `models`, …
    pub fn plural(self) -> &'static str {
        match self {
            TypeKind::Enum => "enums",
            TypeKind::Interface => "interfaces",
            TypeKind::Model => "models",
            TypeKind::Union => "unions",
        }
    }
    pub fn from_plural(s: &str) -> Option<TypeKind> {
        Some(match s {
            "enums" => TypeKind::Enum,
            "interfaces" => TypeKind::Interface,
            "models" => TypeKind::Model,
            "unions" => TypeKind::Union,
            _ => return None,
        })
    }
    /// `model`, `enum`, …
    pub fn label(self) -> &'static str {
        match self {
            TypeKind::Enum => "enum",
            TypeKind::Interface => "interface",
            TypeKind::Model => "model",
            TypeKind::Union => "union",
        }
    }
}

/// API Builder's primitive types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    Boolean,
    Decimal,
    Integer,
    Double,
    Long,
    Object,
    Json,
    String,
    DateIso8601,
    DateTimeIso8601,
    Uuid,
    Unit,
}

impl Primitive {
    pub const ALL: [Primitive; 12] = [
        Primitive::Boolean,
        Primitive::Decimal,
        Primitive::Integer,
        Primitive::Double,
        Primitive::Long,
        Primitive::Object,
        Primitive::Json,
        Primitive::String,
        Primitive::DateIso8601,
        Primitive::DateTimeIso8601,
        Primitive::Uuid,
        Primitive::Unit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Primitive::Boolean => "boolean",
            Primitive::Decimal => "decimal",
            Primitive::Integer => "integer",
            Primitive::Double => "double",
            Primitive::Long => "long",
            Primitive::Object => "object",
            Primitive::Json => "json",
            Primitive::String => "string",
            Primitive::DateIso8601 => "date-iso8601",
            Primitive::DateTimeIso8601 => "date-time-iso8601",
            Primitive::Uuid => "uuid",
            Primitive::Unit => "unit",
        }
    }

    /// Case-insensitive lookup, as API Builder does (`UUID` → `uuid`).
    pub fn parse(s: &str) -> Option<Primitive> {
        Primitive::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s))
    }

    /// May be used in a path, query or header parameter.
    pub fn valid_in_url(self) -> bool {
        !matches!(self, Primitive::Unit | Primitive::Object | Primitive::Json)
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Primitive::Decimal | Primitive::Integer | Primitive::Double | Primitive::Long
        )
    }
}

/// A reference to a type, as used by fields, parameters, bodies, responses, headers, union members.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Primitive(Primitive),
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// Before resolution: a singleton type name (`user`, `io.flow.common.v0.models.money`).
    Named(String),
    /// A type declared in a service of this repo.
    Type(TypeId),
    /// A type of an imported service that is not in this repo: taken on trust, opaque.
    External {
        namespace: String,
        kind: TypeKind,
        name: String,
    },
    /// A name that could not be resolved (a diagnostic was reported).
    Unresolved(String),
}

impl TypeRef {
    /// The innermost singleton of `[x]`, `map[[x]]`, …
    pub fn innermost(&self) -> &TypeRef {
        match self {
            TypeRef::List(t) | TypeRef::Map(t) => t.innermost(),
            t => t,
        }
    }
    pub fn is_collection(&self) -> bool {
        matches!(self, TypeRef::List(_) | TypeRef::Map(_))
    }
    /// The declared type this reference names at its innermost level, if any.
    pub fn type_id(&self) -> Option<TypeId> {
        match self.innermost() {
            TypeRef::Type(id) => Some(*id),
            _ => None,
        }
    }
}

/// A type as written plus what it resolves to.
///
/// `text` is the normalized type string of the resolved form (`[user]`, `map[string]`,
/// `io.flow.common.v0.models.money`); diff compares it, service.json output prints it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Type {
    pub text: String,
    pub r: TypeRef,
    pub loc: Loc,
}

/// Which of the two input forms a service was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    ApiJson,
    ServiceJson,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub file: FileId,
    pub form: Form,
    pub loc: Loc,
    pub name: String,
    pub organization: String,
    pub application: String,
    pub namespace: String,
    /// False when the namespace was derived (api.json without `namespace`): an import may then
    /// name it with any organization prefix (`io.flow.common.v0` matches a derived `common.v0`).
    pub namespace_explicit: bool,
    pub version: String,
    pub base_url: Option<String>,
    pub description: Option<String>,
    pub info: Info,
    pub headers: Vec<Header>,
    pub imports: Vec<Import>,
    pub enums: Vec<Enum>,
    pub interfaces: Vec<Interface>,
    pub unions: Vec<Union>,
    pub models: Vec<Model>,
    pub resources: Vec<Resource>,
    pub annotations: Vec<Annotation>,
    pub attributes: Vec<Attribute>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Info {
    pub contact: Option<Contact>,
    pub license: Option<License>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct License {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecation {
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub value: serde_json::Value,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub name: String,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub loc: Loc,
}

/// An import. Parsed from the URI (`…/<org>/<app>/<version>/service.json`) for api.json; the
/// resolved form carries the full record. `target` is set by resolution when the imported service
/// is in the repo.
#[derive(Clone, Debug)]
pub struct Import {
    pub uri: String,
    pub namespace: Option<String>,
    pub organization: Option<String>,
    pub application: Option<String>,
    pub version: Option<String>,
    /// Names the import provides, when known (service.json form): checked against references.
    pub provided: Option<ProvidedNames>,
    pub annotations: Vec<Annotation>,
    pub target: Option<ServiceId>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvidedNames {
    pub enums: Vec<String>,
    pub interfaces: Vec<String>,
    pub unions: Vec<String>,
    pub models: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Header {
    pub name: String,
    pub ty: Type,
    pub required: bool,
    pub default: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub values: Vec<EnumValue>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct EnumValue {
    pub name: String,
    /// The wire value when it differs from `name`.
    pub value: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

impl EnumValue {
    /// The string sent on the wire.
    pub fn wire(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Interface {
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub fields: Vec<Field>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Union {
    pub name: String,
    pub plural: String,
    pub discriminator: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub types: Vec<UnionType>,
    pub attributes: Vec<Attribute>,
    pub interfaces: Vec<Named>,
    pub loc: Loc,
}

impl Union {
    pub fn default_type(&self) -> Option<&UnionType> {
        self.types.iter().find(|t| t.default == Some(true))
    }
}

#[derive(Clone, Debug)]
pub struct UnionType {
    pub ty: Type,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub default: Option<bool>,
    /// Always filled: explicit, or the member's type name (inner name for `[x]`).
    pub discriminator_value: String,
    /// Whether `discriminator_value` was written in the spec.
    pub explicit_discriminator_value: bool,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

/// A name reference that is not a type expression (model `interfaces` entries).
#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub resolved: Option<TypeRef>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub fields: Vec<Field>,
    pub attributes: Vec<Attribute>,
    pub interfaces: Vec<Named>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub default: Option<String>,
    pub required: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub example: Option<String>,
    pub attributes: Vec<Attribute>,
    pub annotations: Vec<AnnotationRef>,
    pub loc: Loc,
}

impl Field {
    pub fn has_annotation(&self, name: &str) -> bool {
        self.annotations.iter().any(|a| a.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationRef {
    pub name: String,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Resource {
    /// The type name as written (`user`, `io.flow.common.v0.models.organization`).
    pub ty: Type,
    pub plural: String,
    /// Always present in the resolved form: explicit, `/plural`, or `""`.
    pub path: String,
    /// Whether `path` was written in the spec.
    pub explicit_path: bool,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub operations: Vec<Operation>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Connect,
    Options,
    Trace,
}

impl Method {
    pub const ALL: [Method; 9] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Connect,
        Method::Options,
        Method::Trace,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
    /// Safe to retry: GET, HEAD, PUT, DELETE, OPTIONS, TRACE.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch | Method::Connect)
    }
}

#[derive(Clone, Debug)]
pub struct Operation {
    /// `None` when the method was not a valid HTTP method (reported).
    pub method: Option<Method>,
    /// The method as written, upper-cased.
    pub method_text: String,
    /// Full path: resource path + operation path (`/` if both empty).
    pub path: String,
    /// The operation's own `path` as written, if any.
    pub own_path: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub body: Option<Body>,
    pub parameters: Vec<Parameter>,
    pub responses: Vec<Response>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

impl Operation {
    /// `GET /users/:id`
    pub fn label(&self) -> String {
        format!("{} {}", self.method_text, self.path)
    }
}

#[derive(Clone, Debug)]
pub struct Body {
    pub ty: Type,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Form,
    Header,
}

impl Location {
    /// Capitalized, as in the resolved form.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "Path",
            Location::Query => "Query",
            Location::Form => "Form",
            Location::Header => "Header",
        }
    }
    pub fn parse(s: &str) -> Option<Location> {
        [
            Location::Path,
            Location::Query,
            Location::Form,
            Location::Header,
        ]
        .into_iter()
        .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub location: Location,
    pub required: bool,
    pub default: Option<String>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub example: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub attributes: Vec<Attribute>,
    /// True for a path parameter Charter synthesized from the path (not declared).
    pub synthesized: bool,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseCode {
    Code(u16),
    Default,
}

impl ResponseCode {
    pub fn as_u16(self) -> Option<u16> {
        match self {
            ResponseCode::Code(c) => Some(c),
            ResponseCode::Default => None,
        }
    }
    pub fn is_success(self) -> bool {
        matches!(self, ResponseCode::Code(200..=299))
    }
}

impl std::fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResponseCode::Code(c) => write!(f, "{c}"),
            ResponseCode::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Response {
    pub code: ResponseCode,
    pub ty: Type,
    pub headers: Vec<Header>,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
    pub attributes: Vec<Attribute>,
    pub loc: Loc,
}
