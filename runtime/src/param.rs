//! How values are written in paths, query strings and headers, and read back by servers.

use crate::WireEnum;
use std::borrow::Cow;

/// A value that can be sent as a path segment, query value or header value.
pub trait Param {
    fn to_param(&self) -> String;
    /// The same text, borrowed where the value holds it already (strings, enums): what a path
    /// segment is encoded from without a copy.
    fn param_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_param())
    }
}

/// A value that a server can read from a path segment, query value or header value.
pub trait FromParam: Sized {
    /// `Err` carries a short description of what was expected.
    fn from_param(s: &str) -> Result<Self, &'static str>;
}

impl<T: WireEnum> Param for T {
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
    fn param_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl<T: WireEnum> FromParam for T {
    fn from_param(s: &str) -> Result<Self, &'static str> {
        Ok(T::from_wire(s))
    }
}

macro_rules! display_params {
    ($($t:ty => $what:literal),*) => {$(
        impl Param for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
        impl FromParam for $t {
            fn from_param(s: &str) -> Result<Self, &'static str> {
                s.parse().map_err(|_| $what)
            }
        }
    )*};
}

display_params!(
    i32 => "an integer",
    i64 => "a long integer",
    f64 => "a number",
    bool => "true or false",
    uuid::Uuid => "a UUID",
    rust_decimal::Decimal => "a decimal number",
    chrono::NaiveDate => "an ISO 8601 date"
);

impl Param for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339()
    }
}

impl FromParam for chrono::DateTime<chrono::Utc> {
    fn from_param(s: &str) -> Result<Self, &'static str> {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|_| "an ISO 8601 date-time")
    }
}

impl Param for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
    fn param_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Param for String {
    fn to_param(&self) -> String {
        self.clone()
    }
    fn param_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl FromParam for String {
    fn from_param(s: &str) -> Result<Self, &'static str> {
        Ok(s.to_owned())
    }
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_segment_into(&mut out, s);
    out
}

/// The bytes a path segment keeps as they are (RFC 3986 unreserved): a table, so a segment is
/// scanned with one load per byte.
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        i += 1;
    }
    t
};

/// [`encode_segment`] appended to `out`: runs of unreserved characters are copied whole (most
/// values, ids and enum values, are one run).
pub fn encode_segment_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut run = 0;
    while let Some(n) = bytes[run..]
        .iter()
        .position(|&b| !UNRESERVED[usize::from(b)])
    {
        let i = run + n;
        // A run is only ASCII, so both of its ends are character boundaries (an empty one, between
        // two bytes of one character, is not sliced).
        if run < i {
            out.push_str(&s[run..i]);
        }
        let b = bytes[i];
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
        run = i + 1;
    }
    if run < bytes.len() {
        out.push_str(&s[run..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_segment("ok-1.2_~"), "ok-1.2_~");
        assert_eq!(encode_segment("é/x"), "%C3%A9%2Fx");
        assert_eq!(encode_segment("a\u{1F600}"), "a%F0%9F%98%80");
        assert_eq!(encode_segment(""), "");
        // Byte by byte, every string: what the runs must equal.
        for s in ["%", "a%b", "xé", "éx", "~ ~", "€uro", "a b c"] {
            let want: String = s
                .bytes()
                .map(
                    |b| match b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        true => char::from(b).to_string(),
                        false => format!("%{b:02X}"),
                    },
                )
                .collect();
            assert_eq!(encode_segment(s), want, "{s}");
        }
    }

    #[test]
    fn dates_round_trip() {
        let d = chrono::DateTime::<chrono::Utc>::from_param("2024-01-02T03:04:05Z").unwrap();
        assert_eq!(d.to_param(), "2024-01-02T03:04:05+00:00");
        assert!(i64::from_param("x").is_err());
    }
}
