//! Personal data in generated types: what `Debug` prints in its place, and how a service lists and
//! erases it (e.g. to honour a deletion request).
//!
//! A spec marks a field as personal data with an annotation (`"annotations": ["personal_data"]`;
//! the set of annotations is a setting of the generator). For every model, union and enum Charter
//! generates an implementation of [`PersonalData`]:
//!
//! - the generated `Debug` of a model prints [`Redacted`] (`[redacted]`) for its annotated fields;
//!   other fields print normally, nested values through their own `Debug` (which redacts in turn);
//! - [`PersonalData::redact`] erases every annotated value that a value holds, at any depth
//!   (through models, lists, maps, options, boxes and unions) and keeps everything else;
//! - [`PersonalData::personal_data`] lists where a value still holds personal data, as RFC 6901
//!   JSON pointers into its JSON form (`/addresses/0/street`).
//!
//! What erasing a value means ([`PersonalData::erase`]): an optional value becomes `None`, a string
//! or a collection becomes empty, JSON becomes `null`, any other primitive takes its type's
//! `Default` (`0`, `false`, the nil UUID, the Unix epoch), an enum becomes its `Unknown` variant
//! with an empty string, a union becomes `Unknown(null)`, and a model that is an annotated field's
//! type has each of its fields erased. Required annotated fields therefore stay present (with the
//! erased value), so the value still serializes. A union's `Unknown` member, when the union can
//! carry personal data, is treated as personal data as a whole: it is JSON whose shape this version
//! of the spec does not know. JSON values that stand for an import outside the api repo are opaque:
//! nothing inside them is known to be personal data unless the field holding them is annotated.

use std::collections::BTreeMap;
use std::fmt;

/// Printed by generated `Debug` implementations in place of a personal-data value.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Implemented by every generated model, union and enum, and here by the primitives and
/// collections they are made of. Every method has a default: a type that holds no personal data
/// implements the trait with an empty body.
pub trait PersonalData {
    /// Erases every personal-data value held inside `self`, at any depth; keeps everything else.
    fn redact(&mut self) {}

    /// Erases `self` as a whole: called on the value of an annotated field (see the module
    /// documentation for what each type becomes). The default redacts.
    fn erase(&mut self) {
        self.redact();
    }

    /// Whether `self` holds an erased value (what [`erase`](Self::erase) leaves behind), so an
    /// annotated field holding it no longer counts as holding personal data.
    fn is_erased(&self) -> bool {
        false
    }

    /// Pushes the JSON pointer (`at` extended by the path inside `self`) of every personal-data
    /// value held inside `self` onto `out`. `at` is restored before returning.
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        let _ = (at, out);
    }

    /// The JSON pointers of the personal-data values `self` holds, in field order; empty after
    /// [`redact`](Self::redact).
    fn personal_data(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit_personal_data(&mut String::new(), &mut out);
        out
    }
}

/// Visits the value of a field (or list index, map key, union tag) named `segment`: `at` is
/// extended by `/segment` (escaped as RFC 6901 says) while `value` is visited.
pub fn visit<T: PersonalData + ?Sized>(
    value: &T,
    segment: &str,
    at: &mut String,
    out: &mut Vec<String>,
) {
    let len = at.len();
    push_segment(at, segment);
    value.visit_personal_data(at, out);
    at.truncate(len);
}

/// Lists an annotated field named `segment` unless its value is erased.
pub fn annotated<T: PersonalData + ?Sized>(
    value: &T,
    segment: &str,
    at: &str,
    out: &mut Vec<String>,
) {
    if !value.is_erased() {
        let mut pointer = at.to_owned();
        push_segment(&mut pointer, segment);
        out.push(pointer);
    }
}

/// Lists the value at `at` itself unless it is erased (a union member this version does not know,
/// which is personal data as a whole).
pub fn whole<T: PersonalData + ?Sized>(value: &T, at: &str, out: &mut Vec<String>) {
    if !value.is_erased() {
        out.push(at.to_owned());
    }
}

fn push_segment(at: &mut String, segment: &str) {
    at.push('/');
    for c in segment.chars() {
        match c {
            '~' => at.push_str("~0"),
            '/' => at.push_str("~1"),
            c => at.push(c),
        }
    }
}

/// Primitives: nothing inside to redact; erased to their `Default`.
macro_rules! primitives {
    ($($t:ty),*) => {$(
        impl PersonalData for $t {
            fn erase(&mut self) {
                *self = <$t>::default();
            }
            fn is_erased(&self) -> bool {
                *self == <$t>::default()
            }
        }
    )*};
}

primitives!(
    bool,
    i32,
    i64,
    f64,
    (),
    String,
    rust_decimal::Decimal,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>
);

/// Opaque JSON: nothing inside is known to be personal data; erased to `null`.
impl PersonalData for serde_json::Value {
    fn erase(&mut self) {
        *self = serde_json::Value::Null;
    }
    fn is_erased(&self) -> bool {
        self.is_null()
    }
}

/// A JSON object built by generated code (form parameters): opaque like [`serde_json::Value`].
impl PersonalData for serde_json::Map<String, serde_json::Value> {
    fn erase(&mut self) {
        self.clear();
    }
    fn is_erased(&self) -> bool {
        self.is_empty()
    }
}

impl<T: PersonalData> PersonalData for Option<T> {
    fn redact(&mut self) {
        if let Some(v) = self {
            v.redact();
        }
    }
    fn erase(&mut self) {
        *self = None;
    }
    fn is_erased(&self) -> bool {
        self.is_none()
    }
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        if let Some(v) = self {
            v.visit_personal_data(at, out);
        }
    }
}

impl<T: PersonalData + ?Sized> PersonalData for Box<T> {
    fn redact(&mut self) {
        (**self).redact();
    }
    fn erase(&mut self) {
        (**self).erase();
    }
    fn is_erased(&self) -> bool {
        (**self).is_erased()
    }
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        (**self).visit_personal_data(at, out);
    }
}

/// A borrowed list (a list body the client sends): elements are redacted and erased in place.
impl<T: PersonalData> PersonalData for [T] {
    fn redact(&mut self) {
        self.iter_mut().for_each(T::redact);
    }
    fn erase(&mut self) {
        self.iter_mut().for_each(T::erase);
    }
    fn is_erased(&self) -> bool {
        self.iter().all(T::is_erased)
    }
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        for (i, v) in self.iter().enumerate() {
            visit(v, &i.to_string(), at, out);
        }
    }
}

impl<T: PersonalData> PersonalData for Vec<T> {
    fn redact(&mut self) {
        self.iter_mut().for_each(T::redact);
    }
    fn erase(&mut self) {
        self.clear();
    }
    fn is_erased(&self) -> bool {
        self.is_empty()
    }
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        for (i, v) in self.iter().enumerate() {
            visit(v, &i.to_string(), at, out);
        }
    }
}

impl<T: PersonalData> PersonalData for BTreeMap<String, T> {
    fn redact(&mut self) {
        self.values_mut().for_each(T::redact);
    }
    fn erase(&mut self) {
        self.clear();
    }
    fn is_erased(&self) -> bool {
        self.is_empty()
    }
    fn visit_personal_data(&self, at: &mut String, out: &mut Vec<String>) {
        for (k, v) in self {
            visit(v, k, at, out);
        }
    }
}

/// The message of a JSON decoding error without any of the values it may quote: serde's messages
/// echo the offending value (`invalid type: string "jane@example.com", expected i32`), which may be
/// personal data. Field names, the expected type, lengths and the position are kept.
pub fn json_error_message(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let position = match e.line() {
        0 => String::new(),
        line => format!(" at line {line} column {}", e.column()),
    };
    let message = match e.classify() {
        Category::Io => "the body could not be read".to_owned(),
        Category::Syntax => "the body is not valid JSON".to_owned(),
        Category::Eof => "the body ends before the JSON value does".to_owned(),
        Category::Data => {
            let full = e.to_string();
            let text = full.strip_suffix(&position).unwrap_or(&full);
            data_message(text)
        }
    };
    format!("{message}{position}")
}

/// Keeps only the parts of serde's data-error messages that cannot hold a received value.
fn data_message(text: &str) -> String {
    // The expected part comes last and is written by the type, never by the input; take the last
    // `, expected` in case the quoted value itself contains one.
    let expected = text
        .rfind(", expected ")
        .map(|i| &text[i + 2..])
        .filter(|e| !e.contains('"'));
    let kind = |rest: &str| -> String {
        // `string "…"`, `integer `5``, `map`: the words before any quote or backtick.
        rest.split(['"', '`', ','])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    let with_expected = |head: String| match expected {
        Some(e) => format!("{head}, {e}"),
        None => head,
    };
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        with_expected(format!("invalid type: {}", kind(rest)))
    } else if let Some(rest) = text.strip_prefix("invalid value: ") {
        with_expected(format!("invalid value: {}", kind(rest)))
    } else if text.starts_with("unknown variant") {
        with_expected("unknown variant".to_owned())
    } else if let Some(rest) = text.strip_prefix("invalid length ") {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        with_expected(format!("invalid length {n}"))
    } else if is_field_message(text, "missing field `")
        || is_field_message(text, "duplicate field `")
    {
        text.to_owned()
    } else {
        // A custom message (a UUID, date or decimal parser, …) may quote what it read.
        "invalid value".to_owned()
    }
}

/// `missing field `name`` and `duplicate field `name``: field names come from the type, but
/// `duplicate field` names a key of the input, kept only when it looks like a spec name.
fn is_field_message(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix('`'))
        .is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_erase_and_list() {
        let mut v: Vec<Option<String>> = vec![Some("a".into()), None];
        assert!(!v.is_erased());
        v.erase();
        assert!(v.is_erased());
        let mut m = BTreeMap::from([("k/~".to_owned(), 3i64)]);
        m.erase();
        assert!(m.is_empty());
        let mut n = 5i32;
        n.erase();
        assert_eq!(n, 0);
        let mut j = serde_json::json!({"a": 1});
        j.erase();
        assert!(j.is_null());
    }

    #[test]
    fn pointers_are_escaped() {
        let mut out = Vec::new();
        annotated(&"x".to_owned(), "a/b~c", "/m", &mut out);
        annotated(&String::new(), "erased", "", &mut out);
        assert_eq!(out, ["/m/a~1b~0c"]);
    }

    #[test]
    fn redacted_prints_a_placeholder() {
        assert_eq!(format!("{Redacted:?} {Redacted}"), "[redacted] [redacted]");
    }

    #[test]
    fn json_errors_do_not_echo_values() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            n: i32,
            u: Option<uuid::Uuid>,
            d: Option<chrono::NaiveDate>,
            e: Option<E>,
        }
        #[derive(Debug, serde::Deserialize)]
        enum E {
            A,
        }
        let secret = "jane.doe@example.com, expected x";
        for (body, want) in [
            (
                format!(r#"{{"n": "{secret}"}}"#),
                "invalid type: string, expected i32 at line 1 column 40",
            ),
            (
                format!(r#"{{"n": 1, "u": "{secret}"}}"#),
                "invalid value at line 1 column 48",
            ),
            (
                format!(r#"{{"n": 1, "d": "{secret}"}}"#),
                "invalid value at line 1 column 48",
            ),
            (
                format!(r#"{{"n": 1, "e": "{secret}"}}"#),
                "unknown variant, expected `A` at line 1 column 48",
            ),
            (
                r#"{"u": null}"#.to_owned(),
                "missing field `n` at line 1 column 11",
            ),
            (
                format!(r#"{{"n": {secret}"#),
                "the body is not valid JSON at line 1 column 7",
            ),
            (
                r#"{"n": 1"#.to_owned(),
                "the body ends before the JSON value does at line 1 column 7",
            ),
        ] {
            let e = serde_json::from_str::<T>(&body).unwrap_err();
            let got = json_error_message(&e);
            assert!(!got.contains("jane"), "{got}");
            assert_eq!(got, want, "{body}");
        }
        // A value decoded from `serde_json::Value` has no position.
        let e = serde_json::from_value::<T>(serde_json::json!({"n": secret})).unwrap_err();
        assert_eq!(json_error_message(&e), "invalid type: string, expected i32");
    }
}
