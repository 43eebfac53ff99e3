//! The trace on the large Flow API snapshots of the corpus (`../shared/corpus/service-json/`,
//! which use `personal_data` annotations): each completes without error and its counts are
//! printed (`cargo test -p charter --test trace_corpus -- --nocapture`).

use charter::trace::{trace, TraceOptions};
use charter::{check_sources, Options};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/service-json")
}

#[test]
fn flow_api_snapshots_trace_without_error() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus beside the project (../shared/corpus)")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("flow-api-"))
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "Flow API snapshots missing: {names:?}");
    let mut with_flows = 0;
    for p in &names {
        let text = std::fs::read_to_string(p).expect("read");
        let checked = check_sources(vec![(p.clone(), text.clone())], &Options::default());
        assert!(!checked.has_errors(), "{} does not validate", p.display());
        let t = trace(&checked.repo, &TraceOptions::default());
        let annotated = text.matches("\"personal_data\"").count();
        assert!(
            !t.fields.is_empty() || annotated == 0,
            "{}: annotated fields found none",
            p.display()
        );
        // every tainted model has a via path ending at an annotated field
        for m in &t.models {
            let last = m.via.last().expect("via");
            assert!(
                t.fields
                    .iter()
                    .any(|f| last.label == format!("{}.{}", f.model, f.field)),
                "{}: {} via {:?} does not end at an annotated field",
                p.display(),
                m.model,
                m.via
            );
        }
        if !t.operations.is_empty() {
            with_flows += 1;
        }
        println!(
            "{}: {} annotated fields, {} models, {} operation flows, {} events",
            p.file_name().unwrap().to_string_lossy(),
            t.fields.len(),
            t.models.len(),
            t.operations.len(),
            t.events.len()
        );
    }
    assert!(
        with_flows > 0,
        "no snapshot has an operation carrying personal data"
    );
}
