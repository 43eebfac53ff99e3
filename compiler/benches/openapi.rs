//! OpenAPI export of the largest corpus spec (target < 100 ms) next to one `check` of it, and
//! import of a synthetic 3.7 MB document (target < 300 ms, < 200 MB peak heap, printed once by a
//! counting allocator).

use charter::openapi::{export, import};
use charter::{check_sources, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            let now = CURRENT.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        CURRENT.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn bench(c: &mut Criterion) {
    let largest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/service-json/apicollective__apibuilder-validation__src__test__resources__flow-api-internal-service.json");
    let text = std::fs::read_to_string(&largest).unwrap();
    c.bench_function("check the largest spec (baseline)", |b| {
        b.iter(|| check_sources(vec![(largest.clone(), text.clone())], &Options::default()))
    });
    let checked = check_sources(vec![(largest.clone(), text.clone())], &Options::default());
    let id = checked.repo.service_ids().next().unwrap();
    let options = export::ExportOptions::default();
    c.bench_function("export the largest spec to OpenAPI (JSON text)", |b| {
        b.iter(|| {
            let doc = export::export(&checked.repo, id, &options).document;
            serde_json::to_string_pretty(&doc).unwrap()
        })
    });

    let doc = charter::openapi::synthetic_document(5_000);
    // The same document on disk, for whole-process figures (`/usr/bin/time -v charter import
    // openapi FILE --out api.json`: wall time and peak RSS).
    let on_disk = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-synthetic-5000.json");
    std::fs::write(&on_disk, &doc).unwrap();
    println!("synthetic document written to {}", on_disk.display());
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let imported = import::import(Path::new("synthetic.json"), &doc);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(imported.api_json.is_some());
    drop(imported);
    println!(
        "import of a {:.1} MB OpenAPI document: peak heap {:.0} MB above the input",
        doc.len() as f64 / 1e6,
        peak as f64 / 1e6
    );
    c.bench_function("import a 3.7 MB OpenAPI document", |b| {
        b.iter(|| import::import(Path::new("synthetic.json"), &doc))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
