//! The docs site in a real browser: Debian's headless Chromium, driven by playwright-core
//! (`tests/site-browser/check.mjs`; `bash .ci/setup/chromium.sh` installs both), opens a site
//! from disk (file://), follows every internal link and fragment (none broken), runs a search and
//! follows its first result, and sees no console error, no dialog and no request leaving the file
//! system. Screenshots of the index, a service page (laptop and phone) and the search go to
//! `target/tmp/site-browser/<name>/screenshots/` (artifacts, not goldens).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the site of `specs` and runs check.mjs over it; returns its summary.
fn browse(name: &str, specs: &Path, query: &str, expect_text: Option<&str>) -> Value {
    let chromium = std::env::var("CHARTER_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium not found at {chromium}: run `bash .ci/setup/chromium.sh` (or set CHARTER_CHROMIUM)"
    );
    let modules = std::env::var("CHARTER_PLAYWRIGHT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("tests/site-browser/node_modules"));
    assert!(
        modules.join("playwright-core").is_dir(),
        "playwright-core not found in {}: run `bash .ci/setup/chromium.sh` (or set CHARTER_PLAYWRIGHT)",
        modules.display()
    );
    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("site-browser")
        .join(name);
    let site = work.join("site");
    let shots = work.join("screenshots");
    let _ = std::fs::remove_dir_all(&work);
    let o = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("docs")
        .arg(specs)
        .arg("--out")
        .arg(&site)
        .output()
        .expect("run charter docs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/site-browser/check.mjs"))
        .arg(&site)
        .arg(&shots)
        .env("CHARTER_CHROMIUM", &chromium)
        .env("NODE_PATH", &modules)
        .env("CHARTER_SEARCH_QUERY", query);
    if let Some(t) = expect_text {
        cmd.env("CHARTER_EXPECT_TEXT", t);
    }
    let o = cmd
        .output()
        .expect("node (Debian nodejs) must be installed");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let line = stdout.lines().last().unwrap_or_default();
    let summary: Value = serde_json::from_str(line).unwrap_or_else(|_| {
        panic!("no summary from check.mjs\nstdout: {stdout}\nstderr: {stderr}")
    });
    println!("{name}: {summary:#}");
    assert_eq!(summary["broken"], json!([]), "broken links");
    assert_eq!(summary["consoleErrors"], json!([]), "console errors");
    assert_eq!(summary["dialogs"], json!([]), "script ran");
    assert_eq!(summary["externalRequests"], json!([]), "requests off disk");
    assert!(
        summary["search"]["results"].as_u64().unwrap() > 0,
        "{summary}"
    );
    assert!(o.status.success(), "check.mjs failed: {summary}\n{stderr}");
    for shot in [
        "index.png",
        "service.png",
        "service-phone.png",
        "search.png",
    ] {
        let len = std::fs::metadata(shots.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 10_000, "screenshot {shot} missing or empty");
    }
    summary
}

#[test]
fn the_example_repo_site_works_in_headless_chromium() {
    let summary = browse("example", &root().join("specs"), "user", None);
    // index, data map and the four services of the example repo
    assert!(summary["pages"].as_u64().unwrap() >= 6, "{summary}");
    assert!(summary["fragments"].as_u64().unwrap() > 100, "{summary}");
    assert!(summary["search"]["landed"]
        .as_str()
        .unwrap()
        .contains("io.charter.user.v0.html"));
}

#[test]
fn hostile_spec_text_is_shown_never_run() {
    let summary = browse(
        "hostile",
        &root().join("fixtures/site-hostile"),
        "thing",
        Some("<script>alert('service')</script> \"quoted\" & **bold**"),
    );
    assert_eq!(summary["expectedTextShown"], json!(true), "{summary}");
}
