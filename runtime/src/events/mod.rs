//! Typed event streams: what generated producers and consumers share (feature `events`).
//!
//! A spec's `*_event` union is one stream. The generated code implements [`Event`] for the union
//! (stream name, event id, partition key, filling unset ids and timestamps), names
//! [`Producer<UserEvent>`](Producer) and writes a consumer trait with one method per member plus a
//! [`Handler`] that dispatches to it. Everything that moves records lives behind [`Transport`]:
//!
//! | feature | transport |
//! |---|---|
//! | `events-memory` | [`memory::MemoryTransport`]: in-process, for tests (find by event id, pending/consumed) |
//! | `events-nats` | [`nats::NatsTransport`]: NATS JetStream, one JetStream stream per event stream |
//! | `events-postgres` | [`postgres`]: the outbox (written in the caller's transaction) and its [`postgres::Relay`], the consumer's inbox and dead-letter table |
//!
//! # Delivery guarantees
//!
//! - **At least once.** A record is acknowledged only after its handler returned `Ok`; a consumer
//!   that dies before acknowledging gets it again (JetStream redelivers after `ack_wait`). The
//!   outbox relay marks rows published only after the broker confirmed them; a relay that dies in
//!   between publishes them again, with the same `Nats-Msg-Id` (the event id), which JetStream
//!   de-duplicates within its duplicate window.
//! - **Applied once** with the inbox ([`postgres::Inbox`]): the handler claims the event id in the
//!   transaction of its own writes, so a redelivered event finds its id and has no second effect.
//! - **Nothing dropped silently.** A failing record is retried in place ([`ConsumerConfig::retries`],
//!   with exponential [`Backoff`]); after the last try it goes to the dead letters with its error
//!   (the transport's, or [`ConsumerConfig::dead_letters`], e.g. [`postgres::PgDeadLetters`]) and
//!   only then is acknowledged. A record that cannot be decoded goes there at once. If the dead
//!   letter cannot be written, the record is not acknowledged and comes back.
//! - **Unknown members never stop the stream**: they decode to the union's `Unknown` variant and are
//!   handed to the consumer's `unknown` hook (default: ignore).
//! - **Order per partition key.** A transport stores the records of one key in order and stops
//!   the key at its first unconfirmed record ([`Transport::publish`]; NATS pipelines a batch as a
//!   chain of `Nats-Expected-Last-Msg-Id` expectations, see [`nats`]); the outbox relay marks
//!   published only what was confirmed and retries the rest of the key from there, so a failed
//!   record is never overtaken by a later one of its key. Consumers handle records one after
//!   another in stream order and retry in place, so a later record of a partition never
//!   overtakes an earlier one (a record redelivered after a crash comes again after the ones
//!   already handled: at-least-once).
//! - **Request id.** The id of the request that produced an event ([`Producer::with_request_id`],
//!   else [`crate::request_id::current`] inside a generated server's handler) travels with the record (`x-request-id` header, outbox column) and reaches the handler in
//!   [`EventContext::request_id`].
//!
//! # Adding a transport (Kafka, Kinesis, …)
//!
//! Implement [`Transport`] (publish a batch and wait for the broker's confirmation; open a
//! [`Subscription`] for a durable consumer name; store a [`DeadLetter`]) and hand it to
//! `Producer::new` / `Consumer::new`. Generated code only names [`Event`], [`Producer`],
//! [`Handler`] and [`EventContext`], so it does not change. Map [`Record::partition_key`] to the
//! broker's partition or shard key (Kafka message key, Kinesis `PartitionKey`) to keep per-key
//! order, [`Record::event_id`] to its idempotence key if it has one, and the other
//! [`Record`] fields to headers/attributes. Acknowledge in [`Ack::ack`] (Kafka: commit the offset
//! after it; Kinesis: checkpoint).

#[cfg(feature = "events-memory")]
pub mod memory;
#[cfg(feature = "events-nats")]
pub mod nats;
#[cfg(feature = "events-postgres")]
pub mod postgres;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

pub use async_trait::async_trait;

/// Header (and outbox column) names of the record fields that travel beside the payload.
pub const HEADER_EVENT_ID: &str = "Nats-Msg-Id";
pub const HEADER_PARTITION_KEY: &str = "charter-partition-key";
pub const HEADER_DISCRIMINATOR: &str = "charter-discriminator";
pub const HEADER_REQUEST_ID: &str = "x-request-id";

/// What the generated code knows about a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamDef {
    /// `production.user.v0.user_event.json`
    pub name: &'static str,
    /// `user_event_v0`
    pub short_name: &'static str,
    /// The union's discriminator key.
    pub discriminator: &'static str,
    /// Discriminator values of the members this version knows.
    pub members: &'static [&'static str],
}

/// Implemented by the generated `*_event` union types.
pub trait Event: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const STREAM: StreamDef;
    /// The member's discriminator value; `None` for a member this version does not know.
    fn discriminator(&self) -> Option<&str>;
    /// `event_id` of the member, if set.
    fn event_id(&self) -> Option<&str>;
    /// `organization` (else `organization_id`) of the member, as Flow's shard provider; `None`
    /// makes the event id the partition key.
    fn partition_key(&self) -> Option<&str>;
    /// Fills `event_id` (a new UUID) and `timestamp` (now) when unset.
    fn prepare(&mut self);
}

/// A field that holds an event id or a partition key: `String` (unset when empty) or
/// `Option<String>`.
pub trait TextSlot {
    fn text(&self) -> Option<&str>;
    fn fill_with(&mut self, value: impl FnOnce() -> String);
}

impl TextSlot for String {
    fn text(&self) -> Option<&str> {
        (!self.is_empty()).then_some(self.as_str())
    }
    fn fill_with(&mut self, value: impl FnOnce() -> String) {
        if self.is_empty() {
            *self = value();
        }
    }
}

impl TextSlot for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref().filter(|s| !s.is_empty())
    }
    fn fill_with(&mut self, value: impl FnOnce() -> String) {
        if self.text().is_none() {
            *self = Some(value());
        }
    }
}

/// A `timestamp` field: `DateTime<Utc>` (unset when it is the Unix epoch, `Default`) or an `Option`.
pub trait TimeSlot {
    fn fill_now(&mut self);
}

type Utc = chrono::DateTime<chrono::Utc>;

impl TimeSlot for Utc {
    fn fill_now(&mut self) {
        if *self == Utc::default() {
            *self = chrono::Utc::now();
        }
    }
}

impl TimeSlot for Option<Utc> {
    fn fill_now(&mut self) {
        if self.is_none_or(|t| t == Utc::default()) {
            *self = Some(chrono::Utc::now());
        }
    }
}

/// Fills an unset event id with a new UUID (v4).
pub fn fill_event_id(slot: &mut impl TextSlot) {
    slot.fill_with(|| uuid::Uuid::new_v4().to_string());
}

/// The event id of a member this version does not know (its `event_id` key).
pub fn json_event_id(value: &serde_json::Value) -> Option<&str> {
    value.get("event_id")?.as_str().filter(|s| !s.is_empty())
}

/// The partition key of a member this version does not know: `organization`, else
/// `organization_id`.
pub fn json_partition_key(value: &serde_json::Value) -> Option<&str> {
    ["organization", "organization_id"]
        .into_iter()
        .find_map(|k| value.get(k)?.as_str())
        .filter(|s| !s.is_empty())
}

/// One event on its way through a transport: the payload (the union's JSON) and the fields that
/// travel beside it as headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub stream: String,
    pub event_id: String,
    pub partition_key: String,
    /// Empty for a member the producer did not know.
    pub discriminator: String,
    pub request_id: Option<String>,
    pub payload: Bytes,
}

/// Turns an event into a record: fills unset ids and timestamps, takes the partition key.
pub fn record<E: Event>(mut event: E, request_id: Option<&str>) -> Result<Record, EventError> {
    event.prepare();
    let event_id = event
        .event_id()
        .ok_or_else(|| EventError::Encode("the event has no event_id".into()))?
        .to_owned();
    let partition_key = event.partition_key().unwrap_or(&event_id).to_owned();
    let discriminator = event.discriminator().unwrap_or_default().to_owned();
    let payload = serde_json::to_vec(&event).map_err(|e| EventError::Encode(e.to_string()))?;
    Ok(Record {
        stream: E::STREAM.name.to_owned(),
        event_id,
        partition_key,
        discriminator,
        request_id: request_id.map(str::to_owned),
        payload: Bytes::from(payload),
    })
}

/// A stable 64-bit hash of a partition key (FNV-1a), for transports that spread partitions over
/// a fixed number of buckets.
pub fn partition_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Errors of producers, consumers and transports.
#[derive(Debug)]
pub enum EventError {
    /// The event could not be encoded (a bug in the service, not the broker).
    Encode(String),
    /// The broker or database failed; retrying may help.
    Transport(String),
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventError::Encode(m) => write!(f, "cannot encode the event: {m}"),
            EventError::Transport(m) => write!(f, "event transport: {m}"),
        }
    }
}

impl std::error::Error for EventError {}

impl EventError {
    pub fn transport(e: impl std::fmt::Display) -> EventError {
        EventError::Transport(e.to_string())
    }
}

/// A record handed to a consumer, with the means to acknowledge it.
pub struct Delivery {
    pub record: Record,
    /// How many times the broker has delivered it (1 the first time).
    pub delivered: u32,
    pub ack: Box<dyn Ack>,
}

/// Acknowledges one delivery.
#[async_trait]
pub trait Ack: Send + Sync {
    /// Done: never deliver it again.
    async fn ack(&self) -> Result<(), EventError>;
    /// Not done: deliver it again (after `delay`, when the broker supports it).
    async fn nak(&self, delay: Option<Duration>) -> Result<(), EventError>;
}

/// A durable consumer's view of a stream.
#[async_trait]
pub trait Subscription: Send + Sync {
    /// Up to `max` records, waiting at most `wait` for the first one; in stream order.
    async fn fetch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>, EventError>;
}

/// A record that could not be handled, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    pub consumer: String,
    pub record: Record,
    pub error: String,
    /// Handler attempts made (0 when the record could not be decoded).
    pub attempts: u32,
}

/// Where dead letters go.
#[async_trait]
pub trait DeadLetters: Send + Sync {
    async fn store(&self, letter: &DeadLetter) -> Result<(), EventError>;
}

/// A publish that did not store every record: which ones the broker confirmed, and why the
/// others were not.
#[derive(Debug)]
pub struct PublishError {
    /// The first error met.
    pub error: EventError,
    /// One flag per record of the call: `true` when the broker confirmed it. Per partition key
    /// the confirmed records are a prefix: after a record of a key that was not confirmed, no
    /// later record of that key was stored (see [`Transport::publish`]).
    pub confirmed: Vec<bool>,
}

impl PublishError {
    /// Nothing of `n` records was confirmed.
    pub fn none(error: EventError, n: usize) -> PublishError {
        PublishError {
            error,
            confirmed: vec![false; n],
        }
    }
}

impl PublishError {
    /// The result of a publish: `Ok` when there are no errors, else the error of the earliest
    /// failed record (`errors` are `(record index, error)`) with the confirmed flags.
    pub fn collect(
        confirmed: Vec<bool>,
        errors: impl IntoIterator<Item = (usize, EventError)>,
    ) -> Result<(), PublishError> {
        match errors.into_iter().min_by_key(|(i, _)| *i) {
            None => Ok(()),
            Some((_, error)) => Err(PublishError { error, confirmed }),
        }
    }
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ok = self.confirmed.iter().filter(|c| **c).count();
        write!(
            f,
            "{} ({ok} of {} records confirmed)",
            self.error,
            self.confirmed.len()
        )
    }
}

impl std::error::Error for PublishError {}

impl From<PublishError> for EventError {
    fn from(e: PublishError) -> EventError {
        e.error
    }
}

/// The records of `records` grouped by ordering key (stream and partition key): one lane of
/// indexes per key, each in call order; lanes in the order of their first record.
pub fn lanes(records: &[Record]) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..records.len()).collect();
    lanes_of(records, &all)
}

/// [`lanes`] of the records `subset` (indices into `records`, in call order).
pub fn lanes_of(records: &[Record], subset: &[usize]) -> Vec<Vec<usize>> {
    let mut index: std::collections::HashMap<(&str, &str), usize> = Default::default();
    let mut lanes: Vec<Vec<usize>> = Vec::new();
    for &i in subset {
        let r = &records[i];
        let n = *index
            .entry((r.stream.as_str(), r.partition_key.as_str()))
            .or_insert_with(|| {
                lanes.push(Vec::new());
                lanes.len() - 1
            });
        lanes[n].push(i);
    }
    lanes
}

/// A broker. Implementations: [`memory::MemoryTransport`], [`nats::NatsTransport`]; see the
/// module docs to add one.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Publishes the records and returns once the broker has stored all of them.
    ///
    /// **Order per key.** Records with the same stream and partition key must be stored in call
    /// order, and a transport stops a key at its first record the broker does not confirm: no
    /// later record of that key in the call is stored (it is not sent, or sent so that the broker
    /// refuses it, as the NATS chain of expectations does; records of other keys go on). So the
    /// [`PublishError::confirmed`] records of a key are a prefix, and publishing the unconfirmed
    /// rest again (what the outbox relay does) keeps the key's order. A record reported
    /// unconfirmed may still have been stored (a lost confirmation): records carry their event id,
    /// so brokers and inboxes de-duplicate the second copy. Records of different keys may be
    /// stored in any order relative to each other.
    async fn publish(&self, records: &[Record]) -> Result<(), PublishError>;
    /// Opens (creating when needed) the durable consumer `consumer` of `stream`.
    async fn subscribe(
        &self,
        stream: &StreamDef,
        consumer: &str,
    ) -> Result<Box<dyn Subscription>, EventError>;
    /// Stores a dead letter beside the stream.
    async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), EventError>;
}

/// Publishes events of one stream (`Producer<UserEvent>`).
pub struct Producer<E> {
    transport: Arc<dyn Transport>,
    request_id: Option<String>,
    _event: PhantomData<fn(E)>,
}

impl<E> Clone for Producer<E> {
    fn clone(&self) -> Self {
        Producer {
            transport: self.transport.clone(),
            request_id: self.request_id.clone(),
            _event: PhantomData,
        }
    }
}

impl<E: Event> Producer<E> {
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Producer {
            transport,
            request_id: None,
            _event: PhantomData,
        }
    }

    /// A producer whose events carry this request id (the request that caused them).
    pub fn with_request_id(&self, request_id: impl Into<String>) -> Self {
        Producer {
            request_id: Some(request_id.into()),
            ..self.clone()
        }
    }

    /// The request id events carry: the one given, else the request being handled
    /// ([`crate::request_id::current`]).
    fn request_id(&self) -> Option<String> {
        self.request_id.clone().or_else(crate::request_id::current)
    }

    /// Publishes one event; returns its event id (filled when the event had none).
    pub async fn publish(&self, event: E) -> Result<String, EventError> {
        let r = record(event, self.request_id().as_deref())?;
        let id = r.event_id.clone();
        self.transport.publish(std::slice::from_ref(&r)).await?;
        Ok(id)
    }

    /// Publishes events (in order per partition key); returns their event ids. On an error some
    /// may have been published, per partition key a prefix of them (see [`Transport::publish`]);
    /// for retries that neither lose nor reorder anything, publish through the outbox.
    pub async fn publish_batch(&self, events: Vec<E>) -> Result<Vec<String>, EventError> {
        let request_id = self.request_id();
        let records = events
            .into_iter()
            .map(|e| record(e, request_id.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.transport.publish(&records).await?;
        Ok(records.into_iter().map(|r| r.event_id).collect())
    }
}

/// What a handler knows about the record it handles.
#[derive(Clone, Debug)]
pub struct EventContext {
    /// The durable consumer name.
    pub consumer: String,
    pub stream: String,
    pub event_id: String,
    pub partition_key: String,
    pub discriminator: String,
    pub request_id: Option<String>,
    /// 1 on the first try; counts broker redeliveries and in-place retries.
    pub attempt: u32,
}

/// A handler's error: the record is retried, then dead-lettered with this message.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// Handles the events of one stream. Generated `<Union>Dispatcher`s implement it by calling the
/// consumer trait's method for the member.
pub trait Handler<E: Event>: Send + Sync {
    fn handle(
        &self,
        ctx: &EventContext,
        event: E,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send;
}

/// Exponential backoff between tries.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The wait before try `n + 1` after `n` failed tries (n ≥ 1).
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1).min(16));
        self.initial.saturating_mul(factor).min(self.max)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(10),
        }
    }
}

/// How a [`Consumer`] fetches and retries.
#[derive(Clone)]
pub struct ConsumerConfig {
    /// Durable consumer name: one per consuming service (`order-service`).
    pub name: String,
    /// Records per fetch.
    pub batch: usize,
    /// Longest wait for a fetch.
    pub wait: Duration,
    /// In-place retries of a failing record before it is dead-lettered (so `retries + 1` tries).
    pub retries: u32,
    pub backoff: Backoff,
    /// Where dead letters go (default: the transport's).
    pub dead_letters: Option<Arc<dyn DeadLetters>>,
}

impl ConsumerConfig {
    pub fn new(name: impl Into<String>) -> Self {
        ConsumerConfig {
            name: name.into(),
            batch: 100,
            wait: Duration::from_millis(500),
            retries: 7,
            backoff: Backoff::default(),
            dead_letters: None,
        }
    }
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Backoff { initial, max };
        self
    }
    pub fn with_batch(mut self, batch: usize, wait: Duration) -> Self {
        self.batch = batch.max(1);
        self.wait = wait;
        self
    }
    pub fn with_dead_letters(mut self, sink: Arc<dyn DeadLetters>) -> Self {
        self.dead_letters = Some(sink);
        self
    }
}

/// What happened to one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Handled,
    DeadLettered,
    /// Neither handled nor dead-lettered (the dead letter could not be stored): it comes back.
    Returned,
}

/// Consumes one stream with a handler: fetch, decode, handle with retries, dead-letter, ack.
pub struct Consumer<E: Event, H: Handler<E>> {
    transport: Arc<dyn Transport>,
    config: ConsumerConfig,
    handler: H,
    subscription: Option<Box<dyn Subscription>>,
    _event: PhantomData<fn(E)>,
}

impl<E: Event, H: Handler<E>> Consumer<E, H> {
    pub fn new(transport: Arc<dyn Transport>, config: ConsumerConfig, handler: H) -> Self {
        Consumer {
            transport,
            config,
            handler,
            subscription: None,
            _event: PhantomData,
        }
    }

    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// Fetches one batch and handles it; returns what happened to each record, in order.
    pub async fn poll(&mut self) -> Result<Vec<Outcome>, EventError> {
        let mut subscription = match self.subscription.take() {
            Some(s) => s,
            None => {
                self.transport
                    .subscribe(&E::STREAM, &self.config.name)
                    .await?
            }
        };
        let batch = subscription
            .fetch(self.config.batch, self.config.wait)
            .await;
        self.subscription = Some(subscription);
        let batch = batch?;
        let mut out = Vec::with_capacity(batch.len());
        for delivery in batch {
            out.push(self.one(delivery).await?);
        }
        Ok(out)
    }

    /// Polls until `stop` resolves. Stopping drops the record in hand unacknowledged (it is
    /// delivered again, like after a crash). Transport errors are retried with the backoff.
    pub async fn run_until(&mut self, stop: impl Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        let mut failures = 0;
        loop {
            tokio::select! {
                _ = &mut stop => return,
                r = self.poll() => match r {
                    Ok(_) => failures = 0,
                    Err(_) => {
                        failures += 1;
                        self.subscription = None;
                        tokio::time::sleep(self.config.backoff.delay(failures)).await;
                    }
                },
            }
        }
    }

    async fn one(&self, delivery: Delivery) -> Result<Outcome, EventError> {
        let event = match serde_json::from_slice::<E>(&delivery.record.payload) {
            Ok(e) => e,
            Err(e) => {
                let error = format!("cannot decode the record: {e}");
                return self.dead(delivery.record, &*delivery.ack, error, 0).await;
            }
        };
        // The context takes the record's fields (no copies); a dead letter gets them back.
        let Delivery {
            record,
            delivered,
            ack,
        } = delivery;
        let payload = record.payload;
        let mut ctx = EventContext {
            consumer: self.config.name.clone(),
            stream: record.stream,
            event_id: record.event_id,
            partition_key: record.partition_key,
            discriminator: record.discriminator,
            request_id: record.request_id,
            attempt: delivered.max(1),
        };
        let mut event = Some(event);
        let mut tries = 0;
        loop {
            tries += 1;
            // The first try hands over the decoded event; a retry decodes the payload again
            // (it decoded once, so it decodes again to the same value), so the common case
            // copies nothing.
            let this = match event.take() {
                Some(e) => e,
                None => serde_json::from_slice::<E>(&payload)
                    .map_err(|e| EventError::Encode(format!("cannot decode the record: {e}")))?,
            };
            match self.handler.handle(&ctx, this).await {
                Ok(()) => {
                    ack.ack().await?;
                    return Ok(Outcome::Handled);
                }
                Err(e) if tries > self.config.retries => {
                    let record = Record {
                        stream: ctx.stream,
                        event_id: ctx.event_id,
                        partition_key: ctx.partition_key,
                        discriminator: ctx.discriminator,
                        request_id: ctx.request_id,
                        payload,
                    };
                    return self.dead(record, &*ack, e.to_string(), tries).await;
                }
                Err(_) => {
                    tokio::time::sleep(self.config.backoff.delay(tries)).await;
                    ctx.attempt += 1;
                }
            }
        }
    }

    async fn dead(
        &self,
        record: Record,
        ack: &dyn Ack,
        error: String,
        attempts: u32,
    ) -> Result<Outcome, EventError> {
        let letter = DeadLetter {
            consumer: self.config.name.clone(),
            record,
            error,
            attempts,
        };
        let stored = match &self.config.dead_letters {
            Some(sink) => sink.store(&letter).await,
            None => self.transport.dead_letter(&letter).await,
        };
        match stored {
            Ok(()) => {
                ack.ack().await?;
                Ok(Outcome::DeadLettered)
            }
            Err(_) => {
                ack.nak(Some(self.config.backoff.max)).await?;
                Ok(Outcome::Returned)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fill_only_when_unset() {
        let mut s = String::new();
        fill_event_id(&mut s);
        assert_eq!(s.len(), 36);
        let before = s.clone();
        fill_event_id(&mut s);
        assert_eq!(s, before);
        let mut o: Option<String> = Some(String::new());
        fill_event_id(&mut o);
        assert!(o.text().is_some());
        let mut t = Utc::default();
        t.fill_now();
        assert!(t > Utc::default());
        let mut t2: Option<Utc> = None;
        t2.fill_now();
        assert!(t2.is_some());
    }

    #[test]
    fn backoff_doubles_up_to_max() {
        let b = Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(50),
        };
        let d: Vec<_> = (1..=5).map(|n| b.delay(n).as_millis()).collect();
        assert_eq!(d, [10, 20, 40, 50, 50]);
    }

    fn rec(stream: &str, key: &str) -> Record {
        Record {
            stream: stream.into(),
            event_id: String::new(),
            partition_key: key.into(),
            discriminator: String::new(),
            request_id: None,
            payload: Bytes::new(),
        }
    }

    #[test]
    fn lanes_group_by_stream_and_key_in_call_order() {
        let rs = [
            rec("s", "a"),
            rec("s", "b"),
            rec("t", "a"),
            rec("s", "a"),
            rec("s", "b"),
        ];
        assert_eq!(lanes(&rs), [vec![0, 3], vec![1, 4], vec![2]]);
    }

    #[test]
    fn publish_errors_report_the_earliest_failure() {
        assert!(PublishError::collect(vec![true], []).is_ok());
        let e = PublishError::collect(
            vec![true, false, false],
            [
                (2, EventError::Transport("late".into())),
                (1, EventError::Transport("early".into())),
            ],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "event transport: early (1 of 3 records confirmed)"
        );
        assert!(matches!(EventError::from(e), EventError::Transport(m) if m == "early"));
    }

    #[test]
    fn unknown_members_keep_their_keys() {
        let v = serde_json::json!({"event_id": "e1", "organization_id": "o"});
        assert_eq!(json_event_id(&v), Some("e1"));
        assert_eq!(json_partition_key(&v), Some("o"));
        assert_ne!(partition_hash("a"), partition_hash("b"));
    }
}
