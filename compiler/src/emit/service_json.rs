//! IR → API Builder's resolved service.json form.
//!
//! The output is the `service` document as API Builder stores it (§4.1–4.3 of the reference):
//! keys in the declaration order of API Builder's spec model (`apibuilder-spec.json`), optional
//! values omitted rather than `null`, named arrays sorted by lower-cased name (resources by
//! lower-cased `type`, imports by URI), `parameter.location` capitalized, `response.code` as the
//! `response_code` union object, `required` always written, `discriminator_value` always set and
//! `info` always present. `apidoc` is deprecated and not written.

use crate::ir::{self, Form, Repo, ServiceId};
use serde_json::{json, Map, Value};

/// What `charter resolve` prints: [`to_value`] completed with the upload context API Builder
/// adds when it stores a service, so that the output is itself a valid service.json (it re-checks
/// clean). The api.json form carries no organization and its imports only a URI:
///
/// - the organization key is `organization` when given, else the segment of the namespace
///   before the application's words (`io.flow.billing.v0` → `flow`), else the application key;
/// - an import not in the repo gets the namespace its types are referenced under
///   (`io.flow.common.v0.models.money` → `io.flow.common.v0`), else the default namespace of
///   its application under the organization's namespace.
///
/// Returns the document and a note for each value that was derived rather than read.
pub fn resolved(repo: &Repo, id: ServiceId, organization: Option<&str>) -> (Value, Vec<String>) {
    let s = repo.service(id);
    let mut value = to_value(repo, id);
    let mut notes = Vec::new();
    let own_suffix = crate::names::default_namespace("", &s.application, &s.version);
    let org_namespace = s
        .namespace
        .strip_suffix(&own_suffix)
        .and_then(|p| p.strip_suffix('.'))
        .filter(|p| !p.is_empty());
    let org = if !s.organization.is_empty() {
        s.organization.clone()
    } else if let Some(o) = organization {
        o.to_string()
    } else {
        let derived = org_namespace
            .and_then(|p| p.rsplit('.').next())
            .map(str::to_string)
            .unwrap_or_else(|| s.application.clone());
        notes.push(format!(
            "organization key `{derived}` derived from namespace `{}` (set it with --organization)",
            s.namespace
        ));
        derived
    };
    value["organization"] = json!({ "key": org });
    // The types of imports outside the repo that the service uses: (namespace, kind, name).
    let mut external: Vec<(String, ir::TypeKind, String)> = Vec::new();
    let mut service = s.clone();
    crate::resolve::for_each_type_mut(&mut service, &mut |t| {
        if let ir::TypeRef::External {
            namespace,
            kind,
            name,
        } = t.r.innermost()
        {
            let key = (namespace.clone(), *kind, name.clone());
            if !external.contains(&key) {
                external.push(key);
            }
        }
    });
    let mut used: Vec<String> = external.iter().map(|(ns, _, _)| ns.clone()).collect();
    used.dedup();
    if let Some(records) = value["imports"].as_array_mut() {
        for record in records {
            let uri = record["uri"].as_str().unwrap_or_default().to_string();
            let Some(i) = s.imports.iter().find(|i| i.uri == uri) else {
                continue;
            };
            if i.target.is_none() && i.provided.is_none() {
                // The names the import provides, as far as this service shows them.
                let ns = record
                    .get("namespace")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let app = i.application.clone().unwrap_or_default();
                let mine = |n: &str| match &ns {
                    Some(ns) => n == ns,
                    None => !app.is_empty() && crate::resolve::namespace_mentions_app(n, &app),
                };
                for (key, kind) in [
                    ("enums", ir::TypeKind::Enum),
                    ("interfaces", ir::TypeKind::Interface),
                    ("unions", ir::TypeKind::Union),
                    ("models", ir::TypeKind::Model),
                ] {
                    let mut names: Vec<String> = external
                        .iter()
                        .filter(|(n, k, _)| *k == kind && mine(n))
                        .map(|(_, _, name)| name.clone())
                        .collect();
                    names.sort_by_cached_key(|n| n.to_lowercase());
                    names.dedup();
                    record[key] = strings(&names);
                }
            }
            if record.get("namespace").is_some() {
                continue;
            }
            let app = i.application.clone().unwrap_or_default();
            let ns = match used
                .iter()
                .find(|ns| !app.is_empty() && crate::resolve::namespace_mentions_app(ns, &app))
            {
                Some(ns) => ns.clone(),
                None => {
                    let import_org = i.organization.as_deref().unwrap_or(&org);
                    let base = match org_namespace {
                        Some(p) if import_org == org => p.to_string(),
                        _ => format!("io.{import_org}"),
                    };
                    let ns = crate::names::default_namespace(
                        &base,
                        &app,
                        i.version.as_deref().unwrap_or(""),
                    );
                    notes.push(format!(
                        "namespace of import {uri} assumed to be `{ns}` (no type of it is used)"
                    ));
                    ns
                }
            };
            if let Some(o) = record.as_object_mut() {
                // Keep the declaration order of the import record: `uri`, then `namespace`.
                let rest: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
                for (k, v) in rest {
                    let is_uri = k == "uri";
                    o.insert(k, v);
                    if is_uri {
                        o.insert("namespace".into(), ns.clone().into());
                    }
                }
            }
        }
    }
    (value, notes)
}

/// The resolved form of one service, as API Builder would store it.
pub fn to_value(repo: &Repo, id: ServiceId) -> Value {
    let s = repo.service(id);
    let mut o = Obj::new();
    o.put("name", s.name.as_str());
    o.put("organization", json!({ "key": s.organization }));
    o.put("application", json!({ "key": s.application }));
    o.put("namespace", s.namespace.as_str());
    o.put("version", s.version.as_str());
    o.opt("base_url", &s.base_url);
    o.opt("description", &s.description);
    o.put("info", info(&s.info));
    o.put("headers", list(&s.headers, header));
    o.put(
        "imports",
        sorted(&s.imports, |i| i.uri.to_lowercase(), |i| import(repo, i)),
    );
    o.put("enums", sorted(&s.enums, |e| e.name.to_lowercase(), enum_));
    o.put(
        "interfaces",
        sorted(&s.interfaces, |i| i.name.to_lowercase(), interface),
    );
    o.put(
        "unions",
        sorted(&s.unions, |u| u.name.to_lowercase(), union),
    );
    o.put(
        "models",
        sorted(&s.models, |m| m.name.to_lowercase(), model),
    );
    o.put(
        "resources",
        sorted(
            &s.resources,
            |r| r.ty.text.to_lowercase(),
            |r| resource(s.form, r),
        ),
    );
    o.put("attributes", list(&s.attributes, attribute));
    o.put(
        "annotations",
        list(&service_annotations(repo, s), annotation),
    );
    o.into()
}

/// An object under construction, keys kept in insertion order.
struct Obj(Map<String, Value>);

impl Obj {
    fn new() -> Obj {
        Obj(Map::new())
    }
    fn put(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.to_string(), value.into());
    }
    fn opt<T: Clone + Into<Value>>(&mut self, key: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.put(key, v.clone());
        }
    }
    fn deprecation(&mut self, d: &Option<ir::Deprecation>) {
        if let Some(d) = d {
            let mut o = Obj::new();
            o.opt("description", &d.description);
            self.put("deprecation", o);
        }
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        Value::Object(o.0)
    }
}

fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(f).collect())
}

/// Stable sort by `key` (ties keep declaration order), then map.
fn sorted<T>(items: &[T], key: impl Fn(&T) -> String, f: impl Fn(&T) -> Value) -> Value {
    let mut refs: Vec<&T> = items.iter().collect();
    refs.sort_by_cached_key(|t| key(t));
    Value::Array(refs.into_iter().map(f).collect())
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
}

fn info(i: &ir::Info) -> Value {
    let mut o = Obj::new();
    if let Some(l) = &i.license {
        let mut lo = Obj::new();
        lo.put("name", l.name.as_str());
        lo.opt("url", &l.url);
        o.put("license", lo);
    }
    if let Some(c) = &i.contact {
        let mut co = Obj::new();
        co.opt("name", &c.name);
        co.opt("url", &c.url);
        co.opt("email", &c.email);
        o.put("contact", co);
    }
    o.into()
}

fn attribute(a: &ir::Attribute) -> Value {
    let mut o = Obj::new();
    o.put("name", a.name.as_str());
    o.put("value", a.value.clone());
    o.opt("description", &a.description);
    o.deprecation(&a.deprecation);
    o.into()
}

fn annotation(a: &ir::Annotation) -> Value {
    let mut o = Obj::new();
    o.put("name", a.name.as_str());
    o.opt("description", &a.description);
    o.deprecation(&a.deprecation);
    o.into()
}

/// The service's annotations: its own, plus (for the authoring form, whose imports carry no
/// records) those of the imported services found in the repo, without repeating a name.
fn service_annotations(repo: &Repo, s: &ir::Service) -> Vec<ir::Annotation> {
    let mut out = s.annotations.clone();
    if s.form == Form::ApiJson {
        for import in &s.imports {
            let Some(target) = import.target else {
                continue;
            };
            for a in &repo.service(target).annotations {
                if !out.iter().any(|b| b.name == a.name) {
                    out.push(a.clone());
                }
            }
        }
    }
    out
}

/// An import record: what the import carries (service.json form), completed from the imported
/// service when it is in the repo.
fn import(repo: &Repo, i: &ir::Import) -> Value {
    let target = i.target.map(|t| repo.service(t));
    let mut o = Obj::new();
    o.put("uri", i.uri.as_str());
    let or_target = |own: &Option<String>, f: fn(&ir::Service) -> &String| {
        own.clone().or_else(|| target.map(|t| f(t).clone()))
    };
    o.opt("namespace", &or_target(&i.namespace, |t| &t.namespace));
    if let Some(org) = or_target(&i.organization, |t| &t.organization) {
        o.put("organization", json!({ "key": org }));
    }
    if let Some(app) = or_target(&i.application, |t| &t.application) {
        o.put("application", json!({ "key": app }));
    }
    o.opt("version", &or_target(&i.version, |t| &t.version));
    let provided = match (&i.provided, target) {
        (Some(p), _) => p.clone(),
        (None, Some(t)) => provided_by(t),
        (None, None) => ir::ProvidedNames::default(),
    };
    o.put("enums", strings(&provided.enums));
    o.put("interfaces", strings(&provided.interfaces));
    o.put("unions", strings(&provided.unions));
    o.put("models", strings(&provided.models));
    let annotations = match (i.annotations.is_empty(), target) {
        (true, Some(t)) => &t.annotations,
        _ => &i.annotations,
    };
    o.put("annotations", list(annotations, annotation));
    o.into()
}

/// The names a service offers to importers, sorted as its resolved form lists them.
fn provided_by(s: &ir::Service) -> ir::ProvidedNames {
    fn names<'a>(it: impl Iterator<Item = &'a String>) -> Vec<String> {
        let mut v: Vec<String> = it.cloned().collect();
        v.sort_by_cached_key(|n| n.to_lowercase());
        v
    }
    ir::ProvidedNames {
        enums: names(s.enums.iter().map(|e| &e.name)),
        interfaces: names(s.interfaces.iter().map(|e| &e.name)),
        unions: names(s.unions.iter().map(|e| &e.name)),
        models: names(s.models.iter().map(|e| &e.name)),
    }
}

fn enum_(e: &ir::Enum) -> Value {
    let mut o = Obj::new();
    o.put("name", e.name.as_str());
    o.put("plural", e.plural.as_str());
    o.opt("description", &e.description);
    o.deprecation(&e.deprecation);
    o.put("values", list(&e.values, enum_value));
    o.put("attributes", list(&e.attributes, attribute));
    o.into()
}

fn enum_value(v: &ir::EnumValue) -> Value {
    let mut o = Obj::new();
    o.put("name", v.name.as_str());
    o.opt("description", &v.description);
    o.deprecation(&v.deprecation);
    o.put("attributes", list(&v.attributes, attribute));
    o.opt("value", &v.value);
    o.into()
}

fn interface(i: &ir::Interface) -> Value {
    let mut o = Obj::new();
    o.put("name", i.name.as_str());
    o.put("plural", i.plural.as_str());
    o.opt("description", &i.description);
    o.deprecation(&i.deprecation);
    o.put("fields", list(&i.fields, field));
    o.put("attributes", list(&i.attributes, attribute));
    o.into()
}

fn union(u: &ir::Union) -> Value {
    let mut o = Obj::new();
    o.put("name", u.name.as_str());
    o.put("plural", u.plural.as_str());
    o.opt("discriminator", &u.discriminator);
    o.opt("description", &u.description);
    o.deprecation(&u.deprecation);
    o.put("types", list(&u.types, union_type));
    o.put("attributes", list(&u.attributes, attribute));
    o.put(
        "interfaces",
        Value::Array(u.interfaces.iter().map(|n| n.name.clone().into()).collect()),
    );
    o.into()
}

fn union_type(t: &ir::UnionType) -> Value {
    let mut o = Obj::new();
    o.put("type", t.ty.text.as_str());
    o.opt("description", &t.description);
    o.deprecation(&t.deprecation);
    o.put("attributes", list(&t.attributes, attribute));
    o.opt("default", &t.default);
    o.put("discriminator_value", t.discriminator_value.as_str());
    o.into()
}

fn model(m: &ir::Model) -> Value {
    let mut o = Obj::new();
    o.put("name", m.name.as_str());
    o.put("plural", m.plural.as_str());
    o.opt("description", &m.description);
    o.deprecation(&m.deprecation);
    o.put("fields", list(&m.fields, field));
    o.put("attributes", list(&m.attributes, attribute));
    o.put(
        "interfaces",
        Value::Array(m.interfaces.iter().map(|n| n.name.clone().into()).collect()),
    );
    o.into()
}

fn field(f: &ir::Field) -> Value {
    let mut o = Obj::new();
    o.put("name", f.name.as_str());
    o.put("type", f.ty.text.as_str());
    o.opt("description", &f.description);
    o.deprecation(&f.deprecation);
    o.opt("default", &f.default);
    o.put("required", f.required);
    o.opt("minimum", &f.minimum);
    o.opt("maximum", &f.maximum);
    o.opt("example", &f.example);
    o.put("attributes", list(&f.attributes, attribute));
    o.put(
        "annotations",
        Value::Array(
            f.annotations
                .iter()
                .map(|a| a.name.clone().into())
                .collect(),
        ),
    );
    o.into()
}

fn resource(form: Form, r: &ir::Resource) -> Value {
    let mut o = Obj::new();
    o.put("type", r.ty.text.as_str());
    o.put("plural", r.plural.as_str());
    // The builder always fills the path; an old resolved file without one is kept without one.
    if form == Form::ApiJson || r.explicit_path {
        o.put("path", r.path.as_str());
    }
    o.opt("description", &r.description);
    o.deprecation(&r.deprecation);
    o.put("operations", list(&r.operations, operation));
    o.put("attributes", list(&r.attributes, attribute));
    o.into()
}

fn operation(op: &ir::Operation) -> Value {
    let mut o = Obj::new();
    o.put(
        "method",
        op.method
            .map(ir::Method::as_str)
            .unwrap_or(op.method_text.as_str()),
    );
    o.put("path", op.path.as_str());
    o.opt("description", &op.description);
    o.deprecation(&op.deprecation);
    if let Some(b) = &op.body {
        o.put("body", body(b));
    }
    o.put("parameters", list(&op.parameters, parameter));
    o.put("responses", list(&op.responses, response));
    o.put("attributes", list(&op.attributes, attribute));
    o.into()
}

fn body(b: &ir::Body) -> Value {
    let mut o = Obj::new();
    o.put("type", b.ty.text.as_str());
    o.opt("description", &b.description);
    o.deprecation(&b.deprecation);
    o.put("attributes", list(&b.attributes, attribute));
    o.into()
}

fn parameter(p: &ir::Parameter) -> Value {
    let mut o = Obj::new();
    o.put("name", p.name.as_str());
    o.put("type", p.ty.text.as_str());
    o.put("location", p.location.as_str());
    o.opt("description", &p.description);
    o.deprecation(&p.deprecation);
    o.put("required", p.required);
    o.opt("default", &p.default);
    o.opt("minimum", &p.minimum);
    o.opt("maximum", &p.maximum);
    o.opt("example", &p.example);
    o.put("attributes", list(&p.attributes, attribute));
    o.into()
}

/// The `response_code` union: `{"integer": {"value": 200}}` or `{"response_code_option": "Default"}`.
pub fn response_code(code: ir::ResponseCode) -> Value {
    match code {
        ir::ResponseCode::Code(c) => json!({ "integer": { "value": c } }),
        ir::ResponseCode::Default => json!({ "response_code_option": "Default" }),
    }
}

fn response(r: &ir::Response) -> Value {
    let mut o = Obj::new();
    o.put("code", response_code(r.code));
    o.put("type", r.ty.text.as_str());
    if !r.headers.is_empty() {
        o.put("headers", list(&r.headers, header));
    }
    o.opt("description", &r.description);
    o.deprecation(&r.deprecation);
    o.put("attributes", list(&r.attributes, attribute));
    o.into()
}

fn header(h: &ir::Header) -> Value {
    let mut o = Obj::new();
    o.put("name", h.name.as_str());
    o.put("type", h.ty.text.as_str());
    o.opt("description", &h.description);
    o.deprecation(&h.deprecation);
    o.put("required", h.required);
    o.opt("default", &h.default);
    o.put("attributes", list(&h.attributes, attribute));
    o.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const CORPUS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/service-json"
    );

    fn resolve_text(name: &str, text: String) -> (crate::Checked, Value) {
        let checked = crate::check_sources(
            vec![(PathBuf::from(name), text)],
            &crate::Options::default(),
        );
        assert!(!checked.repo.services.is_empty(), "{name}: no service");
        let v = to_value(&checked.repo, ServiceId(0));
        (checked, v)
    }

    /// Removes what the stored form may legitimately differ on: `apidoc`, explicit `null`s, empty
    /// arrays and `info: {}` (absent in old files, always written now), and the response code
    /// shapes of old writers (`200`, `{"response_code": {"value": 200}}`).
    fn normalize(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for x in m.values_mut() {
                    normalize(x);
                }
                m.remove("apidoc");
                m.retain(|_, x| !x.is_null() && !matches!(x, Value::Array(a) if a.is_empty()));
                if let Some(code) = m.get_mut("code") {
                    if let Some(n) = code.as_u64() {
                        *code = json!({ "integer": { "value": n } });
                    } else if let Some(inner) = code.get("response_code").cloned() {
                        *code = json!({ "integer": inner });
                    }
                }
                // A contact with no part is dropped by API Builder; `info: {}` is the default.
                for key in ["contact", "info"] {
                    if m.get(key)
                        .and_then(Value::as_object)
                        .is_some_and(|o| o.is_empty())
                    {
                        m.remove(key);
                    }
                }
                // Old writers left `discriminator_value` out of union types; it defaults to the
                // (inner) type name.
                if let Some(Value::Array(types)) = m.get_mut("types") {
                    for t in types.iter_mut().filter_map(Value::as_object_mut) {
                        if !t.contains_key("discriminator_value") {
                            if let Some(ty) = t.get("type").and_then(Value::as_str) {
                                let inner = ty.trim_start_matches("map[").trim_start_matches('[');
                                let inner = inner.trim_end_matches(']').to_string();
                                t.insert("discriminator_value".into(), inner.into());
                            }
                        }
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(normalize),
            _ => {}
        }
    }

    /// Where two values first differ, as a JSON pointer and a short reason.
    fn first_diff(a: &Value, b: &Value, at: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x {
                    match y.get(k) {
                        None => return Some(format!("{at}/{k}: only in the original")),
                        Some(w) => {
                            if let Some(d) = first_diff(v, w, &format!("{at}/{k}")) {
                                return Some(d);
                            }
                        }
                    }
                }
                y.keys()
                    .find(|k| !x.contains_key(*k))
                    .map(|k| format!("{at}/{k}: only in the output"))
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_diff(v, w, &format!("{at}/{i}"))),
            (Value::Array(x), Value::Array(y)) => Some(format!(
                "{at}: {} elements in the original, {} in the output",
                x.len(),
                y.len()
            )),
            _ if a == b => None,
            _ => Some(format!("{at}: {a} vs {b}")),
        }
    }

    /// Corpus files whose resolved form Charter writes back exactly (after [`normalize`]).
    ///
    /// They cover 2014–2026 writers: legacy response codes (`apidoc-api@52c5395`), `"info": []`
    /// (`form-params`), imports (`reference-with-imports`, `fulfillment.service`), unions with and
    /// without explicit discriminator values, `Default` responses (`status-codes`).
    const ROUND_TRIP: &[&str] = &[
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__service.json",
        "apicollective__apibuilder-generator__reference-api__service.json",
        "apicollective__apibuilder-generator__generator__test__resources__examples__apidoc.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__apidoc-api@52c5395.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__apidoc-example-union-types-primitives.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__built-in-types.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__collection-json-defaults.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__reference-with-imports.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__form-params.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__status-codes.json",
        "apicollective__apibuilder-js-generator__test__fixtures__forms__apibuilder-spec.json",
        "apicollective__apibuilder-swagger-generator__test__resources__service__hbcmobile-wishlist-api.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-api-service.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-union-discriminator-value.json",
        "apicollective__apibuilder__core__test__resources__apibuilder-service.json",
        "apicollective__ui__src__exampleService.json",
        "flowcommerce__lib-apidoc__test__codegen__fulfillment.service.json",
    ];

    #[test]
    fn corpus_round_trip() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
            .expect("corpus")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let mut same = Vec::new();
        for path in &files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(path).expect("corpus file");
            let mut original: Value = serde_json::from_str(&text).expect("json");
            if original.get("name").is_none() {
                if let Some(inner) = original.get("service").cloned() {
                    original = inner;
                }
            }
            let (_, mut out) = resolve_text(&name, text);
            normalize(&mut original);
            normalize(&mut out);
            match first_diff(&original, &out, "") {
                None => same.push(name),
                Some(why) => println!("differs: {name}: {why}"),
            }
        }
        println!(
            "{} of {} round-trip exactly:\n  {}",
            same.len(),
            files.len(),
            same.join("\n  ")
        );
        for f in ROUND_TRIP {
            assert!(same.iter().any(|s| s == f), "{f} no longer round-trips");
        }
        assert!(ROUND_TRIP.len() >= 10, "pick at least 10 files");
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;
    use std::path::PathBuf;

    const SPEC: &str = r#"{
      "name": "Demo", "organization": {"key": "acme"}, "application": {"key": "demo"},
      "namespace": "com.acme.demo.v0", "version": "1.2.3", "apidoc": {"version": "0.9"},
      "enums": [{"name": "Size", "plural": "sizes", "values": [{"name": "s"}]},
                {"name": "color", "plural": "colors", "values": [{"name": "red", "value": "RED"}]}],
      "unions": [{"name": "thing", "plural": "things", "types": [{"type": "[user]"}]}],
      "models": [{"name": "user", "plural": "users", "fields": [
          {"name": "id", "type": "uuid", "deprecation": {"description": "old"}},
          {"name": "n", "type": "integer", "required": false, "default": 3, "minimum": 0}]}],
      "resources": [{"type": "user", "plural": "users", "path": "/users", "operations": [
          {"method": "GET", "path": "/users/:id",
           "parameters": [{"name": "id", "type": "uuid", "location": "Path"}],
           "responses": [{"code": {"integer": {"value": 200}}, "type": "user", "headers": []},
                         {"code": {"response_code_option": "Default"}, "type": "unit",
                          "headers": [{"name": "X-Id", "type": "string"}]}]}]}]
    }"#;

    fn emitted() -> Value {
        let checked = crate::check_sources(
            vec![(PathBuf::from("demo.json"), SPEC.to_string())],
            &crate::Options::default(),
        );
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        to_value(&checked.repo, ServiceId(0))
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn keys_follow_the_spec_model_order() {
        let v = emitted();
        assert_eq!(
            keys(&v),
            [
                "name",
                "organization",
                "application",
                "namespace",
                "version",
                "info",
                "headers",
                "imports",
                "enums",
                "interfaces",
                "unions",
                "models",
                "resources",
                "attributes",
                "annotations"
            ]
        );
        let field = &v["models"][0]["fields"][1];
        assert_eq!(
            keys(field),
            [
                "name",
                "type",
                "default",
                "required",
                "minimum",
                "attributes",
                "annotations"
            ]
        );
        assert_eq!(
            keys(&v["resources"][0]["operations"][0]["parameters"][0]),
            ["name", "type", "location", "required", "attributes"]
        );
        assert_eq!(
            keys(&v["enums"][0]["values"][0]),
            ["name", "attributes", "value"]
        );
    }

    #[test]
    fn resolved_form_conventions() {
        let v = emitted();
        assert!(v.get("apidoc").is_none());
        assert_eq!(v["info"], json!({}));
        // Sorted by lower-cased name.
        assert_eq!(v["enums"][0]["name"], "color");
        assert_eq!(v["enums"][1]["name"], "Size");
        // `required` always written, `default` as a string, no nulls.
        let id = &v["models"][0]["fields"][0];
        assert_eq!(id["required"], true);
        assert_eq!(id["deprecation"], json!({"description": "old"}));
        assert!(id.get("description").is_none());
        assert_eq!(v["models"][0]["fields"][1]["default"], "3");
        // Union types always carry their discriminator value.
        assert_eq!(v["unions"][0]["types"][0]["discriminator_value"], "user");
        let op = &v["resources"][0]["operations"][0];
        assert_eq!(op["parameters"][0]["location"], "Path");
        let (ok, default) = (&op["responses"][0], &op["responses"][1]);
        assert_eq!(ok["code"], json!({"integer": {"value": 200}}));
        assert!(ok.get("headers").is_none(), "empty headers are omitted");
        assert_eq!(ok["attributes"], json!([]));
        assert_eq!(default["code"], json!({"response_code_option": "Default"}));
        assert_eq!(default["headers"][0]["required"], true);
    }
}
