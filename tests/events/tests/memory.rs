//! The generated producer and consumer over the in-memory transport: ids and timestamps filled,
//! partition keys as Flow's shard provider, one method per member, unknown members to `unknown`,
//! a poison record to the dead letters after the configured retries while the stream goes on.

use charter_events_tests::io_acme_catalog_v1::events::{
    CatalogEventConsumer, CatalogEventDispatcher, CatalogEventProducer,
};
use charter_events_tests::io_acme_catalog_v1::models::{
    CatalogEvent, CatalogReindexed, Item, ItemDeleted, ItemUpserted, PriceUpdated,
};
use charter_runtime::events::memory::MemoryTransport;
use charter_runtime::events::{
    Consumer, ConsumerConfig, Event, EventContext, HandlerError, Outcome, Transport,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Seen {
    calls: Mutex<Vec<String>>,
}

#[derive(Clone, Default)]
struct Probe(Arc<Seen>);

impl std::ops::Deref for Probe {
    type Target = Seen;
    fn deref(&self) -> &Seen {
        &self.0
    }
}

impl CatalogEventConsumer for Probe {
    async fn item_upserted(&self, ctx: &EventContext, e: ItemUpserted) -> Result<(), HandlerError> {
        if e.item.name == "poison" {
            self.calls
                .lock()
                .unwrap()
                .push(format!("fail {}", ctx.attempt));
            return Err("poison item".into());
        }
        self.calls
            .lock()
            .unwrap()
            .push(format!("upserted {} {}", e.item.id, ctx.partition_key));
        Ok(())
    }
    async fn item_deleted(&self, _: &EventContext, e: ItemDeleted) -> Result<(), HandlerError> {
        self.calls.lock().unwrap().push(format!("deleted {}", e.id));
        Ok(())
    }
    async fn price_changed(&self, ctx: &EventContext, e: PriceUpdated) -> Result<(), HandlerError> {
        self.calls.lock().unwrap().push(format!(
            "price {} {}",
            e.item_id,
            ctx.request_id.as_deref().unwrap_or("-")
        ));
        Ok(())
    }
    #[allow(deprecated)]
    async fn catalog_reindexed(
        &self,
        _: &EventContext,
        _: CatalogReindexed,
    ) -> Result<(), HandlerError> {
        self.calls.lock().unwrap().push("reindexed".into());
        Ok(())
    }
    async fn unknown(&self, ctx: &EventContext, v: serde_json::Value) -> Result<(), HandlerError> {
        self.calls.lock().unwrap().push(format!(
            "unknown {} {}",
            ctx.discriminator, v["discriminator"]
        ));
        Ok(())
    }
}

fn item(id: &str, name: &str, org: &str) -> CatalogEvent {
    CatalogEvent::ItemUpserted(ItemUpserted {
        event_id: String::new(),
        timestamp: Default::default(),
        organization: org.into(),
        item: Item {
            id: id.into(),
            name: name.into(),
        },
    })
}

#[tokio::test]
async fn producer_fills_ids_and_partitions_like_flow() {
    let memory = MemoryTransport::new();
    let producer = CatalogEventProducer::new(Arc::new(memory.clone()));
    let id = producer.publish(item("i1", "chair", "acme")).await.unwrap();
    let price = CatalogEvent::PriceUpdated(PriceUpdated {
        event_id: Some("given".into()),
        timestamp: None,
        organization_id: Some("org-7".into()),
        item_id: "i1".into(),
        amount: "9.99".parse().unwrap(),
    });
    #[allow(deprecated)]
    let reindexed = CatalogEvent::CatalogReindexed(CatalogReindexed {
        event_id: String::new(),
        timestamp: Default::default(),
    });
    let ids = producer
        .with_request_id("req-1")
        .publish_batch(vec![price, reindexed])
        .await
        .unwrap();
    assert_eq!(ids[0], "given");
    let records = memory.records(CatalogEvent::STREAM.name);
    assert_eq!(
        CatalogEvent::STREAM.name,
        "production.catalog.v1.catalog_event.json"
    );
    assert_eq!(records.len(), 3);
    assert_eq!(
        (
            records[0].event_id.as_str(),
            records[0].partition_key.as_str()
        ),
        (id.as_str(), "acme")
    );
    assert_eq!(records[1].partition_key, "org-7");
    assert_eq!(records[1].discriminator, "price_changed");
    assert_eq!(records[1].request_id.as_deref(), Some("req-1"));
    // No scope field: the event id is the partition key.
    assert_eq!(records[2].partition_key, ids[1]);
    let Some(CatalogEvent::ItemUpserted(e)) = memory.find_event::<CatalogEvent>(&id) else {
        panic!("found by id")
    };
    assert!(
        e.timestamp > chrono::DateTime::<chrono::Utc>::default(),
        "timestamp filled"
    );
    let Some(CatalogEvent::PriceUpdated(p)) = memory.find_event::<CatalogEvent>("given") else {
        panic!()
    };
    assert!(p.timestamp.is_some());
    assert!(memory.find("nope").is_none());
}

#[tokio::test]
async fn consumer_dispatches_members_unknown_and_dead_letters_poison() {
    let memory = MemoryTransport::new();
    let transport: Arc<dyn Transport> = Arc::new(memory.clone());
    let producer = CatalogEventProducer::new(transport.clone());
    producer.publish(item("i1", "chair", "acme")).await.unwrap();
    producer
        .publish(item("i2", "poison", "acme"))
        .await
        .unwrap();
    // A newer producer's member this version does not know.
    let newer = serde_json::json!({"discriminator": "item_archived", "event_id": "e-new",
        "timestamp": "2024-01-01T00:00:00Z", "organization": "acme", "id": "i1"});
    transport
        .publish(&[charter_runtime::events::Record {
            stream: CatalogEvent::STREAM.name.into(),
            event_id: "e-new".into(),
            partition_key: "acme".into(),
            discriminator: "item_archived".into(),
            request_id: None,
            payload: serde_json::to_vec(&newer).unwrap().into(),
        }])
        .await
        .unwrap();
    producer
        .publish(CatalogEvent::ItemDeleted(ItemDeleted {
            event_id: String::new(),
            timestamp: Default::default(),
            organization: "acme".into(),
            id: "i1".into(),
        }))
        .await
        .unwrap();
    let seen = Probe::default();
    let config = ConsumerConfig::new("search")
        .with_retries(2)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(4))
        .with_batch(10, Duration::from_millis(50));
    let mut consumer = Consumer::new(transport, config, CatalogEventDispatcher(seen.clone()));
    let outcomes = consumer.poll().await.unwrap();
    assert_eq!(
        outcomes,
        [
            Outcome::Handled,
            Outcome::DeadLettered,
            Outcome::Handled,
            Outcome::Handled
        ]
    );
    let calls = seen.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "upserted i1 acme",
            "fail 1",
            "fail 2",
            "fail 3",
            "unknown item_archived \"item_archived\"",
            "deleted i1"
        ]
    );
    let dead = memory.dead_letters();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].error, "poison item");
    assert_eq!(dead[0].attempts, 3);
    assert_eq!(dead[0].consumer, "search");
    let stream = CatalogEvent::STREAM.name;
    assert!(memory.pending(stream, "search").is_empty());
    assert_eq!(memory.consumed(stream, "search").len(), 4);
    // Nothing more to do; another consumer name starts from the beginning.
    assert!(consumer.poll().await.unwrap().is_empty());
    assert_eq!(memory.pending(stream, "audit").len(), 4);
    memory.clear();
    assert!(memory.records(stream).is_empty());
}

#[tokio::test]
async fn an_undecodable_record_is_dead_lettered_at_once() {
    let memory = MemoryTransport::new();
    let transport: Arc<dyn Transport> = Arc::new(memory.clone());
    transport
        .publish(&[charter_runtime::events::Record {
            stream: CatalogEvent::STREAM.name.into(),
            event_id: "bad".into(),
            partition_key: "bad".into(),
            discriminator: "item_upserted".into(),
            request_id: None,
            payload: b"{not json".to_vec().into(),
        }])
        .await
        .unwrap();
    let seen = Probe::default();
    let mut consumer = Consumer::new(
        transport,
        ConsumerConfig::new("c"),
        CatalogEventDispatcher(seen),
    );
    assert_eq!(consumer.poll().await.unwrap(), [Outcome::DeadLettered]);
    let dead = memory.dead_letters();
    assert!(
        dead[0].error.starts_with("cannot decode the record"),
        "{}",
        dead[0].error
    );
    assert_eq!(dead[0].attempts, 0);
}

#[tokio::test]
async fn a_failed_publish_is_an_error_and_stores_nothing() {
    let memory = MemoryTransport::new();
    memory.fail_publish(Some("broker down"));
    let producer = CatalogEventProducer::new(Arc::new(memory.clone()));
    let err = producer
        .publish(item("i1", "chair", "acme"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("broker down"));
    assert!(memory.records(CatalogEvent::STREAM.name).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_runs_in_a_spawned_task() {
    let memory = MemoryTransport::new();
    let transport: Arc<dyn Transport> = Arc::new(memory.clone());
    let producer = CatalogEventProducer::new(transport.clone());
    producer
        .publish_batch(vec![item("i1", "a", "acme"), item("i2", "b", "acme")])
        .await
        .unwrap();
    let seen = Probe::default();
    let config = ConsumerConfig::new("spawned").with_batch(10, Duration::from_millis(10));
    let mut consumer = Consumer::new(transport, config, CatalogEventDispatcher(seen.clone()));
    let stop = Arc::new(tokio::sync::Notify::new());
    let stopped = stop.clone();
    let task = tokio::spawn(async move { consumer.run_until(stopped.notified()).await });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while memory.consumed(CatalogEvent::STREAM.name, "spawned").len() < 2 {
        assert!(std::time::Instant::now() < deadline, "not consumed in 10 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.notify_one();
    task.await.unwrap();
    assert_eq!(
        *seen.calls.lock().unwrap(),
        ["upserted i1 acme", "upserted i2 acme"]
    );
}
