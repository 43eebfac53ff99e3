//! `charter docs`: golden HTML and Markdown sites of the example repo (`fixtures/site/`,
//! `UPDATE_GOLDEN=1` rewrites them) built from a throw-away git history of it, the change history
//! (and its absence outside git), exit codes (the library: `compiler/tests/site.rs`).

mod support;

use charter::site;
use charter::Options;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::git;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn charter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .output()
        .expect("run charter")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-site-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A git repository whose `specs/` went through three commits: an older user service (no
/// `address`, `email` not annotated, fewer statuses), then a breaking and an additive change, then
/// today's example repo.
fn repo_with_history() -> (PathBuf, Vec<String>) {
    let dir = tmp("history");
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    let copy = || {
        for e in std::fs::read_dir(root().join("specs")).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, specs.join(p.file_name().unwrap())).unwrap();
        }
    };
    copy();
    let user = std::fs::read_to_string(specs.join("user.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&user).unwrap();
    // Version 1: user has an extra required `nickname`, no optional `address`.
    let fields = v["models"]["user"]["fields"].as_array_mut().unwrap();
    fields.retain(|f| f["name"] != "address");
    fields.push(serde_json::json!({"name": "nickname", "type": "string"}));
    std::fs::write(
        specs.join("user.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(
        &dir,
        &[
            "commit",
            "-q",
            "-m",
            "user: first version",
            "--date=2026-01-05T10:00:00Z",
        ],
    );
    // Version 2: the user-status enum gains a value (additive).
    let mut v2 = v.clone();
    v2["enums"]["user_status"]["values"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "pending", "description": "Invited, not signed in yet."}));
    std::fs::write(
        specs.join("user.json"),
        serde_json::to_string_pretty(&v2).unwrap(),
    )
    .unwrap();
    git(
        &dir,
        &[
            "commit",
            "-q",
            "-am",
            "user: pending status",
            "--date=2026-02-01T10:00:00Z",
        ],
    );
    // Version 3: today's example repo (nickname and pending removed, address added).
    copy();
    git(
        &dir,
        &[
            "commit",
            "-q",
            "-am",
            "user: address, no nickname",
            "--date=2026-03-01T10:00:00Z",
        ],
    );
    let log = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["log", "--format=%h"])
        .output()
        .unwrap();
    let hashes = String::from_utf8_lossy(&log.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    (dir, hashes)
}

/// Commit ids depend on the committer's clock: the goldens name them by age (`commit-1` newest).
fn normalize(text: &str, hashes: &[String]) -> String {
    let mut out = text.to_owned();
    for (i, h) in hashes.iter().enumerate() {
        out = out.replace(h.as_str(), &format!("commit-{}", i + 1));
    }
    out
}

fn check_golden(dir: &Path, golden: &Path, hashes: &[String]) {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        let _ = std::fs::remove_dir_all(golden);
        std::fs::create_dir_all(golden).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = std::fs::read_dir(golden)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    expected.sort();
    if !update {
        assert_eq!(names, expected, "files differ from {}", golden.display());
    }
    for name in names {
        let actual = normalize(&std::fs::read_to_string(dir.join(&name)).unwrap(), hashes);
        let path = golden.join(&name);
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap();
        if want != actual {
            let diff = similar::TextDiff::from_lines(&want, &actual)
                .unified_diff()
                .header("golden", "actual")
                .to_string();
            panic!(
                "{} differs (UPDATE_GOLDEN=1 rewrites it):\n{diff}",
                path.display()
            );
        }
    }
}

#[test]
fn golden_sites_for_the_example_repo() {
    let (repo, hashes) = repo_with_history();
    let specs = repo.join("specs");
    for (format, golden) in [("html", "html"), ("markdown", "markdown")] {
        let out = repo.join(format!("out-{format}"));
        let o = charter(&[
            "docs",
            specs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
            "--no-diagram",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        check_golden(&out, &root().join("fixtures/site").join(golden), &hashes);
    }
    // The history on the user page, newest first, with a bump per change.
    let user = std::fs::read_to_string(repo.join("out-html/io.charter.user.v0.html")).unwrap();
    let newest = user.find(&hashes[0]).expect("newest commit listed");
    let middle = user.find(&hashes[1]).expect("second commit listed");
    assert!(newest < middle, "history is newest first");
    let v3 = &user[newest..middle];
    assert!(
        v3.contains("b-major"),
        "removing a required field / an enum value is major"
    );
    assert!(v3.contains("breaking"));
    let v2 = &user[middle..];
    assert!(v2.contains("pending"));
    // The common service did not change after its first commit.
    let common = std::fs::read_to_string(repo.join("out-html/io.charter.common.v0.html")).unwrap();
    assert!(!common.contains(&hashes[0]));
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn specs_outside_git_say_there_is_no_history() {
    let dir = tmp("nogit");
    for e in std::fs::read_dir(root().join("specs")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let history = site::history::read(&dir, 10, &Options::default());
    // /tmp is not inside a git repository on CI or here.
    assert!(history.unavailable.is_some(), "{history:?}");
    let out = dir.join("out");
    let o = charter(&[
        "docs",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = std::fs::read_to_string(out.join("io.charter.user.v0.html")).unwrap();
    assert!(page.contains("not in a git repository"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes() {
    let dir = tmp("exit");
    std::fs::write(
        dir.join("bad.json"),
        r#"{"name": "bad", "models": {"m": {"fields": [{"name": "x", "type": "nope"}]}}}"#,
    )
    .unwrap();
    let out = dir.join("out");
    let o = charter(&[
        "docs",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
    assert!(
        !out.exists(),
        "nothing is written for specs that do not validate"
    );
    let o = charter(&["docs", "specs"]);
    assert_eq!(o.status.code(), Some(2), "--out is required");
    let blocker = dir.join("file");
    std::fs::write(&blocker, "").unwrap();
    let o = charter(&[
        "docs",
        root().join("specs").to_str().unwrap(),
        "--out",
        blocker.join("sub").to_str().unwrap(),
        "--no-history",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
