//! A service → one OpenAPI 3.1 document.
//!
//! Types go to `components.schemas` through [`super::schema`]; resources become tags (the
//! resource's path, plural and attributes in extensions) and their operations become path items:
//! path, query and header parameters as parameters, form parameters as the properties of one JSON
//! object request body (API Builder's wire form), the body as the request body, each response by
//! status with its headers. Service headers are `components.parameters` referenced by every
//! operation. Nothing is dropped silently: what OpenAPI cannot say is in `x-apibuilder-*`
//! extensions, or a warning. The output is deterministic (declaration order, `preserve_order`).

use super::schema::{self, as_map, ext, Imported, Refs, Schemas};
use crate::diag::Diagnostic;
use crate::ir::{self, Location, Method, Repo, ServiceId, TypeId, TypeKind, TypeRef};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Extension keys used only by documents.
pub mod doc_ext {
    pub const NAMESPACE: &str = "x-apibuilder-namespace";
    pub const IMPORTS: &str = "x-apibuilder-imports";
    pub const ORGANIZATION: &str = "x-apibuilder-organization";
    pub const APPLICATION: &str = "x-apibuilder-application";
    pub const PATH: &str = "x-apibuilder-path";
    pub const FORM: &str = "x-apibuilder-form";
    pub const SERVICE_HEADER: &str = "x-apibuilder-service-header";
    pub const RESOURCE_TYPE: &str = "x-apibuilder-resource";
    pub const METHOD: &str = "x-apibuilder-method";
    pub const OPERATIONS: &str = "x-apibuilder-operations";
    pub const PARAMETER_ORDER: &str = "x-apibuilder-parameter-order";
}

/// What to write.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Inline the types of imported services found in the repo instead of referencing their
    /// documents.
    pub bundle: bool,
    /// File extension of the other documents (`json` or `yaml`), for references to imported types.
    pub extension: Option<String>,
}

/// One exported document and what could not be expressed.
#[derive(Debug)]
pub struct Exported {
    pub document: Value,
    pub diagnostics: Vec<Diagnostic>,
}

/// The OpenAPI 3.1 document of one service.
pub fn export(repo: &Repo, id: ServiceId, options: &ExportOptions) -> Exported {
    let refs = Refs {
        prefix: "#/components/schemas/".into(),
        imported: if options.bundle {
            Imported::Bundled
        } else {
            Imported::Documents {
                extension: options.extension.clone().unwrap_or_else(|| "json".into()),
            }
        },
    };
    let mut w = Writer {
        s: repo.service(id),
        schemas: Schemas::new(repo, id, refs),
        diagnostics: Vec::new(),
        operation_ids: BTreeSet::new(),
    };
    let document = w.document();
    Exported {
        document,
        diagnostics: w.diagnostics,
    }
}

struct Writer<'a> {
    s: &'a ir::Service,
    schemas: Schemas<'a>,
    diagnostics: Vec<Diagnostic>,
    operation_ids: BTreeSet<String>,
}

impl Writer<'_> {
    fn document(&mut self) -> Value {
        let s = self.s;
        let mut d = Map::new();
        d.insert("openapi".into(), "3.1.0".into());
        d.insert("info".into(), self.info());
        if let Some(url) = &s.base_url {
            d.insert("servers".into(), json!([{ "url": url }]));
        }
        let (paths, ids) = self.paths();
        let tags: Vec<Value> = s
            .resources
            .iter()
            .zip(ids)
            .map(|(r, ids)| tag(r, ids))
            .collect();
        if !tags.is_empty() {
            d.insert("tags".into(), tags.into());
        }
        d.insert("paths".into(), Value::Object(paths));
        d.insert("components".into(), self.components());
        d.insert(doc_ext::NAMESPACE.into(), s.namespace.clone().into());
        if !s.organization.is_empty() {
            d.insert(doc_ext::ORGANIZATION.into(), s.organization.clone().into());
        }
        d.insert(doc_ext::APPLICATION.into(), s.application.clone().into());
        if !s.imports.is_empty() {
            let imports: Vec<Value> = s
                .imports
                .iter()
                .map(|i| {
                    let mut o = Map::new();
                    o.insert("uri".into(), i.uri.clone().into());
                    let ns = i.namespace.clone().or_else(|| {
                        i.target
                            .map(|t| self.schemas.repo.service(t).namespace.clone())
                    });
                    if let Some(ns) = ns {
                        o.insert("namespace".into(), ns.into());
                    }
                    Value::Object(o)
                })
                .collect();
            d.insert(doc_ext::IMPORTS.into(), imports.into());
        }
        // The service's annotations with those of imported services in the repo, as the
        // resolved form lists them: fields may use either by short name.
        let mut annotations = s.annotations.clone();
        for t in s.imports.iter().filter_map(|i| i.target) {
            for a in &self.schemas.repo.service(t).annotations {
                if !annotations.iter().any(|b| b.name == a.name) {
                    annotations.push(a.clone());
                }
            }
        }
        if !annotations.is_empty() {
            let list: Vec<Value> = annotations
                .iter()
                .map(|a| {
                    let mut o = Map::new();
                    o.insert("name".into(), a.name.clone().into());
                    schema::put_doc(&mut o, &a.description, &None);
                    if let Some(dep) = &a.deprecation {
                        o.insert(
                            "deprecation".into(),
                            dep.description
                                .as_ref()
                                .map_or_else(|| json!({}), |t| json!({ "description": t })),
                        );
                    }
                    Value::Object(o)
                })
                .collect();
            d.insert(schema::ext::ANNOTATIONS.into(), list.into());
        }
        schema::attributes(&mut d, &s.attributes);
        Value::Object(d)
    }

    fn info(&self) -> Value {
        let s = self.s;
        let mut o = Map::new();
        o.insert("title".into(), s.name.clone().into());
        o.insert("version".into(), s.version.clone().into());
        if let Some(d) = &s.description {
            o.insert("description".into(), d.clone().into());
        }
        if let Some(c) = &s.info.contact {
            let mut co = Map::new();
            for (k, v) in [("name", &c.name), ("url", &c.url), ("email", &c.email)] {
                if let Some(v) = v {
                    co.insert(k.into(), v.clone().into());
                }
            }
            o.insert("contact".into(), Value::Object(co));
        }
        if let Some(l) = &s.info.license {
            let mut lo = Map::new();
            lo.insert("name".into(), l.name.clone().into());
            if let Some(u) = &l.url {
                lo.insert("url".into(), u.clone().into());
            }
            o.insert("license".into(), Value::Object(lo));
        }
        Value::Object(o)
    }

    fn components(&mut self) -> Value {
        let s = self.s;
        let sid = self.schemas.service;
        let mut schemas = Map::new();
        let kinds = [
            (TypeKind::Enum, s.enums.len()),
            (TypeKind::Interface, s.interfaces.len()),
            (TypeKind::Union, s.unions.len()),
            (TypeKind::Model, s.models.len()),
        ];
        for (kind, n) in kinds {
            for index in 0..n as u32 {
                let id = TypeId {
                    service: sid,
                    kind,
                    index,
                };
                schemas.insert(
                    self.schemas.component_name(id),
                    self.schemas.declaration(id),
                );
            }
        }
        // Bundled imported types, transitively (a bundled declaration may reference more).
        let mut done = BTreeSet::new();
        loop {
            let todo: Vec<TypeId> = self
                .schemas
                .bundled()
                .into_iter()
                .filter(|t| !done.contains(t))
                .collect();
            if todo.is_empty() {
                break;
            }
            for id in todo {
                done.insert(id);
                let mut v = self.schemas.declaration(id);
                as_map(&mut v).insert(
                    ext::TYPE.into(),
                    self.schemas.repo.qualified_name(id).into(),
                );
                schemas.insert(self.schemas.component_name(id), v);
            }
        }
        if matches!(self.schemas.refs.imported, Imported::Bundled) {
            self.warn_external_in_bundle();
        }
        let mut c = Map::new();
        c.insert("schemas".into(), Value::Object(schemas));
        if !s.headers.is_empty() {
            let params: Map<String, Value> = s
                .headers
                .iter()
                .map(|h| {
                    let mut p = self.header_parameter(h);
                    as_map(&mut p).insert(doc_ext::SERVICE_HEADER.into(), true.into());
                    (header_component(&h.name), p)
                })
                .collect();
            c.insert("parameters".into(), Value::Object(params));
        }
        Value::Object(c)
    }

    fn warn_external_in_bundle(&mut self) {
        let s = self.s;
        for i in s.imports.iter().filter(|i| i.target.is_none()) {
            self.diagnostics.push(
                Diagnostic::new(
                    W_NOT_BUNDLED,
                    format!("import {} is not in the repo: its types stay references to its own document", i.uri),
                )
                .at(i.loc.clone())
                .with_help("add the imported spec to the repo to bundle its types"),
            );
        }
    }

    /// The path items, and the operation ids of each resource in declaration order.
    fn paths(&mut self) -> (Map<String, Value>, Vec<Vec<Value>>) {
        let mut paths: Map<String, Value> = Map::new();
        let mut all_ids = Vec::new();
        for r in &self.s.resources {
            let mut ids = Vec::new();
            for op in &r.operations {
                let Some(method) = op.method.filter(|m| *m != Method::Connect) else {
                    self.diagnostics.push(
                        Diagnostic::new(
                            W_OPERATION,
                            format!(
                                "{}: OpenAPI has no operation for method {}; not exported",
                                op.label(),
                                op.method_text
                            ),
                        )
                        .at(op.loc.clone()),
                    );
                    continue;
                };
                let (key, exact) = openapi_path(&op.path);
                let item = paths.entry(key.clone()).or_insert_with(|| json!({}));
                let m = method.as_str().to_ascii_lowercase();
                if item.get(&m).is_some() {
                    self.diagnostics.push(
                        Diagnostic::new(
                            W_OPERATION,
                            format!("{}: another resource already has {} {key}; OpenAPI has one operation per method and path, so this one is not exported", op.label(), method.as_str()),
                        )
                        .at(op.loc.clone()),
                    );
                    continue;
                }
                let mut o = self.operation(r, op);
                ids.push(o["operationId"].clone());
                if !exact {
                    as_map(&mut o).insert(doc_ext::PATH.into(), op.path.clone().into());
                }
                as_map(item).insert(m, o);
            }
            all_ids.push(ids);
        }
        (paths, all_ids)
    }

    fn operation(&mut self, r: &ir::Resource, op: &ir::Operation) -> Value {
        let mut o = Map::new();
        o.insert("tags".into(), json!([r.ty.text]));
        o.insert("operationId".into(), self.operation_id(r, op).into());
        schema::put_doc(&mut o, &op.description, &op.deprecation);
        let mut params = Vec::new();
        for h in &self.s.headers {
            let shadowed = op
                .parameters
                .iter()
                .any(|p| p.location == Location::Header && p.name.eq_ignore_ascii_case(&h.name));
            if !shadowed {
                params.push(json!({"$ref": format!("#/components/parameters/{}", header_component(&h.name))}));
            }
        }
        let mut form = Vec::new();
        for p in &op.parameters {
            match p.location {
                Location::Form => form.push(p),
                _ => params.push(self.parameter(p)),
            }
        }
        if !params.is_empty() {
            o.insert("parameters".into(), params.into());
        }
        // Form parameters move to the body: say where they were when that changes the order.
        let natural = op
            .parameters
            .iter()
            .filter(|p| p.location != Location::Form)
            .chain(form.iter().copied());
        if !natural.zip(&op.parameters).all(|(a, b)| std::ptr::eq(a, b)) {
            let names: Vec<Value> = op
                .parameters
                .iter()
                .map(|p| p.name.clone().into())
                .collect();
            o.insert(doc_ext::PARAMETER_ORDER.into(), names.into());
        }
        match (&op.body, form.is_empty()) {
            (Some(b), true) => {
                o.insert("requestBody".into(), self.body(b));
            }
            (None, false) => {
                o.insert("requestBody".into(), self.form_body(&form));
            }
            (Some(b), false) => {
                o.insert("requestBody".into(), self.body(b));
                self.diagnostics.push(
                    Diagnostic::new(
                        W_OPERATION,
                        format!("{}: form parameters beside a body have no place in OpenAPI; their schema is in x-apibuilder-form", op.label()),
                    )
                    .at(op.loc.clone()),
                );
                let schema = self.form_body(&form)["content"]["application/json"]["schema"].take();
                o.insert(doc_ext::FORM.into(), schema);
            }
            (None, true) => {}
        }
        let mut responses = Map::new();
        for resp in &op.responses {
            responses.insert(resp.code.to_string(), self.response(resp));
        }
        o.insert("responses".into(), Value::Object(responses));
        schema::attributes(&mut o, &op.attributes);
        Value::Object(o)
    }

    /// `<resource>.<method name>` (API Builder's generator naming), unique in the document.
    fn operation_id(&mut self, r: &ir::Resource, op: &ir::Operation) -> String {
        let base = format!(
            "{}.{}",
            r.plural,
            crate::gen::naming::operation_name(&op.method_text, &r.path, &op.path)
        );
        let mut id = base.clone();
        let mut n = 2;
        while !self.operation_ids.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }

    fn param_schema(&self, p: &ir::Parameter) -> Value {
        let mut v = self.schemas.type_ref(&p.ty.r);
        let o = as_map(&mut v);
        if let Some(d) = &p.default {
            schema::put_default(o, d, &p.ty.r, p.minimum, p.maximum);
        }
        schema::bounds(o, &p.ty.r, p.minimum, p.maximum);
        if let Some(e) = &p.example {
            o.insert("examples".into(), json!([schema::typed_value(e, &p.ty.r)]));
        }
        v
    }

    fn parameter(&self, p: &ir::Parameter) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), p.name.clone().into());
        let location = match p.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "query",
        };
        o.insert("in".into(), location.into());
        if let Some(d) = &p.description {
            o.insert("description".into(), d.clone().into());
        }
        o.insert(
            "required".into(),
            (p.required || p.location == Location::Path).into(),
        );
        schema::deprecation(&mut o, &p.deprecation);
        o.insert("schema".into(), self.param_schema(p));
        schema::attributes(&mut o, &p.attributes);
        Value::Object(o)
    }

    fn form_body(&self, form: &[&ir::Parameter]) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        for p in form {
            let mut v = self.param_schema(p);
            let o = as_map(&mut v);
            if let Some(d) = &p.description {
                o.insert("description".into(), d.clone().into());
            }
            schema::deprecation(o, &p.deprecation);
            schema::attributes(o, &p.attributes);
            if p.required {
                required.push(Value::from(p.name.clone()));
            }
            props.insert(p.name.clone(), v);
        }
        let mut s = Map::new();
        s.insert("type".into(), "object".into());
        s.insert("properties".into(), Value::Object(props));
        let any_required = !required.is_empty();
        if any_required {
            s.insert("required".into(), required.into());
        }
        json!({
            "required": any_required,
            "content": { "application/json": { "schema": s } },
            doc_ext::FORM: true,
        })
    }

    fn body(&self, b: &ir::Body) -> Value {
        let mut o = Map::new();
        if let Some(d) = &b.description {
            o.insert("description".into(), d.clone().into());
        }
        o.insert(
            "content".into(),
            json!({ "application/json": { "schema": self.schemas.type_ref(&b.ty.r) } }),
        );
        o.insert("required".into(), true.into());
        if let Some(d) = &b.deprecation {
            let mut tmp = Map::new();
            schema::deprecation(&mut tmp, &Some(d.clone()));
            if let Some(v) = tmp.remove(ext::DEPRECATION) {
                o.insert(ext::DEPRECATION.into(), v);
            }
        }
        schema::attributes(&mut o, &b.attributes);
        Value::Object(o)
    }

    fn response(&self, r: &ir::Response) -> Value {
        let mut o = Map::new();
        o.insert(
            "description".into(),
            r.description.clone().unwrap_or_default().into(),
        );
        if !r.headers.is_empty() {
            let headers: Map<String, Value> = r
                .headers
                .iter()
                .map(|h| {
                    let mut p = self.header_parameter(h);
                    let po = as_map(&mut p);
                    po.remove("name");
                    po.remove("in");
                    (h.name.clone(), p)
                })
                .collect();
            o.insert("headers".into(), Value::Object(headers));
        }
        if r.ty.r != TypeRef::Primitive(ir::Primitive::Unit) {
            o.insert(
                "content".into(),
                json!({ "application/json": { "schema": self.schemas.type_ref(&r.ty.r) } }),
            );
        }
        if let Some(d) = &r.deprecation {
            let mut tmp = Map::new();
            schema::deprecation(&mut tmp, &Some(d.clone()));
            if let Some(v) = tmp.remove(ext::DEPRECATION) {
                o.insert(ext::DEPRECATION.into(), v);
            }
        }
        schema::attributes(&mut o, &r.attributes);
        Value::Object(o)
    }

    /// A header as a parameter object (`in: header`); response headers drop `name` and `in`.
    fn header_parameter(&self, h: &ir::Header) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), h.name.clone().into());
        o.insert("in".into(), "header".into());
        if let Some(d) = &h.description {
            o.insert("description".into(), d.clone().into());
        }
        o.insert("required".into(), h.required.into());
        schema::deprecation(&mut o, &h.deprecation);
        let mut sch = self.schemas.type_ref(&h.ty.r);
        if let Some(d) = &h.default {
            schema::put_default(as_map(&mut sch), d, &h.ty.r, None, None);
        }
        o.insert("schema".into(), sch);
        schema::attributes(&mut o, &h.attributes);
        Value::Object(o)
    }
}

fn header_component(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("header.{clean}")
}

/// A resource as a tag: its type is the tag's name.
fn tag(r: &ir::Resource, operation_ids: Vec<Value>) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), r.ty.text.clone().into());
    if let Some(d) = &r.description {
        o.insert("description".into(), d.clone().into());
    }
    o.insert(doc_ext::RESOURCE_TYPE.into(), true.into());
    o.insert(doc_ext::PATH.into(), r.path.clone().into());
    o.insert(doc_ext::OPERATIONS.into(), operation_ids.into());
    if crate::names::pluralize(r.ty.text.rsplit('.').next().unwrap_or(&r.ty.text)) != r.plural {
        o.insert(ext::PLURAL.into(), r.plural.clone().into());
    }
    if let Some(d) = &r.deprecation {
        let mut tmp = Map::new();
        schema::deprecation(&mut tmp, &Some(d.clone()));
        if let Some(v) = tmp.remove(ext::DEPRECATION) {
            o.insert(ext::DEPRECATION.into(), v);
        }
    }
    schema::attributes(&mut o, &r.attributes);
    Value::Object(o)
}

/// `/users/:id.json` → `/users/{id}.json`; the flag is false when the OpenAPI form does not
/// give the API Builder path back (no leading `/`, or braces in the path).
pub fn openapi_path(path: &str) -> (String, bool) {
    let mut out = String::new();
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match seg.strip_prefix(':') {
            Some(rest) => {
                let end = rest.find('.').unwrap_or(rest.len());
                out.push('{');
                out.push_str(&rest[..end]);
                out.push('}');
                out.push_str(&rest[end..]);
            }
            None => out.push_str(seg),
        }
    }
    let mut exact = !path.contains(['{', '}']);
    if !out.starts_with('/') {
        out.insert(0, '/');
        exact = false;
    }
    let exact = exact && api_builder_path(&out) == path;
    (out, exact)
}

/// `/users/{id}.json` → `/users/:id.json`.
pub fn api_builder_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            out.push(':');
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                out.push(c);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub const W_OPERATION: &crate::diag::Code = &super::W2201;
pub const W_NOT_BUNDLED: &crate::diag::Code = &super::W2202;

#[cfg(feature = "yaml")]
/// YAML text of a document (saphyr's emitter; block style, keys in document order).
pub fn to_yaml(v: &Value) -> String {
    let y = yaml_of(v);
    let mut out = String::new();
    let mut emitter = saphyr::YamlEmitter::new(&mut out);
    emitter.multiline(true);
    if emitter.dump(&y).is_err() {
        return String::new();
    }
    out.push('\n');
    out
}

#[cfg(feature = "yaml")]
fn yaml_of(v: &Value) -> saphyr::Yaml<'static> {
    use saphyr::{Scalar, Yaml};
    use std::borrow::Cow;
    match v {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Yaml::Value(Scalar::Integer(i)),
            (None, Some(f)) => Yaml::Value(Scalar::FloatingPoint(f.into())),
            _ => Yaml::Value(Scalar::String(Cow::Owned(n.to_string()))),
        },
        Value::String(s) => Yaml::Value(Scalar::String(Cow::Owned(s.clone()))),
        Value::Array(a) => Yaml::Sequence(a.iter().map(yaml_of).collect()),
        Value::Object(m) => {
            let mut map = saphyr::Mapping::new();
            for (k, v) in m {
                map.insert(
                    Yaml::Value(Scalar::String(Cow::Owned(k.clone()))),
                    yaml_of(v),
                );
            }
            Yaml::Mapping(map)
        }
    }
}
