//! Order per partition key when part of a publish fails: the transport stops a key at its first
//! refused record (other keys go on), the outbox relay marks published only what the broker
//! confirmed and publishes the key again from the refused row. Over the in-memory transport with
//! an injected refusal, and over PostgreSQL and a real NATS JetStream server that refuses one
//! record (larger than the stream's `max_message_size`) in the middle of a relay batch.

use charter_events_tests::io_acme_catalog_v1::models::{CatalogEvent, Item, ItemUpserted};
use charter_events_tests::support;
use charter_runtime::events::memory::MemoryTransport;
use charter_runtime::events::nats::jetstream_name;
use charter_runtime::events::postgres::{Outbox, Relay, RelayConfig};
use charter_runtime::events::{record, Event, Record, Transport};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

fn item(id: &str, name: &str, org: &str) -> CatalogEvent {
    CatalogEvent::ItemUpserted(ItemUpserted {
        event_id: format!("ev-{id}"),
        timestamp: Default::default(),
        organization: org.into(),
        item: Item {
            id: id.into(),
            name: name.into(),
        },
    })
}

/// `(partition key, event id)` of records in the order the broker stored them.
fn keyed(records: &[Record]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| (r.partition_key.clone(), r.event_id.clone()))
        .collect()
}

/// Event ids per partition key, in stored order.
fn per_key(stored: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, id) in stored {
        out.entry(k.clone()).or_default().push(id.clone());
    }
    out
}

/// Writes `events` into the outbox, one transaction each (as a service does, one write after
/// another).
async fn write_outbox(pool: &PgPool, events: &[CatalogEvent]) {
    let outbox = Outbox::new();
    for e in events {
        let mut tx = pool.begin().await.unwrap();
        outbox.publish(&mut tx, e.clone()).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// Items `a0..a{n-1}` of `acme` and `g0..` of `globex`, interleaved.
fn interleaved(n: usize, big: Option<usize>) -> Vec<CatalogEvent> {
    let mut out = Vec::new();
    for i in 0..n {
        let name = if Some(i) == big {
            "x".repeat(4096)
        } else {
            format!("item {i}")
        };
        out.push(item(&format!("a{i}"), &name, "acme"));
        out.push(item(&format!("g{i}"), &format!("item {i}"), "globex"));
    }
    out
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("ev-{prefix}{i}")).collect()
}

#[tokio::test]
async fn a_refused_record_stops_its_key_and_only_its_key() {
    let memory = MemoryTransport::new();
    let records: Vec<Record> = ["a0", "g0", "a1", "g1", "a2", "g2"]
        .iter()
        .map(|id| {
            let org = if id.starts_with('a') {
                "acme"
            } else {
                "globex"
            };
            record(item(id, "n", org), None).unwrap()
        })
        .collect();
    memory.fail_event("ev-a1", Some("refused"));
    let err = memory.publish(&records).await.unwrap_err();
    assert_eq!(err.confirmed, [true, true, false, true, false, true]);
    assert!(err.to_string().contains("refused"), "{err}");
    assert!(err.to_string().contains("4 of 6"), "{err}");
    let stored = keyed(&memory.records(CatalogEvent::STREAM.name));
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([
            ("acme".to_owned(), vec!["ev-a0".to_owned()]),
            ("globex".to_owned(), ids("g", 3)),
        ]),
        "a2 is not stored after the refused a1; globex goes on"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_retries_a_key_from_its_refused_row() {
    let db = support::fresh_database("ev_order_mem").await;
    let pool = support::pool(&db, 4).await;
    write_outbox(&pool, &interleaved(10, None)).await;
    let memory = MemoryTransport::new();
    memory.fail_event("ev-a3", Some("broker refused a3"));
    let relay = Relay::new(
        pool.clone(),
        Arc::new(memory.clone()),
        RelayConfig::default(),
    );

    let err = relay.run_once().await.unwrap_err();
    assert!(err.to_string().contains("broker refused a3"), "{err}");
    assert_eq!(
        relay.backlog().await.unwrap(),
        7,
        "a3..a9 stay in the outbox"
    );
    let failed: Vec<(String, i32, Option<String>)> = sqlx::query_as(
        "SELECT event_id, attempts, last_error FROM charter_events_outbox
         WHERE published_at IS NULL ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        failed.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        ids("a", 10)[3..]
    );
    assert!(failed
        .iter()
        .all(|f| f.1 == 1 && f.2.as_deref().is_some_and(|e| e.contains("refused a3"))));

    // Still refused: nothing of acme moves, nothing is published twice.
    assert!(relay.run_once().await.is_err());
    assert_eq!(relay.backlog().await.unwrap(), 7);

    memory.fail_event("ev-a3", None);
    support::relay_all(&relay).await;
    let stored = keyed(&memory.records(CatalogEvent::STREAM.name));
    assert_eq!(stored.len(), 20, "every row published once");
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([
            ("acme".to_owned(), ids("a", 10)),
            ("globex".to_owned(), ids("g", 10)),
        ]),
        "each key in outbox order"
    );
    pool.close().await;
    support::drop_database(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_keeps_order_when_nats_refuses_a_record_mid_batch() {
    let db = support::fresh_database("ev_order_nats").await;
    let pool = support::pool(&db, 4).await;
    let prefix = support::unique("order");
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(5)).await);
    // The stream refuses records over 1 KiB: a4 (4 KiB) is refused by the server in the middle
    // of a pipelined batch while the records around it are accepted.
    let subject = nats.subject(CatalogEvent::STREAM.name);
    let mut config = async_nats::jetstream::stream::Config {
        name: jetstream_name(&subject),
        subjects: vec![subject.clone()],
        max_message_size: 1024,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    };
    nats.jetstream()
        .create_stream(config.clone())
        .await
        .expect("create the JetStream stream");
    write_outbox(&pool, &interleaved(12, Some(4))).await;
    let relay = Relay::new(pool.clone(), nats.clone(), RelayConfig::default());

    let err = relay.run_once().await.unwrap_err();
    assert!(err.to_string().contains("16 of 24"), "{err}"); // a0..a3 and every globex one
    assert_eq!(
        relay.backlog().await.unwrap(),
        8,
        "a4..a11 stay in the outbox"
    );
    let stored = stream_contents(&nats, &subject).await;
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([
            ("acme".to_owned(), ids("a", 4)),
            ("globex".to_owned(), ids("g", 12)),
        ]),
        "no acme record after the refused a4 reached the stream"
    );

    // The operator raises the limit; the relay goes on from a4.
    config.max_message_size = -1;
    nats.jetstream().update_stream(config).await.unwrap();
    support::relay_all(&relay).await;
    let stored = stream_contents(&nats, &subject).await;
    assert_eq!(stored.len(), 24, "every row stored once");
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([
            ("acme".to_owned(), ids("a", 12)),
            ("globex".to_owned(), ids("g", 12)),
        ]),
        "each key in outbox order"
    );
    pool.close().await;
    support::drop_database(&db).await;
}

/// `(partition key, event id)` of every message of the JetStream stream of `subject`, in stream
/// order.
async fn stream_contents(
    nats: &charter_runtime::events::nats::NatsTransport,
    subject: &str,
) -> Vec<(String, String)> {
    let mut stream = nats.ensure_stream(subject).await.unwrap();
    let state = stream.info().await.unwrap().state.clone();
    let mut out = Vec::new();
    if state.messages == 0 {
        return out;
    }
    for seq in state.first_sequence..=state.last_sequence {
        let m = stream.get_raw_message(seq).await.unwrap();
        let h = |k: &str| m.headers.get(k).unwrap().as_str().to_owned();
        out.push((
            h(charter_runtime::events::HEADER_PARTITION_KEY),
            h(charter_runtime::events::HEADER_EVENT_ID),
        ));
    }
    out
}

/// The records of `events`, as a producer hands them to the transport.
fn records(events: &[CatalogEvent]) -> Vec<Record> {
    events
        .iter()
        .map(|e| record(e.clone(), None).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_retry_of_a_partly_stored_hot_key_batch_stores_each_record_once_in_order() {
    // One hot key: the whole batch is one pipelined chain. The first ten records were stored by
    // an earlier attempt whose confirmations were lost (a relay killed after publishing, before
    // marking): the retry confirms them as duplicates and chains the rest after them.
    let prefix = support::unique("order_dup");
    let nats = support::nats(&prefix, Duration::from_secs(5)).await;
    let subject = nats.subject(CatalogEvent::STREAM.name);
    let events: Vec<CatalogEvent> = (0..40)
        .map(|i| item(&format!("a{i}"), "Anvil", "acme"))
        .collect();
    let all = records(&events);
    nats.publish(&all[..10]).await.unwrap();
    nats.publish(&all).await.unwrap();
    // And once more, entirely stored before: every record a duplicate.
    nats.publish(&all).await.unwrap();
    let stored = stream_contents(&nats, &subject).await;
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([("acme".to_owned(), ids("a", 40))]),
        "each record once, in order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_hot_key_refused_mid_batch_stores_nothing_after_it() {
    // The injected failure on one hot key: a4 is over the stream's size limit. A plain pipeline
    // would store a5..a11 ahead of it; the chain stores a0..a3, and the retry after the limit
    // is raised stores a4..a11 after them.
    let prefix = support::unique("order_hot");
    let nats = support::nats(&prefix, Duration::from_secs(5)).await;
    let subject = nats.subject(CatalogEvent::STREAM.name);
    let mut config = async_nats::jetstream::stream::Config {
        name: jetstream_name(&subject),
        subjects: vec![subject.clone()],
        max_message_size: 1024,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    };
    nats.jetstream()
        .create_stream(config.clone())
        .await
        .unwrap();
    let events: Vec<CatalogEvent> = (0..12)
        .map(|i| {
            let name = if i == 4 {
                "x".repeat(4096)
            } else {
                "Anvil".into()
            };
            item(&format!("a{i}"), &name, "acme")
        })
        .collect();
    let all = records(&events);
    let err = nats.publish(&all).await.unwrap_err();
    assert_eq!(
        err.confirmed,
        (0..12).map(|i| i < 4).collect::<Vec<_>>(),
        "{err}"
    );
    assert_eq!(
        keyed_ids(&stream_contents(&nats, &subject).await),
        ids("a", 4)
    );
    config.max_message_size = -1;
    nats.jetstream().update_stream(config).await.unwrap();
    nats.publish(&all[4..]).await.unwrap();
    assert_eq!(
        keyed_ids(&stream_contents(&nats, &subject).await),
        ids("a", 12)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_publishers_breaking_each_others_chains_keep_order_per_key() {
    // Two transports (two connections) publish to the same stream at once, so their chains
    // break each other's expectations; the lane fallback carries on. Every key complete, in
    // order, each record once.
    let prefix = support::unique("order_two");
    let a = Arc::new(support::nats(&prefix, Duration::from_secs(5)).await);
    let b = Arc::new(support::nats(&prefix, Duration::from_secs(5)).await);
    let subject = a.subject(CatalogEvent::STREAM.name);
    a.ensure_stream(&subject).await.unwrap();
    let batches = |org: &'static str, tag: &'static str| {
        let events: Vec<CatalogEvent> = (0..200)
            .map(|i| item(&format!("{tag}{i}"), "Anvil", org))
            .collect();
        records(&events)
    };
    let (ra, rb) = (batches("acme", "a"), batches("globex", "g"));
    let ta = {
        let a = a.clone();
        tokio::spawn(async move {
            for chunk in ra.chunks(50) {
                a.publish(chunk).await.unwrap();
            }
        })
    };
    let tb = {
        let b = b.clone();
        tokio::spawn(async move {
            for chunk in rb.chunks(50) {
                b.publish(chunk).await.unwrap();
            }
        })
    };
    ta.await.unwrap();
    tb.await.unwrap();
    let stored = stream_contents(&a, &subject).await;
    assert_eq!(stored.len(), 400, "each record once");
    assert_eq!(
        per_key(&stored),
        BTreeMap::from([
            ("acme".to_owned(), ids("a", 200)),
            ("globex".to_owned(), ids("g", 200)),
        ])
    );
}

/// The event ids of `stored`, in stream order.
fn keyed_ids(stored: &[(String, String)]) -> Vec<String> {
    stored.iter().map(|(_, id)| id.clone()).collect()
}

/// An outbox made when `payload` was `jsonb` (earlier versions): `migrate` turns the column into
/// text once, keeping the unpublished rows, which the relay then publishes in order with the
/// same events; a second `migrate` changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_converts_a_jsonb_payload_column_and_keeps_its_rows() {
    let db = support::fresh_database("ev_order_jsonb").await;
    let pool = support::pool(&db, 4).await;
    let events = interleaved(3, None);
    write_outbox(&pool, &events).await;
    let column_type = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT data_type FROM information_schema.columns
             WHERE table_name = 'charter_events_outbox' AND column_name = 'payload'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    sqlx::query(
        "ALTER TABLE charter_events_outbox ALTER COLUMN payload TYPE jsonb USING payload::jsonb",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(column_type().await, "jsonb");
    for _ in 0..2 {
        charter_runtime::events::postgres::migrate(&pool)
            .await
            .unwrap();
        assert_eq!(column_type().await, "text");
    }
    let memory = MemoryTransport::new();
    let relay = Relay::new(
        pool.clone(),
        Arc::new(memory.clone()),
        RelayConfig::default(),
    );
    support::relay_all(&relay).await;
    let stored = memory.records(CatalogEvent::STREAM.name);
    let summary = |e: &CatalogEvent| match e {
        CatalogEvent::ItemUpserted(u) => {
            (u.event_id.clone(), u.organization.clone(), u.item.clone())
        }
        other => panic!("unexpected {other:?}"),
    };
    let decoded: Vec<_> = stored
        .iter()
        .map(|r| summary(&serde_json::from_slice(&r.payload).unwrap()))
        .collect();
    let expected: Vec<_> = events.iter().map(summary).collect();
    assert_eq!(decoded, expected, "the same events, in outbox order");
    pool.close().await;
    support::drop_database(&db).await;
}
