//! `charter diff` end to end: exit codes, formats, bad input, the allow-list and `--against`.

mod support;
use support::git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn charter() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

fn fixture(rule: &str, case: &str, side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/diff")
        .join(rule)
        .join(case)
        .join(format!("{side}.json"))
}

fn run(args: &[&str], paths: &[&Path]) -> Output {
    let mut c = charter();
    c.arg("diff").args(args).args(paths);
    // no charter.toml from the working directory
    c.current_dir(std::env::temp_dir());
    c.output().expect("run charter")
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

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("charter-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

#[test]
fn exit_codes_follow_the_verdict_and_fail_on() {
    let (o, n) = (
        fixture("FIELD_REMOVED", "response", "old"),
        fixture("FIELD_REMOVED", "response", "new"),
    );
    let out = run(&[], &[&o, &n]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("breaking [FIELD_REMOVED]"),
        "{}",
        stdout(&out)
    );

    let (o, n) = (
        fixture("ENUM_VALUE_ADDED", "response", "old"),
        fixture("ENUM_VALUE_ADDED", "response", "new"),
    );
    assert_eq!(code(&run(&[], &[&o, &n])), 0);
    assert_eq!(code(&run(&["--fail-on", "dangerous"], &[&o, &n])), 1);

    let (o, n) = (
        fixture("FIELD_ADDED", "optional", "old"),
        fixture("FIELD_ADDED", "optional", "new"),
    );
    assert_eq!(code(&run(&["--fail-on", "dangerous"], &[&o, &n])), 0);
}

/// The gate follows the wire axis; `--fail-on source` also fails on a change that only breaks code
/// using the generated client (a path parameter renamed: same URL, renamed method).
#[test]
fn fail_on_source_gates_on_the_source_axis_too() {
    let (o, n) = (
        fixture("OPERATION_MOVED", "path_param_renamed", "old"),
        fixture("OPERATION_MOVED", "path_param_renamed", "new"),
    );
    let out = run(&["--format", "json"], &[&o, &n]);
    assert_eq!(code(&out), 0, "wire non-breaking: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"], "non-breaking");
    assert_eq!(v["source_verdict"], "breaking");
    assert_eq!(v["changes"][0]["class"], "non-breaking");
    assert_eq!(v["changes"][0]["source"], "breaking");
    assert_eq!(
        v["suggested_bump"], "major",
        "generated code breaks: a major release"
    );
    assert_eq!(code(&run(&["--fail-on", "source"], &[&o, &n])), 1);
    assert_eq!(code(&run(&["--fail-on", "dangerous"], &[&o, &n])), 0);
    // both axes in every format
    let human = stdout(&run(&[], &[&o, &n]));
    assert!(
        human.contains("non-breaking [OPERATION_MOVED]") && human.contains("(source: breaking)"),
        "{human}"
    );
    let md = stdout(&run(&["--format", "markdown"], &[&o, &n]));
    assert!(
        md.contains("| non-breaking | breaking | `OPERATION_MOVED` |"),
        "{md}"
    );
    let gh = stdout(&run(&["--format", "github"], &[&o, &n]));
    assert!(
        gh.contains("OPERATION_MOVED (wire non-breaking / source breaking)"),
        "{gh}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["--format", "sarif"], &[&o, &n]).stdout).expect("sarif");
    assert_eq!(
        sarif["runs"][0]["results"][0]["properties"]["source"],
        "breaking"
    );
    // a breaking wire change fails every gate
    let (o, n) = (
        fixture("FIELD_REMOVED", "response", "old"),
        fixture("FIELD_REMOVED", "response", "new"),
    );
    assert_eq!(code(&run(&["--fail-on", "source"], &[&o, &n])), 1);
}

#[test]
fn formats() {
    let (o, n) = (
        fixture("FIELD_REQUIRED_TO_OPTIONAL", "response", "old"),
        fixture("FIELD_REQUIRED_TO_OPTIONAL", "response", "new"),
    );
    let out = run(&["--format", "json"], &[&o, &n]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(v["verdict"], "breaking");
    assert_eq!(v["suggested_bump"], "major");
    assert_eq!(v["changes"][0]["rule"], "FIELD_REQUIRED_TO_OPTIONAL");
    assert_eq!(v["changes"][0]["affects"][0], "GET /users");
    let md = stdout(&run(&["--format", "markdown"], &[&o, &n]));
    assert!(md.starts_with("## Charter API diff: breaking"), "{md}");
    let gh = stdout(&run(&["--format", "github"], &[&o, &n]));
    assert!(gh.starts_with("::error file="), "{gh}");
}

#[test]
fn bad_input_names_the_side_and_exits_2() {
    let dir = tempdir("bad");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"name\": \"x\", \"models\": [1]}").expect("write");
    let good = fixture("FIELD_ADDED", "optional", "new");
    let out = run(&[], &[&good, &bad]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("the new ("), "{}", stderr(&out));
    assert!(
        stdout(&out).is_empty(),
        "nothing is classified: {}",
        stdout(&out)
    );
    let out = run(&[], &[&dir.join("missing.json"), &good]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("the old ("), "{}", stderr(&out));
    assert_eq!(
        code(&run(&[], &[&good])),
        2,
        "one path without --against is a usage error"
    );
}

#[test]
fn allow_list_accepts_one_reviewed_change() {
    let (o, n) = (
        fixture("FIELD_REMOVED", "response", "old"),
        fixture("FIELD_REMOVED", "response", "new"),
    );
    let out = run(&["--format", "json"], &[&o, &n]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pointer = v["changes"][0]["pointer"]
        .as_str()
        .expect("pointer")
        .to_string();
    let dir = tempdir("allow");
    let cfg = dir.join("charter.toml");
    std::fs::write(
        &cfg,
        format!("[diff]\nallow = [{{ rule = \"FIELD_REMOVED\", pointer = \"{pointer}\", reason = \"reviewed\" }}]\n"),
    )
    .expect("write");
    let out = run(
        &["--format", "json", "--config", cfg.to_str().expect("utf8")],
        &[&o, &n],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"], "non-breaking");
    assert_eq!(
        v["suggested_bump"], "major",
        "accepting a break does not make it compatible"
    );
    assert_eq!(v["changes"][0]["allowed"], "reviewed");
    // verdict and bump agree, and say why
    assert_eq!(v["accepted"], "breaking");
    let summary = v["summary"].as_str().expect("summary");
    assert!(
        !summary.contains("verdict: non-breaking; suggested bump: major"),
        "{summary}"
    );
    assert!(summary.contains("accepted by the allow-list"), "{summary}");
    assert!(
        summary.contains(&format!(
            "because the accepted FIELD_REMOVED at {pointer} is breaking"
        )),
        "{summary}"
    );
    let human = stdout(&run(&["--config", cfg.to_str().expect("utf8")], &[&o, &n]));
    assert!(human.contains("(allowed: reviewed)"), "{human}");
    assert!(
        human.contains("because the accepted FIELD_REMOVED"),
        "{human}"
    );
    // a database rule id is accepted in the allow-list
    std::fs::write(
        &cfg,
        "[diff]\nallow = [{ rule = \"DB004\", pointer = \"/models/user/fields/1\", reason = \"dropped later\" }]\n",
    )
    .expect("write");
    let out = run(&["--config", cfg.to_str().expect("utf8")], &[&o, &n]);
    assert_eq!(
        code(&out),
        1,
        "FIELD_REMOVED is still breaking: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("allows DB004"),
        "a stale DB entry is warned about: {}",
        stderr(&out)
    );
    std::fs::write(
        &cfg,
        "[diff]\nallow = [{ rule = \"NOPE\", pointer = \"/\", reason = \"x\" }]\n",
    )
    .expect("write");
    assert_eq!(
        code(&run(&["--config", cfg.to_str().expect("utf8")], &[&o, &n])),
        2
    );
}

#[test]
fn against_reads_the_old_version_from_git() {
    let dir = tempdir("git");
    git(&dir, &["init", "-q"]);
    let specs = dir.join("spec");
    std::fs::create_dir_all(&specs).expect("mkdir");
    std::fs::copy(
        fixture("FIELD_REMOVED", "response", "old"),
        specs.join("api.json"),
    )
    .expect("copy");
    std::fs::write(dir.join("README.md"), "not a spec").expect("write");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    std::fs::copy(
        fixture("FIELD_REMOVED", "response", "new"),
        specs.join("api.json"),
    )
    .expect("copy");
    let out = run(&["--against", "HEAD", "--format", "json"], &[&specs]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["changes"][0]["rule"], "FIELD_REMOVED");
    assert_eq!(
        v["changes"][0]["file"], "HEAD:spec/api.json",
        "removed elements are located in the old blob"
    );
    // the whole work tree, from a subdirectory-free path
    let out = run(&["--against", "HEAD"], &[&dir]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // a missing revision is a clear usage error
    let out = run(&["--against", "no-such-branch"], &[&specs]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("git revision `no-such-branch` not found"),
        "{}",
        stderr(&out)
    );
    // unchanged: nothing to report
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v2"]);
    let out = run(&["--against", "HEAD"], &[&specs]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("0 change(s)"), "{}", stdout(&out));
}
