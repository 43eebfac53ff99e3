//! How values are written in paths, query strings and headers, and read back by servers.

use crate::WireEnum;

/// A value that can be sent as a path segment, query value or header value.
pub trait Param {
    fn to_param(&self) -> String;
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
    String => "a string",
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
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_segment("ok-1.2_~"), "ok-1.2_~");
    }

    #[test]
    fn dates_round_trip() {
        let d = chrono::DateTime::<chrono::Utc>::from_param("2024-01-02T03:04:05Z").unwrap();
        assert_eq!(d.to_param(), "2024-01-02T03:04:05+00:00");
        assert!(i64::from_param("x").is_err());
    }
}
