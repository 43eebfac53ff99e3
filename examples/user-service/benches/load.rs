//! `cargo bench -p user-service --bench load`: requests/s and p50/p99 latency of the example
//! service over 127.0.0.1 at 32 concurrent keep-alive connections, for `GET /users?limit=5` and a
//! validated `POST /users`, side by side in one run:
//!
//! - **hardened**: the generated server as the example binary serves it (`builder(..).serve`:
//!   limits, timeouts, request ids, tracing spans, load shedding, connection cap);
//! - **bare**: the generated routes alone (`routes(..)`) under `axum::serve`;
//! - **axum**: a hand-written axum service doing the same work (query parsing and bounds, enum
//!   and length checks on the body, the same store and JSON).
//!
//! Bounded and loopback only: `BENCH_SECONDS` (default 3) per server and request, split into
//! `BENCH_ROUNDS` (default 3) rounds that visit the servers in turn (each slice after a 0.2 s
//! warm-up), so a change in the machine's load during the run hits every server alike.
//! `BENCH_ONLY=<part of a server's name>` measures one server (for `perf record`).
//!
//! Besides req/s and latency, each row gives the CPU time of the whole process (server and load
//! generator, `getrusage`) per request: on a machine shared with other work, throughput follows
//! the CPU share the process gets, while CPU per request does not, so the hardening's cost reads
//! best there.
//!
//! Figures (2026-12-01, 2 cores shared with six other builds, load average 11.7; best read as
//! ratios), `BENCH_SECONDS=8 BENCH_ROUNDS=8`:
//!
//! | server | request | req/s | p99 | CPU/request |
//! |---|---|---:|---:|---:|
//! | hardened, before (one `Router::layer` per stage; another run, one pass) | GET | −34% vs bare | | +62% |
//! | hardened, now | GET /users?limit=5 | 11,136 (−16%) | 21.1 ms | 28.7 µs (+13%) |
//! | bare routes | GET /users?limit=5 | 13,195 | 20.8 ms | 25.4 µs |
//! | hand-written axum | GET /users?limit=5 | 13,774 | 18.9 ms | 25.9 µs |
//! | hardened, now | POST /users | 12,120 (−1%) | 18.8 ms | 30.3 µs (+12%) |
//! | bare routes | POST /users | 12,235 | 21.1 ms | 27.0 µs |
//! | hand-written axum | POST /users | 14,322 | 17.3 ms | 27.7 µs |
//!
//! `bench/README.md` has every run and what the remaining cost is.

use charter_runtime::WireEnum;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::future::pending;
use std::net::SocketAddr;
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

/// One measurement: every response's latency, the non-2xx count, and the CPU time the whole
/// process (server and load generator) used meanwhile.
#[derive(Clone, Default)]
struct Slice {
    latencies: Vec<Duration>,
    errors: usize,
    cpu: Duration,
}

/// 32 connections sending `req` back to back for `secs`; each response is read to its end.
async fn load(
    addr: SocketAddr,
    method: &'static str,
    path: &'static str,
    body: &'static str,
    secs: f64,
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
                let mut lat = Vec::new();
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
    let cpu = process_cpu();
    let (latencies, errors) = run(Duration::from_secs_f64(secs)).await;
    Slice {
        latencies,
        errors,
        cpu: process_cpu() - cpu,
    }
}

/// User + system CPU time of this process so far (server, load generator and runtime).
fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut servers: Vec<(&str, SocketAddr)> = Vec::new();
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

        if let Ok(only) = std::env::var("BENCH_ONLY") {
            servers.retain(|(name, _)| name.contains(only.as_str()));
        }
        println!(
            "{CONNECTIONS} connections, {secs} s per server and request in {rounds} interleaved \
             rounds, loopback; one run, side by side\n"
        );
        println!(
            "| server | request | req/s | p50 | p99 | CPU/request | non-2xx |\n\
             |---|---|---:|---:|---:|---:|---:|"
        );
        for (name, method, path, body) in [
            ("GET /users?limit=5", "GET", "/users?limit=5", ""),
            ("POST /users (validated)", "POST", "/users", FORM),
        ] {
            let mut results = vec![Slice::default(); servers.len()];
            for _ in 0..rounds {
                for (i, (_, addr)) in servers.iter().enumerate() {
                    let s = load(*addr, method, path, body, secs / rounds as f64).await;
                    results[i].latencies.extend(s.latencies);
                    results[i].errors += s.errors;
                    results[i].cpu += s.cpu;
                }
            }
            for ((server, _), mut r) in servers.iter().zip(results) {
                r.latencies.sort();
                let n = r.latencies.len();
                let at = |q: f64| r.latencies[((n as f64 * q) as usize).min(n - 1)];
                println!(
                    "| {server} | {name} | {:.0} | {:.2} ms | {:.2} ms | {:.1} µs | {} |",
                    n as f64 / secs,
                    at(0.50).as_secs_f64() * 1e3,
                    at(0.99).as_secs_f64() * 1e3,
                    r.cpu.as_secs_f64() * 1e6 / n as f64,
                    r.errors
                );
            }
        }
    });
}
