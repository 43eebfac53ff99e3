//! `[events] env` of charter.toml reaches generated stream names through every front: the
//! derive macro and `charter::Builder` (the CLI's `generate rust --events`, `streams` and
//! `export asyncapi` are covered in the compiler's tests). `fixtures/env/` holds the golden
//! catalog spec beside a charter.toml with `env = "staging"`.

use charter_runtime::events::Event;

#[derive(charter_macros::Api)]
#[charter(spec = "fixtures/env/catalog.json", events)]
pub struct Catalog;

#[test]
fn the_macro_names_streams_with_the_configured_env() {
    assert_eq!(
        io_acme_catalog_v1::models::CatalogEvent::STREAM.name,
        "staging.catalog.v1.catalog_event.json"
    );
}

#[test]
fn the_builder_names_streams_with_the_configured_env() {
    let out = std::env::temp_dir().join(format!("charter-events-env-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    charter::Builder::new()
        .base_dir(env!("CARGO_MANIFEST_DIR"))
        .spec("fixtures/env/catalog.json")
        .events()
        .out_dir(&out)
        .cargo_output(false)
        .generate()
        .expect("generate");
    let code = std::fs::read_to_string(out.join("charter.rs")).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    assert!(
        code.contains("\"staging.catalog.v1.catalog_event.json\""),
        "stream name with env `staging` in the generated code"
    );
    assert!(!code.contains("production.catalog"), "no default env left");
}
