//! Crash tests: a worker process (`events-worker`) is killed with SIGKILL at a chosen point, then
//! the pipeline finishes in-process, and every event id is counted: none lost, none applied twice.
//! Bounded: each wait has a deadline.

use charter_events_tests::io_charter_user_v0::events::UserEventDispatcher;
use charter_events_tests::io_charter_user_v0::models::UserEvent;
use charter_events_tests::support::{self, CustomerCopy};
use charter_runtime::events::postgres::{Outbox, Relay, RelayConfig};
use charter_runtime::events::{Consumer, ConsumerConfig, Event};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Starts the worker and waits (at most 60 s) for a stdout line starting with `point`.
fn run_to(args: &[&str], point: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_events-worker"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start events-worker");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.starts_with(point) => return (child, line),
            Ok(_) => continue,
            Err(_) => {
                let _ = child.kill();
                panic!("events-worker {args:?} never reached {point}");
            }
        }
    }
}

fn sigkill(mut child: Child) {
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let status = child.wait().expect("wait");
    assert!(!status.success(), "killed");
}

async fn consumer(
    orders: &sqlx::PgPool,
    prefix: &str,
    name: &str,
) -> Consumer<UserEvent, UserEventDispatcher<CustomerCopy>> {
    let nats = support::nats(prefix, Duration::from_secs(2)).await;
    let config = ConsumerConfig::new(name).with_batch(10, Duration::from_millis(200));
    Consumer::new(
        Arc::new(nats),
        config,
        UserEventDispatcher(CustomerCopy::new(orders.clone(), name)),
    )
}

async fn outbox_ids(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT event_id FROM charter_events_outbox ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_killed_mid_batch_gets_the_batch_again_and_applies_each_once() {
    let db = support::fresh_database("ev_crash_consumer").await;
    let pool = support::pool(&db, 4).await;
    let prefix = support::unique("crash_consumer");
    let outbox = Outbox::new();
    for i in 0..30 {
        support::save_user(&pool, &outbox, support::user(&format!("u{i}"), "A")).await;
    }
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(2)).await);
    support::relay_all(&Relay::new(pool.clone(), nats, RelayConfig::default())).await;
    let ids = outbox_ids(&pool).await;

    // Killed after applying the 15th event (the middle of the second batch of 10), before its ack.
    let (child, _) = run_to(
        &["consume", &db, &prefix, "order-service", "15"],
        "HANDLED 15",
    );
    sigkill(child);
    assert_eq!(support::count(&pool, "order_applied").await, 15);

    // A new process of the same durable consumer: the unacknowledged ones come back after ack_wait.
    let mut c = consumer(&pool, &prefix, "order-service").await;
    support::consume_until(&mut c, 30, || async {
        support::count(&pool, "order_applied").await >= 30
    })
    .await;
    // Let any further redelivery arrive: it must be absorbed by the inbox.
    for _ in 0..3 {
        c.poll().await.unwrap();
    }
    let applied = support::applied_counts(&pool).await;
    assert_eq!(applied.len(), 30, "none lost");
    assert!(
        ids.iter().all(|id| applied.get(id) == Some(&1)),
        "none applied twice: {applied:?}"
    );
    pool.close().await;
    support::drop_database(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_killed_after_publish_before_mark_publishes_again_and_the_duplicate_is_absorbed() {
    let db = support::fresh_database("ev_crash_relay").await;
    let pool = support::pool(&db, 4).await;
    let prefix = support::unique("crash_relay");
    let outbox = Outbox::new();
    for i in 0..20 {
        support::save_user(&pool, &outbox, support::user(&format!("u{i}"), "A")).await;
    }
    let ids = outbox_ids(&pool).await;
    let (child, line) = run_to(&["relay", &db, &prefix], "PUBLISHED");
    assert_eq!(line, "PUBLISHED 20");
    sigkill(child);
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(2)).await);
    let relay = Relay::new(pool.clone(), nats.clone(), RelayConfig::default());
    assert_eq!(
        relay.backlog().await.unwrap(),
        20,
        "killed before marking: nothing marked"
    );
    support::relay_all(&relay).await;
    // Published twice, stored once (Nats-Msg-Id = event id).
    let mut stream = nats
        .ensure_stream(&nats.subject(UserEvent::STREAM.name))
        .await
        .unwrap();
    assert_eq!(stream.info().await.unwrap().state.messages, 20);
    let mut c = consumer(&pool, &prefix, "order-service").await;
    support::consume_until(&mut c, 30, || async {
        support::count(&pool, "order_applied").await >= 20
    })
    .await;
    c.poll().await.unwrap();
    let applied = support::applied_counts(&pool).await;
    assert_eq!(applied.len(), 20);
    assert!(ids.iter().all(|id| applied.get(id) == Some(&1)));
    pool.close().await;
    support::drop_database(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_killed_inside_its_transaction_publishes_nothing() {
    let db = support::fresh_database("ev_crash_producer").await;
    let pool = support::pool(&db, 4).await;
    let prefix = support::unique("crash_producer");
    let (child, line) = run_to(&["produce", &db, "5"], "HOLDING");
    let held = line.trim_start_matches("HOLDING ").to_owned();
    sigkill(child);
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(2)).await);
    let relay = Relay::new(pool.clone(), nats, RelayConfig::default());
    // The killed transaction rolls back (the server notices the closed connection).
    let deadline = Instant::now() + Duration::from_secs(10);
    let ids = loop {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'")
            .bind(&db)
            .fetch_one(&pool)
            .await
            .unwrap();
        if n == 0 {
            break outbox_ids(&pool).await;
        }
        assert!(
            Instant::now() < deadline,
            "the killed transaction is still open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ids.len(), 5);
    assert!(!ids.contains(&held));
    assert_eq!(
        support::count(&pool, "users").await,
        5,
        "the business write rolled back too"
    );
    support::relay_all(&relay).await;
    let mut c = consumer(&pool, &prefix, "order-service").await;
    support::consume_until(&mut c, 30, || async {
        support::count(&pool, "order_applied").await >= 5
    })
    .await;
    c.poll().await.unwrap();
    let applied = support::applied_counts(&pool).await;
    assert_eq!(applied.len(), 5);
    assert!(!applied.contains_key(&held));
    assert!(ids.iter().all(|id| applied.get(id) == Some(&1)));
    pool.close().await;
    support::drop_database(&db).await;
}
