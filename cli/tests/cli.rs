//! The `charter` binary, run as CI runs it: exit codes, output formats, hostile input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn the_example_repo_checks_clean() {
    let out = charter(&["check", repo_root().join("specs").to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 errors, 0 warnings"));
}

#[test]
fn errors_exit_1_with_located_json() {
    let dir = temp_dir("errors");
    let spec = dir.join("bad.json");
    std::fs::write(&spec, "{\n  \"name\": \"x\",\n  \"models\": {\"a\": {\"fields\": [{\"name\": \"b\", \"type\": \"nope\"}]}}\n}\n").unwrap();
    let out = charter(&["check", "--format", "json", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E1004");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 3);
    assert_eq!(d["pointer"], "/models/a/fields/0/type");
    assert!(d["column"].as_u64().unwrap() > 1);
    assert!(d["help"].is_string());
    for key in [
        "code", "severity", "message", "file", "line", "column", "pointer", "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn human_output_has_snippet_and_help() {
    let dir = temp_dir("human");
    let spec = dir.join("dup.json");
    std::fs::write(&spec, "{\"name\": \"x\", \"name\": \"y\"}").unwrap();
    let out = charter(&["check", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E0005"), "{err}");
    assert!(err.contains("duplicate key name found: name"), "{err}");
    assert!(err.contains("dup.json:1:15"), "{err}");
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn github_annotations() {
    let dir = temp_dir("github");
    let spec = dir.join("s.json");
    std::fs::write(&spec, "{\"name\": \"x\", \"models\": []}").unwrap();
    let out = charter(&["check", "--format", "github", spec.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("::"), "{text}");
    assert!(text.contains("line=1"), "{text}");
}

#[test]
fn missing_path_is_a_usage_error() {
    let out = charter(&["check", "/definitely/not/here.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = charter(&["check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unreadable_entries_are_reported_not_fatal() {
    let dir = temp_dir("unreadable");
    std::fs::write(dir.join("ok.json"), "{\"name\": \"ok\"}").unwrap();
    // A dangling symlink cannot be read, even by root.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("gone.json"), dir.join("broken.json")).unwrap();
    let out = charter(&["check", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "E0001"));
}

#[test]
fn hostile_inputs_get_diagnostics_not_panics() {
    let dir = temp_dir("hostile");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8.json", b"{\"name\": \"caf\xe9\"}".to_vec(), "E0002"),
        ("deep.json", "[".repeat(5000).into_bytes(), "E0004"),
        ("deep-obj.json", "{\"a\":".repeat(3000).into_bytes(), "E0004"),
        ("syntax.json", b"{\"name\": }".to_vec(), "E0003"),
        ("empty.json", b"  \n".to_vec(), "E0007"),
        ("array.json", b"[1, 2]".to_vec(), "E0006"),
        ("types.json", br#"{"name": 1, "models": {"a": {"fields": "x"}}, "enums": "x", "resources": {"a": 3}}"#.to_vec(), "E0103"),
    ];
    for (name, bytes, code) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = charter(&["check", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let v = json_of(&out);
        let codes: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&code),
            "{name}: expected {code}, got {codes:?}"
        );
    }
}

#[test]
fn a_50_mb_spec_loads() {
    let dir = temp_dir("large");
    let mut text = String::from("{\"name\": \"large\", \"models\": {");
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "\"model_{i}\": {{\"description\": \"{}\", \"fields\": [{{\"name\": \"id\", \"type\": \"string\"}}]}}",
            "x".repeat(4000)
        ));
        i += 1;
    }
    text.push_str("}}");
    let path = dir.join("large.json");
    std::fs::write(&path, &text).unwrap();
    let out = charter(&["check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_prints_a_code() {
    let out = charter(&["explain", "E0005"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("duplicate key"));
    assert_eq!(charter(&["explain", "X9999"]).status.code(), Some(2));
}

#[test]
fn schema_is_json() {
    let out = charter(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["title"], "API Builder api.json");
}

#[test]
fn strict_imports_turn_the_warning_into_an_error() {
    let dir = temp_dir("strict");
    let spec = dir.join("s.json");
    std::fs::write(
        &spec,
        r#"{"name": "s", "imports": [{"uri": "https://app.apibuilder.io/flow/common/latest/service.json"}],
            "models": {"a": {"fields": [{"name": "m", "type": "io.flow.common.v0.models.money"}]}}}"#,
    )
    .unwrap();
    let lenient = charter(&["check", "--format", "json", spec.to_str().unwrap()]);
    assert_eq!(lenient.status.code(), Some(0));
    assert_eq!(json_of(&lenient)["diagnostics"][0]["code"], "W1001");
    let strict = charter(&[
        "check",
        "--strict-imports",
        "--format",
        "json",
        spec.to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(json_of(&strict)["diagnostics"][0]["code"], "E1002");
}

#[test]
fn imports_in_the_repo_resolve_and_cycles_are_reported() {
    let dir = temp_dir("cycle");
    std::fs::write(
        dir.join("a.json"),
        r#"{"name": "alpha", "namespace": "x.a.v0", "imports": [{"uri": "https://h/x/beta/1.0.0/service.json"}],
            "models": {"m": {"fields": [{"name": "n", "type": "x.b.v0.models.n"}]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("b.json"),
        r#"{"name": "beta", "namespace": "x.b.v0", "imports": [{"uri": "https://h/x/alpha/1.0.0/service.json"}],
            "models": {"n": {"fields": [{"name": "s", "type": "string"}, {"name": "bad", "type": "x.a.v0.models.nope"}]}}}"#,
    )
    .unwrap();
    let out = charter(&["check", "--format", "json", dir.to_str().unwrap()]);
    let v = json_of(&out);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E1003"), "{codes:?}");
    assert!(codes.contains(&"E1006"), "{codes:?}");
    assert!(!codes.contains(&"W1001"), "{codes:?}");
}

#[test]
fn strict_imports_from_charter_toml() {
    let dir = temp_dir("strict-toml");
    std::fs::write(dir.join("charter.toml"), "[check]\nstrict_imports = true\n").unwrap();
    std::fs::write(
        dir.join("s.json"),
        r#"{"name": "s", "imports": [{"uri": "https://app.apibuilder.io/flow/common/latest/service.json"}]}"#,
    )
    .unwrap();
    let out = charter(&[
        "check",
        "--no-lint",
        "--format",
        "json",
        dir.join("s.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["diagnostics"][0]["code"], "E1002");
}

#[test]
fn resolve_prints_the_resolved_form_with_repo_imports() {
    let specs = repo_root().join("specs");
    // The file is also inside --repo: it must be loaded once, not reported as a duplicate.
    let out = charter(&[
        "resolve",
        specs.join("user.json").to_str().unwrap(),
        "--repo",
        specs.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(v["namespace"], "io.charter.user.v0");
    assert_eq!(v["resources"][0]["operations"][1]["path"], "/users/:id");
    assert_eq!(
        v["resources"][0]["operations"][1]["parameters"][0]["location"],
        "Path"
    );
}

/// The Flow API snapshot is one minified line of megabytes: human output shows an excerpt of it
/// (miette used to panic on its column widths), and a reader that stops early (`| head`) ends
/// the command quietly instead of a broken-pipe panic.
#[test]
fn minified_specs_render_and_closed_pipes_end_quietly() {
    use std::io::Read;
    let spec = repo_root().join(
        "../shared/corpus/service-json/apicollective__apibuilder-validation__src__test__resources__flow-api-service.json",
    );
    let spec = spec.to_str().unwrap();
    let out = charter(&["check", spec]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("flow-api-service.json:1:438"), "{stderr}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", "--format", "json", spec])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("charter runs");
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is closed here, long before the report is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
