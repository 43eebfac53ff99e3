//! The JSON Schema of api.json (`charter schema`), derived with schemars from the input types below.
//!
//! These types describe the authoring form as API Builder reads it, including its lenient value
//! forms (§1.1: `"required": "true"`, `default` of any JSON type, `minimum` as a string, a type given
//! inline as an object). They exist to be described, so editors validate specs as people type; the
//! loader reads the same keys from the spanned JSON tree (a test checks that the key sets agree).
//! Unknown keys are refused here, matching Charter's `W0101` warning.

use schemars::{schema_for, JsonSchema};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The JSON Schema of the authoring form.
pub fn api_json_schema() -> serde_json::Value {
    let schema = schema_for!(ApiJson);
    serde_json::to_value(schema).expect("schema serializes")
}

/// An API Builder service specification (api.json).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "API Builder api.json")]
pub struct ApiJson {
    /// Human name of the service; also the source of its application key.
    pub name: String,
    /// Optional JSON Schema reference, ignored.
    #[serde(rename = "$schema")]
    pub schema: Option<String>,
    /// Removed before validation (a leftover of the apidoc era).
    pub apidoc: Option<serde_json::Value>,
    pub info: Option<Info>,
    /// Namespace of generated code; derived from the organization and application when absent.
    pub namespace: Option<String>,
    /// Base URL of the service; must not end with `/`.
    pub base_url: Option<String>,
    pub description: Option<String>,
    pub imports: Option<Vec<Import>>,
    /// Headers every request carries.
    pub headers: Option<Vec<Header>>,
    pub enums: Option<BTreeMap<String, Enum>>,
    pub interfaces: Option<BTreeMap<String, Interface>>,
    pub unions: Option<BTreeMap<String, Union>>,
    pub models: Option<BTreeMap<String, Model>>,
    /// Resources keyed by the type they represent (a model, enum or union, local or imported).
    pub resources: Option<BTreeMap<String, Resource>>,
    pub annotations: Option<BTreeMap<String, Annotation>>,
    pub attributes: Option<Vec<Attribute>>,
    /// Experimental: reusable model and resource fragments.
    pub templates: Option<Templates>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub contact: Option<Contact>,
    pub license: Option<License>,
    pub description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    pub name: String,
    pub url: Option<String>,
}

/// An imported service: `https://app.apibuilder.io/<org>/<app>/<version>/service.json`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Import {
    pub uri: String,
}

/// A boolean, or API Builder's lenient strings `"true"` / `"false"`.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LenientBool {
    Bool(bool),
    Text(BoolText),
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BoolText {
    True,
    False,
}

/// A 64-bit integer, or a string holding one.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LenientLong {
    Number(f64),
    Text(String),
}

/// A type: a name (`user`, `[user]`, `map[string]`, `io.flow.common.v0.models.money`), or an
/// inline definition object naming the new type with `enum`, `interface`, `model` or `union`.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TypeExpr {
    Name(String),
    Inline(BTreeMap<String, serde_json::Value>),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub required: Option<LenientBool>,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    /// Tolerated and ignored (the map key is the name).
    pub name: Option<String>,
    pub plural: Option<String>,
    pub description: Option<String>,
    pub values: Vec<EnumValue>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub name: String,
    /// Wire value when it differs from the name.
    pub value: Option<String>,
    pub description: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interface {
    pub plural: Option<String>,
    pub description: Option<String>,
    pub fields: Option<Vec<Field>>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Union {
    pub plural: Option<String>,
    /// Name of the JSON field that tells the members apart.
    pub discriminator: Option<String>,
    pub description: Option<String>,
    pub types: Vec<UnionType>,
    pub attributes: Option<Vec<Attribute>>,
    pub interfaces: Option<Vec<String>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionType {
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub description: Option<String>,
    /// The member used when a payload lacks the discriminator.
    pub default: Option<LenientBool>,
    pub discriminator_value: Option<String>,
    /// Shorthand: declares a model named after `type` with these fields.
    pub fields: Option<Vec<Field>>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub description: Option<String>,
    pub plural: Option<String>,
    pub fields: Option<Vec<Field>>,
    pub attributes: Option<Vec<Attribute>>,
    pub interfaces: Option<Vec<String>>,
    pub templates: Option<Vec<TemplateDeclaration>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub description: Option<String>,
    /// Defaults to true.
    pub required: Option<LenientBool>,
    /// Any JSON value; stored as a string.
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
    /// Minimum length (strings), count (arrays) or value (numbers).
    pub minimum: Option<LenientLong>,
    pub maximum: Option<LenientLong>,
    pub attributes: Option<Vec<Attribute>>,
    /// Names of declared annotations, e.g. `personal_data`.
    pub annotations: Option<Annotations>,
    pub deprecation: Option<Deprecation>,
}

/// A list of annotation names (a single name is accepted too).
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Annotations {
    List(Vec<String>),
    One(String),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Defaults to `/` + the plural of the type.
    pub path: Option<String>,
    pub description: Option<String>,
    pub operations: Option<Vec<Operation>>,
    pub attributes: Option<Vec<Attribute>>,
    pub templates: Option<Vec<TemplateDeclaration>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// GET, POST, PUT, PATCH, DELETE, HEAD, CONNECT, OPTIONS or TRACE (any case).
    pub method: String,
    /// Appended to the resource path; `:name` segments are path parameters.
    pub path: Option<String>,
    pub description: Option<String>,
    pub body: Option<Body>,
    pub parameters: Option<Vec<Parameter>>,
    /// Keyed by HTTP status code or `default`; none means one `204` of type `unit`.
    pub responses: Option<BTreeMap<String, Response>>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub description: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    /// path, query, form or header (any case); defaults by method.
    pub location: Option<String>,
    pub description: Option<String>,
    pub required: Option<LenientBool>,
    pub default: Option<serde_json::Value>,
    pub minimum: Option<LenientLong>,
    pub maximum: Option<LenientLong>,
    pub example: Option<serde_json::Value>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// `unit` for no body.
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub headers: Option<Vec<Header>>,
    pub description: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub deprecation: Option<Deprecation>,
}

/// Free-form metadata for generators and tools (`{"name": "linter", "value": {...}}`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub name: String,
    pub value: BTreeMap<String, serde_json::Value>,
    pub description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    pub description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    pub models: Option<BTreeMap<String, Model>>,
    pub resources: Option<BTreeMap<String, Resource>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateDeclaration {
    pub name: String,
    /// Type renames applied inside the template (`{"from": "to"}`).
    pub cast: Option<BTreeMap<String, String>>,
}
