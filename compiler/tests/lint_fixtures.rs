//! Per-rule fixtures: `fixtures/lint/<code>-<name>/` holds `pass.json` (or a `pass/` directory of
//! specs forming one repo) that must give no finding of the rule, and `fail.json` (or `fail/`)
//! whose findings must equal `fail.expected`. Both must validate, or the linter would not run.
//! `UPDATE_GOLDEN=1 cargo test -p charter --test lint_fixtures` rewrites the expectations.

use charter::lint::{self, LintConfig, RULES};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/lint"))
}

/// The specs of a fixture case, with display paths relative to the rule's directory.
fn specs(dir: &Path, case: &str) -> Option<Vec<(PathBuf, String)>> {
    let file = dir.join(format!("{case}.json"));
    if file.is_file() {
        let text = std::fs::read_to_string(&file).ok()?;
        return Some(vec![(PathBuf::from(format!("{case}.json")), text)]);
    }
    let sub = dir.join(case);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&sub)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Some(
        files
            .into_iter()
            .map(|p| {
                let name = PathBuf::from(case).join(p.file_name().unwrap());
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect(),
    )
}

/// Lints a case with only `code` on; returns golden lines for that rule's findings.
fn run(dir: &Path, case: &str, code: &str) -> Result<Vec<String>, String> {
    let files = specs(dir, case).unwrap_or_else(|| panic!("{}: no {case}.json", dir.display()));
    let mut checked = charter::check_sources(files, &charter::Options::default());
    let validation: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if !validation.is_empty() {
        let msgs: Vec<String> = validation
            .iter()
            .map(|d| {
                format!(
                    "{} {} {:?}",
                    d.code,
                    d.message,
                    d.loc.as_ref().map(|l| &l.pointer)
                )
            })
            .collect();
        return Err(format!(
            "{}/{case} does not validate: {}",
            dir.display(),
            msgs.join("; ")
        ));
    }
    let config = LintConfig::only(&[code]);
    lint::lint(
        &checked.repo,
        &checked.sources,
        &config,
        &mut checked.diagnostics,
    );
    checked.diagnostics.sort(&checked.sources);
    Ok(checked
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let loc = d.loc.as_ref().expect("lint findings are located");
            let f = checked.sources.get(loc.file);
            let (line, col) = f.line_col(loc.span.start);
            let mut s = format!(
                "{} {} {}:{line}:{col} {}: {}",
                d.code,
                d.severity.as_str(),
                f.path.display(),
                loc.pointer,
                d.message
            );
            match &d.help {
                Some(h) if !h.trim().is_empty() => s.push_str(&format!("\n    help: {h}")),
                _ => s.push_str("\n    MISSING HELP (every finding has a help line)"),
            }
            s
        })
        .collect())
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for rule in RULES {
        let dir = root().join(format!("{}-{}", rule.code, rule.name));
        if !dir.is_dir() {
            failures.push(format!(
                "{}: missing fixture directory {}",
                rule.code,
                dir.display()
            ));
            continue;
        }
        let (pass, fail) = match (
            run(&dir, "pass", rule.code.id),
            run(&dir, "fail", rule.code.id),
        ) {
            (Ok(p), Ok(f)) => (p, f),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(e);
                continue;
            }
        };
        if !pass.is_empty() {
            failures.push(format!(
                "{}: pass case has findings:\n{}",
                rule.code,
                pass.join("\n")
            ));
        }
        if let Some(line) = fail.iter().find(|l| l.contains("MISSING HELP")) {
            failures.push(format!("{}: finding without help: {line}", rule.code));
        }
        if fail.is_empty() {
            failures.push(format!("{}: fail case has no finding", rule.code));
        }
        let actual = fail.join("\n") + "\n";
        let expected_path = dir.join("fail.expected");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}: findings differ from fail.expected (UPDATE_GOLDEN=1 to accept):\n{}",
                rule.code,
                similar::TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .header("fail.expected", "actual")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn no_stray_fixture_directories() {
    for e in std::fs::read_dir(root()).unwrap() {
        let e = e.unwrap();
        if !e.path().is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            RULES
                .iter()
                .any(|r| name == format!("{}-{}", r.code, r.name)),
            "fixtures/lint/{name} matches no rule"
        );
    }
}

/// Each of Flow's `linter.ignore` keys a rule honours silences every finding of its fail case
/// when set on the service (the element that contains all others), and is counted as suppressed.
#[test]
fn every_flow_ignore_key_silences_its_rule() {
    let mut failures = Vec::new();
    let mut covered = 0;
    for rule in RULES.iter().filter(|r| !r.ignore_keys.is_empty()) {
        let dir = root().join(format!("{}-{}", rule.code, rule.name));
        let files = specs(&dir, "fail").expect("fail case");
        for key in rule.ignore_keys {
            let ignored: Vec<(PathBuf, String)> = files
                .iter()
                .map(|(p, text)| {
                    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
                    let attrs = v
                        .as_object_mut()
                        .unwrap()
                        .entry("attributes")
                        .or_insert_with(|| serde_json::json!([]));
                    attrs
                        .as_array_mut()
                        .unwrap()
                        .push(serde_json::json!({"name": "linter", "value": {"ignore": [key]}}));
                    (p.clone(), serde_json::to_string_pretty(&v).unwrap())
                })
                .collect();
            let mut checked = charter::check_sources(ignored, &charter::Options::default());
            let stats = lint::lint(
                &checked.repo,
                &checked.sources,
                &LintConfig::only(&[rule.code.id]),
                &mut checked.diagnostics,
            );
            let left: Vec<String> = checked
                .diagnostics
                .iter()
                .filter(|d| d.code == rule.code.id)
                .map(|d| d.message.clone())
                .collect();
            if !left.is_empty() || stats.suppressed == 0 {
                failures.push(format!(
                    "{} with ignore key `{key}`: {} finding(s) left, {} suppressed: {left:?}",
                    rule.code,
                    left.len(),
                    stats.suppressed
                ));
            }
            covered += 1;
        }
    }
    assert!(covered >= 16, "only {covered} ignore keys exercised");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
