//! Service headers (`fixtures/gen/headers.json`): the generated server rejects a request without a
//! required header (400 naming it, the validation error shape), and the mock rejects a call the
//! same way with the same check (`checks::service_headers`) until the header is set, as it is set
//! on the client's builder. A header with a default is sent by the client and never required.

use charter_gen_golden::test_gen_headers_v0::client::NotesApi as _;
use charter_gen_golden::test_gen_headers_v0::{client, mock::MockClient, models::Note, server};
use charter_runtime::client::Error;
use charter_runtime::server::Context;

struct Notes;

impl server::Notes for Notes {
    async fn get_by_id(
        &self,
        request: server::NotesGetByIdRequest,
        context: Context,
    ) -> server::NotesGetByIdResponse {
        // Declared and undeclared headers alike reach the handler in its context.
        let tenant = context.headers().get("x-tenant").unwrap().to_str().unwrap();
        server::NotesGetByIdResponse::Status200(Note {
            id: request.id.clone(),
            text: tenant.to_owned(),
        })
    }
    async fn post(
        &self,
        request: server::NotesPostRequest,
        _context: Context,
    ) -> server::NotesPostResponse {
        server::NotesPostResponse::Status201(request.body)
    }
}

async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Notes)).await.unwrap() });
    format!("http://{addr}")
}

/// Status, field and message of a rejection.
fn rejection<E: std::fmt::Debug>(e: Error<E>) -> (u16, String, String) {
    match e {
        Error::UnexpectedStatus(r) | Error::InvalidBody(r, _) => {
            let body: charter_runtime::validation::ValidationError =
                serde_json::from_slice(&r.body).unwrap();
            (r.status.as_u16(), body.field, body.message)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_missing_required_header_is_a_400_from_the_server_and_the_mock() {
    let base = start().await;
    let note = Note::new("n1".into(), "hello".into());
    let expected = (
        400,
        "x-tenant".to_owned(),
        "header `x-tenant` is required".to_owned(),
    );

    let real = client::Client::new(&base);
    let mock = MockClient::new();
    for e in [
        rejection(real.notes().get_by_id("n1").await.unwrap_err()),
        rejection(real.notes().post(&note).await.unwrap_err()),
        rejection(mock.notes().get_by_id("n1").await.unwrap_err()),
        rejection(mock.notes().post(&note).await.unwrap_err()),
    ] {
        assert_eq!(e, expected);
    }

    // With the header set (builder and mock alike), both accept; `X-Client` has a default the
    // client sends, and `X-Debug` is optional.
    let real = client::Client::from_builder(
        client::Client::builder(&base).with_header("X-Tenant", "acme"),
    );
    let mock = MockClient::new().with_header("X-Tenant", "acme");
    assert_eq!(real.notes().get_by_id("n1").await.unwrap().text, "acme");
    assert_eq!(real.notes().post(&note).await.unwrap(), note);
    mock.notes().get_by_id("n1").await.unwrap();
    mock.notes().post(&note).await.unwrap();

    // The header check comes first; the arguments' checks still apply after it.
    let long = Note::new("n2".into(), "x".repeat(21));
    let (a, b) = (
        rejection(real.notes().post(&long).await.unwrap_err()),
        rejection(mock.notes().post(&long).await.unwrap_err()),
    );
    assert_eq!(a, b);
    assert_eq!((a.0, a.1.as_str()), (422, "text"));

    // A raw request without the header: the same JSON error shape, naming only the header.
    let r = reqwest::get(format!("{base}/notes/n1")).await.unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["field"], "x-tenant");
    assert_eq!(body["code"], "invalid_request");
}

/// Handlers can be called directly in unit tests: request structs from `new` (defaults applied,
/// optional fields `None`), contexts from `Context::new`.
#[tokio::test]
async fn handlers_are_callable_with_built_requests() {
    use server::Notes as _;
    let mut headers = charter_runtime::http::HeaderMap::new();
    headers.insert("x-tenant", "t1".parse().unwrap());
    let ctx = Context::new()
        .with_request_id("req-1")
        .with_headers(headers);
    assert_eq!(ctx.request_id(), Some("req-1"));
    match Notes
        .get_by_id(server::NotesGetByIdRequest::new("n9".into()), ctx)
        .await
    {
        server::NotesGetByIdResponse::Status200(n) => {
            assert_eq!((n.id.as_str(), n.text.as_str()), ("n9", "t1"))
        }
        other => panic!("{other:?}"),
    }
}
