//! `charter trace` end to end: golden outputs for the example api repo `specs/` in every format
//! (`UPDATE_GOLDEN=1` rewrites `fixtures/trace/`), exit codes, and `--against` in a temporary git
//! repository.

mod support;
use support::git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn charter(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("trace")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn golden_outputs_for_the_example_repo() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (format, ext) in [
        ("human", "txt"),
        ("json", "json"),
        ("markdown", "md"),
        ("dot", "dot"),
    ] {
        let out = charter(&root(), &["--format", format, "specs"]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}: no warning on the example repo");
        let text = stdout(&out);
        let golden = root().join(format!("fixtures/trace/specs.{ext}"));
        if update {
            std::fs::write(&golden, &text).expect("write golden");
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(text.as_str()) {
            stale.push(format!("{} ({format})", golden.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale goldens (rerun with UPDATE_GOLDEN=1 and review): {stale:?}"
    );
}

#[test]
fn json_lists_what_the_example_repo_declares_and_where_it_flows() {
    let out = charter(&root(), &["--format", "json", "specs"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["annotation"], "personal_data");
    let fields = v["fields"].as_array().expect("fields");
    assert!(fields
        .iter()
        .any(|f| f["model"] == "user" && f["field"] == "email" && f["file"] == "specs/user.json"));
    let order = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["service"] == "order" && m["model"] == "order")
        .expect("order is tainted");
    assert_eq!(
        order["via"],
        serde_json::json!(["order.customer", "user.email"])
    );
    assert!(v["events"]
        .as_array()
        .expect("events")
        .iter()
        .any(|e| e["union"] == "user_event" && e["member"] == "user_upserted"));
    assert!(v["operations"].as_array().expect("ops").iter().any(|o| {
        o["method"] == "GET"
            && o["path"] == "/users"
            && o["direction"] == "request"
            && o["status"].is_null()
            && o["via"] == serde_json::json!(["query email", "user.email"])
    }));
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("charter-trace-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

#[test]
fn specs_that_do_not_validate_exit_1_and_bad_usage_exits_2() {
    let dir = tempdir("invalid");
    std::fs::write(
        dir.join("api.json"),
        r#"{"name": "x", "models": {"a": {"fields": [{"name": "b", "type": "nope"}]}}}"#,
    )
    .expect("write");
    let out = charter(&dir, &["api.json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("E1004"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = charter(&dir, &["missing.json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let out = charter(&dir, &["--format", "yaml", "api.json"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn an_undeclared_annotation_is_a_warning_not_a_failure() {
    let out = charter(&root(), &["--annotation", "secret", "specs"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("no service declares the annotation `secret`"));
    assert!(stdout(&out).starts_with("secret: 0 annotated field(s)"));
}

#[test]
fn against_lists_only_new_flows_from_git() {
    let dir = tempdir("git");
    git(&dir, &["init", "-q"]);
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).expect("mkdir");
    for f in [
        "common.json",
        "user.json",
        "order.json",
        "organization.json",
    ] {
        std::fs::copy(root().join("specs").join(f), specs.join(f)).expect("copy");
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    let same = charter(&dir, &["--against", "HEAD", "specs"]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(stdout(&same)
        .starts_with("new since HEAD: personal_data: 0 annotated field(s), 0 model(s)"));

    // an organization now keeps a contact person: personal data flows into the organization
    // service's responses and events through a new model
    let org = std::fs::read_to_string(specs.join("organization.json")).expect("read");
    let org = org.replacen(
        r#"{ "name": "created_at", "type": "date-time-iso8601" }"#,
        r#"{ "name": "created_at", "type": "date-time-iso8601" },
        { "name": "contact", "type": "contact", "required": false }"#,
        1,
    );
    let org = org.replacen(
        r#""membership": {"#,
        r#""contact": {
      "description": "Who to call at an organization.",
      "fields": [
        { "name": "person", "type": "io.charter.common.v0.models.name" }
      ]
    },
    "membership": {"#,
        1,
    );
    std::fs::write(specs.join("organization.json"), org).expect("write");
    let out = charter(&dir, &["--against", "HEAD", "--format", "json", "specs"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["against"], "HEAD");
    let models: Vec<_> = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["model"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(models, vec!["contact"], "only the new model is new");
    assert_eq!(
        v["operations"],
        serde_json::json!([]),
        "operations already carried it"
    );
    let md = charter(
        &dir,
        &["--against", "HEAD", "--format", "markdown", "specs"],
    );
    assert_eq!(code(&md), 1);
    assert!(stdout(&md).contains("# New flows of `personal_data` since `HEAD`"));
    assert!(stdout(&md).contains("`contact`"));

    let bad = charter(&dir, &["--against", "no-such-rev", "specs"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("not found"), "{}", stderr(&bad));
    let dot = charter(&dir, &["--against", "HEAD", "--format", "dot", "specs"]);
    assert_eq!(code(&dot), 2);
}
