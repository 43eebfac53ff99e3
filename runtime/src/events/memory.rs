//! An in-process transport for tests (feature `events-memory`): the events equivalent of the
//! mock client. Streams keep every record; each durable consumer has its own position, so
//! tests can ask what was published ([`MemoryTransport::records`], [`MemoryTransport::find`],
//! [`MemoryTransport::events`]), what a consumer has not yet acknowledged
//! ([`MemoryTransport::pending`]) or has ([`MemoryTransport::consumed`]), and what was
//! dead-lettered. A record handed out and not acknowledged is handed out again on the next fetch
//! after a nak, or after [`MemoryTransport::redeliver`] (what a broker does after `ack_wait`).

use super::{
    async_trait, Ack, DeadLetter, Delivery, Event, EventError, PublishError, Record, StreamDef,
    Subscription, Transport,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Default)]
struct ConsumerState {
    acked: BTreeSet<usize>,
    in_flight: BTreeSet<usize>,
    delivered: HashMap<usize, u32>,
}

#[derive(Default)]
struct State {
    streams: BTreeMap<String, Vec<Record>>,
    consumers: BTreeMap<(String, String), ConsumerState>,
    dead: Vec<DeadLetter>,
    /// When set, `publish` fails with this message (to test producers' error paths).
    fail_publish: Option<String>,
    /// Event ids `publish` refuses, with the error message (a broker rejecting one record).
    fail_events: HashMap<String, String>,
}

/// See the module docs. Cheap to clone: clones share the streams.
#[derive(Clone, Default)]
pub struct MemoryTransport {
    state: Arc<Mutex<State>>,
}

impl MemoryTransport {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every record published to `stream`, in order.
    pub fn records(&self, stream: &str) -> Vec<Record> {
        self.lock().streams.get(stream).cloned().unwrap_or_default()
    }

    /// Every event of `E`'s stream, decoded (records that do not decode are left out).
    pub fn events<E: Event>(&self) -> Vec<E> {
        self.records(E::STREAM.name)
            .iter()
            .filter_map(|r| serde_json::from_slice(&r.payload).ok())
            .collect()
    }

    /// The record with this event id, in any stream.
    pub fn find(&self, event_id: &str) -> Option<Record> {
        self.lock()
            .streams
            .values()
            .flatten()
            .find(|r| r.event_id == event_id)
            .cloned()
    }

    /// The event with this event id in `E`'s stream, decoded.
    pub fn find_event<E: Event>(&self, event_id: &str) -> Option<E> {
        let s = self.lock();
        let r = s
            .streams
            .get(E::STREAM.name)?
            .iter()
            .find(|r| r.event_id == event_id)?;
        serde_json::from_slice(&r.payload).ok()
    }

    /// Records of `stream` that `consumer` has not acknowledged yet.
    pub fn pending(&self, stream: &str, consumer: &str) -> Vec<Record> {
        self.select(stream, consumer, false)
    }

    /// Records of `stream` that `consumer` has acknowledged.
    pub fn consumed(&self, stream: &str, consumer: &str) -> Vec<Record> {
        self.select(stream, consumer, true)
    }

    fn select(&self, stream: &str, consumer: &str, acked: bool) -> Vec<Record> {
        let s = self.lock();
        let empty = ConsumerState::default();
        let c = s
            .consumers
            .get(&(stream.to_owned(), consumer.to_owned()))
            .unwrap_or(&empty);
        s.streams
            .get(stream)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(i, _)| c.acked.contains(i) == acked)
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Dead letters stored through this transport.
    pub fn dead_letters(&self) -> Vec<DeadLetter> {
        self.lock().dead.clone()
    }

    /// Hands out again every record that was delivered and not acknowledged (a broker's
    /// `ack_wait` expiring, e.g. after a consumer crashed).
    pub fn redeliver(&self) {
        for c in self.lock().consumers.values_mut() {
            c.in_flight.clear();
        }
    }

    /// Makes `publish` fail (`Some(message)`) or work again (`None`).
    pub fn fail_publish(&self, message: Option<&str>) {
        self.lock().fail_publish = message.map(str::to_owned);
    }

    /// Makes `publish` refuse the record with this event id (`Some(message)`), as a broker
    /// rejecting one record, or accept it again (`None`). Later records of the refused record's
    /// partition key in the same call are not stored either; other keys are.
    pub fn fail_event(&self, event_id: &str, message: Option<&str>) {
        let mut s = self.lock();
        match message {
            Some(m) => s.fail_events.insert(event_id.to_owned(), m.to_owned()),
            None => s.fail_events.remove(event_id),
        };
    }

    /// Forgets every record, consumer position and dead letter.
    pub fn clear(&self) {
        *self.lock() = State::default();
    }
}

#[async_trait]
impl Transport for MemoryTransport {
    async fn publish(&self, records: &[Record]) -> Result<(), PublishError> {
        let mut s = self.lock();
        if let Some(m) = &s.fail_publish {
            let error = EventError::Transport(m.clone());
            return Err(PublishError::none(error, records.len()));
        }
        let mut confirmed = vec![false; records.len()];
        let mut errors = Vec::new();
        for lane in super::lanes(records) {
            for i in lane {
                if let Some(m) = s.fail_events.get(&records[i].event_id) {
                    errors.push((i, EventError::Transport(m.clone())));
                    break;
                }
                confirmed[i] = true;
            }
        }
        // Stored in call order (the lanes only decide what is stored).
        for (r, _) in records.iter().zip(&confirmed).filter(|(_, c)| **c) {
            s.streams
                .entry(r.stream.clone())
                .or_default()
                .push(r.clone());
        }
        PublishError::collect(confirmed, errors)
    }

    async fn subscribe(
        &self,
        stream: &StreamDef,
        consumer: &str,
    ) -> Result<Box<dyn Subscription>, EventError> {
        let key = (stream.name.to_owned(), consumer.to_owned());
        self.lock().consumers.entry(key.clone()).or_default();
        Ok(Box::new(MemorySubscription {
            transport: self.clone(),
            key,
        }))
    }

    async fn dead_letter(&self, letter: &DeadLetter) -> Result<(), EventError> {
        self.lock().dead.push(letter.clone());
        Ok(())
    }
}

struct MemorySubscription {
    transport: MemoryTransport,
    key: (String, String),
}

impl MemorySubscription {
    fn take(&self, max: usize) -> Vec<Delivery> {
        let mut s = self.transport.lock();
        let State {
            streams, consumers, ..
        } = &mut *s;
        let records = streams.get(&self.key.0).map(Vec::as_slice).unwrap_or(&[]);
        let c = consumers.entry(self.key.clone()).or_default();
        let mut out = Vec::new();
        for (i, r) in records.iter().enumerate() {
            if out.len() >= max {
                break;
            }
            if c.acked.contains(&i) || c.in_flight.contains(&i) {
                continue;
            }
            c.in_flight.insert(i);
            let n = c.delivered.entry(i).or_default();
            *n += 1;
            out.push(Delivery {
                record: r.clone(),
                delivered: *n,
                ack: Box::new(MemoryAck {
                    transport: self.transport.clone(),
                    key: self.key.clone(),
                    index: i,
                }),
            });
        }
        out
    }
}

#[async_trait]
impl Subscription for MemorySubscription {
    async fn fetch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>, EventError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let out = self.take(max);
            if !out.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(out);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

struct MemoryAck {
    transport: MemoryTransport,
    key: (String, String),
    index: usize,
}

#[async_trait]
impl Ack for MemoryAck {
    async fn ack(&self) -> Result<(), EventError> {
        let mut s = self.transport.lock();
        let c = s.consumers.entry(self.key.clone()).or_default();
        c.in_flight.remove(&self.index);
        c.acked.insert(self.index);
        Ok(())
    }
    async fn nak(&self, _delay: Option<Duration>) -> Result<(), EventError> {
        let mut s = self.transport.lock();
        let c = s.consumers.entry(self.key.clone()).or_default();
        c.in_flight.remove(&self.index);
        Ok(())
    }
}
