//! The `flow` preset over the Flow specs of the corpus (`flowcommerce__*` and the Flow API
//! snapshots): prints how many findings each rule gives, so rules with surprising counts can be
//! investigated (`cargo test -p charter --test lint_corpus -- --nocapture`). Also checks that
//! linting never panics and that every finding is located inside its file.
//!
//! The counts and the investigation of every rule with more than a handful of findings are in
//! `docs/lint-corpus.md`.

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
    let config = LintConfig::with_presets(&[Preset::Flow]);
    // Findings per rule, split by form: the flowcommerce api.json files, and the service.json
    // snapshots (the Flow API ones are the output of Flow's `oneapi` merge, see docs/lint-corpus.md).
    let mut counts: BTreeMap<&str, [usize; 2]> = BTreeMap::new();
    let (mut linted, mut skipped, mut unloaded) = (0, 0, 0);
    let mut files = [0usize; 2];
    for path in &specs {
        let form = usize::from(path.to_string_lossy().contains("service-json"));
        files[form] += 1;
        let checked = charter::check(std::slice::from_ref(path), &charter::Options::default());
        let found = lint::run(
            &checked.repo,
            &checked.sources,
            &config,
            &checked.diagnostics,
        );
        if checked.repo.services.is_empty() {
            unloaded += 1;
        }
        linted += found.stats.linted;
        skipped += found.stats.skipped;
        for d in &found.diagnostics {
            counts.entry(d.code.id).or_default()[form] += 1;
            let loc = d.loc.as_ref().expect("findings are located");
            let len = checked.sources.get(loc.file).text.len() as u32;
            assert!(
                loc.span.end <= len && loc.span.start <= loc.span.end,
                "{d:?}"
            );
        }
    }
    assert_eq!(unloaded, 0, "every Flow corpus file loads");
    assert!(linted > 0);
    println!(
        "flow preset over {} Flow corpus files ({} api.json, {} service.json): {linted} specs linted, {skipped} not (validation errors)",
        specs.len(),
        files[0],
        files[1]
    );
    println!("{:>8} {:>8} {:>8}  rule", "api.json", "svc.json", "total");
    for r in RULES.iter().filter(|r| r.presets.contains(&Preset::Flow)) {
        let [a, s] = counts.get(r.code.id).copied().unwrap_or_default();
        println!("{a:>8} {s:>8} {:>8}  {} {}", a + s, r.code, r.name);
    }
    // Every finding of the flow preset comes from a rule of the flow preset.
    for code in counts.keys() {
        let rule = RULES
            .iter()
            .find(|r| r.code.id == *code)
            .expect("known rule");
        assert!(rule.presets.contains(&Preset::Flow), "{code}");
    }
}

/// Every rule over every corpus spec that loads: no panic, every finding located in its file.
#[test]
fn all_rules_on_whole_corpus() {
    let config = LintConfig::with_presets(&[Preset::Flow, Preset::Recommended]);
    let mut total = 0;
    for dir in ["api-json", "service-json"] {
        let Ok(rd) = std::fs::read_dir(PathBuf::from(CORPUS).join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let checked = charter::check(&[e.path()], &charter::Options::default());
            let found = lint::run(
                &checked.repo,
                &checked.sources,
                &config,
                &checked.diagnostics,
            );
            for d in &found.diagnostics {
                let loc = d.loc.as_ref().expect("findings are located");
                let len = checked.sources.get(loc.file).text.len() as u32;
                assert!(
                    loc.span.start <= loc.span.end && loc.span.end <= len,
                    "{d:?}"
                );
                assert!(!d.message.is_empty());
            }
            total += found.diagnostics.len();
        }
    }
    println!("all presets over the whole corpus: {total} findings");
}
