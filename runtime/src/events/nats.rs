//! NATS JetStream transport (feature `events-nats`, on the official `async-nats` client).
//!
//! - One JetStream stream per event stream: stream `production.user.v0.user_event.json` is the
//!   subject, and the JetStream stream is named after it with every character JetStream does not
//!   allow in stream names replaced by `_` (`production_user_v0_user_event_json`). The producer
//!   creates it when missing (file storage, [`NatsConfig::max_age`] retention, a
//!   [`NatsConfig::duplicate_window`]).
//! - Every publish carries `Nats-Msg-Id: <event_id>`, so a record published twice within the
//!   duplicate window (an outbox relay that died after publishing and before marking) is stored
//!   once; the partition key, discriminator and request id travel as headers.
//! - A batch is pipelined as one chain per stream: each record but the first carries
//!   `Nats-Expected-Last-Msg-Id` = the event id of the record before it, so JetStream stores
//!   nothing past a record it refused or lost, and per-key order holds without a round trip per
//!   record. When a chain breaks (a refusal, a lost record, another publisher on the stream),
//!   the rest is sent key by key, one confirmed record after another. docs/events.md
//!   ("Ordering") states exactly what is guaranteed.
//! - Consumers are durable pull consumers (one per consumer name), `AckPolicy::Explicit`,
//!   [`NatsConfig::ack_wait`]: a record not acknowledged in time (the consumer crashed, or is
//!   stuck) is redelivered. A subscription keeps pull requests outstanding (at most one fetch
//!   size ahead) and waits for the first record of a fetch, so it neither busy-polls nor delays
//!   a record to fill a batch. `max_ack_pending` is the fetch size, so records are handed out in
//!   stream order.
//! - Dead letters go to a second JetStream stream, subject `<stream>.dead_letter`, with the
//!   error and attempts as headers and the original payload.

use super::{
    async_trait, Ack, DeadLetter, Delivery, EventError, PublishError, Record, StreamDef,
    Subscription, Transport, HEADER_DISCRIMINATOR, HEADER_EVENT_ID, HEADER_PARTITION_KEY,
    HEADER_REQUEST_ID,
};
use async_nats::jetstream::{self, consumer, stream};
use futures_util::{FutureExt, StreamExt};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

const HEADER_ERROR: &str = "charter-error";
const HEADER_ATTEMPTS: &str = "charter-attempts";
const HEADER_CONSUMER: &str = "charter-consumer";
const HEADER_STREAM: &str = "charter-stream";

/// Settings of the JetStream streams and consumers this transport creates.
#[derive(Clone, Debug)]
pub struct NatsConfig {
    /// How long the server keeps records (Flow's lib-event: 72 hours).
    pub max_age: Duration,
    /// Publishes with the same event id within this window are stored once.
    pub duplicate_window: Duration,
    /// A delivered record not acknowledged within this time is delivered again.
    pub ack_wait: Duration,
    /// Records a consumer may hold unacknowledged at once.
    pub max_ack_pending: i64,
    /// Put before every subject (`<prefix>.<stream>`), e.g. to keep tenants or test runs apart;
    /// empty: none.
    pub subject_prefix: String,
}

impl Default for NatsConfig {
    fn default() -> Self {
        NatsConfig {
            max_age: Duration::from_secs(72 * 3600),
            duplicate_window: Duration::from_secs(120),
            ack_wait: Duration::from_secs(30),
            max_ack_pending: 1000,
            subject_prefix: String::new(),
        }
    }
}

/// See the module docs.
pub struct NatsTransport {
    js: jetstream::Context,
    config: NatsConfig,
    /// Streams known to exist (created or found) by this transport.
    ready: Mutex<HashSet<String>>,
}

/// The JetStream stream name of an event stream (`.` and other characters JetStream refuses
/// become `_`).
pub fn jetstream_name(stream: &str) -> String {
    stream
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl NatsTransport {
    /// Connects to `url` (`nats://127.0.0.1:4222`).
    pub async fn connect(url: &str, config: NatsConfig) -> Result<NatsTransport, EventError> {
        let client = async_nats::connect(url)
            .await
            .map_err(EventError::transport)?;
        Ok(Self::new(client, config))
    }

    pub fn new(client: async_nats::Client, config: NatsConfig) -> NatsTransport {
        NatsTransport {
            js: jetstream::new(client),
            config,
            ready: Mutex::new(HashSet::new()),
        }
    }

    /// The JetStream context, for what this transport does not cover.
    pub fn jetstream(&self) -> &jetstream::Context {
        &self.js
    }

    /// The subject of an event stream (with [`NatsConfig::subject_prefix`]).
    pub fn subject(&self, stream: &str) -> String {
        if self.config.subject_prefix.is_empty() {
            stream.to_owned()
        } else {
            format!("{}.{stream}", self.config.subject_prefix)
        }
    }

    /// Creates the JetStream stream of `subject` unless it exists (idempotent).
    pub async fn ensure_stream(&self, subject: &str) -> Result<stream::Stream, EventError> {
        let s = self
            .js
            .get_or_create_stream(stream::Config {
                name: jetstream_name(subject),
                subjects: vec![subject.to_owned()],
                max_age: self.config.max_age,
                duplicate_window: self.config.duplicate_window,
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(EventError::transport)?;
        self.ready
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(subject.to_owned());
        Ok(s)
    }

    async fn ensure_once(&self, subject: &str) -> Result<(), EventError> {
        let known = self
            .ready
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(subject);
        if !known {
            self.ensure_stream(subject).await?;
        }
        Ok(())
    }

    /// Dead letters of `stream` stored so far (decoded from the dead-letter stream), for tests
    /// and tools.
    pub async fn dead_letters(&self, stream: &str) -> Result<Vec<DeadLetter>, EventError> {
        let subject = self.subject(&format!("{stream}.dead_letter"));
        let s = self.ensure_stream(&subject).await?;
        let info = s.get_info().await.map_err(EventError::transport)?;
        let mut out = Vec::new();
        for seq in info.state.first_sequence..=info.state.last_sequence {
            if info.state.messages == 0 {
                break;
            }
            let Ok(m) = s.get_raw_message(seq).await else {
                continue;
            };
            let h = &m.headers;
            let get = |k: &str| h.get(k).map(|v| v.as_str().to_owned());
            out.push(DeadLetter {
                consumer: get(HEADER_CONSUMER).unwrap_or_default(),
                record: Record {
                    stream: get(HEADER_STREAM).unwrap_or_default(),
                    event_id: get(HEADER_EVENT_ID).unwrap_or_default(),
                    partition_key: get(HEADER_PARTITION_KEY).unwrap_or_default(),
                    discriminator: get(HEADER_DISCRIMINATOR).unwrap_or_default(),
                    request_id: get(HEADER_REQUEST_ID),
                    payload: m.payload.clone(),
                },
                error: get(HEADER_ERROR).unwrap_or_default(),
                attempts: get(HEADER_ATTEMPTS)
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0),
            });
        }
        Ok(out)
    }
}

/// The records of each stream, in call order (one chain each).
fn streams_in_call_order(records: &[Record]) -> Vec<Vec<usize>> {
    let mut chains: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match chains.iter_mut().find(|(s, _)| *s == r.stream) {
            Some((_, c)) => c.push(i),
            None => chains.push((&r.stream, vec![i])),
        }
    }
    chains.into_iter().map(|(_, c)| c).collect()
}

impl NatsTransport {
    /// Publishes one record and waits for its confirmation; `after` is the event id the stream's
    /// last stored record must have (`Nats-Expected-Last-Msg-Id`), if any.
    async fn send(&self, r: &Record, after: Option<&str>) -> Result<(), EventError> {
        self.js
            .publish_with_headers(
                self.subject(&r.stream),
                headers(r, after),
                r.payload.clone(),
            )
            .await
            .map_err(EventError::transport)?
            .await
            .map_err(EventError::transport)?;
        Ok(())
    }

    /// Sends the records `chain` (one stream, call order) back to back without waiting, each
    /// but the first with `Nats-Expected-Last-Msg-Id` = the event id of the one before it, then
    /// waits for every confirmation in order. Returns how many records from the start are
    /// confirmed.
    ///
    /// JetStream stores a record with an expectation only if the stream's last stored record
    /// is the expected one, so what a chain stores is one unbroken run of it, in order: when a
    /// record is refused or lost, every later record of the chain is refused ("wrong last msg
    /// ID"), never stored ahead of it, whatever the failure (a per-record limit, a reconnect
    /// that lost in-flight records, a leader change). A duplicate (a record stored by an
    /// earlier attempt; the `Nats-Msg-Id` check comes first) is confirmed without being stored
    /// again. Another publisher writing to the stream while a chain is in flight breaks the
    /// chain too: nothing is lost, the rest is sent again key by key ([`Transport::publish`]).
    async fn chain(&self, records: &[Record], chain: &[usize]) -> usize {
        let mut acks = Vec::with_capacity(chain.len());
        let mut after: Option<&str> = None;
        // One stream per chain: the subject is made once and shared (a cheap clone).
        let Some(&first) = chain.first() else {
            return 0;
        };
        let subject = async_nats::Subject::from(self.subject(&records[first].stream));
        for &i in chain {
            let r = &records[i];
            let sent = self
                .js
                .publish_with_headers(subject.clone(), headers(r, after), r.payload.clone())
                .await;
            match sent {
                Ok(ack) => acks.push(ack),
                // Not sent: the records after it would be refused anyway.
                Err(_) => break,
            }
            after = Some(&r.event_id);
        }
        // Every confirmation is awaited, also after a failure: the fallback must not send a
        // record while one of the chain may still be stored.
        let mut confirmed = 0;
        let mut broken = false;
        for ack in acks {
            let ok = ack.await.is_ok();
            if ok && !broken {
                confirmed += 1;
            } else {
                broken = true;
            }
        }
        confirmed
    }
}

fn headers(r: &Record, after: Option<&str>) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    h.insert(HEADER_EVENT_ID, r.event_id.as_str());
    h.insert(HEADER_PARTITION_KEY, r.partition_key.as_str());
    h.insert(HEADER_DISCRIMINATOR, r.discriminator.as_str());
    if let Some(id) = &r.request_id {
        h.insert(HEADER_REQUEST_ID, id.as_str());
    }
    if let Some(last) = after {
        h.insert(async_nats::header::NATS_EXPECTED_LAST_MESSAGE_ID, last);
    }
    h
}

#[async_trait]
impl Transport for NatsTransport {
    async fn publish(&self, records: &[Record]) -> Result<(), PublishError> {
        let mut subjects: Vec<&str> = records.iter().map(|r| r.stream.as_str()).collect();
        subjects.sort_unstable();
        subjects.dedup();
        for stream in subjects {
            self.ensure_once(&self.subject(stream))
                .await
                .map_err(|e| PublishError::none(e, records.len()))?;
        }
        let mut confirmed = vec![false; records.len()];
        // 1. One pipelined chain per stream (see `chain`): the common case, every record
        //    confirmed after about one round trip, in order.
        let chains = streams_in_call_order(records);
        let settled =
            futures_util::future::join_all(chains.iter().map(|c| self.chain(records, c))).await;
        for (chain, n) in chains.iter().zip(settled) {
            for &i in &chain[..n] {
                confirmed[i] = true;
            }
        }
        if confirmed.iter().all(|c| *c) {
            return Ok(());
        }
        // 2. A chain broke (a record refused or unconfirmed, or another publisher wrote to the
        //    stream in between, so the next expectation failed). Every chain record after the
        //    break was refused or is a duplicate of a stored one, and every ack has settled.
        //    The rest goes one lane per partition key, all lanes at once: a lane sends its
        //    next record once the previous one is confirmed and stops at its first failure, so
        //    a key's records are stored in order and none overtakes a failed one, while one
        //    failing key does not hold up the others.
        let rest: Vec<usize> = (0..records.len()).filter(|&i| !confirmed[i]).collect();
        let lanes = super::lanes_of(records, &rest)
            .into_iter()
            .map(|lane| async move {
                for (done, &i) in lane.iter().enumerate() {
                    if let Err(e) = self.send(&records[i], None).await {
                        return (lane, done, Some((i, e)));
                    }
                }
                let n = lane.len();
                (lane, n, None)
            });
        let mut errors = Vec::new();
        for (lane, done, error) in futures_util::future::join_all(lanes).await {
            for &i in &lane[..done] {
                confirmed[i] = true;
            }
            errors.extend(error);
        }
        PublishError::collect(confirmed, errors)
    }

    async fn subscribe(
        &self,
        def: &StreamDef,
        consumer_name: &str,
    ) -> Result<Box<dyn Subscription>, EventError> {
        let s = self.ensure_stream(&self.subject(def.name)).await?;
        let durable = jetstream_name(consumer_name);
        let consumer: consumer::PullConsumer = s
            .get_or_create_consumer(
                &durable,
                consumer::pull::Config {
                    durable_name: Some(durable.clone()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: self.config.ack_wait,
                    max_ack_pending: self.config.max_ack_pending,
                    deliver_policy: consumer::DeliverPolicy::All,
                    ..Default::default()
                },
            )
            .await
            .map_err(EventError::transport)?;
        Ok(Box::new(NatsSubscription {
            consumer,
            stream: def.name.to_owned(),
            messages: std::sync::Mutex::new(None),
        }))
    }

    async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), EventError> {
        let subject = self.subject(&format!("{}.dead_letter", letter.record.stream));
        self.ensure_once(&subject).await?;
        let mut h = headers(&letter.record, None);
        // A record dead-lettered by two consumers is two letters: not de-duplicated by event id.
        h.insert(
            HEADER_EVENT_ID,
            format!("{}:{}", letter.consumer, letter.record.event_id).as_str(),
        );
        h.insert(HEADER_ERROR, letter.error.as_str());
        h.insert(HEADER_ATTEMPTS, letter.attempts.to_string().as_str());
        h.insert(HEADER_CONSUMER, letter.consumer.as_str());
        h.insert(HEADER_STREAM, letter.record.stream.as_str());
        self.js
            .publish_with_headers(subject, h, letter.record.payload.clone())
            .await
            .map_err(EventError::transport)?
            .await
            .map_err(EventError::transport)?;
        Ok(())
    }
}

struct NatsSubscription {
    consumer: consumer::PullConsumer,
    stream: String,
    /// The consumer's message stream (pull requests kept outstanding, at most a batch ahead),
    /// opened on the first fetch. In a mutex only to be `Sync`; `fetch` has `&mut self`.
    messages: std::sync::Mutex<Option<consumer::pull::Stream>>,
}

#[async_trait]
impl Subscription for NatsSubscription {
    async fn fetch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>, EventError> {
        let slot = self.messages.get_mut().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let opened = self
                .consumer
                .stream()
                .max_messages_per_batch(max.max(1))
                .messages()
                .await
                .map_err(EventError::transport)?;
            *slot = Some(opened);
        }
        let Some(messages) = slot.as_mut() else {
            return Ok(Vec::new());
        };
        // Wait up to `wait` for the first record (no busy polling while idle, no batching delay
        // when one comes), then take what is already there, up to `max`.
        let mut taken = Vec::new();
        match tokio::time::timeout(wait, messages.next()).await {
            Err(_) => return Ok(Vec::new()),
            Ok(None) => {
                *slot = None;
                return Ok(Vec::new());
            }
            Ok(Some(Err(e))) => {
                *slot = None;
                return Err(EventError::transport(e));
            }
            Ok(Some(Ok(m))) => taken.push(m),
        }
        while taken.len() < max {
            match messages.next().now_or_never() {
                Some(Some(Ok(m))) => taken.push(m),
                Some(Some(Err(_))) | Some(None) => {
                    // Hand out what was taken; the next fetch opens the stream again.
                    *slot = None;
                    break;
                }
                None => break,
            }
        }
        Ok(taken.into_iter().map(|m| self.delivery(m)).collect())
    }
}

impl NatsSubscription {
    fn delivery(&self, m: jetstream::Message) -> Delivery {
        let delivered = m.info().map(|i| i.delivered.max(1) as u32).unwrap_or(1);
        let (message, acker) = m.split();
        let mut record = Record {
            stream: self.stream.clone(),
            event_id: String::new(),
            partition_key: String::new(),
            discriminator: String::new(),
            request_id: None,
            payload: message.payload,
        };
        // One pass over the headers (names compared as HTTP does, ignoring case) rather than a
        // parsed and hashed lookup per field.
        for (name, values) in message.headers.iter().flat_map(|h| h.iter()) {
            let name: &str = name.as_ref();
            let is = |header: &str| name.eq_ignore_ascii_case(header);
            let slot = if is(HEADER_EVENT_ID) {
                &mut record.event_id
            } else if is(HEADER_PARTITION_KEY) {
                &mut record.partition_key
            } else if is(HEADER_DISCRIMINATOR) {
                &mut record.discriminator
            } else if is(HEADER_REQUEST_ID) {
                record.request_id.get_or_insert_with(String::new)
            } else {
                continue;
            };
            if let Some(v) = values.first() {
                v.as_str().clone_into(slot);
            }
        }
        Delivery {
            record,
            delivered,
            ack: Box::new(NatsAck(acker)),
        }
    }
}

struct NatsAck(jetstream::message::Acker);

#[async_trait]
impl Ack for NatsAck {
    async fn ack(&self) -> Result<(), EventError> {
        // A plain ack (no round trip): one lost on the way means a redelivery, which the inbox
        // absorbs, as after a crash.
        self.0.ack().await.map_err(EventError::transport)
    }
    async fn nak(&self, delay: Option<Duration>) -> Result<(), EventError> {
        self.0
            .ack_with(jetstream::AckKind::Nak(delay))
            .await
            .map_err(EventError::transport)
    }
}
