//! A JSON parser that keeps byte spans.
//!
//! serde_json answers "what is the value", but Charter must also answer "where is it": every
//! diagnostic points at the exact key or value, and duplicate keys (which serde_json silently
//! accepts, keeping the last) are an error. This parser builds a small tree of [`Node`]s with their
//! spans, rejects nesting deeper than [`MAX_DEPTH`] with an error instead of overflowing the stack,
//! and reports every duplicate key. It is strict RFC 8259 JSON (no comments, no trailing commas).

use crate::source::Span;
use std::collections::HashSet;

/// Deepest nesting of arrays and objects accepted. Real specs nest fewer than 20 levels.
pub const MAX_DEPTH: usize = 256;

/// A JSON value with the byte span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number exactly as written (`10`, `-1.5e3`), so nothing is lost before it is read.
    Number(Box<str>),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The member `key` of an object (the first one, duplicates are dropped at parse time).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }
    /// The trimmed string member `key`, or `""` when absent or not a string (message prefixes).
    pub fn str_member(&self, key: &str) -> &str {
        self.get(key).and_then(Node::as_str).map_or("", str::trim)
    }
    /// A short name of the JSON type, for messages ("an array", "a string").
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Converts to a `serde_json::Value` (attribute values, defaults given as objects).
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Node::to_serde).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|m| (m.key.clone(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }

    /// Compact JSON text of this value, as API Builder stores a non-string where a string is expected.
    pub fn to_compact_string(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => self.to_serde().to_string(),
        }
    }
}

/// Why a document could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax(String),
    TooDeep,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub offset: usize,
}

/// A duplicate key: where the second occurrence is, and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

/// The result of parsing one document.
#[derive(Debug)]
pub struct Parsed {
    pub root: Node,
    pub duplicates: Vec<Duplicate>,
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Parsed, Error> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        duplicates: Vec::new(),
    };
    p.skip_ws();
    let root = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(Parsed {
        root,
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    duplicates: Vec<Duplicate>,
}

impl<'a> Parser<'a> {
    fn err(&self, msg: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Syntax(msg.into()),
            offset: self.pos.min(self.bytes.len()),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self) -> Result<Node, Error> {
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.err("unexpected end of input, expected a value")),
            Some(b'{') => return self.object(),
            Some(b'[') => return self.array(),
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => {
                self.literal("true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?.into()),
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('?');
                return Err(self.err(format!("unexpected character `{c}`, expected a value")));
            }
        };
        Ok(Node {
            span: Span::new(start, self.pos),
            value,
        })
    }

    fn literal(&mut self, word: &str) -> Result<(), Error> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err(format!("invalid literal, expected `{word}`")))
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error {
                kind: ErrorKind::TooDeep,
                offset: self.pos,
            });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, Error> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        // Small objects are checked for duplicates by a scan; large ones (a models map) by a set.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(self.err("expected a string key"));
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_span = Span::new(key_start, self.pos);
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(self.err("expected `:` after the key"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                if members.len() >= 16 && seen.is_none() {
                    seen = Some(members.iter().map(|m| m.key.clone()).collect());
                }
                let dup = match &mut seen {
                    Some(set) => !set.insert(key.clone()),
                    None => members.iter().any(|m| m.key == key),
                };
                if dup {
                    let first = members
                        .iter()
                        .find(|m| m.key == key)
                        .map(|m| m.key_span)
                        .unwrap_or_default();
                    self.duplicates.push(Duplicate {
                        key,
                        span: key_span,
                        first,
                    });
                } else {
                    members.push(Member {
                        key,
                        key_span,
                        value,
                    });
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected `,` or `}` in object")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            span: Span::new(start, self.pos),
            value: Value::Object(members),
        })
    }

    fn array(&mut self) -> Result<Node, Error> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                items.push(self.value()?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected `,` or `]` in array")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            span: Span::new(start, self.pos),
            value: Value::Array(items),
        })
    }

    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: expected a digit after `.`"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        Ok(&self.text[start..self.pos])
    }

    fn string(&mut self) -> Result<String, Error> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let chunk_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[chunk_start..self.pos]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes[self.pos..].starts_with(b"\\u") {
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.err("invalid unicode surrogate pair"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.err("lone unicode surrogate"));
                                }
                            } else {
                                hi
                            };
                            match char::from_u32(c) {
                                Some(c) => out.push(c),
                                None => return Err(self.err("invalid unicode escape")),
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("invalid escape in string"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character in string (escape it)")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("truncated unicode escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("invalid unicode escape"))?;
        self.pos += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans() {
        let text = r#"{"a": [1, -2.5e3, true, null], "b": "x\u00e9\n"}"#;
        let p = parse(text).unwrap();
        let a = p.root.get("a").unwrap();
        assert_eq!(
            &text[a.span.start as usize..a.span.end as usize],
            "[1, -2.5e3, true, null]"
        );
        assert_eq!(p.root.get("b").unwrap().as_str(), Some("xé\n"));
        assert_eq!(
            p.root.to_serde(),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn reports_duplicates_at_second_key() {
        let text = r#"{"a": 1, "b": 2, "a": 3}"#;
        let p = parse(text).unwrap();
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.duplicates[0].span.start, 17);
        assert_eq!(p.root.get("a").unwrap().to_compact_string(), "1");
    }

    #[test]
    fn duplicates_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k3\": 0}");
        assert_eq!(parse(&text).unwrap().duplicates.len(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert_eq!(parse(&text).unwrap_err().kind, ErrorKind::TooDeep);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let e = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(parse("").is_err());
        assert!(parse("[1] x").is_err());
        assert!(parse("\"\\ud800\"").is_err());
        assert!(parse("01").is_err());
    }
}
