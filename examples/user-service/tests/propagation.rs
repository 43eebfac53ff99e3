//! One request id across two generated services: the `organization` server (A, generated here
//! by the derive) calls the `user` server (B, the example service) through the generated user
//! client from inside its handler; B's handler sees A's request id, with no id passed by hand.

mod support;

use charter_runtime::request_id;
use charter_runtime::server::Context;
use std::future::pending;
use std::sync::{Arc, Mutex};
use user_service::io_charter_user_v0 as user;

#[derive(charter_macros::Api)]
#[charter(
    spec = "../../specs/organization.json",
    client,
    server,
    crate_path(
        namespace = "io.charter.user.v0",
        path = "user_service::io_charter_user_v0"
    ),
    crate_path(
        namespace = "io.charter.common.v0",
        path = "user_service::io_charter_common_v0"
    )
)]
pub struct OrganizationApi;

use io_charter_organization_v0 as org;

type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// B: the example's users, noting the request id each `get_by_id` handler sees.
#[derive(Clone)]
struct Recording {
    users: user_service::Users,
    seen: Seen,
}

impl user::server::Users for Recording {
    async fn get(
        &self,
        request: user::server::UsersGetRequest,
        context: Context,
    ) -> user::server::UsersGetResponse {
        self.users.get(request, context).await
    }
    async fn get_by_id(
        &self,
        request: user::server::UsersGetByIdRequest,
        context: Context,
    ) -> user::server::UsersGetByIdResponse {
        // The id reaches the handler both ways: in its context and in the task-local.
        assert_eq!(context.request_id(), request_id::current().as_deref());
        self.seen.lock().unwrap().push(request_id::current());
        self.users.get_by_id(request, context).await
    }
    async fn post(
        &self,
        request: user::server::UsersPostRequest,
        context: Context,
    ) -> user::server::UsersPostResponse {
        self.users.post(request, context).await
    }
    async fn put_by_id(
        &self,
        request: user::server::UsersPutByIdRequest,
        context: Context,
    ) -> user::server::UsersPutByIdResponse {
        self.users.put_by_id(request, context).await
    }
    async fn delete_by_id(
        &self,
        request: user::server::UsersDeleteByIdRequest,
        context: Context,
    ) -> user::server::UsersDeleteByIdResponse {
        self.users.delete_by_id(request, context).await
    }
}

/// A: memberships look their user up in B; the rest is not needed here.
struct Organizations {
    users: user::client::Client,
    seen: Seen,
}

impl org::server::Organizations for Organizations {
    async fn get(
        &self,
        _request: org::server::OrganizationsGetRequest,
        _context: Context,
    ) -> org::server::OrganizationsGetResponse {
        org::server::OrganizationsGetResponse::Status200(Vec::new())
    }
    async fn get_by_id(
        &self,
        _request: org::server::OrganizationsGetByIdRequest,
        _context: Context,
    ) -> org::server::OrganizationsGetByIdResponse {
        org::server::OrganizationsGetByIdResponse::Status404
    }
    async fn post(
        &self,
        _request: org::server::OrganizationsPostRequest,
        _context: Context,
    ) -> org::server::OrganizationsPostResponse {
        org::server::OrganizationsPostResponse::Status422(
            user_service::io_charter_common_v0::models::GenericError {
                code: "read_only".into(),
                messages: Vec::new(),
            },
        )
    }
    async fn put_by_id(
        &self,
        _request: org::server::OrganizationsPutByIdRequest,
        _context: Context,
    ) -> org::server::OrganizationsPutByIdResponse {
        org::server::OrganizationsPutByIdResponse::Status404
    }
    async fn delete_by_id(
        &self,
        _request: org::server::OrganizationsDeleteByIdRequest,
        _context: Context,
    ) -> org::server::OrganizationsDeleteByIdResponse {
        org::server::OrganizationsDeleteByIdResponse::Status404
    }
}

impl org::server::Memberships for Organizations {
    async fn get(
        &self,
        _request: org::server::MembershipsGetRequest,
        _context: Context,
    ) -> org::server::MembershipsGetResponse {
        org::server::MembershipsGetResponse::Status200(Vec::new())
    }
    async fn get_by_id(
        &self,
        _request: org::server::MembershipsGetByIdRequest,
        _context: Context,
    ) -> org::server::MembershipsGetByIdResponse {
        org::server::MembershipsGetByIdResponse::Status404
    }
    async fn post(
        &self,
        request: org::server::MembershipsPostRequest,
        _context: Context,
    ) -> org::server::MembershipsPostResponse {
        let org::server::MembershipsPostRequest { body, .. } = request;
        self.seen.lock().unwrap().push(request_id::current());
        // No request id given: the generated client forwards the current one.
        match self.users.users().get_by_id(&body.user_id).await {
            Ok(u) => org::server::MembershipsPostResponse::Status201(org::models::Membership {
                id: "mem-1".into(),
                user: u,
                role: body.role,
            }),
            Err(_) => org::server::MembershipsPostResponse::Status404,
        }
    }
    async fn delete_by_id(
        &self,
        _request: org::server::MembershipsDeleteByIdRequest,
        _context: Context,
    ) -> org::server::MembershipsDeleteByIdResponse {
        org::server::MembershipsDeleteByIdResponse::Status404
    }
}

async fn listen() -> (tokio::net::TcpListener, String) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (l, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_id_follows_a_call_from_a_handler() {
    let b_seen = Seen::default();
    let a_seen = Seen::default();
    let (bl, b_url) = listen().await;
    let b = user::server::builder(Recording {
        users: user_service::Users::default(),
        seen: b_seen.clone(),
    });
    tokio::spawn(b.serve_with_shutdown(bl, pending()));
    let (al, a_url) = listen().await;
    let a = org::server::builder(Organizations {
        users: user::client::Client::from_builder(user::client::Client::builder(&b_url)),
        seen: a_seen.clone(),
    });
    tokio::spawn(a.serve_with_shutdown(al, pending()));
    let b_addr = b_url.trim_start_matches("http://").parse().unwrap();
    let a_addr = a_url.trim_start_matches("http://").parse().unwrap();

    let created = support::send(
        b_addr,
        &support::json(
            "POST",
            "/users",
            r#"{"email":"ada@example.com","name":{"first":"Ada"}}"#,
        ),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let body = format!(r#"{{"user_id":"{id}","role":"admin"}}"#);

    // With an incoming id: A's handler, the call to B and B's handler all carry it.
    let r = support::send(
        a_addr,
        &support::request(
            "POST",
            b"/acme/memberships",
            &[
                ("Content-Type", b"application/json"),
                ("X-Request-Id", b"trace-A-1"),
            ],
            body.as_bytes(),
        ),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("x-request-id"), Some("trace-A-1"));
    assert_eq!(r.json()["user"]["id"], id.as_str());
    assert_eq!(
        a_seen.lock().unwrap().last().cloned(),
        Some(Some("trace-A-1".into()))
    );
    assert_eq!(
        b_seen.lock().unwrap().last().cloned(),
        Some(Some("trace-A-1".into()))
    );

    // Without one: A makes one, and B sees that one.
    let r = support::send(a_addr, &support::json("POST", "/acme/memberships", &body)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let made = r.header("x-request-id").unwrap().to_owned();
    assert_eq!(made.len(), 36);
    assert_eq!(
        a_seen.lock().unwrap().last().cloned(),
        Some(Some(made.clone()))
    );
    assert_eq!(b_seen.lock().unwrap().last().cloned(), Some(Some(made)));
    // Outside any handler there is no current id.
    assert_eq!(request_id::current(), None);
}

/// A spec's own request-id header (here `X-Correlation-Id`) is read and echoed too.
#[tokio::test]
async fn a_declared_request_id_header_is_read_and_echoed() {
    let (l, url) = listen().await;
    let s =
        charter_runtime::serve::Server::new(user::server::routes(user_service::Users::default()))
            .request_id_header("X-Correlation-Id");
    tokio::spawn(s.serve_with_shutdown(l, pending()));
    let r = support::send(
        url.trim_start_matches("http://").parse().unwrap(),
        &support::request("GET", b"/users", &[("X-Correlation-Id", b"corr-7")], b""),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-request-id"), Some("corr-7"));
    assert_eq!(r.header("x-correlation-id"), Some("corr-7"));
}
