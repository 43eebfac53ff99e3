//! The generated DAO vs hand-written sqlx doing the same statements, side by side in one run,
//! against the PostgreSQL at CHARTER_TEST_DATABASE_URL (loopback): inserts/s (single and batch),
//! finds/s, no-op updates/s; and the generation time (plan + migration + DAO code) of the largest
//! metadata spec of Flow's corpus. `cargo bench -p charter-dao-tests` (`--features mimalloc` for
//! the `charter` command's allocator).
//!
//! Each figure is the median of ROUNDS rounds that alternate which side goes first (the machine
//! is shared, so single passes are noisy); generation is split into plan, schema and DAO code.
//! Bounded: a fixed number of operations per measurement, one fresh database, dropped at the end.

// `--features mimalloc`: the allocator of the `charter` command, for the generation figure of
// what `charter generate postgres` runs (both DAO and hand-written sides get the same one).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use charter_dao_tests::db::organizations::{OrganizationForm, OrganizationsDao};
use charter_dao_tests::{db_with_schema, workspace};
use charter_runtime::dao::sqlx::{self, PgConnection};
use charter_runtime::dao::uuid::Uuid;
use std::time::{Duration, Instant};

const ROUNDS: usize = 10;
const SINGLE: usize = 4_000;
const BATCH: usize = 10_000;
const FINDS: usize = 10_000;
const UPDATES: usize = 10_000;

// The statements the generated DAO runs (checked against the golden `src/db.rs` below, so the
// hand-written side never drifts from what Charter emits).
const INSERT: &str = "insert into \"public\".\"organizations\" (\"id\", \"key\", \"name\", \"hash_code\", \"created_at\", \"created_by\", \"updated_at\", \"updated_by\") values ($1, $2, $3, $4, now(), $5, now(), $5)";
const INSERT_BATCH: &str = "insert into \"public\".\"organizations\" (\"id\", \"key\", \"name\", \"hash_code\", \"created_at\", \"created_by\", \"updated_at\", \"updated_by\") select u0, u1, u2, u3, now(), $5, now(), $5 from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) with ordinality as u(u0, u1, u2, u3, ord) order by ord";
const FIND: &str = "select \"id\", \"key\", \"name\", \"created_at\", \"created_by\", \"updated_at\", \"updated_by\", \"deleted_at\", \"deleted_by\", \"hash_code\" from \"public\".\"organizations\" where \"id\" = $1 and \"deleted_at\" is null";
// One statement: the update (skipping an unchanged row) beside whether the live row exists.
const UPDATE: &str = "with found as (select 1 from \"public\".\"organizations\" where \"id\" = $1 and \"deleted_at\" is null), written as (update \"public\".\"organizations\" set \"key\" = $2, \"name\" = $3, \"hash_code\" = $4, \"updated_at\" = now(), \"updated_by\" = $5 where \"id\" = $1 and \"deleted_at\" is null and \"hash_code\" is distinct from $4 returning 1) select (select count(*) from written), (select count(*) from found)";

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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median rates over the rounds, side by side, and the median of the per-round ratios (each
/// round runs both sides back to back, so its ratio sees the same machine load).
fn line(what: &str, dao: &[f64], hand: &[f64]) {
    let (a, b) = (median(dao.to_vec()), median(hand.to_vec()));
    let ratios: Vec<f64> = dao.iter().zip(hand).map(|(d, h)| d / h).collect();
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    println!(
        "{what:<28} dao {a:>10.0}/s   hand-written sqlx {b:>10.0}/s   dao/hand: median of rounds {:>6.1}% (range {:.1}–{:.1}%)",
        100.0 * median(ratios.clone()),
        100.0 * lo,
        100.0 * hi
    );
}

async fn hand_insert(conn: &mut PgConnection, user: Uuid, f: &OrganizationForm) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(INSERT)
        .bind(id)
        .bind(&f.key)
        .bind(&f.name)
        .bind(f.hash_code())
        .bind(user)
        .execute(&mut *conn)
        .await
        .unwrap();
    id
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let golden = include_str!("../src/db.rs");
    for sql in [INSERT, INSERT_BATCH, FIND, UPDATE] {
        assert!(
            golden.contains(&format!("{sql:?}")),
            "the hand-written statement is not the generated one: {sql}"
        );
    }
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    let user = Uuid::from_u128(1);
    let (db, mut conn) = db_with_schema().await;
    println!(
        "charter DAO bench ({SINGLE} single inserts, {ROUNDS}x{BATCH} batch rows, {FINDS} finds, {UPDATES} no-op updates per side; median of {ROUNDS} interleaved rounds)"
    );

    // Single inserts: rounds alternate which side goes first, so neither gets a warmer cache.
    let (mut dao_r, mut hand_r) = (Vec::new(), Vec::new());
    let mut ids = Vec::new();
    for round in 0..ROUNDS {
        let n = SINGLE / ROUNDS;
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            for i in 0..n {
                if side == 0 {
                    let f = form(&format!("d{round}"), i);
                    ids.push(OrganizationsDao::insert(&mut conn, user, &f).await.unwrap());
                } else {
                    hand_insert(&mut conn, user, &form(&format!("h{round}"), i)).await;
                }
            }
            let rate = per_sec(n, t.elapsed());
            if side == 0 {
                dao_r.push(rate)
            } else {
                hand_r.push(rate)
            }
        }
    }
    line("insert (single)", &dao_r, &hand_r);
    let single_dao = median(dao_r);

    // Batches of BATCH rows, one statement each.
    let (mut dao_r, mut hand_r) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let forms: Vec<_> = (0..BATCH).map(|i| form(&format!("bd{round}"), i)).collect();
        let forms_h: Vec<_> = (0..BATCH).map(|i| form(&format!("bh{round}"), i)).collect();
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            if side == 0 {
                OrganizationsDao::insert_batch(&mut conn, user, &forms)
                    .await
                    .unwrap();
                dao_r.push(per_sec(BATCH, t.elapsed()));
            } else {
                let ids: Vec<Uuid> = forms_h.iter().map(|_| Uuid::new_v4()).collect();
                let keys: Vec<String> = forms_h.iter().map(|f| f.key.clone()).collect();
                let names: Vec<String> = forms_h.iter().map(|f| f.name.clone()).collect();
                let hashes: Vec<i64> = forms_h.iter().map(|f| f.hash_code()).collect();
                sqlx::query(INSERT_BATCH)
                    .bind(ids)
                    .bind(keys)
                    .bind(names)
                    .bind(hashes)
                    .bind(user)
                    .execute(&mut conn)
                    .await
                    .unwrap();
                hand_r.push(per_sec(BATCH, t.elapsed()));
            }
        }
    }
    line("insert_batch (10,000 rows)", &dao_r, &hand_r);
    let batch_dao = median(dao_r);
    println!(
        "{:<28} batch {batch_dao:>10.0} rows/s vs single {single_dao:>10.0} rows/s: {:.1}x (target >= 10x)",
        "batch vs single (dao)",
        batch_dao / single_dao
    );

    // Finds by primary key.
    let (mut dao_r, mut hand_r) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let n = FINDS / ROUNDS;
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            for i in 0..n {
                let id = ids[(round * n + i) % ids.len()];
                if side == 0 {
                    OrganizationsDao::find_by_id(&mut conn, id)
                        .await
                        .unwrap()
                        .unwrap();
                } else {
                    let r: Option<Row> = sqlx::query_as(FIND)
                        .bind(id)
                        .fetch_optional(&mut conn)
                        .await
                        .unwrap();
                    r.unwrap();
                }
            }
            let rate = per_sec(n, t.elapsed());
            if side == 0 {
                dao_r.push(rate)
            } else {
                hand_r.push(rate)
            }
        }
    }
    line("find_by_id", &dao_r, &hand_r);

    // No-op updates (same form: hash_code makes them write nothing).
    let mut rows = Vec::new();
    for id in ids.iter().take(100) {
        rows.push(
            OrganizationsDao::find_by_id(&mut conn, *id)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let (mut dao_r, mut hand_r) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let n = UPDATES / ROUNDS;
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            for i in 0..n {
                let r = &rows[i % rows.len()];
                if side == 0 {
                    let o = OrganizationsDao::update_by_id(&mut conn, user, r.id, &r.form())
                        .await
                        .unwrap();
                    assert_eq!(o, charter_runtime::dao::UpdateOutcome::Unchanged);
                } else {
                    let f = r.form();
                    let (written, found): (i64, i64) = sqlx::query_as(UPDATE)
                        .bind(r.id)
                        .bind(&f.key)
                        .bind(&f.name)
                        .bind(f.hash_code())
                        .bind(user)
                        .fetch_one(&mut conn)
                        .await
                        .unwrap();
                    assert!(written == 0 && found == 1);
                }
            }
            let rate = per_sec(n, t.elapsed());
            if side == 0 {
                dao_r.push(rate)
            } else {
                hand_r.push(rate)
            }
        }
    }
    line("update_by_id (no-op)", &dao_r, &hand_r);
    drop(conn);
    db.drop_db().await;
    println!("load average after the database figures: {}", load().trim());

    // Generation time for the largest metadata spec.
    let largest = workspace().join(
        "../shared/corpus/api-json/apicollective__apibuilder__dao__spec__psql-apibuilder.json",
    );
    let text = std::fs::read_to_string(&largest).unwrap();
    let checked =
        charter::check_sources(vec![(largest.clone(), text)], &charter::Options::default());
    let runs = 20;
    let (mut plan_t, mut sql_t, mut dao_t) = (Vec::new(), Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let (plan, _) = charter::dao::plan_checked(&checked);
        plan_t.push(t.elapsed().as_secs_f64() * 1000.0);
        let sid = plan.services()[0];
        let tables: Vec<_> = plan.for_service(sid).collect();
        let t = Instant::now();
        let sql = charter::dao::sql::schema(&tables, "bench");
        sql_t.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let rust = charter::dao::rust::file(&checked.repo, &tables, "bench");
        dao_t.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes = sql.len() + rust.len();
    }
    let (p, q, d) = (median(plan_t), median(sql_t), median(dao_t));
    println!(
        "generation (psql-apibuilder.json, {} tables, {bytes} bytes): {:.1} ms per run (plan {p:.1} + schema {q:.1} + DAO code {d:.1}; target < 50 ms), median of {runs}",
        charter::dao::plan_checked(&checked).0.tables.len(),
        p + q + d,
    );
}
