//! Shared machinery of generated mock clients (feature `mock`).
//!
//! A generated `MockClient` keeps one [`Stubs`] per operation (the canned answers set by a test)
//! and one [`CallLog`] of typed calls. An operation answers with, in order: the next answer queued
//! with [`Stub::once`], else the answer set for every call, else the generated default (a factory
//! value with the first documented success status). Calls the real server would reject are
//! answered through [`rejected`], so the mock surfaces exactly the error the real client would.
//!
//! ```text
//! let mock = MockClient::new();
//! mock.items().on_get_by_id().returns(item.clone());            // every call
//! mock.items().on_get_by_id().once().fails(ItemsGetByIdError::Status404); // the next call only
//! ```

use crate::client::{Documented, Error, RawResponse, Response};
use crate::validation::ValidationError;
use http::{HeaderMap, HeaderValue, StatusCode};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The status a documented error answers with. Generated mocks implement it for every operation
/// error type; a `Default` variant (the spec's `default` response) answers 500 unless a status is
/// given with [`Stub::fails_with_status`].
pub trait DocumentedError {
    fn status(&self) -> u16;
}

impl DocumentedError for std::convert::Infallible {
    fn status(&self) -> u16 {
        match *self {}
    }
}

/// One canned answer.
#[derive(Clone, Debug)]
enum Reply<T, E> {
    Ok(T),
    Documented(u16, E),
    Undocumented(u16),
}

impl<T, E> Reply<T, E> {
    fn into_result(self) -> Result<T, Error<E>> {
        match self {
            Reply::Ok(v) => Ok(v),
            Reply::Documented(status, error) => Err(Error::Documented(Box::new(Documented {
                status: status_code(status),
                headers: HeaderMap::new(),
                error,
            }))),
            Reply::Undocumented(status) => Err(Error::UnexpectedStatus(Box::new(RawResponse {
                status: status_code(status),
                headers: HeaderMap::new(),
                body: bytes::Bytes::new(),
            }))),
        }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves consistent data behind: keep going.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug)]
struct State<T, E> {
    once: VecDeque<Reply<T, E>>,
    always: Option<Reply<T, E>>,
}

/// The canned answers of one operation: `T` is its success type, `E` its documented-error type.
#[derive(Debug)]
pub struct Stubs<T, E> {
    state: Mutex<State<T, E>>,
}

impl<T, E> Default for Stubs<T, E> {
    fn default() -> Self {
        Stubs {
            state: Mutex::new(State {
                once: VecDeque::new(),
                always: None,
            }),
        }
    }
}

impl<T: Clone, E: Clone> Stubs<T, E> {
    /// A handle that sets the answers of every later call (see [`Stub::once`]).
    pub fn stub(&self) -> Stub<'_, T, E> {
        Stub {
            stubs: self,
            once: false,
        }
    }
    /// The answer of the next call, when one was set: a queued one-off first, else the standing
    /// one; `None` means "use the generated default".
    pub fn next(&self) -> Option<Result<T, Error<E>>> {
        let mut state = lock(&self.state);
        let reply = match state.once.pop_front() {
            Some(r) => Some(r),
            None => state.always.clone(),
        };
        reply.map(Reply::into_result)
    }
    /// The answer of the next call: the one set ([`Stubs::next`]), else `default()` (the
    /// generated default answer).
    pub fn answer(&self, default: impl FnOnce() -> Result<T, Error<E>>) -> Result<T, Error<E>> {
        self.next().unwrap_or_else(default)
    }
    /// Forgets every answer set so far.
    pub fn clear(&self) {
        let mut state = lock(&self.state);
        state.once.clear();
        state.always = None;
    }
    fn set(&self, once: bool, reply: Reply<T, E>) {
        let mut state = lock(&self.state);
        if once {
            state.once.push_back(reply);
        } else {
            state.always = Some(reply);
        }
    }
}

/// Sets the answer of one operation: for every later call, or with [`Stub::once`] for one call
/// (one-off answers are used first, in the order they were set).
#[must_use = "a stub does nothing until `returns`, `fails` or `fails_with_status` is called"]
pub struct Stub<'a, T, E> {
    stubs: &'a Stubs<T, E>,
    once: bool,
}

impl<T: Clone, E: Clone> Stub<'_, T, E> {
    /// The next answer set applies to one call only.
    pub fn once(mut self) -> Self {
        self.once = true;
        self
    }
    /// Answer with this success value.
    pub fn returns(self, value: T) {
        self.stubs.set(self.once, Reply::Ok(value));
    }
    /// Answer with this documented error, with the status the spec documents for it.
    pub fn fails(self, error: E)
    where
        E: DocumentedError,
    {
        let status = error.status();
        self.stubs.set(self.once, Reply::Documented(status, error));
    }
    /// Answer with this documented error and status (for the spec's `default` response).
    pub fn fails_with_status(self, status: u16, error: E) {
        self.stubs.set(self.once, Reply::Documented(status, error));
    }
    /// Answer with a status the spec does not document ([`Error::UnexpectedStatus`], empty body),
    /// as a failing or overloaded server would.
    pub fn responds_status(self, status: u16) {
        self.stubs.set(self.once, Reply::Undocumented(status));
    }
}

/// The calls made to a mock, in order.
#[derive(Debug)]
pub struct CallLog<C> {
    calls: Mutex<Vec<C>>,
}

impl<C> Default for CallLog<C> {
    fn default() -> Self {
        CallLog {
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl<C: Clone> CallLog<C> {
    pub fn push(&self, call: C) {
        lock(&self.calls).push(call);
    }
    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<C> {
        lock(&self.calls).clone()
    }
    /// The calls so far that `pick` selects (and maps), oldest first.
    pub fn filter<D>(&self, pick: impl FnMut(&C) -> Option<D>) -> Vec<D> {
        lock(&self.calls).iter().filter_map(pick).collect()
    }
    pub fn clear(&self) {
        lock(&self.calls).clear();
    }
}

/// Sets header `name` (a name or value that is not valid in HTTP is ignored, as
/// `ClientBuilder::with_header` ignores it): the headers a generated mock's calls carry.
pub fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        http::HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(n, v);
    }
}

/// The response a generated server sends for a rejected request (status 400 or 422, the
/// [`ValidationError`] as JSON body), for the generated client's own status match to decode.
pub fn rejected(error: ValidationError) -> Response<'static> {
    let body = serde_json::to_vec(&error).unwrap_or_default();
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::new(RawResponse {
        status: StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
        headers,
        body: body.into(),
    })
}

/// The answer of a generated mock's operation that has no stub and no default: its success type
/// has no finite value (a cycle of required fields, warning W1204 of the generator), so no value
/// can be made up. An undocumented status 501 whose body says what to stub.
/// `stub` names the mock's setter to call (`on_get_by_id`).
pub fn no_default_answer<E>(stub: &str, ty: &str) -> Error<E> {
    let body = format!(
        "the mock has no default answer: `{ty}` has no finite value (warning W1204 of the \
         generator); set one with `{stub}()`"
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Error::UnexpectedStatus(Box::new(RawResponse {
        status: StatusCode::NOT_IMPLEMENTED,
        headers,
        body: body.into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct NotFound;
    impl DocumentedError for NotFound {
        fn status(&self) -> u16 {
            404
        }
    }

    #[test]
    fn once_answers_come_first_then_the_standing_one_then_none() {
        let s: Stubs<u32, NotFound> = Stubs::default();
        assert!(s.next().is_none());
        s.stub().returns(7);
        s.stub().once().fails(NotFound);
        s.stub().once().returns(1);
        let e = s.next().unwrap().unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(e.documented(), Some(&NotFound));
        assert_eq!(s.next().unwrap().unwrap(), 1);
        assert_eq!(s.next().unwrap().unwrap(), 7);
        assert_eq!(s.next().unwrap().unwrap(), 7);
        s.stub().responds_status(503);
        match s.next().unwrap().unwrap_err() {
            Error::UnexpectedStatus(r) => assert_eq!(r.status.as_u16(), 503),
            other => panic!("{other:?}"),
        }
        s.clear();
        assert!(s.next().is_none());
    }

    #[test]
    fn rejected_carries_the_validation_body() {
        let r = rejected(ValidationError::unprocessable("count", "too big"));
        assert_eq!(r.status(), 422);
        let back: ValidationError = serde_json::from_slice(&r.raw().body).unwrap();
        assert_eq!(back.field, "count");
    }

    #[test]
    fn call_log_keeps_order() {
        let log = CallLog::default();
        log.push(1);
        log.push(2);
        assert_eq!(log.calls(), vec![1, 2]);
        assert_eq!(log.filter(|c| (*c > 1).then_some(*c * 10)), vec![20]);
        log.clear();
        assert!(log.calls().is_empty());
    }
}
