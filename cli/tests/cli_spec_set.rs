//! Which files `check` and `lint` read and report: a baseline (or any JSON file that is not a
//! spec) beside the specs is never loaded as one, a named file gets its imports from the specs
//! beside it and only it is reported, and `resolve` output checks clean.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn charter(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-specset-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `billing` imports `common`, which has one lint finding (a field that is not snake_case).
const BILLING: &str = r#"{
  "name": "billing",
  "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
  "models": {"invoice": {"fields": [
    {"name": "id", "type": "string"},
    {"name": "total", "type": "io.acme.common.v0.models.money"}
  ]}}
}
"#;
const COMMON: &str = r#"{
  "name": "common",
  "namespace": "io.acme.common.v0",
  "models": {"money": {"fields": [{"name": "Amount", "type": "decimal"}]}}
}
"#;

fn codes(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().or(d["path"].as_str()).unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_baseline_written_into_the_spec_directory_is_not_read_as_a_spec() {
    let dir = temp_dir("baseline");
    let specs = dir.join("specs");
    std::fs::write(specs.join("billing.json"), BILLING).unwrap();
    std::fs::write(specs.join("common.json"), COMMON).unwrap();
    // Other JSON documents that live beside specs: an OpenAPI export, a SARIF log, package.json.
    std::fs::write(
        specs.join("openapi.json"),
        r#"{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    std::fs::write(specs.join("lint.sarif.json"), r#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []}"#).unwrap();
    std::fs::write(
        specs.join("package.json"),
        r#"{"name": "specs", "version": "1.0.0", "scripts": {}}"#,
    )
    .unwrap();

    let out = charter(&["lint", "--write-baseline", "."], &specs);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(specs.join("lint-baseline.json").is_file());

    for cmd in ["check", "lint"] {
        let out = charter(&[cmd, "--format", "json", "."], &specs);
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", text(&out.stdout));
        assert_eq!(
            codes(&out),
            Vec::<String>::new(),
            "{cmd}: the baseline absorbs L0101"
        );
        let human = charter(&[cmd, "."], &specs);
        let err = text(&human.stderr);
        assert!(err.contains("checked 2 spec(s)"), "{cmd}: {err}");
        assert!(
            err.contains("skipped 4 JSON file(s) that are not specs")
                && err.contains("lint-baseline.json"),
            "{cmd}: {err}"
        );
    }
    // A file named on the command line is always read as a spec (its unknown keys reported).
    let out = charter(
        &["check", "--no-lint", "--format", "json", "package.json"],
        &specs,
    );
    assert!(
        codes(&out).iter().any(|c| c.starts_with("W0101")),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_named_file_gets_its_imports_from_the_specs_beside_it_and_only_it_is_reported() {
    let dir = temp_dir("named");
    let specs = dir.join("specs");
    std::fs::write(specs.join("billing.json"), BILLING).unwrap();
    std::fs::write(specs.join("common.json"), COMMON).unwrap();

    // From the spec directory, and from elsewhere without charter.toml: the file's directory.
    for (cwd, path) in [(&specs, "billing.json"), (&dir, "specs/billing.json")] {
        let out = charter(&["check", "--format", "json", path], cwd);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        let found = codes(&out);
        assert!(
            !found.iter().any(|c| c.starts_with("W1001")),
            "import resolved: {found:?}"
        );
        assert!(
            !found.iter().any(|c| c.starts_with("L0101")),
            "common.json is not reported: {found:?}"
        );
        let human = charter(&["check", path], cwd);
        assert!(
            text(&human.stderr).contains("checked 1 spec(s)"),
            "{}",
            text(&human.stderr)
        );
    }
    // common.json named: its finding is reported.
    let out = charter(&["lint", "--format", "json", "specs/common.json"], &dir);
    assert_eq!(codes(&out).len(), 1, "{}", text(&out.stdout));

    // With charter.toml at the root, the repo root provides the imports of a file in any
    // directory below it.
    std::fs::write(dir.join("charter.toml"), "").unwrap();
    std::fs::create_dir_all(dir.join("specs/billing")).unwrap();
    std::fs::rename(
        specs.join("billing.json"),
        specs.join("billing/billing.json"),
    )
    .unwrap();
    let out = charter(
        &["check", "--format", "json", "specs/billing/billing.json"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        !codes(&out).iter().any(|c| c.starts_with("W1001")),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn resolve_output_of_an_api_json_checks_clean() {
    let dir = temp_dir("resolve");
    let specs = dir.join("specs");
    std::fs::write(specs.join("billing.json"), BILLING).unwrap();
    let out = charter(&["resolve", "specs/billing.json"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["organization"]["key"], "billing",
        "no namespace: the application key"
    );
    assert!(text(&out.stderr).contains("note: organization key"));
    assert_eq!(v["imports"][0]["namespace"], "io.acme.common.v0");
    assert_eq!(v["imports"][0]["models"], serde_json::json!(["money"]));
    std::fs::write(dir.join("resolved.json"), &out.stdout).unwrap();
    let again = charter(&["check", "--no-lint", "resolved.json"], &dir);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));

    let out = charter(
        &["resolve", "--organization", "acme", "specs/billing.json"],
        &dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["organization"]["key"], "acme");
    std::fs::remove_dir_all(dir).ok();
}
