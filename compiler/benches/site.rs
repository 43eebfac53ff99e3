//! `charter docs` on the largest corpus spec (target: under 1 s), next to one `check` of the same
//! spec (the baseline every front-end pays first). Graphviz is off: its layout time is Graphviz's.

use charter::site::{self, Format, Graphviz, History};
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
    let options = site::Options {
        graphviz: Graphviz::Off,
        ..site::Options::default()
    };
    let history = History::unavailable("bench");
    let mut group = c.benchmark_group("docs of the largest spec (checked repo)");
    group.sample_size(10);
    for format in [Format::Html, Format::Markdown] {
        group.bench_function(format!("{format:?}: page model + render"), |b| {
            b.iter(|| {
                let model = site::build(&checked.repo, &history, &options, format);
                site::render(&model, format).unwrap()
            })
        });
    }
    group.bench_function("Html: page model only", |b| {
        b.iter(|| site::build(&checked.repo, &history, &options, Format::Html))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
