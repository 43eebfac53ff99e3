//! Contract verification: a cassette recorded against the generated `user` server is replayed
//! against providers. The same generated server passes, a stub of a compatibly changed spec passes,
//! and stubs of specs that removed a field or an enum value the recording used fail with the rule
//! id `charter diff` gives that change.

use charter::diff::Class;
use charter::verify::{self, Report};
use charter_contracts::fixture::{changed_repo, record, specs, stub_of, temp};
use charter_contracts::io_charter_user_v0 as user;
use charter_contracts::{serve, UserStore};
use serde_json::Value;
use std::path::Path;

/// `charter verify` against `base_url`, with the consumer's (unchanged) spec.
async fn verify(cassettes: &Path, base_url: &str) -> Report {
    let checked = charter::check(&[specs()], &charter::Options::default());
    let cassettes = verify::load_cassettes(cassettes).unwrap();
    let sid = verify::pick_service(&checked.repo, None, &cassettes).unwrap();
    assert_eq!(checked.repo.service(sid).name, "user");
    let http = reqwest::Client::new();
    verify::verify(&checked.repo, sid, &cassettes, |i| {
        charter::verify::send(&http, base_url, i.clone())
    })
    .await
    .unwrap()
}

/// The rules `charter diff` reports between the example repo and `new`.
fn diff_rules(new: &Path) -> Vec<(String, Class)> {
    let old = charter::check(&[specs()], &charter::Options::default());
    let new = charter::check(&[new.to_owned()], &charter::Options::default());
    let report = charter::diff::diff(
        charter::diff::Side::new(&old.repo, &old.sources),
        charter::diff::Side::new(&new.repo, &new.sources),
    );
    report
        .changes
        .iter()
        .map(|c| (c.rule.to_owned(), c.class))
        .collect()
}

fn rules(r: &Report) -> Vec<(&str, Class)> {
    r.findings.iter().map(|f| (f.rule, f.class)).collect()
}

#[tokio::test]
async fn a_compatible_provider_passes() {
    let dir = temp("cassettes-ok");
    record(&dir).await;
    let text = std::fs::read_to_string(dir.join("users.json")).unwrap();
    assert!(!text.contains("ada@example.com"));

    // The same generated server, started afresh.
    let same = serve(user::server::router(UserStore::default())).await;
    let r = verify(&dir, &same.base_url).await;
    assert_eq!(r.interactions, 4);
    assert!(r.findings.is_empty(), "{}", verify::render_human(&r));

    // A stub of the spec with an added optional field, a new operation and a new error response.
    let repo = changed_repo("compatible", "user.json", |v| {
        v["models"]["user"]["fields"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": "nickname", "type": "string", "required": false}));
        let ops = v["resources"]["user"]["operations"].as_array_mut().unwrap();
        ops.push(serde_json::json!({"method": "GET", "path": "/:id/history", "responses": {"200": {"type": "[user]"}}}));
        ops[1]["responses"]["410"] = serde_json::json!({"type": "unit"});
    });
    let changes = diff_rules(&repo);
    assert!(
        changes.iter().all(|(_, c)| *c != Class::Breaking),
        "{changes:?}"
    );
    let p = stub_of(&repo).await;
    let r = verify(&dir, &p.base_url).await;
    assert_eq!(r.breaking(), 0, "{}", verify::render_human(&r));
}

#[tokio::test]
async fn a_removed_field_the_recording_used_fails_with_field_removed() {
    let dir = temp("cassettes-field");
    record(&dir).await;
    let repo = changed_repo("field-removed", "user.json", |v| {
        v["models"]["user"]["fields"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f["name"] != "address");
    });
    assert!(diff_rules(&repo).contains(&("FIELD_REMOVED".to_owned(), Class::Breaking)));
    let p = stub_of(&repo).await;
    let r = verify(&dir, &p.base_url).await;
    assert!(r.breaking() > 0);
    let removed: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "FIELD_REMOVED")
        .collect();
    assert!(!removed.is_empty(), "{}", verify::render_human(&r));
    assert!(removed.iter().all(|f| f.class == Class::Breaking));
    assert!(
        removed
            .iter()
            .any(|f| f.pointer.as_deref() == Some("/address")),
        "{}",
        verify::render_human(&r)
    );
    // Every format names the rule.
    for text in [
        verify::render_human(&r),
        verify::render_json(&r),
        verify::render_github(&r),
        verify::render_markdown(&r),
    ] {
        assert!(text.contains("FIELD_REMOVED"), "{text}");
        assert!(!text.contains("ada@example.com"), "{text}");
    }
    assert!(verify::render_github(&r).contains("::error file="));
    let json: Value = serde_json::from_str(&verify::render_json(&r)).unwrap();
    assert_eq!(json["verdict"], "breaking");
}

#[tokio::test]
async fn a_removed_enum_value_the_recording_used_fails_with_enum_value_removed() {
    let dir = temp("cassettes-enum");
    record(&dir).await;
    let repo = changed_repo("enum-removed", "user.json", |v| {
        v["enums"]["user_status"]["values"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["name"] != "suspended");
    });
    assert!(diff_rules(&repo).contains(&("ENUM_VALUE_REMOVED".to_owned(), Class::Breaking)));
    let p = stub_of(&repo).await;
    let r = verify(&dir, &p.base_url).await;
    let found = rules(&r);
    // The POST and PUT bodies and the GET's query parameter sent `suspended`.
    let enum_removed = found
        .iter()
        .filter(|(id, _)| *id == "ENUM_VALUE_REMOVED")
        .count();
    assert_eq!(enum_removed, 3, "{}", verify::render_human(&r));
    assert!(
        found.iter().all(|(_, c)| *c == Class::Breaking),
        "{found:?}"
    );
}
