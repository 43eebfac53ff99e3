//! The CLI as CI relies on it: a mistyped path fails, warnings can gate, charter.toml is found one
//! way and applies to every command, and `--format json` always prints JSON.

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
    let dir = std::env::temp_dir().join(format!("charter-trust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A valid spec importing a service that is not in the repo (one W1001 warning).
const IMPORTS_OUTSIDE: &str = r#"{
  "name": "billing",
  "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
  "models": {"invoice": {"fields": [{"name": "id", "type": "string"}]}}
}
"#;

#[test]
fn no_spec_found_is_a_usage_error() {
    let dir = temp_dir("empty");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for cmd in ["check", "lint", "trace"] {
        let out = charter(&[cmd, "specs"], &dir);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("no spec found"), "{cmd}");
    }
    let out = charter(&["check", "spesc"], &dir);
    assert_eq!(out.status.code(), Some(2), "a typo: {}", text(&out.stderr));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn warnings_gate_with_deny_and_max() {
    let dir = temp_dir("gate");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/billing.json"), IMPORTS_OUTSIDE).unwrap();
    let base = ["check", "--no-lint", "specs"];
    assert_eq!(charter(&base, &dir).status.code(), Some(0));
    let deny = charter(&["check", "--no-lint", "--deny-warnings", "specs"], &dir);
    assert_eq!(deny.status.code(), Some(1), "{}", text(&deny.stderr));
    assert!(text(&deny.stderr).contains("--deny-warnings"));
    let max0 = charter(
        &["check", "--no-lint", "--max-warnings", "0", "specs"],
        &dir,
    );
    assert_eq!(max0.status.code(), Some(1));
    let max1 = charter(
        &["check", "--no-lint", "--max-warnings", "1", "specs"],
        &dir,
    );
    assert_eq!(max1.status.code(), Some(0), "{}", text(&max1.stderr));
    let lint = charter(
        &["lint", "--preset", "none", "--deny-warnings", "specs"],
        &dir,
    );
    assert_eq!(lint.status.code(), Some(1), "{}", text(&lint.stderr));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn strict_imports_in_charter_toml_applies_to_every_command() {
    let dir = temp_dir("strict");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/billing.json"), IMPORTS_OUTSIDE).unwrap();
    std::fs::write(dir.join("charter.toml"), "[check]\nstrict_imports = true\n").unwrap();
    for args in [
        &["check", "--format", "json", "specs"][..],
        &["lint", "--format", "json", "specs"][..],
        &["trace", "--format", "json", "specs"][..],
    ] {
        let out = charter(args, &dir);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is JSON ({e}): {}", text(&out.stdout)));
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "E1002"),
            "{args:?}: {v}"
        );
    }
    // Found by walking up from the first path, from any working directory.
    let out = charter(
        &["check", dir.join("specs/billing.json").to_str().unwrap()],
        Path::new("/"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_bad_charter_toml_is_located() {
    let dir = temp_dir("badtoml");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/billing.json"), IMPORTS_OUTSIDE).unwrap();
    std::fs::write(
        dir.join("charter.toml"),
        "[check]\nstrict_imports = \"yes\"\n[events]\nanything = 1\n",
    )
    .unwrap();
    let out = charter(&["check", "--format", "json", "specs"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0020")
        .expect("E0020");
    assert!(d["file"].as_str().unwrap().ends_with("charter.toml"));
    assert_eq!(
        d["line"], 2,
        "unknown sections ([events]) are not errors: {v}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn markdown_for_pull_request_comments() {
    let dir = temp_dir("markdown");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/billing.json"), IMPORTS_OUTSIDE).unwrap();
    for cmd in ["check", "lint"] {
        let out = charter(&[cmd, "--format", "markdown", "specs"], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let md = text(&out.stdout);
        assert!(md.starts_with(&format!("### charter {cmd}")), "{md}");
        assert!(md.contains("| ⚠️ | [`W1001`]"), "{md}");
        assert!(md.contains("`specs/billing.json:3:"), "{md}");
        assert!(md.contains("*help:*"), "{md}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn trace_json_prints_json_diagnostics_when_specs_do_not_validate() {
    let dir = temp_dir("tracejson");
    std::fs::write(dir.join("bad.json"), "{\"name\": \"x\", \"models\": {\"a\": {\"fields\": [{\"name\": \"b\", \"type\": \"nope\"}]}}}").unwrap();
    let out = charter(&["trace", "--format", "json", "bad.json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", text(&out.stdout)));
    assert_eq!(v["diagnostics"][0]["code"], "E1004");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn explain_knows_diff_rules_and_linter_codes() {
    for code in ["FIELD_REMOVED", "L0004", "L0103", "E0020", "W1201"] {
        let out = charter(&["explain", code], Path::new("."));
        assert_eq!(out.status.code(), Some(0), "{code}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains(code), "{code}");
    }
}
