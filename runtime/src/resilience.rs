//! Client resilience (Newman's bulkheads and circuit breakers): per-operation timeouts, a
//! concurrency limit per downstream service and a circuit breaker, set on the
//! [`ClientBuilder`](crate::client::ClientBuilder) and applied to every attempt in the client's
//! single send path.
//!
//! Defaults ([`Resilience::default`]):
//!
//! | setting | default | builder method |
//! |---|---|---|
//! | timeout of one attempt (queueing in the bulkhead included) | 30 s | `with_timeout` |
//! | per-operation timeout | none (the client's timeout) | `with_operation_timeout(Method::GET, "/users/:id", d)` |
//! | bulkhead: requests in flight to the service at once | 64 (others wait, within their timeout) | `with_max_concurrency(Some(n))` / `None` |
//! | circuit breaker: consecutive failures that open it | 5 | `with_circuit_breaker(Some(BreakerPolicy { .. }))` / `None` |
//! | circuit breaker: cool-down before one trial call (half-open) | 30 s | same |
//!
//! A failure is a transport error, a timeout or a 5xx status. While the breaker is open, calls
//! fail at once with [`Error::CircuitOpen`](crate::client::Error::CircuitOpen) without touching
//! the network; after the cool-down one trial call goes through (half-open): a success closes the
//! breaker, a failure opens it for another cool-down. A generated client is one downstream service,
//! and its clones share one bulkhead and one breaker.
//!
//! The bulkhead is tower's `ConcurrencyLimit` and the timeout tower's `Timeout`, around the one
//! service that executes a request and reads its body. The breaker is the small state machine
//! below rather than a crate: tower has none, `tower-circuitbreaker` is deprecated in favour of
//! `tower-resilience`, a young family of crates with a fast-changing API, and what a client needs
//! here (consecutive failures, one cool-down, one half-open trial, classification of HTTP
//! statuses) is three states behind a mutex, tested in this module.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// When the circuit breaker opens and how long it stays open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Consecutive failed attempts that open the breaker.
    pub failures: u32,
    /// How long it stays open before a trial call is let through.
    pub cool_down: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            failures: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

/// The resilience settings of a client (see the module documentation for the defaults).
#[derive(Clone, Debug)]
pub struct Resilience {
    pub max_concurrency: Option<usize>,
    pub breaker: Option<BreakerPolicy>,
    /// (method, path template with `:param` segments, timeout).
    pub operation_timeouts: Vec<(Method, String, Duration)>,
}

impl Default for Resilience {
    fn default() -> Self {
        Resilience {
            max_concurrency: Some(64),
            breaker: Some(BreakerPolicy::default()),
            operation_timeouts: Vec::new(),
        }
    }
}

impl Resilience {
    /// The timeout of an operation: the first per-operation timeout whose method and template
    /// match the request (`/users/:id` matches `/users/u1`), else `default`.
    pub fn timeout_for(
        &self,
        method: &Method,
        path: &str,
        default: Option<Duration>,
    ) -> Option<Duration> {
        self.operation_timeouts
            .iter()
            .find(|(m, t, _)| m == method && template_matches(t, path))
            .map(|(_, _, d)| Some(*d))
            .unwrap_or(default)
    }
}

fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with(':') || t == p)
}

/// A response as read by the execute service: status, headers, body.
pub(crate) type Received = (StatusCode, HeaderMap, Bytes);

/// The tower service that sends one request and reads the whole response body (so the bulkhead's
/// permit is held until the body has arrived).
#[derive(Clone)]
pub(crate) struct Execute(pub reqwest::Client);

impl tower::Service<reqwest::Request> for Execute {
    type Response = Received;
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Received, reqwest::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: reqwest::Request) -> Self::Future {
        let http = self.0.clone();
        Box::pin(async move {
            let r = http.execute(req).await?;
            let status = r.status();
            let headers = r.headers().clone();
            let body = r.bytes().await?;
            Ok((status, headers, body))
        })
    }
}

/// How one attempt ended, for the breaker and the retry loop.
pub(crate) enum Outcome {
    Received(Received),
    Transport(reqwest::Error),
    TimedOut(Duration),
}

/// The bulkhead and the breaker of one client (shared by its clones).
#[derive(Clone)]
pub(crate) struct Guard {
    limit: Option<tower::limit::ConcurrencyLimit<Execute>>,
    plain: Execute,
    breaker: Option<Arc<Breaker>>,
}

impl Guard {
    pub fn new(http: reqwest::Client, r: &Resilience) -> Self {
        let plain = Execute(http);
        Guard {
            limit: r
                .max_concurrency
                .map(|n| tower::limit::ConcurrencyLimit::new(plain.clone(), n.max(1))),
            plain,
            breaker: r.breaker.map(|p| Arc::new(Breaker::new(p))),
        }
    }

    /// Whether the breaker lets a call through now.
    pub fn admit(&self) -> bool {
        self.breaker.as_ref().is_none_or(|b| b.admit())
    }

    /// Runs one attempt through the bulkhead within `timeout`, and tells the breaker.
    pub async fn attempt(&self, req: reqwest::Request, timeout: Option<Duration>) -> Outcome {
        use tower::ServiceExt;
        let run = async {
            match &self.limit {
                Some(limit) => limit.clone().oneshot(req).await,
                None => self.plain.clone().oneshot(req).await,
            }
        };
        let outcome = match timeout {
            Some(t) => match tokio::time::timeout(t, run).await {
                Ok(r) => r.map_or_else(Outcome::Transport, Outcome::Received),
                Err(_) => Outcome::TimedOut(t),
            },
            None => run.await.map_or_else(Outcome::Transport, Outcome::Received),
        };
        if let Some(b) = &self.breaker {
            let failed = match &outcome {
                Outcome::Received((status, _, _)) => status.is_server_error(),
                Outcome::Transport(_) | Outcome::TimedOut(_) => true,
            };
            b.record(!failed);
        }
        outcome
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        since: Instant,
    },
    /// After the cool-down: one trial call is in flight.
    HalfOpen,
}

/// Closed → (n consecutive failures) → Open → (cool-down) → HalfOpen (one trial) → Closed or Open.
pub(crate) struct Breaker {
    policy: BreakerPolicy,
    state: Mutex<State>,
}

impl Breaker {
    fn new(policy: BreakerPolicy) -> Self {
        Breaker {
            policy,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }
    fn admit(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *s {
            State::Closed { .. } => true,
            State::Open { since } if since.elapsed() >= self.policy.cool_down => {
                *s = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => false,
        }
    }
    fn record(&self, success: bool) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *s = match (*s, success) {
            (_, true) => State::Closed { failures: 0 },
            (State::Closed { failures }, false) if failures + 1 < self.policy.failures.max(1) => {
                State::Closed {
                    failures: failures + 1,
                }
            }
            (State::Open { since }, false) => State::Open { since },
            (_, false) => State::Open {
                since: Instant::now(),
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_half_opens_and_closes() {
        let b = Breaker::new(BreakerPolicy {
            failures: 2,
            cool_down: Duration::from_millis(20),
        });
        assert!(b.admit());
        b.record(false);
        assert!(b.admit());
        b.record(false);
        assert!(!b.admit(), "open after two failures");
        std::thread::sleep(Duration::from_millis(30));
        assert!(b.admit(), "half-open after the cool-down");
        assert!(!b.admit(), "one trial at a time");
        b.record(false);
        assert!(!b.admit(), "a failed trial opens it again");
        std::thread::sleep(Duration::from_millis(30));
        assert!(b.admit());
        b.record(true);
        assert!(b.admit() && b.admit(), "a successful trial closes it");
    }

    #[test]
    fn operation_timeouts_match_templates() {
        let r = Resilience {
            operation_timeouts: vec![(Method::GET, "/users/:id".into(), Duration::from_secs(1))],
            ..Resilience::default()
        };
        let d = Some(Duration::from_secs(30));
        assert_eq!(
            r.timeout_for(&Method::GET, "/users/u1", d),
            Some(Duration::from_secs(1))
        );
        assert_eq!(r.timeout_for(&Method::GET, "/users", d), d);
        assert_eq!(r.timeout_for(&Method::PUT, "/users/u1", d), d);
    }
}
