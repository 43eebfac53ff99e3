//! `charter trace` on the largest corpus spec, on an already-checked repo, next to one `check` of
//! the same spec (target: the trace takes at most 25% of the check).

use charter::trace::{render, trace, TraceOptions};
use charter::{check_sources, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
