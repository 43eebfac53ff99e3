//! What the tests, the crash-test worker and the bench share.

use crate::io_charter_common_v0::models::Name;
use crate::io_charter_user_v0::events::UserEventConsumer;
use crate::io_charter_user_v0::models::{User, UserDeleted, UserEvent, UserStatus, UserUpserted};
use charter_runtime::events::postgres::{Inbox, Outbox};
use charter_runtime::events::{EventContext, HandlerError};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

/// `CHARTER_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:54329/postgres`.
pub fn database_url() -> String {
    std::env::var("CHARTER_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".to_owned())
}

/// `CHARTER_TEST_NATS_URL`, default `nats://127.0.0.1:42229`.
pub fn nats_url() -> String {
    std::env::var("CHARTER_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:42229".to_owned())
}

/// A name no other run uses: `<prefix>_<pid>_<nanos>`.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// The URL of database `name` on the test server.
pub fn database_url_of(name: &str) -> String {
    let base = database_url();
    match base.rfind('/') {
        Some(i) if base[..i].contains("://") && !base[i..].contains('@') => {
            let query = base[i..].find('?').map(|q| &base[i + q..]).unwrap_or("");
            format!("{}/{name}{query}", &base[..i])
        }
        _ => format!("{base}/{name}"),
    }
}

/// Creates a fresh database (panics loudly when PostgreSQL is not reachable) with the events
/// tables and the example services' tables; returns its name.
pub async fn fresh_database(prefix: &str) -> String {
    let name = unique(prefix);
    let admin = PgPool::connect(&database_url()).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {} (set CHARTER_TEST_DATABASE_URL): {e}",
            database_url()
        )
    });
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let pool = pool(&name, 2).await;
    charter_runtime::events::postgres::migrate(&pool)
        .await
        .expect("migrate");
    sqlx::raw_sql(SCHEMA).execute(&pool).await.expect("schema");
    pool.close().await;
    name
}

/// Drops a database made by [`fresh_database`] (best effort: connections are forced out).
pub async fn drop_database(name: &str) {
    if let Ok(admin) = PgPool::connect(&database_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&admin)
            .await;
        admin.close().await;
    }
}

pub async fn pool(name: &str, size: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(size)
        .connect(&database_url_of(name))
        .await
        .expect("connect to the test database")
}

/// The user service's table and the order service's copy of its customers. `order_applied` has
/// no unique key on purpose: a second application of an event would show as a second row.
const SCHEMA: &str = r#"
CREATE TABLE users (id text PRIMARY KEY, email text NOT NULL, first_name text);
CREATE TABLE order_customers (id text PRIMARY KEY, name text, email text NOT NULL);
CREATE TABLE order_applied (event_id text NOT NULL, discriminator text NOT NULL, request_id text);
CREATE TABLE order_unknown (event_id text NOT NULL);
"#;

/// A user of the example user service.
pub fn user(id: &str, first: &str) -> User {
    User {
        id: id.to_owned(),
        email: format!("{id}@example.com"),
        name: Name {
            first: Some(first.to_owned()),
            last: None,
        },
        status: UserStatus::Active,
        address: None,
    }
}

/// The user service's write: the user row and its `user_upserted` event in one transaction,
/// through the outbox. Returns the event id.
pub async fn save_user(pool: &PgPool, outbox: &Outbox, u: User) -> String {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO users (id, email, first_name) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name",
    )
    .bind(&u.id)
    .bind(&u.email)
    .bind(&u.name.first)
    .execute(&mut *tx)
    .await
    .expect("insert user");
    let id = outbox
        .publish(&mut tx, upserted(u))
        .await
        .expect("outbox write");
    tx.commit().await.expect("commit");
    id
}

/// `user_upserted` with the ids left for the producer to fill.
pub fn upserted(u: User) -> UserEvent {
    UserEvent::UserUpserted(UserUpserted {
        event_id: String::new(),
        timestamp: Default::default(),
        user: u,
    })
}

/// The order service's consumer of user events: keeps `order_customers` (name and email of
/// every user), applying each event once through the inbox. A user whose email starts with
/// `poison` cannot be applied (the handler fails every time).
#[derive(Clone)]
pub struct CustomerCopy {
    pub pool: PgPool,
    pub inbox: Inbox,
}

impl CustomerCopy {
    pub fn new(pool: PgPool, consumer: &str) -> Self {
        CustomerCopy {
            pool,
            inbox: Inbox::new(consumer),
        }
    }
}

impl UserEventConsumer for CustomerCopy {
    async fn user_upserted(
        &self,
        ctx: &EventContext,
        event: UserUpserted,
    ) -> Result<(), HandlerError> {
        if event.user.email.starts_with("poison") {
            return Err(format!("user {} has no valid email", event.user.id).into());
        }
        let mut tx = self.pool.begin().await?;
        if !self.inbox.claim(&mut tx, ctx).await? {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO order_customers (id, name, email) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email",
        )
        .bind(&event.user.id)
        .bind(&event.user.name.first)
        .bind(&event.user.email)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO order_applied (event_id, discriminator, request_id) VALUES ($1, 'user_upserted', $2)")
            .bind(&ctx.event_id)
            .bind(&ctx.request_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_deleted(
        &self,
        ctx: &EventContext,
        event: UserDeleted,
    ) -> Result<(), HandlerError> {
        let mut tx = self.pool.begin().await?;
        if !self.inbox.claim(&mut tx, ctx).await? {
            return Ok(());
        }
        sqlx::query("DELETE FROM order_customers WHERE id = $1")
            .bind(&event.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO order_applied (event_id, discriminator, request_id) VALUES ($1, 'user_deleted', $2)")
            .bind(&ctx.event_id)
            .bind(&ctx.request_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unknown(
        &self,
        ctx: &EventContext,
        _event: serde_json::Value,
    ) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO order_unknown (event_id) VALUES ($1)")
            .bind(&ctx.event_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// How many times each event id was applied (`order_applied`).
pub async fn applied_counts(pool: &PgPool) -> std::collections::BTreeMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT event_id, count(*) FROM order_applied GROUP BY event_id",
    )
    .fetch_all(pool)
    .await
    .expect("count applied")
    .into_iter()
    .collect()
}

/// A NATS transport on the test server whose subjects are prefixed with `prefix` (a fresh one
/// per run keeps runs apart). Panics loudly when NATS is not reachable.
pub async fn nats(
    prefix: &str,
    ack_wait: std::time::Duration,
) -> charter_runtime::events::nats::NatsTransport {
    let config = charter_runtime::events::nats::NatsConfig {
        ack_wait,
        subject_prefix: prefix.to_owned(),
        ..Default::default()
    };
    charter_runtime::events::nats::NatsTransport::connect(&nats_url(), config)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "NATS is not reachable at {} (set CHARTER_TEST_NATS_URL): {e}",
                nats_url()
            )
        })
}

/// Runs relay rounds until the outbox is empty (bounded: 10 s).
pub async fn relay_all(relay: &charter_runtime::events::postgres::Relay) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while relay.backlog().await.expect("backlog") > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "outbox not drained in 10 s"
        );
        let _ = relay.run_once().await;
    }
}

/// Polls `consumer` until `done` says so (bounded: `secs` seconds, then panics).
pub async fn consume_until<E, H, F, Fut>(
    consumer: &mut charter_runtime::events::Consumer<E, H>,
    secs: u64,
    mut done: F,
) where
    E: charter_runtime::events::Event,
    H: charter_runtime::events::Handler<E>,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "consumer did not finish in {secs} s"
        );
        consumer.poll().await.expect("poll");
    }
}

/// Rows of `table`.
pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .expect("count")
}
