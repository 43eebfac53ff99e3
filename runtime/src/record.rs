//! Record and replay of a generated client's HTTP traffic (feature `record`).
//!
//! A [`Recorder`] given to [`ClientBuilder::with_recorder`](crate::client::ClientBuilder::with_recorder)
//! keeps every request/response pair the client exchanges (a response as received: its body is
//! parsed and redacted only when the cassette is made, off the call's path); [`Recorder::save`]
//! (or dropping the last clone) writes them as a [`Cassette`]: pretty JSON, one interaction per entry, keys in a
//! fixed order, so a re-recorded cassette reviews as a readable diff. A [`Replayer`] given to
//! [`ClientBuilder::with_replay`](crate::client::ClientBuilder::with_replay) answers from a
//! cassette with no network at all, matching on method, path, query and body ([`MatchOptions`]:
//! fields or query parameters to ignore, bodies compared exactly, structurally or not at all). A
//! request that matches nothing fails with [`Error::Replay`](crate::client::Error::Replay), whose
//! message names the nearest recorded interaction and shows a unified diff against it.
//!
//! **Personal data never lands in a cassette.** Every generated type lists where it holds personal
//! data ([`PersonalData`](crate::PersonalData), JSON pointers into its JSON form); the client passes
//! those lists of request and response bodies to the recorder, which replaces each such value
//! (strings) by a placeholder `redacted-N` (`redacted-N@example.invalid` for a value with an `@`,
//! so it still looks like an email address), the same `N` for the same value across the whole
//! cassette. Query, path and header values and other bodies (undocumented statuses) that repeat
//! such a value, and query parameters named like a personal-data field (or listed in
//! [`RecordOptions::personal_params`]), get the same placeholder. Numbers and booleans at a
//! personal-data pointer are erased (`0`, `false`). Headers that carry credentials
//! (`authorization`, `cookie`, …: [`RecordOptions::default`]) are dropped, or masked as
//! `[masked]` when listed in [`RecordOptions::mask_headers`].
//!
//! Because placeholders are consistent, replay still matches: a placeholder in a recorded request
//! matches whatever value the replayed request carries there, and is then bound to that value for
//! the rest of the replay session, so the recorded responses come back with the caller's own
//! values in place of the placeholders (a create-then-read session replays to identical typed
//! results). A placeholder never bound stays in the response as the text `redacted-N`.

use crate::client::RawResponse;
use foldhash::quality::{FixedState, FoldHasher};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::any::Any;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

/// The cassette format version written in every file.
pub const FORMAT_VERSION: u32 = 1;

/// The prefix of a placeholder: `redacted-1`, `redacted-2`, … (URL-safe, so the same text stands
/// in a path segment, a query value or a JSON string).
pub const PLACEHOLDER_PREFIX: &str = "redacted-";

/// Recorded interactions, in the order they happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cassette {
    /// [`FORMAT_VERSION`].
    pub charter_cassette: u32,
    pub interactions: Vec<Interaction>,
}

/// One request and the response it got.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub request: RecordedRequest,
    pub response: RecordedResponse,
}

/// A request as sent: the path is percent-encoded as on the wire; query pairs keep their order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// A response as received. A JSON body is kept as JSON (`body`), any other body as text (`text`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Cassette {
    pub fn new(interactions: Vec<Interaction>) -> Self {
        Cassette {
            charter_cassette: FORMAT_VERSION,
            interactions,
        }
    }
    /// Reads a cassette file; the error says which file and what is wrong.
    pub fn load(path: &Path) -> Result<Cassette, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read cassette {}: {e}", path.display()))?;
        Cassette::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
    pub fn parse(text: &str) -> Result<Cassette, String> {
        let c: Cassette = serde_json::from_str(text).map_err(|e| format!("not a cassette: {e}"))?;
        if c.charter_cassette != FORMAT_VERSION {
            return Err(format!(
                "cassette format {} is not supported (this runtime reads {FORMAT_VERSION})",
                c.charter_cassette
            ));
        }
        Ok(c)
    }
    /// Pretty JSON with a final newline: the file form.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.to_json())
    }
}

impl RecordedResponse {
    /// The response as the client's status match reads it.
    pub fn to_raw(&self) -> RawResponse {
        let mut headers = HeaderMap::new();
        for (k, v) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.insert(n, v);
            }
        }
        let body = match (&self.body, &self.text) {
            (Some(v), _) => serde_json::to_vec(v).unwrap_or_default(),
            (None, Some(t)) => t.clone().into_bytes(),
            (None, None) => Vec::new(),
        };
        RawResponse {
            status: StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: body.into(),
        }
    }
    /// The response of a raw one: a JSON body parsed, anything else kept as text.
    pub fn from_raw(raw: &RawResponse) -> Self {
        let (body, text) = split_body(&raw.body);
        RecordedResponse {
            status: raw.status.as_u16(),
            headers: header_map(&raw.headers, RESPONSE_NOISE),
            body,
            text,
        }
    }
}

/// Response headers that change on every call and only make cassette diffs noisy.
const RESPONSE_NOISE: &[&str] = &["date", "content-length", "transfer-encoding", "connection"];

fn header_map(h: &HeaderMap, skip: &[&str]) -> BTreeMap<String, String> {
    h.iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect()
}

pub(crate) fn split_body(bytes: &[u8]) -> (Option<Value>, Option<String>) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (None, None);
    }
    match serde_json::from_slice(bytes) {
        Ok(v) => (Some(v), None),
        Err(_) => (None, Some(String::from_utf8_lossy(bytes).into_owned())),
    }
}

// ---------------------------------------------------------------- options

/// What a recorder drops, masks and redacts.
#[derive(Clone, Debug)]
pub struct RecordOptions {
    /// Headers left out of the cassette (lower case). Default: `authorization`,
    /// `proxy-authorization`, `cookie`, `set-cookie`, `x-api-key`, `api-key`, `x-auth-token`.
    pub drop_headers: Vec<String>,
    /// Headers kept with the value `[masked]` (lower case); a header listed here is not dropped.
    pub mask_headers: Vec<String>,
    /// Query and form parameter names whose values are personal data, besides the names of the
    /// personal-data fields the recorded bodies reveal.
    pub personal_params: Vec<String>,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            drop_headers: [
                "authorization",
                "proxy-authorization",
                "cookie",
                "set-cookie",
                "x-api-key",
                "api-key",
                "x-auth-token",
            ]
            .map(str::to_owned)
            .to_vec(),
            mask_headers: Vec::new(),
            personal_params: Vec::new(),
        }
    }
}

impl RecordOptions {
    pub fn mask_header(mut self, name: &str) -> Self {
        self.mask_headers.push(name.to_ascii_lowercase());
        self
    }
    pub fn drop_header(mut self, name: &str) -> Self {
        self.drop_headers.push(name.to_ascii_lowercase());
        self
    }
    pub fn personal_param(mut self, name: &str) -> Self {
        self.personal_params.push(name.to_owned());
        self
    }
}

/// How a replayed body is compared with a recorded one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BodyMatch {
    /// Equal JSON (object keys in any order), placeholders matching any value.
    #[default]
    Exact,
    /// The same shape: the same object keys and JSON types at every position; values may differ.
    Structural,
    /// Bodies are not compared.
    Ignore,
}

/// How a replayed request is matched with the recorded ones. Method and path always match.
#[derive(Clone, Debug)]
pub struct MatchOptions {
    /// Compare the query pairs (default `true`).
    pub query: bool,
    pub body: BodyMatch,
    /// Body fields not compared: a JSON pointer (`/meta/sent_at`) or a bare field name
    /// (`sent_at`, at any depth).
    pub ignore_fields: Vec<String>,
    /// Query parameters not compared.
    pub ignore_query: Vec<String>,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            query: true,
            body: BodyMatch::Exact,
            ignore_fields: Vec::new(),
            ignore_query: Vec::new(),
        }
    }
}

impl MatchOptions {
    pub fn ignore_field(mut self, field: &str) -> Self {
        self.ignore_fields.push(field.to_owned());
        self
    }
    pub fn ignore_query(mut self, name: &str) -> Self {
        self.ignore_query.push(name.to_owned());
        self
    }
    pub fn body(mut self, body: BodyMatch) -> Self {
        self.body = body;
        self
    }
    pub fn without_query(mut self) -> Self {
        self.query = false;
        self
    }
    fn ignores_field(&self, pointer: &str) -> bool {
        let last = pointer.rsplit('/').next().unwrap_or("");
        self.ignore_fields
            .iter()
            .any(|f| f == pointer || (!f.starts_with('/') && f == last))
    }
}

// ---------------------------------------------------------------- the client's view

/// A request as the client is about to send it, with the personal-data pointers of its body.
#[derive(Clone, Debug)]
pub(crate) struct LiveRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: BTreeMap<String, String>,
    pub body: Option<Value>,
    pub pointers: Vec<String>,
}

// ---------------------------------------------------------------- recording

struct Entry {
    request: LiveRequest,
    /// The response as received (a cheap copy: the body's bytes are shared). It is parsed into a
    /// [`RecordedResponse`] when the cassette is made, not on the call's path.
    response: RawResponse,
    /// Personal-data pointers of the response body, known once the client decoded it.
    response_pointers: Vec<String>,
}

struct RecorderState {
    path: Option<PathBuf>,
    options: RecordOptions,
    entries: Mutex<Vec<Entry>>,
}

/// Records a client's traffic (clones share the same recording). Dropping the last clone of a
/// recorder made with [`Recorder::new`] writes its cassette, as [`Recorder::save`] does.
#[derive(Clone)]
pub struct Recorder(Arc<RecorderState>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.0.path)
            .field("interactions", &self.len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Recorder {
    /// A recorder that writes its cassette to `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Recorder::make(Some(path.into()), RecordOptions::default())
    }
    /// A recorder kept in memory ([`Recorder::cassette`]).
    pub fn in_memory() -> Self {
        Recorder::make(None, RecordOptions::default())
    }
    pub fn with_options(self, options: RecordOptions) -> Self {
        let path = self.0.path.clone();
        Recorder::make(path, options)
    }
    fn make(path: Option<PathBuf>, options: RecordOptions) -> Self {
        Recorder(Arc::new(RecorderState {
            path,
            options,
            entries: Mutex::new(Vec::new()),
        }))
    }
    pub fn len(&self) -> usize {
        lock(&self.0.entries).len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Writes the cassette to the recorder's path (nothing for an in-memory recorder).
    pub fn save(&self) -> std::io::Result<()> {
        match &self.0.path {
            Some(p) => self.cassette().save(p),
            None => Ok(()),
        }
    }
    /// The recorded interactions, personal data replaced and credentials dropped.
    pub fn cassette(&self) -> Cassette {
        redact_entries(&lock(&self.0.entries), &self.0.options)
    }
    pub(crate) fn push(&self, request: LiveRequest, response: &RawResponse) -> usize {
        let mut entries = lock(&self.0.entries);
        entries.push(Entry {
            request,
            response: RawResponse {
                status: response.status,
                headers: response.headers.clone(),
                body: response.body.clone(),
            },
            response_pointers: Vec::new(),
        });
        entries.len() - 1
    }
    pub(crate) fn response_pointers(&self, index: usize, pointers: Vec<String>) {
        if let Some(e) = lock(&self.0.entries).get_mut(index) {
            e.response_pointers = pointers;
        }
    }
}

impl Drop for RecorderState {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let entries = lock(&self.entries);
            if !entries.is_empty() {
                let _ = redact_entries(&entries, &self.options).save(p);
            }
        }
    }
}

/// The consistent replacement of personal-data values by placeholders.
#[derive(Default)]
struct Secrets {
    index: HashMap<String, usize>,
}

impl Secrets {
    fn placeholder(&mut self, value: &str) -> String {
        let n = self.index.len() + 1;
        let n = *self.index.entry(value.to_owned()).or_insert(n);
        placeholder_text(n, value)
    }
    fn known(&self, value: &str) -> Option<String> {
        self.index.get(value).map(|n| placeholder_text(*n, value))
    }
}

/// The suffix of a placeholder standing for an email address (a value with an `@`), so that a
/// replayed or verified request still carries something shaped like one.
pub const EMAIL_SUFFIX: &str = "@example.invalid";

fn placeholder_text(n: usize, value: &str) -> String {
    if value.contains('@') {
        format!("{PLACEHOLDER_PREFIX}{n}{EMAIL_SUFFIX}")
    } else {
        format!("{PLACEHOLDER_PREFIX}{n}")
    }
}

/// Whether a string is a placeholder (`redacted-N`, or `redacted-N@example.invalid`).
pub fn is_placeholder(s: &str) -> bool {
    let s = s.strip_suffix(EMAIL_SUFFIX).unwrap_or(s);
    s.strip_prefix(PLACEHOLDER_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn redact_entries(entries: &[Entry], options: &RecordOptions) -> Cassette {
    // The names of personal-data fields, from every pointer seen (`/customer/email` → `email`).
    let mut names: BTreeSet<String> = options.personal_params.iter().cloned().collect();
    for e in entries {
        for p in e.request.pointers.iter().chain(&e.response_pointers) {
            if let Some(last) = p.rsplit('/').next().map(unescape) {
                if !last.is_empty() && !last.bytes().all(|b| b.is_ascii_digit()) {
                    names.insert(last);
                }
            }
        }
    }
    let responses: Vec<RecordedResponse> = entries
        .iter()
        .map(|e| RecordedResponse::from_raw(&e.response))
        .collect();
    let mut secrets = Secrets::default();
    // First pass: every value at a pointer or under a personal-data name gets its placeholder.
    let mut bodies: Vec<(Option<Value>, Option<Value>)> = Vec::new();
    let mut queries: Vec<Vec<(String, String)>> = Vec::new();
    for (e, response) in entries.iter().zip(&responses) {
        let mut req = e.request.body.clone();
        if let Some(b) = &mut req {
            for p in &e.request.pointers {
                if let Some(v) = b.pointer_mut(p) {
                    replace_leaves(v, &mut secrets);
                }
            }
            replace_named(b, &names, &mut secrets);
        }
        let query = e
            .request
            .query
            .iter()
            .map(|(k, v)| {
                if names.contains(k) && !v.is_empty() {
                    (k.clone(), secrets.placeholder(v))
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        let mut resp = response.body.clone();
        if let Some(b) = &mut resp {
            for p in &e.response_pointers {
                if let Some(v) = b.pointer_mut(p) {
                    replace_leaves(v, &mut secrets);
                }
            }
            replace_named(b, &names, &mut secrets);
        }
        bodies.push((req, resp));
        queries.push(query);
    }
    // Second pass: every other occurrence of a known value gets the same placeholder.
    let mut out = Vec::new();
    for (((e, response), (mut req_body, mut resp_body)), query) in
        entries.iter().zip(&responses).zip(bodies).zip(queries)
    {
        if let Some(b) = &mut req_body {
            replace_known(b, &secrets);
        }
        if let Some(b) = &mut resp_body {
            replace_known(b, &secrets);
        }
        let query = query
            .into_iter()
            .map(|(k, v)| {
                let v = secrets.known(&v).unwrap_or(v);
                (k, v)
            })
            .collect();
        let path = e
            .request
            .path
            .split('/')
            .map(|seg| secrets.known(seg).unwrap_or_else(|| seg.to_owned()))
            .collect::<Vec<_>>()
            .join("/");
        out.push(Interaction {
            request: RecordedRequest {
                method: e.request.method.clone(),
                path,
                query,
                headers: redact_headers(&e.request.headers, options, &secrets),
                body: req_body,
            },
            response: RecordedResponse {
                status: response.status,
                headers: redact_headers(&response.headers, options, &secrets),
                body: resp_body,
                text: response.text.as_ref().map(|t| replace_in_text(t, &secrets)),
            },
        });
    }
    Cassette::new(out)
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Replaces every string inside `v` by its placeholder; numbers become 0, booleans false.
fn replace_leaves(v: &mut Value, secrets: &mut Secrets) {
    match v {
        Value::String(s) if !s.is_empty() && !is_placeholder(s) => {
            *s = secrets.placeholder(s);
        }
        Value::Number(_) => *v = Value::from(0),
        Value::Bool(b) => *b = false,
        Value::Array(items) => items.iter_mut().for_each(|i| replace_leaves(i, secrets)),
        Value::Object(m) => m.values_mut().for_each(|i| replace_leaves(i, secrets)),
        _ => {}
    }
}

/// Replaces the values of object fields named like personal-data fields, at any depth.
fn replace_named(v: &mut Value, names: &BTreeSet<String>, secrets: &mut Secrets) {
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if names.contains(k) {
                    replace_leaves(v, secrets);
                } else {
                    replace_named(v, names, secrets);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| replace_named(i, names, secrets)),
        _ => {}
    }
}

fn replace_known(v: &mut Value, secrets: &Secrets) {
    match v {
        Value::String(s) => {
            if let Some(p) = secrets.known(s) {
                *s = p;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| replace_known(i, secrets)),
        Value::Object(m) => m.values_mut().for_each(|i| replace_known(i, secrets)),
        _ => {}
    }
}

/// Known values inside free text (error messages, non-JSON bodies, header values). Values
/// shorter than 4 characters are only replaced as whole texts, not inside other words.
fn replace_in_text(text: &str, secrets: &Secrets) -> String {
    if let Some(p) = secrets.known(text) {
        return p;
    }
    let mut known: Vec<(&String, &usize)> =
        secrets.index.iter().filter(|(k, _)| k.len() >= 4).collect();
    // Longest first, so a value containing another is replaced whole.
    known.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(b.1)));
    let mut out = text.to_owned();
    for (value, n) in known {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), &placeholder_text(*n, value));
        }
    }
    out
}

fn redact_headers(
    h: &BTreeMap<String, String>,
    options: &RecordOptions,
    secrets: &Secrets,
) -> BTreeMap<String, String> {
    h.iter()
        .filter_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            if options.mask_headers.contains(&k) {
                Some((k, "[masked]".to_owned()))
            } else if options.drop_headers.contains(&k) {
                None
            } else {
                Some((k, replace_in_text(v, secrets)))
            }
        })
        .collect()
}

// ---------------------------------------------------------------- replay

/// A request to answer from a cassette, borrowed from the client (nothing is copied or formatted
/// to match it): the path percent-encoded as on the wire, query pairs in order, a JSON body.
#[derive(Clone, Debug)]
pub(crate) struct Probe<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Vec<(&'a str, &'a str)>,
    pub body: Option<Value>,
    /// Personal-data pointers of the body (only read to show a miss).
    pub pointers: &'a [String],
}

impl LiveRequest {
    /// The request as the replayer matches it.
    #[cfg(test)]
    pub(crate) fn probe(&self) -> Probe<'_> {
        Probe {
            method: &self.method,
            path: &self.path,
            query: self
                .query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            body: self.body.clone(),
            pointers: &self.pointers,
        }
    }
}

impl Probe<'_> {
    fn to_live(&self) -> LiveRequest {
        LiveRequest {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            query: self
                .query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: BTreeMap::new(),
            body: self.body.clone(),
            pointers: self.pointers.to_vec(),
        }
    }
}

/// What a cassette is prepared into once, for given [`MatchOptions`]; shared by every replay
/// session of it ([`Replayer::session`]).
struct Prepared {
    cassette: Cassette,
    options: MatchOptions,
    /// Interactions by their key ([`request_key`]: method, path, and the query and body as
    /// compared) when the recorded request has no placeholder where it is compared: a lookup is
    /// one hash of the request, and the interactions found are the few recorded identically.
    exact: Index,
    /// Interactions with placeholders only in the query or body, and every interaction when
    /// bodies are compared structurally (the key does not say the shape), by method and path
    /// ([`route_key`]): compared with requests on that route.
    by_route: Index,
    /// Interactions whose path holds a placeholder: tried for every request.
    wildcard: Vec<usize>,
    /// Per interaction, what a replayed call reads of it, side by side: in recorded order, a
    /// replay reads one slot per call (56 bytes) rather than one line from each of three vectors.
    slots: Vec<Slot>,
}

/// What a replayed call reads of one interaction.
struct Slot {
    /// Its key when a request with that key is answered by it whenever it is unused: it is keyed
    /// exactly, the first of its key, on a route with no placeholder candidates, in a cassette
    /// without wildcard paths. A session replaying in recorded order (the usual case) finds its
    /// answer here, at the interaction after the last one answered, without a lookup in the
    /// index. (Its [`request_check`]: one comparison with one request needs no 128 bits.)
    in_order: Option<u64>,
    /// Its answer when the response body holds no placeholder, built once (the body serialized
    /// once, shared by every replay of it); `None` where the caller's values are substituted at
    /// each answer. Boxed, with its status beside it: a replay that finds the typed value below
    /// reads only the status.
    prebuilt: Option<(StatusCode, Box<RawResponse>)>,
    /// The typed value the prebuilt answer decoded to, the first time it did: later replays of
    /// it (in any session) clone it instead of decoding JSON again.
    typed: OnceLock<Box<dyn Any + Send + Sync>>,
}

/// A replayed answer: an interaction whose answer is the same in every replay, built once
/// ([`Replayer::prebuilt`]: nothing is copied per call), or one built for this call (the caller's
/// values in place of its placeholders).
#[derive(Debug)]
pub(crate) enum Answer<'a> {
    Prebuilt {
        index: usize,
        status: StatusCode,
        raw: &'a RawResponse,
    },
    Built(Box<RawResponse>),
}

/// The state of one replay session.
#[derive(Default)]
struct Session {
    /// Which interactions have answered already.
    used: Vec<bool>,
    /// Placeholder → the value the replayed requests carried in its place.
    bindings: HashMap<String, Value>,
    /// The interaction after the last one that answered: where a replay in recorded order finds
    /// its next answer ([`Slot::in_order`]).
    next: usize,
}

struct ReplayState {
    prepared: Arc<Prepared>,
    session: Mutex<Session>,
}

/// Answers a client's requests from a cassette, with no network (clones share the session).
#[derive(Clone)]
pub struct Replayer(Arc<ReplayState>);

impl std::fmt::Debug for Replayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replayer")
            .field("interactions", &self.0.prepared.cassette.interactions.len())
            .field("options", &self.0.prepared.options)
            .finish()
    }
}

/// A replayed request that no recorded interaction matches: the message names the nearest one and
/// shows how this request differs from it (personal data replaced as in the cassette).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayMiss {
    /// The index of the nearest recorded interaction, if the cassette has any.
    pub nearest: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ReplayMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Two foldhash states fed the same bytes, seeded apart: a 128-bit key, so that two different
/// requests sharing one is not a concern (about 2⁻¹²⁸ for a pair; a 64-bit key, with the recorded
/// request compared again after the lookup, cost a cache miss on its strings per call). The keys
/// only live in memory, never in a cassette. (Two SipHash states were a sixth of a replayed
/// call.)
#[derive(Clone)]
struct Twin(FoldHasher<'static>, FoldHasher<'static>);

impl Twin {
    const FIRST: FixedState = FixedState::with_seed(0x243f_6a88_85a3_08d3);
    const SECOND: FixedState = FixedState::with_seed(0x9e37_79b9_7f4a_7c15);
    fn new() -> Self {
        Twin(Self::FIRST.build_hasher(), Self::SECOND.build_hasher())
    }
    fn key(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }
}

impl Hasher for Twin {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
        self.1.write(bytes);
    }
    fn write_u8(&mut self, n: u8) {
        self.0.write_u8(n);
        self.1.write_u8(n);
    }
    fn write_u64(&mut self, n: u64) {
        self.0.write_u64(n);
        self.1.write_u64(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.0.write_usize(n);
        self.1.write_usize(n);
    }
    fn write_u128(&mut self, n: u128) {
        self.0.write_u128(n);
        self.1.write_u128(n);
    }
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The map from a key that is a hash already: its bits are the table's hash.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = (n >> 64) as u64 ^ n as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap<V> = HashMap<u128, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hash of a method (any case) and a path.
fn route_key(method: &str, path: &str) -> Twin {
    let mut h = Twin::new();
    hash_route(&mut h, method, path);
    h
}

fn hash_route(h: &mut impl Hasher, method: &str, path: &str) {
    // Hashed as its upper case, whatever case it is written in: a method from `http::Method`
    // is upper case already and is hashed as it is; another is upper-cased on the stack.
    let mut upper = [0u8; 16];
    match method.bytes().any(|b| b.is_ascii_lowercase()) {
        false => h.write(method.as_bytes()),
        true if method.len() <= upper.len() => {
            let upper = &mut upper[..method.len()];
            upper.copy_from_slice(method.as_bytes());
            upper.make_ascii_uppercase();
            h.write(upper);
        }
        true => h.write(method.to_ascii_uppercase().as_bytes()),
    }
    h.write_u8(0xff);
    h.write(path.as_bytes());
}

/// The key of a request as `options` compare it, without placeholders: route, the query pairs
/// not ignored (in order), and, when bodies are compared exactly, the body without its ignored
/// fields (object members in any order). Two requests have the same key when they are equal in
/// every compared part.
fn request_key(
    method: &str,
    path: &str,
    query: impl Iterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    body: Option<&Value>,
    options: &MatchOptions,
) -> u128 {
    let mut h = Twin::new();
    hash_request(&mut h, method, path, query, body, options);
    h.key()
}

/// Half of a request's key, as one hasher makes it: enough to tell whether a request is the one
/// expected next ([`Slot::in_order`]: one comparison, not a lookup among all keys), for half
/// the hashing.
fn request_check(
    method: &str,
    path: &str,
    query: impl Iterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    body: Option<&Value>,
    options: &MatchOptions,
) -> u64 {
    let mut h = Twin::FIRST.build_hasher();
    hash_request(&mut h, method, path, query, body, options);
    h.finish()
}

fn hash_request(
    h: &mut impl Hasher,
    method: &str,
    path: &str,
    query: impl Iterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    body: Option<&Value>,
    options: &MatchOptions,
) {
    hash_route(h, method, path);
    if options.query {
        for (k, v) in query {
            let (k, v) = (k.as_ref(), v.as_ref());
            if !options.ignore_query.iter().any(|i| i == k) {
                k.hash(h);
                v.hash(h);
            }
        }
    }
    if options.body == BodyMatch::Exact {
        match body {
            Some(b) => h.write_u128(hash_value(b, &mut String::new(), options)),
            None => h.write_u8(0),
        }
    }
}

fn hash_value(v: &Value, at: &mut String, options: &MatchOptions) -> u128 {
    let mut h = Twin::new();
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => (1u8, *b).hash(&mut h),
        Value::Number(n) => {
            // As `Number`'s equality: unsigned, negative and float values never equal each other.
            if let Some(u) = n.as_u64() {
                (2u8, u).hash(&mut h)
            } else if let Some(i) = n.as_i64() {
                (3u8, i).hash(&mut h)
            } else {
                let f = n.as_f64().unwrap_or_default();
                (4u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(&mut h)
            }
        }
        Value::String(s) => (5u8, s.as_str()).hash(&mut h),
        Value::Array(items) => {
            (6u8, items.len()).hash(&mut h);
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                if !options.ignore_fields.is_empty() {
                    push_pointer(at, &i.to_string());
                }
                h.write_u128(hash_value(item, at, options));
                at.truncate(len);
            }
        }
        Value::Object(m) => {
            // Members in any order: the sum of their hashes.
            let mut sum = 0u128;
            for (k, item) in m {
                let len = at.len();
                if !options.ignore_fields.is_empty() {
                    push_pointer(at, k);
                    if options.ignores_field(at) {
                        at.truncate(len);
                        continue;
                    }
                }
                let mut member = Twin::new();
                k.hash(&mut member);
                member.write_u128(hash_value(item, at, options));
                sum = sum.wrapping_add(member.key());
                at.truncate(len);
            }
            (7u8, sum).hash(&mut h);
        }
    }
    h.key()
}

/// Interaction indices grouped by key in one flat list (`ids`), each key's in cassette order: a
/// lookup touches the table and one run of that list, not a vector per key.
#[derive(Default)]
struct Index {
    runs: KeyMap<(u32, u32)>,
    ids: Vec<usize>,
}

impl Index {
    fn build(keyed: Vec<(u128, usize)>) -> Self {
        let mut groups: KeyMap<Vec<usize>> = KeyMap::default();
        let mut order = Vec::new();
        for (key, i) in keyed {
            let g = groups.entry(key).or_default();
            if g.is_empty() {
                order.push(key);
            }
            g.push(i);
        }
        let mut index = Index::default();
        for key in order {
            let g = &groups[&key];
            index
                .runs
                .insert(key, (index.ids.len() as u32, g.len() as u32));
            index.ids.extend(g);
        }
        index
    }
    fn get(&self, key: u128) -> &[usize] {
        match self.runs.get(&key) {
            Some(&(start, len)) => &self.ids[start as usize..(start + len) as usize],
            None => &[],
        }
    }
    fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl Replayer {
    pub fn new(cassette: Cassette) -> Self {
        Replayer::with(cassette, MatchOptions::default())
    }
    /// Replays the cassette file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, String> {
        Ok(Replayer::new(Cassette::load(path.as_ref())?))
    }
    pub fn with_options(self, options: MatchOptions) -> Self {
        Replayer::with(self.0.prepared.cassette.clone(), options)
    }
    /// A new replay session of the same cassette and options (every interaction unused, no
    /// placeholder bound), sharing what was prepared: the index, the answers, and the typed
    /// values already decoded. Cheap; e.g. one per test from a cassette loaded once.
    pub fn session(&self) -> Self {
        let prepared = self.0.prepared.clone();
        Replayer::start(prepared)
    }
    fn start(prepared: Arc<Prepared>) -> Self {
        let n = prepared.cassette.interactions.len();
        Replayer(Arc::new(ReplayState {
            prepared,
            session: Mutex::new(Session {
                used: vec![false; n],
                bindings: HashMap::new(),
                next: 0,
            }),
        }))
    }
    fn with(cassette: Cassette, options: MatchOptions) -> Self {
        let mut exact = Vec::new();
        let mut by_route = Vec::new();
        let mut wildcard = Vec::new();
        for (i, rec) in cassette.interactions.iter().enumerate() {
            let r = &rec.request;
            if r.path.split('/').any(is_placeholder) {
                wildcard.push(i);
            } else if options.body == BodyMatch::Structural
                || (options.query && r.query.iter().any(|(_, v)| is_placeholder(v)))
                || (options.body == BodyMatch::Exact
                    && r.body.as_ref().is_some_and(holds_placeholder))
            {
                by_route.push((route_key(&r.method, &r.path).key(), i));
            } else {
                let key = request_key(
                    &r.method,
                    &r.path,
                    r.query.iter().map(|(k, v)| (k, v)),
                    r.body.as_ref(),
                    &options,
                );
                exact.push((key, i));
            }
        }
        let by_route = Index::build(by_route);
        let mut slots: Vec<Slot> = cassette
            .interactions
            .iter()
            .map(|rec| {
                let bound = rec.response.body.as_ref().is_some_and(holds_placeholder);
                Slot {
                    in_order: None,
                    prebuilt: (!bound).then(|| {
                        let raw = rec.response.to_raw();
                        (raw.status, Box::new(raw))
                    }),
                    typed: OnceLock::new(),
                }
            })
            .collect();
        if wildcard.is_empty() {
            let mut seen = HashSet::new();
            for &(key, i) in &exact {
                let r = &cassette.interactions[i].request;
                if seen.insert(key) && by_route.get(route_key(&r.method, &r.path).key()).is_empty()
                {
                    slots[i].in_order = Some(request_check(
                        &r.method,
                        &r.path,
                        r.query.iter().map(|(k, v)| (k, v)),
                        r.body.as_ref(),
                        &options,
                    ));
                }
            }
        }
        Replayer::start(Arc::new(Prepared {
            slots,
            cassette,
            exact: Index::build(exact),
            by_route,
            wildcard,
            options,
        }))
    }
    pub fn cassette(&self) -> &Cassette {
        &self.0.prepared.cassette
    }

    /// The recorded response for a request received from elsewhere (a stub server's): `path`
    /// percent-encoded as on the wire, query pairs decoded, a JSON body.
    pub fn lookup(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<Value>,
    ) -> Result<RawResponse, Box<ReplayMiss>> {
        let answer = self.answer(&Probe {
            method,
            path,
            query: query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            body,
            pointers: &[],
        })?;
        Ok(self.raw(answer))
    }

    /// The whole response of an answer (a prebuilt one copied).
    fn raw(&self, answer: Answer<'_>) -> RawResponse {
        match answer {
            Answer::Prebuilt { raw, .. } => raw.clone(),
            Answer::Built(raw) => *raw,
        }
    }

    /// The recorded response for `live`: the first unused interaction that matches, else the last
    /// used one that does (a repeated call gets the same answer): the interaction when its
    /// answer is prebuilt (the same for every replay: [`Replayer::prebuilt`], [`Replayer::typed`]).
    ///
    /// Inline, with the lookup out of line: a replay in recorded order is answered without a
    /// call, so the answer stays in registers (returned through memory, its two words stored
    /// one by one and loaded as one stall the CPU's store forwarding).
    #[inline]
    pub(crate) fn answer(&self, live: &Probe<'_>) -> Result<Answer<'_>, Box<ReplayMiss>> {
        let p = &*self.0.prepared;
        let mut session = lock(&self.0.session);
        // In recorded order: the interaction after the last answer, when it answers this
        // request's key whenever unused (the index below would find the same one).
        let next = session.next;
        if let Some(Slot {
            in_order: Some(want),
            prebuilt,
            ..
        }) = p.slots.get(next)
        {
            let check = || {
                request_check(
                    live.method,
                    live.path,
                    live.query.iter().copied(),
                    live.body.as_ref(),
                    &p.options,
                )
            };
            if !session.used[next] && check() == *want {
                session.used[next] = true;
                session.next = next + 1;
                return Ok(match prebuilt {
                    Some((status, raw)) => Answer::Prebuilt {
                        index: next,
                        status: *status,
                        raw,
                    },
                    None => self.respond(next, &session.bindings),
                });
            }
        }
        self.look_up(live, session)
    }

    /// [`Replayer::answer`] for a request that is not the one expected next in recorded order.
    #[inline(never)]
    fn look_up(
        &self,
        live: &Probe<'_>,
        mut session: MutexGuard<'_, Session>,
    ) -> Result<Answer<'_>, Box<ReplayMiss>> {
        let p = &*self.0.prepared;
        let key = request_key(
            live.method,
            live.path,
            live.query.iter().copied(),
            live.body.as_ref(),
            &p.options,
        );
        let exact = p.exact.get(key);
        let route = match p.by_route.is_empty() {
            true => &[][..],
            false => p.by_route.get(route_key(live.method, live.path).key()),
        };
        let found = if route.is_empty() && p.wildcard.is_empty() {
            // The key is the comparison: every interaction under it matches, with nothing to
            // bind (none has a placeholder where it is compared).
            let used = &session.used;
            let first = exact.iter().find(|&&i| !used[i]);
            first.or_else(|| exact.last()).copied()
        } else {
            let mut all: Vec<(usize, bool)> = exact
                .iter()
                .map(|&i| (i, true))
                .chain(route.iter().chain(&p.wildcard).map(|&i| (i, false)))
                .collect();
            all.sort_unstable();
            self.pick(&all, live, &mut session)
        };
        if let Some(i) = found {
            session.used[i] = true;
            session.next = i + 1;
            return Ok(self.respond(i, &session.bindings));
        }
        // Requests equal in every compared part have equal keys, so this is only reached by a
        // miss: every interaction is tried before saying so.
        let all: Vec<(usize, bool)> = (0..p.cassette.interactions.len())
            .map(|i| (i, false))
            .collect();
        if let Some(i) = self.pick(&all, live, &mut session) {
            session.used[i] = true;
            session.next = i + 1;
            return Ok(self.respond(i, &session.bindings));
        }
        Err(Box::new(self.miss(live, &session.bindings)))
    }

    /// Among `candidates` (in cassette order; `true` for one known to match, by its key): the
    /// first unused that matches, else the last used one that does; keeps its bindings.
    fn pick(
        &self,
        candidates: &[(usize, bool)],
        live: &Probe<'_>,
        session: &mut Session,
    ) -> Option<usize> {
        let p = &*self.0.prepared;
        let mut fresh = Vec::new();
        let found = {
            let used = &session.used;
            let unused = candidates.iter().filter(|(i, _)| !used[*i]);
            let again = candidates.iter().rev().filter(|(i, _)| used[*i]);
            unused.chain(again).copied().find(|&(i, known)| {
                fresh.clear();
                let mut trial = Trial {
                    bound: &session.bindings,
                    fresh: &mut fresh,
                };
                known
                    || matches(
                        &p.cassette.interactions[i].request,
                        live,
                        &p.options,
                        &mut trial,
                    )
            })
        }?;
        session.bindings.extend(fresh);
        Some(found.0)
    }

    /// The typed answer of prebuilt interaction `i`, when one was decoded as a `T` before.
    #[inline]
    pub(crate) fn typed<T: 'static>(&self, i: usize) -> Option<&T> {
        self.0
            .prepared
            .slots
            .get(i)?
            .typed
            .get()?
            .downcast_ref::<T>()
    }

    /// Keeps the typed answer of prebuilt interaction `i` for later replays.
    pub(crate) fn keep_typed<T: Clone + Send + Sync + 'static>(&self, i: usize, value: &T) {
        if let Some(slot) = self.0.prepared.slots.get(i) {
            let _ = slot.typed.set(Box::new(value.clone()));
        }
    }

    fn miss(&self, live: &Probe<'_>, bindings: &HashMap<String, Value>) -> ReplayMiss {
        let live = live.to_live();
        let line = format!("{} {}", live.method, live.path);
        let interactions = &self.0.prepared.cassette.interactions;
        if interactions.is_empty() {
            return ReplayMiss {
                nearest: None,
                message: format!(
                    "replay: no recorded interaction matches {line}: the cassette is empty"
                ),
            };
        }
        let mut best: Option<(usize, f32, String, String)> = None;
        for (i, rec) in interactions.iter().enumerate() {
            let recorded = render(&rec.request);
            let shown = render(&display_live(&live, &rec.request, bindings));
            let mut score = similar::TextDiff::from_lines(&recorded, &shown).ratio();
            if rec.request.method == live.method {
                score += 1.0;
            }
            if same_route(&rec.request.path, &live.path) {
                score += 1.0;
            }
            if best.as_ref().is_none_or(|b| score > b.1) {
                best = Some((i, score, recorded, shown));
            }
        }
        let (i, _, recorded, shown) = best.unwrap_or_default();
        let rec = &interactions[i].request;
        let diff = similar::TextDiff::from_lines(&recorded, &shown)
            .unified_diff()
            .context_radius(3)
            .header(&format!("recorded #{i}"), "this request")
            .to_string();
        ReplayMiss {
            nearest: Some(i),
            message: format!(
                "replay: no recorded interaction matches {line}; the nearest is #{i} ({} {}):\n{diff}",
                rec.method, rec.path
            ),
        }
    }

    /// The answer of interaction `i`, with the caller's values in place of its placeholders.
    fn respond(&self, i: usize, bindings: &HashMap<String, Value>) -> Answer<'_> {
        let p = &*self.0.prepared;
        if let Some((status, raw)) = &p.slots[i].prebuilt {
            return Answer::Prebuilt {
                index: i,
                status: *status,
                raw,
            };
        }
        let mut rec = p.cassette.interactions[i].response.clone();
        if let Some(b) = &mut rec.body {
            substitute(b, bindings);
        }
        Answer::Built(Box::new(rec.to_raw()))
    }
}

/// Paths with the same number of segments and the same first segment (the resource).
fn same_route(a: &str, b: &str) -> bool {
    let (sa, sb): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    sa.len() == sb.len() && sa.get(1) == sb.get(1)
}

/// Whether a recorded value holds a placeholder anywhere.
fn holds_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => is_placeholder(s),
        Value::Array(items) => items.iter().any(holds_placeholder),
        Value::Object(m) => m.values().any(holds_placeholder),
        _ => false,
    }
}

fn substitute(v: &mut Value, bindings: &HashMap<String, Value>) {
    match v {
        Value::String(s) if is_placeholder(s) => {
            if let Some(b) = bindings.get(s.as_str()) {
                *v = b.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| substitute(i, bindings)),
        Value::Object(m) => m.values_mut().for_each(|i| substitute(i, bindings)),
        _ => {}
    }
}

/// The bindings of one match attempt: those of the session, and the new ones this attempt made
/// (kept only when it matches).
struct Trial<'a> {
    bound: &'a HashMap<String, Value>,
    fresh: &'a mut Vec<(String, Value)>,
}

impl Trial<'_> {
    /// Binds a placeholder to a live value; false when it is bound to another value already.
    fn bind(&mut self, placeholder: &str, live: &Value) -> bool {
        if let Some(v) = self.bound.get(placeholder) {
            return v == live;
        }
        if let Some((_, v)) = self.fresh.iter().find(|(p, _)| p == placeholder) {
            return v == live;
        }
        self.fresh.push((placeholder.to_owned(), live.clone()));
        true
    }
}

fn matches(
    rec: &RecordedRequest,
    live: &Probe<'_>,
    options: &MatchOptions,
    bindings: &mut Trial<'_>,
) -> bool {
    if !rec.method.eq_ignore_ascii_case(live.method) {
        return false;
    }
    if rec.path != live.path {
        if rec.path.split('/').count() != live.path.split('/').count() {
            return false;
        }
        for (r, l) in rec.path.split('/').zip(live.path.split('/')) {
            let ok = if is_placeholder(r) {
                bindings.bind(r, &Value::String(l.to_owned()))
            } else {
                r == l
            };
            if !ok {
                return false;
            }
        }
    }
    if options.query {
        let kept = |k: &str| !options.ignore_query.iter().any(|i| i == k);
        let mut rq = rec.query.iter().filter(|(k, _)| kept(k));
        let mut lq = live.query.iter().filter(|(k, _)| kept(k));
        loop {
            match (rq.next(), lq.next()) {
                (None, None) => break,
                (Some((rk, rv)), Some((lk, lv))) => {
                    if rk != lk {
                        return false;
                    }
                    let ok = if is_placeholder(rv) {
                        bindings.bind(rv, &Value::String((*lv).to_owned()))
                    } else {
                        rv == lv
                    };
                    if !ok {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
    match options.body {
        BodyMatch::Ignore => true,
        mode => match (&rec.body, &live.body) {
            (None, None) => true,
            (Some(r), Some(l)) => unify(r, l, &mut String::new(), mode, options, bindings),
            _ => false,
        },
    }
}

fn unify(
    rec: &Value,
    live: &Value,
    at: &mut String,
    mode: BodyMatch,
    options: &MatchOptions,
    bindings: &mut Trial<'_>,
) -> bool {
    if !at.is_empty() && options.ignores_field(at) {
        return true;
    }
    match (rec, live) {
        (Value::String(p), l) if is_placeholder(p) => {
            // Structurally any value fits; it is bound all the same, so the answer carries it.
            bindings.bind(p, l) || mode == BodyMatch::Structural
        }
        (Value::Object(r), Value::Object(l)) => {
            let keys = |m: &serde_json::Map<String, Value>, at: &mut String| -> BTreeSet<String> {
                m.keys()
                    .filter(|k| {
                        let len = at.len();
                        push_pointer(at, k);
                        let ignored = options.ignores_field(at);
                        at.truncate(len);
                        !ignored
                    })
                    .cloned()
                    .collect()
            };
            let same_keys = if options.ignore_fields.is_empty() {
                r.len() == l.len() && r.keys().all(|k| l.contains_key(k))
            } else {
                keys(r, at) == keys(l, at)
            };
            if !same_keys {
                return false;
            }
            for (k, rv) in r {
                let Some(lv) = l.get(k) else { continue };
                let len = at.len();
                push_pointer(at, k);
                let ok = unify(rv, lv, at, mode, options, bindings);
                at.truncate(len);
                if !ok {
                    return false;
                }
            }
            true
        }
        (Value::Array(r), Value::Array(l)) => {
            if mode == BodyMatch::Exact && r.len() != l.len() {
                return false;
            }
            if r.is_empty() != l.is_empty() {
                return false;
            }
            // Structurally, every element has the shape of the recorded element at its index (or
            // of the last recorded one, for a longer list).
            l.iter().enumerate().all(|(i, lv)| {
                let rv = &r[i.min(r.len() - 1)];
                let len = at.len();
                push_pointer(at, &i.to_string());
                let ok = unify(rv, lv, at, mode, options, bindings);
                at.truncate(len);
                ok
            })
        }
        (r, l) if mode == BodyMatch::Structural => json_kind(r) == json_kind(l),
        (r, l) => r == l,
    }
}

fn json_kind(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

fn push_pointer(at: &mut String, segment: &str) {
    at.push('/');
    if segment.contains(['~', '/']) {
        at.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    } else {
        at.push_str(segment);
    }
}

/// The live request as a cassette would show it, aligned with `rec` for the diff: a personal-data
/// value shows as the placeholder `rec` has at the same place (or `redacted`), and a value bound
/// to a placeholder as that placeholder.
fn display_live(
    live: &LiveRequest,
    rec: &RecordedRequest,
    bindings: &HashMap<String, Value>,
) -> RecordedRequest {
    let by_value = |v: &Value| -> Option<String> {
        bindings
            .iter()
            .filter(|(_, b)| *b == v)
            .map(|(p, _)| p.clone())
            .min()
    };
    let mut body = live.body.clone();
    if let Some(b) = &mut body {
        for p in &live.pointers {
            let shown = rec
                .body
                .as_ref()
                .and_then(|r| r.pointer(p))
                .and_then(Value::as_str)
                .filter(|s| is_placeholder(s))
                .unwrap_or("redacted")
                .to_owned();
            if let Some(v) = b.pointer_mut(p) {
                *v = Value::String(shown);
            }
        }
        fn walk(v: &mut Value, f: &dyn Fn(&Value) -> Option<String>) {
            if let Some(p) = f(v) {
                *v = Value::String(p);
                return;
            }
            match v {
                Value::Array(items) => items.iter_mut().for_each(|i| walk(i, f)),
                Value::Object(m) => m.values_mut().for_each(|i| walk(i, f)),
                _ => {}
            }
        }
        walk(b, &|v| if v.is_string() { by_value(v) } else { None });
    }
    let query = live
        .query
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let recorded = rec
                .query
                .get(i)
                .filter(|(rk, rv)| rk == k && is_placeholder(rv));
            let shown = match recorded {
                Some((_, rv)) => rv.clone(),
                None => by_value(&Value::String(v.clone())).unwrap_or_else(|| v.clone()),
            };
            (k.clone(), shown)
        })
        .collect();
    let rsegs: Vec<&str> = rec.path.split('/').collect();
    let path = live
        .path
        .split('/')
        .enumerate()
        .map(|(i, seg)| match rsegs.get(i) {
            Some(r) if is_placeholder(r) => (*r).to_owned(),
            _ => by_value(&Value::String(seg.to_owned())).unwrap_or_else(|| seg.to_owned()),
        })
        .collect::<Vec<_>>()
        .join("/");
    RecordedRequest {
        method: live.method.clone(),
        path,
        query,
        headers: BTreeMap::new(),
        body,
    }
}

/// A request as lines of text, for the diff of a replay miss.
fn render(r: &RecordedRequest) -> String {
    let mut out = format!("{} {}\n", r.method, r.path);
    for (k, v) in &r.query {
        out.push_str(&format!("  {k}={v}\n"));
    }
    if let Some(b) = &r.body {
        out.push_str(&serde_json::to_string_pretty(b).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(method: &str, path: &str, body: Option<Value>, pointers: &[&str]) -> LiveRequest {
        LiveRequest {
            method: method.into(),
            path: path.into(),
            query: Vec::new(),
            headers: BTreeMap::from([
                ("authorization".to_owned(), "Bearer s3cret".to_owned()),
                ("x-request-id".to_owned(), "r1".to_owned()),
            ]),
            body,
            pointers: pointers.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    fn raw(status: u16, body: Value) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: serde_json::to_vec(&body).unwrap().into(),
        }
    }

    #[test]
    fn personal_data_is_replaced_consistently_and_credentials_dropped() {
        let r = Recorder::in_memory();
        let body = serde_json::json!({"email": "ada@example.com", "name": {"first": "Ada"}});
        let i = r.push(
            live("POST", "/users", Some(body), &["/email"]),
            &raw(
                201,
                serde_json::json!({"id": "u1", "email": "ada@example.com"}),
            ),
        );
        r.response_pointers(i, vec!["/email".into()]);
        let mut q = live("GET", "/users", None, &[]);
        q.query = vec![("email".into(), "ada@example.com".into())];
        r.push(
            q,
            &raw(
                200,
                serde_json::json!([{"id": "u1", "email": "ada@example.com"}]),
            ),
        );
        let text = r.cassette().to_json();
        assert!(!text.contains("ada@example.com"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("\"x-request-id\": \"r1\""), "{text}");
        let c = r.cassette();
        assert_eq!(
            c.interactions[0].request.body.as_ref().unwrap()["email"],
            "redacted-1@example.invalid"
        );
        assert_eq!(
            c.interactions[1].request.query[0].1,
            "redacted-1@example.invalid"
        );
        assert_eq!(
            c.interactions[1].response.body.as_ref().unwrap()[0]["email"],
            "redacted-1@example.invalid"
        );
        assert_eq!(Cassette::parse(&text).unwrap(), c);
    }

    #[test]
    fn replay_binds_placeholders_and_reports_the_nearest() {
        let r = Recorder::in_memory();
        let i = r.push(
            live(
                "POST",
                "/users",
                Some(serde_json::json!({"email": "a@x.org", "n": 1})),
                &["/email"],
            ),
            &raw(201, serde_json::json!({"id": "u1", "email": "a@x.org"})),
        );
        r.response_pointers(i, vec!["/email".into()]);
        r.push(
            live("GET", "/users/u1", None, &[]),
            &raw(200, serde_json::json!({"id": "u1", "email": "a@x.org"})),
        );
        let replay = Replayer::new(r.cassette());
        let b = serde_json::json!({"email": "b@y.org", "n": 1});
        let got = replay
            .answer(&live("POST", "/users", Some(b), &["/email"]).probe())
            .map(|a| replay.raw(a))
            .unwrap();
        let v: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(v["email"], "b@y.org");
        let got = replay
            .answer(&live("GET", "/users/u1", None, &[]).probe())
            .map(|a| replay.raw(a))
            .unwrap();
        let v: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(v["email"], "b@y.org");

        let miss = replay
            .answer(
                &live(
                    "POST",
                    "/users",
                    Some(serde_json::json!({"email": "c@z.org", "n": 2})),
                    &["/email"],
                )
                .probe(),
            )
            .unwrap_err();
        assert_eq!(miss.nearest, Some(0));
        assert!(
            miss.message.contains("the nearest is #0 (POST /users)"),
            "{}",
            miss.message
        );
        assert!(miss.message.contains("-  \"n\": 1"), "{}", miss.message);
        assert!(miss.message.contains("+  \"n\": 2"), "{}", miss.message);
        assert!(!miss.message.contains("c@z.org"), "{}", miss.message);

        let structural = replay
            .clone()
            .with_options(MatchOptions::default().body(BodyMatch::Structural));
        assert!(structural
            .answer(
                &live(
                    "POST",
                    "/users",
                    Some(serde_json::json!({"email": "c@z.org", "n": 2})),
                    &["/email"]
                )
                .probe()
            )
            .is_ok());
        let ignoring = replay.with_options(MatchOptions::default().ignore_field("n"));
        assert!(ignoring
            .answer(
                &live(
                    "POST",
                    "/users",
                    Some(serde_json::json!({"email": "c@z.org", "n": 2})),
                    &["/email"]
                )
                .probe()
            )
            .is_ok());
    }
}

#[cfg(test)]
mod keyed {
    use super::*;

    #[test]
    fn a_recorded_request_is_found_by_its_key() {
        let rec = RecordedRequest {
            method: "GET".into(),
            path: "/users/usr-1".into(),
            query: vec![("limit".into(), "5".into())],
            headers: BTreeMap::new(),
            body: None,
        };
        let options = MatchOptions::default();
        let recorded = request_key(
            &rec.method,
            &rec.path,
            rec.query.iter().map(|(k, v)| (k, v)),
            None,
            &options,
        );
        let live = request_key(
            "GET",
            "/users/usr-1",
            [("limit", "5")].into_iter(),
            None,
            &options,
        );
        assert_eq!(recorded, live);
    }
}

#[cfg(test)]
mod repeated {
    use super::*;

    /// Identical requests recorded several times answer in order, then the last answer again.
    #[test]
    fn identical_requests_answer_in_order_then_repeat_the_last() {
        let get = RecordedRequest {
            method: "GET".into(),
            path: "/items".into(),
            query: vec![("limit".into(), "5".into())],
            headers: BTreeMap::new(),
            body: None,
        };
        let answer = |n: u16| Interaction {
            request: get.clone(),
            response: RecordedResponse {
                status: n,
                headers: BTreeMap::new(),
                body: None,
                text: None,
            },
        };
        let replay = Replayer::new(Cassette::new(vec![answer(200), answer(201)]));
        let probe = Probe {
            method: "get",
            path: "/items",
            query: vec![("limit", "5")],
            body: None,
            pointers: &[],
        };
        let statuses: Vec<u16> = (0..3)
            .map(|_| replay.raw(replay.answer(&probe).unwrap()).status.as_u16())
            .collect();
        assert_eq!(statuses, [200, 201, 201]);
        let other = Probe {
            query: vec![("limit", "6")],
            ..probe.clone()
        };
        assert_eq!(replay.answer(&other).unwrap_err().nearest, Some(0));
        // A new session starts from the first answer again.
        assert_eq!(
            replay
                .raw(replay.session().answer(&probe).unwrap())
                .status
                .as_u16(),
            200
        );
    }

    /// Whatever the order of the requests, each is answered by the first unused interaction with
    /// its key, else the last used one: replaying in recorded order (found without the index)
    /// and out of order (through the index) give what this rule says.
    #[test]
    fn in_order_and_out_of_order_replays_follow_the_same_rule() {
        let paths = ["/a", "/b", "/a", "/c", "/b", "/d"];
        let interactions: Vec<Interaction> = paths
            .iter()
            .enumerate()
            .map(|(n, path)| Interaction {
                request: RecordedRequest {
                    method: "GET".into(),
                    path: (*path).into(),
                    query: Vec::new(),
                    headers: BTreeMap::new(),
                    body: None,
                },
                response: RecordedResponse {
                    status: 200 + n as u16,
                    headers: BTreeMap::new(),
                    body: Some(serde_json::json!({ "n": n })),
                    text: None,
                },
            })
            .collect();
        let replay = Replayer::new(Cassette::new(interactions));
        let orders: [&[&str]; 5] = [
            &["/a", "/b", "/a", "/c", "/b", "/d"],
            &["/d", "/c", "/b", "/b", "/a", "/a", "/a"],
            &["/a", "/a", "/a", "/b", "/c", "/d", "/b"],
            &["/b", "/a", "/c", "/a", "/d", "/b", "/d"],
            &["/c", "/d", "/a", "/b", "/a", "/b"],
        ];
        for order in orders {
            let session = replay.session();
            let mut used = [false; 6];
            for path in order {
                let probe = Probe {
                    method: "GET",
                    path,
                    query: Vec::new(),
                    body: None,
                    pointers: &[],
                };
                let answer = session.answer(&probe).unwrap();
                let index = match answer {
                    Answer::Prebuilt { index, .. } => Some(index),
                    Answer::Built(_) => None,
                };
                let raw = session.raw(answer);
                let same: Vec<usize> = (0..paths.len()).filter(|&i| paths[i] == *path).collect();
                let want = match same.iter().find(|&&i| !used[i]) {
                    Some(&i) => i,
                    None => *same.last().unwrap(),
                };
                used[want] = true;
                assert_eq!(index, Some(want), "{order:?}: {path}");
                assert_eq!(raw.status.as_u16(), 200 + want as u16);
            }
        }
    }
}
