//! The generated DAO vs hand-written sqlx doing the same statements, side by side in one run,
//! against the PostgreSQL at CHARTER_TEST_DATABASE_URL (loopback): inserts/s (single and batch),
//! finds/s, no-op updates/s; and the generation time (plan + migration + DAO code) of the largest
//! metadata spec of Flow's corpus. `cargo bench -p charter-dao-tests`.
//!
//! Bounded: a fixed number of operations per measurement, one fresh database, dropped at the end.

use charter_dao_tests::db::organizations::{OrganizationForm, OrganizationsDao};
use charter_dao_tests::{db_with_schema, workspace};
use charter_runtime::dao::sqlx::{self, PgConnection};
use charter_runtime::dao::uuid::Uuid;
use std::time::{Duration, Instant};

const SINGLE: usize = 2_000;
const BATCH: usize = 10_000;
const FINDS: usize = 5_000;
const UPDATES: usize = 5_000;

const INSERT: &str = "insert into \"public\".\"organizations\" (\"id\", \"key\", \"name\", \"created_by\", \"updated_by\", \"hash_code\", \"created_at\", \"updated_at\") values ($1, $2, $3, $4, $5, $6, now(), now())";
const INSERT_BATCH: &str = "insert into \"public\".\"organizations\" (\"id\", \"key\", \"name\", \"created_by\", \"updated_by\", \"hash_code\", \"created_at\", \"updated_at\") select u0, u1, u2, u3, u4, u5, now(), now() from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::bigint[]) as u(u0, u1, u2, u3, u4, u5)";
const FIND: &str = "select \"id\", \"key\", \"name\", \"created_at\", \"created_by\", \"updated_at\", \"updated_by\", \"deleted_at\", \"deleted_by\", \"hash_code\" from \"public\".\"organizations\" where \"id\" = $1 and \"deleted_at\" is null";
const UPDATE: &str = "update \"public\".\"organizations\" set \"key\" = $2, \"name\" = $3, \"updated_by\" = $4, \"updated_at\" = now(), \"hash_code\" = $5 where \"id\" = $1 and \"deleted_at\" is null and \"hash_code\" is distinct from $5";
const EXISTS: &str =
    "select 1 from \"public\".\"organizations\" where \"id\" = $1 and \"deleted_at\" is null";

type Row = (
    Uuid,
    String,
    String,
    chrono_t::DateTime,
    Uuid,
    chrono_t::DateTime,
    Uuid,
    Option<chrono_t::DateTime>,
    Option<Uuid>,
    i64,
);
mod chrono_t {
    pub type DateTime = charter_runtime::dao::chrono::DateTime<charter_runtime::dao::chrono::Utc>;
}

fn form(tag: &str, i: usize) -> OrganizationForm {
    OrganizationForm {
        key: format!("{tag}-{i:06}"),
        name: format!("Organization {i}"),
    }
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn line(what: &str, n: usize, dao: Duration, hand: Duration) {
    let (a, b) = (per_sec(n, dao), per_sec(n, hand));
    println!(
        "{what:<28} dao {a:>10.0}/s   hand-written sqlx {b:>10.0}/s   dao/hand {:>6.1}%",
        100.0 * a / b
    );
}

async fn hand_insert(conn: &mut PgConnection, user: Uuid, f: &OrganizationForm) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(INSERT)
        .bind(id)
        .bind(&f.key)
        .bind(&f.name)
        .bind(user)
        .bind(user)
        .bind(f.hash_code())
        .execute(&mut *conn)
        .await
        .unwrap();
    id
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let user = Uuid::from_u128(1);
    let (db, mut conn) = db_with_schema().await;
    println!(
        "charter DAO bench ({} single inserts, {} batch rows, {} finds, {} no-op updates)",
        SINGLE, BATCH, FINDS, UPDATES
    );

    // Single inserts (interleaved halves so neither side gets a warmer cache).
    let mut dao_t = Duration::ZERO;
    let mut hand_t = Duration::ZERO;
    let mut ids = Vec::new();
    for round in 0..2 {
        let t = Instant::now();
        for i in 0..SINGLE / 2 {
            ids.push(
                OrganizationsDao::insert(&mut conn, user, &form(&format!("d{round}"), i))
                    .await
                    .unwrap(),
            );
        }
        dao_t += t.elapsed();
        let t = Instant::now();
        for i in 0..SINGLE / 2 {
            hand_insert(&mut conn, user, &form(&format!("h{round}"), i)).await;
        }
        hand_t += t.elapsed();
    }
    line("insert (single)", SINGLE, dao_t, hand_t);

    // Batch insert of BATCH rows in one statement.
    let forms: Vec<_> = (0..BATCH).map(|i| form("bd", i)).collect();
    let t = Instant::now();
    OrganizationsDao::insert_batch(&mut conn, user, &forms)
        .await
        .unwrap();
    let dao_batch = t.elapsed();
    let forms_h: Vec<_> = (0..BATCH).map(|i| form("bh", i)).collect();
    let t = Instant::now();
    {
        let ids: Vec<Uuid> = forms_h.iter().map(|_| Uuid::new_v4()).collect();
        let keys: Vec<String> = forms_h.iter().map(|f| f.key.clone()).collect();
        let names: Vec<String> = forms_h.iter().map(|f| f.name.clone()).collect();
        let users = vec![user; BATCH];
        let hashes: Vec<i64> = forms_h.iter().map(|f| f.hash_code()).collect();
        sqlx::query(INSERT_BATCH)
            .bind(ids)
            .bind(keys)
            .bind(names)
            .bind(&users)
            .bind(&users)
            .bind(hashes)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let hand_batch = t.elapsed();
    line("insert_batch (10,000 rows)", BATCH, dao_batch, hand_batch);
    let single_rate = per_sec(SINGLE, dao_t);
    println!(
        "{:<28} batch {:>10.0} rows/s vs single {:>10.0} rows/s: {:.1}x",
        "batch vs single (dao)",
        per_sec(BATCH, dao_batch),
        single_rate,
        per_sec(BATCH, dao_batch) / single_rate
    );

    // Finds by primary key.
    let t = Instant::now();
    for i in 0..FINDS {
        OrganizationsDao::find_by_id(&mut conn, ids[i % ids.len()])
            .await
            .unwrap()
            .unwrap();
    }
    let dao_f = t.elapsed();
    let t = Instant::now();
    for i in 0..FINDS {
        let r: Option<Row> = sqlx::query_as(FIND)
            .bind(ids[i % ids.len()])
            .fetch_optional(&mut conn)
            .await
            .unwrap();
        r.unwrap();
    }
    line("find_by_id", FINDS, dao_f, t.elapsed());

    // No-op updates (same form: hash_code makes them write nothing).
    let rows: Vec<_> = {
        let mut v = Vec::new();
        for id in ids.iter().take(100) {
            v.push(
                OrganizationsDao::find_by_id(&mut conn, *id)
                    .await
                    .unwrap()
                    .unwrap(),
            );
        }
        v
    };
    let t = Instant::now();
    for i in 0..UPDATES {
        let r = &rows[i % rows.len()];
        let o = OrganizationsDao::update_by_id(&mut conn, user, r.id, &r.form())
            .await
            .unwrap();
        assert_eq!(o, charter_runtime::dao::UpdateOutcome::Unchanged);
    }
    let dao_u = t.elapsed();
    let t = Instant::now();
    for i in 0..UPDATES {
        let r = &rows[i % rows.len()];
        let f = r.form();
        let done = sqlx::query(UPDATE)
            .bind(r.id)
            .bind(&f.key)
            .bind(&f.name)
            .bind(user)
            .bind(f.hash_code())
            .execute(&mut conn)
            .await
            .unwrap();
        if done.rows_affected() == 0 {
            assert!(sqlx::query(EXISTS)
                .bind(r.id)
                .fetch_optional(&mut conn)
                .await
                .unwrap()
                .is_some());
        }
    }
    line("update_by_id (no-op)", UPDATES, dao_u, t.elapsed());
    drop(conn);
    db.drop_db().await;

    // Generation time for the largest metadata spec.
    let largest = workspace().join(
        "../shared/corpus/api-json/apicollective__apibuilder__dao__spec__psql-apibuilder.json",
    );
    let text = std::fs::read_to_string(&largest).unwrap();
    let checked =
        charter::check_sources(vec![(largest.clone(), text)], &charter::Options::default());
    let runs = 20;
    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..runs {
        let (plan, _) = charter::dao::plan_checked(&checked);
        let sid = plan.services()[0];
        let tables: Vec<_> = plan.for_service(sid).collect();
        bytes += charter::dao::sql::schema(&tables, "bench").len();
        bytes += charter::dao::rust::file(&checked.repo, &tables, "bench").len();
    }
    let per = t.elapsed() / runs;
    println!(
        "generation (psql-apibuilder.json, {} tables): {:.1} ms per run (plan + schema + DAO, {} bytes)",
        charter::dao::plan_checked(&checked).0.tables.len(),
        per.as_secs_f64() * 1000.0,
        bytes / runs as usize
    );
}
