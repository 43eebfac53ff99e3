//! The `flow` preset over the Flow specs of the corpus (`flowcommerce__*` and the Flow API
//! snapshots): prints how many findings each rule gives, so rules with surprising counts can be
//! investigated (`cargo test -p charter --test lint_corpus -- --nocapture`). Also checks that
//! linting never panics and that every finding is located inside its file.
//!
//! Investigation of the large counts (2026-11, flowcommerce/* api.json files; the Flow API
//! snapshots are service.json files, linted once the service.json loader lands):
//! - L0110 descriptions: these open-source Flow tools (delta, dependency, registry, splashpage)
//!   document few models and operations; the findings are real.
//! - L0205 / L0204 / L0217: their list GETs describe `id`, `limit`, `offset`, use `limit`
//!   minimum 0, `id` as a single `string` and array parameters without a maximum: real
//!   deviations from Flow's api-build conventions (these repos are not built with api-build).
//! - L0212 / L0222 / L0223: most list GETs have no `sort` parameter, or sort on a column name
//!   (`projects.id`): real.
//! - L0224: most operations do not declare 401, and 422 responses are `[error]` rather than an
//!   `_error` model (the pre-2016 error convention): real.
//! - L0303: common, error and github imports are not part of the corpus: expected.
//! - L0113 personal-data-names (441 on the Flow files; 29 on flow-api-service.json, which annotates
//!   241 fields): un-annotated `ip` query parameters (geolocation), `postal`, `email`, `phone` and
//!   `streets`: real. Over the corpus' api.json files (275): `email` fields and parameters, `name`
//!   on `user`/`contact`/`person`/`guest` models, `ip_address`: real; an organization's `name` is
//!   not reported.

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
    let (mut linted, mut skipped, mut unloaded) = (0, 0, 0);
    for path in &specs {
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
        "flow+recommended presets over {} Flow corpus files: {linted} specs linted, {skipped} not (validation errors), {unloaded} files not loaded",
        specs.len()
    );
    for r in RULES {
        println!("{:>6}  {} {}", counts[r.code], r.code, r.name);
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
