//! Generated migrations applied to a real PostgreSQL: the schema of every metadata spec in specs/
//! and of Flow's corpus metadata specs (latest versions), and for every consecutive version pair
//! of the corpus specs the next migration on top of the previous schema, which must then have
//! the same tables, columns, types and indexes as the new schema created from scratch.

use charter::dao::sql;
use charter_dao_tests::{schema_sql, workspace, TestDb};
use charter_runtime::dao::sqlx::{self, PgConnection};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    workspace().join("../shared/corpus/api-json")
}

#[tokio::test]
async fn schemas_of_specs_apply() {
    let db = TestDb::create().await;
    let mut conn = db.connect().await;
    let all = schema_sql(&[workspace().join("specs")]);
    assert!(!all.is_empty(), "specs/ has metadata specs");
    for (name, sql) in all {
        db.apply(&mut conn, &sql)
            .await
            .unwrap_or_else(|e| panic!("schema of {name}: {e}"));
    }
    // The golden schema is the same text.
    let golden = std::fs::read_to_string(workspace().join("fixtures/dao/db.sql")).unwrap();
    let fresh = TestDb::create().await;
    let mut c2 = fresh.connect().await;
    fresh
        .apply(&mut c2, &golden)
        .await
        .expect("golden schema applies");
    drop((conn, c2));
    db.drop_db().await;
    fresh.drop_db().await;
}

/// Corpus metadata specs, by source path, oldest version first (INDEX.md lists each spec's
/// versions newest first, right after the spec itself).
fn corpus_histories() -> Vec<Vec<PathBuf>> {
    let index = std::fs::read_to_string(corpus().join("../INDEX.md")).expect("corpus INDEX.md");
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for line in index.lines() {
        let Some(file) = line.strip_prefix("| `").and_then(|l| l.split('`').next()) else {
            continue;
        };
        if !file.contains("__dao__spec__psql-") && !file.contains("__hack_dao__spec__psql-") {
            continue;
        }
        let base = file
            .split('@')
            .next()
            .unwrap()
            .trim_end_matches(".json")
            .to_owned();
        let path = corpus().join(file);
        assert!(path.is_file(), "{} is listed but missing", path.display());
        match groups.iter_mut().find(|(b, _)| *b == base) {
            Some((_, v)) => v.push(path),
            None => groups.push((base, vec![path])),
        }
    }
    groups
        .into_iter()
        .map(|(_, mut v)| {
            v.reverse();
            v
        })
        .collect()
}

#[tokio::test]
async fn corpus_metadata_specs_latest_versions_apply() {
    let histories = corpus_histories();
    assert!(histories.len() >= 3, "found {histories:?}");
    for h in &histories {
        let latest = h.last().unwrap();
        let db = TestDb::create().await;
        let mut conn = db.connect().await;
        for (name, sql) in schema_sql(std::slice::from_ref(latest)) {
            db.apply(&mut conn, &sql)
                .await
                .unwrap_or_else(|e| panic!("{} ({name}): {e}", latest.display()));
        }
        drop(conn);
        db.drop_db().await;
    }
}

/// Tables, columns with types, and index names of the user schemas.
async fn catalog(conn: &mut PgConnection) -> BTreeSet<String> {
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "select table_schema::text, table_name::text, column_name::text, data_type::text \
         from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let idx: Vec<(String, String)> = sqlx::query_as(
        "select schemaname::text, indexname::text from pg_indexes \
         where schemaname not in ('pg_catalog', 'information_schema')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    cols.into_iter()
        .map(|(s, t, c, d)| format!("column {s}.{t}.{c} {d}"))
        .chain(idx.into_iter().map(|(s, i)| format!("index {s}.{i}")))
        .collect()
}

#[tokio::test]
async fn every_corpus_version_pair_migrates_to_the_new_schema() {
    let mut pairs = 0;
    for h in corpus_histories() {
        for w in h.windows(2) {
            let (old, new) = (&w[0], &w[1]);
            let (oc, op) = charter_dao_tests::plan(std::slice::from_ref(old));
            let (nc, np) = charter_dao_tests::plan(std::slice::from_ref(new));
            let old_tables: Vec<_> = op.for_service(op.services()[0]).collect();
            let new_tables: Vec<_> = np.for_service(np.services()[0]).collect();
            let _ = (&oc, &nc);
            let migration = sql::next_migration(
                &old_tables,
                &new_tables,
                sql::MigrationOptions { destructive: true },
                "pair",
            );
            let db = TestDb::create().await;
            let mut conn = db.connect().await;
            db.apply(&mut conn, &sql::schema(&old_tables, "old"))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", old.display()));
            db.apply(&mut conn, &migration).await.unwrap_or_else(|e| {
                panic!("{} → {}: {e}\n{migration}", old.display(), new.display())
            });
            let migrated = catalog(&mut conn).await;
            let fresh = TestDb::create().await;
            let mut fc = fresh.connect().await;
            fresh
                .apply(&mut fc, &sql::schema(&new_tables, "new"))
                .await
                .unwrap();
            let want = catalog(&mut fc).await;
            // The journal keeps the columns of removed fields (history is never dropped);
            // everything else must be exactly the new schema.
            let missing: Vec<&String> = want.difference(&migrated).collect();
            let extra: Vec<&String> = migrated
                .difference(&want)
                .filter(|e| !e.starts_with("column journal."))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{} → {}: migrated schema differs from the new one: missing {missing:?}, extra {extra:?}\n{migration}",
                old.display(),
                new.display()
            );
            drop((conn, fc));
            db.drop_db().await;
            fresh.drop_db().await;
            pairs += 1;
        }
    }
    assert!(pairs >= 5, "only {pairs} version pairs");
}

#[tokio::test]
async fn next_migration_is_not_destructive_unless_asked() {
    let h = corpus_histories()
        .into_iter()
        .max_by_key(|h| h.len())
        .unwrap();
    let (_, newest) = charter_dao_tests::plan(&[h.last().unwrap().clone()]);
    let (_, oldest) = charter_dao_tests::plan(&[h[0].clone()]);
    let n: Vec<_> = newest.for_service(newest.services()[0]).collect();
    let o: Vec<_> = oldest.for_service(oldest.services()[0]).collect();
    // Backwards: newest → oldest drops tables; without --destructive those are comments only.
    let m = sql::next_migration(&n, &o, sql::MigrationOptions::default(), "back");
    for stmt in sql::statements(&m) {
        let code: String = stmt
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        assert!(
            !code.contains("drop table") && !code.contains("drop column"),
            "{stmt}"
        );
    }
    assert!(m.contains("-- drop table"), "{m}");
}

/// The example user service applies `examples/user-service/migrations/user_db/0001_schema.sql`
/// when its table is missing: that file is what `charter generate postgres` writes for its
/// metadata spec today, and it applies.
#[tokio::test]
async fn the_example_services_migration_is_current_and_applies() {
    let dir = workspace().join("examples/user-service");
    let all = schema_sql(&[dir.join("db")]);
    let [(name, fresh)] = all.as_slice() else {
        panic!("one metadata spec in examples/user-service/db: {all:?}")
    };
    let path = dir.join(format!("migrations/{name}/0001_schema.sql"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, fresh).unwrap();
    } else {
        assert_eq!(
            &committed,
            fresh,
            "{} is stale: `charter generate postgres examples/user-service/db --out examples/user-service/migrations` (or UPDATE_GOLDEN=1)",
            path.display()
        );
    }
    let db = TestDb::create().await;
    let mut conn = db.connect().await;
    db.apply(&mut conn, fresh)
        .await
        .expect("the service's schema applies");
    drop(conn);
    db.drop_db().await;
}
