//! `cargo bench -p charter-events-tests --bench throughput`: events/s and publish-to-handle
//! latency of the generated producer and consumer (the golden catalog service's
//! `CatalogEventProducer` and `CatalogEventDispatcher` on `charter_runtime::events`), each side by
//! side with a hand-written async-nats / sqlx baseline doing the same work, in one run:
//!
//! - **nats**: producer → NATS JetStream → consumer (generated: `Producer::publish_batch`,
//!   `Consumer` with the dispatcher; baseline: pipelined `publish_with_headers` with `Nats-Msg-Id`,
//!   a durable pull consumer that decodes the same union and acks each record);
//! - **outbox**: producer → Postgres outbox (in a transaction per batch) → relay → NATS → consumer
//!   (generated: `Outbox::publish_batch`, `Relay`, `Consumer`; baseline: `INSERT … unnest`, a
//!   `FOR UPDATE SKIP LOCKED` loop publishing pipelined batches, the hand-written consumer);
//! - **insert**: the outbox writes alone (no relay), generated `Outbox` and the baseline insert;
//! - **relay drain**: a pre-filled outbox of `BENCH_EVENTS` rows drained to NATS by one relay
//!   (generated `Relay` with 64 partition keys and with 1, and the hand-written relay loop).
//!
//! events/s: from the first publish to the last record handled (all `BENCH_EVENTS`, published as
//! fast as the producer goes, in batches of 100). Latency: p50/p99 from the publish call to the
//! handler, measured separately at a paced `BENCH_RATE` events/s (default 500) for
//! `BENCH_PACED` events (default 1,000), so it is not just queueing. 64 partition keys
//! (`organization`) unless said.
//!
//! **Same work.** The generated side keeps order per key: a pipelined chain of
//! `Nats-Expected-Last-Msg-Id` expectations (see `Transport::publish` and `NatsTransport`), only
//! the confirmed prefix marked published, and a relay claims only rows of partition buckets it
//! holds (`pg_try_advisory_xact_lock`), so that two relays never publish one key at once. These
//! are guarantees (docs/events.md, Ordering), so the hand-written "same work" relay does all
//! three too: its outbox stores the bucket and its claim takes the same locks. The unordered
//! hand-written relay (no chain, no locks, every claimed row marked) is there for scale only.
//! What the generated side still does beyond the baseline is generality, not a guarantee: rows
//! carry their stream, discriminator and request id (one outbox for every stream and member),
//! and the consumer builds an `EventContext` and dispatches per member. Both consumers subscribe
//! before the clock starts.
//!
//! Every table runs in interleaved rounds (`BENCH_ROUNDS`, default 3): each round runs every
//! side once, in a rotated order, so a burst of load elsewhere on the machine hits each side
//! alike; a table gives per side the median and each round, and the median of the per-round
//! ratios generated / this side. `BENCH_ONLY` (substrings of `section/side`, comma-separated:
//! `outbox/`, `nats/generated`, `drain/generated-1`) runs some sides only, e.g. under `perf`.
//!
//! Bounded: `BENCH_EVENTS` (default 5,000) per measurement, every wait capped at 120 s; loopback
//! only (`CHARTER_TEST_NATS_URL`, `CHARTER_TEST_DATABASE_URL`; a fresh database and fresh
//! subjects per run, dropped at the end).

use charter_events_tests::io_acme_catalog_v1::events::{
    CatalogEventConsumer, CatalogEventDispatcher, CatalogEventProducer,
};
use charter_events_tests::io_acme_catalog_v1::models::{
    CatalogEvent, CatalogReindexed, Item, ItemDeleted, ItemUpserted, PriceUpdated,
};
use charter_events_tests::support;
use charter_runtime::events::nats::{jetstream_name, NatsTransport};
use charter_runtime::events::postgres::{Outbox, Relay, RelayConfig};
use charter_runtime::events::{
    partition_hash, Consumer, ConsumerConfig, Event, EventContext, HandlerError,
};
use futures_util::StreamExt;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BATCH: usize = 100;
const CAP: Duration = Duration::from_secs(120);

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Counts handled events and their publish-to-handle latencies; the send time travels in the
/// item's name (nanoseconds since `epoch`).
struct Recorder {
    epoch: Instant,
    handled: AtomicUsize,
    latencies: Mutex<Vec<u64>>,
}

impl Recorder {
    fn new(epoch: Instant) -> Arc<Recorder> {
        Arc::new(Recorder {
            epoch,
            handled: AtomicUsize::new(0),
            latencies: Mutex::new(Vec::new()),
        })
    }
    fn handle(&self, e: &ItemUpserted) {
        let sent: u64 = e.item.name.parse().unwrap_or(0);
        let now = self.epoch.elapsed().as_nanos() as u64;
        self.latencies
            .lock()
            .unwrap()
            .push(now.saturating_sub(sent));
        self.handled.fetch_add(1, Ordering::SeqCst);
    }
    async fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + CAP;
        while self.handled.load(Ordering::SeqCst) < n {
            assert!(
                Instant::now() < deadline,
                "not all events handled in {CAP:?}"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    fn percentiles(&self) -> (f64, f64) {
        let mut l = self.latencies.lock().unwrap().clone();
        l.sort_unstable();
        let at = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)] as f64 / 1e6;
        (at(0.50), at(0.99))
    }
}

#[derive(Clone)]
struct Probe(Arc<Recorder>);

impl CatalogEventConsumer for Probe {
    async fn item_upserted(&self, _: &EventContext, e: ItemUpserted) -> Result<(), HandlerError> {
        self.0.handle(&e);
        Ok(())
    }
    async fn item_deleted(&self, _: &EventContext, _: ItemDeleted) -> Result<(), HandlerError> {
        Ok(())
    }
    async fn price_changed(&self, _: &EventContext, _: PriceUpdated) -> Result<(), HandlerError> {
        Ok(())
    }
    #[allow(deprecated)]
    async fn catalog_reindexed(
        &self,
        _: &EventContext,
        _: CatalogReindexed,
    ) -> Result<(), HandlerError> {
        Ok(())
    }
}

/// Event `i` over `keys` organizations, stamped with the time since `epoch`; ids left unset for
/// the producer to fill.
fn event(i: usize, keys: usize, epoch: Instant) -> CatalogEvent {
    CatalogEvent::ItemUpserted(ItemUpserted {
        event_id: String::new(),
        timestamp: Default::default(),
        organization: format!("org-{}", i % keys),
        item: Item {
            id: format!("item-{i}"),
            name: epoch.elapsed().as_nanos().to_string(),
        },
    })
}

/// What the hand-written baseline does to an event before publishing (the generated
/// `Event::prepare`): a UUID event id and the current time.
fn prepared(mut e: CatalogEvent) -> (String, String, Vec<u8>) {
    let CatalogEvent::ItemUpserted(u) = &mut e else {
        unreachable!()
    };
    u.event_id = uuid::Uuid::new_v4().to_string();
    u.timestamp = chrono::Utc::now();
    let (id, key) = (u.event_id.clone(), u.organization.clone());
    (id, key, serde_json::to_vec(&e).unwrap())
}

/// How a measurement publishes its events: all at once (`rate: None`) or paced.
#[derive(Clone, Copy)]
struct Load {
    events: usize,
    rate: Option<usize>,
}

/// Sends `load.events` events in batches of [`BATCH`] through `send`, paced when asked.
async fn drive<F, Fut>(load: Load, keys: usize, epoch: Instant, mut send: F)
where
    F: FnMut(Vec<CatalogEvent>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    let batch = match load.rate {
        Some(r) => (r / 100).clamp(1, BATCH),
        None => BATCH,
    };
    let mut i = 0;
    while i < load.events {
        if let Some(rate) = load.rate {
            let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
        let n = batch.min(load.events - i);
        send((i..i + n).map(|k| event(k, keys, epoch)).collect()).await;
        i += n;
    }
}

/// A stop signal for background loops.
#[derive(Clone, Default)]
struct Stop(Arc<AtomicBool>);

impl Stop {
    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    async fn wait(self) {
        while !self.0.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// One pipeline under one load: returns events/s (first publish → last handled) and p50/p99 ms.
struct Figures {
    per_second: f64,
    p50: f64,
    p99: f64,
    /// When the producer had published everything, ms after the first publish.
    produced_ms: f64,
}

fn transport_config(prefix: &str) -> charter_runtime::events::nats::NatsConfig {
    charter_runtime::events::nats::NatsConfig {
        subject_prefix: prefix.to_owned(),
        max_ack_pending: 10_000,
        ..Default::default()
    }
}

async fn nats_transport(prefix: &str) -> Arc<NatsTransport> {
    let t = NatsTransport::connect(&support::nats_url(), transport_config(prefix))
        .await
        .unwrap_or_else(|e| panic!("NATS at {}: {e}", support::nats_url()));
    Arc::new(t)
}

/// The generated consumer over `transport`, running until `stop`.
///
/// Subscribed before the clock starts, as the baseline's consumer is: the first poll (of an
/// empty stream) creates the durable consumer and opens its pull stream.
async fn generated_consumer(transport: Arc<NatsTransport>, rec: Arc<Recorder>, stop: Stop) {
    let config = ConsumerConfig::new("bench").with_batch(500, Duration::from_millis(50));
    let mut consumer = Consumer::new(transport, config, CatalogEventDispatcher(Probe(rec)));
    let none = consumer.poll().await.unwrap();
    assert!(none.is_empty(), "the stream is new");
    tokio::spawn(async move { consumer.run_until(stop.wait()).await });
}

/// The hand-written consumer: a durable pull consumer's message stream, decode, handle, ack.
async fn baseline_consumer(
    js: async_nats::jetstream::Context,
    subject: String,
    rec: Arc<Recorder>,
    stop: Stop,
) {
    use async_nats::jetstream::consumer;
    let stream = js.get_stream(jetstream_name(&subject)).await.unwrap();
    let c: consumer::PullConsumer = stream
        .get_or_create_consumer(
            "bench-baseline",
            consumer::pull::Config {
                durable_name: Some("bench-baseline".into()),
                ack_policy: consumer::AckPolicy::Explicit,
                max_ack_pending: 10_000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut messages = c.messages().await.unwrap();
    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                m = messages.next() => m,
                _ = stop.clone().wait() => None,
            };
            let Some(Ok(m)) = next else { return };
            if let Ok(CatalogEvent::ItemUpserted(e)) = serde_json::from_slice(&m.payload) {
                rec.handle(&e);
            }
            let _ = m.ack().await;
        }
    });
}

/// Pipelined JetStream publishes of a batch, awaiting every confirmation at the end; returns
/// how many records from the start were confirmed. `ordered`: each record but the first expects
/// the one before it as the stream's last (`Nats-Expected-Last-Msg-Id`), so nothing is stored
/// past a refused record (per-key order kept, as the generated transport does); otherwise a
/// failure anywhere panics (the unordered baseline has no answer to one).
async fn baseline_publish(
    js: &async_nats::jetstream::Context,
    subject: &str,
    batch: Vec<(String, String, Vec<u8>)>,
    ordered: bool,
) -> usize {
    let mut acks = Vec::with_capacity(batch.len());
    let mut last: Option<String> = None;
    for (id, key, payload) in batch {
        let mut h = async_nats::HeaderMap::new();
        h.insert("Nats-Msg-Id", id.as_str());
        h.insert("charter-partition-key", key.as_str());
        h.insert("charter-discriminator", "item_upserted");
        if let Some(l) = last.as_deref().filter(|_| ordered) {
            h.insert("Nats-Expected-Last-Msg-Id", l);
        }
        acks.push(
            js.publish_with_headers(subject.to_owned(), h, payload.into())
                .await
                .unwrap(),
        );
        last = Some(id);
    }
    let mut confirmed = 0;
    for a in acks {
        match a.await {
            Ok(_) => confirmed += 1,
            Err(_) if ordered => break,
            Err(e) => panic!("publish: {e}"),
        }
    }
    confirmed
}

async fn baseline_stream(js: &async_nats::jetstream::Context, subject: &str) {
    js.get_or_create_stream(async_nats::jetstream::stream::Config {
        name: jetstream_name(subject),
        subjects: vec![subject.to_owned()],
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await
    .unwrap();
}

async fn nats_generated(load: Load, keys: usize) -> Figures {
    let prefix = support::unique("bench_gen");
    let transport = nats_transport(&prefix).await;
    transport
        .ensure_stream(&transport.subject(CatalogEvent::STREAM.name))
        .await
        .unwrap();
    let epoch = Instant::now();
    let rec = Recorder::new(epoch);
    let stop = Stop::default();
    generated_consumer(transport.clone(), rec.clone(), stop.clone()).await;
    let producer = CatalogEventProducer::new(transport.clone());
    let start = Instant::now();
    drive(load, keys, epoch, |batch| {
        let p = producer.clone();
        async move {
            p.publish_batch(batch).await.unwrap();
        }
    })
    .await;
    let produced = start.elapsed();
    rec.wait_for(load.events).await;
    figures(load, start, produced, &rec, stop)
}

async fn nats_baseline(load: Load, keys: usize) -> Figures {
    let prefix = support::unique("bench_base");
    let client = async_nats::connect(support::nats_url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let subject = format!("{prefix}.{}", CatalogEvent::STREAM.name);
    baseline_stream(&js, &subject).await;
    let epoch = Instant::now();
    let rec = Recorder::new(epoch);
    let stop = Stop::default();
    baseline_consumer(js.clone(), subject.clone(), rec.clone(), stop.clone()).await;
    let start = Instant::now();
    drive(load, keys, epoch, |batch| {
        let (js, subject) = (js.clone(), subject.clone());
        async move {
            baseline_publish(
                &js,
                &subject,
                batch.into_iter().map(prepared).collect(),
                false,
            )
            .await;
        }
    })
    .await;
    let produced = start.elapsed();
    rec.wait_for(load.events).await;
    figures(load, start, produced, &rec, stop)
}

fn figures(load: Load, start: Instant, produced: Duration, rec: &Recorder, stop: Stop) -> Figures {
    let elapsed = start.elapsed().as_secs_f64();
    stop.set();
    let (p50, p99) = rec.percentiles();
    Figures {
        per_second: load.events as f64 / elapsed,
        p50,
        p99,
        produced_ms: produced.as_secs_f64() * 1e3,
    }
}

const BASELINE_SCHEMA: &str = "
CREATE TABLE bench_outbox (id bigserial PRIMARY KEY, event_id text NOT NULL,
    partition_key text NOT NULL, bucket integer NOT NULL, payload text NOT NULL,
    published_at timestamptz);
CREATE INDEX bench_outbox_unpublished ON bench_outbox (id) WHERE published_at IS NULL;";

async fn outbox_generated(pool: &PgPool, load: Load, keys: usize) -> Figures {
    let prefix = support::unique("bench_ogen");
    let transport = nats_transport(&prefix).await;
    transport
        .ensure_stream(&transport.subject(CatalogEvent::STREAM.name))
        .await
        .unwrap();
    let epoch = Instant::now();
    let rec = Recorder::new(epoch);
    let stop = Stop::default();
    generated_consumer(transport.clone(), rec.clone(), stop.clone()).await;
    let relay = Relay::new(pool.clone(), transport.clone(), RelayConfig::default());
    let relay_stop = stop.clone();
    tokio::spawn(async move { relay.run_until(relay_stop.wait()).await });
    let outbox = Outbox::new();
    let start = Instant::now();
    drive(load, keys, epoch, |batch| {
        let (pool, outbox) = (pool.clone(), outbox.clone());
        async move {
            let mut tx = pool.begin().await.unwrap();
            outbox.publish_batch(&mut tx, batch).await.unwrap();
            tx.commit().await.unwrap();
        }
    })
    .await;
    let produced = start.elapsed();
    rec.wait_for(load.events).await;
    figures(load, start, produced, &rec, stop)
}

/// Inserts prepared events into the baseline outbox in one transaction.
async fn baseline_insert(pool: &PgPool, batch: Vec<(String, String, Vec<u8>)>) {
    let mut ids = Vec::new();
    let mut keys = Vec::new();
    let mut buckets = Vec::new();
    let mut payloads = Vec::new();
    for (id, key, payload) in batch {
        ids.push(id);
        buckets.push((partition_hash(&key) % 64) as i32);
        keys.push(key);
        payloads.push(String::from_utf8(payload).unwrap());
    }
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO bench_outbox (event_id, partition_key, bucket, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[])",
    )
    .bind(ids)
    .bind(keys)
    .bind(buckets)
    .bind(payloads)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// One round of a hand-written relay; returns how many rows it published. `ordered`: the
/// same work as the generated relay for the same guarantee, per-key order: only rows of
/// partition buckets it can lock (`pg_try_advisory_xact_lock`, so two relays never publish one
/// key at once), a chain of expectations, and only the confirmed prefix marked published.
/// Otherwise every unpublished row, the whole batch pipelined and marked.
async fn baseline_relay_once(
    pool: &PgPool,
    js: &async_nats::jetstream::Context,
    subject: &str,
    ordered: bool,
) -> usize {
    let mut tx = pool.begin().await.unwrap();
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(if ordered {
        "SELECT id, event_id, partition_key, payload FROM bench_outbox
         WHERE published_at IS NULL AND pg_try_advisory_xact_lock(17, bucket)
         ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED"
    } else {
        "SELECT id, event_id, partition_key, payload FROM bench_outbox
         WHERE published_at IS NULL ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED"
    })
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let mut ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let confirmed = baseline_publish(
        js,
        subject,
        rows.into_iter()
            .map(|(_, id, key, p)| (id, key, p.into_bytes()))
            .collect(),
        ordered,
    )
    .await;
    ids.truncate(confirmed);
    sqlx::query("UPDATE bench_outbox SET published_at = now() WHERE id = ANY($1)")
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids.len()
}

async fn outbox_baseline(pool: &PgPool, load: Load, keys: usize, ordered: bool) -> Figures {
    let prefix = support::unique("bench_obase");
    let client = async_nats::connect(support::nats_url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let subject = format!("{prefix}.{}", CatalogEvent::STREAM.name);
    baseline_stream(&js, &subject).await;
    let epoch = Instant::now();
    let rec = Recorder::new(epoch);
    let stop = Stop::default();
    baseline_consumer(js.clone(), subject.clone(), rec.clone(), stop.clone()).await;
    {
        let (pool, js, subject, stop) = (pool.clone(), js.clone(), subject.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.0.load(Ordering::SeqCst) {
                if baseline_relay_once(&pool, &js, &subject, ordered).await < 500 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
    }
    let start = Instant::now();
    drive(load, keys, epoch, |batch| {
        let pool = pool.clone();
        async move { baseline_insert(&pool, batch.into_iter().map(prepared).collect()).await }
    })
    .await;
    let produced = start.elapsed();
    rec.wait_for(load.events).await;
    figures(load, start, produced, &rec, stop)
}

/// Times writing `load` into the outbox alone (no relay): the generated `Outbox::publish_batch`
/// or the baseline's insert, a transaction per batch; returns events/s.
async fn insert_only(pool: &PgPool, load: Load, keys: usize, generated: bool) -> f64 {
    sqlx::query("TRUNCATE charter_events_outbox, bench_outbox")
        .execute(pool)
        .await
        .unwrap();
    let epoch = Instant::now();
    let outbox = Outbox::new();
    let start = Instant::now();
    drive(load, keys, epoch, |batch| {
        let (pool, outbox) = (pool.clone(), outbox.clone());
        async move {
            if generated {
                let mut tx = pool.begin().await.unwrap();
                outbox.publish_batch(&mut tx, batch).await.unwrap();
                tx.commit().await.unwrap();
            } else {
                baseline_insert(&pool, batch.into_iter().map(prepared).collect()).await
            }
        }
    })
    .await;
    load.events as f64 / start.elapsed().as_secs_f64()
}

/// Fills the outbox with `n` events over `keys` keys (not timed), then times one generated
/// relay draining it to NATS; returns events/s.
async fn drain_generated(pool: &PgPool, n: usize, keys: usize) -> f64 {
    sqlx::query("TRUNCATE charter_events_outbox")
        .execute(pool)
        .await
        .unwrap();
    let epoch = Instant::now();
    let outbox = Outbox::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let mut tx = pool.begin().await.unwrap();
        let events = chunk.iter().map(|&i| event(i, keys, epoch)).collect();
        outbox.publish_batch(&mut tx, events).await.unwrap();
        tx.commit().await.unwrap();
    }
    let transport = nats_transport(&support::unique("bench_dgen")).await;
    transport
        .ensure_stream(&transport.subject(CatalogEvent::STREAM.name))
        .await
        .unwrap();
    let relay = Relay::new(pool.clone(), transport, RelayConfig::default());
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        assert!(start.elapsed() < CAP, "relay did not drain in {CAP:?}");
        done += relay.run_once().await.unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn drain_baseline(pool: &PgPool, n: usize, keys: usize, ordered: bool) -> f64 {
    sqlx::query("TRUNCATE bench_outbox")
        .execute(pool)
        .await
        .unwrap();
    let epoch = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let batch = chunk
            .iter()
            .map(|&i| prepared(event(i, keys, epoch)))
            .collect();
        baseline_insert(pool, batch).await;
    }
    let client = async_nats::connect(support::nats_url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let subject = format!(
        "{}.{}",
        support::unique("bench_dbase"),
        CatalogEvent::STREAM.name
    );
    baseline_stream(&js, &subject).await;
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        assert!(start.elapsed() < CAP, "relay did not drain in {CAP:?}");
        done += baseline_relay_once(pool, &js, &subject, ordered).await;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Deletes the JetStream streams this run made (their names carry the run's prefixes).
async fn cleanup_streams(run: &str) {
    let client = async_nats::connect(support::nats_url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let names: Vec<String> = js
        .stream_names()
        .filter_map(|n| async move { n.ok() })
        .collect()
        .await;
    for n in names.iter().filter(|n| n.contains(run)) {
        let _ = js.delete_stream(n).await;
    }
}

/// Medians of a side's per-round figures.
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `BENCH_ONLY` (a comma-separated list of substrings of `section/side`, e.g. `outbox/` or
/// `outbox/generated,outbox/ordered`): the sides to run; empty runs everything.
fn selected(section: &str, side: &str) -> bool {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let name = format!("{section}/{side}");
    only.is_empty() || only.split(',').any(|o| name.contains(o.trim()))
}

/// One side of an interleaved measurement: its label and how to measure it once.
type Side<'a> = (
    String,
    Box<dyn FnMut() -> futures_util::future::LocalBoxFuture<'a, Figures> + 'a>,
);

/// A side called `section/name` (kept when [`selected`]), labelled `label`, measured by `f`.
fn side<'a, F, Fut>(section: &str, name: &str, label: &str, f: F) -> Option<Side<'a>>
where
    F: Fn() -> Fut + 'a,
    Fut: std::future::Future<Output = Figures> + 'a,
{
    selected(section, name).then(|| {
        let run: Box<dyn FnMut() -> futures_util::future::LocalBoxFuture<'a, Figures> + 'a> =
            Box::new(move || Box::pin(f()));
        (label.to_owned(), run)
    })
}

/// Runs `sides` in `rounds` interleaved rounds, each round every side once in a rotated order,
/// so a burst of load elsewhere on the machine hits each side alike. Prints per side the median
/// events/s (and every round's), the median p50/p99 when measured, and for each side after the
/// first the median of the per-round ratios first side / this side (events/s).
async fn interleaved(title: &str, rounds: usize, sides: Vec<Side<'_>>) {
    let n = sides.len();
    if n == 0 {
        return;
    }
    let (names, mut run): (Vec<String>, Vec<_>) = sides.into_iter().unzip();
    let mut figures: Vec<Vec<Figures>> = (0..n).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in 0..n {
            let side = (k + round) % n;
            figures[side].push(run[side]().await);
        }
    }
    println!(
        "\n| {title}, {rounds} interleaved rounds | events/s, median | per round | p50 / p99 ms (paced), median | generated / this, events/s, median of rounds |\n|---|---:|---|---:|---:|"
    );
    let rate = |i: usize| -> Vec<f64> { figures[i].iter().map(|f| f.per_second).collect() };
    for (i, name) in names.iter().enumerate() {
        let each: Vec<String> = rate(i).iter().map(|r| format!("{r:.0}")).collect();
        let p50: Vec<f64> = figures[i].iter().map(|f| f.p50).collect();
        let p99: Vec<f64> = figures[i].iter().map(|f| f.p99).collect();
        let produced: Vec<f64> = figures[i].iter().map(|f| f.produced_ms).collect();
        let latency = if p50.iter().any(|p| p.is_nan()) {
            String::new()
        } else {
            format!(
                "{:.2} / {:.2} (producer done after {:.0} ms)",
                median(&p50),
                median(&p99),
                median(&produced)
            )
        };
        let vs = if i == 0 {
            String::new()
        } else {
            let r: Vec<f64> = rate(0).iter().zip(&rate(i)).map(|(x, y)| x / y).collect();
            format!("{:.0}%", 100.0 * median(&r))
        };
        println!(
            "| {name} | {:.0} | {} | {latency} | {vs} |",
            median(&rate(i)),
            each.join(", ")
        );
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A pipeline's figures: events/s as fast as it goes, p50/p99 from a paced second pass.
fn merge(t: Figures, l: Figures) -> Figures {
    Figures {
        per_second: t.per_second,
        p50: l.p50,
        p99: l.p99,
        produced_ms: t.produced_ms,
    }
}

/// A drain's figures (no latency).
fn drained(per_second: f64) -> Figures {
    Figures {
        per_second,
        p50: f64::NAN,
        p99: f64::NAN,
        produced_ms: f64::NAN,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events = env("BENCH_EVENTS", 5_000);
    let paced = Load {
        events: env("BENCH_PACED", 1_000),
        rate: Some(env("BENCH_RATE", 500)),
    };
    let full = Load { events, rate: None };
    let rounds = env("BENCH_ROUNDS", 3);
    let keys = 64;
    let db = support::fresh_database("ev_bench").await;
    let pool = support::pool(&db, 8).await;
    sqlx::raw_sql(BASELINE_SCHEMA).execute(&pool).await.unwrap();
    let run = format!("_{}_", std::process::id());
    let pool = &pool;

    println!(
        "events/s over {events} events as fast as they go; p50/p99 at {} events/s ({} events); {keys} partition keys; {rounds} interleaved rounds per table",
        paced.rate.unwrap_or_default(),
        paced.events
    );
    println!("\nload average at start: {}", loadavg());

    let truncate = || async move {
        sqlx::query("TRUNCATE charter_events_outbox, bench_outbox")
            .execute(pool)
            .await
            .unwrap();
    };
    let sides: Vec<Side> = [
        side("nats", "generated", "generated", move || async move {
            merge(
                nats_generated(full, keys).await,
                nats_generated(paced, keys).await,
            )
        }),
        side(
            "nats",
            "baseline",
            "hand-written async-nats",
            move || async move {
                merge(
                    nats_baseline(full, keys).await,
                    nats_baseline(paced, keys).await,
                )
            },
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    interleaved("producer → NATS → consumer", rounds, sides).await;
    let outbox_side = |name: &'static str, label: &str, ordered: Option<bool>| {
        side("outbox", name, label, move || async move {
            let mut f = Vec::new();
            for load in [full, paced] {
                truncate().await;
                f.push(match ordered {
                    None => outbox_generated(pool, load, keys).await,
                    Some(o) => outbox_baseline(pool, load, keys, o).await,
                });
            }
            let l = f.pop().unwrap();
            merge(f.pop().unwrap(), l)
        })
    };
    let sides: Vec<Side> = [
        outbox_side("generated", "generated", None),
        outbox_side(
            "ordered",
            "hand-written sqlx + async-nats, same work",
            Some(true),
        ),
        outbox_side(
            "unordered",
            "hand-written, unordered (for scale)",
            Some(false),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    interleaved("outbox → relay → NATS → consumer", rounds, sides).await;
    let sides: Vec<Side> = [
        side(
            "insert",
            "generated",
            "generated `Outbox`",
            move || async move { drained(insert_only(pool, full, keys, true).await) },
        ),
        side(
            "insert",
            "baseline",
            "hand-written sqlx",
            move || async move { drained(insert_only(pool, full, keys, false).await) },
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    interleaved(
        &format!("outbox writes alone, {events} events in transactions of {BATCH}"),
        rounds,
        sides,
    )
    .await;
    let drain_side = |name: &str, label: &str, k: usize, ordered: Option<bool>| {
        side("drain", name, label, move || async move {
            drained(match ordered {
                None => drain_generated(pool, events, k).await,
                Some(o) => drain_baseline(pool, events, k, o).await,
            })
        })
    };
    let sides: Vec<Side> = [
        drain_side(
            "generated-64",
            &format!("generated `Relay`, {keys} keys"),
            keys,
            None,
        ),
        drain_side(
            "ordered-64",
            &format!("hand-written relay, same work, {keys} keys"),
            keys,
            Some(true),
        ),
        drain_side(
            "unordered-64",
            &format!("hand-written relay, unordered, {keys} keys"),
            keys,
            Some(false),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    interleaved(
        &format!("relay drain of {events} outbox rows, {keys} keys"),
        rounds,
        sides,
    )
    .await;
    let sides: Vec<Side> = [
        drain_side("generated-1", "generated `Relay`, 1 key", 1, None),
        drain_side(
            "ordered-1",
            "hand-written relay, same work, 1 key",
            1,
            Some(true),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    interleaved(
        &format!("relay drain of {events} outbox rows, 1 key"),
        rounds,
        sides,
    )
    .await;
    println!("\nload average at end: {}", loadavg());

    pool.close().await;
    support::drop_database(&db).await;
    cleanup_streams(&run).await;
}
