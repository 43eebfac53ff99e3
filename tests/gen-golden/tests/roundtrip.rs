//! JSON round trips of the generated models: examples decode and re-encode identically, unknown
//! enum values and union members survive, defaults apply.

use charter_gen_golden::test_gen_models_v0::models::*;
use serde_json::{json, Value};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(v: Value) -> T {
    let decoded: T = serde_json::from_value(v.clone()).expect("decodes");
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        v,
        "re-encodes identically"
    );
    decoded
}

#[test]
fn model_round_trips_and_omits_absent_optionals() {
    let v = json!({
        "id": "u1", "email": "a@b.c", "status": "inactive", "type": "admin",
        "userId": "6f0a3c9e-3f0e-4a55-9d4f-1d2a0b7c8e11", "user_id": 7, "2fa": true, "age": 30,
        "balance": "10.50", "born": "2000-01-31", "created_at": "2024-01-02T03:04:05Z",
        "tags": ["x"], "attributes": {"k": "v"}, "data": {"any": [1, 2]}, "old": "o", "score": 1.5
    });
    let u: User = round_trip(v);
    assert_eq!(u.r#type.as_deref(), Some("admin"));
    assert_eq!(
        u.user_id,
        Some("6f0a3c9e-3f0e-4a55-9d4f-1d2a0b7c8e11".parse().unwrap())
    );
    assert_eq!(u.user_id_2, Some(7));
    assert!(u._2fa);
    let minimal: User = serde_json::from_value(json!({"id": "u2"})).unwrap();
    let encoded = serde_json::to_value(&minimal).unwrap();
    assert_eq!(
        encoded,
        json!({"id": "u2", "status": "active", "2fa": false, "age": 18, "tags": []})
    );
}

#[test]
fn defaults_apply_on_decode() {
    let u: User = serde_json::from_value(json!({"id": "u"})).unwrap();
    assert_eq!(u.status, Status::Active);
    assert_eq!(u.age, 18);
    assert!(!u._2fa);
    assert!(u.tags.is_empty());
    assert_eq!(u.email, None);
    // Unknown fields are ignored (tolerant reader).
    let u: User = serde_json::from_value(json!({"id": "u", "added_later": 1})).unwrap();
    assert_eq!(u.id, "u");
}

#[test]
fn enums_keep_unknown_values() {
    assert_eq!(round_trip::<Status>(json!("3d")), Status::ThreeD);
    assert_eq!(round_trip::<Status>(json!("unknown")), Status::Unknown2);
    assert_eq!(
        round_trip::<Status>(json!("brand_new")),
        Status::Unknown("brand_new".into())
    );
    assert_eq!(round_trip::<Self_>(json!("Self")), Self_::Self_);
    assert_eq!(Status::ThreeD.to_string(), "3d");
}

#[test]
fn unions_use_discriminator_default_and_keep_unknown_members() {
    let user = json!({"type": "user", "id": "u1", "status": "active", "2fa": false, "age": 18, "tags": []});
    assert!(matches!(round_trip::<Party>(user), Party::User(_)));
    // Missing discriminator: the default member.
    let p: Party = serde_json::from_value(json!({"id": "u1"})).unwrap();
    let Party::User(u) = &p else { panic!("{p:?}") };
    assert_eq!(u.id, "u1");
    // Primitive and enum members are wrapped as {discriminator, value}.
    assert_eq!(
        round_trip::<Party>(json!({"type": "string", "value": "x"})),
        Party::String("x".into())
    );
    assert_eq!(
        round_trip::<Party>(json!({"type": "status", "value": "zzz"})),
        Party::Status(Status::Unknown("zzz".into()))
    );
    // Unknown members survive a round trip.
    let raw = json!({"type": "robot", "serial": 42});
    assert_eq!(round_trip::<Party>(raw.clone()), Party::Unknown(raw));
    // Recursive members.
    let g = json!({"type": "group", "id": "g", "members": [{"type": "string", "value": "s"}],
        "parent": {"id": "p", "members": []}});
    let Party::Group(g) = round_trip::<Party>(g) else {
        panic!()
    };
    assert_eq!(g.parent.as_ref().map(|p| p.id.as_str()), Some("p"));
    // A bad discriminator type is an error, not a panic.
    assert!(serde_json::from_value::<Party>(json!({"type": 1})).is_err());
}

#[test]
fn wrapped_unions_without_discriminator() {
    assert_eq!(round_trip::<Wrapped>(json!({"long": 5})), Wrapped::Long(5));
    let raw = json!({"other": {}});
    assert_eq!(round_trip::<Wrapped>(raw.clone()), Wrapped::Unknown(raw));
}

#[test]
fn models_implement_their_interfaces() {
    fn id_of(x: &dyn Identified) -> &str {
        x.id()
    }
    let u: User = serde_json::from_value(json!({"id": "u9"})).unwrap();
    assert_eq!(id_of(&u), "u9");
}

#[test]
fn types_named_like_std_items_work() {
    // Models named `result`, `box`, `serialize` and an enum named `option` with `none`/`some`/`ok`/`Ok`.
    let b: Box = round_trip(
        json!({"vec": [{"ok": "some", "err": "e"}, {"ok": "Ok", "err": "none"}], "default": true}),
    );
    assert_eq!(b.vec[0].ok, Some(Option::Some));
    assert_eq!(b.vec[1].ok, Some(Option::Ok));
    assert_eq!(Option::Ok2.to_string(), "ok");
    let r: Result = serde_json::from_value(json!({})).unwrap();
    assert_eq!((r.ok, r.err.as_str()), (None, "none"));
    let s: Serialize2 = round_trip(json!({"deserialize": {"k": {"vec": []}}}));
    assert!(s.deserialize.is_some());
}
