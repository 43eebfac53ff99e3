//! Random *valid* specs through the generator: proptest builds repos of two services (`main`
//! imports `common`) over the IR's shapes — models with primitive, list, map, enum, union,
//! imported and recursive fields with bounds; unions with and without a discriminator, unions of
//! unions; resources whose operations use every parameter location (path, query, header, form)
//! and bodies — checks that Charter accepts each, generates it with `--server --mock`, that every
//! file parses, and that all of them together compile under `cargo clippy -- -D warnings` (one
//! crate, a module per case, so the cost is one build; it shares `gen_corpus`'s target dir).
//!
//! The runner is deterministic (the same cases every run, so CI never flakes); set
//! `CHARTER_RANDOM_CASES` for more cases locally.

use charter::gen::{self, krate, Settings};
use charter::{check_sources, Options};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const PRIMS: &[&str] = &[
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
const URL_PRIMS: &[&str] = &[
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
const COMMON_NS: &str = "test.rnd.common.v0";

#[derive(Clone, Debug)]
enum Ty {
    Prim(usize),
    Enum(usize),
    Model(usize),
    Union(usize),
    /// `common`'s model (0) or enum (1).
    Imported(bool),
}

#[derive(Clone, Debug)]
struct FieldD {
    ty: Ty,
    /// 0 plain, 1 list, 2 map.
    coll: u8,
    required: bool,
    bounds: Option<(u8, u8)>,
}

#[derive(Clone, Debug)]
struct UnionD {
    members: Vec<usize>,
    discriminator: bool,
    /// Another union (of a lower index) as a member.
    nested: Option<usize>,
}

#[derive(Clone, Debug)]
struct ParamD {
    header: bool,
    /// Index into URL_PRIMS, or an enum when `enum_` is set.
    prim: usize,
    enum_: Option<usize>,
    list: bool,
    required: bool,
    bounds: Option<(u8, u8)>,
}

#[derive(Clone, Debug)]
struct ResourceD {
    model: usize,
    /// Which operations: list, get by id, post body, post form, put, delete.
    ops: [bool; 6],
    id: ParamD,
    params: Vec<ParamD>,
}

#[derive(Clone, Debug)]
struct SpecD {
    enums: Vec<u8>,
    models: Vec<Vec<FieldD>>,
    unions: Vec<UnionD>,
    resources: Vec<ResourceD>,
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
    (ty(), 0u8..3, any::<bool>(), bounds()).prop_map(|(ty, coll, required, bounds)| FieldD {
        ty,
        coll,
        required,
        bounds,
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

fn spec() -> impl Strategy<Value = SpecD> {
    (
        prop::collection::vec(1u8..4, 0..3),
        prop::collection::vec(prop::collection::vec(field(), 1..5), 1..6),
        prop::collection::vec(
            (
                prop::collection::vec(0..8usize, 1..3),
                any::<bool>(),
                prop::option::weighted(0.3, 0..8usize),
            )
                .prop_map(|(members, discriminator, nested)| UnionD {
                    members,
                    discriminator,
                    nested,
                }),
            0..3,
        ),
        prop::collection::vec(
            (
                0..8usize,
                prop::array::uniform6(any::<bool>()),
                param(),
                prop::collection::vec(param(), 0..4),
            )
                .prop_map(|(model, ops, id, params)| ResourceD {
                    model,
                    ops,
                    id,
                    params,
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

/// The spec's JSON, valid by construction: references are taken modulo what exists, each model
/// is a member of at most one union, nested unions point to lower indexes and share the
/// discriminator, bounds sit only where API Builder allows them.
fn build(d: &SpecD) -> Value {
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
            unions_out.push((format!("u{i}"), Value::Null, u.discriminator));
            continue;
        }
        let mut body = json!({ "types": types });
        if u.discriminator {
            body["discriminator"] = json!("kind");
        }
        unions_out.push((format!("u{i}"), body, u.discriminator));
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
                format!("u{}", live_unions[u % live_unions.len()])
            }
            Ty::Imported(false) => format!("{COMMON_NS}.models.address"),
            Ty::Imported(true) => format!("{COMMON_NS}.enums.kind"),
            Ty::Model(m) | Ty::Enum(m) | Ty::Union(m) => format!("m{}", m % n_models),
        }
    };
    let mut models = Map::new();
    for (i, fields) in d.models.iter().enumerate() {
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
                let mut v = json!({"name": format!("f{k}"), "type": t,
                                   "required": f.required && !recursive});
                let boundable = f.coll == 1
                    || (f.coll == 0 && matches!(base.as_str(), "string" | "integer" | "long"));
                if let (Some((lo, hi)), true) = (f.bounds, boundable) {
                    v["minimum"] = json!(lo);
                    v["maximum"] = json!(hi);
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
        "namespace": "test.rnd.main.v0",
        "imports": [{"uri": "https://app.apibuilder.io/test/common/latest/service.json"}],
        "enums": enums,
        "models": models,
        "unions": unions,
        "resources": resources,
    })
}

fn common() -> Value {
    json!({
        "name": "common",
        "namespace": COMMON_NS,
        "enums": {"kind": {"values": [{"name": "a"}, {"name": "b"}]}},
        "models": {"address": {"fields": [
            {"name": "country", "type": "string", "minimum": 3, "maximum": 3},
            {"name": "kind", "type": "kind", "required": false},
            {"name": "lines", "type": "[string]", "required": false, "maximum": 4}
        ]}}
    })
}

#[test]
fn random_valid_specs_generate_crates_that_compile() {
    let cases: u32 = std::env::var("CHARTER_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = spec();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-random");
    let mut files = Vec::new();
    let mut lib = String::from("//! Random valid specs, generated.\n");
    let mut features = Vec::new();
    for case in 0..cases {
        let d = strategy.new_tree(&mut runner).unwrap().current();
        let main = serde_json::to_string_pretty(&build(&d)).unwrap();
        let sources = vec![
            (PathBuf::from("common.json"), common().to_string()),
            (PathBuf::from("main.json"), main.clone()),
        ];
        let checked = check_sources(sources, &Options::default());
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.code.id, d.message))
            .collect();
        assert!(
            errors.is_empty(),
            "case {case}: the generator of valid specs made an invalid one: {errors:#?}\n{main}"
        );
        let module = format!("case{case:02}");
        let settings = Settings::default()
            .with_server(true)
            .with_mock(true)
            .with_root_path(format!("crate::{module}"));
        let g = gen::generate(&checked.repo, &settings);
        assert!(
            !g.diagnostics.has_errors(),
            "case {case}: {:?}\n{main}",
            g.diagnostics
        );
        features = g.runtime_features.clone();
        lib.push_str(&format!("pub mod {module} {{\n"));
        for f in &g.files {
            syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("case {case}: {} does not parse: {e}\n{main}", f.path));
            let name = f.path.trim_end_matches(".rs");
            lib.push_str(&format!(
                "    #[path = \"{}\"]\n    pub mod {name};\n",
                f.path
            ));
            files.push(gen::GeneratedFile {
                path: format!("src/{module}/{}", f.path),
                contents: f.contents.clone(),
            });
        }
        lib.push_str("}\n");
        files.push(gen::GeneratedFile {
            path: format!("specs/{module}.json"),
            contents: main,
        });
    }
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let template = gen::Generated {
        runtime_features: features,
        ..gen::Generated::default()
    };
    let mut all: Vec<gen::GeneratedFile> = krate::krate(
        &template,
        "charter-gen-random",
        &krate::RuntimeDep::Path(runtime.display().to_string()),
    )
    .into_iter()
    .filter(|f| f.path == "Cargo.toml")
    .collect();
    all.push(gen::GeneratedFile {
        path: "src/lib.rs".into(),
        contents: lib,
    });
    all.extend(files);
    let _ = std::fs::remove_dir_all(out.join("src"));
    krate::write_changed(&out, &all).unwrap();
    // The target dir of `gen_corpus` (same dependencies and features: built once).
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the crate of {cases} random specs does not compile: {} (specs/ holds their JSON)",
        out.display()
    );
}
