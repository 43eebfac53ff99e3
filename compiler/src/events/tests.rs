use super::*;
use crate::{check_sources, Checked, Options};
use std::path::PathBuf;

fn load(text: &str) -> Checked {
    let checked = check_sources(
        vec![(PathBuf::from("spec.json"), text.to_owned())],
        &Options::default(),
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked
}

const SPEC: &str = r#"{"name": "shop", "namespace": "io.acme.shop.v2",
  "models": {
    "item": {"fields": [{"name": "key", "type": "string"}]},
    "item_upserted": {"fields": [
      {"name": "event_id", "type": "string"}, {"name": "timestamp", "type": "date-time-iso8601"},
      {"name": "organization", "type": "string"}, {"name": "item", "type": "item"}]},
    "item_deleted_v2": {"fields": [
      {"name": "event_id", "type": "string", "required": false},
      {"name": "timestamp", "type": "date-time-iso8601"},
      {"name": "organization_id", "type": "string"}, {"name": "id", "type": "string"}]},
    "ping": {"fields": [{"name": "event_id", "type": "string"}]}
  },
  "unions": {
    "shop_event": {"discriminator": "discriminator",
      "types": [{"type": "item_upserted"}, {"type": "item_deleted_v2"}, {"type": "ping"}]},
    "other": {"types": [{"type": "item"}]}
  }}"#;

#[test]
fn one_stream_per_event_union_named_by_flows_rule() {
    let checked = load(SPEC);
    let (streams, diags) = streams(&checked.repo, &StreamOptions::default());
    assert_eq!(streams.len(), 1);
    let s = &streams[0];
    assert_eq!(s.name, "production.shop.v2.shop_event.json");
    assert_eq!(s.short_name, "shop_event_v2");
    assert_eq!(s.discriminator, "discriminator");
    let m = &s.members;
    assert_eq!(m.len(), 3);
    assert_eq!(
        (m[0].change, m[0].captured.as_deref()),
        (Change::Upserted, Some("item"))
    );
    assert_eq!(m[0].payload_field.as_deref(), Some("item"));
    assert_eq!(m[0].id_field.as_deref(), Some("key"));
    assert_eq!(m[0].partition_field.as_deref(), Some("organization"));
    assert_eq!(
        (m[1].change, m[1].captured.as_deref()),
        (Change::Deleted, Some("item"))
    );
    assert_eq!(m[1].payload_field.as_deref(), Some("id"));
    assert_eq!(m[1].partition_field.as_deref(), Some("organization_id"));
    assert!(m[1].event_id_optional);
    assert_eq!(
        (m[2].change, m[2].partition_field.as_deref()),
        (Change::Other, None)
    );
    // `ping` has no timestamp: a warning, the stream stays.
    let codes: Vec<_> = diags.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["W2101"]);
    let captured = s.captured();
    assert_eq!(captured.len(), 1);
    assert_eq!(captured[0].upserted, ["item_upserted"]);
    assert_eq!(captured[0].deleted.as_deref(), Some("item_deleted_v2"));
    assert!(!captured[0].deleted_has_model);
}

#[test]
fn env_comes_from_charter_toml() {
    let checked = load(SPEC);
    let options =
        StreamOptions::from_toml("[events]\nenv = \"development_workstation\"\n").unwrap();
    let (streams, _) = streams(&checked.repo, &options);
    assert_eq!(
        streams[0].name,
        "development_workstation.shop.v2.shop_event.json"
    );
    assert!(StreamOptions::from_toml("[events]\nenv = \"a.b\"\n").is_err());
    assert!(StreamOptions::from_toml("[events]\nnope = 1\n").is_err());
    assert_eq!(StreamOptions::from_toml("").unwrap().env, "production");
}

#[test]
fn an_event_union_without_discriminator_is_a_located_error() {
    let text = SPEC.replace(r#""discriminator": "discriminator","#, "");
    let checked = load(&text);
    let (streams, diags) = streams(&checked.repo, &StreamOptions::default());
    assert!(streams.is_empty());
    let d = diags.iter().find(|d| d.code.id == "E2101").expect("E2101");
    let loc = d.loc.as_ref().expect("located");
    assert_eq!(loc.pointer, "/unions/shop_event");
}

#[test]
fn a_member_without_event_id_is_an_error() {
    let text = SPEC.replace(
        r#"{"name": "event_id", "type": "string"}]"#,
        r#"{"name": "x", "type": "string"}]"#,
    );
    let checked = load(&text);
    let (streams, diags) = streams(&checked.repo, &StreamOptions::default());
    assert_eq!(streams[0].members.len(), 2);
    assert!(diags
        .iter()
        .any(|d| d.code.id == "E2102" && d.message.contains("`ping`")));
}

#[test]
fn names_of_other_namespaces() {
    assert_eq!(
        service_parts("io.flow.user.v0", "1.0.0"),
        ("user.v0".into(), "v0".into())
    );
    assert_eq!(
        service_parts("io.flow.billing.internal.v1", "1"),
        ("billing.internal.v1".into(), "v1".into())
    );
    assert_eq!(
        service_parts("user.v0", "0.1"),
        ("user.v0".into(), "v0".into())
    );
    assert_eq!(
        service_parts("acme.shop", "3.2.1"),
        ("acme.shop.v3".into(), "v3".into())
    );
    assert_eq!(
        classify("user_upserted"),
        (Change::Upserted, Some("user".into()))
    );
    assert_eq!(
        classify("user_deleted_v2"),
        (Change::Deleted, Some("user".into()))
    );
    assert_eq!(classify("upserted"), (Change::Other, None));
    assert_eq!(
        classify("order_item_updated"),
        (Change::Updated, Some("order_item".into()))
    );
}
