//! The lint engine end to end: suppression, baselines, specs that do not validate, configuration
//! files, and the `charter lint` / `charter check` / `charter explain` commands.

use charter::lint::{self, baseline::Baseline, LintConfig, Preset};
use std::path::{Path, PathBuf};
use std::process::Command;

fn checked(text: &str) -> charter::Checked {
    charter::check_sources(
        vec![(PathBuf::from("api.json"), text.to_string())],
        &charter::Options::default(),
    )
}

fn codes(c: &charter::Checked) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.id).collect()
}

const CAMEL: &str = r#"{
  "name": "test",
  "models": {
    "userForm": { "fields": [{ "name": "firstName", "type": "string" }] },
    "keptForm": {
      "attributes": [{ "name": "linter", "value": { "ignore": ["snake-case-names"] } }],
      "fields": [{ "name": "lastName", "type": "string" }]
    },
    "flowForm": {
      "attributes": [{ "name": "linter", "value": { "ignore": ["L0101"] } }],
      "fields": [{ "name": "x", "type": "string" }]
    }
  }
}"#;

#[test]
fn linter_attribute_suppresses_the_element_and_its_children() {
    let mut c = checked(CAMEL);
    let stats = lint::lint(
        &c.repo,
        &c.sources,
        &LintConfig::only(&["L0101"]),
        &mut c.diagnostics,
    );
    let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "model `userForm` is not snake_case",
            "field `firstName` is not snake_case"
        ]
    );
    assert_eq!(stats.suppressed, 3);
}

#[test]
fn flow_ignore_keys_suppress_their_rules() {
    let text = r#"{
      "name": "test",
      "models": {
        "a": { "fields": [{ "name": "ip_address", "type": "string" }] },
        "b": {
          "attributes": [{ "name": "linter", "value": { "ignore": ["bad_names"] } }],
          "fields": [{ "name": "postal_code", "type": "string" }]
        }
      }
    }"#;
    let mut c = checked(text);
    lint::lint(
        &c.repo,
        &c.sources,
        &LintConfig::only(&["L0202"]),
        &mut c.diagnostics,
    );
    assert_eq!(codes(&c), ["L0202"]);
}

#[test]
fn specs_with_validation_errors_are_not_linted() {
    let text = r#"{ "name": "test", "models": { "userForm": { "fields": [{ "name": "x", "type": "nope" }] } } }"#;
    let mut c = checked(text);
    assert!(c.has_errors());
    let before = c.diagnostics.len();
    let stats = lint::lint(
        &c.repo,
        &c.sources,
        &LintConfig::only(&["L0101"]),
        &mut c.diagnostics,
    );
    assert_eq!(c.diagnostics.len(), before);
    assert_eq!((stats.linted, stats.skipped), (0, 1));
}

#[test]
fn baseline_hides_known_findings_only() {
    let mut c = checked(CAMEL);
    let config = LintConfig::only(&["L0101"]);
    let found = lint::run(&c.repo, &c.sources, &config, &c.diagnostics);
    assert_eq!(found.diagnostics.len(), 2);
    // Accept only the model name; the field stays reported.
    let b = Baseline::from_diagnostics(&found.diagnostics[..1], &c.sources, None);
    let config = LintConfig {
        baseline: Some(b),
        ..LintConfig::only(&["L0101"])
    };
    let stats = lint::lint(&c.repo, &c.sources, &config, &mut c.diagnostics);
    assert_eq!(stats.baselined, 1);
    let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["field `firstName` is not snake_case"]);
}

#[test]
fn flow_preset_makes_its_rules_errors() {
    let mut c = checked(
        r#"{ "name": "test", "models": { "a": { "fields": [{ "name": "ip_address", "type": "string" }] } } }"#,
    );
    lint::lint(
        &c.repo,
        &c.sources,
        &LintConfig::with_presets(&[Preset::Flow]),
        &mut c.diagnostics,
    );
    let d = c.diagnostics.iter().find(|d| d.code == "L0202").unwrap();
    assert!(d.is_error());
}

// ---- the CLI ----

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
    assert!(out.contains("L0001"), "{out}");
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
