use super::*;
use crate::ir::ServiceId;
use crate::{check_sources, Checked, Options};
use serde_json::json;
use std::path::PathBuf;

fn load(files: &[(&str, &str)]) -> Checked {
    let checked = check_sources(
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect(),
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

fn id(repo: &Repo, name: &str) -> TypeId {
    id_in(repo, None, name)
}

/// The type `name` of service `service` (any service when `None`).
fn id_in(repo: &Repo, service: Option<&str>, name: &str) -> TypeId {
    for sid in repo
        .service_ids()
        .filter(|sid| service.is_none_or(|n| repo.service(*sid).name == n))
    {
        let s = repo.service(sid);
        // specs/db.json (table metadata) has models named like the API's (`user`): skip it.
        if crate::dao::meta::is_metadata_spec(s) {
            continue;
        }
        let found = [
            (
                TypeKind::Model,
                s.models.iter().position(|m| m.name == name),
            ),
            (TypeKind::Enum, s.enums.iter().position(|m| m.name == name)),
            (
                TypeKind::Union,
                s.unions.iter().position(|m| m.name == name),
            ),
            (
                TypeKind::Interface,
                s.interfaces.iter().position(|m| m.name == name),
            ),
        ];
        for (kind, i) in found {
            if let Some(i) = i {
                return TypeId {
                    service: sid,
                    kind,
                    index: i as u32,
                };
            }
        }
    }
    panic!("no type {name}")
}

/// Checks that `v` is a valid value of `r` at a place with bounds `min`/`max`: the shape of the
/// type, every bound, every enum value, every union's wire form and every required field.
fn conforms(repo: &Repo, r: &TypeRef, min: Option<i64>, max: Option<i64>, v: &Value, at: &str) {
    let bounds = |n: f64, what: &str| {
        if let Some(m) = min {
            assert!(n >= m as f64, "{at}: {what} {n} below minimum {m}");
        }
        if let Some(m) = max {
            assert!(n <= m as f64, "{at}: {what} {n} above maximum {m}");
        }
    };
    match r {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => assert!(v.is_boolean(), "{at}: {v}"),
            Primitive::Integer => {
                let n = v.as_i64().unwrap_or_else(|| panic!("{at}: {v}"));
                assert!(i32::try_from(n).is_ok(), "{at}: {n}");
                bounds(n as f64, "value");
            }
            Primitive::Long => bounds(v.as_i64().unwrap() as f64, "value"),
            Primitive::Double | Primitive::Decimal => bounds(v.as_f64().unwrap(), "value"),
            Primitive::String => bounds(v.as_str().unwrap().chars().count() as f64, "length"),
            Primitive::Uuid => {
                uuid::Uuid::try_parse(v.as_str().unwrap()).unwrap();
            }
            Primitive::DateIso8601 => {
                chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
            }
            Primitive::DateTimeIso8601 => {
                chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
            }
            Primitive::Object => assert!(v.is_object(), "{at}: {v}"),
            Primitive::Json => {}
            Primitive::Unit => assert!(v.is_null()),
        },
        TypeRef::List(inner) => {
            let a = v.as_array().unwrap_or_else(|| panic!("{at}: {v}"));
            bounds(a.len() as f64, "size");
            for (i, x) in a.iter().enumerate() {
                conforms(repo, inner, None, None, x, &format!("{at}[{i}]"));
            }
        }
        TypeRef::Map(inner) => {
            let o = v.as_object().unwrap_or_else(|| panic!("{at}: {v}"));
            bounds(o.len() as f64, "size");
            for (k, x) in o {
                conforms(repo, inner, None, None, x, &format!("{at}.{k}"));
            }
        }
        TypeRef::Type(id) => match id.kind {
            TypeKind::Enum => {
                let e = repo.enum_(*id);
                let s = v.as_str().unwrap_or_else(|| panic!("{at}: {v}"));
                assert!(e.values.iter().any(|x| x.wire() == s), "{at}: {s}");
            }
            TypeKind::Model | TypeKind::Interface => {
                let fields = if id.kind == TypeKind::Model {
                    &repo.model(*id).fields
                } else {
                    &repo.interface(*id).fields
                };
                object(repo, fields, v, at, None)
            }
            TypeKind::Union => {
                let u = repo.union(*id);
                let o = v.as_object().unwrap_or_else(|| panic!("{at}: {v}"));
                match &u.discriminator {
                    Some(key) => {
                        let tag = o[key].as_str().unwrap();
                        let m = u
                            .types
                            .iter()
                            .find(|t| t.discriminator_value == tag)
                            .unwrap_or_else(|| panic!("{at}: unknown tag {tag}"));
                        if is_object_shape(&m.ty.r) {
                            let mut rest = o.clone();
                            rest.remove(key);
                            conforms(repo, &m.ty.r, None, None, &Value::Object(rest), at);
                        } else {
                            assert_eq!(o.len(), 2, "{at}: {v}");
                            conforms(repo, &m.ty.r, None, None, &o["value"], at);
                        }
                    }
                    None => {
                        assert_eq!(o.len(), 1, "{at}: {v}");
                        let (tag, inner) = o.iter().next().unwrap();
                        let m = u
                            .types
                            .iter()
                            .find(|t| &t.discriminator_value == tag)
                            .unwrap_or_else(|| panic!("{at}: unknown tag {tag}"));
                        conforms(repo, &m.ty.r, None, None, inner, &format!("{at}.{tag}"));
                    }
                }
            }
        },
        TypeRef::External { .. } => assert!(v.is_object()),
        TypeRef::Named(_) | TypeRef::Unresolved(_) => panic!("{at}: unresolved"),
    }
}

fn object(repo: &Repo, fields: &[Field], v: &Value, at: &str, _: Option<()>) {
    let o = v.as_object().unwrap_or_else(|| panic!("{at}: {v}"));
    for k in o.keys() {
        assert!(
            fields.iter().any(|f| &f.name == k),
            "{at}: unknown field {k}"
        );
    }
    for f in fields {
        match o.get(&f.name) {
            Some(x) => conforms(
                repo,
                &f.ty.r,
                f.minimum,
                f.maximum,
                x,
                &format!("{at}.{}", f.name),
            ),
            None => assert!(
                !f.required || f.default.is_some(),
                "{at}: required field {} missing",
                f.name
            ),
        }
    }
}

/// Every model, enum, union and interface of `repo` has a conforming example.
fn all_conform(repo: &Repo) -> usize {
    let ex = Examples::new(repo);
    let mut n = 0;
    for sid in repo.service_ids() {
        let s = repo.service(sid);
        let kinds = [
            (TypeKind::Model, s.models.len()),
            (TypeKind::Enum, s.enums.len()),
            (TypeKind::Union, s.unions.len()),
            (TypeKind::Interface, s.interfaces.len()),
        ];
        for (kind, len) in kinds {
            for index in 0..len as u32 {
                let id = TypeId {
                    service: sid,
                    kind,
                    index,
                };
                let v = ex.of_type(id);
                conforms(repo, &TypeRef::Type(id), None, None, &v, repo.type_name(id));
                n += 1;
            }
        }
    }
    n
}

const BOUNDS: &str = r#"{"name": "shop",
  "enums": {"color": {"values": [{"name": "dark_red", "value": "DarkRed"}, {"name": "blue"}]}},
  "models": {
    "item": {"fields": [
      {"name": "sku", "type": "string", "minimum": 6, "maximum": 8},
      {"name": "code", "type": "string", "maximum": 2},
      {"name": "quantity", "type": "integer", "minimum": 3, "maximum": 9},
      {"name": "delta", "type": "long", "maximum": -5},
      {"name": "weight", "type": "double", "minimum": 2},
      {"name": "price", "type": "decimal", "minimum": 1},
      {"name": "tags", "type": "[string]", "minimum": 2},
      {"name": "labels", "type": "map[integer]", "minimum": 1},
      {"name": "color", "type": "color"},
      {"name": "shade", "type": "color", "default": "blue"},
      {"name": "active", "type": "boolean", "default": "true"},
      {"name": "note", "type": "string", "required": false},
      {"name": "id", "type": "uuid"},
      {"name": "day", "type": "date-iso8601"},
      {"name": "at", "type": "date-time-iso8601"},
      {"name": "extra", "type": "object"},
      {"name": "blob", "type": "json"}
    ]},
    "given": {"fields": [
      {"name": "email", "type": "string", "example": "ada@example.com"},
      {"name": "short", "type": "string", "maximum": 3, "example": "too long"},
      {"name": "n", "type": "integer", "minimum": 1, "maximum": 10, "example": "7"},
      {"name": "m", "type": "integer", "maximum": 10, "example": "70"},
      {"name": "x", "type": "double", "example": "2.5"},
      {"name": "color", "type": "color", "example": "blue"},
      {"name": "bad_color", "type": "color", "example": "green"},
      {"name": "id", "type": "uuid", "example": "not-a-uuid"},
      {"name": "other_id", "type": "uuid", "example": "6f1e6d2c-9c55-4b1e-9a43-1e2f3a4b5c6d"},
      {"name": "day", "type": "date-iso8601", "example": "2025-02-30"},
      {"name": "at", "type": "date-time-iso8601", "example": "2025-06-01T12:30:00Z"},
      {"name": "blob", "type": "json", "example": "{\"a\": [1]}"}
    ]},
    "cat": {"fields": [{"name": "name", "type": "string"}, {"name": "friend", "type": "pet", "required": false}]},
    "dog": {"fields": [{"name": "owner", "type": "owner"}]},
    "owner": {"fields": [{"name": "pets", "type": "[pet]", "minimum": 1}]},
    "toy": {"fields": [{"name": "name", "type": "string"}]},
    "node": {"fields": [{"name": "next", "type": "node", "required": false}, {"name": "value", "type": "integer"}]}
  },
  "unions": {
    "pet": {"discriminator": "kind", "types": [{"type": "dog"}, {"type": "cat"}]},
    "wrapped": {"types": [{"type": "toy"}]},
    "scalar": {"discriminator": "type", "types": [{"type": "color"}, {"type": "string"}]}
  }
}"#;

#[test]
fn values_respect_bounds_and_formats() {
    let checked = load(&[("shop.json", BOUNDS)]);
    let repo = &checked.repo;
    let ex = Examples::new(repo);
    assert_eq!(
        ex.of_type(id(repo, "item")),
        json!({
            "sku": "skuxxx", "code": "co", "quantity": 3, "delta": -5, "weight": 2.0,
            "price": 1, "tags": ["value", "value"], "labels": {"key1": 0}, "color": "DarkRed",
            "shade": "blue", "active": true, "id": UUID, "day": DATE, "at": DATE_TIME,
            "extra": {}, "blob": {}
        })
    );
    assert_eq!(all_conform(repo), 11);
}

#[test]
fn spec_examples_are_used_only_when_valid() {
    let checked = load(&[("shop.json", BOUNDS)]);
    let repo = &checked.repo;
    let v = Examples::new(repo).of_type(id(repo, "given"));
    assert_eq!(
        v,
        json!({
            "email": "ada@example.com", "short": "sho", "n": 7, "m": 0, "x": 2.5,
            "color": "blue", "bad_color": "DarkRed", "id": UUID,
            "other_id": "6f1e6d2c-9c55-4b1e-9a43-1e2f3a4b5c6d", "day": DATE,
            "at": "2025-06-01T12:30:00Z", "blob": {"a": [1]}
        })
    );
}

#[test]
fn unions_take_the_shallowest_member_in_wire_form() {
    let checked = load(&[("shop.json", BOUNDS)]);
    let repo = &checked.repo;
    let ex = Examples::new(repo);
    // dog needs an owner who needs a pet: cat is shallower, though declared second.
    assert_eq!(
        ex.of_type(id(repo, "pet")),
        json!({"kind": "cat", "name": "name"})
    );
    assert_eq!(
        ex.of_type(id(repo, "wrapped")),
        json!({"toy": {"name": "name"}})
    );
    assert_eq!(
        ex.of_type(id(repo, "scalar")),
        json!({"type": "color", "value": "DarkRed"})
    );
    assert_eq!(
        ex.of_type(id(repo, "owner")),
        json!({"pets": [{"kind": "cat", "name": "name"}]})
    );
    assert_eq!(ex.of_type(id(repo, "node")), json!({"value": 0}));
}

#[test]
fn a_type_without_a_finite_value_is_cut_not_looped() {
    let spec = r#"{"name": "loop", "models": {
        "a": {"fields": [{"name": "b", "type": "b"}]},
        "b": {"fields": [{"name": "a", "type": "a"}]}}}"#;
    let checked = load(&[("loop.json", spec)]);
    let repo = &checked.repo;
    let v = Examples::new(repo).of_type(id(repo, "a"));
    let mut depth = 0;
    let mut cur = &v;
    while let Some(next) = cur.as_object().and_then(|o| o.values().next()) {
        depth += 1;
        cur = next;
    }
    assert!(cur.is_null());
    assert!((1..=MAX_DEPTH + 1).contains(&depth), "{depth}");
}

/// Two required fields per type of the cycle: cutting only at a depth gave an example of 2^64
/// nodes (found by tests/gen_random.rs, which ran out of memory); it is cut where the cycle
/// closes.
#[test]
fn a_branching_cycle_without_a_finite_value_stays_small() {
    let spec = r#"{"name": "loop", "models": {
        "a": {"fields": [{"name": "b1", "type": "b"}, {"name": "b2", "type": "[b]", "minimum": 1}]},
        "b": {"fields": [{"name": "a1", "type": "a"}, {"name": "a2", "type": "map[a]", "minimum": 2}]}}}"#;
    let checked = load(&[("loop.json", spec)]);
    let repo = &checked.repo;
    let ex = Examples::new(repo);
    for name in ["a", "b"] {
        let v = ex.of_type(id(repo, name));
        let size = v.to_string().len();
        assert!(size < 200, "{name}: {size} bytes: {v}");
    }
    assert_eq!(ex.of_type(id(repo, "a")), json!({"b1": null, "b2": [null]}));
}

#[test]
fn parameters_and_defaults() {
    let checked = load(&[("shop.json", BOUNDS)]);
    let repo = &checked.repo;
    let ex = Examples::new(repo);
    let long = TypeRef::Primitive(Primitive::Long);
    let hint = Hint {
        name: Some("limit"),
        minimum: Some(1),
        maximum: Some(100),
        example: Some("500"),
    };
    assert_eq!(ex.value(&long, hint), json!(1));
    let hint = Hint {
        example: Some("50"),
        ..hint
    };
    assert_eq!(ex.value(&long, hint), json!(50));
    assert_eq!(default_value(&long, "25"), Some(json!(25)));
    assert_eq!(default_value(&long, "x"), None);
    assert_eq!(
        default_value(&TypeRef::List(Box::new(long.clone())), "[]"),
        Some(json!([]))
    );
    assert_eq!(
        example(
            repo,
            &TypeRef::List(Box::new(TypeRef::Type(id(repo, "color"))))
        ),
        json!([])
    );
    let item = repo.model(id(repo, "item"));
    assert_eq!(ex.field(&item.fields[11]), None); // optional note
    assert_eq!(ex.field(&item.fields[10]), Some(json!(true)));
}

#[test]
fn the_example_repo_conforms_across_imports() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let checked = crate::check(&[root], &Options::default());
    assert!(!checked.has_errors());
    let repo = &checked.repo;
    assert!(all_conform(repo) > 10);
    let ex = Examples::new(repo);
    let user = ex.of_type(id_in(repo, Some("user"), "user"));
    // The spec's example for user.id, the imported common.name, the enum default.
    assert_eq!(user["id"], json!("usr-20ba5b7c"));
    assert!(user["name"].is_object());
    assert_eq!(user["status"], json!("active"));
    assert!(user.get("address").is_none());
    let _ = ServiceId(0);
}
