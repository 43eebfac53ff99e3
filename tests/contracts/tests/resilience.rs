//! The client's circuit breaker, bulkhead and per-operation timeouts against a flaky loopback
//! server (bounded: a handful of calls, delays of at most a few hundred milliseconds).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use charter_contracts::io_charter_user_v0 as user;
use charter_contracts::serve;
use charter_runtime::client::{BreakerPolicy, Error, RetryPolicy};
use charter_runtime::http::Method;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Default)]
struct Flaky {
    /// Answer 503 while this is non-zero (decremented per call; u32::MAX: always).
    failing: AtomicU32,
    /// Delay of `GET /users/:id`, in milliseconds.
    delay_ms: AtomicU64,
    hits: AtomicU32,
    in_flight: AtomicU32,
    max_in_flight: AtomicU32,
}

async fn by_id(State(f): State<Arc<Flaky>>) -> Response {
    f.hits.fetch_add(1, Ordering::SeqCst);
    let now = f.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    f.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(f.delay_ms.load(Ordering::SeqCst))).await;
    f.in_flight.fetch_sub(1, Ordering::SeqCst);
    let failing = f
        .failing
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
            0 => None,
            u32::MAX => Some(u32::MAX),
            n => Some(n - 1),
        })
        .is_ok();
    if failing {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    axum::Json(user::factories::user()).into_response()
}

async fn list() -> Response {
    axum::Json(Vec::<user::models::User>::new()).into_response()
}

async fn flaky() -> (Arc<Flaky>, charter_contracts::Running) {
    let f = Arc::new(Flaky::default());
    let app = axum::Router::new()
        .route("/users/:id", axum::routing::get(by_id))
        .route("/users", axum::routing::get(list))
        .with_state(f.clone());
    (f, serve(app).await)
}

fn client(base: &str) -> charter_runtime::client::ClientBuilder {
    user::client::Client::builder(base).with_retry(RetryPolicy {
        max_retries: 0,
        initial_backoff: Duration::from_millis(1),
    })
}

#[tokio::test]
async fn the_breaker_opens_after_repeated_failures_and_half_opens_after_the_cool_down() {
    let (f, server) = flaky().await;
    let api = user::client::Client::from_builder(client(&server.base_url).with_circuit_breaker(
        Some(BreakerPolicy {
            failures: 3,
            cool_down: Duration::from_millis(600),
        }),
    ));
    f.failing.store(u32::MAX, Ordering::SeqCst);
    for _ in 0..3 {
        let e = api.users().get_by_id("u1").await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
    }
    // Open: failing fast, the server is not called.
    let e = api.users().get_by_id("u1").await.unwrap_err();
    assert!(matches!(e, Error::CircuitOpen), "{e:?}");
    assert!(matches!(
        api.users().get(Default::default()).await,
        Err(Error::CircuitOpen)
    ));
    assert_eq!(f.hits.load(Ordering::SeqCst), 3);

    // After the cool-down one trial goes through; it fails, so the breaker opens again.
    tokio::time::sleep(Duration::from_millis(650)).await;
    assert!(api
        .users()
        .get_by_id("u1")
        .await
        .unwrap_err()
        .status()
        .is_some());
    assert!(matches!(
        api.users().get_by_id("u1").await,
        Err(Error::CircuitOpen)
    ));
    assert_eq!(f.hits.load(Ordering::SeqCst), 4);

    // The service recovers: the next trial succeeds and closes the breaker.
    f.failing.store(0, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(650)).await;
    api.users().get_by_id("u1").await.unwrap();
    api.users().get_by_id("u1").await.unwrap();
    assert_eq!(f.hits.load(Ordering::SeqCst), 6);

    // Clones share the breaker (one downstream service); with it off, nothing opens.
    let off =
        user::client::Client::from_builder(client(&server.base_url).with_circuit_breaker(None));
    f.failing.store(u32::MAX, Ordering::SeqCst);
    for _ in 0..8 {
        assert!(!matches!(
            off.users().get_by_id("u1").await,
            Err(Error::CircuitOpen)
        ));
    }
}

#[tokio::test]
async fn the_bulkhead_limits_requests_in_flight() {
    let (f, server) = flaky().await;
    f.delay_ms.store(80, Ordering::SeqCst);
    let api =
        user::client::Client::from_builder(client(&server.base_url).with_max_concurrency(Some(2)));
    let calls = (0..8).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.users().get_by_id("u1").await })
    });
    for c in calls.collect::<Vec<_>>() {
        c.await.unwrap().unwrap();
    }
    assert_eq!(f.hits.load(Ordering::SeqCst), 8);
    assert_eq!(f.max_in_flight.load(Ordering::SeqCst), 2);

    // Without the limit the same calls overlap.
    f.max_in_flight.store(0, Ordering::SeqCst);
    let open =
        user::client::Client::from_builder(client(&server.base_url).with_max_concurrency(None));
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let api = open.clone();
            tokio::spawn(async move { api.users().get_by_id("u1").await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert!(f.max_in_flight.load(Ordering::SeqCst) > 2);
}

#[tokio::test]
async fn per_operation_timeouts() {
    let (f, server) = flaky().await;
    f.delay_ms.store(400, Ordering::SeqCst);
    let api = user::client::Client::from_builder(client(&server.base_url).with_operation_timeout(
        Method::GET,
        "/users/:id",
        Duration::from_millis(50),
    ));
    let started = std::time::Instant::now();
    let e = api.users().get_by_id("u1").await.unwrap_err();
    assert!(
        matches!(e, Error::Timeout(t) if t == Duration::from_millis(50)),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(400));
    // Other operations keep the client's timeout.
    api.users().get(Default::default()).await.unwrap();
}
