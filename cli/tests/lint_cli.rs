//! The `charter lint` / `charter check` / `charter explain` commands: exit codes, formats, the
//! baseline, configuration diagnostics, SARIF (the engine itself: `compiler/tests/lint_engine.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn charter(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const DUPLICATE: &str = r#"{
  "name": "test",
  "models": { "user": { "description": "A user.", "fields": [{ "name": "id", "type": "string" }] } },
  "resources": { "user": { "operations": [
    { "method": "DELETE", "path": "/:id", "description": "Deletes." }
  ] } }
}"#;

/// A second service declaring the same operation: L0105 is a repo-wide rule (a duplicate
/// inside one service is the validation error E0710).
const DUPLICATE_B: &str = r#"{
  "name": "other",
  "models": { "account": { "description": "An account.", "fields": [{ "name": "id", "type": "string" }] } },
  "resources": { "account": { "path": "/users", "operations": [
    { "method": "GET", "description": "Lists.", "responses": { "200": { "type": "[account]" } } },
    { "method": "DELETE", "path": "/:id", "description": "Deletes again." }
  ] } }
}"#;

#[test]
fn cli_lint_exit_codes_formats_and_baseline() {
    let dir = repo(
        "cli",
        &[
            ("specs/api.json", DUPLICATE),
            ("specs/other.json", DUPLICATE_B),
        ],
    );
    // L0105 is an error: exit 1.
    let (code, _, err) = charter(&["lint", "specs"], &dir);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("L0105"), "{err}");

    let (_, out, _) = charter(&["lint", "specs", "--format", "github"], &dir);
    assert!(
        out.contains("::error file=specs/other.json,line=6,"),
        "{out}"
    );

    let (_, out, _) = charter(&["lint", "specs", "--format", "json"], &dir);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "L0105"));

    // Adopt without a charter.toml: the default baseline file is written and then read.
    let (code, _, err) = charter(&["lint", "specs", "--write-baseline"], &dir);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = charter(&["lint", "specs"], &dir);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(dir.join("lint-baseline.json")).unwrap();

    // Adopt: record today's findings, then only new ones fail.
    std::fs::write(
        dir.join("charter.toml"),
        "[lint]\nbaseline = \"lint-baseline.json\"\n",
    )
    .unwrap();
    let (code, _, err) = charter(&["lint", "specs", "--write-baseline"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("lint-baseline.json").is_file());
    let (code, _, err) = charter(&["lint", "specs"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 in baseline"), "{err}");
    let (code, _, _) = charter(&["lint", "specs", "--no-baseline"], &dir);
    assert_eq!(code, 1);

    // Per-rule levels and per-path overrides.
    std::fs::write(
        dir.join("charter.toml"),
        "[lint]\n[lint.rules]\nL0105 = \"warn\"\n",
    )
    .unwrap();
    let (code, _, err) = charter(&["lint", "specs"], &dir);
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        dir.join("charter.toml"),
        "[lint]\n[[lint.overrides]]\npaths = [\"specs/**\"]\nrules = { duplicate-method-path = \"off\" }\n",
    )
    .unwrap();
    let (code, _, err) = charter(&["lint", "specs"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("L0105"), "{err}");

    // check = validation + lint.
    std::fs::remove_file(dir.join("charter.toml")).unwrap();
    std::fs::remove_file(dir.join("lint-baseline.json")).unwrap();
    let (code, _, err) = charter(&["check", "specs"], &dir);
    assert_eq!(code, 1, "{err}");
    let (code, _, _) = charter(&["check", "specs", "--no-lint"], &dir);
    assert_eq!(code, 0);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cli_bad_config_is_a_located_diagnostic() {
    let dir = repo(
        "badcfg",
        &[
            ("specs/api.json", DUPLICATE),
            ("specs/other.json", DUPLICATE_B),
            ("charter.toml", "[lint]\n[lint.rules]\nL9999 = \"warn\"\n"),
        ],
    );
    let (code, out, _) = charter(&["lint", "specs", "--format", "json"], &dir);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "L0002")
        .expect("unknown rule reported");
    assert!(d["file"].as_str().unwrap().ends_with("charter.toml"));
    assert_eq!(d["line"], 3);
    let (code, out, _) = charter(
        &["lint", "specs", "--config", "nope.toml", "--format", "json"],
        &dir,
    );
    assert_eq!(code, 1);
    assert!(out.contains("E0020"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cli_explain_prints_rule_docs() {
    let (code, out, _) = charter(&["explain", "L0103"], Path::new("."));
    assert_eq!(code, 0);
    assert!(out.starts_with("L0103 lower-case-paths"), "{out}");
    assert!(out.contains("LowerCasePaths"));
    let (code, out, _) = charter(&["explain", "L0002"], Path::new("."));
    assert_eq!(code, 0);
    assert!(out.contains("unknown lint rule"));
}

#[test]
fn cli_sarif_validates_against_the_schema() {
    let dir = repo(
        "sarif",
        &[
            ("specs/api.json", DUPLICATE),
            ("specs/other.json", DUPLICATE_B),
        ],
    );
    let (code, out, _) = charter(
        &["lint", "specs", "--preset", "all", "--format", "sarif"],
        &dir,
    );
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/lint/sarif-schema-2.1.0.json")).unwrap();
    let compiled = jsonschema::JSONSchema::compile(&schema).expect("schema compiles");
    // The schema is enforced: a log with a bad level or a region without lines is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!compiled.is_valid(&broken));
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!compiled.is_valid(&broken));
    if let Err(errors) = compiled.validate(&log) {
        let msgs: Vec<String> = errors
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        panic!("invalid SARIF: {msgs:#?}");
    }
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let r = results.iter().find(|r| r["ruleId"] == "L0105").unwrap();
    assert_eq!(r["level"], "error");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 6);
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "L0105");
    assert!(run["tool"]["driver"]["rules"][idx]["help"]["text"]
        .as_str()
        .unwrap()
        .contains("routed"));
    std::fs::remove_dir_all(dir).ok();
}
