//! The HTTP client plumbing of generated clients (on reqwest) and their error taxonomy.
//!
//! A generated operation builds a [`Request`], sends it and matches the status: documented success
//! statuses decode their body ([`Response::ok_json`]), documented error statuses become a variant of
//! the operation's error type `E` ([`Error::Documented`]), and anything else is
//! [`Error::UnexpectedStatus`] or [`Error::InvalidBody`] with the status, headers and raw body. No
//! server reply makes a generated client panic.

use crate::param::{encode_segment_into, Param};
pub use crate::resilience::{BreakerPolicy, Resilience};
use crate::resilience::{Guard, Outcome};
use crate::PersonalData;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The header that carries the request id, on every call.
pub const REQUEST_ID_HEADER: &str = crate::request_id::HEADER;

/// The error of one operation. `E` is the operation's documented-error type.
///
/// `Display` and `Debug` never print a received or sent value (which may be personal data): a raw
/// body shows as its length, headers by name only, JSON errors without the values serde quotes,
/// transport errors without the URL (path and query parameters); a documented error prints
/// through its generated `Debug`, which redacts personal-data fields.
pub enum Error<E> {
    /// A status the spec documents as an error, with its decoded body.
    Documented(Box<Documented<E>>),
    /// A status the spec does not document for this operation.
    UnexpectedStatus(Box<RawResponse>),
    /// A documented status whose body did not decode as the documented type.
    InvalidBody(Box<RawResponse>, serde_json::Error),
    /// The request could not be sent or the response could not be read.
    Transport(reqwest::Error),
    /// The request body could not be encoded, or a header value was not valid.
    Encode(String),
    /// An attempt took longer than the operation's timeout (waiting for the bulkhead included).
    Timeout(Duration),
    /// The circuit breaker is open: recent calls to this service failed, so this one was not sent
    /// ([`crate::resilience`]).
    CircuitOpen,
    /// Replay mode: no recorded interaction matches the request ([`crate::record`]).
    #[cfg(feature = "record")]
    Replay(Box<crate::record::ReplayMiss>),
}

/// What a generated client method returns: the success value `T`, or an [`Error`] whose
/// documented variant carries `E`, the operation's error enum (`Infallible` when the operation
/// documents no error status).
pub type CallResult<T, E = std::convert::Infallible> = Result<T, Error<E>>;

/// The future a generated client trait method returns (`ItemsApi::get_by_id`, implemented by the
/// client and by the mock client): a `Send` future of the method's [`CallResult`]. Every such
/// future implements it; it only names `Future<Output = CallResult<T, E>> + Send` once.
pub trait CallFuture<T, E = std::convert::Infallible>:
    std::future::Future<Output = CallResult<T, E>> + Send
{
}

impl<F, T, E> CallFuture<T, E> for F where F: std::future::Future<Output = CallResult<T, E>> + Send {}

/// A documented error response: status, headers and the operation's typed error.
pub struct Documented<E> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub error: E,
}

impl<E: std::fmt::Debug> std::fmt::Debug for Documented<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documented")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("error", &self.error)
            .finish()
    }
}

impl<E: std::fmt::Debug> std::fmt::Display for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Documented(d) => write!(f, "{}: {:?}", d.status, d.error),
            Error::UnexpectedStatus(r) => write!(f, "undocumented status {}", r.status),
            Error::InvalidBody(r, error) => write!(
                f,
                "invalid body with status {}: {}",
                r.status,
                crate::redact::json_error_message(error)
            ),
            // reqwest's own message is generic ("error sending request"): the cause (connection
            // refused, DNS, TLS, an HTTPS URL without the `rustls` feature) is in its sources.
            Error::Transport(e) => {
                write!(f, "transport error: {e}")?;
                let mut cause = std::error::Error::source(e);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            Error::Encode(e) => write!(f, "could not encode the request: {e}"),
            Error::Timeout(t) => write!(f, "timed out after {t:?}"),
            Error::CircuitOpen => {
                f.write_str("circuit breaker open: the service failed repeatedly")
            }
            #[cfg(feature = "record")]
            Error::Replay(m) => f.write_str(&m.message),
        }
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Documented(d) => f.debug_tuple("Documented").field(d).finish(),
            Error::UnexpectedStatus(r) => f.debug_tuple("UnexpectedStatus").field(r).finish(),
            Error::InvalidBody(r, error) => f
                .debug_tuple("InvalidBody")
                .field(r)
                .field(&crate::redact::json_error_message(error))
                .finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Encode(e) => f.debug_tuple("Encode").field(e).finish(),
            Error::Timeout(t) => f.debug_tuple("Timeout").field(t).finish(),
            Error::CircuitOpen => f.write_str("CircuitOpen"),
            #[cfg(feature = "record")]
            Error::Replay(m) => f.debug_tuple("Replay").field(&m.message).finish(),
        }
    }
}

/// Header names only: header values may carry personal data.
struct HeaderNames<'a>(&'a HeaderMap);

impl std::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<E: std::fmt::Debug> std::error::Error for Error<E> {}

impl<E> Error<E> {
    /// The documented error, if this is one.
    pub fn documented(&self) -> Option<&E> {
        match self {
            Error::Documented(d) => Some(&d.error),
            _ => None,
        }
    }
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Documented(d) => Some(d.status),
            Error::UnexpectedStatus(r) | Error::InvalidBody(r, _) => Some(r.status),
            Error::Transport(e) => e.status(),
            Error::Encode(_) | Error::Timeout(_) | Error::CircuitOpen => None,
            #[cfg(feature = "record")]
            Error::Replay(_) => None,
        }
    }
}

/// A response as received: status, headers and raw body. `Debug` shows the header names and the
/// body's length, not their contents.
#[derive(Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// Retries of idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) on transport errors
/// and 502/503/504, with exponential backoff.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(100),
        }
    }
}

/// Builder of the shared client state. `Debug` shows default header names, not their values
/// (credentials).
pub struct ClientBuilder {
    base_url: String,
    timeout: Option<Duration>,
    headers: HeaderMap,
    request_id: Option<String>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    resilience: Resilience,
    #[cfg(feature = "record")]
    tap: Tap,
}

/// Record or replay mode of a client ([`crate::record`]).
#[cfg(feature = "record")]
#[derive(Clone, Debug, Default)]
enum Tap {
    #[default]
    Off,
    Record(crate::record::Recorder),
    Replay(crate::record::Replayer),
}

impl ClientBuilder {
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            timeout: Some(Duration::from_secs(30)),
            headers: HeaderMap::new(),
            request_id: None,
            retry: RetryPolicy::default(),
            http: None,
            resilience: Resilience::default(),
            #[cfg(feature = "record")]
            tap: Tap::Off,
        }
    }
    /// Timeout of each attempt (30 s by default), waiting for the bulkhead included; `None`
    /// disables it.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }
    /// A header sent on every request.
    pub fn with_default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }
    /// A header sent on every request, from text (names are case-insensitive; an invalid name or
    /// value is ignored).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(n, v);
        }
        self
    }
    /// The request id sent as `x-request-id` on every call. Without one, a call made while a
    /// generated server handles a request forwards that request's id
    /// ([`crate::request_id::current`]), and any other call gets a new UUID.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// Use this reqwest client (connection pool, TLS settings) instead of a default one.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    /// The timeout of one operation (`path` as in the spec, `:param` for a parameter:
    /// `/users/:id`), instead of the client's timeout.
    pub fn with_operation_timeout(mut self, method: Method, path: &str, timeout: Duration) -> Self {
        self.resilience
            .operation_timeouts
            .push((method, path.to_owned(), timeout));
        self
    }
    /// The bulkhead: at most `n` requests in flight to this service at once (64 by default);
    /// `None` removes the limit.
    pub fn with_max_concurrency(mut self, n: Option<usize>) -> Self {
        self.resilience.max_concurrency = n;
        self
    }
    /// The circuit breaker (5 consecutive failures open it for 30 s by default); `None` turns it
    /// off.
    pub fn with_circuit_breaker(mut self, policy: Option<BreakerPolicy>) -> Self {
        self.resilience.breaker = policy;
        self
    }
    /// Record mode: every request and response goes to `recorder` ([`crate::record`]).
    #[cfg(feature = "record")]
    pub fn with_recorder(mut self, recorder: crate::record::Recorder) -> Self {
        self.tap = Tap::Record(recorder);
        self
    }
    /// Replay mode: requests are answered from the cassette, with no network.
    #[cfg(feature = "record")]
    pub fn with_replay(mut self, replayer: crate::record::Replayer) -> Self {
        self.tap = Tap::Replay(replayer);
        self
    }
    pub fn build(self) -> Inner {
        let http = self.http.unwrap_or_default();
        Inner {
            guard: Guard::new(http.clone(), &self.resilience),
            http,
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            timeout: self.timeout,
            headers: self.headers,
            request_id: self.request_id,
            retry: self.retry,
            resilience: Arc::new(self.resilience),
            #[cfg(feature = "record")]
            tap: self.tap,
        }
    }
}

/// The state shared by a generated client and its resource accessors. `Debug` shows default
/// header names, not their values (credentials).
#[derive(Clone)]
pub struct Inner {
    http: reqwest::Client,
    base_url: String,
    timeout: Option<Duration>,
    headers: HeaderMap,
    request_id: Option<String>,
    retry: RetryPolicy,
    resilience: Arc<Resilience>,
    guard: Guard,
    #[cfg(feature = "record")]
    tap: Tap,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("headers", &HeaderNames(&self.headers))
            .field("request_id", &self.request_id)
            .field("retry", &self.retry)
            .field("resilience", &self.resilience)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("headers", &HeaderNames(&self.headers))
            .field("request_id", &self.request_id)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Inner {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Starts a request; `path` is already encoded (see [`path`]).
    pub fn request(&self, method: Method, path: String) -> Request<'_> {
        Request {
            inner: self,
            method,
            path,
            parts: None,
        }
    }
}

/// Adds a form parameter to the JSON object body of a request (API Builder sends form parameters
/// as the fields of one object). A value that does not serialize is an [`Error::Encode`] naming the
/// parameter, never a silent `null`.
pub fn form_field<T: Serialize + ?Sized, E>(
    form: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::Encode(format!("form parameter `{name}`: {e}")))?;
    form.insert(name.to_owned(), value);
    Ok(())
}

/// Joins literal path pieces and parameter values (percent-encoded). The pieces are `Sync` so that
/// generated operations, which hold them across `.await`, return `Send` futures.
pub fn path(pieces: &[&(dyn PathPiece + Sync)]) -> String {
    let mut out = String::new();
    for p in pieces {
        p.push_to(&mut out);
    }
    out
}

/// The path of an operation from its template in the spec (`/users/:id/roles`): each `:name`
/// segment is replaced, in order, by the next of `params` (a [`Seg`], percent-encoded); a
/// segment without a param left is kept as written. Empty segments are dropped and the path
/// starts with `/`.
pub fn fill(template: &str, params: &[&(dyn PathPiece + Sync)]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * params.len());
    let params_all = params;
    let mut params = params.iter();
    // A template as the generator writes it (`/`, then non-empty segments) is filled in one
    // pass that copies its literal text in runs between the parameters: this runs on every call,
    // and a replayed call is a couple of hundred ns. Any other template takes the path below.
    let b = template.as_bytes();
    if b.len() > 1 && b[0] == b'/' {
        let (mut copied, mut at) = (0, 0);
        loop {
            // `b[at]` is the `/` before a segment.
            let start = at + 1;
            let Some(&first) = b.get(start).filter(|&&c| c != b'/') else {
                break; // an empty segment
            };
            let mut end = start + 1;
            while end < b.len() && b[end] != b'/' {
                end += 1;
            }
            if first == b':' {
                if let Some(p) = params.next() {
                    out.push_str(&template[copied..start]);
                    p.push_to(&mut out);
                    copied = end;
                }
            }
            if end == b.len() {
                out.push_str(&template[copied..]);
                return out;
            }
            at = end;
        }
        out.clear();
        params = params_all.iter();
    }
    // Any other template, segment by segment (empty ones dropped).
    for seg in template.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        match seg.starts_with(':') {
            true => match params.next() {
                Some(p) => p.push_to(&mut out),
                None => out.push_str(seg),
            },
            false => out.push_str(seg),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A piece of a request path: a literal (`&str`, written as is) or a parameter (encoded).
pub trait PathPiece {
    fn push_to(&self, out: &mut String);
}

impl PathPiece for &str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// A path parameter value, percent-encoded when written.
pub struct Seg<'a, T: Param + ?Sized>(pub &'a T);

impl<T: Param + ?Sized> PathPiece for Seg<'_, T> {
    fn push_to(&self, out: &mut String) {
        encode_segment_into(out, &self.0.param_str());
    }
}

/// A request being built.
pub struct Request<'a> {
    inner: &'a Inner,
    method: Method,
    path: String,
    /// Query, headers and body, boxed when the request has any: most calls have none, and a
    /// request (and the future of the call that holds it) then moves in a few words.
    parts: Option<Box<Parts>>,
}

/// What a [`Request`] carries beside its method and path.
#[derive(Default)]
struct Parts {
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    /// Where the body holds personal data (only computed when recording or replaying).
    #[cfg(feature = "record")]
    pointers: Vec<String>,
    /// In replay mode: the JSON body as a value (what the replayer compares), instead of bytes.
    #[cfg(feature = "record")]
    value: Option<serde_json::Value>,
    error: Option<String>,
}

/// The parts of a request that has none.
static NO_PARTS: Parts = Parts {
    query: Vec::new(),
    headers: Vec::new(),
    body: None,
    #[cfg(feature = "record")]
    pointers: Vec::new(),
    #[cfg(feature = "record")]
    value: None,
    error: None,
};

impl<'a> Request<'a> {
    fn parts(&self) -> &Parts {
        self.parts.as_deref().unwrap_or(&NO_PARTS)
    }
    fn parts_mut(&mut self) -> &mut Parts {
        self.parts.get_or_insert_with(Default::default)
    }
    pub fn query<T: Param + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.parts_mut().query.push((name, value.to_param()));
        self
    }
    pub fn query_opt<T: Param + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }
    /// A list: one `name=value` pair per element.
    pub fn query_list<T: Param>(mut self, name: &'static str, values: &[T]) -> Self {
        let query = &mut self.parts_mut().query;
        for v in values {
            query.push((name, v.to_param()));
        }
        self
    }
    pub fn header<T: Param + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.parts_mut().headers.push((name, value.to_param()));
        self
    }
    pub fn header_opt<T: Param + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }
    /// The JSON body. Its personal-data pointers are noted when the client records or replays.
    pub fn json<T: Serialize + PersonalData + ?Sized>(mut self, body: &T) -> Self {
        #[cfg(feature = "record")]
        if let Tap::Replay(_) = self.inner.tap {
            let parts = self.parts_mut();
            match serde_json::to_value(body) {
                Ok(v) => parts.value = Some(v),
                Err(e) => parts.error = Some(e.to_string()),
            }
            parts.pointers = body.personal_data();
            return self;
        }
        #[cfg(feature = "record")]
        let recording = !matches!(self.inner.tap, Tap::Off);
        let parts = self.parts_mut();
        match serde_json::to_vec(body) {
            Ok(b) => parts.body = Some(b),
            Err(e) => parts.error = Some(e.to_string()),
        }
        #[cfg(feature = "record")]
        if recording {
            parts.pointers = body.personal_data();
        }
        self
    }

    /// The request as the recorder and the replayer see it.
    #[cfg(feature = "record")]
    fn live(&self) -> crate::record::LiveRequest {
        let mut headers: std::collections::BTreeMap<String, String> = self
            .inner
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let parts = self.parts();
        for (k, v) in &parts.headers {
            headers.insert(k.to_ascii_lowercase(), v.clone());
        }
        let body = parts
            .body
            .as_deref()
            .and_then(|b| crate::record::split_body(b).0);
        crate::record::LiveRequest {
            method: self.method.to_string(),
            path: self.path.clone(),
            query: parts
                .query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            headers,
            body,
            pointers: parts.pointers.clone(),
        }
    }

    fn build(&self, request_id: &str) -> Result<reqwest::Request, String> {
        let url = format!("{}{}", self.inner.base_url, self.path);
        let mut b = self
            .inner
            .http
            .request(self.method.clone(), url)
            .headers(self.inner.headers.clone())
            .header(REQUEST_ID_HEADER, request_id);
        let parts = self.parts();
        if !parts.query.is_empty() {
            b = b.query(&parts.query);
        }
        for (name, value) in &parts.headers {
            b = b.header(*name, value.as_str());
        }
        if let Some(body) = &parts.body {
            b = b
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        b.build().map_err(|e| e.without_url().to_string())
    }

    /// Sends the request, retrying idempotent methods as the retry policy says. Every attempt
    /// passes the circuit breaker and the bulkhead within the operation's timeout
    /// ([`crate::resilience`]); in replay mode nothing is sent ([`crate::record`]).
    #[inline]
    pub fn send<E: 'a>(mut self) -> Sending<'a, E> {
        if let Some(e) = self.parts.as_mut().and_then(|p| p.error.take()) {
            return Sending::done(Err(Error::Encode(e)));
        }
        // Replay answers here, before anything awaits: the future the caller awaits holds the
        // answer (a few words), not the request and the state of an `async fn` that would be
        // moved into the caller's future and polled once.
        #[cfg(feature = "record")]
        if let Tap::Replay(replayer) = &self.inner.tap {
            let body = self.parts.as_mut().and_then(|p| p.value.take());
            let parts = self.parts();
            let probe = crate::record::Probe {
                method: self.method.as_str(),
                path: &self.path,
                query: parts.query.iter().map(|(k, v)| (*k, v.as_str())).collect(),
                body,
                pointers: &parts.pointers,
            };
            return Sending::done(match replayer.answer(&probe) {
                // Headers and body stay in the replayer, which also keeps the typed value.
                Ok(crate::record::Answer::Prebuilt { index, status, raw }) => Ok(Response {
                    status,
                    raw: Held::Shared(raw),
                    tap: None,
                    replayed: Some((replayer, index)),
                }),
                Ok(crate::record::Answer::Built(raw)) => Ok(Response {
                    status: raw.status,
                    raw: Held::Owned(raw),
                    tap: None,
                    replayed: None,
                }),
                Err(miss) => Err(Error::Replay(miss)),
            });
        }
        // The network path's future (retries, timeouts, the breaker: ~1.7 KB) lives on the heap,
        // so the future of every generated method that awaits it stays small, and one allocation
        // is nothing beside a round trip.
        Sending(Sent::Http(Box::pin(self.send_http())))
    }

    async fn send_http<E>(self) -> Result<Response<'a>, Error<E>> {
        // The client's own id, else the id of the request being handled (a generated server runs
        // its handlers inside `request_id::scope`), else a new one.
        let request_id = self
            .inner
            .request_id
            .clone()
            .or_else(crate::request_id::current)
            .unwrap_or_else(crate::request_id::generate);
        let idempotent = !matches!(self.method, Method::POST | Method::PATCH | Method::CONNECT);
        let retries = if idempotent {
            self.inner.retry.max_retries
        } else {
            0
        };
        let timeout =
            self.inner
                .resilience
                .timeout_for(&self.method, &self.path, self.inner.timeout);
        let mut backoff = self.inner.retry.initial_backoff;
        let mut attempt = 0;
        loop {
            if !self.inner.guard.admit() {
                return Err(Error::CircuitOpen);
            }
            let req = self.build(&request_id).map_err(Error::Encode)?;
            let outcome = self.inner.guard.attempt(req, timeout).await;
            let retryable = match &outcome {
                Outcome::Received((status, _, _)) => matches!(status.as_u16(), 502..=504),
                Outcome::Transport(e) => !e.is_builder(),
                Outcome::TimedOut(_) => true,
            };
            if retryable && attempt < retries {
                attempt += 1;
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                continue;
            }
            let (status, headers, body) = match outcome {
                Outcome::Received(r) => r,
                // The URL holds path and query parameters, which may be personal data.
                Outcome::Transport(e) => return Err(Error::Transport(e.without_url())),
                Outcome::TimedOut(t) => return Err(Error::Timeout(t)),
            };
            let raw = RawResponse {
                status,
                headers,
                body,
            };
            #[cfg(feature = "record")]
            if let Tap::Record(recorder) = &self.inner.tap {
                let index = recorder.push(self.live(), &raw);
                return Ok(Response {
                    status: raw.status,
                    raw: Held::Owned(Box::new(raw)),
                    tap: Some((recorder, index)),
                    replayed: None,
                });
            }
            return Ok(Response::new(raw));
        }
    }
}

/// The future of [`Request::send`]: the response, there already when the call was answered
/// without the network (replay, or a request that could not be encoded), else the network
/// call (boxed).
pub struct Sending<'a, E>(Sent<'a, E>);

enum Sent<'a, E> {
    Done(Option<Result<Response<'a>, Error<E>>>),
    Http(Pin<Box<dyn Future<Output = Result<Response<'a>, Error<E>>> + Send + 'a>>),
}

impl<'a, E> Sending<'a, E> {
    fn done(result: Result<Response<'a>, Error<E>>) -> Self {
        Sending(Sent::Done(Some(result)))
    }
}

// Nothing of `Done` is ever pinned (its result is moved out when polled) and `Http` is a box.
impl<E> Unpin for Sending<'_, E> {}

impl<'a, E> Future for Sending<'a, E> {
    type Output = Result<Response<'a>, Error<E>>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Sent::Done(done) => {
                Poll::Ready(done.take().expect("`Sending` polled after it completed"))
            }
            Sent::Http(call) => call.as_mut().poll(cx),
        }
    }
}

/// What a success type must be for replay to keep it decoded (feature `record`: every generated
/// type is); nothing without that feature.
#[cfg(feature = "record")]
pub trait Answer: Clone + Send + Sync + 'static {}
#[cfg(feature = "record")]
impl<T: Clone + Send + Sync + 'static> Answer for T {}
/// What a success type must be for replay to keep it decoded (feature `record`: every generated
/// type is); nothing without that feature.
#[cfg(not(feature = "record"))]
pub trait Answer {}
#[cfg(not(feature = "record"))]
impl<T> Answer for T {}

/// A received response, consumed by the generated status match. It borrows the client's recorder
/// or replayer (no reference count touched per call).
#[derive(Debug)]
pub struct Response<'a> {
    /// The status, beside `raw`: a replayed answer's status is read without reading the answer.
    status: StatusCode,
    raw: Held<'a>,
    /// In record mode: the recording entry, told the personal data of the decoded body.
    #[cfg(feature = "record")]
    tap: Option<(&'a crate::record::Recorder, usize)>,
    /// In replay mode, for an answer the same in every replay: the replayer and the interaction,
    /// which keeps the answer (`raw` is the replayer's) and the typed value decoded from it
    /// ([`crate::record`]).
    #[cfg(feature = "record")]
    replayed: Option<(&'a crate::record::Replayer, usize)>,
    #[cfg(not(feature = "record"))]
    client: std::marker::PhantomData<&'a Inner>,
}

/// A response's status, headers and body.
#[derive(Debug)]
enum Held<'a> {
    /// Received, or built for this call: boxed, so that a response moves in a few words.
    Owned(Box<RawResponse>),
    /// A replayed answer built once and kept by the replayer: nothing copied per call.
    #[cfg_attr(not(feature = "record"), allow(dead_code))]
    Shared(&'a RawResponse),
}

impl Response<'_> {
    pub fn new(raw: RawResponse) -> Self {
        Response {
            status: raw.status,
            raw: Held::Owned(Box::new(raw)),
            #[cfg(feature = "record")]
            tap: None,
            #[cfg(feature = "record")]
            replayed: None,
            #[cfg(not(feature = "record"))]
            client: std::marker::PhantomData,
        }
    }
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }
    pub fn raw(&self) -> &RawResponse {
        match &self.raw {
            Held::Owned(raw) => raw,
            Held::Shared(raw) => raw,
        }
    }
    pub fn into_raw(self) -> RawResponse {
        match self.raw {
            Held::Owned(raw) => *raw,
            Held::Shared(raw) => raw.clone(),
        }
    }
    fn decoded<T: PersonalData>(&self, value: &T) {
        #[cfg(feature = "record")]
        if let Some((recorder, index)) = &self.tap {
            recorder.response_pointers(*index, value.personal_data());
        }
        let _ = value;
    }
    /// A documented success with a JSON body.
    #[inline]
    pub fn ok_json<T: DeserializeOwned + PersonalData + Answer, E>(self) -> Result<T, Error<E>> {
        // A replayed answer decoded before (in this replay session or another of the same
        // cassette) is cloned, not decoded again: inline, so the clone is made where the caller
        // keeps the result rather than moved there.
        #[cfg(feature = "record")]
        if let Some((replayer, i)) = &self.replayed {
            if let Some(v) = replayer.typed::<T>(*i) {
                return Ok(v.clone());
            }
        }
        self.decode_json()
    }
    fn decode_json<T: DeserializeOwned + PersonalData + Answer, E>(self) -> Result<T, Error<E>> {
        match serde_json::from_slice(&self.raw().body) {
            Ok(v) => {
                self.decoded(&v);
                #[cfg(feature = "record")]
                if let Some((replayer, i)) = &self.replayed {
                    replayer.keep_typed(*i, &v);
                }
                Ok(v)
            }
            Err(error) => Err(Error::InvalidBody(Box::new(self.into_raw()), error)),
        }
    }
    /// A documented error with a JSON body, wrapped by `variant` into the operation's error type.
    pub fn err_json<T: DeserializeOwned + PersonalData, E, R>(
        self,
        variant: impl FnOnce(T) -> E,
    ) -> Result<R, Error<E>> {
        match serde_json::from_slice(&self.raw().body) {
            Ok(v) => {
                self.decoded(&v);
                let raw = self.into_raw();
                Err(Error::Documented(Box::new(Documented {
                    status: raw.status,
                    headers: raw.headers,
                    error: variant(v),
                })))
            }
            Err(error) => Err(Error::InvalidBody(Box::new(self.into_raw()), error)),
        }
    }
    /// A documented error without a body.
    pub fn err_unit<E, R>(self, error: E) -> Result<R, Error<E>> {
        let raw = self.into_raw();
        Err(Error::Documented(Box::new(Documented {
            status: raw.status,
            headers: raw.headers,
            error,
        })))
    }
    /// A status the operation does not document.
    pub fn unexpected<E, R>(self) -> Result<R, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(self.into_raw())))
    }
    /// A status that is not a documented success: the operation's documented error for it
    /// ([`Errors`]), else an unexpected status.
    pub fn error<E: Errors, R>(self) -> Result<R, Error<E>> {
        E::from_response(self)
    }
    /// The JSON body of the operation's one documented success `status` ([`Response::ok_json`]),
    /// or the documented error of another status ([`Response::error`]). Inline, as `ok_json`
    /// is: a replayed answer is cloned where the caller keeps it.
    #[inline]
    pub fn json_or_error<T: DeserializeOwned + PersonalData + Answer, E: Errors>(
        self,
        status: u16,
    ) -> Result<T, Error<E>> {
        match self.status() == status {
            true => self.ok_json(),
            false => self.error(),
        }
    }
    /// `()` for the operation's one documented success `status` (a body-less success), or the
    /// documented error of another status ([`Response::error`]).
    pub fn unit_or_error<E: Errors>(self, status: u16) -> Result<(), Error<E>> {
        match self.status() == status {
            true => Ok(()),
            false => self.error(),
        }
    }
}

/// An operation's documented errors, decoded by status. Generated clients implement it for each
/// operation's error enum with [`errors!`](crate::errors).
pub trait Errors: Sized {
    /// The documented error that `resp`'s status answers ([`Response::err_json`],
    /// [`Response::err_unit`]), else [`Error::UnexpectedStatus`].
    fn from_response<R>(resp: Response<'_>) -> Result<R, Error<Self>>;
}

impl Errors for std::convert::Infallible {
    fn from_response<R>(resp: Response<'_>) -> Result<R, Error<Self>> {
        resp.unexpected()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template fills its parameter segments in order, encoded, like the pieces it replaces.
    #[test]
    fn fill_is_path_of_the_pieces() {
        let (org, id) = ("a b", 7i64);
        assert_eq!(
            fill("/internal/:org/items/:id/", &[&Seg(org), &Seg(&id)]),
            path(&[&"/internal/", &Seg(org), &"/items/", &Seg(&id)])
        );
        assert_eq!(fill("/internal/:org", &[&Seg(org)]), "/internal/a%20b");
        assert_eq!(fill("/", &[]), "/");
        assert_eq!(fill("/x/:y", &[]), "/x/:y");
        // Empty segments are dropped; a parameter is encoded from its text without a copy.
        assert_eq!(fill("//a//:b/", &[&Seg("x/y")]), "/a/x%2Fy");
        assert_eq!(fill("", &[]), "/");
        assert_eq!(fill("/é/:x", &[&Seg(&"é".to_owned())]), "/é/%C3%A9");
        // Templates as the generator writes them take the run-copying path; every other one the
        // segment-by-segment path: both say the same for the same segments.
        let pieces: [&(dyn PathPiece + Sync); 3] = [&Seg("a b"), &Seg(&7i64), &Seg("x")];
        for t in [
            "/a",
            "/:a",
            "/a/:b",
            "/:a/:b/:c",
            "/:a/:b/:c/:d",
            "/a/b/:c/d",
            "/a:/b",
            "/:",
            "/a/:b:c/d",
            "/é/:x/ü",
        ] {
            let slow = format!("/{}/", t.replace('/', "//"));
            for n in 0..=pieces.len() {
                assert_eq!(
                    fill(t, &pieces[..n]),
                    fill(&slow, &pieces[..n]),
                    "{t} with {n}"
                );
            }
        }
        assert_eq!(fill("/:a/b/:c", &pieces[..2]), "/a%20b/b/7");
    }

    /// Errors print statuses, header names, lengths and what went wrong, never a received value.
    #[test]
    fn errors_do_not_print_received_values() {
        let secret = "jane.doe@example.com";
        let mut headers = HeaderMap::new();
        headers.insert("x-email", HeaderValue::from_static("jane.doe@example.com"));
        let body = Bytes::from(format!(r#"{{"email": 7, "name": "{secret}"}}"#));
        let raw = RawResponse {
            status: StatusCode::OK,
            headers: headers.clone(),
            body: body.clone(),
        };
        #[derive(Clone, Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Reply {
            name: i32,
        }
        impl crate::PersonalData for Reply {}
        let decoded = Response::new(raw.clone())
            .ok_json::<Reply, ()>()
            .unwrap_err();
        let unexpected = Error::<()>::UnexpectedStatus(Box::new(raw));
        let documented = Error::Documented(Box::new(Documented {
            status: StatusCode::CONFLICT,
            headers,
            error: "typed error",
        }));
        for (e, shown) in [
            (format!("{decoded}"), "invalid body with status 200 OK: invalid type: string, expected i32 at line 1 column 43"),
            (format!("{decoded:?}"), "InvalidBody(RawResponse { status: 200, headers: {\"x-email\"}, body: [44 bytes] }, \"invalid type: string, expected i32 at line 1 column 43\")"),
            (format!("{unexpected:?}"), "UnexpectedStatus(RawResponse { status: 200, headers: {\"x-email\"}, body: [44 bytes] })"),
            (format!("{documented:?}"), "Documented(Documented { status: 409, headers: {\"x-email\"}, error: \"typed error\" })"),
        ] {
            assert!(!e.contains("jane"), "{e}");
            assert_eq!(e, shown);
        }
        assert_eq!(body.len(), 44);
        let client =
            ClientBuilder::new("http://localhost").with_header("authorization", "Bearer t0ken");
        for shown in [format!("{client:?}"), format!("{:?}", client.build())] {
            assert!(shown.contains("\"authorization\""), "{shown}");
            assert!(!shown.contains("t0ken"), "{shown}");
        }
    }

    /// A transport error says why the request failed, not only that it did.
    #[tokio::test]
    async fn transport_error_display_names_the_cause() {
        // A port nobody listens on (bound, then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let inner = ClientBuilder::new(format!("http://127.0.0.1:{port}"))
            .with_retry(RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            })
            .build();
        let err = inner
            .request(Method::GET, "/x".into())
            .send::<std::convert::Infallible>()
            .await
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("transport error: "), "{shown}");
        // reqwest's message alone is "error sending request"; the chain adds the refusal.
        assert!(
            shown.to_lowercase().contains("refused") || shown.contains("connect"),
            "{shown}"
        );
        assert!(
            shown.len() > "transport error: error sending request".len() + 2,
            "{shown}"
        );
    }

    /// A prebuilt replayed answer comes back as its status alone; the typed value (decoded once),
    /// and the headers and body when anything asks for them, come from the replayer.
    #[cfg(feature = "record")]
    #[tokio::test]
    async fn an_elided_replayed_answer_still_has_its_headers_and_body() {
        use crate::record::{Cassette, Interaction, RecordedRequest, RecordedResponse, Replayer};
        let interaction = Interaction {
            request: RecordedRequest {
                method: "GET".into(),
                path: "/n".into(),
                query: Vec::new(),
                headers: Default::default(),
                body: None,
            },
            response: RecordedResponse {
                status: 200,
                headers: [("x-kind".to_owned(), "number".to_owned())].into(),
                body: Some(serde_json::json!(7)),
                text: None,
            },
        };
        let replayer = Replayer::new(Cassette::new(vec![interaction]));
        let inner = ClientBuilder::new("http://127.0.0.1:9")
            .with_replay(replayer)
            .build();
        let call = || inner.request(Method::GET, "/n".into()).send::<()>();
        // The first answer is decoded from the replayer's body (and kept); the second is cloned.
        let first = call().await.unwrap();
        assert!(matches!(first.raw, Held::Shared(_)), "not copied");
        assert_eq!(first.ok_json::<i64, ()>().unwrap(), 7);
        let again = call().await.unwrap();
        assert_eq!(again.status(), 200);
        assert_eq!(&again.raw().body[..], b"7");
        assert_eq!(again.raw().headers["x-kind"], "number");
        // Another type than the kept one decodes the recorded body.
        assert_eq!(again.ok_json::<f64, ()>().unwrap(), 7.0);
        let raw = call().await.unwrap().into_raw();
        assert_eq!((&raw.body[..], raw.status.as_u16()), (&b"7"[..], 200));
        assert!(matches!(
            call().await.unwrap().unexpected::<(), ()>(),
            Err(Error::UnexpectedStatus(r)) if &r.body[..] == b"7"
        ));
    }
}
