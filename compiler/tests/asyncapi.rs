//! `charter export asyncapi`: the example repo's streams as AsyncAPI 3.0 documents, validated
//! against the AsyncAPI 3.0 JSON Schema of the npm package `@asyncapi/specs`
//! (`$CHARTER_TEST_ASYNCAPI_SCHEMA`, installed by `.ci/setup/asyncapi.sh`; the test fails loudly
//! without it).

use charter::events::{asyncapi, streams, StreamOptions};
use std::path::PathBuf;

fn schema() -> jsonschema::JSONSchema {
    let path = std::env::var("CHARTER_TEST_ASYNCAPI_SCHEMA").unwrap_or_else(|_| {
        "/opt/charter-asyncapi/node_modules/@asyncapi/specs/schemas/3.0.0.json".to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the AsyncAPI 3.0 schema is not at {path} (run .ci/setup/asyncapi.sh or set CHARTER_TEST_ASYNCAPI_SCHEMA): {e}")
    });
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::JSONSchema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .compile(&schema)
        .expect("the AsyncAPI schema compiles")
}

#[test]
fn example_repo_streams_are_valid_asyncapi_3() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let checked = charter::check(&[root], &charter::Options::default());
    assert!(!checked.has_errors());
    let (streams, diags) = streams(&checked.repo, &StreamOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    let validator = schema();
    let mut seen = 0;
    for sid in checked.repo.service_ids() {
        if !streams.iter().any(|s| s.service == sid) {
            continue;
        }
        seen += 1;
        let doc = asyncapi::document(&checked.repo, sid, &streams);
        if let Err(errors) = validator.validate(&doc) {
            let errors: Vec<String> = errors
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            panic!(
                "{}: invalid AsyncAPI:\n{}\n{}",
                checked.repo.service(sid).name,
                errors.join("\n"),
                serde_json::to_string_pretty(&doc).unwrap()
            );
        }
        let name = &checked.repo.service(sid).name;
        let short = format!("{name}_event_v0");
        assert_eq!(
            doc["channels"][&short]["address"],
            format!("production.{name}.v0.{name}_event.json")
        );
        assert_eq!(
            doc["operations"][format!("publish_{short}")]["action"],
            "send"
        );
    }
    assert_eq!(seen, 3, "user, organization and order publish events");
    // A broken document is refused by the same validator (the check is real).
    let user = checked
        .repo
        .service_ids()
        .find(|s| checked.repo.service(*s).name == "user")
        .unwrap();
    let mut doc = asyncapi::document(&checked.repo, user, &streams);
    doc["operations"]["publish_user_event_v0"]["action"] = "publish".into();
    assert!(validator.validate(&doc).is_err());
    let u = &doc["components"]["messages"]["user_upserted"];
    assert_eq!(
        u["payload"]["allOf"][1]["properties"]["discriminator"]["const"],
        "user_upserted"
    );
    assert_eq!(u["x-charter-partition-key"], "event_id");
}
