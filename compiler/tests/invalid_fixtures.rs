//! Golden tests for invalid specs: `fixtures/invalid/<CODE>-<short-name>.json`.
//!
//! Each fixture is checked with [`charter::check_sources`]; its diagnostics are rendered one per
//! line as `CODE pointer line message` and compared with `<same name>.expected`. A fixture must
//! produce its own code (the file-name prefix). Run with `UPDATE_GOLDEN=1` to (re)write the golden
//! files after an intended change; a missing or stale golden file fails the test otherwise.
//!
//! Every code of semantic validation, and every code of loading, lowering and resolution that a
//! single document can produce, has at least one fixture.

use charter::{check_sources, Checked, Options};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/invalid")
}

/// Codes that no single in-memory document can produce: unreadable paths (E0001), bytes that are
/// not UTF-8 (E0002, `check_sources` takes text), files over 64 MiB (E0008), the service.json form
/// (E0112, covered by that form's own tests), and the repo-level import codes that need several
/// specs or options (strict imports E1002, import cycles E1003, a missing type of an imported spec
/// E1006, a shared namespace E1007; covered by the CLI and resolution tests).
const NOT_FROM_A_DOCUMENT: &[&str] = &[
    "E0001", "E0002", "E0008", "E0112", "E1002", "E1003", "E1006", "E1007",
];

fn render(checked: &Checked) -> String {
    let mut out = String::new();
    for d in checked.diagnostics.iter() {
        let (pointer, line) = match &d.loc {
            Some(loc) => {
                let pointer = if loc.pointer.is_empty() {
                    "(root)".to_string()
                } else {
                    loc.pointer.clone()
                };
                (
                    pointer,
                    checked.sources.get(loc.file).line_col(loc.span.start).0,
                )
            }
            None => ("(none)".to_string(), 0),
        };
        let _ = writeln!(out, "{} {pointer} {line} {}", d.code, d.message);
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let dir = fixtures_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn code_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    stem.split('-').next().unwrap_or_default().to_string()
}

#[test]
fn invalid_fixtures_match_their_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = fixtures();
    assert!(
        !files.is_empty(),
        "no fixtures in {}",
        fixtures_dir().display()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let checked = check_sources(vec![(PathBuf::from(&name), text)], &Options::default());
        let code = code_of(path);
        if !checked.diagnostics.iter().any(|d| d.code.id == code) {
            failures.push(format!("{name}: does not produce {code}"));
        }
        let actual = render(&checked);
        let golden = path.with_extension("expected");
        if update {
            std::fs::write(&golden, &actual)
                .unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{name}: diagnostics differ from {} (UPDATE_GOLDEN=1 rewrites it)\n--- expected\n{expected}--- actual\n{actual}",
                golden.display()
            )),
            Err(_) => failures.push(format!(
                "{name}: golden file {} is missing (UPDATE_GOLDEN=1 writes it)\n--- actual\n{actual}",
                golden.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_golden_file_has_its_fixture() {
    let dir = fixtures_dir();
    for entry in std::fs::read_dir(&dir).expect("fixtures directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "expected") {
            assert!(
                path.with_extension("json").exists(),
                "{} has no fixture: remove it",
                path.display()
            );
        }
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<String> = fixtures().iter().map(|p| code_of(p)).collect();
    let tables = [
        charter::load::CODES,
        charter::lower::CODES,
        charter::validate::CODES,
    ];
    let missing: Vec<&str> = tables
        .iter()
        .flat_map(|t| t.iter())
        .map(|c| c.id)
        .filter(|c| !NOT_FROM_A_DOCUMENT.contains(c) && !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in fixtures/invalid: {missing:?}"
    );
}
