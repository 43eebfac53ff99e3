//! Property tests: whatever the input, load + resolve + validate never panics.

use charter::{check_sources, Options};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn check(text: String) {
    let checked = check_sources(vec![(PathBuf::from("p.json"), text)], &Options::default());
    // Rendering touches every location: it must not panic either.
    let _ = charter::report::render_json(checked.diagnostics.iter(), &checked.sources);
}

/// Arbitrary JSON, biased towards the shapes of a spec (its keys and type names).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("name".to_string()),
        Just("type".to_string()),
        Just("models".to_string()),
        Just("fields".to_string()),
        Just("enums".to_string()),
        Just("values".to_string()),
        Just("unions".to_string()),
        Just("types".to_string()),
        Just("resources".to_string()),
        Just("operations".to_string()),
        Just("method".to_string()),
        Just("path".to_string()),
        Just("parameters".to_string()),
        Just("responses".to_string()),
        Just("required".to_string()),
        Just("default".to_string()),
        Just("imports".to_string()),
        Just("uri".to_string()),
        Just("discriminator".to_string()),
        Just("interfaces".to_string()),
        Just("templates".to_string()),
        Just("attributes".to_string()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        prop_oneof![
            Just("string".to_string()),
            Just("[user]".to_string()),
            Just("map[long]".to_string()),
            Just("user".to_string()),
            Just("GET".to_string()),
            Just("/:id".to_string()),
            Just("a.b.models.c".to_string()),
            Just("https://h/o/a/1/service.json".to_string()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        check(v.to_string());
    }

    #[test]
    fn arbitrary_json_under_a_name_never_panics(v in json_value(), models in json_value(), resources in json_value()) {
        let doc = serde_json::json!({"name": "fuzz", "unions": v, "models": models, "resources": resources});
        check(doc.to_string());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        check(text);
    }
}

fn corpus_samples() -> &'static [String] {
    static SAMPLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(load_samples)
}

fn load_samples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/api-json");
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .into_iter()
        .filter(|p| std::fs::metadata(p).map(|m| m.len() < 40_000).unwrap_or(false))
        .step_by(7)
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Real specs with random edits: a deleted range, an inserted byte, a duplicated range.
    #[test]
    fn mutated_corpus_specs_never_panic(which in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), len in 0usize..40, byte in any::<u8>(), kind in 0u8..3) {
        let samples = corpus_samples();
        let text = which.get::<String>(samples).as_bytes().to_vec();
        let i = at.index(text.len().max(1)).min(text.len());
        let j = (i + len).min(text.len());
        let mut m = text.clone();
        match kind {
            0 => { m.drain(i..j); }
            1 => m.insert(i, byte),
            _ => { let dup: Vec<u8> = text[i..j].to_vec(); m.splice(i..i, dup); }
        }
        check(String::from_utf8_lossy(&m).into_owned());
    }

    /// Real specs with one JSON value replaced by arbitrary JSON.
    #[test]
    fn corpus_specs_with_a_replaced_value_never_panic(which in any::<prop::sample::Index>(), pick in any::<prop::sample::Index>(), v in json_value()) {
        let samples = corpus_samples();
        let mut doc: serde_json::Value = serde_json::from_str(which.get::<String>(samples)).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&doc, String::new(), &mut pointers);
        let p = pick.get::<String>(&pointers).clone();
        if let Some(slot) = doc.pointer_mut(&p) {
            *slot = v;
        }
        check(doc.to_string());
    }
}

fn collect_pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                collect_pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                collect_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
