//! `charter stub`: serve one service of an api repo over HTTP from its spec, with no generated
//! code — so a team developing service A can run B and C as stubs, whatever language A is in.
//!
//! For each request, in order:
//!
//! 1. **Routing** by the spec's operations (`/users/:id`): an unknown path is a 404, a known path
//!    with another method a 405, both with empty bodies, as axum answers for the generated server.
//! 2. **Validation as the generated server does it** (`charter_runtime::server` and `validation`):
//!    malformed path, query and header parameters and bodies that are not JSON are 400; values the
//!    spec rules out (enum values it does not list, `minimum`/`maximum`) and bodies of the wrong
//!    shape are 422; the body is `{"code", "field", "message"}` (`ValidationError`), naming the field
//!    as `items[0].quantity`, never echoing the value ([`crate::conform`]).
//! 3. **Scenarios**: the header `x-charter-scenario: STATUS` on a request, or a scenario queued with
//!    `POST /_charter/scenarios` (`{"method": "GET", "path": "/users/:id", "status": 404, "times": 1}`;
//!    `DELETE /_charter/scenarios` clears them), makes the call answer that documented status with an
//!    example body of its type. A status the operation does not document is a 400 from the stub
//!    (`code` `unknown_scenario`), so a test cannot ask for an answer the real service never gives.
//! 4. **Recorded answers**: with `--cassettes DIR`, a request that matches a recorded interaction
//!    (`charter_runtime::record` matching: method, path, query, body; placeholders bind) gets the
//!    recorded response.
//! 5. Otherwise **an example answer**: the operation's first documented success status, with a
//!    valid example of its type ([`crate::example`]), optional fields filled in (a few levels
//!    deep) so consumers see every field the service may send.

use crate::conform::route;
use crate::conform::{self, Direction, Kind};
use crate::example::{Examples, Hint};
use crate::ir::{
    Location, Operation, Parameter, Primitive, Repo, ResponseCode, ServiceId, TypeKind, TypeRef,
};
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use charter_runtime::record::{Cassette, Replayer};
use charter_runtime::validation::ValidationError;
use serde_json::Value;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The header that asks for a documented status (`x-charter-scenario: 404`).
pub const SCENARIO_HEADER: &str = "x-charter-scenario";
/// The admin endpoint that queues scenarios.
pub const SCENARIOS_PATH: &str = "/_charter/scenarios";

/// A queued scenario: the next `times` calls of the operation answer `status`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Scenario {
    pub method: String,
    /// The operation's path as the spec writes it (`/users/:id`).
    pub path: String,
    pub status: u16,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// A stub of one service: the checked repo it reads and what it answers from.
pub struct Stub {
    repo: Repo,
    service: ServiceId,
    replayer: Option<Replayer>,
    scenarios: Mutex<VecDeque<Scenario>>,
}

impl Stub {
    /// The stub of the service whose namespace (or name) is `service`.
    pub fn new(repo: Repo, service: &str) -> Result<Stub, String> {
        let sid = repo
            .service_ids()
            .find(|&i| repo.service(i).namespace == service)
            .or_else(|| {
                repo.service_ids()
                    .find(|&i| repo.service(i).name == service)
            })
            .ok_or_else(|| {
                let known: Vec<&str> = repo.services.iter().map(|s| s.namespace.as_str()).collect();
                format!(
                    "no service `{service}` in the repo (it has: {})",
                    known.join(", ")
                )
            })?;
        Ok(Stub {
            repo,
            service: sid,
            replayer: None,
            scenarios: Mutex::new(VecDeque::new()),
        })
    }

    /// Answers from the cassettes (`*.json`) in `dir` where they match.
    pub fn with_cassettes(mut self, dir: &Path) -> Result<Stub, String> {
        let mut interactions = Vec::new();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read cassettes in {}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for p in paths {
            interactions.extend(Cassette::load(&p)?.interactions);
        }
        self.replayer = Some(Replayer::new(Cassette::new(interactions)));
        Ok(self)
    }

    pub fn namespace(&self) -> &str {
        &self.repo.service(self.service).namespace
    }

    /// The axum app: every request goes through [`Stub::answer`].
    pub fn router(self) -> axum::Router {
        let stub = Arc::new(self);
        axum::Router::new().fallback(move |req: axum::extract::Request| {
            let stub = stub.clone();
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, 32 << 20)
                    .await
                    .unwrap_or_default();
                stub.answer(&parts.method, &parts.uri, &parts.headers, &bytes)
            }
        })
    }

    /// The answer to one request.
    pub fn answer(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let path = uri.path();
        if path == SCENARIOS_PATH {
            return self.admin(method, body);
        }
        let segments: Vec<&str> = path.split('/').collect();
        let service = self.repo.service(self.service);
        let ops: Vec<(&Operation, Vec<(String, String)>)> = service
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .filter_map(|op| route(&op.path, &segments).map(|params| (op, params)))
            .collect();
        if ops.is_empty() {
            return charter_runtime::serve::rejection(StatusCode::NOT_FOUND).into_response();
        }
        let Some((op, path_params)) = ops
            .into_iter()
            .find(|(op, _)| op.method_text.eq_ignore_ascii_case(method.as_str()))
        else {
            return charter_runtime::serve::rejection(StatusCode::METHOD_NOT_ALLOWED)
                .into_response();
        };
        let query = charter_runtime::server::parse_query(uri.query());
        let parsed_body = match self.validate(op, &path_params, &query, headers, body) {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        };
        if let Some(status) = self.scenario(op, headers) {
            return match status {
                Ok(s) => self.documented(op, s),
                Err(e) => e.into_response(),
            };
        }
        if let Some(r) = &self.replayer {
            if let Ok(raw) = r.lookup(method.as_str(), path, query.clone(), parsed_body) {
                let mut resp = Response::new(Body::from(raw.body));
                *resp.status_mut() = raw.status;
                *resp.headers_mut() = raw.headers;
                return resp;
            }
        }
        let success = op
            .responses
            .iter()
            .filter(|r| r.code.is_success())
            .filter_map(|r| r.code.as_u16())
            .min();
        self.documented(op, success.unwrap_or(204))
    }

    /// The documented response `status` of `op`, with an example body.
    fn documented(&self, op: &Operation, status: u16) -> Response {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        let ty = op
            .responses
            .iter()
            .find(|r| r.code == ResponseCode::Code(status))
            .or_else(|| {
                op.responses
                    .iter()
                    .find(|r| r.code == ResponseCode::Default)
            })
            .map(|r| &r.ty.r);
        let body = ty
            .filter(|t| !matches!(t, TypeRef::Primitive(Primitive::Unit)))
            .map(|t| {
                filled(
                    &self.repo,
                    &Examples::new(&self.repo),
                    t,
                    Hint::default(),
                    0,
                )
            });
        match body {
            Some(v) => (code, axum::Json(v)).into_response(),
            None => code.into_response(),
        }
    }

    /// The scenario status asked for this call, if any: from the header, else the queue.
    fn scenario(
        &self,
        op: &Operation,
        headers: &HeaderMap,
    ) -> Option<Result<u16, ValidationError>> {
        let asked = match headers.get(SCENARIO_HEADER) {
            Some(v) => match v.to_str().ok().and_then(|s| s.trim().parse::<u16>().ok()) {
                Some(s) => s,
                None => {
                    return Some(Err(scenario_error(
                        op,
                        format!("header `{SCENARIO_HEADER}` must be a status code"),
                    )))
                }
            },
            None => {
                let mut q = self.scenarios.lock().unwrap_or_else(|e| e.into_inner());
                let i = q.iter().position(|s| {
                    s.method.eq_ignore_ascii_case(&op.method_text) && s.path == op.path
                })?;
                let status = q[i].status;
                q[i].times = q[i].times.saturating_sub(1);
                if q[i].times == 0 {
                    q.remove(i);
                }
                status
            }
        };
        let documented = op.responses.iter().any(|r| match r.code {
            ResponseCode::Code(c) => c == asked,
            ResponseCode::Default => !(200..300).contains(&asked),
        });
        Some(if documented {
            Ok(asked)
        } else {
            Err(scenario_error(
                op,
                format!(
                    "{} does not document status {asked} (it documents {})",
                    op.label(),
                    op.responses
                        .iter()
                        .map(|r| r.code.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        })
    }

    fn admin(&self, method: &Method, body: &[u8]) -> Response {
        let mut q = self.scenarios.lock().unwrap_or_else(|e| e.into_inner());
        match *method {
            Method::POST => match serde_json::from_slice::<Scenario>(body) {
                Ok(s) => {
                    q.push_back(s);
                    StatusCode::NO_CONTENT.into_response()
                }
                Err(e) => ValidationError {
                    code: "invalid_body".into(),
                    field: "body".into(),
                    message: format!(
                        "a scenario is {{\"method\", \"path\", \"status\", \"times\"}}: {}",
                        charter_runtime::redact::json_error_message(&e)
                    ),
                    status: 400,
                }
                .into_response(),
            },
            Method::DELETE => {
                q.clear();
                StatusCode::NO_CONTENT.into_response()
            }
            Method::GET => axum::Json(q.iter().cloned().collect::<Vec<_>>()).into_response(),
            _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        }
    }

    /// The generated server's checks: parameters, then the body. Returns the parsed JSON body.
    fn validate(
        &self,
        op: &Operation,
        path_params: &[(String, String)],
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Option<Value>, ValidationError> {
        // The service's required headers first, as the generated server checks them.
        let service = self.repo.service(self.service);
        let required: Vec<String> = service
            .headers
            .iter()
            .filter(|h| h.required && h.default.is_none())
            .map(|h| h.name.to_ascii_lowercase())
            .collect();
        let required: Vec<&str> = required.iter().map(String::as_str).collect();
        charter_runtime::validation::required_headers(headers, &required)?;
        let mut form = Vec::new();
        for p in &op.parameters {
            match p.location {
                Location::Path => {
                    let raw = path_params
                        .iter()
                        .find(|(n, _)| *n == p.name)
                        .map(|(_, v)| decode(v));
                    match raw {
                        Some(v) => self.param(p, &v)?,
                        None => {
                            return Err(ValidationError::bad_request(
                                &p.name,
                                format!("`{}` is missing", p.name),
                            ))
                        }
                    }
                }
                Location::Query => {
                    let values: Vec<&String> = query
                        .iter()
                        .filter(|(k, _)| *k == p.name)
                        .map(|(_, v)| v)
                        .collect();
                    if values.is_empty()
                        && p.required
                        && p.default.is_none()
                        && !p.ty.r.is_collection()
                    {
                        return Err(ValidationError::bad_request(
                            &p.name,
                            format!("`{}` is required", p.name),
                        ));
                    }
                    for v in values {
                        self.param(p, v)?;
                    }
                }
                Location::Header => match headers.get(&p.name) {
                    None if p.required && p.default.is_none() => {
                        return Err(ValidationError::bad_request(
                            &p.name,
                            format!("header `{}` is required", p.name),
                        ))
                    }
                    None => {}
                    Some(v) => match v.to_str() {
                        Ok(s) => self.param(p, s)?,
                        Err(_) => {
                            return Err(ValidationError::bad_request(
                                &p.name,
                                format!("header `{}` is not text", p.name),
                            ))
                        }
                    },
                },
                Location::Form => form.push(p),
            }
        }
        if let Some(b) = &op.body {
            let v = parse_body(body)?;
            let problems = conform::check(&self.repo, &b.ty.r, &v, Direction::Request);
            // serde rejects a shape before the generated validators look at values.
            let first = problems
                .iter()
                .find(|p| {
                    matches!(
                        p.kind,
                        Kind::WrongType | Kind::Missing | Kind::UnknownMember
                    )
                })
                .or(problems.first());
            if let Some(p) = first {
                return Err(rejection(p));
            }
            return Ok(Some(v));
        }
        if !form.is_empty() {
            let v = charter_runtime::server::form_object(body)?;
            for p in form {
                match v.get(&p.name) {
                    None | Some(Value::Null) if p.required && p.default.is_none() => {
                        return Err(ValidationError::unprocessable(
                            &p.name,
                            format!("`{}` is missing", p.name),
                        ))
                    }
                    None | Some(Value::Null) => {}
                    Some(value) => {
                        let problems =
                            conform::check(&self.repo, &p.ty.r, value, Direction::Request);
                        if let Some(first) = problems.first() {
                            let mut e = rejection(first);
                            e.field = p.name.clone();
                            return Err(e);
                        }
                    }
                }
            }
            return Ok(Some(Value::Object(v)));
        }
        Ok(None)
    }

    /// One parameter value: parses as its type (400), lists a known enum value and keeps within
    /// `minimum`/`maximum` (422).
    fn param(&self, p: &Parameter, raw: &str) -> Result<(), ValidationError> {
        let ty = match &p.ty.r {
            TypeRef::List(inner) => inner.as_ref(),
            t => t,
        };
        match conform::check_param(&self.repo, ty, raw) {
            Err(what) => Err(ValidationError::bad_request(
                &p.name,
                format!("`{}` must be {what}", p.name),
            )),
            Ok(Some(_)) => Err(ValidationError::unprocessable(
                &p.name,
                format!("`{}` must be one of the values the spec lists", p.name),
            )),
            Ok(None) => {
                let n = match ty {
                    TypeRef::Primitive(p) if p.is_numeric() => raw.parse::<f64>().ok(),
                    TypeRef::Primitive(Primitive::String) => Some(raw.chars().count() as f64),
                    _ => None,
                };
                if let Some(n) = n {
                    if p.minimum.is_some_and(|m| n < m as f64) {
                        return Err(ValidationError::unprocessable(
                            &p.name,
                            format!("`{}` must be at least {}", p.name, p.minimum.unwrap_or(0)),
                        ));
                    }
                    if p.maximum.is_some_and(|m| n > m as f64) {
                        return Err(ValidationError::unprocessable(
                            &p.name,
                            format!("`{}` must be at most {}", p.name, p.maximum.unwrap_or(0)),
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Optional fields are filled down to this depth of an answer.
const FILLED_DEPTH: usize = 3;

/// The example of `ty` ([`crate::example`]) with the optional fields of its models filled in, down
/// to [`FILLED_DEPTH`]: a stub shows consumers every field the service may send.
fn filled(repo: &Repo, ex: &Examples, ty: &TypeRef, hint: Hint, depth: usize) -> Value {
    let base = ex.value(ty, hint);
    if depth >= FILLED_DEPTH {
        return base;
    }
    match (ty, base) {
        (TypeRef::Type(id), Value::Object(mut m)) if id.kind == TypeKind::Model => {
            for f in &repo.model(*id).fields {
                let is_model =
                    matches!(f.ty.r.innermost(), TypeRef::Type(t) if t.kind == TypeKind::Model);
                if is_model || !m.contains_key(&f.name) {
                    let keep_default = f.default.is_some() && m.contains_key(&f.name);
                    if !keep_default {
                        let v = filled(repo, ex, &f.ty.r, Hint::field(f), depth + 1);
                        m.insert(f.name.clone(), v);
                    }
                }
            }
            Value::Object(m)
        }
        (TypeRef::List(inner), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|_| filled(repo, ex, inner, Hint::default(), depth + 1))
                .collect(),
        ),
        (_, base) => base,
    }
}

fn scenario_error(op: &Operation, message: String) -> ValidationError {
    let _ = op;
    ValidationError {
        code: "unknown_scenario".into(),
        field: SCENARIO_HEADER.into(),
        message,
        status: 400,
    }
}

/// A body that is not JSON is a 400, as the generated server's `body` says.
fn parse_body(body: &[u8]) -> Result<Value, ValidationError> {
    serde_json::from_slice(body).map_err(|e| ValidationError {
        code: "invalid_body".into(),
        field: "body".into(),
        message: charter_runtime::redact::json_error_message(&e),
        status: 400,
    })
}

/// The generated server's answer to a body that does not conform: a shape serde rejects (wrong
/// type, missing field, unknown union member) is a 422 `invalid_body` naming `body`; a value its
/// validators reject (enum, range) a 422 `invalid_value` naming the field.
fn rejection(p: &conform::Problem) -> ValidationError {
    match p.kind {
        Kind::WrongType | Kind::Missing | Kind::UnknownMember => ValidationError {
            code: "invalid_body".into(),
            field: "body".into(),
            message: p.message.clone(),
            status: 422,
        },
        Kind::UnknownEnumValue | Kind::OutOfRange => {
            ValidationError::unprocessable(&p.field, p.message.clone())
        }
    }
}

/// Percent-decoding of a path segment, through the runtime's query decoding.
fn decode(segment: &str) -> String {
    let q =
        charter_runtime::server::parse_query(Some(&format!("v={}", segment.replace('+', "%2B"))));
    q.into_iter().next().map(|(_, v)| v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_templates() {
        let segs: Vec<&str> = "/acme/orders/1001".split('/').collect();
        assert_eq!(
            route("/:organization/orders/:number", &segs),
            Some(vec![
                ("organization".into(), "acme".into()),
                ("number".into(), "1001".into())
            ])
        );
        assert_eq!(route("/:organization/orders", &segs), None);
        assert_eq!(decode("a%20b+c"), "a b+c");
    }
}
