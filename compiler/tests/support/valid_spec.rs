//! A generator of *valid* API Builder specs for property tests (`gen_random`, `props_*`).
//!
//! [`spec`] is a proptest strategy of [`SpecD`] descriptors over the IR's shapes; [`build`] turns
//! one into `main`'s api.json, which imports [`common`]: models with primitive, list, map, enum,
//! union, imported and recursive fields with bounds, descriptions and `personal_data`
//! annotations; unions with and without a discriminator, unions of unions; resources whose
//! operations use every parameter location (path, query, header, form), bodies and documented
//! responses. Every reference is taken modulo what exists, so every descriptor builds a spec
//! that `charter check` accepts (the tests assert it).
//!
//! [`runner`] is deterministic: the same cases on every run, so CI never flakes.

#![allow(dead_code)] // each test target uses a part of it

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

pub const PRIMS: &[&str] = &[
    "boolean",
    "date-iso8601",
    "date-time-iso8601",
    "decimal",
    "double",
    "integer",
    "long",
    "object",
    "json",
    "string",
    "uuid",
];
/// Primitives that can be written in a URL (path, query, header).
pub const URL_PRIMS: &[&str] = &[
    "boolean",
    "date-iso8601",
    "date-time-iso8601",
    "decimal",
    "double",
    "integer",
    "long",
    "string",
    "uuid",
];
pub const COMMON_NS: &str = "test.rnd.common.v0";
pub const MAIN_NS: &str = "test.rnd.main.v0";
/// The annotation the generator puts on some fields (declared in both services).
pub const PII: &str = "personal_data";

#[derive(Clone, Debug)]
pub enum Ty {
    Prim(usize),
    Enum(usize),
    Model(usize),
    Union(usize),
    /// `common`'s model (false) or enum (true).
    Imported(bool),
}

#[derive(Clone, Debug)]
pub struct FieldD {
    pub ty: Ty,
    /// 0 plain, 1 list, 2 map.
    pub coll: u8,
    pub required: bool,
    pub bounds: Option<(u8, u8)>,
    /// Annotated `personal_data`.
    pub pii: bool,
    /// Has a description.
    pub doc: bool,
    /// A name from [`FIELD_NAMES`] (the same one twice in a model falls back to `f<k>`).
    pub name: Option<usize>,
}

/// Field names besides `f<k>`: names that look like personal data (annotated or not), a Rust
/// keyword, camelCase, names of API Builder conventions.
pub const FIELD_NAMES: &[&str] = &[
    "id",
    "email",
    "name",
    "userId",
    "first_name",
    "createdAt",
    "phone",
    "type",
    "guid",
    "value",
    "ip_address",
    "self",
    "match",
    "description",
];

#[derive(Clone, Debug)]
pub struct UnionD {
    pub members: Vec<usize>,
    pub discriminator: bool,
    /// Another union (of a lower index) as a member.
    pub nested: Option<usize>,
    /// Named `u<i>_event`: an event union (the trace lists what its members emit).
    pub event: bool,
}

#[derive(Clone, Debug)]
pub struct ParamD {
    pub header: bool,
    /// Index into URL_PRIMS, or an enum when `enum_` is set.
    pub prim: usize,
    pub enum_: Option<usize>,
    pub list: bool,
    pub required: bool,
    pub bounds: Option<(u8, u8)>,
}

#[derive(Clone, Debug)]
pub struct ResourceD {
    pub model: usize,
    /// Which operations: list, get by id, post body, post form, put, delete (and `patch`).
    pub ops: [bool; 6],
    pub id: ParamD,
    pub params: Vec<ParamD>,
    /// `PATCH /:id` with this model (modulo the models) as its body, answering 204: a model
    /// that may be only sent.
    pub patch: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct SpecD {
    pub enums: Vec<u8>,
    pub models: Vec<Vec<FieldD>>,
    pub unions: Vec<UnionD>,
    pub resources: Vec<ResourceD>,
}

fn ty() -> impl Strategy<Value = Ty> {
    prop_oneof![
        4 => (0..PRIMS.len()).prop_map(Ty::Prim),
        1 => (0..8usize).prop_map(Ty::Enum),
        2 => (0..8usize).prop_map(Ty::Model),
        1 => (0..8usize).prop_map(Ty::Union),
        1 => any::<bool>().prop_map(Ty::Imported),
    ]
}

fn bounds() -> impl Strategy<Value = Option<(u8, u8)>> {
    prop::option::weighted(0.4, (0u8..5, 0u8..20).prop_map(|(a, b)| (a, a + b)))
}

fn field() -> impl Strategy<Value = FieldD> {
    (
        ty(),
        0u8..3,
        any::<bool>(),
        bounds(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, 0..FIELD_NAMES.len()),
    )
        .prop_map(|(ty, coll, required, bounds, pii, doc, name)| FieldD {
            ty,
            coll,
            required,
            bounds,
            pii,
            doc,
            name,
        })
}

fn param() -> impl Strategy<Value = ParamD> {
    (
        any::<bool>(),
        0..URL_PRIMS.len(),
        prop::option::weighted(0.3, 0..8usize),
        any::<bool>(),
        any::<bool>(),
        bounds(),
    )
        .prop_map(|(header, prim, enum_, list, required, bounds)| ParamD {
            header,
            prim,
            enum_,
            list: list && !header,
            required,
            bounds,
        })
}

/// The strategy of spec descriptors.
pub fn spec() -> impl Strategy<Value = SpecD> {
    (
        prop::collection::vec(1u8..4, 0..3),
        prop::collection::vec(prop::collection::vec(field(), 1..5), 1..6),
        prop::collection::vec(
            (
                prop::collection::vec(0..8usize, 1..3),
                any::<bool>(),
                prop::option::weighted(0.3, 0..8usize),
                prop::bool::weighted(0.3),
            )
                .prop_map(|(members, discriminator, nested, event)| UnionD {
                    members,
                    discriminator,
                    nested,
                    event,
                }),
            0..3,
        ),
        prop::collection::vec(
            (
                0..8usize,
                prop::array::uniform6(any::<bool>()),
                param(),
                prop::collection::vec(param(), 0..4),
                prop::option::weighted(0.5, 0..8usize),
            )
                .prop_map(|(model, ops, id, params, patch)| ResourceD {
                    model,
                    ops,
                    id,
                    params,
                    patch,
                }),
            0..3,
        ),
    )
        .prop_map(|(enums, models, unions, resources)| SpecD {
            enums,
            models,
            unions,
            resources,
        })
}

/// A deterministic runner (ChaCha with proptest's fixed seed).
pub fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// `n` descriptors from the deterministic runner: the same on every run.
pub fn samples(n: u32) -> Vec<SpecD> {
    let mut runner = runner();
    let strategy = spec();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The number of cases: `var` from the environment, else `default`.
pub fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn union_name(i: usize, u: &UnionD) -> String {
    if u.event {
        format!("u{i}_event")
    } else {
        format!("u{i}")
    }
}

/// The spec's JSON, valid by construction: references are taken modulo what exists, each model
/// is a member of at most one union, nested unions point to lower indexes and share the
/// discriminator, bounds sit only where API Builder allows them.
pub fn build(d: &SpecD) -> Value {
    let n_models = d.models.len();
    let n_enums = d.enums.len();
    let mut enums = Map::new();
    for (i, n) in d.enums.iter().enumerate() {
        let values: Vec<Value> = (0..*n).map(|v| json!({"name": format!("v{v}")})).collect();
        enums.insert(format!("e{i}"), json!({ "values": values }));
    }
    // Unions: members are models not taken by another union.
    let mut taken = vec![false; n_models];
    let mut unions_out: Vec<(String, Value, bool)> = Vec::new();
    for (i, u) in d.unions.iter().enumerate() {
        let mut types = Vec::new();
        for m in &u.members {
            let m = m % n_models;
            if !taken[m] {
                taken[m] = true;
                types.push(json!({"type": format!("m{m}")}));
            }
        }
        if let Some(j) = u.nested {
            if i > 0 {
                let j = j % i;
                let (ref name, _, disc) = unions_out[j];
                if disc == u.discriminator && !unions_out[j].1.is_null() {
                    types.push(json!({"type": name}));
                }
            }
        }
        if types.is_empty() {
            unions_out.push((union_name(i, u), Value::Null, u.discriminator));
            continue;
        }
        let mut body = json!({ "types": types });
        if u.discriminator {
            body["discriminator"] = json!("kind");
        }
        unions_out.push((union_name(i, u), body, u.discriminator));
    }
    let live_unions: Vec<usize> = unions_out
        .iter()
        .enumerate()
        .filter(|(_, u)| !u.1.is_null())
        .map(|(i, _)| i)
        .collect();
    let type_name = |t: &Ty| -> String {
        match t {
            Ty::Prim(p) => PRIMS[*p].to_owned(),
            Ty::Enum(e) if n_enums > 0 => format!("e{}", e % n_enums),
            Ty::Union(u) if !live_unions.is_empty() => {
                unions_out[live_unions[u % live_unions.len()]].0.clone()
            }
            Ty::Imported(false) => format!("{COMMON_NS}.models.address"),
            Ty::Imported(true) => format!("{COMMON_NS}.enums.kind"),
            Ty::Model(m) | Ty::Enum(m) | Ty::Union(m) => format!("m{}", m % n_models),
        }
    };
    let mut models = Map::new();
    for (i, fields) in d.models.iter().enumerate() {
        let mut used = std::collections::HashSet::new();
        let fs: Vec<Value> = fields
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let base = type_name(&f.ty);
                let t = match f.coll {
                    1 => format!("[{base}]"),
                    2 => format!("map[{base}]"),
                    _ => base.clone(),
                };
                // Required self-references make a value with no end: keep them optional.
                let recursive = base == format!("m{i}") && f.coll == 0;
                let name = match f.name.map(|n| FIELD_NAMES[n]) {
                    Some(n) if !used.contains(n) => n.to_owned(),
                    _ => format!("f{k}"),
                };
                used.insert(name.clone());
                let mut v = json!({"name": name, "type": t,
                                   "required": f.required && !recursive});
                let boundable = f.coll == 1
                    || (f.coll == 0 && matches!(base.as_str(), "string" | "integer" | "long"));
                if let (Some((lo, hi)), true) = (f.bounds, boundable) {
                    v["minimum"] = json!(lo);
                    v["maximum"] = json!(hi);
                }
                if f.pii {
                    v["annotations"] = json!([PII]);
                }
                if f.doc {
                    v["description"] = json!(format!("Field {k} of model {i}."));
                }
                v
            })
            .collect();
        models.insert(format!("m{i}"), json!({ "fields": fs }));
    }
    let url_type = |p: &ParamD| -> String {
        match p.enum_ {
            Some(e) if n_enums > 0 => format!("e{}", e % n_enums),
            _ => URL_PRIMS[p.prim].to_owned(),
        }
    };
    let param_json = |name: String, p: &ParamD, location: &str, allow_list: bool| -> Value {
        let base = url_type(p);
        let list = p.list && allow_list;
        let t = if list {
            format!("[{base}]")
        } else {
            base.clone()
        };
        let mut v = json!({"name": name, "type": t, "location": location,
                           "required": p.required || location == "Path"});
        if let Some((lo, hi)) = p.bounds {
            if list || matches!(base.as_str(), "string" | "integer" | "long") {
                v["minimum"] = json!(lo);
                v["maximum"] = json!(hi);
            }
        }
        v
    };
    let mut resources = Map::new();
    for r in &d.resources {
        let m = format!("m{}", r.model % n_models);
        if resources.contains_key(&m) {
            continue;
        }
        let path = format!("/r{}", r.model % n_models);
        let id = param_json("id".into(), &r.id, "Path", false);
        let query: Vec<Value> = r
            .params
            .iter()
            .enumerate()
            .map(|(k, p)| {
                if p.header {
                    param_json(format!("X-Param-{k}"), p, "Header", false)
                } else {
                    param_json(format!("q{k}"), p, "Query", true)
                }
            })
            .collect();
        let form: Vec<Value> = r
            .params
            .iter()
            .enumerate()
            .map(|(k, p)| param_json(format!("f{k}"), p, "Form", true))
            .collect();
        let mut ops = Vec::new();
        let [list, get, post, post_form, put, delete] = r.ops;
        if list || ops.is_empty() && !(get || post || post_form || put || delete) {
            ops.push(json!({"method": "GET", "parameters": query,
                "responses": {"200": {"type": format!("[{m}]")}}}));
        }
        if get {
            ops.push(
                json!({"method": "GET", "path": "/:id", "parameters": [id.clone()],
                "responses": {"200": {"type": m}, "404": {"type": "unit"}}}),
            );
        }
        if post {
            ops.push(json!({"method": "POST", "body": {"type": m},
                "responses": {"201": {"type": m}, "409": {"type": "[string]"}}}));
        }
        if post_form {
            ops.push(
                json!({"method": "POST", "path": "/form", "parameters": form,
                "responses": {"201": {"type": m}}}),
            );
        }
        if put {
            ops.push(
                json!({"method": "PUT", "path": "/:id", "parameters": [id.clone()],
                "body": {"type": m}, "responses": {"200": {"type": m}}}),
            );
        }
        if delete {
            let mut params = vec![id.clone()];
            params.extend(query.iter().filter(|q| q["location"] == "Header").cloned());
            ops.push(
                json!({"method": "DELETE", "path": "/:id", "parameters": params,
                "responses": {"204": {"type": "unit"}}}),
            );
        }
        if let Some(b) = r.patch {
            ops.push(
                json!({"method": "PATCH", "path": "/:id", "parameters": [id.clone()],
                "body": {"type": format!("m{}", b % n_models)},
                "responses": {"204": {"type": "unit"}}}),
            );
        }
        resources.insert(m, json!({"path": path, "operations": ops}));
    }
    let mut unions = Map::new();
    for (name, body, _) in unions_out {
        if !body.is_null() {
            unions.insert(name, body);
        }
    }
    json!({
        "name": "main",
        "namespace": MAIN_NS,
        "imports": [{"uri": "https://app.apibuilder.io/test/common/latest/service.json"}],
        "annotations": {PII: {"description": "Identifies a person."}},
        "enums": enums,
        "models": models,
        "unions": unions,
        "resources": resources,
    })
}

/// The imported service: a model with bounds, an enum and a `personal_data` field.
pub fn common() -> Value {
    json!({
        "name": "common",
        "namespace": COMMON_NS,
        "annotations": {PII: {"description": "Identifies a person."}},
        "enums": {"kind": {"values": [{"name": "a"}, {"name": "b"}]}},
        "models": {"address": {"fields": [
            {"name": "country", "type": "string", "minimum": 3, "maximum": 3},
            {"name": "kind", "type": "kind", "required": false},
            {"name": "lines", "type": "[string]", "required": false, "maximum": 4,
             "annotations": [PII]}
        ]}}
    })
}

/// The repo of `main` (pretty-printed, so findings have distinct lines) and `common`, as
/// `charter::check_sources` takes it.
pub fn sources(main: &Value) -> Vec<(PathBuf, String)> {
    sources_with(main, &common())
}

/// [`sources`] with another version of `common`.
pub fn sources_with(main: &Value, common: &Value) -> Vec<(PathBuf, String)> {
    vec![
        (
            PathBuf::from("common.json"),
            serde_json::to_string_pretty(common).unwrap(),
        ),
        (
            PathBuf::from("main.json"),
            serde_json::to_string_pretty(main).unwrap(),
        ),
    ]
}

/// Checks the repo and fails the test, with the spec, when it does not validate.
pub fn check_valid(main: &Value, what: &str) -> charter::Checked {
    check_valid_with(main, &common(), what)
}

/// [`check_valid`] with another version of `common`.
pub fn check_valid_with(main: &Value, common: &Value, what: &str) -> charter::Checked {
    let checked = charter::check_sources(sources_with(main, common), &charter::Options::default());
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{}: {} at {:?}",
                d.code.id,
                d.message,
                d.loc.as_ref().map(|l| &l.pointer)
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: the generator of valid specs made an invalid one: {errors:#?}\n{}",
        serde_json::to_string_pretty(main).unwrap()
    );
    checked
}

/// The element types a type string names (`[map[m1]]` → `m1`).
pub fn base_type(t: &str) -> &str {
    let mut t = t;
    loop {
        if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            t = inner;
        } else if let Some(inner) = t.strip_prefix("map[").and_then(|s| s.strip_suffix(']')) {
            t = inner;
        } else {
            return t;
        }
    }
}

/// Where `main`'s types are used, by an oracle independent of Charter's: a type is *sent* when
/// it is reachable from an operation body or parameter, *read* when reachable from a response
/// or an event union (`*_event`),
/// through model fields, union members, lists and maps (`main`'s own types only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub sent: bool,
    pub read: bool,
}

pub fn usage(main: &Value, ty: &str) -> Usage {
    usage_with(main, &common(), ty)
}

/// [`usage`] with another version of `common`; `ty` may be a type of `common`, qualified
/// (`test.rnd.common.v0.models.address`).
pub fn usage_with(main: &Value, common: &Value, ty: &str) -> Usage {
    let mut sent = Vec::new();
    let mut read = Vec::new();
    if let Some(rs) = main["resources"].as_object() {
        for r in rs.values() {
            for op in r["operations"].as_array().into_iter().flatten() {
                if let Some(b) = op["body"]["type"].as_str() {
                    sent.push(base_type(b).to_owned());
                }
                for p in op["parameters"].as_array().into_iter().flatten() {
                    sent.push(base_type(p["type"].as_str().unwrap()).to_owned());
                }
                for resp in op["responses"]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.values())
                {
                    read.push(base_type(resp["type"].as_str().unwrap()).to_owned());
                }
            }
        }
    }
    // Members of event unions (`*_event`) are read by consumers, like responses.
    for u in main["unions"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
    {
        if u.ends_with("_event") {
            read.push(u.clone());
        }
    }
    Usage {
        sent: reaches(main, common, sent, ty),
        read: reaches(main, common, read, ty),
    }
}

/// The types directly inside `name` (field types, union members); `common`'s types by their
/// qualified names.
pub fn children(main: &Value, common: &Value, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(local) = name.strip_prefix(&format!("{COMMON_NS}.models.")) {
        for f in common["models"][local]["fields"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let t = base_type(f["type"].as_str().unwrap());
            out.push(if is_primitive(t) {
                t.to_owned()
            } else {
                qualified(common, t)
            });
        }
        return out;
    }
    for f in main["models"][name]["fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        out.push(base_type(f["type"].as_str().unwrap()).to_owned());
    }
    for m in main["unions"][name]["types"]
        .as_array()
        .into_iter()
        .flatten()
    {
        out.push(m["type"].as_str().unwrap().to_owned());
    }
    out
}

fn is_primitive(t: &str) -> bool {
    PRIMS.contains(&t)
}

/// `kind` of `common` → `test.rnd.common.v0.enums.kind`.
fn qualified(common: &Value, t: &str) -> String {
    let kind = if common["enums"].get(t).is_some() {
        "enums"
    } else {
        "models"
    };
    format!("{COMMON_NS}.{kind}.{t}")
}

fn reaches(main: &Value, common: &Value, mut todo: Vec<String>, target: &str) -> bool {
    let mut seen = std::collections::HashSet::new();
    while let Some(t) = todo.pop() {
        if t == target {
            return true;
        }
        if seen.insert(t.clone()) {
            todo.extend(children(main, common, &t));
        }
    }
    false
}
