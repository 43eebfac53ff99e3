//! Every version pair of the corpus (../shared/corpus/INDEX.md, "Version pairs") is diffed without a
//! panic, with the counts by rule and verdict printed (`--nocapture`); diff(a, a) is empty for every
//! corpus spec.

use charter::diff::{self, Side};
use charter::{check, Checked, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

fn load(path: &Path) -> Checked {
    check(&[path.to_path_buf()], &Options::default())
}

fn usable(c: &Checked) -> bool {
    !c.has_errors() && c.io_errors == 0 && !c.repo.services.is_empty()
}

/// `(dir, before, after)` from the "Version pairs" section of INDEX.md.
fn pairs() -> Vec<(String, String, String)> {
    let index = std::fs::read_to_string(corpus().join("INDEX.md")).expect("corpus INDEX.md");
    let mut out = Vec::new();
    let mut dir = String::new();
    let mut in_pairs = false;
    for line in index.lines() {
        if line.starts_with("## ") {
            in_pairs = line.starts_with("## Version pairs");
            continue;
        }
        if !in_pairs {
            continue;
        }
        if let Some(d) = line.strip_prefix("### ") {
            dir = d.trim().to_string();
            continue;
        }
        if !line.contains('→') || !line.trim_start().starts_with("- `") || !line.starts_with("  ")
        {
            continue;
        }
        let names: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
        if names.len() == 2 {
            out.push((dir.clone(), names[0].to_string(), names[1].to_string()));
        }
    }
    out
}

#[test]
fn every_version_pair_diffs_without_panic() {
    let pairs = pairs();
    assert!(pairs.len() > 100, "INDEX.md lists {} pairs", pairs.len());
    let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_verdict: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut invalid = 0;
    let mut skipped_by: BTreeMap<String, usize> = BTreeMap::new();
    for (dir, before, after) in &pairs {
        let old = load(&corpus().join(dir).join(before));
        let new = load(&corpus().join(dir).join(after));
        if !usable(&old) || !usable(&new) {
            invalid += 1;
            for c in [&old, &new] {
                if let Some(d) = c.diagnostics.iter().find(|d| d.is_error()) {
                    *skipped_by.entry(format!("{} {}", d.code, dir)).or_default() += 1;
                    break;
                }
            }
            continue;
        }
        let report = diff::diff(
            Side::new(&old.repo, &old.sources),
            Side::new(&new.repo, &new.sources),
        );
        *by_verdict.entry(report.verdict().as_str()).or_default() += 1;
        for (rule, n) in report.counts_by_rule() {
            *by_rule.entry(rule).or_default() += n;
        }
        // every change names a catalogue or database rule and a location
        for c in &report.changes {
            assert!(diff::is_rule(c.rule), "{}", c.rule);
            assert!(c.file.is_some(), "{before} → {after}: {c:?}");
        }
    }
    println!(
        "{} pairs, {} skipped (a side does not validate)",
        pairs.len(),
        invalid
    );
    println!("skipped, by first error code of a side: {skipped_by:?}");
    println!("verdicts: {by_verdict:?}");
    for (rule, n) in &by_rule {
        println!("{rule:40} {n}");
    }
    let diffed = by_verdict.values().sum::<usize>();
    assert!(diffed >= 100, "only {diffed} corpus pairs were diffed");
}

#[test]
fn diff_with_itself_is_empty_for_every_corpus_spec() {
    let mut compared = 0;
    for sub in ["api-json", "service-json"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join(sub))
            .expect("corpus dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let a = load(&f);
            if a.repo.services.is_empty() {
                continue;
            }
            let b = load(&f);
            let r = diff::diff(
                Side::new(&a.repo, &a.sources),
                Side::new(&b.repo, &b.sources),
            );
            assert!(r.changes.is_empty(), "{}: {:#?}", f.display(), r.changes);
            compared += 1;
        }
    }
    println!("{compared} specs compared with themselves");
    assert!(compared > 100);
}

/// Unrelated specs (each corpus api.json against the next one) diff without a panic, and the
/// report is symmetric in size class: what one direction adds, the other removes.
#[test]
fn unrelated_specs_diff_without_panic() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join("api-json"))
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let loaded: Vec<Checked> = files.iter().map(|f| load(f)).filter(usable).collect();
    assert!(loaded.len() > 50);
    for w in loaded.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let ab = diff::diff(
            Side::new(&a.repo, &a.sources),
            Side::new(&b.repo, &b.sources),
        );
        let ba = diff::diff(
            Side::new(&b.repo, &b.sources),
            Side::new(&a.repo, &a.sources),
        );
        let count =
            |r: &diff::DiffReport, rule: &str| r.changes.iter().filter(|c| c.rule == rule).count();
        assert_eq!(count(&ab, "TYPE_ADDED"), count(&ba, "TYPE_REMOVED"));
        assert_eq!(
            count(&ab, "OPERATION_ADDED"),
            count(&ba, "OPERATION_REMOVED")
        );
        assert_eq!(count(&ab, "TYPE_RENAMED"), count(&ba, "TYPE_RENAMED"));
    }
}
