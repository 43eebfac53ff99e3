//! `charter generate postgres` end to end: the schema of a metadata spec, the next migration with
//! `--against REV` (old spec read from git objects) that never drops unless `--destructive`, and
//! located metadata errors with exit code 1.

mod support;

use std::path::Path;
use std::process::Command;

fn charter(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run charter");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const V1: &str = r#"{"name": "shop", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
  "models": {"item": {"fields": [{"name": "id", "type": "uuid"}, {"name": "title", "type": "string"},
                                  {"name": "note", "type": "string", "required": false}]}}}"#;
const V2: &str = r#"{"name": "shop", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
  "models": {"item": {"fields": [{"name": "id", "type": "uuid"}, {"name": "title", "type": "string"},
                                  {"name": "price", "type": "long"}],
                      "attributes": [{"name": "psql", "value": {"indexes": [{"fields": ["title"]}]}}]},
             "tag": {"fields": [{"name": "id", "type": "uuid"}, {"name": "label", "type": "string"}]}}}"#;

#[test]
fn schema_then_next_migration_against_a_revision() {
    let tmp = std::env::temp_dir().join(format!("charter-pg-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("specs")).unwrap();
    std::fs::write(tmp.join("specs/shop.json"), V1).unwrap();
    support::git(&tmp, &["init", "-q"]);
    support::git(&tmp, &["add", "."]);
    support::git(&tmp, &["commit", "-qm", "v1"]);

    let (code, _, err) = charter(
        &tmp,
        &["generate", "postgres", "specs", "--out", "migrations"],
    );
    assert_eq!(code, 0, "{err}");
    let schema = std::fs::read_to_string(tmp.join("migrations/shop/0001_schema.sql")).unwrap();
    assert!(
        schema.contains("create table \"public\".\"items\""),
        "{schema}"
    );
    assert!(
        schema.contains("create table \"journal\".\"items\""),
        "{schema}"
    );

    std::fs::write(tmp.join("specs/shop.json"), V2).unwrap();
    let (code, _, err) = charter(
        &tmp,
        &[
            "generate",
            "postgres",
            "specs",
            "--out",
            "migrations",
            "--against",
            "HEAD",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let next = std::fs::read_to_string(tmp.join("migrations/shop/0002_migration.sql")).unwrap();
    assert!(next.contains("create table \"public\".\"tags\""), "{next}");
    assert!(
        next.contains("add column \"price\" bigint;"),
        "required without default is added nullable: {next}"
    );
    assert!(
        next.contains("create index concurrently if not exists \"items_title_idx\""),
        "{next}"
    );
    assert!(
        next.contains("-- alter table \"public\".\"items\" drop column \"note\";"),
        "drop only as a comment: {next}"
    );
    assert!(
        !next
            .lines()
            .any(|l| l.starts_with("alter table \"public\".\"items\" drop column")),
        "{next}"
    );

    let (code, _, err) = charter(
        &tmp,
        &[
            "generate",
            "postgres",
            "specs",
            "--out",
            "migrations",
            "--against",
            "HEAD",
            "--destructive",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let next = std::fs::read_to_string(tmp.join("migrations/shop/0003_migration.sql")).unwrap();
    assert!(
        next.lines()
            .any(|l| l == "alter table \"public\".\"items\" drop column \"note\";"),
        "{next}"
    );

    // A metadata mistake: exit 1, located.
    std::fs::write(
        tmp.join("specs/shop.json"),
        V1.replace(r#""pkey": "id""#, r#""pkey": "nope""#),
    )
    .unwrap();
    let (code, _, err) = charter(
        &tmp,
        &["generate", "postgres", "specs", "--out", "migrations"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("E2003") && err.contains("shop.json:1:"),
        "{err}"
    );
    let (code, _, err) = charter(&tmp, &["check", "specs"]);
    assert_eq!(code, 1, "check reports metadata errors too: {err}");
    let _ = std::fs::remove_dir_all(&tmp);
}
