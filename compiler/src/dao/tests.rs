//! The metadata pass on Flow's corpus specs (clean) and on `fixtures/dao-meta/bad.json` (every
//! mistake located at its key).

use crate::Checked;
use std::path::{Path, PathBuf};

fn load(path: &Path) -> Checked {
    let text = std::fs::read_to_string(path).unwrap();
    crate::check_sources(vec![(path.to_path_buf(), text)], &crate::Options::default())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn flow_corpus_metadata_specs_plan_cleanly() {
    let dir = root().join("../shared/corpus/api-json");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.contains("dao__spec__psql-") {
            continue;
        }
        let checked = load(&p);
        assert!(!checked.has_errors(), "{name}");
        let (plan, diags) = super::plan_checked(&checked);
        assert!(diags.is_empty(), "{name}: {diags:?}");
        assert!(!plan.tables.is_empty(), "{name}");
        n += 1;
    }
    assert!(n >= 10, "{n}");
}

#[test]
fn flow_latest_spec_reads_as_documented() {
    let p = root().join(
        "../shared/corpus/api-json/apicollective__apibuilder__dao__spec__psql-apibuilder.json",
    );
    let (plan, _) = super::plan_checked(&load(&p));
    let t = |n: &str| plan.tables.iter().find(|t| t.name == n).unwrap();
    // `session` sets only pkey and indexes: service audit (soft delete) inherited.
    assert!(t("sessions").soft_delete());
    assert_eq!(t("sessions").pkey, "id");
    // `task` sets its own audit without `deleted`: hard delete; hash_code and on_conflict.
    let task = t("tasks");
    assert!(!task.soft_delete() && task.hash_code);
    assert_eq!(task.on_conflict.as_ref().unwrap().0, ["type_id", "type"]);
    assert_eq!(
        t("originals").generator,
        super::plan::PkeyGenerator::Database
    );
    assert_eq!(
        t("generator_invocations").generator,
        super::plan::PkeyGenerator::Prefixed("gni".into())
    );
    assert_eq!(t("services").schema, "cache");
    assert_eq!(t("changes").foreign_keys.len(), 6);
    assert_eq!(t("users").user_type, super::plan::UserType::Uuid);
    // Finders: the pkey and indexed columns only.
    let users: Vec<&str> = t("users")
        .filter_columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(users, ["guid", "email", "nickname"]);
}

#[test]
fn every_metadata_mistake_is_located() {
    let p = root().join("fixtures/dao-meta/bad.json");
    let checked = load(&p);
    // `charter check` reports them too, and nothing else.
    assert!(checked
        .diagnostics
        .iter()
        .all(|d| d.code.id.starts_with("E20") || d.code.id.starts_with("W20")));
    assert!(checked.diagnostics.iter().any(|d| d.code.id == "E2004"));
    let (plan, diags) = super::plan_checked(&checked);
    let got: Vec<(&str, String)> = diags
        .iter()
        .map(|d| (d.code.id, d.loc.as_ref().unwrap().pointer.clone()))
        .collect();
    let want = [
        ("W2002", "/attributes/0/value/indexs"),
        (
            "E2004",
            "/models/widget/attributes/0/value/indexes/0/fields/0",
        ),
        ("E2001", "/models/widget/attributes/0/value/indexes/1/where"),
        ("E2005", "/models/widget/attributes/0/value/on_conflict"),
        ("E2003", "/models/owner/attributes/0/value/pkey"),
        ("E2013", "/attributes/0/value/pkey"),
        ("E2009", "/models/task/attributes/0/value/user_type"),
        ("E2009", "/models/task/attributes/0/value/pkey_generator"),
        ("E2010", "/models/task/attributes/1/value/audit/deleted/at"),
        ("E2011", "/models/task/attributes/1/value/audit/updated/by"),
    ];
    for (code, ptr) in want {
        assert!(
            got.iter().any(|(c, p)| *c == code && p == ptr),
            "missing {code} at {ptr}; got {got:#?}"
        );
    }
    // Every diagnostic has a real span inside the file, and a help line.
    for d in diags.iter() {
        let loc = d.loc.as_ref().unwrap();
        assert!(loc.span.end > loc.span.start, "{d:?}");
        assert!(d.help.is_some(), "{d:?}");
    }
    // Tables with errors are left out; the foreign keys of widget were never linked.
    assert!(plan.tables.iter().all(|t| t.name != "owners"));
}

#[test]
fn foreign_key_targets_are_checked() {
    let text = r#"{"name": "fk-db", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
      "models": {
        "a": {"fields": [{"name": "id", "type": "uuid"}, {"name": "b_code", "type": "string"}, {"name": "c_id", "type": "uuid"}],
              "attributes": [{"name": "psql", "value": {"foreign_keys": [
                 {"fields": ["b_code"], "references": "bs(code)"},
                 {"fields": ["c_id"], "references": "cs"},
                 {"fields": ["id"], "references": "bs"}]}}]},
        "b": {"fields": [{"name": "id", "type": "uuid"}, {"name": "code", "type": "string"}]}
      }}"#;
    let checked = crate::check_sources(
        vec![("fk.json".into(), text.into())],
        &crate::Options::default(),
    );
    let (_, diags) = super::plan_checked(&checked);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    // bs(code) has no unique index; cs does not exist; id → bs(id) is fine.
    assert_eq!(codes, ["E2008", "W2007"], "{diags:?}");
}

#[test]
fn indexes_on_undeclared_audit_columns_are_left_out_with_a_warning() {
    // Flow's older apibuilder metadata indexes `created_at`, which lib-postgresql's audit.setup
    // added to every table without the metadata declaring it.
    let text = r#"{"name": "audit-db", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
      "models": {
        "migration": {"fields": [{"name": "id", "type": "string"}, {"name": "num_attempts", "type": "long"}],
          "attributes": [{"name": "psql", "value": {"indexes": [
             {"fields": ["num_attempts", "created_at"]}, {"fields": ["num_attempts"]}]}}]}
      }}"#;
    let checked = crate::check_sources(
        vec![("audit.json".into(), text.into())],
        &crate::Options::default(),
    );
    let (plan, diags) = super::plan_checked(&checked);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["W2015"], "{diags:?}");
    assert!(!diags.has_errors());
    let table = plan.tables.iter().find(|t| t.name == "migrations").unwrap();
    assert_eq!(
        table.indexes.len(),
        1,
        "only the index on declared columns is kept"
    );
}
