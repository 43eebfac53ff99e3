//! `cargo bench -p user-service --bench load`: requests/s, p50/p99 latency and the server's CPU
//! time per request of the example service over 127.0.0.1 at 32 concurrent keep-alive
//! connections, for `GET /users?limit=5` and a validated `POST /users`, side by side in one run:
//!
//! - **hardened**: the generated server as the example binary serves it (`builder(..).serve`:
//!   limits, timeouts, request ids, tracing spans, load shedding, connection cap);
//! - **bare**: the generated routes alone (`routes(..)`) under `axum::serve`;
//! - **axum**: a hand-written axum service doing the same work (query parsing and bounds, enum
//!   and length checks on the body, the same store and JSON).
//!
//! Bounded and loopback only: `BENCH_SECONDS` (default 3) per server and request, split into
//! `BENCH_ROUNDS` (default 3) rounds that visit the servers in turn, each round starting with the
//! next server (each slice after a 0.2 s warm-up), so a change in the machine's load during the
//! run hits every server alike. `BENCH_ONLY=<part of a server's name>` measures one server and
//! `BENCH_REQUEST=GET` or `POST` one request (for `perf record`).
//!
//! The servers run on their own runtime (`BENCH_SERVER_THREADS` workers, default 2) and the load
//! generator on another (`BENCH_CLIENT_THREADS`, default 2), and the bench reads each thread's
//! CPU clock (`pthread_getcpuclockid`): **server CPU/request** is the CPU time of the server's
//! threads alone per response, the figure that decides. On a machine shared with other work
//! req/s follows the CPU share the process happens to get (±10% between runs of the same
//! binary), while the CPU a server spends per request depends less on it. Its user-space part
//! (from `/proc/self/task/*/stat`, in 10 ms ticks) leaves out the kernel's share, which is the
//! same work for every server (the same system calls per request) but includes loopback network
//! processing charged to whichever thread happens to run. The second table gives, per request,
//! each server's ratio to the others computed round by round (both measured within seconds of
//! each other): the median over the rounds and their range, and the ratio of each server's best
//! round (the least disturbed slice). `bench/README.md` has the figures.
//!
//! On a loaded machine (per-round ranges of ±40% are common there), count instructions instead:
//! `BENCH_SECONDS=1 BENCH_ROUNDS=1 BENCH_ONLY=<server> BENCH_REQUEST=GET valgrind
//! --tool=callgrind --separate-threads=yes <bench binary>`, then sum the server threads' costs
//! and divide by the calls of hyper's `role::Server` `encode` (one per response): deterministic
//! to about 1%, blind to cache misses and contention, and the way the 2026-12-02 pass found
//! what the hardening still cost per request.

use charter_runtime::WireEnum;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::future::pending;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use user_service::io_charter_user_v0 as user;

const CONNECTIONS: usize = 32;

const FORM: &str = r#"{"email":"ada@example.com","name":{"first":"Ada","last":"Lovelace"},"status":"active","address":{"streets":["1 Main St"],"city":"London","country":"GBR"}}"#;

async fn seeded() -> user_service::Users {
    use user::server::Users as _;
    let users = user_service::Users::default();
    for i in 0..100 {
        let mut form: user::models::UserForm = serde_json::from_str(FORM).unwrap();
        form.email = format!("user{i}@example.com");
        users
            .post(
                user::server::UsersPostRequest::new(form),
                Default::default(),
            )
            .await;
    }
    users
}

async fn listener() -> (tokio::net::TcpListener, SocketAddr) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    (l, a)
}

/// The hand-written baseline: the same checks the generated server makes, written for axum.
mod baseline {
    use super::*;
    use axum::extract::{Query, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::Json;
    use user::server::Users as _;

    #[derive(serde::Deserialize)]
    pub struct Params {
        email: Option<String>,
        status: Option<String>,
        limit: Option<i64>,
        offset: Option<i64>,
    }

    fn reject(status: StatusCode, field: &str) -> Response {
        (
            status,
            Json(
                serde_json::json!({"code": "invalid_value", "field": field, "message": "invalid"}),
            ),
        )
            .into_response()
    }

    async fn list(State(users): State<user_service::Users>, Query(p): Query<Params>) -> Response {
        let limit = p.limit.unwrap_or(25);
        if !(1..=100).contains(&limit) {
            return reject(StatusCode::UNPROCESSABLE_ENTITY, "limit");
        }
        let offset = p.offset.unwrap_or(0);
        if offset < 0 {
            return reject(StatusCode::UNPROCESSABLE_ENTITY, "offset");
        }
        let status = match p.status.map(|s| user::models::UserStatus::from_wire(&s)) {
            Some(s) if !s.is_known() => return reject(StatusCode::UNPROCESSABLE_ENTITY, "status"),
            s => s,
        };
        let mut request = user::server::UsersGetRequest::new();
        request.email = p.email;
        request.status = status;
        request.limit = limit;
        request.offset = offset;
        match users.get(request, Default::default()).await {
            user::server::UsersGetResponse::Status200(list) => Json(list).into_response(),
            // The response enums are `#[non_exhaustive]`: a status the spec adds later.
            other => other.into_response(),
        }
    }

    async fn create(
        State(users): State<user_service::Users>,
        Json(form): Json<user::models::UserForm>,
    ) -> Response {
        if form.status.as_ref().is_some_and(|s| !s.is_known()) {
            return reject(StatusCode::UNPROCESSABLE_ENTITY, "status");
        }
        if form
            .address
            .as_ref()
            .is_some_and(|a| a.country.chars().count() != 3)
        {
            return reject(StatusCode::UNPROCESSABLE_ENTITY, "address.country");
        }
        match users
            .post(
                user::server::UsersPostRequest::new(form),
                Default::default(),
            )
            .await
        {
            user::server::UsersPostResponse::Status201(u) => {
                (StatusCode::CREATED, Json(u)).into_response()
            }
            user::server::UsersPostResponse::Status422(e) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response()
            }
            other => other.into_response(),
        }
    }

    pub fn router(users: user_service::Users) -> axum::Router {
        axum::Router::new()
            .route("/users", axum::routing::get(list).post(create))
            .with_state(users)
    }
}

/// One measurement: every response's latency, the non-2xx count, and the CPU time the server's
/// and the load generator's threads used meanwhile.
#[derive(Clone, Default)]
struct Slice {
    latencies: Vec<Duration>,
    errors: usize,
    server_cpu: Duration,
    /// The server threads' user-space CPU time alone (in clock ticks, 10 ms).
    server_user: Duration,
    client_cpu: Duration,
}

impl Slice {
    fn per_request(cpu: Duration, n: usize) -> f64 {
        cpu.as_secs_f64() * 1e6 / n.max(1) as f64
    }
    fn server_us(&self) -> f64 {
        Self::per_request(self.server_cpu, self.latencies.len())
    }
    fn server_user_us(&self) -> f64 {
        Self::per_request(self.server_user, self.latencies.len())
    }
}

/// The CPU clocks of a runtime's threads (workers and any blocking threads), registered by each
/// thread as it starts.
#[derive(Clone, Default)]
struct Threads(Arc<Mutex<Vec<(libc::clockid_t, libc::pid_t)>>>);

extern "C" {
    // glibc and musl have it; the `libc` crate does not declare it for Linux.
    fn pthread_getcpuclockid(thread: libc::pthread_t, clock: *mut libc::clockid_t) -> libc::c_int;
}

impl Threads {
    /// Registers the calling thread.
    fn register(&self) {
        let mut clock: libc::clockid_t = 0;
        // SAFETY: `pthread_self` is the calling thread; the call only writes `clock`.
        if unsafe { pthread_getcpuclockid(libc::pthread_self(), &mut clock) } == 0 {
            // SAFETY: gettid has no preconditions.
            let tid = unsafe { libc::gettid() };
            self.0.lock().unwrap().push((clock, tid));
        }
    }
    /// CPU time of the registered threads so far (a thread that has exited counts nothing).
    fn cpu(&self) -> Duration {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|&(c, _)| clock_time(c))
            .sum()
    }
    /// User-space CPU time of the registered threads so far (`/proc/self/task/*/stat`, in clock
    /// ticks): without the kernel's share, which on loopback includes network work the kernel
    /// charges to whichever thread happens to run (or to `ksoftirqd`, outside the process), the
    /// same for every server and the noisiest part under load.
    fn user(&self) -> Duration {
        // SAFETY: sysconf has no preconditions.
        let tick = 1.0 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        let ticks: u64 = self
            .0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|&(_, tid)| {
                let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
                // After the `(comm)` field: state is the first, utime the twelfth.
                let rest = &stat[stat.rfind(')')? + 1..];
                rest.split_whitespace().nth(11)?.parse::<u64>().ok()
            })
            .sum();
        Duration::from_secs_f64(ticks as f64 * tick)
    }
}

fn clock_time(clock: libc::clockid_t) -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes `t`.
    if unsafe { libc::clock_gettime(clock, &mut t) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn runtime(name: &str, workers: usize, threads: &Threads) -> tokio::runtime::Runtime {
    let threads = threads.clone();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name(name)
        .on_thread_start(move || threads.register())
        .enable_all()
        .build()
        .unwrap()
}

/// 32 connections sending `req` back to back for `secs`; each response is read to its end.
async fn load(
    addr: SocketAddr,
    method: &'static str,
    path: &'static str,
    body: &'static str,
    secs: f64,
    server: &Threads,
    client: &Threads,
) -> Slice {
    let run = |dur: Duration| async move {
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            tasks.push(tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let (mut send, conn) =
                    hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                        .await
                        .unwrap();
                tokio::spawn(conn);
                let mut lat = Vec::with_capacity(1 << 14);
                let mut errors = 0;
                let end = Instant::now() + dur;
                while Instant::now() < end {
                    let mut b = hyper::Request::builder()
                        .method(method)
                        .uri(path)
                        .header("host", "127.0.0.1");
                    if !body.is_empty() {
                        b = b.header("content-type", "application/json");
                    }
                    let req = b
                        .body(Full::new(Bytes::from_static(body.as_bytes())))
                        .unwrap();
                    let start = Instant::now();
                    if send.ready().await.is_err() {
                        break;
                    }
                    match send.send_request(req).await {
                        Ok(r) => {
                            let ok = r.status().is_success();
                            let _ = r.into_body().collect().await;
                            lat.push(start.elapsed());
                            if !ok {
                                errors += 1;
                            }
                        }
                        Err(_) => {
                            errors += 1;
                            break;
                        }
                    }
                }
                (lat, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.unwrap();
            all.extend(l);
            errors += e;
        }
        (all, errors)
    };
    run(Duration::from_millis(200)).await;
    let (s0, u0, c0) = (server.cpu(), server.user(), client.cpu());
    let (latencies, errors) = run(Duration::from_secs_f64(secs)).await;
    Slice {
        latencies,
        errors,
        server_cpu: server.cpu() - s0,
        server_user: server.user() - u0,
        client_cpu: client.cpu() - c0,
    }
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The median and range of `xs`.
fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    };
    (median, xs[0], xs[n - 1])
}

fn main() {
    let secs: f64 = env("BENCH_SECONDS", 3.0);
    let rounds: usize = env("BENCH_ROUNDS", 3usize).max(1);
    let (server_threads, client_threads) = (Threads::default(), Threads::default());
    // The main thread waits for the load generator's tasks: its CPU is the generator's.
    client_threads.register();
    let srv = runtime(
        "server",
        env("BENCH_SERVER_THREADS", 2usize).max(1),
        &server_threads,
    );
    let cli = runtime(
        "load",
        env("BENCH_CLIENT_THREADS", 2usize).max(1),
        &client_threads,
    );
    let mut servers: Vec<(&str, SocketAddr)> = srv.block_on(async {
        let mut servers = Vec::new();
        let (l, hardened) = listener().await;
        tokio::spawn(user::server::builder(seeded().await).serve_with_shutdown(l, pending()));
        servers.push(("generated, hardened", hardened));
        let (l, bare) = listener().await;
        let routes = user::server::routes(seeded().await);
        tokio::spawn(async move { axum::serve(l, routes).await });
        servers.push(("generated, bare routes", bare));
        let (l, hand) = listener().await;
        let router = baseline::router(seeded().await);
        tokio::spawn(async move { axum::serve(l, router).await });
        servers.push(("hand-written axum", hand));
        servers
    });
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        servers.retain(|(name, _)| name.contains(only.as_str()));
    }
    println!(
        "{CONNECTIONS} connections, {secs} s per server and request in {rounds} interleaved \
         rounds, loopback; server and load generator on their own runtimes; one run, side by side\n"
    );
    println!(
        "| server | request | req/s | p50 | p99 | server CPU/request, median of rounds (best) | \
         server user CPU/request | load generator CPU/request | non-2xx |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut ratios = Vec::new();
    for (name, method, path, body) in [
        ("GET /users?limit=5", "GET", "/users?limit=5", ""),
        ("POST /users (validated)", "POST", "/users", FORM),
    ]
    .into_iter()
    .filter(|(name, ..)| {
        std::env::var("BENCH_REQUEST").map_or(true, |only| name.contains(only.as_str()))
    }) {
        // rounds[r][i]: server i in round r.
        let mut by_round: Vec<Vec<Slice>> = Vec::new();
        cli.block_on(async {
            for r in 0..rounds {
                let mut round = vec![Slice::default(); servers.len()];
                // Each round starts with the next server, so none is always first or last.
                for k in 0..servers.len() {
                    let i = (r + k) % servers.len();
                    let (server, client) = (&server_threads, &client_threads);
                    let slice = load(
                        servers[i].1,
                        method,
                        path,
                        body,
                        secs / rounds as f64,
                        server,
                        client,
                    );
                    round[i] = slice.await;
                }
                by_round.push(round);
            }
        });
        for (i, (server, _)) in servers.iter().enumerate() {
            let mut lat: Vec<Duration> = by_round
                .iter()
                .flat_map(|r| r[i].latencies.iter().copied())
                .collect();
            lat.sort();
            let n = lat.len();
            let at = |q: f64| lat[((n as f64 * q) as usize).min(n - 1)];
            let errors: usize = by_round.iter().map(|r| r[i].errors).sum();
            let client: Duration = by_round.iter().map(|r| r[i].client_cpu).sum();
            let user: Duration = by_round.iter().map(|r| r[i].server_user).sum();
            let (server_us, best, _) = spread(by_round.iter().map(|r| r[i].server_us()).collect());
            println!(
                "| {server} | {name} | {:.0} | {:.2} ms | {:.2} ms | {server_us:.1} µs ({best:.1}) \
                 | {:.1} µs | {:.1} µs | {errors} |",
                n as f64 / secs,
                at(0.50).as_secs_f64() * 1e3,
                at(0.99).as_secs_f64() * 1e3,
                Slice::per_request(user, n),
                Slice::per_request(client, n),
            );
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            if b >= servers.len() {
                continue;
            }
            let cpu = spread(
                by_round
                    .iter()
                    .map(|r| r[a].server_us() / r[b].server_us() - 1.0)
                    .collect(),
            );
            let rate = spread(
                by_round
                    .iter()
                    .map(|r| r[a].latencies.len() as f64 / r[b].latencies.len() as f64 - 1.0)
                    .collect(),
            );
            let best = |i: usize| {
                by_round
                    .iter()
                    .map(|r| r[i].server_us())
                    .fold(f64::INFINITY, f64::min)
            };
            let best = best(a) / best(b) - 1.0;
            let user = spread(
                by_round
                    .iter()
                    .map(|r| r[a].server_user_us() / r[b].server_user_us() - 1.0)
                    .collect(),
            );
            ratios.push((name, servers[a].0, servers[b].0, cpu, best, user, rate));
        }
    }
    let pct = |(m, lo, hi): (f64, f64, f64)| {
        format!(
            "{:+.1}% ({:+.1}% … {:+.1}%)",
            m * 100.0,
            lo * 100.0,
            hi * 100.0
        )
    };
    println!(
        "\nPer-round ratios, median (range over {rounds} rounds):\n\n\
         | request | server | vs | server CPU/request | best rounds' CPU/request | server user \
         CPU/request | req/s |\n|---|---|---|---:|---:|---:|---:|"
    );
    for (name, a, b, cpu, best, user, rate) in ratios {
        println!(
            "| {name} | {a} | {b} | {} | {:+.1}% | {} | {} |",
            pct(cpu),
            best * 100.0,
            pct(user),
            pct(rate)
        );
    }
}
