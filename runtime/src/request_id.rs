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
    let id = uuid_text(fastrand::u128(..));
    String::from_utf8_lossy(&id).into_owned()
}

/// [`generate`] as a header value, without an allocation of its own: the id is written into a
/// buffer this thread shares among its next 128 ids (one allocation per 128 ids, freed when the
/// last of them is dropped), so the value and its clones (the request's header, the task-local,
/// the response's header) share it by reference count.
pub(crate) fn generate_header() -> http::HeaderValue {
    thread_local! {
        static IDS: std::cell::RefCell<bytes::BytesMut> =
            std::cell::RefCell::new(bytes::BytesMut::new());
    }
    let id = uuid_text(fastrand::u128(..));
    let id = IDS.with(|ids| {
        let mut ids = ids.borrow_mut();
        if ids.capacity() < id.len() {
            *ids = bytes::BytesMut::with_capacity(128 * id.len());
        }
        ids.extend_from_slice(&id);
        ids.split().freeze()
    });
    // SAFETY: hex digits and hyphens are visible ASCII, valid in a header value.
    unsafe { http::HeaderValue::from_maybe_shared_unchecked(id) }
}

/// A random (version 4, RFC 9562 variant) UUID from 128 random bits, as hyphenated lower-case
/// text (the `uuid` crate's text for the same bits, without its per-byte formatting loop).
fn uuid_text(random: u128) -> [u8; 36] {
    /// Each byte's two hex digits.
    const PAIRS: [[u8; 2]; 256] = {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut pairs = [[0u8; 2]; 256];
        let mut i = 0;
        while i < 256 {
            pairs[i] = [HEX[i >> 4], HEX[i & 0xf]];
            i += 1;
        }
        pairs
    };
    /// Where each byte's digits go, around the hyphens at 8, 13, 18 and 23.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let mut b = random.to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = [b'-'; 36];
    for (byte, at) in b.into_iter().zip(AT) {
        let [hi, lo] = PAIRS[usize::from(byte)];
        out[at] = hi;
        out[at + 1] = lo;
    }
    out
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
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        // The same text as the uuid crate's for the same bits.
        for bits in [0u128, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210] {
            let ours = uuid_text(bits);
            let theirs = uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
            assert_eq!(
                std::str::from_utf8(&ours).unwrap(),
                theirs.hyphenated().to_string()
            );
        }
        let header = generate_header();
        assert!(uuid::Uuid::parse_str(header.to_str().unwrap()).is_ok());
        assert_ne!(header, generate_header());
    }
}
