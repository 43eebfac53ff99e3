//! `charter resolve` on an api.json and on API Builder's own resolved form of it agree.
//!
//! The corpus holds api.json files and service.json files that API Builder produced from them
//! (same application, same content at some commit). Each pair below is resolved separately (the
//! api.json through the authoring-form lowering, the service.json through the resolved-form
//! lowering) and both are written back with `emit::service_json::to_value`; the two documents
//! must be equal except for what comes from the upload context rather than from the spec:
//!
//! - `organization`, `application`, `version`: given by the upload URL, not by api.json;
//! - `namespace` when the api.json does not declare one (derived from the organization);
//! - import records: only the import URIs are compared (the records come from the imported
//!   service at upload time, which is not in this one-file repo);
//! - `apidoc` (never written).
//!
//! One deliberate difference is normalized: services stored before API Builder wrote resource
//! paths into the spec (2015–2016) have no `path` on resources, while Charter's resolved form
//! always has one (§4.2); the api.json side's path is dropped when the stored side has none.
//!
//! The pairs were found by resolving every api.json/service.json couple with the same service
//! `name` and keeping those whose content matches; the others are different versions of the spec
//! (fields added between the two commits), not disagreements. `spec/apibuilder-generator.json`
//! also matches `ui/src/exampleService.json` but repeats the key `info`, which Charter rejects
//! (E0005), so it is not used.

use serde_json::Value;
use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

/// (api.json in `api-json/`, service.json in `service-json/`) with the same content.
const PAIRS: &[(&str, &str)] = &[
    // The pair named in the issue: the example's api.json and the service.json committed next to it.
    (
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__api@c5ffb42.json",
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__service.json",
    ),
    (
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__api@c5ffb42.json",
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__service@d99a1bd.json",
    ),
    (
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__api@29c85f0.json",
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__service@fbd1d57.json",
    ),
    (
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__apidoc-example-union-types-discriminator@ae933c3.json",
    ),
    (
        "apicollective__apibuilder-generator__examples__union-types__api.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__apidoc-example-union-types@a2ef632.json",
    ),
    (
        "apicollective__apibuilder-generator__examples__union-types__api.json",
        "apicollective__apibuilder-swagger-generator__test__resources__service__bryzek-apidoc-example-union-types.json",
    ),
    (
        "apicollective__apibuilder-generator__generator__api@1430a7e.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__apidoc-generator@6873eac.json",
    ),
    (
        "apicollective__apibuilder-generator__reference-api__api.json",
        "apicollective__apibuilder-generator__reference-api__service.json",
    ),
    (
        "apicollective__apibuilder-generator__reference-api__api.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__reference-service@bec551b.json",
    ),
    (
        "apicollective__apibuilder-generator__reference-api__api@0d82da2.json",
        "apicollective__apibuilder-generator__reference-api__service@3fa1d9a.json",
    ),
    (
        "apicollective__apibuilder-generator__reference-api__api@52c5395.json",
        "apicollective__apibuilder-generator__lib__src__test__resources__examples__reference-service@a2ef632.json",
    ),
    (
        "apicollective__apibuilder__generator__reference-api__api.json",
        "apicollective__apibuilder-generator__reference-api__service@ea72bd7.json",
    ),
    (
        "apicollective__apibuilder-validation__apibuilder-explicit-validation-core.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-explicit-validation-core-service.json",
    ),
    (
        "apicollective__apibuilder-validation__apibuilder-explicit-validation-core@451e3ee.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-explicit-validation-core-service@451e3ee.json",
    ),
    (
        "apicollective__apibuilder-validation__apibuilder-union-discriminator-value.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-union-discriminator-value.json",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-common@2579a70.json",
        "apicollective__apibuilder-validation__src__test__resources__apidoc-common-service.json",
    ),
    (
        "apicollective__apibuilder__spec__apibuilder-common@58edb4f.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-common-service.json",
    ),
];

/// Pairs with an irregular plural (`person` → `people`): compared in full once
/// `names::pluralize` knows irregular plurals, and without `plural` keys until then.
const IRREGULAR_PLURAL_PAIRS: &[(&str, &str)] = &[
    (
        "apicollective__apibuilder-validation__apibuilder-explicit-validation.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-explicit-validation-service.json",
    ),
    (
        "apicollective__apibuilder-validation__apibuilder-explicit-validation@512411e.json",
        "apicollective__apibuilder-validation__src__test__resources__apibuilder-explicit-validation-service@512411e.json",
    ),
];

fn read(dir: &str, name: &str) -> String {
    let path = format!("{CORPUS}/{dir}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `charter resolve` of one file alone: the emitted resolved form; no errors allowed.
fn resolve(name: &str, text: String) -> Value {
    let checked = charter::check_sources(
        vec![(PathBuf::from(name), text)],
        &charter::Options::default(),
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    let id = checked
        .repo
        .service_ids()
        .next()
        .unwrap_or_else(|| panic!("{name}: no service"));
    charter::emit::service_json::to_value(&checked.repo, id)
}

/// Drops what comes from the upload context (see the module comment).
fn without_context(v: &mut Value, drop_namespace: bool) {
    let Some(m) = v.as_object_mut() else { return };
    for key in ["organization", "application", "version", "apidoc"] {
        m.remove(key);
    }
    if drop_namespace {
        m.remove("namespace");
    }
    let uris: Vec<Value> = m
        .get("imports")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|i| i["uri"].clone()).collect())
        .unwrap_or_default();
    m.insert("imports".into(), Value::Array(uris));
}

fn remove_key(v: &mut Value, key: &str) {
    match v {
        Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|x| remove_key(x, key));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| remove_key(x, key)),
        _ => {}
    }
}

/// Where two values first differ (JSON pointer and reason).
fn first_diff(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let Some(w) = y.get(k) else {
                    return Some(format!("{at}/{k}: only in the api.json result"));
                };
                if let Some(d) = first_diff(v, w, &format!("{at}/{k}")) {
                    return Some(d);
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{at}/{k}: only in the service.json result"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_diff(v, w, &format!("{at}/{i}"))),
        (Value::Array(x), Value::Array(y)) => {
            Some(format!("{at}: {} vs {} elements", x.len(), y.len()))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// Resolves both sides of a pair and returns where they disagree, if anywhere.
fn compare(api: &str, svc: &str, ignore_plurals: bool) -> Option<String> {
    let api_text = read("api-json", api);
    let api_raw: Value = serde_json::from_str(&api_text).expect("api.json is JSON");
    let derived_namespace = api_raw.get("namespace").is_none();
    let mut a = resolve(api, api_text);
    let mut s = resolve(svc, read("service-json", svc));
    assert_eq!(
        a["name"], s["name"],
        "{api} and {svc} are not the same service"
    );
    let declared = |v: &Value| {
        ["enums", "unions", "models", "resources"]
            .iter()
            .map(|k| v[*k].as_array().map_or(0, Vec::len))
            .sum::<usize>()
    };
    assert!(declared(&a) > 0, "{api} resolved to an empty service");
    without_context(&mut a, derived_namespace);
    without_context(&mut s, derived_namespace);
    // Stored before resource paths were written into the spec: compare without them.
    if let (Some(ar), Some(sr)) = (a["resources"].as_array_mut(), s["resources"].as_array()) {
        for (x, y) in ar.iter_mut().zip(sr) {
            if y.get("path").is_none() {
                if let Some(o) = x.as_object_mut() {
                    o.remove("path");
                }
            }
        }
    }
    if ignore_plurals {
        remove_key(&mut a, "plural");
        remove_key(&mut s, "plural");
    }
    first_diff(&a, &s, "")
}

#[test]
fn api_json_and_its_resolved_form_agree() {
    let mut failures = Vec::new();
    for (api, svc) in PAIRS {
        match compare(api, svc, false) {
            None => println!("agree: {api} ~ {svc}"),
            Some(d) => failures.push(format!("{api} ~ {svc}: {d}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} pairs disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn pairs_with_irregular_plurals_agree() {
    let irregular_known = charter::names::pluralize("person") == "people";
    let mut failures = Vec::new();
    for (api, svc) in IRREGULAR_PLURAL_PAIRS {
        if let Some(d) = compare(api, svc, !irregular_known) {
            failures.push(format!("{api} ~ {svc}: {d}"));
        }
    }
    println!("irregular plurals compared: {irregular_known}");
    assert!(
        failures.is_empty(),
        "{} pairs disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn different_versions_of_a_spec_are_told_apart() {
    // The api.json at 29c85f0 predates a field that the stored service.json has.
    let d = compare(
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__api@29c85f0.json",
        "apicollective__apibuilder-generator__examples__union-types-discriminator__api__service.json",
        false,
    );
    assert_eq!(d.as_deref(), Some("/models/1/fields: 2 vs 3 elements"));
}
