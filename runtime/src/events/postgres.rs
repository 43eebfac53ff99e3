//! Postgres side of events (feature `events-postgres`, on sqlx): the transactional outbox and
//! its relay, the consumer's inbox and a dead-letter table. [`migrate`] creates the tables.
//!
//! - [`Outbox::publish`] writes the event into `charter_events_outbox` **in the caller's
//!   transaction**: the business write and its event commit together or not at all.
//! - [`Relay`] publishes outbox rows to a [`Transport`]: it claims unpublished rows in id order
//!   with `FOR UPDATE SKIP LOCKED` (several relays can run at once), and only rows of partition
//!   buckets it holds (`pg_try_advisory_xact_lock` on the bucket of the partition key), so one
//!   partition is published by one relay at a time and in order; it marks them published after
//!   the broker confirmed them, in the same transaction. A relay that dies between publish and
//!   mark leaves the rows unclaimed: they are published again with the same event id (JetStream
//!   de-duplicates by `Nats-Msg-Id`; the inbox absorbs the rest). When the broker confirms only
//!   part of a round, the confirmed rows are marked published and the others count an attempt and
//!   keep the error; per partition key those are the rows from the first failure on (transports
//!   stop a key at its first failure), so the next round starts the key again there and its order
//!   holds. After a failure the relay backs off exponentially.
//! - [`Inbox::claim`] records `(consumer, event_id)` in the handler's transaction and says
//!   whether the event is new: a redelivered event finds its id and has no second effect.
//! - [`PgDeadLetters`] stores dead letters in `charter_events_dead_letter` (a
//!   [`super::DeadLetters`] for [`super::ConsumerConfig::with_dead_letters`]).

use super::{
    async_trait, partition_hash, record, DeadLetter, DeadLetters, Event, EventError, Record,
    Transport,
};
use sqlx::{PgConnection, PgPool, Row};
use std::sync::Arc;
use std::time::Duration;

/// Partition keys are spread over this many buckets; a relay publishes a bucket alone.
pub const BUCKETS: u64 = 64;

/// First key of the advisory locks of outbox buckets (the second is the bucket).
const LOCK_CLASS: i32 = 0x4348_4556; // "CHEV"

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS charter_events_outbox (
    id bigserial PRIMARY KEY,
    stream text NOT NULL,
    event_id text NOT NULL,
    partition_key text NOT NULL,
    bucket integer NOT NULL,
    discriminator text NOT NULL,
    request_id text,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    published_at timestamptz
);
CREATE INDEX IF NOT EXISTS charter_events_outbox_unpublished
    ON charter_events_outbox (id) WHERE published_at IS NULL;
-- The payload is the JSON the producer encoded, kept as text: a relay sends it as it is, with
-- no parse into jsonb on insert and no re-encoding on read (query it with `payload::jsonb`).
-- Tables made when it was jsonb are converted once.
DO $$ BEGIN
    IF (SELECT data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'charter_events_outbox'
          AND column_name = 'payload') = 'jsonb' THEN
        ALTER TABLE charter_events_outbox ALTER COLUMN payload TYPE text USING payload::text;
    END IF;
END $$;
CREATE TABLE IF NOT EXISTS charter_events_inbox (
    consumer text NOT NULL,
    event_id text NOT NULL,
    stream text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE TABLE IF NOT EXISTS charter_events_dead_letter (
    id bigserial PRIMARY KEY,
    consumer text NOT NULL,
    stream text NOT NULL,
    event_id text NOT NULL,
    partition_key text NOT NULL,
    discriminator text NOT NULL,
    request_id text,
    payload text NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"#;

fn db(e: sqlx::Error) -> EventError {
    EventError::transport(e)
}

/// Creates the outbox, inbox and dead-letter tables when missing (idempotent; safe to run from
/// several processes at once).
pub async fn migrate(pool: &PgPool) -> Result<(), EventError> {
    let mut tx = pool.begin().await.map_err(db)?;
    // Serialise concurrent migrations: `CREATE … IF NOT EXISTS` races on the catalog otherwise.
    sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
        .bind(LOCK_CLASS + 1)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::raw_sql(SCHEMA).execute(&mut *tx).await.map_err(db)?;
    tx.commit().await.map_err(db)
}

/// Writes events into the outbox, in the caller's transaction.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    request_id: Option<String>,
}

impl Outbox {
    pub fn new() -> Self {
        Self::default()
    }

    /// An outbox whose events carry this request id (default: the request being handled,
    /// [`crate::request_id::current`]).
    pub fn with_request_id(&self, request_id: impl Into<String>) -> Self {
        Outbox {
            request_id: Some(request_id.into()),
        }
    }

    /// Writes one event (unset ids and timestamps filled) on `conn`, normally a transaction:
    /// `outbox.publish(&mut tx, event)`. Returns its event id.
    pub async fn publish<E: Event>(
        &self,
        conn: &mut PgConnection,
        event: E,
    ) -> Result<String, EventError> {
        let request_id = self.request_id.clone().or_else(crate::request_id::current);
        let r = record(event, request_id.as_deref())?;
        insert(conn, std::slice::from_ref(&r)).await?;
        Ok(r.event_id)
    }

    /// Writes events in order on `conn`; returns their event ids.
    pub async fn publish_batch<E: Event>(
        &self,
        conn: &mut PgConnection,
        events: Vec<E>,
    ) -> Result<Vec<String>, EventError> {
        let request_id = self.request_id.clone().or_else(crate::request_id::current);
        let records = events
            .into_iter()
            .map(|e| record(e, request_id.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        insert(conn, &records).await?;
        Ok(records.into_iter().map(|r| r.event_id).collect())
    }
}

async fn insert(conn: &mut PgConnection, records: &[Record]) -> Result<(), EventError> {
    if records.is_empty() {
        return Ok(());
    }
    #[allow(clippy::type_complexity)] // one column vector per unnest() argument
    let mut cols: (
        Vec<&str>,
        Vec<&str>,
        Vec<&str>,
        Vec<i32>,
        Vec<&str>,
        Vec<Option<&str>>,
        Vec<&str>,
    ) = Default::default();
    for r in records {
        cols.0.push(&r.stream);
        cols.1.push(&r.event_id);
        cols.2.push(&r.partition_key);
        cols.3
            .push((partition_hash(&r.partition_key) % BUCKETS) as i32);
        cols.4.push(&r.discriminator);
        cols.5.push(r.request_id.as_deref());
        // serde_json writes UTF-8; a payload that is not (a hand-made record) is refused.
        cols.6.push(
            std::str::from_utf8(&r.payload)
                .map_err(|e| EventError::Encode(format!("the payload is not UTF-8 JSON: {e}")))?,
        );
    }
    sqlx::query(
        "INSERT INTO charter_events_outbox
             (stream, event_id, partition_key, bucket, discriminator, request_id, payload)
         SELECT s, e, k, b, d, r, p
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
              AS t(s, e, k, b, d, r, p)",
    )
    .bind(cols.0)
    .bind(cols.1)
    .bind(cols.2)
    .bind(cols.3)
    .bind(cols.4)
    .bind(cols.5)
    .bind(cols.6)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// How a [`Relay`] works.
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// Rows claimed per round.
    pub batch: i64,
    /// Wait between rounds that found nothing to publish.
    pub idle: Duration,
    /// Backoff after a failed publish: doubles per consecutive failure up to `backoff.max`.
    pub backoff: super::Backoff,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            batch: 500,
            idle: Duration::from_millis(20),
            backoff: super::Backoff {
                initial: Duration::from_millis(100),
                max: Duration::from_secs(5),
            },
        }
    }
}

/// Publishes outbox rows to a transport (see the module docs).
pub struct Relay {
    pool: PgPool,
    transport: Arc<dyn Transport>,
    config: RelayConfig,
}

impl Relay {
    pub fn new(pool: PgPool, transport: Arc<dyn Transport>, config: RelayConfig) -> Relay {
        Relay {
            pool,
            transport,
            config,
        }
    }

    /// One round: claims up to `batch` rows, publishes them, marks them published. Returns how
    /// many were published (0: nothing to do, or the rows are held by other relays). When the
    /// transport confirms only some rows, those are marked published, the others count an attempt
    /// and keep the error, and the round returns the error: per partition key the unconfirmed rows
    /// are the tail from the first failure (see [`Transport::publish`]), so the next round
    /// publishes the key again from there and its order holds.
    pub async fn run_once(&self) -> Result<usize, EventError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let rows = sqlx::query(
            "SELECT id, stream, event_id, partition_key, discriminator, request_id, payload
             FROM charter_events_outbox
             WHERE published_at IS NULL AND pg_try_advisory_xact_lock($1, bucket)
             ORDER BY id
             LIMIT $2
             FOR UPDATE SKIP LOCKED",
        )
        .bind(LOCK_CLASS)
        .bind(self.config.batch)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        if rows.is_empty() {
            tx.commit().await.map_err(db)?;
            return Ok(0);
        }
        let mut ids = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        // Columns by position, in the order of the SELECT above.
        for row in &rows {
            ids.push(row.try_get::<i64, _>(0).map_err(db)?);
            let payload: String = row.try_get(6).map_err(db)?;
            records.push(Record {
                stream: row.try_get(1).map_err(db)?,
                event_id: row.try_get(2).map_err(db)?,
                partition_key: row.try_get(3).map_err(db)?,
                discriminator: row.try_get(4).map_err(db)?,
                request_id: row.try_get(5).map_err(db)?,
                payload: payload.into_bytes().into(),
            });
        }
        let (confirmed, error) = match self.transport.publish(&records).await {
            Ok(()) => (vec![true; ids.len()], None),
            Err(e) => (e.confirmed.clone(), Some(e)),
        };
        let (mut published, mut failed) = (Vec::new(), Vec::new());
        for (k, id) in ids.iter().enumerate() {
            if confirmed.get(k).copied().unwrap_or(false) {
                published.push(*id);
            } else {
                failed.push(*id);
            }
        }
        sqlx::query("UPDATE charter_events_outbox SET published_at = now() WHERE id = ANY($1)")
            .bind(&published)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if let Some(e) = &error {
            // Unconfirmed rows stay unpublished: the next round (of any relay) starts each of
            // their keys again at its first unconfirmed row, in id order.
            sqlx::query(
                "UPDATE charter_events_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)",
            )
            .bind(&failed)
            .bind(e.error.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        match error {
            None => Ok(published.len()),
            Some(e) => Err(EventError::Transport(e.to_string())),
        }
    }

    /// Runs rounds until `stop` resolves: immediately again after a full batch, after
    /// `config.idle` when there was nothing to do, with exponential backoff after failures.
    pub async fn run_until(&self, stop: impl std::future::Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        let mut failures = 0;
        loop {
            let wait = match self.run_once().await {
                Ok(n) if n as i64 >= self.config.batch => {
                    failures = 0;
                    Duration::ZERO
                }
                Ok(_) => {
                    failures = 0;
                    self.config.idle
                }
                Err(_) => {
                    failures += 1;
                    self.config.backoff.delay(failures)
                }
            };
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Deletes rows published more than `age` ago; returns how many.
    pub async fn purge_published(&self, age: Duration) -> Result<u64, EventError> {
        let r = sqlx::query(
            "DELETE FROM charter_events_outbox
             WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)",
        )
        .bind(age.as_secs_f64())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(r.rows_affected())
    }

    /// Rows not yet published.
    pub async fn backlog(&self) -> Result<i64, EventError> {
        sqlx::query_scalar("SELECT count(*) FROM charter_events_outbox WHERE published_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }
}

/// The idempotent-consumer inbox of one consumer.
#[derive(Clone, Debug)]
pub struct Inbox {
    consumer: String,
}

impl Inbox {
    /// The inbox of consumer `name` (the durable consumer name).
    pub fn new(name: impl Into<String>) -> Inbox {
        Inbox {
            consumer: name.into(),
        }
    }

    /// Records the event in the inbox on `conn` (the handler's transaction) and returns `true`
    /// when it is new; `false` means it was applied before: skip the writes and return `Ok`.
    /// A concurrent delivery of the same event waits for the first transaction and then gets
    /// `false` (or `true` if the first rolled back).
    pub async fn claim(
        &self,
        conn: &mut PgConnection,
        ctx: &super::EventContext,
    ) -> Result<bool, EventError> {
        let r = sqlx::query(
            "INSERT INTO charter_events_inbox (consumer, event_id, stream) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(&self.consumer)
        .bind(&ctx.event_id)
        .bind(&ctx.stream)
        .execute(conn)
        .await
        .map_err(db)?;
        Ok(r.rows_affected() == 1)
    }
}

/// Dead letters in `charter_events_dead_letter`.
#[derive(Clone, Debug)]
pub struct PgDeadLetters {
    pool: PgPool,
}

impl PgDeadLetters {
    pub fn new(pool: PgPool) -> PgDeadLetters {
        PgDeadLetters { pool }
    }

    /// Every dead letter of `consumer`, oldest first.
    pub async fn list(&self, consumer: &str) -> Result<Vec<DeadLetter>, EventError> {
        let rows = sqlx::query(
            "SELECT consumer, stream, event_id, partition_key, discriminator, request_id, payload, error, attempts
             FROM charter_events_dead_letter WHERE consumer = $1 ORDER BY id",
        )
        .bind(consumer)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let payload: String = row.try_get("payload")?;
                Ok(DeadLetter {
                    consumer: row.try_get("consumer")?,
                    record: Record {
                        stream: row.try_get("stream")?,
                        event_id: row.try_get("event_id")?,
                        partition_key: row.try_get("partition_key")?,
                        discriminator: row.try_get("discriminator")?,
                        request_id: row.try_get("request_id")?,
                        payload: payload.into_bytes().into(),
                    },
                    error: row.try_get("error")?,
                    attempts: row.try_get::<i32, _>("attempts")? as u32,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db)
    }
}

#[async_trait]
impl DeadLetters for PgDeadLetters {
    async fn store(&self, l: &DeadLetter) -> Result<(), EventError> {
        sqlx::query(
            "INSERT INTO charter_events_dead_letter
                 (consumer, stream, event_id, partition_key, discriminator, request_id, payload, error, attempts)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&l.consumer)
        .bind(&l.record.stream)
        .bind(&l.record.event_id)
        .bind(&l.record.partition_key)
        .bind(&l.record.discriminator)
        .bind(&l.record.request_id)
        .bind(String::from_utf8_lossy(&l.record.payload).into_owned())
        .bind(&l.error)
        .bind(l.attempts as i32)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }
}
