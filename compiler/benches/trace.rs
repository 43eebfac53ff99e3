//! `charter trace` on the largest corpus spec, on an already-checked repo, next to one `check` of
//! the same spec (target: the trace takes at most 25% of the check); and on chains of models
//! (`m0.next: m1`, …, the last one holding an annotated `email`), where every model carries the
//! data through all the others: the trace and its JSON report must grow linearly with the chain.

use charter::trace::{render, trace, TraceOptions};
use charter::{check_sources, Checked, Options};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::{Path, PathBuf};

/// A spec of `n` models in a chain; only the last one declares the annotated field.
pub fn chain(n: usize) -> String {
    let mut models = serde_json::Map::new();
    for i in 0..n {
        let fields = if i + 1 < n {
            serde_json::json!([{"name": "next", "type": format!("m{}", i + 1)}])
        } else {
            serde_json::json!([{"name": "email", "type": "string", "annotations": ["personal_data"]}])
        };
        models.insert(format!("m{i}"), serde_json::json!({ "fields": fields }));
    }
    serde_json::json!({
        "name": "chain",
        "annotations": {"personal_data": {}},
        "models": models,
    })
    .to_string()
}

fn checked_chain(n: usize) -> Checked {
    let checked = check_sources(
        vec![(PathBuf::from("chain.json"), chain(n))],
        &Options::default(),
    );
    assert!(!checked.has_errors(), "the chain spec validates");
    checked
}

fn bench(c: &mut Criterion) {
    let largest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/service-json/apicollective__apibuilder-validation__src__test__resources__flow-api-internal-service.json");
    let text = std::fs::read_to_string(&largest).unwrap();
    c.bench_function("check the largest spec", |b| {
        b.iter(|| check_sources(vec![(largest.clone(), text.clone())], &Options::default()))
    });
    let checked = check_sources(vec![(largest.clone(), text.clone())], &Options::default());
    let options = TraceOptions::default();
    c.bench_function("trace the largest spec (checked repo)", |b| {
        b.iter(|| trace(&checked.repo, &options))
    });
    let result = trace(&checked.repo, &options);
    c.bench_function("trace the largest spec, JSON report", |b| {
        b.iter(|| render::render_json(&result, &checked.sources))
    });

    // CHARTER_BENCH_CHAIN=1000,4000 limits the chain sizes (the default includes 10,000 models).
    let sizes: Vec<usize> = std::env::var("CHARTER_BENCH_CHAIN")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let mut group = c.benchmark_group("trace a chain of models");
    group.sample_size(10);
    for &n in &sizes {
        let checked = checked_chain(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("trace + JSON", n), &checked, |b, ch| {
            b.iter(|| render::render_json(&trace(&ch.repo, &options), &ch.sources).len())
        });
        let json = render::render_json(&trace(&checked.repo, &options), &checked.sources);
        eprintln!("chain of {n} models: JSON report {} bytes", json.len());
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
