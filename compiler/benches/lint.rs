//! Lint benchmarks: the flow preset on the largest corpus spec that validates, and on the whole
//! corpus (every spec of `../shared/corpus/`, one repo per file as `charter lint` would see it).

use charter::lint::{self, LintConfig, Preset};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["api-json", "service-json"] {
        if let Ok(rd) = std::fs::read_dir(PathBuf::from(CORPUS).join(dir)) {
            files.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
        }
    }
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let config = LintConfig::with_presets(&[Preset::Flow]);
    let checked: Vec<charter::Checked> = corpus_files()
        .iter()
        .map(|f| charter::check(std::slice::from_ref(f), &charter::Options::default()))
        .collect();
    let largest = checked
        .iter()
        .filter(|c| !c.has_errors() && !c.repo.services.is_empty())
        .max_by_key(|c| c.sources.iter().map(|(_, f)| f.text.len()).sum::<usize>());
    if let Some(big) = largest {
        c.bench_function("lint flow: largest corpus spec", |b| {
            b.iter(|| lint::run(&big.repo, &big.sources, &config, &big.diagnostics))
        });
    }
    c.bench_function("lint flow: whole corpus", |b| {
        b.iter(|| {
            checked
                .iter()
                .map(|c| {
                    lint::run(&c.repo, &c.sources, &config, &c.diagnostics)
                        .diagnostics
                        .len()
                })
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
