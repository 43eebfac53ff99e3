//! SARIF of `charter diff --format sarif` and `charter lint --format sarif`, checked three ways:
//! against the SARIF 2.1.0 JSON Schema shipped by `@microsoft/sarif-multitool`
//! (`$CHARTER_TEST_SARIF_SCHEMA`), by Microsoft's validator itself with its SARIF and GitHub rules
//! (`$CHARTER_TEST_SARIF_MULTITOOL`; `.ci/setup/sarif.sh` installs both), and against what GitHub
//! code scanning requires of an upload. A missing schema or validator fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

fn charter(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run charter");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("charter-sarif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

fn env_path(var: &str, default: &str) -> PathBuf {
    let p = PathBuf::from(std::env::var(var).unwrap_or_else(|_| default.to_string()));
    assert!(
        p.exists(),
        "{var}={} does not exist: run `bash .ci/setup/sarif.sh` (sourced by .ci/run) to install \
         the SARIF schema and validator",
        p.display()
    );
    p
}

fn schema() -> jsonschema::JSONSchema {
    let path = env_path(
        "CHARTER_TEST_SARIF_SCHEMA",
        "/opt/charter-sarif/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json",
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema"))
            .expect("schema JSON");
    jsonschema::JSONSchema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .compile(&schema)
        .expect("schema compiles")
}

/// Validates a log with the SARIF multitool; returns its error and warning results.
fn multitool(log: &str, name: &str) -> Vec<String> {
    let tool = env_path(
        "CHARTER_TEST_SARIF_MULTITOOL",
        "/opt/charter-sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
    );
    let dir = tempdir(&format!("mt-{name}"));
    let input = dir.join("in.sarif");
    let output = dir.join("out.sarif");
    std::fs::write(&input, log).unwrap();
    let out = Command::new(&tool)
        .args(["validate"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--rule-kind", "Sarif;Gh", "--level", "Error;Warning"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("run Sarif.Multitool");
    assert!(
        output.exists(),
        "the validator wrote no log: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error" | "warning") | None))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect()
}

/// What GitHub code scanning needs of an uploaded log, and what Charter promises on top: real
/// descriptions, help with a URI into Charter's docs, a help line in every message, repo-relative
/// URIs.
/// `docs_url` is the `informationUri` expected; every `helpUri` is a page below it whose anchor
/// exists in Charter's `docs/` (a heading or an `<a id>`), so the links are true.
fn check_github_fields(log: &serde_json::Value, docs_url: &str) {
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "charter");
    let info = driver["informationUri"].as_str().expect("informationUri");
    assert_eq!(info, docs_url);
    let rules = driver["rules"].as_array().expect("rules");
    for r in rules {
        let id = r["id"].as_str().expect("rule id");
        let short = r["shortDescription"]["text"]
            .as_str()
            .expect("shortDescription");
        let full = r["fullDescription"]["text"]
            .as_str()
            .expect("fullDescription");
        assert!(!short.is_empty(), "{id}");
        assert!(
            full.len() > short.len() && full != short,
            "{id}: fullDescription is not real: {full}"
        );
        let help = r["help"]["text"].as_str().expect("help.text");
        assert!(r["help"]["markdown"].is_string(), "{id}");
        // dedented: no line of the help starts with the source indentation
        assert!(
            !help.lines().any(|l| l.starts_with("    ")),
            "{id}: help is not dedented: {help:?}"
        );
        let uri = r["helpUri"].as_str().expect("helpUri");
        let page = uri
            .strip_prefix(info)
            .unwrap_or_else(|| panic!("{id}: {uri} is not in Charter's docs"));
        if !page.is_empty() {
            let (file, anchor) = page.split_once('#').unwrap_or((page, ""));
            let text = std::fs::read_to_string(docs_dir().join(file))
                .unwrap_or_else(|e| panic!("{id}: {uri}: docs/{file}: {e}"));
            assert!(
                anchor.is_empty() || anchors(&text).contains(anchor),
                "{id}: {uri}: no #{anchor} in docs/{file}"
            );
        }
        assert_ne!(r["name"], r["id"], "{id}: name equal to id");
    }
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for res in results {
        let id = res["ruleId"].as_str().expect("ruleId");
        let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], id);
        assert!(matches!(
            res["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let text = res["message"]["text"].as_str().expect("message.text");
        let help = text
            .lines()
            .find(|l| l.starts_with("help: "))
            .unwrap_or_else(|| panic!("{id}: no help line: {text}"));
        assert!(help.len() > "help: ".len() + 3, "{id}: {help}");
        assert!(!text.contains("help: null"), "{text}");
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"]
            .as_str()
            .expect("artifactLocation.uri");
        assert!(
            !uri.starts_with("./") && !uri.starts_with('/') && !uri.contains('\\'),
            "{uri}"
        );
        assert!(!uri.contains("/./"), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().expect("startLine") >= 1);
    }
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// The anchors of a Markdown page as GitHub makes them from headings (lowercase; letters, digits,
/// `-` and `_` kept, spaces to `-`), and explicit `<a id="…">`s.
fn anchors(markdown: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for line in markdown.lines() {
        if let Some(h) = line.strip_prefix('#') {
            let h = h.trim_start_matches('#').trim();
            let a: String = h
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect();
            out.insert(a);
        }
        let mut rest = line;
        while let Some(i) = rest.find("<a id=\"") {
            rest = &rest[i + 7..];
            if let Some(j) = rest.find('"') {
                out.insert(rest[..j].to_string());
            }
        }
    }
    out
}

/// The default docs URL: the `docs/` directory of this checkout, as a `file://` URL.
fn default_docs_url() -> String {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("docs");
    format!("file://{}/", docs.display())
}

fn fixture(rule: &str, case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/diff")
        .join(rule)
        .join(case)
}

#[test]
fn diff_sarif_is_valid_and_fit_for_code_scanning() {
    let schema = schema();
    // a repo with a breaking, a dangerous, an additive and an allowed change
    let dir = tempdir("diff");
    let old =
        std::fs::read_to_string(fixture("FIELD_REMOVED", "response").join("old.json")).unwrap();
    let mut new: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("FIELD_REMOVED", "response").join("new.json")).unwrap(),
    )
    .unwrap();
    new["enums"]["status"]["values"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "suspended"}));
    new["models"]["address"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "zip", "type": "string", "required": false}));
    std::fs::create_dir_all(dir.join("old")).unwrap();
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("old/api.json"), old).unwrap();
    std::fs::write(
        dir.join("specs/api.json"),
        serde_json::to_string_pretty(&new).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("charter.toml"),
        "[diff]\nallow = [{ rule = \"ENUM_VALUE_ADDED\", pointer = \"/enums/status/values/2\", reason = \"clients keep Unknown\" }]\n\
         [report]\ndocs_url = \"https://docs.example.org/charter/docs\"\n",
    )
    .unwrap();
    let (code, out, err) = charter(
        &[
            "diff",
            "./old/api.json",
            "./specs/api.json",
            "--format",
            "sarif",
        ],
        &dir,
    );
    assert_eq!(code, 1, "{err}");
    let log: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    // the schema is enforced: a bad level is rejected
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema.is_valid(&broken));
    if let Err(errors) = schema.validate(&log) {
        let msgs: Vec<String> = errors
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        panic!("invalid SARIF: {msgs:#?}");
    }
    // `[report] docs_url` of charter.toml, with the `/` a directory URL needs
    check_github_fields(&log, "https://docs.example.org/charter/docs/");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_rule = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .unwrap_or_else(|| panic!("no {id}: {log}"))
    };
    let removed = by_rule("FIELD_REMOVED");
    assert_eq!(removed["level"], "error");
    assert_eq!(removed["properties"]["wire"], "breaking");
    assert_eq!(removed["properties"]["source"], "breaking");
    assert_eq!(
        removed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "old/api.json",
        "a removed element is located in the old version, repo-relative"
    );
    let allowed = by_rule("ENUM_VALUE_ADDED");
    assert_eq!(allowed["level"], "note");
    assert_eq!(
        allowed["suppressions"][0]["justification"],
        "clients keep Unknown"
    );
    let added = by_rule("FIELD_ADDED");
    assert_eq!(added["properties"]["source"], "dangerous");
    assert_eq!(
        added["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "specs/api.json"
    );
    let problems = multitool(&out, "diff");
    assert!(problems.is_empty(), "Sarif.Multitool: {problems:#?}");
    // the validator is enforced: a rule whose name repeats its id is a warning (SARIF1001)
    let mut broken = log.clone();
    broken["runs"][0]["tool"]["driver"]["rules"][0]["name"] =
        broken["runs"][0]["tool"]["driver"]["rules"][0]["id"].clone();
    let problems = multitool(&broken.to_string(), "diff-broken");
    assert!(
        problems.iter().any(|p| p.contains("SARIF1001")),
        "{problems:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_sarif_is_valid_and_fit_for_code_scanning() {
    let schema = schema();
    let dir = tempdir("lint");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    // findings of several rules, one of them without a help text of its own
    std::fs::write(
        dir.join("specs/api.json"),
        r#"{
  "name": "test",
  "models": { "User": { "fields": [{ "name": "ID", "type": "string" }] } },
  "resources": { "User": { "operations": [
    { "method": "GET", "path": "/Users/:ID" },
    { "method": "DELETE", "path": "/Users/:ID" }
  ] } }
}"#,
    )
    .unwrap();
    let (code, out, err) = charter(
        &["lint", "./specs", "--preset", "all", "--format", "sarif"],
        &dir,
    );
    assert_eq!(code, 1, "{err}");
    let log: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    if let Err(errors) = schema.validate(&log) {
        let msgs: Vec<String> = errors
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        panic!("invalid SARIF: {msgs:#?}");
    }
    // no charter.toml: the docs of the Charter source the binary was built from
    check_github_fields(&log, &default_docs_url());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 3, "{log}");
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "specs/api.json");
    let problems = multitool(&out, "lint");
    assert!(problems.is_empty(), "Sarif.Multitool: {problems:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}
