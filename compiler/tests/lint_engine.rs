//! The lint engine end to end: suppression, baselines, specs that do not validate, configuration
//! files (the `charter lint` / `check` / `explain` commands: `cli/tests/lint_cli.rs`).

use charter::lint::{self, baseline::Baseline, LintConfig, Preset};
use std::path::PathBuf;

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
