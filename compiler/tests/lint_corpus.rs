//! The `flow` preset over the Flow specs of the corpus (`flowcommerce__*` and the Flow API
//! snapshots): prints how many findings each rule gives, so rules with surprising counts can be
//! investigated (`cargo test -p charter --test lint_corpus -- --nocapture`). Also checks that
//! linting never panics and that every finding is located inside its file.

use charter::lint::{self, LintConfig, Preset, RULES};
use std::collections::BTreeMap;
use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn flow_specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["api-json", "service-json"] {
        let Ok(rd) = std::fs::read_dir(PathBuf::from(CORPUS).join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("flowcommerce__")
                || name.contains("flow-api")
                || name.contains("flowapi")
            {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn flow_preset_on_flow_corpus() {
    let specs = flow_specs();
    if specs.is_empty() {
        eprintln!("corpus not found at {CORPUS}: nothing to lint");
        return;
    }
    let config = LintConfig::with_presets(&[Preset::Flow, Preset::Recommended]);
    let mut counts: BTreeMap<&str, usize> = RULES.iter().map(|r| (r.code, 0)).collect();
    let (mut linted, mut skipped) = (0, 0);
    for path in &specs {
        let checked = charter::check(std::slice::from_ref(path), &charter::Options::default());
        let found = lint::run(
            &checked.repo,
            &checked.sources,
            &config,
            &checked.diagnostics,
        );
        linted += found.stats.linted;
        skipped += found.stats.skipped;
        for d in &found.diagnostics {
            *counts.entry(d.code).or_default() += 1;
            let loc = d.loc.as_ref().expect("findings are located");
            let len = checked.sources.get(loc.file).text.len() as u32;
            assert!(
                loc.span.end <= len && loc.span.start <= loc.span.end,
                "{d:?}"
            );
        }
    }
    println!(
        "flow+recommended presets over {} Flow corpus files: {linted} specs linted, {skipped} not (validation errors)",
        specs.len()
    );
    for r in RULES {
        println!("{:>6}  {} {}", counts[r.code], r.code, r.name);
    }
}
