//! `charter check` on the largest corpus spec and on the whole corpus, in process.

use charter::{check_sources, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn read_all() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for sub in ["api-json", "service-json"] {
        for e in std::fs::read_dir(corpus().join(sub)).unwrap() {
            let p = e.unwrap().path();
            files.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    files
}

fn bench(c: &mut Criterion) {
    let largest = corpus().join("service-json/apicollective__apibuilder-validation__src__test__resources__flow-api-internal-service.json");
    let text = std::fs::read_to_string(&largest).unwrap();
    c.bench_function("serde_json::Value parse of the largest spec", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(&text).unwrap())
    });
    c.bench_function("check the largest spec", |b| {
        b.iter(|| check_sources(vec![(largest.clone(), text.clone())], &Options::default()))
    });
    let all = read_all();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function("check every corpus spec, one by one", |b| {
        b.iter(|| {
            for (p, t) in &all {
                check_sources(vec![(p.clone(), t.clone())], &Options::default());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
