//! YAML → the same spanned tree as [`crate::json`], so the importer reads JSON and YAML alike and
//! every diagnostic has a `file:line:col`.
//!
//! Built on saphyr-parser's event stream (each event carries its span). Scalars are read with the
//! YAML 1.2 core schema (`null`, booleans, integers, floats; quoted scalars are strings). Aliases
//! are expanded with a budget ([`MAX_NODES`]), so a "billion laughs" document is an error rather
//! than a hang; nesting deeper than [`crate::json::MAX_DEPTH`] is an error too.

use crate::json::{Member, Node, Value, MAX_DEPTH};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Most nodes a document may expand to (aliases included).
pub const MAX_NODES: usize = 20_000_000;

/// Why a YAML document could not be read: a message and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub offset: usize,
}

struct Frame {
    start: usize,
    kind: FrameKind,
    anchor: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(Vec<Member>, Option<(String, Span)>),
}

/// Parses the first document of `text`.
pub fn parse(text: &str) -> Result<Node, Error> {
    let offsets = CharOffsets::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| Error {
            message: e.info().to_string(),
            offset: offsets.byte(e.marker().index()),
        })?;
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index());
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Error {
                        message:
                            "more than one YAML document in the file; an OpenAPI document is one"
                                .into(),
                        offset: start,
                    });
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix.clone());
                let v = scalar(&value, style, tag.as_deref());
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    value: v,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(id) => {
                let Some(n) = anchors.get(&id) else {
                    return Err(Error {
                        message: "alias of an unknown anchor".into(),
                        offset: start,
                    });
                };
                nodes += count(n);
                if nodes > MAX_NODES {
                    return Err(Error {
                        message: format!(
                            "aliases expand the document to more than {MAX_NODES} nodes"
                        ),
                        offset: start,
                    });
                }
                Some(n.clone())
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error {
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                        offset: start,
                    });
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map(Vec::new(), None)
                };
                stack.push(Frame {
                    start,
                    kind,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let value = match frame.kind {
                    FrameKind::Seq(items) => Value::Array(items),
                    FrameKind::Map(members, _) => Value::Object(members),
                };
                let node = Node {
                    span: Span::new(frame.start, end.max(frame.start)),
                    value,
                };
                if frame.anchor > 0 {
                    anchors.insert(frame.anchor, node.clone());
                }
                Some(node)
            }
            _ => None,
        };
        let Some(node) = node else { continue };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(Error {
                message: format!("the document has more than {MAX_NODES} nodes"),
                offset: start,
            });
        }
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
            Some(Frame {
                kind: FrameKind::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                kind: FrameKind::Map(members, pending),
                ..
            }) => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_string(),
                        _ => {
                            return Err(Error {
                                message: "a mapping key must be a scalar".into(),
                                offset: node.span.start as usize,
                            })
                        }
                    };
                    if members.iter().any(|m| m.key == key) {
                        return Err(Error {
                            message: format!("duplicate key `{key}`"),
                            offset: node.span.start as usize,
                        });
                    }
                    *pending = Some((key, node.span));
                }
                Some((key, key_span)) => members.push(Member {
                    key,
                    key_span,
                    value: node,
                }),
            },
        }
    }
    root.ok_or(Error {
        message: "the YAML document is empty".into(),
        offset: 0,
    })
}

fn count(n: &Node) -> usize {
    1 + match &n.value {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(m) => m.iter().map(|m| count(&m.value)).sum(),
        _ => 0,
    }
}

/// A scalar by the YAML 1.2 core schema; quoted scalars and `!!str` are strings.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if style != ScalarStyle::Plain || tag == Some("str") {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = number(text) {
        return Value::Number(n.into());
    }
    Value::String(text.to_string())
}

/// The JSON text of a YAML core-schema number, if `text` is one.
fn number(text: &str) -> Option<String> {
    let first = text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if serde_json::from_str::<serde_json::Number>(text).is_ok() {
        return Some(text.to_string());
    }
    let unsigned = text.trim_start_matches('+');
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| n.to_string());
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|n| n.to_string());
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return unsigned.parse::<i64>().ok().map(|n| n.to_string());
    }
    let looks_float = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float {
        let f: f64 = unsigned.parse().ok()?;
        if f.is_finite() {
            return serde_json::Number::from_f64(f).map(|n| n.to_string());
        }
    }
    None
}

/// Character index → byte offset (saphyr's markers count characters).
struct CharOffsets {
    /// Byte offset of every character, only for non-ASCII text.
    bytes: Option<Vec<u32>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let bytes =
            (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i as u32).collect());
        CharOffsets {
            bytes,
            len: text.len(),
        }
    }
    fn byte(&self, index: usize) -> usize {
        match &self.bytes {
            None => index.min(self.len),
            Some(b) => b.get(index).map_or(self.len, |&o| o as usize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scalars_by_the_core_schema() {
        let n = parse("a: 1\nb: '1'\nc: true\nd: ~\ne: 0x10\nf: 1.5\ng: text\n200: ok\n").unwrap();
        let v = n.to_serde();
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": "1", "c": true, "d": null, "e": 16, "f": 1.5, "g": "text", "200": "ok"})
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let text = "é: x\nkey: value\n";
        let n = parse(text).unwrap();
        let m = &n.as_object().unwrap()[1];
        assert_eq!(
            &text[m.key_span.start as usize..m.key_span.end as usize],
            "key"
        );
        assert_eq!(
            &text[m.value.span.start as usize..m.value.span.end as usize],
            "value"
        );
    }

    #[test]
    fn alias_bombs_and_duplicates_are_errors() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("nodes"));
        assert!(parse("a: 1\na: 2\n")
            .unwrap_err()
            .message
            .contains("duplicate"));
        assert!(parse("a: [1, 2\n").is_err());
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
    }
}
