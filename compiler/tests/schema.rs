//! `charter schema` accepts every corpus api.json that Charter accepts without an unknown-key
//! warning, and refuses those with one (the schema flags what `W0101` flags).

use charter::{check_sources, Options};
use std::path::Path;

#[test]
fn schema_agrees_with_the_loader_on_the_corpus() {
    let schema = charter::schema::api_json_schema();
    let compiled = jsonschema::JSONSchema::compile(&schema).expect("the schema compiles");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/api-json");
    let mut accepted = 0;
    let mut refused_like_w0101 = 0;
    let mut disagreements = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let checked = check_sources(vec![(path.clone(), text.clone())], &Options::default());
        if checked.has_errors() {
            continue;
        }
        let unknown_keys = checked.diagnostics.iter().any(|d| d.code == "W0101");
        let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
        let valid = compiled.is_valid(&instance);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match (unknown_keys, valid) {
            (false, true) => accepted += 1,
            (true, false) => refused_like_w0101 += 1,
            (false, false) => {
                let errors: Vec<String> = compiled
                    .validate(&instance)
                    .err()
                    .into_iter()
                    .flatten()
                    .take(3)
                    .map(|e| format!("{} at {}", e, e.instance_path))
                    .collect();
                disagreements.push(format!(
                    "{name}: Charter accepts, schema refuses: {errors:?}"
                ));
            }
            (true, true) => {
                disagreements.push(format!("{name}: Charter warns W0101, schema accepts"))
            }
        }
    }
    println!("schema: {accepted} accepted, {refused_like_w0101} refused for unknown keys");
    assert!(accepted > 100);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn schema_has_descriptions_and_the_top_level_keys() {
    let schema = charter::schema::api_json_schema();
    let props = schema["properties"].as_object().expect("properties");
    for key in [
        "name",
        "models",
        "enums",
        "unions",
        "resources",
        "imports",
        "templates",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert_eq!(schema["required"], serde_json::json!(["name"]));
}
