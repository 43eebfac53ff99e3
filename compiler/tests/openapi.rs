//! OpenAPI export and import over the real corpus and the fixtures:
//!
//! - every valid latest corpus spec exports to OpenAPI 3.1 that Python's `openapi-spec-validator`
//!   accepts (all documents validated in one Python process; `$CHARTER_TEST_PYTHON`, installed by
//!   `.ci/setup/openapi.sh`);
//! - `import(export(spec))` resolves to the same service as `spec` (resolved service.json forms,
//!   with the deliberate differences of docs/openapi.md normalized away);
//! - export is deterministic.

use charter::emit::service_json;
use charter::ir::ServiceId;
use charter::openapi::{export, import};
use charter::{check_sources, Checked, Options};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

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
            .all(|d| d.code == "E1005" && d.message.contains("no import provides namespace")))
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
