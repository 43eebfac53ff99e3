//! OpenAPI export and import over the real corpus and the fixtures:
//!
//! - every valid latest corpus spec exports to OpenAPI 3.1 that Python's `openapi-spec-validator`
//!   accepts (all documents validated in one Python process; `$CHARTER_TEST_PYTHON`, installed by
//!   `.ci/setup/openapi.sh`);
//! - `import(export(spec))` resolves to the same service as `spec` (resolved service.json forms,
//!   with the deliberate differences of docs/openapi.md normalized away);
//! - export is deterministic.
//!
//! The `charter export openapi` / `charter import openapi` commands: `cli/tests/openapi_cli.rs`.

use charter::emit::service_json;
use charter::ir::ServiceId;
use charter::openapi::{export, import};
use charter::{check_sources, Checked, Options};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod openapi_support;
use openapi_support::{fixture_inputs, validate_all};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// The latest version (no `@sha`) of every corpus spec that validates alone.
fn valid_latest() -> Vec<(PathBuf, Checked)> {
    let mut files: Vec<PathBuf> = ["api-json", "service-json"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(corpus().join(d))
                .expect("corpus")
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains('@'))
        .collect();
    files.sort();
    assert!(files.len() > 100, "corpus missing");
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let checked = check_sources(vec![(path.clone(), text)], &Options::default());
            (!checked.has_errors() && checked.repo.services.len() == 1).then_some((path, checked))
        })
        .collect()
}

fn export_json(checked: &Checked) -> Value {
    export::export(
        &checked.repo,
        ServiceId(0),
        &export::ExportOptions::default(),
    )
    .document
}

/// What the round trip may change on purpose (docs/openapi.md, "Deliberate differences"):
/// organization, application key and version (api.json has no place for them), import records
/// reduced to their URI, and a resource path that an old service.json left out.
fn normalize(v: &mut Value, original: Option<&Value>) {
    let o = v.as_object_mut().unwrap();
    for k in ["organization", "application", "version", "apidoc"] {
        o.remove(k);
    }
    if let Some(Value::Array(imports)) = o.get_mut("imports") {
        for i in imports.iter_mut() {
            *i = serde_json::json!({ "uri": i["uri"] });
        }
    }
    let orig = original.unwrap_or(&Value::Null).clone();
    if let Some(Value::Array(rs)) = o.get_mut("resources") {
        for (i, r) in rs.iter_mut().enumerate() {
            let or = orig
                .get("resources")
                .and_then(|x| x.get(i))
                .unwrap_or(r)
                .clone();
            let rpath = or.get("path").and_then(Value::as_str);
            let outside = or["operations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|op| rpath.is_some_and(|p| !op["path"].as_str().unwrap().starts_with(p)));
            if rpath.is_none() || outside {
                r.as_object_mut().unwrap().remove("path");
            }
        }
    }
    // Enum value names that api.json does not accept come back as valid names with the wire
    // value kept: compare values by their wire form.
    if let Some(Value::Array(enums)) = o.get_mut("enums") {
        for (i, e) in enums.iter_mut().enumerate() {
            for (j, v) in e["values"].as_array_mut().unwrap().iter_mut().enumerate() {
                let on = orig
                    .pointer(&format!("/enums/{i}/values/{j}/name"))
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| v["name"].as_str().unwrap())
                    .to_string();
                if !charter::names::validate_name(&on).is_empty() {
                    let wire = v.get("value").cloned().unwrap_or_else(|| v["name"].clone());
                    let vo = v.as_object_mut().unwrap();
                    vo.insert("name".into(), wire);
                    vo.remove("value");
                }
            }
        }
    }
}

fn first_diff(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return Some(format!("{at}/{k}: only in the original ({v})")),
                    Some(w) => {
                        if let Some(d) = first_diff(v, w, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            y.iter()
                .find(|(k, _)| !x.contains_key(*k))
                .map(|(k, v)| format!("{at}/{k}: only after the round trip ({v})"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_diff(v, w, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// A service.json import record names a namespace that its URI does not give (api.json imports
/// are URIs only), so the imported types cannot be resolved in api.json form.
fn inexpressible_import(back: &Checked) -> Option<String> {
    let errors: Vec<_> = back.diagnostics.iter().filter(|d| d.is_error()).collect();
    (!errors.is_empty()
        && errors
            .iter()
            .all(|d| d.code.id == "E1005" && d.message.contains("no import provides namespace")))
    .then(|| errors[0].message.clone())
}

#[test]
fn corpus_round_trip() {
    let specs = valid_latest();
    let mut same = 0;
    let mut failures = Vec::new();
    let mut inexpressible = Vec::new();
    for (path, checked) in &specs {
        let doc = export_json(checked);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let imported = import::import(Path::new("openapi.json"), &text);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(api) = imported.api_json.as_ref() else {
            let first = imported
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.message.clone());
            failures.push(format!("{name}: import failed: {first:?}"));
            continue;
        };
        let api_text = serde_json::to_string_pretty(api).unwrap();
        let back = check_sources(
            vec![(PathBuf::from("api.json"), api_text)],
            &Options::default(),
        );
        if let Some(d) = inexpressible_import(&back) {
            inexpressible.push(format!("{name}: {d}"));
            continue;
        }
        if back.has_errors() {
            let first = back.diagnostics.iter().find(|d| d.is_error()).unwrap();
            failures.push(format!(
                "{name}: imported api.json does not check: {} {} at {:?}",
                first.code,
                first.message,
                first.loc.as_ref().map(|l| &l.pointer)
            ));
            continue;
        }
        let mut want = service_json::to_value(&checked.repo, ServiceId(0));
        let mut got = service_json::to_value(&back.repo, ServiceId(0));
        let orig = want.clone();
        normalize(&mut want, Some(&orig));
        normalize(&mut got, Some(&orig));
        match first_diff(&want, &got, "") {
            None => same += 1,
            Some(d) => failures.push(format!("{name}: {d}")),
        }
    }
    println!(
        "round trip: {same} of {} valid latest corpus specs resolve to the same service",
        specs.len()
    );
    println!("{} specs import a service whose namespace api.json cannot say (deliberate, docs/openapi.md):", inexpressible.len());
    for f in &inexpressible {
        println!("  {f}");
    }
    for f in &failures {
        println!("  differs: {f}");
    }
    assert!(
        failures.is_empty(),
        "{} specs differ after the round trip",
        failures.len()
    );
}

/// Every external document the exported files point to that is not among them (imports of
/// services outside the corpus file): a stub with the referenced schema names, so the validator
/// can resolve the references. Returns the stub paths.
fn write_stubs(dir: &Path) -> Vec<PathBuf> {
    type Wanted = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;
    fn walk(v: &Value, out: &mut Wanted) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    if let Some((file, frag)) = r.split_once('#') {
                        if !file.is_empty() {
                            let name = frag.rsplit('/').next().unwrap_or("").to_string();
                            out.entry(file.to_string()).or_default().insert(name);
                        }
                    }
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut wanted = Wanted::default();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
        walk(&v, &mut wanted);
    }
    let mut stubs = Vec::new();
    for (file, names) in wanted {
        let path = dir.join(&file);
        if path.exists() {
            continue;
        }
        let schemas: serde_json::Map<String, Value> = names
            .into_iter()
            .map(|n| (n, serde_json::json!({})))
            .collect();
        let doc = serde_json::json!({"openapi": "3.1.0", "info": {"title": "stub", "version": "0"},
            "paths": {}, "components": {"schemas": schemas}});
        std::fs::write(&path, doc.to_string()).unwrap();
        stubs.push(path);
    }
    stubs
}

#[test]
fn corpus_exports_validate_against_openapi_3_1_and_are_deterministic() {
    let specs = valid_latest();
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-corpus");
    let _ = std::fs::remove_dir_all(&base);
    let mut files = Vec::new();
    let mut stubs = 0;
    for (i, (_, checked)) in specs.iter().enumerate() {
        let dir = base.join(format!("spec{i:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        let text = serde_json::to_string_pretty(&export_json(checked)).unwrap();
        let again = serde_json::to_string_pretty(&export_json(checked)).unwrap();
        assert_eq!(text, again, "export is deterministic");
        let ns = &checked.repo.services[0].namespace;
        let path = dir.join(format!("{ns}.json"));
        std::fs::write(&path, text).unwrap();
        files.push(path);
        stubs += write_stubs(&dir).len();
    }
    // One YAML document too: the same validator reads it.
    let yaml = base.join("example.yaml");
    std::fs::write(&yaml, export::to_yaml(&export_json(&specs[0].1))).unwrap();
    files.push(yaml);
    let (count, failures) = validate_all(&files);
    println!(
        "openapi-spec-validator: {count} of {} exported documents are valid OpenAPI 3.1 ({} corpus specs + 1 YAML; {stubs} stub documents for imports outside the corpus)",
        files.len(),
        specs.len()
    );
    assert!(failures.is_empty(), "invalid documents:\n{failures}");
    assert_eq!(count, files.len());
    assert!(count > 100, "{count}");
}

/// `code line:col pointer message` per diagnostic.
fn render(imported: &import::Imported) -> String {
    let mut out = String::new();
    for d in imported.diagnostics.iter() {
        let (line, col, ptr) = match &d.loc {
            Some(l) => {
                let (line, col) = imported.sources.get(l.file).line_col(l.span.start);
                (line, col, l.pointer.as_str())
            }
            None => (0, 0, ""),
        };
        out.push_str(&format!("{} {line}:{col} {ptr} {}\n", d.code, d.message));
    }
    out
}

fn golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} is stale (UPDATE_GOLDEN=1 rewrites it)",
        path.display()
    );
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// One fixture per mapping and per warning: golden api.json and diagnostics; the api.json must
/// pass `charter check`.
#[test]
fn import_fixtures_match_their_goldens_and_check() {
    let dir = root().join("fixtures/openapi/import");
    let inputs = fixture_inputs(&dir);
    assert!(inputs.len() >= 8);
    let mut codes = std::collections::BTreeSet::new();
    for input in &inputs {
        let text = std::fs::read_to_string(input).unwrap();
        let name = file_name(input);
        let imported = import::import(Path::new(&name), &text);
        let api = imported
            .api_json
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: {}", render(&imported)));
        let api_text = format!("{}\n", serde_json::to_string_pretty(api).unwrap());
        golden(&dir.join(format!("{name}.api.json")), &api_text);
        golden(
            &dir.join(format!("{name}.diagnostics.txt")),
            &render(&imported),
        );
        codes.extend(imported.diagnostics.iter().map(|d| d.code.id));
        let back = check_sources(
            vec![(PathBuf::from("api.json"), api_text)],
            &Options::default(),
        );
        let errors: Vec<_> = back.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(
            errors.is_empty(),
            "{name}: the api.json does not check: {errors:?}"
        );
    }
    for code in [
        import::W_SCHEMA,
        import::W_UNION,
        import::W_MEDIA,
        import::W_OPERATION,
        import::W_PARAMETER,
        import::W_EXTERNAL,
        import::W_ALIAS,
        import::W_DOCUMENT,
        import::W_EXTENSION,
    ] {
        assert!(codes.contains(code.id), "no fixture shows {}", code.id);
    }
}

/// Bad input: located errors, no api.json, no panic.
#[test]
fn bad_documents_are_located_errors() {
    let dir = root().join("fixtures/openapi/bad");
    let inputs = fixture_inputs(&dir);
    assert!(inputs.len() >= 8);
    for input in inputs {
        let text = std::fs::read_to_string(&input).unwrap();
        let name = file_name(&input);
        let imported = import::import(Path::new(&name), &text);
        assert!(imported.has_errors(), "{name}: no error");
        assert!(imported.api_json.is_none(), "{name}: wrote an api.json");
        assert!(
            imported.diagnostics.iter().all(|d| d.loc.is_some()),
            "{name}: unlocated"
        );
        golden(
            &dir.join(format!("{name}.diagnostics.txt")),
            &render(&imported),
        );
    }
}

#[test]
fn hostile_documents_end_in_diagnostics() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_yaml = format!(
        "openapi: 3.1.0\nx: {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let mut bomb = String::from("openapi: 3.1.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let cases = [
        ("deep.json", deep),
        ("deep.yaml", deep_yaml),
        ("bomb.yaml", bomb),
        ("empty.yaml", String::new()),
        ("binary.yaml", "\u{0}\u{1}\u{2}: [".into()),
        ("tabs.yaml", "openapi: 3.1.0\n\tinfo: x\n".into()),
    ];
    for (name, text) in cases {
        let imported = import::import(Path::new(name), &text);
        assert!(imported.has_errors(), "{name}");
        assert!(
            imported.diagnostics.iter().all(|d| d.loc.is_some()),
            "{name}"
        );
    }
    // A huge but valid document imports.
    let huge = charter::openapi::synthetic_document(5_000);
    assert!(huge.len() > 3_000_000, "{}", huge.len());
    let imported = import::import(Path::new("huge.json"), &huge);
    assert!(!imported.has_errors(), "{}", render(&imported));
    let models = imported.api_json.as_ref().unwrap()["models"]
        .as_object()
        .unwrap()
        .len();
    assert_eq!(models, 5_000);
}
