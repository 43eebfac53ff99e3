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

fn python() -> String {
    std::env::var("CHARTER_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Validates every file in `files` with openapi-spec-validator in one Python process; returns the
/// count it validated and the failures.
fn validate_all(files: &[PathBuf]) -> (usize, String) {
    let list = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("openapi-validate-{}.txt", files.len()));
    let text: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, text.join("\n")).unwrap();
    let script = r#"
import pathlib, sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
ok, bad = 0, []
for line in pathlib.Path(sys.argv[1]).read_text().splitlines():
    p = pathlib.Path(line)
    try:
        spec, _ = read_from_filename(str(p))
        validate(spec, base_uri=p.resolve().as_uri())
        ok += 1
    except Exception as e:
        bad.append(f"{p}: {str(e)[:400]}")
print(ok)
print("\n".join(bad))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .arg(&list)
        .output()
        .expect("python runs (install it with .ci/setup/openapi.sh)");
    assert!(
        out.status.success(),
        "openapi-spec-validator did not run (install it with .ci/setup/openapi.sh): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let (count, rest) = stdout.split_once('\n').unwrap_or((&stdout, ""));
    (count.trim().parse().unwrap(), rest.trim().to_string())
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

fn fixture_inputs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.ends_with(".api.json") && !n.ends_with(".diagnostics.txt")
        })
        .collect();
    v.sort();
    v
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

fn charter<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

/// Realistic documents (a CRUD API, oneOf with discriminators, allOf inheritance, YAML) through
/// the CLI: import, check, generate Rust, and one clippy build of the crate holding them all.
#[test]
fn real_documents_import_check_and_generate_rust_that_compiles() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-real");
    let _ = std::fs::remove_dir_all(&base);
    let repo = base.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let inputs = fixture_inputs(&root().join("fixtures/openapi/real"));
    assert_eq!(inputs.len(), 4);
    for input in &inputs {
        let out = repo.join(format!(
            "{}.json",
            input.file_stem().unwrap().to_string_lossy()
        ));
        let o = charter(&[
            os("import".as_ref()),
            os("openapi".as_ref()),
            os(input),
            os("--out".as_ref()),
            os(&out),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            input.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let check = charter(&[os("check".as_ref()), os(&repo)]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let krate = base.join("crate");
    let runtime = root().join("runtime");
    let gen = charter(&[
        os("generate".as_ref()),
        os("rust".as_ref()),
        os(&repo),
        os("--out".as_ref()),
        os(&krate),
        os("--runtime-path".as_ref()),
        os(&runtime),
        os("--server".as_ref()),
    ]);
    assert_eq!(
        gen.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let lib = std::fs::read_to_string(krate.join("src/lib.rs")).unwrap();
    assert_eq!(lib.matches("pub mod ").count(), 4, "{lib}");
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_BUILD_JOBS", "1")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the generated crate does not compile: {}",
        krate.display()
    );
}

#[test]
fn export_cli_writes_json_and_yaml_and_bundles() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-cli");
    let _ = std::fs::remove_dir_all(&base);
    let specs = root().join("specs");
    let dir = base.join("dir");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--out".as_ref()),
        os(&dir),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let user = std::fs::read_to_string(dir.join("io.charter.user.v0.json")).unwrap();
    assert!(
        user.contains("io.charter.common.v0.json#/components/schemas/"),
        "imported types are references"
    );
    let file = base.join("user.yaml");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--service".as_ref()),
        os("io.charter.user.v0".as_ref()),
        os("--bundle".as_ref()),
        os("--out".as_ref()),
        os(&file),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.contains("openapi: 3.1.0"), "{yaml}");
    assert!(
        yaml.contains("io.charter.common.v0.models."),
        "bundled types under qualified names"
    );
    assert!(
        !yaml.contains(".json#/"),
        "a bundle has no external references"
    );
    let (count, failures) = validate_all(std::slice::from_ref(&file));
    assert_eq!((count, failures.as_str()), (1, ""));
    let back = base.join("back.json");
    let o = charter(&[
        os("import".as_ref()),
        os("openapi".as_ref()),
        os(&file),
        os("--out".as_ref()),
        os(&back),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Several services into one file is a usage error.
    let all = base.join("all.json");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--out".as_ref()),
        os(&all),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A bad document: exit 1, located diagnostics as JSON, nothing written.
    let bad = root().join("fixtures/openapi/bad/ref-missing.json");
    let x = base.join("x.json");
    let o = charter(&[
        os("import".as_ref()),
        os("openapi".as_ref()),
        os(&bad),
        os("--out".as_ref()),
        os(&x),
        os("--format".as_ref()),
        os("json".as_ref()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!x.exists());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E2203")
        .expect("E2203");
    assert!(e["line"].as_u64().unwrap() > 1, "{e}");
}
