//! Rust generation for the largest spec of the corpus that loads without errors: generation time
//! (criterion), and the generated line count (printed). `cargo check` time of the generated crate
//! is measured by `CHARTER_BENCH_CHECK=1 cargo bench --bench gen` (one run, printed).

use charter::gen::{self, krate, Settings};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};

fn largest_valid_spec() -> Option<(PathBuf, charter::Checked)> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files: Vec<(u64, PathBuf)> = ["api-json", "service-json"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(corpus.join(d))
                .into_iter()
                .flatten()
                .flatten()
        })
        .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
        .collect();
    files.sort();
    files.into_iter().rev().find_map(|(_, p)| {
        let text = std::fs::read_to_string(&p).ok()?;
        let checked = charter::check_sources(vec![(p.clone(), text)], &charter::Options::default());
        (!checked.has_errors() && checked.repo.services.len() == 1).then_some((p, checked))
    })
}

fn bench(c: &mut Criterion) {
    let Some((path, checked)) = largest_valid_spec() else {
        eprintln!("no corpus spec loads: nothing to bench");
        return;
    };
    let settings = Settings::default().with_server(true);
    let s = &checked.repo.services[0];
    let g = gen::generate(&checked.repo, &settings);
    let lines: usize = g.files.iter().map(|f| f.contents.lines().count()).sum();
    println!(
        "{}: {} models, {} enums, {} unions, {} resources → {lines} generated lines",
        path.display(),
        s.models.len(),
        s.enums.len(),
        s.unions.len(),
        s.resources.len()
    );
    c.bench_function("generate rust (largest valid corpus spec)", |b| {
        b.iter(|| gen::generate(&checked.repo, &settings))
    });
    if std::env::var_os("CHARTER_BENCH_CHECK").is_some() {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-bench");
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        let files = krate::krate(
            &g,
            "charter-gen-bench",
            &krate::RuntimeDep::Path(runtime.display().to_string()),
        );
        krate::write_changed(&out, &files).expect("write");
        let start = std::time::Instant::now();
        let status = std::process::Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"),
            )
            .status()
            .expect("cargo runs");
        println!(
            "cargo check of the generated crate: {:?} ({status})",
            start.elapsed()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
