//! The generated DAO vs hand-written sqlx doing the same statements, side by side in one run,
//! against the PostgreSQL at CHARTER_TEST_DATABASE_URL (loopback): inserts/s (single and batch),
//! finds/s, no-op updates/s; and the generation time (plan + migration + DAO code) of the largest
//! metadata spec of Flow's corpus. `cargo bench -p charter-dao-tests --bench dao` (`--features
//! mimalloc` for the `charter` command's allocator).
//!
//! Each figure is the median of `BENCH_ROUNDS` rounds (default 10). In the single-statement
//! figures (insert, find, update) the two sides alternate *operation by operation* (which one goes
//! first alternates too) and each operation is timed alone, so a change of machine load hits both
//! sides alike; a round's rate is its operations over the summed time of one side. Below it, the
//! typical operation's rate (one over the round's median operation time: an operation preempted
//! for a few ms on a shared machine moves the sum, not the median) and the client's CPU time per
//! operation (this thread's, system calls included), which the load hardly moves: the database
//! does the same work for both sides (one statement text, one prepared statement, checked at the
//! end), so the client is where they can differ. Batches run one statement per
//! side per round. `BENCH_ONLY=update,find` runs the named sections only (insert, batch, find,
//! update, generation); `BENCH_OPS=N` sets the operations per side of the single-statement
//! sections (default 10,000; inserts: 4,000).
//!
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

const BATCH: usize = 10_000;

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

/// This thread's CPU time (user and system).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

const DAO: usize = 0;
const HAND: usize = 1;

/// One round: each operation's wall time and the summed CPU time, per side.
#[derive(Default)]
struct Round {
    wall: [Vec<Duration>; 2],
    cpu: [Duration; 2],
}

/// What the rounds of one figure measured, per side: operations/s over the round's summed time,
/// the typical operation's rate (1 / the round's median operation time: a process preempted in
/// the middle of one operation, a few ms on a shared machine, moves the sum but not the median)
/// and the client's CPU per operation.
#[derive(Default)]
struct Figure {
    rate: [Vec<f64>; 2],
    typical: [Vec<f64>; 2],
    cpu_us: [Vec<f64>; 2],
}

impl Figure {
    fn push(&mut self, r: &Round) {
        for side in [DAO, HAND] {
            let n = r.wall[side].len();
            self.rate[side].push(per_sec(n, r.wall[side].iter().sum()));
            let mut w = r.wall[side].clone();
            w.sort();
            self.typical[side].push(per_sec(1, w[n / 2]));
            self.cpu_us[side].push(r.cpu[side].as_secs_f64() * 1e6 / n as f64);
        }
    }
}

/// Times one operation of `side` (wall and this thread's CPU) into `r`.
async fn timed<F: std::future::Future<Output = ()>>(r: &mut Round, side: usize, op: F) {
    let (c, t) = (thread_cpu(), Instant::now());
    op.await;
    r.wall[side].push(t.elapsed());
    r.cpu[side] += thread_cpu() - c;
}

/// The order of the two sides for operation `i` of round `round`: alternating, so neither side
/// always follows the other.
fn order(round: usize, i: usize) -> [usize; 2] {
    if (round + i).is_multiple_of(2) {
        [DAO, HAND]
    } else {
        [HAND, DAO]
    }
}

/// The medians over the rounds of what the two sides measured and of the per-round ratios (each
/// round runs both sides interleaved, so its ratio sees the same machine load), with the range
/// of the per-round ratios.
fn ratio_line(what: &str, unit: &str, dao: &[f64], hand: &[f64]) {
    let (a, b) = (median(dao.to_vec()), median(hand.to_vec()));
    let ratios: Vec<f64> = dao.iter().zip(hand).map(|(d, h)| d / h).collect();
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    println!(
        "{what:<28} dao {a:>10.0}{unit}   hand-written sqlx {b:>10.0}{unit}   dao/hand: median of rounds {:>6.1}% (range {:.1}–{:.1}%)",
        100.0 * median(ratios.clone()),
        100.0 * lo,
        100.0 * hi
    );
}

/// A figure's lines: operations/s (summed time), the typical operation's rate, client CPU.
fn line(what: &str, f: &Figure) {
    ratio_line(what, "/s", &f.rate[DAO], &f.rate[HAND]);
    if f.rate[DAO].len() == f.typical[DAO].len() && f.rate[DAO].len() > 1 {
        ratio_line(
            "  typical operation",
            "/s",
            &f.typical[DAO],
            &f.typical[HAND],
        );
    }
    if !f.cpu_us[DAO].is_empty() {
        let (c, d) = (
            median(f.cpu_us[DAO].clone()),
            median(f.cpu_us[HAND].clone()),
        );
        println!(
            "{:<28} client CPU per operation: dao {c:.2} µs, hand-written {d:.2} µs ({:+.2} µs)",
            "",
            c - d
        );
    }
}

async fn hand_insert(conn: &mut PgConnection, user: Uuid, id: Uuid, f: &OrganizationForm) {
    sqlx::query(INSERT)
        .bind(id)
        .bind(&f.key)
        .bind(&f.name)
        .bind(f.hash_code())
        .bind(user)
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// The sections `BENCH_ONLY` selects (all when unset).
fn selected(section: &str) -> bool {
    match std::env::var("BENCH_ONLY") {
        Ok(only) => only.split(',').any(|s| s.trim() == section),
        Err(_) => true,
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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
    let rounds = env_usize("BENCH_ROUNDS", 10).max(1);
    let ops = env_usize("BENCH_OPS", 10_000).max(rounds);
    let singles = env_usize("BENCH_OPS", 4_000).max(rounds);
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    let user = Uuid::from_u128(1);
    let (db, mut conn) = db_with_schema().await;
    println!(
        "charter DAO bench ({singles} single inserts, {rounds}x{BATCH} batch rows, {ops} finds, {ops} no-op updates per side; median of {rounds} rounds, single statements interleaved operation by operation)"
    );

    // Single inserts.
    let mut single_dao = None;
    if selected("insert") {
        let mut fig = Figure::default();
        let n = singles / rounds;
        for round in 0..rounds {
            let mut r = Round::default();
            for i in 0..n {
                let forms = [form(&format!("d{round}"), i), form(&format!("h{round}"), i)];
                for side in order(round, i) {
                    let f = &forms[side];
                    timed(&mut r, side, async {
                        if side == DAO {
                            OrganizationsDao::insert(&mut conn, user, f).await.unwrap();
                        } else {
                            hand_insert(&mut conn, user, Uuid::new_v4(), f).await;
                        }
                    })
                    .await;
                }
            }
            fig.push(&r);
        }
        line("insert (single)", &fig);
        single_dao = Some(median(fig.rate[DAO].clone()));
    }

    // Batches of BATCH rows, one statement each.
    if selected("batch") {
        let mut fig = Figure::default();
        for round in 0..rounds {
            let forms: Vec<_> = (0..BATCH).map(|i| form(&format!("bd{round}"), i)).collect();
            let forms_h: Vec<_> = (0..BATCH).map(|i| form(&format!("bh{round}"), i)).collect();
            let mut r = Round::default();
            for side in order(round, 0) {
                timed(&mut r, side, async {
                    if side == DAO {
                        OrganizationsDao::insert_batch(&mut conn, user, &forms)
                            .await
                            .unwrap();
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
                    }
                })
                .await;
            }
            fig.push(&r);
        }
        // One statement per side and round: its rows/s.
        let rows: [Vec<f64>; 2] = fig
            .rate
            .map(|r| r.iter().map(|x| x * BATCH as f64).collect());
        ratio_line(
            "insert_batch (10,000 rows)",
            " rows/s",
            &rows[DAO],
            &rows[HAND],
        );
        let batch_dao = median(rows[DAO].clone());
        if let Some(single_dao) = single_dao {
            println!(
                "{:<28} batch {batch_dao:>10.0} rows/s vs single {single_dao:>10.0} rows/s: {:.1}x (target >= 10x)",
                "batch vs single (dao)",
                batch_dao / single_dao
            );
        }
    }

    // Rows for the finds and updates (a batch of their own, not measured).
    let forms: Vec<_> = (0..1_000).map(|i| form("rows", i)).collect();
    let ids = OrganizationsDao::insert_batch(&mut conn, user, &forms)
        .await
        .unwrap();

    // Finds by primary key.
    if selected("find") {
        let mut fig = Figure::default();
        let n = ops / rounds;
        for round in 0..rounds {
            let mut r = Round::default();
            for i in 0..n {
                let id = ids[(round * n + i) % ids.len()];
                for side in order(round, i) {
                    timed(&mut r, side, async {
                        if side == DAO {
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
                    })
                    .await;
                }
            }
            fig.push(&r);
        }
        line("find_by_id", &fig);
    }

    // No-op updates (same form: hash_code makes them write nothing).
    if selected("update") {
        let mut rows = Vec::new();
        for id in ids.iter().take(100) {
            let row = OrganizationsDao::find_by_id(&mut conn, *id)
                .await
                .unwrap()
                .unwrap();
            rows.push((row.id, row.form()));
        }
        let mut fig = Figure::default();
        let n = ops / rounds;
        for round in 0..rounds {
            let mut r = Round::default();
            for i in 0..n {
                let (id, f) = &rows[i % rows.len()];
                for side in order(round, i) {
                    timed(&mut r, side, async {
                        if side == DAO {
                            let o = OrganizationsDao::update_by_id(&mut conn, user, *id, f)
                                .await
                                .unwrap();
                            assert_eq!(o, charter_runtime::dao::UpdateOutcome::Unchanged);
                        } else {
                            let (written, found): (i64, i64) = sqlx::query_as(UPDATE)
                                .bind(id)
                                .bind(&f.key)
                                .bind(&f.name)
                                .bind(f.hash_code())
                                .bind(user)
                                .fetch_one(&mut conn)
                                .await
                                .unwrap();
                            assert!(written == 0 && found == 1);
                        }
                    })
                    .await;
                }
            }
            fig.push(&r);
        }
        line("update_by_id (no-op)", &fig);
    }

    // Both sides ran one prepared statement per statement text (sqlx caches them per connection
    // by their text): the database did the same work for either.
    let ran = [
        (INSERT, selected("insert")),
        (INSERT_BATCH, true),
        (FIND, selected("find") || selected("update")),
        (UPDATE, selected("update")),
    ];
    for (sql, ran) in ran {
        let prepared: i64 =
            sqlx::query_scalar("select count(*) from pg_prepared_statements where statement = $1")
                .bind(sql)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(prepared, i64::from(ran), "prepared statements for {sql}");
    }
    drop(conn);
    db.drop_db().await;
    println!("load average after the database figures: {}", load().trim());

    // Generation time for the largest metadata spec.
    if !selected("generation") {
        return;
    }
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
