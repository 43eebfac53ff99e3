//! Every resolved service.json of the corpus lowers without structural errors.
//!
//! Each file is checked alone (`charter::check_sources`), so imports cannot be found in the repo;
//! lowering errors (`E00xx`, `E01xx`) are not tolerated; semantic validation of these files is checked by `tests/corpus.rs`. Warnings (unknown keys
//! of hand-edited test fixtures) are counted and printed, not failed on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors the corpus really has, reported on purpose by the loader (not by lowering).
///
/// These three versions of `quality.json` repeat the key `attributes` (both times `[]`) in one
/// object: invalid by Charter's duplicate-key rule (E0005), which does not depend on the values.
const KNOWN_ERRORS: &[(&str, &str)] = &[
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality.json", "E0005"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality@7500487.json", "E0005"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality@cc4accd.json", "E0005"),
];

fn corpus_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/service-json"
    ))
    .to_path_buf()
}

#[test]
fn every_corpus_service_json_lowers_without_errors() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 149, "the corpus has 149 service.json files");

    let mut failures = Vec::new();
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let (mut services, mut models, mut operations) = (0, 0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable corpus file");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let checked = charter::check_sources(
            vec![(PathBuf::from(&name), text)],
            &charter::Options::default(),
        );
        for d in checked.diagnostics.iter() {
            if d.is_error() {
                let known = KNOWN_ERRORS
                    .iter()
                    .any(|(f, c)| *f == name && *c == d.code.id);
                if (d.code.id.starts_with("E00") || d.code.id.starts_with("E01")) && !known {
                    failures.push(format!("{name}: {} {}", d.code, d.message));
                }
            } else {
                // Group by code, and unknown keys by the key (`Unrecognized element[k]`).
                let key = match d.code.id {
                    "W0101" => d.message.rsplit(' ').next().unwrap_or("").to_string(),
                    _ => String::new(),
                };
                *warnings.entry(format!("{} {key}", d.code)).or_default() += 1;
            }
        }
        assert_eq!(
            checked.repo.services.len(),
            1,
            "{name}: expected one service"
        );
        let s = &checked.repo.services[0];
        assert_eq!(s.form, charter::ir::Form::ServiceJson, "{name}");
        assert!(
            !s.namespace.is_empty() && !s.organization.is_empty(),
            "{name}"
        );
        services += 1;
        models += s.models.len();
        operations += s
            .resources
            .iter()
            .map(|r| r.operations.len())
            .sum::<usize>();
    }
    println!("{services} services, {models} models, {operations} operations lowered");
    for (w, n) in &warnings {
        println!("warning {w}: {n}");
    }
    assert!(
        failures.is_empty(),
        "{} errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        models > 10_000 && operations > 5_000,
        "the corpus is large; got {models} models"
    );
}
