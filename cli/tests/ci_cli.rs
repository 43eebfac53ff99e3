//! `charter ci --base REV`: one run on a temporary git repository, with a harmless and a breaking
//! commit.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::git;

fn charter(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

fn spec(fields: &str) -> String {
    format!(
        r#"{{
  "name": "user",
  "models": {{"user": {{"fields": [{fields}]}}}},
  "resources": {{"user": {{"operations": [{{"method": "GET", "path": "/:id"}}]}}}}
}}
"#
    )
}

const ID: &str = r#"{"name": "id", "type": "string"}"#;
const EMAIL: &str = r#"{"name": "email", "type": "string", "required": false}"#;

fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-ci-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("specs/user.json"), spec(&format!("{ID}, {EMAIL}"))).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    dir
}

#[test]
fn a_harmless_change_passes_and_a_breaking_one_fails() {
    let dir = repo("gate");
    // harmless: a new optional field
    let added = r#"{"name": "nickname", "type": "string", "required": false}"#;
    std::fs::write(
        dir.join("specs/user.json"),
        spec(&format!("{ID}, {EMAIL}, {added}")),
    )
    .unwrap();
    git(&dir, &["commit", "-qam", "harmless"]);
    let summary = dir.join("summary.md");
    let out = charter(
        &[
            "ci",
            "--base",
            "HEAD~1",
            "specs",
            "--summary",
            summary.to_str().unwrap(),
        ],
        &dir,
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{md}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(md.contains("### charter check"), "{md}");
    assert!(
        md.contains("FIELD_ADDED") || md.contains("non-breaking"),
        "{md}"
    );
    assert!(md.contains("charter ci: passed"), "{md}");

    // breaking: a required field is removed
    std::fs::write(dir.join("specs/user.json"), spec(EMAIL)).unwrap();
    git(&dir, &["commit", "-qam", "breaking"]);
    std::fs::remove_file(&summary).unwrap();
    let out = charter(
        &[
            "ci",
            "--base",
            "HEAD~1",
            "specs",
            "--summary",
            summary.to_str().unwrap(),
        ],
        &dir,
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(out.status.code(), Some(1), "{md}");
    assert!(md.contains("FIELD_REMOVED"), "{md}");
    assert!(md.contains("charter ci: failed"), "{md}");
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert!(
        annotations
            .lines()
            .any(|l| l.starts_with("::error") && l.contains("FIELD_REMOVED")),
        "{annotations}"
    );

    // a revision that does not exist is a usage error
    let out = charter(&["ci", "--base", "no-such-rev", "specs"], &dir);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}
