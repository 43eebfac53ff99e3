//! Shared pieces of generated axum servers: request validation and its error body. The
//! hardening around them (limits, timeouts, request ids, health check) is [`crate::serve`].

use crate::param::FromParam;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::borrow::Cow;

pub use crate::serve::{Config, Server};
pub use crate::validation::{known, range, range_long, size, Path, Validate, ValidationError};

impl IntoResponse for ValidationError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, axum::Json(self)).into_response()
    }
}

/// Query string pairs, in order.
pub type Query = Vec<(String, String)>;

pub fn parse_query(raw: Option<&str>) -> Query {
    raw.map(|q| {
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect()
    })
    .unwrap_or_default()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && s.is_char_boundary(i + 1)
                && s.is_char_boundary(i + 3) =>
            {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    // One allocation (the buffer itself) unless the decoded bytes are not UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The `key=value` pairs of a raw query, as [`parse_query`] splits it (empty pairs skipped, a
/// pair without `=` has an empty value), undecoded: a byte scan, without `str::split`'s
/// general pattern search (most of the cost of reading a parameter).
struct Pairs<'a>(&'a str);

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        loop {
            if self.0.is_empty() {
                return None;
            }
            // `&` and `=` are ASCII: the slices below are on character boundaries.
            let (pair, rest) = match self.0.bytes().position(|b| b == b'&') {
                Some(i) => (&self.0[..i], &self.0[i + 1..]),
                None => (self.0, ""),
            };
            self.0 = rest;
            if pair.is_empty() {
                continue;
            }
            return Some(match pair.bytes().position(|b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, ""),
            });
        }
    }
}

/// A query key or value decoded (`+` and `%XX`), borrowed when it has nothing to decode.
fn decoded(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b == b'+' || b == b'%') {
        Cow::Owned(decode(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// Parses one parameter value.
pub fn param<T: FromParam>(field: &str, raw: &str) -> Result<T, ValidationError> {
    T::from_param(raw)
        .map_err(|what| ValidationError::bad_request(field, format!("`{field}` must be {what}")))
}

/// A required query parameter.
pub fn query_required<T: FromParam>(q: &Query, name: &str) -> Result<T, ValidationError> {
    match q.iter().find(|(k, _)| k == name) {
        Some((_, v)) => param(name, v),
        None => Err(ValidationError::bad_request(
            name,
            format!("`{name}` is required"),
        )),
    }
}

/// An optional query parameter.
pub fn query_optional<T: FromParam>(q: &Query, name: &str) -> Result<Option<T>, ValidationError> {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| param(name, v))
        .transpose()
}

/// A repeated query parameter.
pub fn query_list<T: FromParam>(q: &Query, name: &str) -> Result<Vec<T>, ValidationError> {
    q.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| param(name, v))
        .collect()
}

/// A required header.
pub fn header_required<T: FromParam>(
    h: &axum::http::HeaderMap,
    name: &str,
) -> Result<T, ValidationError> {
    match header_optional(h, name)? {
        Some(v) => Ok(v),
        None => Err(ValidationError::bad_request(
            name,
            format!("header `{name}` is required"),
        )),
    }
}

pub fn header_optional<T: FromParam>(
    h: &axum::http::HeaderMap,
    name: &str,
) -> Result<Option<T>, ValidationError> {
    match h.get(name) {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(s) => param(name, s).map(Some),
            Err(_) => Err(ValidationError::bad_request(
                name,
                format!("header `{name}` is not text"),
            )),
        },
    }
}

/// Decodes a JSON body. The message says what was wrong and where (line and column), never the
/// value received, which may be personal data ([`crate::redact::json_error_message`]).
pub fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ValidationError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let status = if e.is_data() { 422 } else { 400 };
        ValidationError {
            code: "invalid_body".into(),
            field: "body".into(),
            message: crate::redact::json_error_message(&e),
            status,
        }
    })
}

/// The JSON object of form parameters in a request body.
pub fn form_object(
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, ValidationError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice(bytes) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(ValidationError {
            code: "invalid_body".into(),
            field: "body".into(),
            message: "form parameters are sent as the fields of a JSON object".into(),
            status: 400,
        }),
        Err(e) => Err(ValidationError {
            code: "invalid_body".into(),
            field: "body".into(),
            message: crate::redact::json_error_message(&e),
            status: 400,
        }),
    }
}

/// Everything a generated handler reads from a request: path parameters (in route order), query
/// pairs, headers and the raw body. Extracting it never fails.
pub struct Request {
    path: Vec<String>,
    /// The request target: its query is read pair by pair when a parameter is asked for (no
    /// copy of every key and value per request).
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: bytes::Bytes,
    /// The body read as the JSON object of form parameters, on first use.
    form: std::sync::OnceLock<Result<serde_json::Map<String, serde_json::Value>, ValidationError>>,
}

#[axum::async_trait]
impl<S: Send + Sync> axum::extract::FromRequest<S> for Request {
    /// A path parameter that is not UTF-8 (400), or a body too large (413), too slow (408) or
    /// cut off (400).
    type Rejection = ValidationError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let path = match axum::extract::RawPathParams::from_request_parts(&mut parts, state).await {
            Ok(p) => p.iter().map(|(_, v)| v.to_owned()).collect(),
            // Percent-encoded bytes that are not UTF-8.
            Err(_) => {
                return Err(ValidationError::bad_request(
                    "path",
                    "a path parameter is not valid UTF-8",
                ))
            }
        };
        let limit = parts
            .extensions
            .get::<crate::serve::BodyLimit>()
            .map_or(crate::serve::Config::default().body_limit, |l| l.0);
        if let Some(route) = parts.extensions.get::<axum::extract::MatchedPath>() {
            // The `request` span of the hardened server is made before routing.
            tracing::Span::current().record("route", route.as_str());
        }
        // No body (a GET): nothing to read, and no body-read timer to start. (The body-timeout
        // wrapper does not pass `is_end_stream` on, so the headers say it: in HTTP/1 a request
        // without `Content-Length` and `Transfer-Encoding` has no body, RFC 9112 §6.3.)
        let no_body = match parts.headers.get(axum::http::header::CONTENT_LENGTH) {
            Some(n) => n.as_bytes() == b"0",
            None => {
                parts.version <= axum::http::Version::HTTP_11
                    && !parts
                        .headers
                        .contains_key(axum::http::header::TRANSFER_ENCODING)
            }
        };
        let body = if no_body || axum::body::HttpBody::is_end_stream(&body) {
            bytes::Bytes::new()
        } else {
            axum::body::to_bytes(body, limit)
                .await
                .map_err(|e| body_error(&e, limit))?
        };
        Ok(Request {
            path,
            uri: parts.uri,
            headers: parts.headers,
            body,
            form: std::sync::OnceLock::new(),
        })
    }
}

/// Why a body could not be read, as the rejection to answer with.
fn body_error(e: &axum::Error, limit: usize) -> ValidationError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            let mut r = crate::serve::rejection(StatusCode::PAYLOAD_TOO_LARGE);
            r.message = format!("the body is larger than {limit} bytes");
            return r;
        }
        if c.is::<crate::serve::BodyTimedOut>() || c.is::<tower_http::timeout::TimeoutError>() {
            return crate::serve::rejection(StatusCode::REQUEST_TIMEOUT);
        }
        cause = c.source();
    }
    ValidationError::bad_request("body", "the body could not be read")
}

/// A JSON body needs a JSON `Content-Type` (`application/json`, or any `+json` type): another
/// media type is a 415. A body without `Content-Type` is read as JSON (the wire format of every
/// API Builder service; a missing header names no other type). An empty body is left to the JSON
/// decoder (a 400 saying what is missing).
fn check_json_content_type(
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<(), ValidationError> {
    if body.is_empty() {
        return Ok(());
    }
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE) else {
        return Ok(());
    };
    let json = Some(value)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .is_some_and(|t| t == "application/json" || t.ends_with("+json"));
    if json {
        Ok(())
    } else {
        Err(crate::serve::rejection(StatusCode::UNSUPPORTED_MEDIA_TYPE))
    }
}

impl Request {
    /// The `i`th path parameter.
    pub fn path<T: FromParam>(&self, i: usize, field: &str) -> Result<T, ValidationError> {
        match self.path.get(i) {
            Some(v) => param(field, v),
            None => Err(ValidationError::bad_request(
                field,
                format!("`{field}` is missing"),
            )),
        }
    }
    /// The values of query parameter `name`, in order, decoded as [`parse_query`] decodes them.
    fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        Pairs(self.uri.query().unwrap_or_default())
            .filter(move |(k, _)| decoded(k) == name)
            .map(|(_, v)| decoded(v))
    }
    pub fn query_required<T: FromParam>(&self, name: &str) -> Result<T, ValidationError> {
        match self.query_values(name).next() {
            Some(v) => param(name, &v),
            None => Err(ValidationError::bad_request(
                name,
                format!("`{name}` is required"),
            )),
        }
    }
    pub fn query_optional<T: FromParam>(&self, name: &str) -> Result<Option<T>, ValidationError> {
        self.query_values(name)
            .next()
            .map(|v| param(name, &v))
            .transpose()
    }
    pub fn query_list<T: FromParam>(&self, name: &str) -> Result<Vec<T>, ValidationError> {
        self.query_values(name).map(|v| param(name, &v)).collect()
    }
    pub fn header_required<T: FromParam>(&self, name: &str) -> Result<T, ValidationError> {
        header_required(&self.headers, name)
    }
    pub fn header_optional<T: FromParam>(&self, name: &str) -> Result<Option<T>, ValidationError> {
        header_optional(&self.headers, name)
    }
    /// Every header of the request.
    pub fn headers(&self) -> &axum::http::HeaderMap {
        &self.headers
    }
    /// The JSON body.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ValidationError> {
        check_json_content_type(&self.headers, &self.body)?;
        body(&self.body)
    }
    /// The form parameters: API Builder sends them as the fields of one JSON object body (an
    /// empty body is an object without fields). Anything else is a 400 naming `body`.
    fn form(&self) -> Result<&serde_json::Map<String, serde_json::Value>, ValidationError> {
        self.form
            .get_or_init(|| {
                check_json_content_type(&self.headers, &self.body)?;
                form_object(&self.body)
            })
            .as_ref()
            .map_err(Clone::clone)
    }
    /// A form parameter; absent and `null` are `None`, a value of the wrong shape is a 422.
    pub fn form_optional<T: DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ValidationError> {
        match self.form()?.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => T::deserialize(v).map(Some).map_err(|e| {
                ValidationError::unprocessable(
                    name,
                    format!(
                        "`{name}` is invalid: {}",
                        crate::redact::json_error_message(&e)
                    ),
                )
            }),
        }
    }
    /// A required form parameter: missing is a 422 naming it.
    pub fn form_required<T: DeserializeOwned>(&self, name: &str) -> Result<T, ValidationError> {
        self.form_optional(name)?
            .ok_or_else(|| ValidationError::unprocessable(name, format!("`{name}` is missing")))
    }
    /// Parses the request with `parse`; a failure answers with the validation error, a success
    /// calls the operation with the parsed request and the request's [`Context`].
    pub async fn handle<A, R, F>(
        self,
        parse: impl FnOnce(&Request) -> Result<A, ValidationError>,
        call: impl FnOnce(A, Context) -> F,
    ) -> Response
    where
        R: IntoResponse,
        F: std::future::Future<Output = R>,
    {
        match parse(&self) {
            Ok(args) => {
                let context = Context {
                    request_id: crate::request_id::current_header().map(RequestId::Header),
                    headers: self.headers,
                };
                call(args, context).await.into_response()
            }
            Err(e) => e.into_response(),
        }
    }
}

/// What a handler may want to know about its request beyond the operation's arguments: the
/// request id and every header received (the spec's parameters are fields of the operation's
/// request struct). Generated server traits take it as the last argument of every operation, so
/// a new field here never changes a handler's signature.
///
/// Build one in tests with [`Context::new`] and the `with_…` setters.
#[derive(Clone, Default)]
pub struct Context {
    request_id: Option<RequestId>,
    headers: axum::http::HeaderMap,
}

/// A request id as the server stage holds it (a shared header value: no copy per request) or as a
/// test sets it.
#[derive(Clone, Debug)]
enum RequestId {
    Header(axum::http::HeaderValue),
    Text(String),
}

impl Context {
    /// A context without request id or headers.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(RequestId::Text(id.into()));
        self
    }
    /// Sets the headers.
    pub fn with_headers(mut self, headers: axum::http::HeaderMap) -> Self {
        self.headers = headers;
        self
    }
    /// The request id (read from `x-request-id` or the spec's request-id header, or made by the
    /// hardened server; also [`crate::request_id::current`]). `None` behind the bare `routes`.
    pub fn request_id(&self) -> Option<&str> {
        match self.request_id.as_ref()? {
            RequestId::Header(v) => v.to_str().ok(),
            RequestId::Text(s) => Some(s),
        }
    }
    /// Every header of the request, including those the spec declares, as received (an id the
    /// server made for a request without one is [`Context::request_id`], not a header).
    pub fn headers(&self) -> &axum::http::HeaderMap {
        &self.headers
    }
}

/// Names the headers, never their values (which may be credentials or personal data).
impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("request_id", &self.request_id())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Applies a default (the spec's text) to an absent parameter.
pub fn or_default<T: FromParam>(
    field: &str,
    value: Option<T>,
    default: &str,
) -> Result<T, ValidationError> {
    match value {
        Some(v) => Ok(v),
        None => param(field, default),
    }
}

/// Serializes a typed response: status plus JSON body (or an empty body for unit).
/// An error status is marked as the handler's own (documented) response, which the hardening
/// leaves as it is.
pub fn reply<T: Serialize>(status: u16, body: &T) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    mark((status, axum::Json(body)).into_response())
}

/// An empty documented response (a `unit` type), marked like [`reply`].
pub fn reply_empty(status: u16) -> Response {
    mark(
        StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    )
}

/// Marks an error response as documented. Only error statuses need it (the hardening's JSON
/// error shaping looks at nothing else), and a mark on every response cost two allocations (the
/// response's extension map).
fn mark(mut r: Response) -> Response {
    let status = r.status();
    if status.is_client_error() || status.is_server_error() {
        r.extensions_mut().insert(crate::serve::Replied);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request's query methods read the target lazily and answer as the parsed [`Query`] does.
    #[test]
    fn request_query_reads_as_parse_query() {
        let raw = "a=1&b=x%20y&a=2&c=%zz&&d&e=&f+g=h+i&%61=3&caf%C3%A9=%C3%A9";
        let req = Request {
            path: Vec::new(),
            uri: format!("/x?{raw}").parse().unwrap(),
            headers: Default::default(),
            body: bytes::Bytes::new(),
            form: std::sync::OnceLock::new(),
        };
        let q = parse_query(Some(raw));
        for name in ["a", "b", "c", "d", "e", "f g", "café", "missing", ""] {
            assert_eq!(
                req.query_list::<String>(name).unwrap(),
                query_list::<String>(&q, name).unwrap(),
                "{name}"
            );
            assert_eq!(
                req.query_optional::<String>(name).unwrap(),
                query_optional::<String>(&q, name).unwrap(),
                "{name}"
            );
        }
        assert_eq!(req.query_list::<i64>("a").unwrap(), vec![1, 2, 3]);
        assert!(req.query_required::<i64>("b").is_err());
        assert!(req.query_required::<String>("missing").is_err());
    }

    #[test]
    fn query_is_decoded() {
        let q = parse_query(Some("a=1&b=x%20y&a=2&c=%zz"));
        assert_eq!(query_list::<i64>(&q, "a").unwrap(), vec![1, 2]);
        assert_eq!(query_required::<String>(&q, "b").unwrap(), "x y");
        assert_eq!(query_required::<String>(&q, "c").unwrap(), "%zz");
        let e = query_required::<i64>(&q, "b").unwrap_err();
        assert_eq!(e.field, "b");
        assert!(query_required::<i64>(&q, "missing").is_err());
    }

    /// Rejections name the field and the problem, never the value received.
    #[test]
    fn rejections_do_not_echo_values() {
        #[derive(Debug, PartialEq)]
        enum Colour {
            Red,
            Unknown(String),
        }
        impl crate::WireEnum for Colour {
            fn as_str(&self) -> &str {
                match self {
                    Colour::Red => "red",
                    Colour::Unknown(s) => s,
                }
            }
            fn from_wire(s: &str) -> Self {
                match s {
                    "red" => Colour::Red,
                    _ => Colour::Unknown(s.to_owned()),
                }
            }
            fn is_known(&self) -> bool {
                !matches!(self, Colour::Unknown(_))
            }
        }
        let secret = "jane.doe@example.com";
        let e = known("colour", <Colour as crate::WireEnum>::from_wire(secret)).unwrap_err();
        assert_eq!(
            e.message,
            "`colour` must be one of the values the spec lists"
        );
        assert_eq!(known("colour", Colour::Red), Ok(Colour::Red));
        let q = parse_query(Some(&format!("n={secret}")));
        let e = query_required::<i64>(&q, "n").unwrap_err();
        assert_eq!(e.message, "`n` must be a long integer");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            age: i32,
        }
        let e = body::<Body>(format!(r#"{{"age": "{secret}"}}"#).as_bytes()).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(!e.message.contains(secret), "{}", e.message);
        assert!(e.message.starts_with("invalid type: string, expected i32"));
    }

    #[test]
    fn nested_paths_name_the_field() {
        let items = Path::Field(&Path::Root, "items");
        let first = Path::Index(&items, 0);
        let e = range("quantity", 0, Some(1), None)
            .unwrap_err()
            .within(&first);
        assert_eq!(e.field, "items[0].quantity");
        assert_eq!(e.message, "`items[0].quantity` must be at least 1");
        let e = size("x", 5, None, Some(3)).unwrap_err().within(&Path::Root);
        assert_eq!(e.field, "x");
        let tags = Path::Field(&Path::Root, "tags");
        assert_eq!(
            Path::Field(&Path::Key(&tags, "a b"), "n").to_string(),
            r#"tags["a b"].n"#
        );
    }

    #[test]
    fn form_bodies_are_json_objects() {
        assert!(form_object(b"").unwrap().is_empty());
        assert_eq!(form_object(br#"{"a": 1}"#).unwrap()["a"], 1);
        assert_eq!(form_object(b"[1]").unwrap_err().status, 400);
        assert_eq!(form_object(b"{").unwrap_err().field, "body");
    }
}
