//! Hostile requests against the running example service (the `user-service` binary on
//! 127.0.0.1), bounded in count and time. For every case: the right 4xx, never a 5xx, the JSON
//! error shape, the request id on the response, no received value echoed; the process never
//! dies, and a valid request is answered afterwards.
//!
//! Validation is complete: unknown enum values and bounds inside bodies, imported models and
//! union members are rejected like those in parameters (one validator, from the generation plan).

mod support;

use std::time::{Duration, Instant};
use support::{get, json, request, send, Reply, Service};

/// A value the server must never send back in an error.
const SECRET: &str = "s3cr3t-7f3a";

fn valid_user() -> String {
    r#"{"email":"ada@example.com","name":{"first":"Ada","last":"Lovelace"},"address":{"country":"GBR"}}"#
        .to_owned()
}

/// Checks every property a rejection must have; returns the body's error `code`.
fn rejected(case: &str, r: &Reply, status: u16) -> String {
    assert!(r.status < 500, "{case}: 5xx {r:?}");
    assert_eq!(r.status, status, "{case}: {} {}", r.status, r.text());
    let id = r.header("x-request-id");
    assert!(id.is_some_and(|id| !id.is_empty()), "{case}: no request id");
    assert!(!r.text().contains(SECRET), "{case}: echoed {}", r.text());
    let body = r.json();
    for key in ["code", "field", "message"] {
        assert!(body[key].is_string(), "{case}: no `{key}` in {body}");
    }
    body["code"].as_str().unwrap().to_owned()
}

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    status: u16,
}

fn case(name: &'static str, bytes: Vec<u8>, status: u16) -> Case {
    Case {
        name,
        bytes,
        status,
    }
}

fn with_user(edit: &str, value: &str) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_str(&valid_user()).unwrap();
    let mut at = &mut v;
    let parts: Vec<&str> = edit.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        at = &mut at[*p];
    }
    at[parts[parts.len() - 1]] = serde_json::from_str(value).unwrap();
    json("POST", "/users", &v.to_string())
}

fn cases() -> Vec<Case> {
    let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    // Nested arrays where a string belongs: the wrong type (422).
    let deep_typed = format!(r#"{{"email":"a@b.c","name":{{"first":{}}}}}"#, nest(50_000));
    let long_query = format!("/users?email={}", "a".repeat(9 << 10));
    let big_header = "b".repeat(20 << 10);
    vec![
        // Methods and paths.
        case("PATCH /users", json("PATCH", "/users", "{}"), 405),
        case("DELETE /users", get("/users").replace_method("DELETE"), 405),
        case(
            "POST /users/:id",
            json("POST", "/users/usr-1", &valid_user()),
            405,
        ),
        case("unknown path", get(&format!("/nope/{SECRET}")), 404),
        case("too deep a path", get("/users/a/b"), 404),
        case("root", get("/"), 404),
        // Bodies.
        case(
            "truncated JSON",
            json("POST", "/users", r#"{"email":"#),
            400,
        ),
        case("not JSON", json("POST", "/users", SECRET), 400),
        case("empty body", json("POST", "/users", ""), 400),
        case("array body", json("POST", "/users", "[]"), 422),
        case("wrongly typed field", with_user("email", "7"), 422),
        case(
            "wrongly typed nested field",
            with_user("name", &format!("\"{SECRET}\"")),
            422,
        ),
        case(
            "missing required field",
            json("POST", "/users", r#"{"email":"a@b.c"}"#),
            422,
        ),
        case(
            "deep nesting for a string",
            json("POST", "/users", &deep_typed),
            422,
        ),
        case(
            "trailing garbage",
            json("POST", "/users", &format!("{} {SECRET}", valid_user())),
            400,
        ),
        // Enum values in every location the spec has.
        case(
            "unknown enum in query",
            get(&format!("/users?status={SECRET}")),
            422,
        ),
        case(
            "unknown enum in body",
            with_user("status", &format!("\"{SECRET}\"")),
            422,
        ),
        case(
            "unknown enum in PUT body",
            with_user("status", "\"zombie\"").to_put("/users/usr-00000001"),
            422,
        ),
        // Bounds, in parameters and in imported models.
        case("limit below minimum", get("/users?limit=0"), 422),
        case("limit above maximum", get("/users?limit=101"), 422),
        case("offset below minimum", get("/users?offset=-1"), 422),
        case(
            "limit not a number",
            get(&format!("/users?limit={SECRET}")),
            400,
        ),
        case(
            "limit overflows",
            get("/users?limit=99999999999999999999999"),
            400,
        ),
        case(
            "imported model: string too long",
            with_user("address.country", "\"TOOLONG\""),
            422,
        ),
        case(
            "imported model: string too short",
            with_user("address.country", "\"\""),
            422,
        ),
        // Invalid UTF-8 and odd bytes.
        case(
            "percent-encoded invalid UTF-8 in path",
            get("/users/%FF%FE"),
            400,
        ),
        case("invalid UTF-8 in a number", get("/users?limit=%FF"), 400),
        case(
            "invalid UTF-8 in Content-Type",
            request(
                "POST",
                b"/users",
                &[("Content-Type", b"application/\xff")],
                valid_user().as_bytes(),
            ),
            415,
        ),
        case(
            "invalid UTF-8 in the body",
            request(
                "POST",
                b"/users",
                &[("Content-Type", b"application/json")],
                b"{\"email\":\"\xff\xfe\",\"name\":{}}",
            ),
            400,
        ),
        // Sizes.
        case("URI too long", get(&long_query), 414),
        case(
            "headers too large",
            request("GET", b"/users", &[("X-Big", big_header.as_bytes())], b""),
            431,
        ),
        case(
            "declared body too large",
            request(
                "POST",
                b"/users",
                &[
                    ("Content-Type", b"application/json"),
                    ("Content-Length", b"11534336"),
                ],
                b"",
            )
            .strip_last_length(),
            413,
        ),
        // Content types.
        case(
            "text/plain body",
            request(
                "POST",
                b"/users",
                &[("Content-Type", b"text/plain")],
                valid_user().as_bytes(),
            ),
            415,
        ),
        case(
            "form-encoded body",
            request(
                "POST",
                b"/users",
                &[("Content-Type", b"application/x-www-form-urlencoded")],
                format!("email={SECRET}").as_bytes(),
            ),
            415,
        ),
    ]
}

/// Small conveniences on request bytes.
trait Bytes {
    fn replace_method(self, method: &str) -> Vec<u8>;
    /// The same request as `PUT target`.
    fn to_put(self, target: &str) -> Vec<u8>;
    /// Drops the `Content-Length: 0` that `request` added after a declared one.
    fn strip_last_length(self) -> Vec<u8>;
}

impl Bytes for Vec<u8> {
    fn replace_method(self, method: &str) -> Vec<u8> {
        let i = self.iter().position(|b| *b == b' ').unwrap();
        [method.as_bytes(), &self[i..]].concat()
    }
    fn to_put(self, target: &str) -> Vec<u8> {
        let s = String::from_utf8(self).unwrap();
        s.replacen("POST /users ", &format!("PUT {target} "), 1)
            .into_bytes()
    }
    fn strip_last_length(self) -> Vec<u8> {
        let s = String::from_utf8(self).unwrap();
        s.replacen("Content-Length: 0\r\n", "", 1).into_bytes()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_the_right_4xx() {
    let mut svc = Service::start(&[]);
    for c in cases() {
        let r = send(svc.addr, &c.bytes).await;
        rejected(c.name, &r, c.status);
        assert!(svc.alive(), "{}: the service died", c.name);
    }
    // A body without Content-Type is read as JSON (only another media type is a 415).
    let r = send(
        svc.addr,
        &request("POST", b"/users", &[], valid_user().as_bytes()),
    )
    .await;
    assert_eq!(r.status, 201, "no Content-Type: {r:?}");
    assert!(r.header("x-request-id").is_some());

    // A body streamed past the limit (no length announced) is cut off with 413.
    let mut chunked = b"POST /users HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let piece = vec![b' '; 1 << 20];
    for _ in 0..11 {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(&piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = send(svc.addr, &chunked).await;
    assert_eq!(
        rejected("streamed body too large", &r, 413),
        "body_too_large"
    );

    // Four million levels of nesting in a field the server ignores (unknown fields are skipped
    // without recursion): answered, not a crash.
    let deep = format!(
        r#"{{"email":"a@b.c","name":{{}},"extra":{}}}"#,
        "[".repeat(4 << 20)
    );
    let r = send(svc.addr, &json("POST", "/users", &deep)).await;
    assert!(matches!(r.status, 201 | 400), "deep ignored value: {r:?}");
    assert!(r.header("x-request-id").is_some());
    assert!(svc.alive(), "deep nesting killed the service");

    // Far past hyper's own buffer: hyper answers before any request exists (no JSON body).
    let huge = get(&format!("/users?email={}", "a".repeat(200 << 10)));
    let r = send(svc.addr, &huge).await;
    assert!((400..500).contains(&r.status), "huge URI: {r:?}");
    // A raw non-ASCII byte in the request target is not HTTP.
    let r = send(svc.addr, &request("GET", b"/users/\xff", &[], b"")).await;
    assert_eq!(r.status, 400, "raw byte in path: {r:?}");

    assert!(svc.alive());
    valid_requests_still_work(&svc).await;
}

/// The request id: a sane incoming one is echoed as is (success and error alike); an insane one
/// (too long, odd bytes) is replaced, never echoed.
#[tokio::test]
async fn request_ids_are_echoed_or_replaced() {
    let svc = Service::start(&[]);
    for target in ["/users?limit=5", "/users?limit=0", "/nope"] {
        let r = send(
            svc.addr,
            &request(
                "GET",
                target.as_bytes(),
                &[("X-Request-Id", b"req-42.a:b")],
                b"",
            ),
        )
        .await;
        assert_eq!(r.header("x-request-id"), Some("req-42.a:b"), "{target}");
    }
    let long = "r".repeat(500);
    for bad in [long.as_bytes(), b"\xff\xfe", b"<script>", SECRET.as_bytes()] {
        let bad = if bad == SECRET.as_bytes() {
            // An id is not secret, but an odd one is replaced like any other.
            b"s3cr3t 7f3a".as_slice()
        } else {
            bad
        };
        let r = send(
            svc.addr,
            &request("GET", b"/users", &[("X-Request-Id", bad)], b""),
        )
        .await;
        assert_eq!(r.status, 200);
        let id = r.header("x-request-id").unwrap();
        assert_eq!(id.len(), 36, "a fresh UUID: {id}");
    }
    let r = send(svc.addr, &get("/_internal_/healthcheck")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"status": "healthy"}));
    assert!(r.header("x-request-id").is_some());
}

/// Slow and idle connections are closed by the server (slowloris, a body that stops, idle
/// keep-alive, more idle connections than the cap), and a valid request is answered afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;
    let mut svc = Service::start(&[
        "--header-read-timeout-ms",
        "1000",
        "--body-read-timeout-ms",
        "1000",
        "--max-connections",
        "64",
    ]);
    let bound = Duration::from_secs(15);

    // Slowloris: a head that never ends, one byte at a time.
    let mut slow = TcpStream::connect(svc.addr).await.unwrap();
    slow.write_all(b"GET /users HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let drip = async {
        for _ in 0..40 {
            if slow.write_all(b"X").await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
            let mut probe = [0u8; 1];
            if let Ok(Ok(0)) =
                tokio::time::timeout(Duration::from_millis(1), slow.peek(&mut probe)).await
            {
                return true;
            }
        }
        false
    };
    assert!(
        tokio::time::timeout(bound, drip).await.unwrap_or(false),
        "slowloris connection still open"
    );

    // A body that stops halfway: 408.
    let mut stalled = TcpStream::connect(svc.addr).await.unwrap();
    stalled
        .write_all(
            b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\"",
        )
        .await
        .unwrap();
    let mut buf = Vec::new();
    let r = tokio::time::timeout(bound, support::read_reply(&mut stalled, &mut buf))
        .await
        .expect("408 within bound");
    assert_eq!(rejected("stalled body", &r, 408), "request_timeout");

    // Idle keep-alive: closed after one answered request.
    let mut idle = TcpStream::connect(svc.addr).await.unwrap();
    idle.write_all(b"GET /users HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert_eq!(support::read_reply(&mut idle, &mut buf).await.status, 200);
    assert!(
        support::closed_within(&mut idle, bound).await,
        "idle keep-alive connection still open"
    );

    // More idle connections than the cap: all are closed, and then a valid request is answered.
    let mut idlers = Vec::new();
    for _ in 0..200 {
        idlers.push(TcpStream::connect(svc.addr).await.unwrap());
    }
    for s in &mut idlers {
        assert!(
            support::closed_within(s, Duration::from_secs(30)).await,
            "an idle connection is still open"
        );
    }
    assert!(svc.alive());
    valid_requests_still_work(&svc).await;
}

async fn valid_requests_still_work(svc: &Service) {
    let r = send(svc.addr, &json("POST", "/users", &valid_user())).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let start = Instant::now();
    let r = send(svc.addr, &get("/users?limit=5")).await;
    let took = start.elapsed();
    assert_eq!(r.status, 200);
    assert!(r.json().as_array().is_some_and(|a| !a.is_empty()));
    // A figure for the report, not an assertion (the machine is shared).
    eprintln!("valid GET after the attack answered in {took:?}");
}
