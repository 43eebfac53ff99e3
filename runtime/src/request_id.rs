//! The request id: one id follows a request through every service it reaches.
//!
//! A generated server (through [`crate::serve::Server`]) reads the id from `x-request-id` (or the
//! header the spec declares for it), or makes a new one, echoes it on every response, errors
//! included, and runs the handler inside [`scope`], so [`current`] returns it anywhere in the
//! handler's task. A generated client called there sends it on as `x-request-id`
//! ([`crate::client`]), so the next service logs the same id. Handlers' signatures do not change.
//!
//! The id is a task-local value: code the handler spawns onto other tasks does not see it unless
//! it is passed along (`scope(id, fut)`).

use std::future::Future;

/// The header that carries the request id between services.
pub const HEADER: &str = "x-request-id";

/// The longest incoming id that is kept; a longer one is replaced by a new id.
pub const MAX_LEN: usize = 128;

tokio::task_local! {
    // A header value: the server's stage hands on the id it echoes (a shared buffer), without
    // copying it into a `String` per request.
    static CURRENT: http::HeaderValue;
}

/// The id of the request being handled by this task, if any.
pub fn current() -> Option<String> {
    CURRENT
        .try_with(|v| v.to_str().ok().map(str::to_owned))
        .ok()
        .flatten()
}

/// [`current`] as the header value the server's stage scoped (shared, not copied).
#[cfg(feature = "server")]
pub(crate) fn current_header() -> Option<http::HeaderValue> {
    CURRENT.try_with(http::HeaderValue::clone).ok()
}

/// Runs `fut` with `id` as the [`current`] request id (an id that cannot be a header value is
/// replaced by a new one).
pub async fn scope<F: Future>(id: String, fut: F) -> F::Output {
    let id = http::HeaderValue::from_str(&id).unwrap_or_else(|_| generate_header());
    CURRENT.scope(id, fut).await
}

/// [`scope`] as a named future (the server's request-id stage polls it without boxing).
#[cfg(feature = "server")]
pub(crate) fn scoped<F: Future>(
    id: http::HeaderValue,
    fut: F,
) -> tokio::task::futures::TaskLocalFuture<http::HeaderValue, F> {
    CURRENT.scope(id, fut)
}

/// A new request id: a random (version 4) UUID. The random bits come from `fastrand`'s
/// thread-local generator (seeded once per thread from the OS), not a system call per id:
/// request ids must be unique, not secret.
pub fn generate() -> String {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    new_id(&mut buf).to_owned()
}

/// [`generate`] as a header value (one allocation: the value's own buffer).
pub(crate) fn generate_header() -> http::HeaderValue {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    http::HeaderValue::from_str(new_id(&mut buf)).expect("a UUID is a header value")
}

fn new_id(buf: &mut [u8; uuid::fmt::Hyphenated::LENGTH]) -> &str {
    let bytes = fastrand::u128(..).to_le_bytes();
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    id.hyphenated().encode_lower(buf)
}

/// Whether an incoming id is kept as it is: 1 to [`MAX_LEN`] characters of letters, digits and
/// `-_.:/+=@`. Anything else (control bytes, spaces, quotes, non-ASCII, very long values) is
/// replaced by a new id, so an id never carries markup or text into logs and responses.
pub fn is_valid(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=@".contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn current_is_the_scoped_id() {
        assert_eq!(current(), None);
        let seen = scope("req-1".into(), async { current() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
        assert_eq!(current(), None);
    }

    #[test]
    fn odd_ids_are_not_kept() {
        assert!(is_valid(b"4f1c1c2e-0b7a-4d0e-9d7e-1d2f3a4b5c6d"));
        assert!(is_valid(b"req:1/a=b+c@d_e.f"));
        for bad in [&b""[..], b"a b", b"<script>", b"caf\xc3\xa9", b"a\r\nb"] {
            assert!(!is_valid(bad), "{bad:?}");
        }
        assert!(!is_valid(&[b'a'; MAX_LEN + 1]));
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version(), Some(uuid::Version::Random));
    }
}
