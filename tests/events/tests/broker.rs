//! Producer → outbox → relay → NATS JetStream → consumer → inbox, end to end on the example
//! repo: the user service saves users and their events in one transaction, the relay publishes
//! them, the order service keeps its copy of customer names. Poison events go to the dead-letter
//! table after the configured retries and the stream goes on; unknown members reach `unknown`.

use charter_events_tests::io_charter_user_v0::events::UserEventDispatcher;
use charter_events_tests::io_charter_user_v0::models::UserEvent;
use charter_events_tests::support::{self, CustomerCopy};
use charter_runtime::events::postgres::{Outbox, PgDeadLetters, Relay, RelayConfig};
use charter_runtime::events::{Consumer, ConsumerConfig, Event, Record, Transport};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_relay_nats_inbox_end_to_end() {
    let user_db = support::fresh_database("ev_user").await;
    let order_db = support::fresh_database("ev_order").await;
    let users = support::pool(&user_db, 4).await;
    let orders = support::pool(&order_db, 4).await;
    let prefix = support::unique("e2e");
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(5)).await);

    let outbox = Outbox::new().with_request_id("req-42");
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(
            support::save_user(
                &users,
                &outbox,
                support::user(&format!("u{i}"), &format!("Name {i}")),
            )
            .await,
        );
    }
    // A poison event in the middle, then more that must still arrive.
    let mut poison = support::user("bad", "Bad");
    poison.email = "poison@example.com".into();
    let poison_id = support::save_user(&users, &outbox, poison).await;
    for i in 0..10 {
        ids.push(
            support::save_user(&users, &outbox, support::user(&format!("u{i}"), "Renamed")).await,
        );
    }
    let relay = Relay::new(users.clone(), nats.clone(), RelayConfig::default());
    support::relay_all(&relay).await;

    // An unknown member published by a newer user service.
    let newer = serde_json::json!({"discriminator": "user_merged", "event_id": "merge-1",
        "timestamp": "2024-01-01T00:00:00Z", "id": "u1", "into": "u2"});
    nats.publish(&[Record {
        stream: UserEvent::STREAM.name.into(),
        event_id: "merge-1".into(),
        partition_key: "merge-1".into(),
        discriminator: "user_merged".into(),
        request_id: None,
        payload: serde_json::to_vec(&newer).unwrap().into(),
    }])
    .await
    .unwrap();

    let dead = Arc::new(PgDeadLetters::new(orders.clone()));
    let config = ConsumerConfig::new("order-service")
        .with_retries(2)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .with_batch(25, Duration::from_millis(200))
        .with_dead_letters(dead.clone());
    let handler = UserEventDispatcher(CustomerCopy::new(orders.clone(), "order-service"));
    let mut consumer = Consumer::new(nats.clone(), config, handler);
    support::consume_until(&mut consumer, 30, || async {
        support::count(&orders, "order_applied").await == 50
            && support::count(&orders, "order_unknown").await == 1
    })
    .await;

    let applied = support::applied_counts(&orders).await;
    assert_eq!(applied.len(), 50);
    assert!(
        ids.iter().all(|id| applied.get(id) == Some(&1)),
        "every event applied exactly once"
    );
    let names: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, name FROM order_customers ORDER BY length(id), id")
            .fetch_all(&orders)
            .await
            .unwrap();
    assert_eq!(names.len(), 40);
    assert_eq!(
        names[0],
        ("u0".to_owned(), Some("Renamed".to_owned())),
        "order kept per partition"
    );
    assert_eq!(names[39].1.as_deref(), Some("Name 39"));
    let request_ids: Vec<Option<String>> =
        sqlx::query_scalar("SELECT DISTINCT request_id FROM order_applied")
            .fetch_all(&orders)
            .await
            .unwrap();
    assert_eq!(
        request_ids,
        [Some("req-42".to_owned())],
        "request id travels with the event"
    );
    let letters = dead.list("order-service").await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].record.event_id, poison_id);
    assert_eq!(letters[0].attempts, 3);
    assert_eq!(letters[0].error, "user bad has no valid email");
    assert!(!applied.contains_key(&poison_id));

    users.close().await;
    orders.close().await;
    support::drop_database(&user_db).await;
    support::drop_database(&order_db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_relays_publish_each_row_once() {
    let db = support::fresh_database("ev_relays").await;
    let pool = support::pool(&db, 8).await;
    let prefix = support::unique("relays");
    let nats = Arc::new(support::nats(&prefix, Duration::from_secs(5)).await);
    let outbox = Outbox::new();
    for i in 0..300 {
        let mut tx = pool.begin().await.unwrap();
        outbox
            .publish(
                &mut tx,
                support::upserted(support::user(&format!("u{i}"), "A")),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let config = RelayConfig {
        batch: 20,
        ..Default::default()
    };
    let relays: Vec<_> = (0..3)
        .map(|_| Arc::new(Relay::new(pool.clone(), nats.clone(), config.clone())))
        .collect();
    let tasks: Vec<_> = relays
        .iter()
        .map(|r| {
            let r = r.clone();
            tokio::spawn(async move {
                let mut n = 0;
                for _ in 0..200 {
                    n += r.run_once().await.unwrap_or(0);
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, 300, "every row published exactly once across relays");
    let subject = nats.subject(UserEvent::STREAM.name);
    let mut stream = nats.ensure_stream(&subject).await.unwrap();
    assert_eq!(stream.info().await.unwrap().state.messages, 300);
    pool.close().await;
    support::drop_database(&db).await;
}
