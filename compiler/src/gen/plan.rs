//! The generation plan: the resolved IR lowered once into everything the emitters need.
//!
//! [`Plan::new`] runs once per generation. It decides, for the whole repo:
//!
//! - **names** — the module of every service, the Rust name of every type, field, enum value,
//!   union member, resource accessor, operation method, argument and per-operation type, each
//!   claimed in one [`naming::Scope`] per Rust namespace, in declaration order;
//! - **types** — per field: its wire name, resolved type ([`TypeRef`], never `Named`), whether it
//!   is boxed (a cycle of direct containment, from the [`TypeGraph`]), optional, defaulted (the
//!   default as a typed [`DefaultValue`], or a warning), redacted or holding personal data;
//! - **operations** — arguments in order (path parameters, the body, then query, header and form
//!   parameters) with their location and shape, responses per status, the positional route, and
//!   whether the client and the server support the operation (`Result<(), Reason>`, with one
//!   located `W1202` warning when not);
//! - **validation** — per type whether it has anything to check (enum membership, known union
//!   members, `minimum`/`maximum` at any depth, through imports and union members), per field and
//!   argument its bounds; the emitters write one `impl Validate` per type and one check function per
//!   operation (module `checks`), shared by the server and the mock.
//!
//! Emitters (`models`, `client`, `server`, `mock`, `factories`, `redact`) read only the plan and
//! the IR elements it points at (for descriptions); they never resolve a name or decide support,
//! and they emit no diagnostics.
//!
//! **Extension point.** Generators of other concerns (data-access code per table, typed events per
//! stream) add their own per-item plan next to [`ResourcePlan`] — e.g. a `tables: Vec<TablePlan>`
//! on [`ServicePlan`], filled here from the IR's attributes — and read [`Plan::rust_type`],
//! [`Plan::ty`] and [`TypePlan::validates`] for everything about types. They are switched on by a
//! `Settings` flag and emitted as one more module of the service file (see `service_tokens` in
//! `gen/mod.rs`).

use super::{naming, Settings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::TypeGraph;
use crate::ir::{
    Enum, EnumValue, Field, Location, Method, Operation, Parameter, Primitive, Repo, Resource,
    Response, ResponseCode, Service, ServiceId, TypeId, TypeKind, TypeRef, UnionType,
};
use crate::source::Loc;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Why an operation is left out of a generated surface, and where.
#[derive(Clone, Debug)]
pub struct Reason {
    pub message: String,
    pub loc: Loc,
}

/// Where generated code names a type from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Inside the service's own `models` module.
    Models,
    /// A sibling module of `models` (`client`, `server`, `factories`, …): `models::T`, through
    /// its `use super::models;`.
    Sibling,
    /// A sibling module that does not import the [`SHORT`] names (only the prelude's are short).
    Outside,
}

/// A field or parameter default the generated code can express.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Integer(i32),
    Long(i64),
    Double(f64),
    String(String),
    /// Decimal text, parsed at run time.
    Decimal(String),
    /// An enum value by its wire text.
    Enum(TypeId, String),
    EmptyList,
    EmptyMap,
}

/// `minimum`/`maximum` of a value whose type they apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// The whole plan of one generation run.
pub struct Plan<'a> {
    pub repo: &'a Repo,
    pub settings: &'a Settings,
    pub graph: TypeGraph,
    /// One per service of the repo, in repo order.
    pub services: Vec<ServicePlan<'a>>,
    types: HashMap<TypeId, TypePlan<'a>>,
    /// The event streams of the repo (`*_event` unions), with [`Settings::events`].
    pub streams: Vec<crate::events::Stream>,
    /// The tables of the repo's table metadata (`psql` attribute), with [`Settings::dao`].
    pub tables: crate::dao::Plan,
    /// Warnings of planning (W1201–W1204), located.
    pub diagnostics: Diagnostics,
}

pub struct ServicePlan<'a> {
    pub id: ServiceId,
    pub service: &'a Service,
    /// The module name of the service (`io_flow_common_v0`).
    pub module: String,
    /// Interfaces, enums, models, unions, each in spec order.
    pub types: Vec<TypeId>,
    /// Default functions of model fields (`defaults::item_count`).
    pub has_defaults: bool,
    pub resources: Vec<ResourcePlan<'a>>,
    /// The [`SHORT`] names that an item of the service's modules takes (a model named `value`),
    /// so generated code names them by their full path.
    pub shadowed: BTreeSet<&'static str>,
    /// The service headers a request must carry (required, without a default), lowercase: checked
    /// by `checks::service_headers`, which the server calls on every request and the mock on
    /// every call.
    pub required_headers: Vec<String>,
}

/// Names that generated code writes unqualified (`Option<String>`, `Value`, `Validate`), with
/// their full paths: the std prelude's, and those each module of [`super::parts`] imports with
/// `use` ([`Plan::uses`]). A name that a type of the service (or a client or server item named
/// after a resource) takes is written as its full path instead, so no spec name is renamed for
/// them.
pub const SHORT: &[(&str, &str)] = &[
    ("Option", "::std::option::Option"),
    ("String", "::std::string::String"),
    ("Vec", "::std::vec::Vec"),
    ("Box", "::std::boxed::Box"),
    ("Result", "::std::result::Result"),
    ("Send", "::std::marker::Send"),
    ("ToOwned", "::std::borrow::ToOwned"),
    ("Default", "::std::default::Default"),
    ("Into", "::std::convert::Into"),
    ("From", "::std::convert::From"),
    ("None", "::std::option::Option::None"),
    ("Some", "::std::option::Option::Some"),
    ("Ok", "::std::result::Result::Ok"),
    ("Err", "::std::result::Result::Err"),
    ("fmt", "::std::fmt"),
    ("BTreeMap", "::std::collections::BTreeMap"),
    ("Value", "::charter_runtime::serde_json::Value"),
    ("DateTime", "::charter_runtime::chrono::DateTime"),
    ("Utc", "::charter_runtime::chrono::Utc"),
    ("NaiveDate", "::charter_runtime::chrono::NaiveDate"),
    ("Uuid", "::charter_runtime::uuid::Uuid"),
    ("Decimal", "::charter_runtime::rust_decimal::Decimal"),
    ("Serialize", "::charter_runtime::serde::Serialize"),
    ("Deserialize", "::charter_runtime::serde::Deserialize"),
    ("Validate", "::charter_runtime::Validate"),
    ("PersonalData", "::charter_runtime::PersonalData"),
    ("WireEnum", "::charter_runtime::WireEnum"),
    ("New", "::charter_runtime::New"),
    ("Path", "::charter_runtime::validation::Path"),
    (
        "ValidationError",
        "::charter_runtime::validation::ValidationError",
    ),
    ("union", "::charter_runtime::union"),
    ("Shape", "::charter_runtime::union::Shape"),
    ("Tagging", "::charter_runtime::union::Tagging"),
    ("Serializer", "::charter_runtime::serde::Serializer"),
    ("Deserializer", "::charter_runtime::serde::Deserializer"),
];

/// [`SHORT`] names of the client (runtime feature `client`), imported by the `client` and `mock`
/// modules only ([`Plan::client_uses`]).
pub const CLIENT_SHORT: &[(&str, &str)] = &[
    ("Method", "::charter_runtime::http::Method"),
    ("Seg", "::charter_runtime::client::Seg"),
    ("Error", "::charter_runtime::client::Error"),
    ("CallResult", "::charter_runtime::client::CallResult"),
    ("CallFuture", "::charter_runtime::client::CallFuture"),
    ("Stub", "::charter_runtime::mock::Stub"),
    ("fill", "::charter_runtime::client::fill"),
    ("Future", "::std::future::Future"),
];

/// The [`SHORT`] names of the std prelude: unqualified in every module, without a `use`.
const PRELUDE: &[&str] = &[
    "Option", "String", "Vec", "Box", "Result", "Send", "ToOwned", "Default", "Into", "From",
    "None", "Some", "Ok", "Err",
];

fn shadowed(
    types: &HashMap<TypeId, TypePlan<'_>>,
    ids: &[TypeId],
    resources: &[ResourcePlan<'_>],
) -> BTreeSet<&'static str> {
    let mut taken: HashSet<&str> = ids.iter().map(|id| types[id].ident.as_str()).collect();
    for r in resources {
        taken.extend([
            r.client_struct.as_str(),
            r.server_trait.as_str(),
            r.client_trait.as_str(),
        ]);
        for op in &r.ops {
            taken.extend(op.ok_enum.as_deref());
            taken.extend(op.err_enum.as_deref());
            taken.extend(op.options.as_ref().map(|(t, _)| t.as_str()));
            taken.insert(op.server_response.as_str());
            taken.insert(op.server_request.as_str());
        }
    }
    SHORT
        .iter()
        .chain(CLIENT_SHORT)
        .map(|(name, _)| *name)
        .filter(|name| taken.contains(name))
        .collect()
}

pub struct TypePlan<'a> {
    pub id: TypeId,
    /// The spec name (`user`).
    pub name: &'a str,
    /// The Rust type name (`User`).
    pub ident: String,
    /// The factory function (`user`), for models, enums and unions.
    pub factory: Option<String>,
    /// Model and interface fields.
    pub fields: Vec<FieldPlan<'a>>,
    /// Union members.
    pub members: Vec<MemberPlan<'a>>,
    /// Enum values.
    pub values: Vec<ValuePlan<'a>>,
    /// Interfaces a model implements (those whose fields it matches).
    pub implements: Vec<Implements>,
    /// Whether `impl Validate` has anything to check (enum membership, known union members,
    /// bounds at any depth).
    pub validates: bool,
    /// A value may hold personal data inside (fields to redact and list).
    pub holds_pii: bool,
    /// The type is personal data as a whole (the type of an annotated field, or inside one).
    pub whole_pii: bool,
    /// How deep its smallest value is (factories); `u32::MAX`: no finite value.
    pub height: u32,
}

impl TypePlan<'_> {
    /// Whether the type has a finite value: its factory returns (warning W1204 when not).
    pub fn finite(&self) -> bool {
        self.height != u32::MAX
    }
}

pub struct FieldPlan<'a> {
    pub field: &'a Field,
    pub ident: String,
    pub wire: &'a str,
    pub ty: TypeRef,
    pub boxed: bool,
    /// `Option<T>`: not required and no expressible default.
    pub optional: bool,
    /// The default and the name of its function in `defaults`.
    pub default: Option<(DefaultValue, String)>,
    pub bounds: Option<Bounds>,
    /// The field's type has checks of its own.
    pub nested: bool,
    /// The field carries a redacted annotation.
    pub redacted: bool,
    pub holds_pii: bool,
}

pub struct MemberPlan<'a> {
    pub member: &'a UnionType,
    pub variant: String,
    pub ty: TypeRef,
    pub boxed: bool,
    /// Written flat (a model or union member) rather than under `value`.
    pub object: bool,
    pub tag: &'a str,
    /// The first member with this tag (the one that reads it).
    pub reads: bool,
    pub nested: bool,
    pub holds_pii: bool,
    /// A union member of a union with the same discriminator: written as itself (its own members'
    /// discriminator values), and read for each of these tags as well as its own.
    pub flat_tags: Vec<String>,
}

pub struct ValuePlan<'a> {
    pub value: &'a EnumValue,
    pub variant: String,
    pub wire: &'a str,
    /// The first value with this wire text (the one `from_wire` returns).
    pub reads: bool,
}

pub struct Implements {
    pub interface: TypeId,
    /// Getter name and the index of the model field it returns.
    pub getters: Vec<(String, usize)>,
}

pub struct ResourcePlan<'a> {
    pub resource: &'a Resource,
    /// The client's accessor struct (`Items`).
    pub client_struct: String,
    /// The client's accessor method (`items`).
    pub accessor: String,
    /// The resource trait of the client and the mock (`ItemsApi`).
    pub client_trait: String,
    /// The server trait (`Items`).
    pub server_trait: String,
    pub ops: Vec<OpPlan<'a>>,
}

pub struct OpPlan<'a> {
    pub op: &'a Operation,
    pub method: Method,
    /// The method name (`get_by_id`), in client, server and mock.
    pub fname: String,
    /// `<plural> <method name>`, the stem of the operation's type names.
    pub stem: String,
    pub args: Vec<ArgPlan<'a>>,
    pub responses: Vec<ResponsePlan<'a>>,
    pub client: Result<(), Reason>,
    pub server: Result<(), Reason>,
    /// The axum route with positional parameter names (`/items/:p0`).
    pub route: String,
    /// The client's success enum when there are several success statuses.
    pub ok_enum: Option<String>,
    /// The client's error enum when there are documented errors.
    pub err_enum: Option<String>,
    /// The server's response enum.
    pub server_response: String,
    /// The server's request struct (`<Resource><Op>Request`): every argument, parsed and checked.
    pub server_request: String,
    /// The check function in `checks`, when an argument has anything to check.
    pub check: Option<String>,
    /// The client's options struct (`<Resource><Op>Options`) holding the optional arguments, when
    /// there are some, and the name of the method argument taking it.
    pub options: Option<(String, String)>,
}

impl OpPlan<'_> {
    pub fn successes(&self) -> impl Iterator<Item = &ResponsePlan<'_>> {
        self.responses.iter().filter(|r| r.code.is_success())
    }
    pub fn errors(&self) -> impl Iterator<Item = &ResponsePlan<'_>> {
        self.responses.iter().filter(|r| !r.code.is_success())
    }
    /// The arguments the check function takes.
    pub fn checked_args(&self) -> impl Iterator<Item = &ArgPlan<'_>> {
        self.args.iter().filter(|a| a.checked())
    }
}

pub struct ArgPlan<'a> {
    pub ident: String,
    /// The wire name (`body` for the body).
    pub wire: &'a str,
    /// `None` for the body.
    pub location: Option<Location>,
    pub param: Option<&'a Parameter>,
    pub ty: TypeRef,
    /// A list parameter (a slice in the client, never `Option`).
    pub list: bool,
    /// Optional in the client (`Option<&T>`): not a path parameter, and not required or with a
    /// default (the server applies it).
    pub optional: bool,
    /// The non-list parameter is a string (`&str`).
    pub string: bool,
    /// Position among the path parameters.
    pub path_index: usize,
    pub bounds: Option<Bounds>,
    pub nested: bool,
    /// The parameter's default as a Rust value, when it has one the generated code can express.
    pub default_value: Option<DefaultValue>,
}

impl ArgPlan<'_> {
    pub fn checked(&self) -> bool {
        self.bounds.is_some() || self.nested
    }
    pub fn default(&self) -> Option<&str> {
        self.param.and_then(|p| p.default.as_deref())
    }
}

pub struct ResponsePlan<'a> {
    pub response: &'a Response,
    pub code: ResponseCode,
    pub ty: TypeRef,
    pub unit: bool,
}

impl ResponsePlan<'_> {
    /// `Status200`, or `Default` for the spec's `default`.
    pub fn variant(&self) -> String {
        match self.code.as_u16() {
            Some(c) => format!("Status{c}"),
            None => "Default".to_owned(),
        }
    }
}

/// The reference with every leftover `Named` (the resolver did not run) made `Unresolved`: gen
/// trusts `resolve` and never looks a name up itself.
fn resolved(r: &TypeRef) -> TypeRef {
    match r {
        TypeRef::List(t) => TypeRef::List(Box::new(resolved(t))),
        TypeRef::Map(t) => TypeRef::Map(Box::new(resolved(t))),
        TypeRef::Named(n) => TypeRef::Unresolved(n.clone()),
        other => other.clone(),
    }
}

/// `minimum`/`maximum` on a value of this type is something to check.
fn boundable(r: &TypeRef) -> bool {
    matches!(
        r,
        TypeRef::Primitive(
            Primitive::Integer | Primitive::Long | Primitive::Double | Primitive::String
        ) | TypeRef::List(_)
            | TypeRef::Map(_)
    )
}

fn bounds_of(r: &TypeRef, min: Option<i64>, max: Option<i64>) -> Option<Bounds> {
    ((min.is_some() || max.is_some()) && boundable(r)).then_some(Bounds { min, max })
}

/// Whether a parameter type can be written in a URL or header by the runtime.
fn url_type(r: &TypeRef, allow_list: bool) -> bool {
    match r {
        TypeRef::Primitive(p) => p.valid_in_url(),
        TypeRef::Type(id) => id.kind == TypeKind::Enum,
        TypeRef::List(inner) if allow_list => url_type(inner, false),
        _ => false,
    }
}

/// The default of type `ty` given as spec text, or `None` when it cannot be expressed.
pub(crate) fn default_value(ty: &TypeRef, text: &str) -> Option<DefaultValue> {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => text.parse().ok().map(DefaultValue::Bool),
            Primitive::Integer => text.parse().ok().map(DefaultValue::Integer),
            Primitive::Long => text.parse().ok().map(DefaultValue::Long),
            Primitive::Double => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(DefaultValue::Double),
            Primitive::String => Some(DefaultValue::String(text.to_owned())),
            Primitive::Decimal => text
                .parse::<f64>()
                .ok()
                .map(|_| DefaultValue::Decimal(text.to_owned())),
            _ => None,
        },
        TypeRef::Type(id) if id.kind == TypeKind::Enum => {
            Some(DefaultValue::Enum(*id, text.to_owned()))
        }
        TypeRef::List(_) if text.trim() == "[]" => Some(DefaultValue::EmptyList),
        TypeRef::Map(_) if text.trim() == "{}" => Some(DefaultValue::EmptyMap),
        _ => None,
    }
}

fn warning(code: &'static crate::diag::Code, message: String, loc: &Loc) -> Diagnostic {
    Diagnostic::new(code, message).at(loc.clone())
}

impl<'a> Plan<'a> {
    pub fn new(repo: &'a Repo, settings: &'a Settings) -> Plan<'a> {
        let graph = TypeGraph::new(repo);
        let mut scope = naming::Scope::new();
        let modules: Vec<String> = repo
            .services
            .iter()
            .map(|s| scope.snake(&s.namespace))
            .collect();
        let mut plan = Plan {
            repo,
            settings,
            graph,
            services: Vec::new(),
            types: HashMap::new(),
            streams: Vec::new(),
            tables: crate::dao::Plan::default(),
            diagnostics: Diagnostics::new(),
        };
        plan.limits();
        plan.warn_external();
        // Type names first: fields, members and operations name types of other services.
        for sid in repo.service_ids() {
            // Names that generated models modules use for themselves are reserved.
            let mut types = naming::Scope::with_reserved(&["Serialize", "Deserialize"]);
            let mut factories = naming::Scope::new();
            for id in repo.declared_types(sid) {
                let name = repo.type_name(id);
                let factory = (id.kind != TypeKind::Interface).then(|| factories.snake(name));
                plan.types.insert(
                    id,
                    TypePlan {
                        id,
                        name,
                        ident: types.camel(name),
                        factory,
                        fields: Vec::new(),
                        members: Vec::new(),
                        values: Vec::new(),
                        implements: Vec::new(),
                        validates: false,
                        holds_pii: false,
                        whole_pii: false,
                        height: 0,
                    },
                );
            }
        }
        plan.personal_data();
        plan.validation();
        for sid in repo.service_ids() {
            let has_defaults = plan.plan_types(sid);
            let resources = plan.plan_resources(sid);
            let types = repo.declared_types(sid);
            let shadowed = shadowed(&plan.types, &types, &resources);
            plan.services.push(ServicePlan {
                id: sid,
                service: repo.service(sid),
                module: modules[sid.0 as usize].clone(),
                types,
                has_defaults,
                resources,
                shadowed,
                required_headers: repo
                    .service(sid)
                    .headers
                    .iter()
                    .filter(|h| h.required && h.default.is_none())
                    .map(|h| h.name.to_ascii_lowercase())
                    .collect(),
            });
        }
        if settings.wants_factories() {
            plan.heights();
        }
        if settings.dao {
            // Metadata diagnostics are `charter check`'s to report.
            plan.tables = crate::dao::meta::plan(repo, None, &mut Diagnostics::new());
        }
        if settings.events {
            // Errors of event unions (E2101, E2102) are generation diagnostics.
            let (streams, diags) = crate::events::streams(repo, &settings.stream_options);
            plan.streams = streams;
            plan.diagnostics
                .extend(diags.into_vec().into_iter().filter(|d| d.loc.is_some()));
        }
        plan
    }

    pub fn ty(&self, id: TypeId) -> &TypePlan<'a> {
        &self.types[&id]
    }

    pub fn service(&self, id: ServiceId) -> &ServicePlan<'a> {
        &self.services[id.0 as usize]
    }

    /// Fields, members and values of the types of `sid`; whether any field has a default.
    fn plan_types(&mut self, sid: ServiceId) -> bool {
        let repo = self.repo;
        let mut defaults = naming::Scope::new();
        let mut has_defaults = false;
        for id in repo.declared_types(sid) {
            match id.kind {
                TypeKind::Model => {
                    let m = repo.model(id);
                    let mut scope = naming::Scope::new();
                    let fields: Vec<FieldPlan> = m
                        .fields
                        .iter()
                        .map(|f| self.field(id, f, &mut scope, Some(&mut defaults)))
                        .collect();
                    has_defaults |= fields.iter().any(|f| f.default.is_some());
                    let implements = self.implements(id, &fields);
                    let t = self.types.get_mut(&id).expect("planned");
                    t.fields = fields;
                    t.implements = implements;
                }
                TypeKind::Interface => {
                    let i = repo.interface(id);
                    let mut scope = naming::Scope::new();
                    let fields = i
                        .fields
                        .iter()
                        .map(|f| self.field(id, f, &mut scope, None))
                        .collect();
                    self.types.get_mut(&id).expect("planned").fields = fields;
                }
                TypeKind::Enum => {
                    let values = enum_values(repo.enum_(id));
                    self.types.get_mut(&id).expect("planned").values = values;
                }
                TypeKind::Union => {
                    let members = self.members(id);
                    self.types.get_mut(&id).expect("planned").members = members;
                }
            }
        }
        has_defaults
    }

    fn field(
        &mut self,
        owner: TypeId,
        f: &'a Field,
        scope: &mut naming::Scope,
        defaults: Option<&mut naming::Scope>,
    ) -> FieldPlan<'a> {
        let ty = resolved(&f.ty.r);
        let boxed = self.needs_box(owner, &ty);
        let mut default = None;
        if let (Some(text), Some(defaults)) = (f.default.as_deref(), defaults) {
            match default_value(&ty, text) {
                Some(v) => {
                    let name = defaults.snake(&format!("{} {}", self.repo.type_name(owner), f.name));
                    default = Some((v, name));
                }
                None => self.diagnostics.push(warning(
                    &super::W1202,
                    format!(
                        "the default `{text}` of field `{}` (type `{}`) cannot be expressed in Rust yet: it is not applied",
                        f.name, f.ty.text
                    ),
                    &f.loc,
                )),
            }
        }
        // Interfaces: a field with a default is a plain value, as in the models implementing it.
        let optional = !f.required
            && match owner.kind {
                TypeKind::Interface => f.default.is_none(),
                _ => default.is_none(),
            };
        let redacted = self.is_annotated(f);
        FieldPlan {
            field: f,
            ident: scope.snake(&f.name),
            wire: &f.name,
            bounds: bounds_of(&ty, f.minimum, f.maximum),
            nested: self.type_validates(&ty),
            holds_pii: self.holds(&ty),
            redacted,
            boxed,
            optional,
            default,
            ty,
        }
    }

    fn members(&self, id: TypeId) -> Vec<MemberPlan<'a>> {
        let u = self.repo.union(id);
        let mut scope = naming::Scope::with_reserved(&["Unknown"]);
        let mut seen = HashSet::new();
        u.types
            .iter()
            .map(|t| {
                let ty = resolved(&t.ty.r);
                let base = match ty.innermost() {
                    TypeRef::Type(tid) => self.repo.type_name(*tid).to_owned(),
                    TypeRef::External { name, .. } => name.clone(),
                    _ => t.discriminator_value.clone(),
                };
                let object = match &ty {
                    TypeRef::Type(t) => matches!(t.kind, TypeKind::Model | TypeKind::Union),
                    TypeRef::External { kind, .. } => *kind != TypeKind::Enum,
                    _ => false,
                };
                let flat_tags = match (&ty, &u.discriminator) {
                    (TypeRef::Type(inner), Some(key)) if inner.kind == TypeKind::Union => {
                        self.flat_tags(*inner, key)
                    }
                    _ => Vec::new(),
                };
                MemberPlan {
                    flat_tags,
                    member: t,
                    variant: scope.camel(&base),
                    boxed: self.needs_box(id, &ty),
                    object,
                    tag: &t.discriminator_value,
                    reads: seen.insert(t.discriminator_value.as_str()),
                    nested: self.type_validates(&ty),
                    holds_pii: self.holds(&ty),
                    ty,
                }
            })
            .collect()
    }

    /// The discriminator values of the members of union `id` when it uses the discriminator `key`
    /// too (through unions of unions, each union visited once), else none.
    fn flat_tags(&self, id: TypeId, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut work = vec![id];
        while let Some(u) = work.pop() {
            if !seen.insert(u) {
                continue;
            }
            let union = self.repo.union(u);
            if union.discriminator.as_deref() != Some(key) {
                continue;
            }
            for t in &union.types {
                out.push(t.discriminator_value.clone());
                if let Some(inner) = t.ty.r.type_id().filter(|i| i.kind == TypeKind::Union) {
                    if !t.ty.r.is_collection() {
                        work.push(inner);
                    }
                }
            }
        }
        out
    }

    /// The interfaces model `id` implements: those whose every field it has with the same type.
    fn implements(&mut self, id: TypeId, fields: &[FieldPlan]) -> Vec<Implements> {
        let m = self.repo.model(id);
        let mut out = Vec::new();
        for named in &m.interfaces {
            let Some(TypeRef::Type(iid)) = &named.resolved else {
                continue;
            };
            if iid.kind != TypeKind::Interface {
                continue;
            }
            let iface = self.repo.interface(*iid);
            let mut scope = naming::Scope::new();
            let mut getters = Vec::new();
            let mut ok = true;
            for f in &iface.fields {
                let g = scope.snake(&f.name);
                let Some(pos) = m.fields.iter().position(|mf| mf.name == f.name) else {
                    ok = false;
                    break;
                };
                let ty = resolved(&f.ty.r);
                let field = &fields[pos];
                let optional = !f.required && f.default.is_none();
                let same = field.ty == ty && field.optional == optional && !field.boxed;
                if !same {
                    ok = false;
                    break;
                }
                getters.push((g, pos));
            }
            if ok {
                out.push(Implements {
                    interface: *iid,
                    getters,
                });
            } else {
                self.diagnostics.push(warning(
                    &super::W1203,
                    format!(
                        "model `{}` does not match the fields of interface `{}`: the trait is not implemented",
                        m.name, iface.name
                    ),
                    &named.loc,
                ));
            }
        }
        out
    }

    /// Whether a field/member of `owner` pointing directly (not through a collection) at `target`
    /// closes a cycle, so it must be boxed.
    fn needs_box(&self, owner: TypeId, target: &TypeRef) -> bool {
        match target {
            TypeRef::Type(t) => self.graph.same_cycle(owner, *t),
            _ => false,
        }
    }

    // ---- personal data --------------------------------------------------------------------

    fn is_annotated(&self, f: &Field) -> bool {
        f.annotations
            .iter()
            .any(|a| self.settings.redacted_annotations.contains(&a.name))
    }

    /// A type of an import outside the repo that is mapped to a crate path: that crate's generated
    /// code implements `PersonalData` and `Validate` for it.
    fn mapped_import(&self, r: &TypeRef) -> bool {
        matches!(r.innermost(), TypeRef::External { namespace, kind, .. }
            if *kind != TypeKind::Enum && self.settings.crate_paths.contains_key(namespace))
    }

    /// Whether a value of type `r` may hold personal data inside.
    fn holds(&self, r: &TypeRef) -> bool {
        match r.innermost() {
            TypeRef::Type(t) => self.types.get(t).is_some_and(|t| t.holds_pii),
            other => self.mapped_import(other),
        }
    }

    fn personal_data(&mut self) {
        let repo = self.repo;
        let mut seeds = Vec::new();
        let mut whole_seeds = Vec::new();
        for sid in repo.service_ids() {
            let s = repo.service(sid);
            for (i, m) in s.models.iter().enumerate() {
                let id = TypeId {
                    service: sid,
                    kind: TypeKind::Model,
                    index: i as u32,
                };
                for f in &m.fields {
                    let r = resolved(&f.ty.r);
                    if self.is_annotated(f) {
                        seeds.push(id);
                        whole_seeds.extend(r.type_id().filter(|t| t.kind != TypeKind::Interface));
                    } else if self.mapped_import(&r) {
                        seeds.push(id);
                    }
                }
            }
            for (i, u) in s.unions.iter().enumerate() {
                let id = TypeId {
                    service: sid,
                    kind: TypeKind::Union,
                    index: i as u32,
                };
                if u.types.iter().any(|t| self.mapped_import(&t.ty.r)) {
                    seeds.push(id);
                }
            }
        }
        let holding = self.graph.reaching(seeds);
        let whole = self.graph.reachable(whole_seeds);
        for (id, t) in &mut self.types {
            t.holds_pii = holding.contains(id);
            t.whole_pii = whole.contains(id);
        }
    }

    // ---- validation -----------------------------------------------------------------------

    /// Whether a value of type `r` has checks of its own.
    fn type_validates(&self, r: &TypeRef) -> bool {
        match r.innermost() {
            TypeRef::Type(t) => self.types.get(t).is_some_and(|t| t.validates),
            other => self.mapped_import(other),
        }
    }

    /// Which types validate: enums (known values), unions (known members), models with bounded
    /// fields or fields of a crate-mapped import, and everything that contains one of those.
    fn validation(&mut self) {
        let repo = self.repo;
        let mut seeds = Vec::new();
        for sid in repo.service_ids() {
            let s = repo.service(sid);
            for i in 0..s.enums.len() as u32 {
                seeds.push(TypeId {
                    service: sid,
                    kind: TypeKind::Enum,
                    index: i,
                });
            }
            for i in 0..s.unions.len() as u32 {
                seeds.push(TypeId {
                    service: sid,
                    kind: TypeKind::Union,
                    index: i,
                });
            }
            for (i, m) in s.models.iter().enumerate() {
                let own = m.fields.iter().any(|f| {
                    let r = resolved(&f.ty.r);
                    bounds_of(&r, f.minimum, f.maximum).is_some() || self.mapped_import(&r)
                });
                if own {
                    seeds.push(TypeId {
                        service: sid,
                        kind: TypeKind::Model,
                        index: i as u32,
                    });
                }
            }
        }
        let validates = self.graph.reaching(seeds);
        for (id, t) in &mut self.types {
            t.validates = validates.contains(id);
        }
    }

    // ---- factories ------------------------------------------------------------------------

    /// How deep the smallest value of every model and union is: a model is one deeper than its
    /// deepest required field (optional fields are `None`, defaults are literals), a union one
    /// deeper than its shallowest member. Computed by relaxation from "unknown" (`u32::MAX`); a
    /// type that stays unknown has no finite value (warning W1204).
    fn heights(&mut self) {
        const UNKNOWN: u32 = u32::MAX;
        let ids: Vec<TypeId> = self
            .services
            .iter()
            .flat_map(|s| s.types.iter().copied())
            .filter(|id| matches!(id.kind, TypeKind::Model | TypeKind::Union))
            .collect();
        let mut h: HashMap<TypeId, u32> = ids.iter().map(|id| (*id, UNKNOWN)).collect();
        fn of(h: &HashMap<TypeId, u32>, r: &TypeRef, min: Option<i64>) -> u32 {
            match r {
                TypeRef::List(t) | TypeRef::Map(t) if min.unwrap_or(0) > 0 => of(h, t, None),
                TypeRef::Type(id) => h.get(id).copied().unwrap_or(0),
                _ => 0,
            }
        }
        loop {
            let mut changed = false;
            for &id in &ids {
                let t = &self.types[&id];
                let new = if id.kind == TypeKind::Model {
                    let deepest = t
                        .fields
                        .iter()
                        .filter(|f| !f.optional && f.default.is_none())
                        .map(|f| of(&h, &f.ty, f.field.minimum))
                        .max()
                        .unwrap_or(0);
                    deepest.saturating_add(1)
                } else {
                    let shallowest = t.members.iter().map(|m| of(&h, &m.ty, None)).min();
                    shallowest.unwrap_or(0).saturating_add(1)
                };
                if new < h[&id] {
                    h.insert(id, new);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for id in ids {
            let height = h[&id];
            if height == UNKNOWN {
                let name = self.repo.type_name(id);
                let loc = match id.kind {
                    TypeKind::Model => &self.repo.model(id).loc,
                    _ => &self.repo.union(id).loc,
                };
                self.diagnostics.push(
                    warning(
                        &super::W1204,
                        format!("`{name}` has no finite value (a cycle of required fields): its factory never returns"),
                        loc,
                    )
                    .with_help("make one field of the cycle optional"),
                );
            }
            self.types.get_mut(&id).expect("planned").height = height;
        }
    }

    // ---- limits -----------------------------------------------------------------------------

    /// Names too long to generate readable code (`E1201`) and chains of direct containment too
    /// deep for rustc (`E1202`). Nesting of lists and maps is bounded when types are parsed
    /// (`lower::MAX_TYPE_NESTING`).
    fn limits(&mut self) {
        let repo = self.repo;
        let mut names: Vec<(&str, &Loc)> = Vec::new();
        for s in &repo.services {
            names.push((&s.namespace, &s.loc));
            names.extend(s.enums.iter().map(|e| (e.name.as_str(), &e.loc)));
            for e in &s.enums {
                names.extend(e.values.iter().map(|v| (v.name.as_str(), &v.loc)));
            }
            for m in &s.models {
                names.push((&m.name, &m.loc));
                names.extend(m.fields.iter().map(|f| (f.name.as_str(), &f.loc)));
            }
            for i in &s.interfaces {
                names.push((&i.name, &i.loc));
                names.extend(i.fields.iter().map(|f| (f.name.as_str(), &f.loc)));
            }
            for u in &s.unions {
                names.push((&u.name, &u.loc));
                names.extend(
                    u.types
                        .iter()
                        .map(|t| (t.discriminator_value.as_str(), &t.loc)),
                );
            }
            for r in &s.resources {
                names.push((&r.plural, &r.loc));
                for op in &r.operations {
                    names.extend(op.parameters.iter().map(|p| (p.name.as_str(), &p.loc)));
                }
            }
        }
        for (name, loc) in names {
            if name.len() > super::MAX_NAME_LEN {
                let shown: String = name.chars().take(40).collect();
                self.diagnostics.push(
                    Diagnostic::new(
                        &super::E1201,
                        format!(
                            "the name `{shown}…` is {} bytes long, more than the {} the generator accepts",
                            name.len(),
                            super::MAX_NAME_LEN
                        ),
                    )
                    .at(loc.clone())
                    .with_help("shorten the name"),
                );
            }
        }
        let depths = self.graph.direct_depths();
        let deepest = depths
            .iter()
            .max_by_key(|(id, d)| (**d, std::cmp::Reverse(**id)));
        if let Some((&id, &depth)) = deepest.filter(|(_, d)| **d > super::MAX_CHAIN_DEPTH) {
            let loc = match id.kind {
                TypeKind::Model => &repo.model(id).loc,
                TypeKind::Union => &repo.union(id).loc,
                _ => &repo.service(id.service).loc,
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &super::E1202,
                    format!(
                        "`{}` holds a chain of {depth} models and unions directly, more than the {} rustc can lay out reliably",
                        repo.type_name(id),
                        super::MAX_CHAIN_DEPTH
                    ),
                )
                .at(loc.clone())
                .with_help("hold one link of the chain through an optional list, or merge models"),
            );
        }
    }

    // ---- imports ----------------------------------------------------------------------------

    /// One W1201 per unmapped import outside the repo, at its first use.
    fn warn_external(&mut self) {
        let repo = self.repo;
        let mut refs: Vec<(&TypeRef, &Loc)> = Vec::new();
        for s in &repo.services {
            for m in &s.models {
                refs.extend(m.fields.iter().map(|f| (&f.ty.r, &f.ty.loc)));
            }
            for i in &s.interfaces {
                refs.extend(i.fields.iter().map(|f| (&f.ty.r, &f.ty.loc)));
            }
            for u in &s.unions {
                refs.extend(u.types.iter().map(|t| (&t.ty.r, &t.ty.loc)));
            }
            for r in &s.resources {
                for op in &r.operations {
                    refs.extend(op.parameters.iter().map(|p| (&p.ty.r, &p.ty.loc)));
                    refs.extend(op.body.iter().map(|b| (&b.ty.r, &b.ty.loc)));
                    refs.extend(op.responses.iter().map(|r| (&r.ty.r, &r.ty.loc)));
                }
            }
        }
        let mut warned = BTreeSet::new();
        for (r, loc) in refs {
            let TypeRef::External {
                namespace,
                kind,
                name,
            } = r.innermost()
            else {
                continue;
            };
            if self.settings.crate_paths.contains_key(namespace) {
                continue;
            }
            let qualified = format!("{namespace}.{}.{name}", kind.plural());
            if warned.insert(qualified.clone()) {
                self.diagnostics.push(
                    warning(
                        &super::W1201,
                        format!("`{qualified}` is imported from a service that is not in the repo: generated as serde_json::Value"),
                        loc,
                    )
                    .with_help(format!("add the spec of `{namespace}` to the repo, or map the namespace to a crate path")),
                );
            }
        }
    }

    // ---- operations -------------------------------------------------------------------------

    fn plan_resources(&mut self, sid: ServiceId) -> Vec<ResourcePlan<'a>> {
        let s = self.repo.service(sid);
        let settings = self.settings;
        // One scope per Rust namespace: the client module's types, the server module's types, the
        // client's accessors, the checks module's functions.
        let mut client_types = naming::Scope::with_reserved(&["Client", "Api"]);
        let mut server_types = naming::Scope::with_reserved(&["router"]);
        let mut accessors =
            naming::Scope::with_reserved(&["new", "builder", "from_builder", "base_url"]);
        let mut checks = naming::Scope::with_reserved(&[super::checks::SERVICE_HEADERS]);
        // Server routes: path → methods served.
        let mut routes: BTreeMap<String, BTreeSet<Method>> = BTreeMap::new();
        let mut out = Vec::new();
        for r in &s.resources {
            let client_struct = client_types.camel(&r.plural);
            let accessor = accessors.snake(&r.plural);
            let server_trait = server_types.camel(&r.plural);
            let mut methods = naming::Scope::new();
            let mut ops = Vec::new();
            for op in &r.operations {
                let Some(method) = op.method else {
                    let what = format!("method `{}` is not an HTTP method", op.method_text);
                    self.left_out(op, &what, settings.wants_client(), settings.server);
                    continue;
                };
                let mut plan = self.operation(r, op, method, &mut methods);
                if plan.client.is_ok() {
                    if plan.successes().count() > 1 {
                        plan.ok_enum = Some(client_types.camel(&format!("{} response", plan.stem)));
                    }
                    if plan.errors().next().is_some() {
                        plan.err_enum = Some(client_types.camel(&format!("{} error", plan.stem)));
                    }
                    if let Some((name, _)) = &mut plan.options {
                        *name = client_types.camel(&format!("{} options", plan.stem));
                    }
                }
                if plan.server.is_ok() {
                    let served = routes.entry(plan.route.clone()).or_default();
                    if !served.insert(method) {
                        plan.server = Err(Reason {
                            message: format!(
                                "another operation already serves {} {}",
                                method.as_str(),
                                op.path
                            ),
                            loc: op.loc.clone(),
                        });
                    } else {
                        plan.server_response =
                            server_types.camel(&format!("{} response", plan.stem));
                        plan.server_request = server_types.camel(&format!("{} request", plan.stem));
                    }
                }
                let surfaced = plan.client.is_ok() || plan.server.is_ok();
                if surfaced && plan.args.iter().any(ArgPlan::checked) {
                    plan.check = Some(checks.snake(&plan.stem));
                }
                if let Err(e) = &plan.client {
                    if settings.wants_client() {
                        self.diagnostics.push(warning(
                            &super::W1202,
                            format!(
                                "{}: {}; the operation is left out of the generated client",
                                op.label(),
                                e.message
                            ),
                            &e.loc,
                        ));
                    }
                }
                if let Err(e) = &plan.server {
                    if settings.server {
                        self.diagnostics.push(warning(
                            &super::W1202,
                            format!(
                                "{}: {}; the operation is left out of the generated server",
                                op.label(),
                                e.message
                            ),
                            &e.loc,
                        ));
                    }
                }
                ops.push(plan);
            }
            let client_trait = client_types.camel(&format!("{} api", r.plural));
            out.push(ResourcePlan {
                resource: r,
                client_struct,
                accessor,
                client_trait,
                server_trait,
                ops,
            });
        }
        out
    }

    fn left_out(&mut self, op: &Operation, what: &str, client: bool, server: bool) {
        for (on, surface) in [(client, "client"), (server, "server")] {
            if on {
                self.diagnostics.push(warning(
                    &super::W1202,
                    format!(
                        "{}: {what}; the operation is left out of the generated {surface}",
                        op.label()
                    ),
                    &op.loc,
                ));
            }
        }
    }

    fn operation(
        &self,
        r: &'a Resource,
        op: &'a Operation,
        method: Method,
        methods: &mut naming::Scope,
    ) -> OpPlan<'a> {
        let fname = methods.snake(&naming::operation_name(method.as_str(), &r.path, &op.path));
        let stem = format!("{} {}", r.plural, naming::unraw(&fname));
        let reason = |message: String| Reason {
            message,
            loc: op.loc.clone(),
        };
        let mut client = Ok(());
        let mut server = Ok(());
        // Parameter types each surface can carry.
        for p in &op.parameters {
            let ty = resolved(&p.ty.r);
            let client_ok = match p.location {
                Location::Path | Location::Header => url_type(&ty, false),
                Location::Query => url_type(&ty, true),
                Location::Form => true,
            };
            if !client_ok && client.is_ok() {
                client = Err(reason(format!(
                    "{} parameter `{}` of type `{}` cannot be sent",
                    p.location.as_str(),
                    p.name,
                    p.ty.text
                )));
            }
            let server_ok = match p.location {
                Location::Path | Location::Header => url_type(&ty, false),
                Location::Query => url_type(&ty, true),
                // Form parameters are fields of a JSON object body: any type decodes; a default
                // (the spec's text) is only read for the types a default can have.
                Location::Form => p.default.is_none() || url_type(&ty, false),
            };
            if !server_ok && server.is_ok() {
                server = Err(reason(format!(
                    "{} parameter `{}` of type `{}` is not supported",
                    p.location.as_str(),
                    p.name,
                    p.ty.text
                )));
            }
        }
        if method == Method::Connect && server.is_ok() {
            server = Err(reason("method CONNECT is not routable".into()));
        }

        // Arguments: path parameters, the body, then the others in spec order.
        let mut scope = naming::Scope::with_reserved(&[
            "self", "resp", "form", "service", "req", "r", "v", "x",
        ]);
        let mut args = Vec::new();
        let path_params: Vec<&Parameter> = op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Path)
            .collect();
        for p in &path_params {
            args.push(self.param_arg(p, &mut scope));
        }
        if let Some(b) = &op.body {
            let ty = resolved(&b.ty.r);
            args.push(ArgPlan {
                ident: scope.snake("body"),
                wire: "body",
                location: None,
                param: None,
                list: false,
                optional: false,
                string: false,
                path_index: 0,
                bounds: None,
                nested: self.type_validates(&ty),
                default_value: None,
                ty,
            });
        }
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location != Location::Path)
        {
            args.push(self.param_arg(p, &mut scope));
        }
        // Optional arguments travel in one options struct (named in `plan_resources`).
        let options = args
            .iter()
            .any(|a| a.optional)
            .then(|| (String::new(), scope.snake("options")));

        // The route, with positional names; every `:name` must be a path parameter.
        let mut route = String::new();
        let mut position = 0;
        for seg in op.path.split('/').filter(|s| !s.is_empty()) {
            route.push('/');
            match seg.strip_prefix(':') {
                Some(name) => {
                    let arg = args
                        .iter_mut()
                        .find(|a| a.location == Some(Location::Path) && a.wire == name);
                    match arg {
                        Some(a) => a.path_index = position,
                        None => {
                            let r = reason(format!("path segment `:{name}` has no path parameter"));
                            if client.is_ok() {
                                client = Err(r.clone());
                            }
                            if server.is_ok() {
                                server = Err(r);
                            }
                        }
                    }
                    route.push_str(&format!(":p{position}"));
                    position += 1;
                }
                None => route.push_str(seg),
            }
        }
        if route.is_empty() {
            route.push('/');
        }

        let responses = op
            .responses
            .iter()
            .map(|resp| {
                let ty = resolved(&resp.ty.r);
                ResponsePlan {
                    response: resp,
                    code: resp.code,
                    unit: ty == TypeRef::Primitive(Primitive::Unit),
                    ty,
                }
            })
            .collect();
        OpPlan {
            op,
            method,
            fname,
            stem,
            args,
            responses,
            client,
            server,
            route,
            ok_enum: None,
            err_enum: None,
            server_response: String::new(),
            server_request: String::new(),
            check: None,
            options,
        }
    }

    fn param_arg(&self, p: &'a Parameter, scope: &mut naming::Scope) -> ArgPlan<'a> {
        let ty = resolved(&p.ty.r);
        let list = matches!(ty, TypeRef::List(_));
        ArgPlan {
            ident: scope.snake(&p.name),
            wire: &p.name,
            location: Some(p.location),
            param: Some(p),
            list,
            optional: p.location != Location::Path && (!p.required || p.default.is_some()),
            string: ty == TypeRef::Primitive(Primitive::String),
            path_index: 0,
            bounds: bounds_of(&ty, p.minimum, p.maximum),
            nested: self.type_validates(&ty),
            default_value: p.default.as_deref().and_then(|d| default_value(&ty, d)),
            ty,
        }
    }

    // ---- rendering helpers ------------------------------------------------------------------

    /// Path of a service's generated module (`crate::io_flow_common_v0`), or its mapped crate.
    pub fn service_path(&self, id: ServiceId) -> TokenStream {
        let ns = &self.repo.service(id).namespace;
        if let Some(p) = self.settings.crate_paths.get(ns) {
            if let Ok(t) = p.parse() {
                return t;
            }
        }
        let root: TokenStream = self
            .settings
            .root_path
            .parse()
            .unwrap_or_else(|_| quote!(crate));
        let m = super::ident(&self.service(id).module);
        quote!(#root::#m)
    }

    /// The path of a declared type as named from service `from` at `place`.
    pub fn type_path(&self, from: ServiceId, id: TypeId, place: Place) -> TokenStream {
        let name = super::ident(&self.ty(id).ident);
        if id.service == from {
            match place {
                Place::Models => quote!(#name),
                // Sibling modules import `super::models` (`Plan::sibling_uses`).
                Place::Sibling => quote!(models::#name),
                Place::Outside => quote!(super::models::#name),
            }
        } else {
            let module = self.service_path(id.service);
            quote!(#module::models::#name)
        }
    }

    /// A [`SHORT`] name as written in service `from` at `place`: the name itself, or its full
    /// path when the service shadows it (or `place` does not import it).
    pub fn name(&self, from: ServiceId, name: &'static str, place: Place) -> TokenStream {
        let imported = place != Place::Outside || PRELUDE.contains(&name);
        if imported && !self.service(from).shadowed.contains(name) {
            let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            return quote!(#name);
        }
        let full = SHORT
            .iter()
            .chain(CLIENT_SHORT)
            .find(|(n, _)| *n == name)
            .map_or(name, |(_, full)| *full);
        let segments = full
            .split("::")
            .filter(|s| !s.is_empty())
            .map(|s| proc_macro2::Ident::new(s, proc_macro2::Span::call_site()));
        quote!(#(::#segments)*)
    }

    /// The `use` items of a module of service `s` for the [`SHORT`] names it does not shadow
    /// (the prelude's need none): one per crate, as a tree (`use ::charter_runtime::{…};`).
    pub fn uses(&self, s: &ServicePlan) -> TokenStream {
        uses(s, SHORT)
    }

    /// The [`SHORT`] names (and with `client`, the [`CLIENT_SHORT`] ones) that service `s` does
    /// not shadow: what its modules write unqualified.
    pub fn short_names(&self, s: &ServicePlan, client: bool) -> Vec<(&'static str, &'static str)> {
        let client = if client { CLIENT_SHORT } else { &[] };
        SHORT
            .iter()
            .chain(client)
            .filter(|(name, _)| !s.shadowed.contains(name))
            .copied()
            .collect()
    }

    /// The `use` items of the [`CLIENT_SHORT`] names (in `client` and `mock`).
    pub fn client_uses(&self, s: &ServicePlan) -> TokenStream {
        uses(s, CLIENT_SHORT)
    }
    /// The Rust type of a primitive as used from service `from` at `place`.
    pub fn primitive(&self, from: ServiceId, p: Primitive, place: Place) -> TokenStream {
        let n = |name| self.name(from, name, place);
        match p {
            Primitive::Boolean => quote!(bool),
            Primitive::Decimal => n("Decimal"),
            Primitive::Integer => quote!(i32),
            Primitive::Double => quote!(f64),
            Primitive::Long => quote!(i64),
            Primitive::Object | Primitive::Json => n("Value"),
            Primitive::String => n("String"),
            Primitive::DateIso8601 => n("NaiveDate"),
            Primitive::DateTimeIso8601 => {
                let (dt, utc) = (n("DateTime"), n("Utc"));
                quote!(#dt<#utc>)
            }
            Primitive::Uuid => n("Uuid"),
            Primitive::Unit => quote!(()),
        }
    }

    /// The Rust type of `r` as used from service `from` at `place`.
    pub fn rust_type(&self, from: ServiceId, r: &TypeRef, place: Place) -> TokenStream {
        match r {
            TypeRef::Primitive(p) => self.primitive(from, *p, place),
            TypeRef::List(t) => {
                let t = self.rust_type(from, t, place);
                let vec = self.name(from, "Vec", place);
                quote!(#vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.rust_type(from, t, place);
                let (map, string) = (
                    self.name(from, "BTreeMap", place),
                    self.name(from, "String", place),
                );
                quote!(#map<#string, #t>)
            }
            TypeRef::Type(id) => self.type_path(from, *id, place),
            TypeRef::External {
                namespace, name, ..
            } => match self.settings.crate_paths.get(namespace) {
                Some(path) => {
                    let path: TokenStream = path.parse().unwrap_or_else(|_| quote!(crate));
                    let name = super::ident(&naming::camel(name));
                    quote!(#path::models::#name)
                }
                None => self.name(from, "Value", place),
            },
            TypeRef::Named(_) | TypeRef::Unresolved(_) => self.name(from, "Value", place),
        }
    }

    /// The expression of a default value, used from service `from` at `place`.
    pub fn default_expr(&self, from: ServiceId, v: &DefaultValue, place: Place) -> TokenStream {
        match v {
            DefaultValue::Bool(b) => quote!(#b),
            DefaultValue::Integer(n) => quote!(#n),
            DefaultValue::Long(n) => quote!(#n),
            DefaultValue::Double(n) => quote!(#n),
            DefaultValue::String(s) => {
                let string = self.name(from, "String", place);
                quote!(#string::from(#s))
            }
            DefaultValue::Decimal(s) => quote!(#s.parse().unwrap_or_default()),
            DefaultValue::Enum(id, text) => {
                let path = self.type_path(from, *id, place);
                let wire_enum = self.name(from, "WireEnum", place);
                quote!(<#path as #wire_enum>::from_wire(#text))
            }
            DefaultValue::EmptyList => {
                let vec = self.name(from, "Vec", place);
                quote!(#vec::new())
            }
            DefaultValue::EmptyMap => {
                let map = self.name(from, "BTreeMap", place);
                quote!(#map::new())
            }
        }
    }
}

fn enum_values(e: &Enum) -> Vec<ValuePlan<'_>> {
    let mut scope = naming::Scope::with_reserved(&["Unknown"]);
    let mut seen = HashSet::new();
    e.values
        .iter()
        .map(|v| ValuePlan {
            value: v,
            variant: scope.camel(&v.name),
            wire: v.wire(),
            reads: seen.insert(v.wire()),
        })
        .collect()
}

/// `use` items for the `names` that service `s` does not shadow (the prelude's need none): one
/// per crate, as a tree (`use ::charter_runtime::{…};`), names at a crate's root first.
fn uses(s: &ServicePlan, names: &[(&'static str, &'static str)]) -> TokenStream {
    // crate → module path inside it ("" at its root) → names, in the order of `names`.
    type Modules<'n> = Vec<(&'n str, Vec<&'n str>)>;
    let mut crates: Vec<(&str, Modules)> = Vec::new();
    for (name, full) in names {
        if PRELUDE.contains(name) || s.shadowed.contains(name) {
            continue;
        }
        let full = full.trim_start_matches("::");
        let (krate, rest) = full.split_once("::").unwrap_or((full, ""));
        let module = rest.rsplit_once("::").map_or("", |(m, _)| m);
        let at = match crates.iter().position(|(k, _)| *k == krate) {
            Some(at) => at,
            None => {
                crates.push((krate, Vec::new()));
                crates.len() - 1
            }
        };
        let modules = &mut crates[at].1;
        match modules.iter_mut().find(|(m, _)| *m == module) {
            Some((_, names)) => names.push(name),
            None => modules.push((module, vec![name])),
        }
    }
    let id = |s: &str| proc_macro2::Ident::new(s, proc_macro2::Span::call_site());
    let mut out = TokenStream::new();
    for (krate, mut modules) in crates {
        modules.sort_by_key(|(module, _)| !module.is_empty());
        let mut trees = Vec::new();
        for (module, names) in &modules {
            let idents = names.iter().map(|n| id(n));
            if module.is_empty() {
                trees.extend(idents.map(|i| quote!(#i)));
                continue;
            }
            let group = if names.len() == 1 {
                quote!(#(#idents)*)
            } else {
                quote!({ #(#idents),* })
            };
            let path = module.split("::").map(id);
            trees.push(quote!(#(#path::)* #group));
        }
        let krate = id(krate);
        out.extend(match trees.as_slice() {
            [one] => quote!(use ::#krate::#one;),
            _ => quote!(use ::#krate::{ #(#trees),* };),
        });
    }
    out
}
