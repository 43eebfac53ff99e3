//! A process the crash tests kill with SIGKILL at a chosen point. It announces the point on
//! stdout and then waits, so the test kills it exactly there:
//!
//! - `produce DB N`: saves users u0..u{N-1} through the outbox (committed), then starts one more
//!   transaction with user `held`, writes it and its event, prints `HOLDING <event_id>` and waits
//!   (killed: the transaction never commits);
//! - `relay DB PREFIX`: claims outbox rows and publishes them to NATS, prints `PUBLISHED <n>`
//!   and waits before marking them (killed: published, never marked);
//! - `consume DB PREFIX CONSUMER K`: consumes user events into the order service's copy in
//!   batches of 10, prints `HANDLED <K>` after the K-th event is applied (inbox committed) and
//!   waits before acknowledging it (killed: mid-batch, applied but not acked).

use charter_events_tests::io_charter_user_v0::events::{UserEventConsumer, UserEventDispatcher};
use charter_events_tests::io_charter_user_v0::models::{UserDeleted, UserUpserted};
use charter_events_tests::support::{self, CustomerCopy};
use charter_runtime::events::postgres::{Outbox, Relay, RelayConfig};
use charter_runtime::events::{
    async_trait, Consumer, ConsumerConfig, DeadLetter, EventContext, EventError, HandlerError,
    PublishError, Record, StreamDef, Subscription, Transport,
};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn announce(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn wait_to_be_killed() -> ! {
    tokio::time::sleep(Duration::from_secs(60)).await;
    eprintln!("events-worker: not killed within 60 s");
    std::process::exit(3)
}

/// Publishes through NATS, then stops before the relay marks the rows.
struct StopAfterPublish(charter_runtime::events::nats::NatsTransport);

#[async_trait]
impl Transport for StopAfterPublish {
    async fn publish(&self, records: &[Record]) -> Result<(), PublishError> {
        self.0.publish(records).await?;
        announce(format!("PUBLISHED {}", records.len()));
        wait_to_be_killed().await
    }
    async fn subscribe(&self, s: &StreamDef, c: &str) -> Result<Box<dyn Subscription>, EventError> {
        self.0.subscribe(s, c).await
    }
    async fn dead_letter(&self, l: &DeadLetter) -> Result<(), EventError> {
        self.0.dead_letter(l).await
    }
}

/// The order service's consumer, stopping after the K-th applied event.
struct StopAfter {
    inner: CustomerCopy,
    handled: AtomicUsize,
    k: usize,
}

impl StopAfter {
    async fn after(&self) {
        if self.handled.fetch_add(1, Ordering::SeqCst) + 1 == self.k {
            announce(format!("HANDLED {}", self.k));
            wait_to_be_killed().await
        }
    }
}

impl UserEventConsumer for StopAfter {
    async fn user_upserted(&self, ctx: &EventContext, e: UserUpserted) -> Result<(), HandlerError> {
        self.inner.user_upserted(ctx, e).await?;
        self.after().await;
        Ok(())
    }
    async fn user_deleted(&self, ctx: &EventContext, e: UserDeleted) -> Result<(), HandlerError> {
        self.inner.user_deleted(ctx, e).await?;
        self.after().await;
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(0).as_str() {
        "produce" => {
            let pool = support::pool(&arg(1), 2).await;
            let outbox = Outbox::new();
            let n: usize = arg(2).parse().expect("N");
            for i in 0..n {
                support::save_user(&pool, &outbox, support::user(&format!("u{i}"), "Ada")).await;
            }
            let mut tx = pool.begin().await.expect("begin");
            sqlx::query("INSERT INTO users (id, email) VALUES ('held', 'held@example.com')")
                .execute(&mut *tx)
                .await
                .expect("insert");
            let id = outbox
                .publish(&mut tx, support::upserted(support::user("held", "Held")))
                .await
                .expect("outbox");
            announce(format!("HOLDING {id}"));
            wait_to_be_killed().await
        }
        "relay" => {
            let pool = support::pool(&arg(1), 2).await;
            let nats = support::nats(&arg(2), Duration::from_secs(30)).await;
            let relay = Relay::new(
                pool,
                Arc::new(StopAfterPublish(nats)),
                RelayConfig::default(),
            );
            relay.run_once().await.expect("relay");
            eprintln!("events-worker: nothing to publish");
            std::process::exit(4)
        }
        "consume" => {
            let pool = support::pool(&arg(1), 4).await;
            let nats = support::nats(&arg(2), Duration::from_secs(2)).await;
            let handler = StopAfter {
                inner: CustomerCopy::new(pool, &arg(3)),
                handled: AtomicUsize::new(0),
                k: arg(4).parse().expect("K"),
            };
            let config = ConsumerConfig::new(arg(3)).with_batch(10, Duration::from_millis(500));
            let mut consumer = Consumer::new(Arc::new(nats), config, UserEventDispatcher(handler));
            for _ in 0..200 {
                consumer.poll().await.expect("poll");
            }
            eprintln!("events-worker: K never reached");
            std::process::exit(5)
        }
        other => {
            eprintln!("events-worker: unknown mode {other:?}");
            std::process::exit(2)
        }
    }
}
