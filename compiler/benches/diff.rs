//! The diff of the two largest Flow API snapshots of the corpus (the `flow-api-service` service.json
//! files; while service.json input is not supported, the two largest Flow api.json snapshots that
//! load). Loading happens once, outside the measurement.

use charter::diff::{self, Side};
use charter::{check, Checked, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

/// The two largest files of `dir` whose name contains `pattern` and that load (with no error when
/// `valid`: the Flow snapshots trip some of Charter's validation rules, which does not matter for
/// measuring the comparison).
fn largest(dir: &str, pattern: &str, valid: bool) -> Option<(Checked, Checked, String)> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(corpus().join(dir))
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(pattern))
        })
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    let loaded: Vec<(Checked, PathBuf)> = files
        .into_iter()
        .map(|(_, p)| (check(std::slice::from_ref(&p), &Options::default()), p))
        .filter(|(c, _)| (!valid || !c.has_errors()) && !c.repo.services.is_empty())
        .take(2)
        .collect();
    let mut it = loaded.into_iter();
    let (a, pa) = it.next()?;
    let (b, pb) = it.next()?;
    let label = format!(
        "{} vs {}",
        pa.file_name()?.to_string_lossy(),
        pb.file_name()?.to_string_lossy()
    );
    Some((a, b, label))
}

fn bench(c: &mut Criterion) {
    let Some((old, new, label)) = largest("service-json", "flow-api-service", false)
        .or_else(|| largest("api-json", "flowcommerce", true))
    else {
        eprintln!("no Flow snapshot of the corpus loads; nothing to measure");
        return;
    };
    eprintln!("diff bench: {label}");
    c.bench_function("diff_largest_flow_snapshots", |b| {
        b.iter(|| {
            diff::diff(
                Side::new(&old.repo, &old.sources),
                Side::new(&new.repo, &new.sources),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
