//! The DAOs Charter generates for `specs/db.json` (the golden `src/db.rs`, compiled here under
//! `deny(warnings)`), and a throw-away PostgreSQL database per test ([`TestDb`]).
//!
//! Tests connect to `CHARTER_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:54329/postgres`, started by `.ci/setup/postgres.sh`) and fail
//! loudly when it is not there.
#![deny(warnings)]

// The golden is prettyplease output as Charter writes it; rustfmt must not rewrite it.
#[rustfmt::skip]
pub mod db;

use charter_runtime::dao::sqlx::{self, Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:54329/postgres";

/// The server tests use.
pub fn admin_url() -> String {
    std::env::var("CHARTER_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// The workspace root (`tests/dao/../..`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh database, dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub name: String,
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// Creates `charter_test_<pid>_<n>_<nanos>`; panics (the test fails) when the server is not
    /// reachable.
    pub async fn create() -> TestDb {
        let admin = admin_url();
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {admin} ({e}); start it with .ci/setup/postgres.sh \
                 or set CHARTER_TEST_DATABASE_URL"
            )
        });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "charter_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::raw_sql(&format!("create database \"{name}\""))
            .execute(&mut conn)
            .await
            .expect("create database");
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => format!("{admin}/{name}"),
        };
        TestDb { name, url }
    }

    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Applies a migration statement by statement (as `create index concurrently` requires).
    pub async fn apply(&self, conn: &mut PgConnection, sql: &str) -> Result<(), String> {
        for stmt in charter::dao::sql::statements(sql) {
            sqlx::raw_sql(&stmt)
                .execute(&mut *conn)
                .await
                .map_err(|e| format!("{e}\n--- in statement:\n{stmt}"))?;
        }
        Ok(())
    }

    pub async fn drop_db(self) {
        if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
            let _ = sqlx::raw_sql(&format!(
                "drop database if exists \"{}\" with (force)",
                self.name
            ))
            .execute(&mut conn)
            .await;
        }
    }
}

/// The plan of the specs under `paths` (panics on any error: test input must be valid).
pub fn plan(paths: &[PathBuf]) -> (charter::Checked, charter::dao::Plan) {
    let checked = charter::check(paths, &charter::Options::default());
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let (plan, diags) = charter::dao::plan_checked(&checked);
    assert!(!diags.has_errors(), "{diags:?}");
    (checked, plan)
}

/// The schema migration of every metadata spec under `paths`, one per service.
pub fn schema_sql(paths: &[PathBuf]) -> Vec<(String, String)> {
    let (checked, plan) = plan(paths);
    plan.services()
        .into_iter()
        .map(|sid| {
            let s = checked.repo.service(sid);
            let tables: Vec<_> = plan.for_service(sid).collect();
            (
                s.name.clone(),
                charter::dao::sql::schema(&tables, &format!("Schema of `{}`", s.name)),
            )
        })
        .collect()
}

/// Schema of specs/db.json, applied to a fresh database.
pub async fn db_with_schema() -> (TestDb, PgConnection) {
    let db = TestDb::create().await;
    let mut conn = db.connect().await;
    let specs = workspace().join("specs");
    for (name, sql) in schema_sql(&[specs]) {
        if name == "db" {
            db.apply(&mut conn, &sql).await.expect("schema applies");
        }
    }
    (db, conn)
}
