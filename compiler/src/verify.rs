//! Contract verification (`charter verify`): replay recorded interactions (cassettes written by
//! generated clients in record mode) against a running provider and check each answer against the
//! consumer's spec version and against the recording, structurally.
//!
//! The contract is the recording plus the consumer's spec: what the consumer sent and what it read.
//! Each finding carries the rule id and class of the `charter diff` change that explains it, judged
//! in the direction the consumer sees it:
//!
//! | what the provider does now | rule | class |
//! |---|---|---|
//! | rejects (4xx) a request naming an enum-typed field or parameter the recording sent | `ENUM_VALUE_REMOVED` | breaking |
//! | rejects a request naming a field or parameter the recording did not send | `FIELD_REQUIRED_ADDED` / `PARAMETER_REQUIRED_ADDED` | breaking |
//! | rejects a request for a range (`minimum`/`maximum`) | `FIELD_RANGE_TIGHTENED` | breaking |
//! | rejects it naming a field of another type | `FIELD_TYPE_CHANGED` / `PARAMETER_TYPE_CHANGED` | breaking |
//! | rejects the body's shape naming a field the recording did not send | `FIELD_REQUIRED_ADDED` | breaking |
//! | rejects a request for a header the recording did not send | `HEADER_REQUIRED_ADDED` | breaking |
//! | rejects a request of an operation without body for a parameter the consumer's spec lacks | `PARAMETER_REQUIRED_ADDED` | breaking |
//! | answers 404/405 with no body, or the generated server's routing rejection, where the recording got a success | `OPERATION_REMOVED` | breaking |
//! | answers another status class than the recording | `RESPONSE_REMOVED` | breaking |
//! | leaves out a field the consumer's spec requires, or one the recording had | `FIELD_REMOVED` | breaking |
//! | sends a field with another JSON type | `FIELD_TYPE_CHANGED` | breaking |
//! | sends an enum value the consumer's spec does not list | `ENUM_VALUE_ADDED` | dangerous |
//! | sends a union member the consumer's spec does not list | `UNION_MEMBER_ADDED` | dangerous |
//! | sends a value outside the consumer's `minimum`/`maximum` | `FIELD_RANGE_LOOSENED` | dangerous |
//! | answers a success status the consumer's spec does not document | `RESPONSE_SUCCESS_ADDED` | dangerous |
//!
//! Values are compared by shape, never by value (ids and timestamps differ between runs), and
//! messages name fields, never values.

use crate::conform::{self, Direction, Kind};
use crate::diff::{Class, RULES};
use crate::ir::{Location, Operation, Repo, ResponseCode, ServiceId, TypeKind, TypeRef};
use charter_runtime::record::{Cassette, Interaction};
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;

/// One incompatibility found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub class: Class,
    pub message: String,
    /// The cassette file and the interaction's index in it.
    pub cassette: String,
    pub interaction: usize,
    pub method: String,
    pub path: String,
    /// RFC 6901 pointer into the body, when the finding is about a value (else `null`).
    pub pointer: Option<String>,
}

/// What a verification run found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub interactions: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn breaking(&self) -> usize {
        self.count(Class::Breaking)
    }
    pub fn count(&self, class: Class) -> usize {
        self.findings.iter().filter(|f| f.class == class).count()
    }
    pub fn summary(&self) -> String {
        format!(
            "{} interaction(s) verified: {} breaking, {} dangerous, {} non-breaking finding(s)",
            self.interactions,
            self.count(Class::Breaking),
            self.count(Class::Dangerous),
            self.count(Class::NonBreaking)
        )
    }
}

/// Loads the cassettes (`*.json`) of a directory (or one file), in name order.
pub fn load_cassettes(path: &std::path::Path) -> Result<Vec<(String, Cassette)>, String> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect()
    } else {
        vec![path.to_owned()]
    };
    files.sort();
    files
        .into_iter()
        .map(|f| Cassette::load(&f).map(|c| (f.display().to_string(), c)))
        .collect()
}

/// The service of `repo` the interactions address: `service` (namespace or name) when given, else
/// the one whose operations route the most recorded requests.
pub fn pick_service(
    repo: &Repo,
    service: Option<&str>,
    cassettes: &[(String, Cassette)],
) -> Result<ServiceId, String> {
    if let Some(s) = service {
        return repo
            .service_ids()
            .find(|&i| repo.service(i).namespace == s || repo.service(i).name == s)
            .ok_or_else(|| format!("no service `{s}` in the spec"));
    }
    repo.service_ids()
        .max_by_key(|&sid| {
            cassettes
                .iter()
                .flat_map(|(_, c)| &c.interactions)
                .filter(|i| operation(repo, sid, &i.request.method, &i.request.path).is_some())
                .count()
        })
        .ok_or_else(|| "no service in the spec".to_owned())
}

/// The operation of the service that routes `method path`.
pub fn operation<'a>(
    repo: &'a Repo,
    sid: ServiceId,
    method: &str,
    path: &str,
) -> Option<&'a Operation> {
    let segments: Vec<&str> = path.split('/').collect();
    repo.service(sid)
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .find(|op| {
            op.method_text.eq_ignore_ascii_case(method)
                && conform::route(&op.path, &segments).is_some()
        })
}

/// What the provider answered one replayed request.
pub struct Answer {
    pub status: u16,
    pub body: Option<Value>,
}

/// Replays every interaction with `send` and checks the answers. `send` is given the recorded
/// interaction and returns the provider's answer (or an I/O error, which stops the run).
pub async fn verify<F, Fut>(
    repo: &Repo,
    sid: ServiceId,
    cassettes: &[(String, Cassette)],
    mut send: F,
) -> Result<Report, String>
where
    F: FnMut(&Interaction) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, String>>,
{
    let mut report = Report::default();
    for (file, cassette) in cassettes {
        for (index, interaction) in cassette.interactions.iter().enumerate() {
            report.interactions += 1;
            let answer = send(interaction).await?;
            let mut cx = Cx {
                repo,
                file,
                index,
                interaction,
                out: &mut report.findings,
            };
            cx.check(sid, &answer);
        }
    }
    Ok(report)
}

struct Cx<'a> {
    repo: &'a Repo,
    file: &'a str,
    index: usize,
    interaction: &'a Interaction,
    out: &'a mut Vec<Finding>,
}

fn class_of(rule: &str, direction: Direction) -> Class {
    RULES
        .iter()
        .find(|r| r.id == rule)
        .map(|r| match direction {
            Direction::Request => r.request,
            Direction::Response => r.response,
        })
        .unwrap_or(Class::Breaking)
}

impl Cx<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        direction: Direction,
        pointer: Option<String>,
        message: String,
    ) {
        let r = &self.interaction.request;
        self.out.push(Finding {
            rule,
            class: class_of(rule, direction),
            message,
            cassette: self.file.to_owned(),
            interaction: self.index,
            method: r.method.clone(),
            path: r.path.clone(),
            pointer,
        });
    }

    fn check(&mut self, sid: ServiceId, answer: &Answer) {
        let rec = &self.interaction.response;
        let req = &self.interaction.request;
        let op = operation(self.repo, sid, &req.method, &req.path);
        let (was, now) = (rec.status / 100, answer.status / 100);
        if was != now {
            self.status_changed(op, answer);
            return;
        }
        let Some(op) = op else { return };
        let documented = op
            .responses
            .iter()
            .find(|r| r.code == ResponseCode::Code(answer.status))
            .or_else(|| {
                (now != 2)
                    .then(|| {
                        op.responses
                            .iter()
                            .find(|r| r.code == ResponseCode::Default)
                    })
                    .flatten()
            });
        let Some(resp) = documented else {
            if now == 2 {
                self.push(
                    "RESPONSE_SUCCESS_ADDED",
                    Direction::Response,
                    None,
                    format!(
                        "{} answers {}, which the consumer's spec does not document",
                        op.label(),
                        answer.status
                    ),
                );
            }
            return;
        };
        if let Some(body) = &answer.body {
            for p in conform::check(self.repo, &resp.ty.r, body, Direction::Response) {
                let rule = match p.kind {
                    Kind::Missing => "FIELD_REMOVED",
                    Kind::WrongType => "FIELD_TYPE_CHANGED",
                    Kind::UnknownEnumValue => "ENUM_VALUE_ADDED",
                    Kind::UnknownMember => "UNION_MEMBER_ADDED",
                    Kind::OutOfRange => "FIELD_RANGE_LOOSENED",
                };
                let message = format!("{} {}: {}", op.label(), answer.status, p.message);
                self.push(rule, Direction::Response, Some(p.pointer), message);
            }
        }
        // Fields the recording had (the consumer read them) that the provider no longer sends.
        if let (Some(recorded), Some(live)) = (&rec.body, &answer.body) {
            let mut missing = Vec::new();
            absent(recorded, live, &mut String::new(), &mut missing);
            for pointer in missing {
                if self.out.iter().any(|f| {
                    f.interaction == self.index
                        && f.cassette == self.file
                        && f.pointer.as_deref() == Some(&pointer)
                }) {
                    continue;
                }
                let field = pointer.rsplit('/').next().unwrap_or("").to_owned();
                let message = format!(
                    "{} {}: `{field}` (at {pointer}) was in the recorded response and is gone",
                    op.label(),
                    answer.status
                );
                self.push("FIELD_REMOVED", Direction::Response, Some(pointer), message);
            }
        }
    }

    /// The provider answers another status class than the recording: explain it by the
    /// rejection's field when it names one.
    fn status_changed(&mut self, op: Option<&Operation>, answer: &Answer) {
        let req = &self.interaction.request;
        let was = self.interaction.response.status;
        let label = op.map_or_else(|| format!("{} {}", req.method, req.path), Operation::label);
        let what = format!(
            "{label} answers {} where the recording got {was}",
            answer.status
        );
        if matches!(answer.status, 404 | 405) && was / 100 == 2 && routing(answer.body.as_ref()) {
            return self.push(
                "OPERATION_REMOVED",
                Direction::Request,
                None,
                format!("{what}: the provider no longer serves it"),
            );
        }
        let field = answer
            .body
            .as_ref()
            .and_then(|b| b.get("field"))
            .and_then(Value::as_str)
            .filter(|_| answer.status / 100 == 4);
        let message = answer
            .body
            .as_ref()
            .and_then(|b| b.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let (Some(field), Some(op)) = (field, op) else {
            return self.push("RESPONSE_REMOVED", Direction::Request, None, what);
        };
        let detail = format!("{what}: `{field}` is rejected ({message})");
        // The body's shape (what serde refuses: a missing field, another JSON type): the message
        // names the field.
        if field == "body" {
            let named = message.split('`').nth(1).filter(|n| !n.is_empty());
            let sent = |n: &str| req.body.as_ref().is_some_and(|b| has_key(b, n));
            let (rule, pointer) = match named {
                Some(n) if !sent(n) => ("FIELD_REQUIRED_ADDED", Some(format!("/{n}"))),
                Some(n) => ("FIELD_TYPE_CHANGED", Some(format!("/{n}"))),
                None => ("BODY_TYPE_CHANGED", None),
            };
            return self.push(rule, Direction::Request, pointer, detail);
        }
        if message.starts_with("header ") && !op.parameters.iter().any(|p| p.name == field) {
            let sent = req.headers.contains_key(&field.to_ascii_lowercase());
            let rule = if sent {
                "HEADER_TYPE_CHANGED"
            } else {
                "HEADER_REQUIRED_ADDED"
            };
            return self.push(rule, Direction::Request, None, detail);
        }
        // A parameter the consumer's spec does not know, on an operation without a body.
        if op.body.is_none() && !op.parameters.iter().any(|p| p.name == field) {
            return self.push("PARAMETER_REQUIRED_ADDED", Direction::Request, None, detail);
        }
        // A parameter?
        if let Some(p) = op
            .parameters
            .iter()
            .find(|p| p.name == field && p.location != Location::Form)
        {
            let sent = match p.location {
                Location::Query => req.query.iter().any(|(k, _)| *k == p.name),
                Location::Header => req.headers.contains_key(&p.name.to_ascii_lowercase()),
                _ => true,
            };
            let rule = if !sent {
                "PARAMETER_REQUIRED_ADDED"
            } else if is_enum(self.repo, &p.ty.r) {
                "ENUM_VALUE_REMOVED"
            } else if message.contains("at least")
                || message.contains("at most")
                || message.contains("between")
            {
                "FIELD_RANGE_TIGHTENED"
            } else {
                "PARAMETER_TYPE_CHANGED"
            };
            return self.push(rule, Direction::Request, None, detail);
        }
        // A field of the body (`items[0].quantity`), or the body itself.
        let pointer = field_pointer(field);
        let sent = req.body.as_ref().and_then(|b| b.pointer(&pointer));
        let ty = op
            .body
            .as_ref()
            .and_then(|b| field_type(self.repo, &b.ty.r, &pointer));
        let rule = match (sent, ty) {
            _ if field == "body" => "BODY_TYPE_CHANGED",
            (None, _) => "FIELD_REQUIRED_ADDED",
            (Some(_), Some(t)) if is_enum(self.repo, &t) => "ENUM_VALUE_REMOVED",
            _ if message.contains("at least")
                || message.contains("at most")
                || message.contains("between") =>
            {
                "FIELD_RANGE_TIGHTENED"
            }
            _ => "FIELD_TYPE_CHANGED",
        };
        self.push(rule, Direction::Request, Some(pointer), detail);
    }
}

/// Whether a 404/405 says the provider routes no such operation (no body, or the generated
/// server's routing rejection) rather than a documented "not found" of the operation.
fn routing(body: Option<&Value>) -> bool {
    let Some(b) = body else { return true };
    matches!(
        b.get("code").and_then(Value::as_str),
        Some("not_found" | "method_not_allowed")
    ) && matches!(
        b.get("field").and_then(Value::as_str),
        Some("path" | "method")
    )
}

/// Whether `name` is a key of an object anywhere in `v`.
fn has_key(v: &Value, name: &str) -> bool {
    match v {
        Value::Object(o) => o.contains_key(name) || o.values().any(|x| has_key(x, name)),
        Value::Array(a) => a.iter().any(|x| has_key(x, name)),
        _ => false,
    }
}

fn is_enum(repo: &Repo, ty: &TypeRef) -> bool {
    let _ = repo;
    matches!(ty.innermost(), TypeRef::Type(id) if id.kind == TypeKind::Enum)
}

/// `items[0].quantity` → `/items/0/quantity`.
fn field_pointer(field: &str) -> String {
    let mut out = String::new();
    for part in field.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            out.push('/');
            out.push_str(name);
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(idx.trim_end_matches(']').trim_matches('"'));
        }
    }
    out
}

/// The type at a pointer inside a value of `ty` (through models, lists and maps).
fn field_type(repo: &Repo, ty: &TypeRef, pointer: &str) -> Option<TypeRef> {
    let mut t = ty.clone();
    for seg in pointer.split('/').skip(1) {
        t = match &t {
            TypeRef::List(inner) | TypeRef::Map(inner) => (**inner).clone(),
            TypeRef::Type(id) if id.kind == TypeKind::Model => repo
                .model(*id)
                .fields
                .iter()
                .find(|f| f.name == seg)?
                .ty
                .r
                .clone(),
            _ => return None,
        };
    }
    Some(t)
}

/// Pointers of object keys present in `recorded` and absent from `live` (where `live` has the
/// object). Lists are compared element by element up to the shorter one.
fn absent(recorded: &Value, live: &Value, at: &mut String, out: &mut Vec<String>) {
    match (recorded, live) {
        (Value::Object(r), Value::Object(l)) => {
            for (k, rv) in r {
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match l.get(k) {
                    None if !rv.is_null() => out.push(at.clone()),
                    Some(lv) => absent(rv, lv, at, out),
                    None => {}
                }
                at.truncate(len);
            }
        }
        (Value::Array(r), Value::Array(l)) => {
            for (i, (rv, lv)) in r.iter().zip(l).enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                absent(rv, lv, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Sends one recorded request to the provider (recorded headers, a fresh request id).
pub async fn send(http: &reqwest::Client, base: &str, i: Interaction) -> Result<Answer, String> {
    let r = &i.request;
    let method = reqwest::Method::from_bytes(r.method.as_bytes())
        .map_err(|_| format!("cassette: bad method {}", r.method))?;
    let mut b = http.request(method, format!("{base}{}", r.path));
    if !r.query.is_empty() {
        b = b.query(&r.query);
    }
    for (k, v) in &r.headers {
        if k != "x-request-id" && k != "content-length" {
            b = b.header(k.as_str(), v.as_str());
        }
    }
    if let Some(body) = &r.body {
        b = b
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap_or_default());
    }
    let resp = b
        .send()
        .await
        .map_err(|e| format!("cannot reach the provider at {base}: {}", e.without_url()))?;
    let status = resp.status().as_u16();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("reading the provider's answer: {}", e.without_url()))?;
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    Ok(Answer { status, body })
}

// ---------------------------------------------------------------- rendering

const HUMAN: &str = "{{#each findings}}{{class}} [{{rule}}] {{message}}
  --> {{cassette}} #{{interaction}} {{method}} {{path}}{{#if pointer}} {{pointer}}{{/if}}
{{/each}}{{summary}}
";

const MARKDOWN: &str = "## Charter contract verification: {{verdict}}

{{summary}}

{{#if findings}}| class | rule | finding | interaction |
|---|---|---|---|
{{#each findings}}| {{class}} | `{{rule}}` | {{cell message}} | `{{cassette}}` #{{interaction}} {{method}} {{cell path}} |
{{/each}}{{else}}Every recorded interaction is still answered compatibly.
{{/if}}";

fn data(report: &Report) -> Value {
    let mut v = serde_json::to_value(report).unwrap_or_default();
    let verdict = report
        .findings
        .iter()
        .map(|f| f.class)
        .max()
        .unwrap_or(Class::NonBreaking);
    if let Some(o) = v.as_object_mut() {
        o.insert("verdict".into(), verdict.as_str().into());
        o.insert("summary".into(), report.summary().into());
    }
    v
}

fn render(name: &str, template: &str, report: &Report) -> String {
    let mut h = crate::report::templates();
    if let Err(e) = h.register_template_string(name, template) {
        return format!("template error: {e}\n");
    }
    h.render(name, &data(report))
        .unwrap_or_else(|e| format!("template error: {e}\n"))
}

pub fn render_human(report: &Report) -> String {
    render("human", HUMAN, report)
}

pub fn render_markdown(report: &Report) -> String {
    render("markdown", MARKDOWN, report)
}

/// `{"verdict", "summary", "interactions", "findings": [{rule, class, message, cassette,
/// interaction, method, path, pointer?}]}`.
pub fn render_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&data(report)).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: breaking → error, dangerous → warning, others → notice.
pub fn render_github(report: &Report) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.class {
            Class::Breaking => "error",
            Class::Dangerous => "warning",
            Class::NonBreaking => "notice",
        };
        out.push_str(&format!(
            "::{level} file={},title={} ({})::{}\n",
            esc(&f.cassette).replace(',', "%2C"),
            f.rule,
            f.class.as_str(),
            esc(&format!(
                "#{} {} {}: {}",
                f.interaction, f.method, f.path, f.message
            ))
        ));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_of_fields_and_absent_keys() {
        assert_eq!(field_pointer("items[0].quantity"), "/items/0/quantity");
        assert_eq!(field_pointer("status"), "/status");
        let mut out = Vec::new();
        absent(
            &serde_json::json!([{"a": 1, "b": {"c": 2}, "n": null}]),
            &serde_json::json!([{"a": 1, "b": {}}]),
            &mut String::new(),
            &mut out,
        );
        assert_eq!(out, vec!["/0/b/c"]);
    }
}
