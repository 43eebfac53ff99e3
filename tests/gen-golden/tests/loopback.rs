//! Loopback: the generated axum server (a small in-memory implementation) on 127.0.0.1 and the
//! generated client calling every operation kind: path, query, header and body parameters,
//! unions, enums with unknown values, a typed 404 and a 422, and requests the server rejects.

use charter_gen_golden::test_gen_client_v0::models::Error as ApiError;
use charter_gen_golden::test_gen_client_v0::{client, models::*, server};
use charter_runtime::client::Error;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
struct Store {
    items: Mutex<BTreeMap<String, Item>>,
    traces: Mutex<Vec<String>>,
}

impl server::Items for Store {
    async fn get(
        &self,
        request: server::ItemsGetRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ItemsGetResponse {
        let server::ItemsGetRequest {
            role, ids, limit, ..
        } = request;
        let items = self.items.lock().unwrap();
        let list = items
            .values()
            .filter(|i| role.as_ref().is_none_or(|r| &i.role == r))
            .filter(|i| ids.is_empty() || ids.contains(&i.id))
            .take(limit as usize)
            .cloned()
            .collect();
        server::ItemsGetResponse::Status200(list)
    }
    async fn get_by_id(
        &self,
        request: server::ItemsGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ItemsGetByIdResponse {
        let server::ItemsGetByIdRequest { id, .. } = request;
        match self.items.lock().unwrap().get(&id) {
            Some(i) => server::ItemsGetByIdResponse::Status200(i.clone()),
            None => server::ItemsGetByIdResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: server::ItemsPostRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ItemsPostResponse {
        let server::ItemsPostRequest { body, x_trace, .. } = request;
        if let Some(t) = x_trace {
            self.traces.lock().unwrap().push(t);
        }
        if body.name.is_empty() {
            return server::ItemsPostResponse::Status422(vec![ApiError {
                code: "empty_name".into(),
                message: "name must not be empty".into(),
            }]);
        }
        let mut items = self.items.lock().unwrap();
        let item = Item {
            id: format!("i{}", items.len() + 1),
            name: body.name,
            role: body.role.unwrap_or(Role::Member),
            count: body.count,
        };
        items.insert(item.id.clone(), item.clone());
        server::ItemsPostResponse::Status201(item)
    }
    async fn put_things_by_id(
        &self,
        request: server::ItemsPutThingsByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ItemsPutThingsByIdResponse {
        let server::ItemsPutThingsByIdRequest { id, body, .. } = request;
        if id == "new" {
            server::ItemsPutThingsByIdResponse::Status201(body)
        } else if id == "unknown" {
            // Responses are not validated: a value this spec does not know reaches the client.
            server::ItemsPutThingsByIdResponse::Status200(Thing::Role(Role::Unknown(
                "superuser".into(),
            )))
        } else if id == "bad" {
            server::ItemsPutThingsByIdResponse::Default(409, vec![])
        } else {
            server::ItemsPutThingsByIdResponse::Status200(body)
        }
    }
    async fn delete_by_id(
        &self,
        request: server::ItemsDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ItemsDeleteByIdResponse {
        let server::ItemsDeleteByIdRequest { id, .. } = request;
        match self.items.lock().unwrap().remove(&id) {
            Some(_) => server::ItemsDeleteByIdResponse::Status204,
            None => server::ItemsDeleteByIdResponse::Status404,
        }
    }
}

async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::router(Store::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn client_and_server_agree_on_every_operation_kind() {
    let base = start().await;
    let c = client::Client::from_builder(client::Client::builder(&base).with_request_id("req-1"));
    let items = c.items();

    // Body + header parameter, typed 201.
    let form = ItemForm {
        name: "a".into(),
        role: Some(Role::Admin),
        count: 3,
    };
    let a = items
        .post(
            &form,
            client::ItemsPostOptions::default().with_x_trace("trace-1"),
        )
        .await
        .unwrap();
    assert_eq!((a.id.as_str(), &a.role), ("i1", &Role::Admin));
    let b = items
        .post(
            &ItemForm {
                name: "b".into(),
                role: None,
                count: 0,
            },
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(b.role, Role::Member);

    // Documented 422 with a typed body.
    let err = items
        .post(
            &ItemForm {
                name: String::new(),
                role: None,
                count: 0,
            },
            Default::default(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Documented(d) => {
            assert_eq!(d.status.as_u16(), 422);
            // The error enums are `#[non_exhaustive]`: a new documented error is no break.
            let client::ItemsPostError::Status422(errors) = &d.error else {
                panic!("{:?}", d.error)
            };
            assert_eq!(errors[0].code, "empty_name");
        }
        other => panic!("{other:?}"),
    }

    // Path parameter, typed 200 and typed 404.
    assert_eq!(items.get_by_id("i1").await.unwrap(), a);
    let err = items.get_by_id("nope/../x").await.unwrap_err();
    assert!(
        matches!(err.documented(), Some(client::ItemsGetByIdError::Status404)),
        "{err:?}"
    );

    // Query parameters: optional enum, list, defaulted long.
    let all = items.get(Default::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let admins = items
        .get(client::ItemsGetOptions::default().with_role(Role::Admin))
        .await
        .unwrap();
    assert_eq!(admins, vec![a.clone()]);
    let some = items
        .get(
            client::ItemsGetOptions::default()
                .with_ids(["i2".to_owned()])
                .with_limit(10),
        )
        .await
        .unwrap();
    assert_eq!(some, vec![b.clone()]);

    // Unions with several success statuses, an unknown enum member, and a default error.
    // An unknown enum value in a request is a 422 naming it (issue #12); in a response the client
    // is a tolerant reader and keeps it.
    let unknown = Thing::Role(Role::Unknown("superuser".into()));
    let err = items.put_things_by_id("i1", &unknown).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let r = items
        .put_things_by_id("unknown", &Thing::Role(Role::Admin))
        .await
        .unwrap();
    assert_eq!(r, client::ItemsPutThingsByIdResponse::Status200(unknown));
    let thing = Thing::Role(Role::Admin);
    let r = items.put_things_by_id("i1", &thing).await.unwrap();
    assert_eq!(
        r,
        client::ItemsPutThingsByIdResponse::Status200(thing.clone())
    );
    let r = items
        .put_things_by_id("new", &Thing::Item(a.clone()))
        .await
        .unwrap();
    assert_eq!(
        r,
        client::ItemsPutThingsByIdResponse::Status201(Thing::Item(a.clone()))
    );
    let err = items.put_things_by_id("bad", &thing).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert!(
        matches!(err.documented(), Some(client::ItemsPutThingsByIdError::Default(e)) if e.is_empty())
    );

    // Unit responses.
    items.delete_by_id("i2").await.unwrap();
    let err = items.delete_by_id("i2").await.unwrap_err();
    assert!(matches!(
        err.documented(),
        Some(client::ItemsDeleteByIdError::Status404)
    ));
}

#[tokio::test]
async fn bad_requests_never_reach_the_handler() {
    let base = start().await;
    let http = reqwest::Client::new();
    let check = |status: u16, field: &'static str| {
        move |r: reqwest::Response| async move {
            assert_eq!(r.status().as_u16(), status);
            let body: charter_runtime::server::ValidationError = r.json().await.unwrap();
            assert_eq!(body.field, field);
        }
    };
    check(400, "limit")(
        http.get(format!("{base}/items?limit=abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    check(422, "limit")(
        http.get(format!("{base}/items?limit=1000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    check(422, "role")(
        http.get(format!("{base}/items?role=zzz"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    // Body shape: a missing required field is 422, malformed JSON 400; unknown fields are fine.
    let r = http
        .post(format!("{base}/items"))
        .body(r#"{"name": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    // minimum/maximum of a body field: 422 naming the field.
    check(422, "count")(
        http.post(format!("{base}/items"))
            .body(r#"{"name": "x", "count": 500}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let r = http
        .post(format!("{base}/items"))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = http
        .post(format!("{base}/items"))
        .body(r#"{"name": "x", "count": 1, "extra": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

#[tokio::test]
async fn undocumented_statuses_and_bad_bodies_are_errors_not_panics() {
    // A server that answers everything with 418 and garbage.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        if uri.path().ends_with("/garbage") {
            (axum::http::StatusCode::OK, "not json")
        } else {
            (axum::http::StatusCode::IM_A_TEAPOT, "teapot")
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let c = client::Client::new(format!("http://{addr}"));
    match c.items().get(Default::default()).await.unwrap_err() {
        Error::UnexpectedStatus(r) => {
            assert_eq!(r.status.as_u16(), 418);
            assert_eq!(&r.body[..], b"teapot");
        }
        other => panic!("{other:?}"),
    }
    match c.items().get_by_id("garbage").await.unwrap_err() {
        Error::InvalidBody(r, _) => assert_eq!(r.status.as_u16(), 200),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn idempotent_calls_are_retried_and_carry_the_request_id() {
    use std::sync::Arc;
    #[derive(Default)]
    struct Seen {
        gets: Mutex<u32>,
        posts: Mutex<u32>,
        ids: Mutex<Vec<String>>,
    }
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let s = s.clone();
        async move {
            let header = |n: &str| {
                req.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned()
            };
            // The request id and the service's default header, on every call.
            let id = format!("{}|{}", header("x-request-id"), header("x-api-version"));
            s.ids.lock().unwrap().push(id);
            let unavailable = (axum::http::StatusCode::SERVICE_UNAVAILABLE, String::new());
            if req.method() == axum::http::Method::POST {
                *s.posts.lock().unwrap() += 1;
                return unavailable;
            }
            let mut gets = s.gets.lock().unwrap();
            *gets += 1;
            if *gets < 3 {
                unavailable
            } else {
                (axum::http::StatusCode::OK, "[]".to_owned())
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let retry = charter_runtime::client::RetryPolicy {
        max_retries: 2,
        initial_backoff: std::time::Duration::from_millis(1),
    };
    let c = client::Client::from_builder(
        client::Client::builder(format!("http://{addr}"))
            .with_request_id("req-9")
            .with_retry(retry),
    );
    assert_eq!(c.items().get(Default::default()).await.unwrap(), vec![]);
    assert_eq!(*seen.gets.lock().unwrap(), 3, "GET retried twice");
    let form = ItemForm {
        name: "a".into(),
        role: None,
        count: 1,
    };
    let err = c.items().post(&form, Default::default()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(*seen.posts.lock().unwrap(), 1, "POST is not retried");
    let ids = seen.ids.lock().unwrap();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|i| i == "req-9|1"), "{ids:?}");
}

/// Rejections name the field and the problem, never the value received (it may be personal data).
#[tokio::test]
async fn rejections_never_echo_received_values() {
    let base = start().await;
    let http = reqwest::Client::new();
    let secret = "jane.doe-4711@example.com";
    let requests = [
        http.get(format!("{base}/items?limit={secret}")),
        http.get(format!("{base}/items?role={secret}")),
        http.post(format!("{base}/items"))
            .body(format!(r#"{{"name": "x", "count": "{secret}"}}"#)),
        http.post(format!("{base}/items"))
            .body(format!(r#"{{"name": {secret}}}"#)),
    ];
    for request in requests {
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert!(matches!(status, 400 | 422), "{status} {text}");
        assert!(!text.contains("jane"), "{text}");
        let body: charter_runtime::server::ValidationError = serde_json::from_str(&text).unwrap();
        assert!(!body.message.is_empty());
    }
}
