//! Every spec of the real corpus (`../shared/corpus/`, 346 files written by others) is checked:
//! no panic, the JSON report parses, and every spec API Builder accepted loads with no error.
//!
//! A few corpus files are not valid API Builder input; each is listed in `KNOWN_INVALID` with
//! the codes Charter must give it and why. Everything else must produce zero errors.

use charter::{check_sources, report, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// Files API Builder would reject too, with the error codes Charter reports and the reason.
const KNOWN_INVALID: &[(&str, &[&str], &str)] = &[
    // The 2014 apidoc format (resources carrying fields, no models): one clear diagnostic.
    (
        "apicollective__apibuilder__api.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api@170f82b.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api@86cc0be.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api@c801075.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api@e9fe0ba.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__api__svc__api@ee685b0.json",
        &["E0109"],
        "2014 format",
    ),
    (
        "apicollective__apibuilder__core__src__test__files__api.json",
        &["E0109"],
        "2014 format",
    ),
    // Duplicate keys: API Builder rejects these (DuplicateJsonParser); they predate that check.
    (
        "apicollective__apibuilder__api__api.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__api__api@375ab3b.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__api__api@bc50265.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__api__api@c37c718.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__api__api@e951f49.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__api__api@ffd972c.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-api@9338afe.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-api@a503cdf.json",
        &["E0005"],
        "duplicate `required` keys",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-generator@09c8814.json",
        &["E0005"],
        "duplicate `info` key",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-generator@48f2f55.json",
        &["E0005"],
        "duplicate `info` key",
    ),
    (
        "apicollective__apibuilder-validation__apibuilder-explicit-validation@f",
        &["E0005"],
        "duplicate model key",
    ),
    (
        "apicollective__ui__src__application__components__JsonDoc__test-jsondoc",
        &["E0005"],
        "duplicate `responses` key",
    ),
    // Inline enums on fields, removed from the format in 2014.
    (
        "apicollective__apibuilder__core__src__test__resources__examples__quality@e5267f5.json",
        &["E0107"],
        "legacy inline enums",
    ),
    (
        "apicollective__apibuilder__core__test__resources__avro__example@a4be1cc.json",
        &["E0107"],
        "legacy inline enum",
    ),
    // 2014 iris-hub versions (resources as arrays) use `reference[x]` types and an undeclared `money-iso4217` type.
    (
        "apicollective__apibuilder__core__test__resources__svc-iris-hub-0-0-1@5",
        &["E0110", "E1004", "E0506"],
        "2014 `reference[x]` types",
    ),
    (
        "apicollective__apibuilder__core__test__resources__svc-iris-hub-0-0-1@0",
        &["E0110", "E1004", "E0103"],
        "2014 `reference[x]` types",
    ),
    // An example that uses a template it never declares (API Builder: "Cannot find template").
    (
        "apicollective__apibuilder__examples__example-template.json",
        &["E0111", "E1004", "E0703"],
        "undeclared template",
    ),
    // 2015 generator specs naming imported types without the `models` segment.
    (
        "apicollective__apibuilder-generator__api__api@e8cb8e4.json",
        &["E1004"],
        "unqualified import name",
    ),
    (
        "apicollective__apibuilder-generator__api__api@962f8b7.json",
        &["E1004"],
        "unqualified import name",
    ),
    (
        "apicollective__apibuilder-generator__api__api@ef8c6b7.json",
        &["E1005"],
        "pre-1.0 namespace form",
    ),
    (
        "apicollective__apibuilder-generator__api__api@0d9c7f4.json",
        &["E1005"],
        "pre-1.0 namespace form",
    ),
    // Rules API Builder's validator enforces today, broken by these historical versions.
    ("apicollective__apibuilder-generator__reference-api__api@3d7ba28", &["E0709"], "path parameter typed as a model"),
    ("apicollective__apibuilder__core__test__resources__svc-iris-hub-0-0-1@66bdb99", &["E0506"], "optional parameter with a default"),
    ("apicollective__apibuilder__core__test__resources__svc-iris-hub-0-0-1@6a0aba6", &["E0506"], "optional parameter with a default"),
    ("apicollective__apibuilder__core__test__resources__svc-iris-hub-0-0-1@ca743fc", &["E0506"], "optional parameter with a default"),
    ("apicollective__apibuilder__examples__example-interface@9217d98", &["E0403"], "model lacks its interface's fields"),
    // Generator test inputs that are invalid on purpose (e.g. `/invalid/:id` typed as a model).
    ("apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__imported-types.json", &["E0706"], "model as a query parameter"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__imported-types@6c195ef", &["E0804"], "varying 2xx types"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__path-params.json", &["E0709"], "model as a path parameter"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__path-params@a3dd8b1", &["E0709"], "model as a path parameter"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__http4s__server__path-params@48efb3c", &["E0503", "E0504", "E0709"], "defaults of the wrong type"),
    ("apicollective__apibuilder-generator__postman-generator__src__test__resources__apibuilder__test-service-1.json", &["E1004"], "resource of an undeclared type"),
    ("apicollective__apibuilder-generator__postman-generator__src__test__resources__apibuilder__test-service-operation-deps", &["E0708"], "declared path parameter not in the path"),
    // Charter rejects duplicate method + path (API Builder gap 1, docs/compatibility.md).
    ("apicollective__apibuilder-swagger-generator__test__resources__service__bryzek-swagger-petstore", &["E0710"], "duplicate operations"),
    // service.json files with repeated `attributes` keys in one object.
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality.json", &["E0005"], "duplicate `attributes` key"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality@7500487", &["E0005"], "duplicate `attributes` key"),
    ("apicollective__apibuilder-generator__lib__src__test__resources__examples__quality@cc4accd", &["E0005"], "duplicate `attributes` key"),
];

fn known(name: &str) -> Option<&'static (&'static str, &'static [&'static str], &'static str)> {
    KNOWN_INVALID
        .iter()
        .find(|(prefix, _, _)| name.starts_with(prefix))
}

#[test]
fn every_corpus_spec_loads() {
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["api-json", "service-json"] {
        let dir = corpus_dir().join(sub);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "the corpus must be beside the project at {}: {e}",
                dir.display()
            )
        });
        files.extend(entries.map(|e| e.unwrap().path()));
    }
    files.sort();
    assert!(
        files.len() >= 340,
        "expected the 346-file corpus, found {}",
        files.len()
    );

    let mut clean = 0;
    let mut expected_invalid = 0;
    let mut warnings = 0;
    let mut by_code: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let checked = check_sources(vec![(path.clone(), text)], &Options::default());
        // The JSON report must parse and keep its shape.
        let json = report::render_json(checked.diagnostics.iter(), &checked.sources);
        let value: serde_json::Value = serde_json::from_str(&json).expect("JSON report parses");
        assert!(value["diagnostics"].is_array());
        warnings += checked.diagnostics.warning_count();
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        for d in &errors {
            *by_code.entry(d.code.id).or_default() += 1;
        }
        match (known(&name), errors.is_empty()) {
            (None, true) => clean += 1,
            (None, false) => failures.push(format!(
                "{name}: unexpected errors: {}",
                errors
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            (Some((_, codes, why)), _) => {
                let mut got: Vec<&str> = errors.iter().map(|d| d.code.id).collect();
                got.sort();
                got.dedup();
                let mut want: Vec<&str> = codes.to_vec();
                want.sort();
                if got != want {
                    failures.push(format!("{name} ({why}): expected {want:?}, got {got:?}"));
                } else {
                    expected_invalid += 1;
                }
            }
        }
    }
    println!(
        "corpus: {} files, {clean} with no error, {expected_invalid} known-invalid with the expected diagnostics, {warnings} warnings",
        files.len()
    );
    println!("errors by code: {by_code:?}");
    assert!(
        failures.is_empty(),
        "{} corpus files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_whole_corpus_loads_as_one_repo_without_panicking() {
    // Many specs share namespaces (history versions): the repo-level checks must cope.
    let checked = charter::check(&[corpus_dir().join("api-json")], &Options::default());
    assert!(checked.repo.services.len() > 150);
    println!(
        "repo of {} services: {} diagnostics",
        checked.repo.services.len(),
        checked.diagnostics.len()
    );
}
