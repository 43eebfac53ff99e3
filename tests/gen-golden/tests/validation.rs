//! Request validation at every depth (`fixtures/gen/validation/`: `shop` imports `common`), over
//! loopback: unknown enum values in a body, bounds inside imported models and inside union
//! members (unions of unions), list and map elements, every parameter location. Each rejected
//! request is a 422 naming the field, never reaches the handler, and the mock client rejects
//! exactly the same calls (server and mock share one check function per operation).

use charter_gen_golden::test_gen_common_v0::models::{Address, CountryKind};
use charter_gen_golden::test_gen_shop_v0::{client, mock, models::*, server};
use charter_runtime::server::ValidationError;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Default, Clone)]
struct Shop {
    /// How many requests reached a handler.
    handled: Arc<AtomicUsize>,
}

fn user(name: String) -> User {
    User {
        id: "u1".into(),
        name,
        status: None,
    }
}

impl server::Users for Shop {
    async fn post(
        &self,
        request: server::UsersPostRequest,
        _context: charter_runtime::server::Context,
    ) -> server::UsersPostResponse {
        let server::UsersPostRequest { body, .. } = request;
        self.handled.fetch_add(1, Ordering::SeqCst);
        server::UsersPostResponse::Status201(user(body.name))
    }
    async fn get(
        &self,
        _request: server::UsersGetRequest,
        _context: charter_runtime::server::Context,
    ) -> server::UsersGetResponse {
        self.handled.fetch_add(1, Ordering::SeqCst);
        server::UsersGetResponse::Status200(vec![])
    }
    async fn put_address_by_id(
        &self,
        request: server::UsersPutAddressByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::UsersPutAddressByIdResponse {
        let server::UsersPutAddressByIdRequest { id, .. } = request;
        self.handled.fetch_add(1, Ordering::SeqCst);
        server::UsersPutAddressByIdResponse::Status200(user(id))
    }
    async fn post_status_by_id(
        &self,
        _request: server::UsersPostStatusByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::UsersPostStatusByIdResponse {
        self.handled.fetch_add(1, Ordering::SeqCst);
        server::UsersPostStatusByIdResponse::Status204
    }
}

async fn start() -> (String, Shop) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shop = Shop::default();
    let app = server::router(shop.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), shop)
}

/// Sends raw JSON and returns the status and, for a rejection, the field it names.
async fn post_raw(base: &str, path: &str, body: &str) -> (u16, Option<String>) {
    // `/users/:id/address` is a PUT; every other operation here is a POST.
    let http = reqwest::Client::new();
    let url = format!("{base}{path}");
    let req = if path.ends_with("/address") {
        http.put(url)
    } else {
        http.post(url)
    };
    let r = req
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let field = if status >= 400 {
        let text = r.text().await.unwrap();
        let e: ValidationError = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path} {body}: {status} {text}: {e}"));
        Some(e.field)
    } else {
        None
    };
    (status, field)
}

#[tokio::test]
async fn every_hole_of_issue_12_is_closed() {
    let (base, shop) = start().await;
    let cases: &[(&str, &str, &str)] = &[
        // An unknown enum value in a request body: 422 naming the field (was 201).
        ("/users", r#"{"name":"a","status":"zombie"}"#, "status"),
        // Bounds of an imported model's field (common.address.country: min 3, max 3).
        (
            "/users",
            r#"{"name":"a","address":{"country":"TOOLONG"}}"#,
            "address.country",
        ),
        (
            "/users",
            r#"{"name":"a","address":{"country":""}}"#,
            "address.country",
        ),
        // An enum inside an imported model.
        (
            "/users",
            r#"{"name":"a","address":{"country":"FRA","kind":"moon"}}"#,
            "address.kind",
        ),
        // The imported model as the body itself.
        ("/users/u1/address", r#"{"country":"TOOLONG"}"#, "country"),
        // Bounds inside a union member, and inside a member of a union inside a union.
        (
            "/users",
            r#"{"name":"a","contacts":[{"type":"email","address":"x"}]}"#,
            "contacts[0].address",
        ),
        (
            "/users",
            r#"{"name":"a","contacts":[{"type":"phone","number":"1"}]}"#,
            "contacts[0].number",
        ),
        (
            "/users",
            r#"{"name":"a","contacts":[{"type":"email","address":"a@b.c"},{"type":"phone","number":"123456","home":{"country":"TOOLONG"}}]}"#,
            "contacts[1].home.country",
        ),
        // A member the spec does not list.
        (
            "/users",
            r#"{"name":"a","contacts":[{"type":"fax"}]}"#,
            "contacts[0]",
        ),
        // A list's size and a map's values.
        (
            "/users",
            r#"{"name":"a","contacts":[{"type":"email","address":"a@b"},{"type":"email","address":"a@b"},{"type":"email","address":"a@b"},{"type":"email","address":"a@b"}]}"#,
            "contacts",
        ),
        (
            "/users",
            r#"{"name":"a","labels":{"k":"zombie"}}"#,
            "labels[\"k\"]",
        ),
        // Form parameters.
        ("/users/u1/status", r#"{"status":"zombie"}"#, "status"),
        (
            "/users/u1/status",
            r#"{"status":"active","note":"far too long a note"}"#,
            "note",
        ),
    ];
    for (path, body, field) in cases {
        let (status, got) = post_raw(&base, path, body).await;
        assert_eq!(status, 422, "{path} {body}");
        assert_eq!(got.as_deref(), Some(*field), "{path} {body}");
    }
    assert_eq!(
        shop.handled.load(Ordering::SeqCst),
        0,
        "no rejected request reached a handler"
    );
    // The valid forms are accepted.
    let (status, _) = post_raw(
        &base,
        "/users",
        r#"{"name":"a","status":"active","address":{"country":"FRA","kind":"state"},"contacts":[{"type":"phone","number":"123456"}],"labels":{"k":"inactive"}}"#,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        post_raw(&base, "/users/u1/status", r#"{"status":"active"}"#)
            .await
            .0,
        204
    );

    // Query, header and path parameters.
    let http = reqwest::Client::new();
    let get = |q: &'static str| http.get(format!("{base}/users{q}"));
    let field = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let e: ValidationError = r.json().await.unwrap();
        (status, e.field)
    };
    assert_eq!(
        field(get("?status=zombie").send().await.unwrap()).await,
        (422, "status".into())
    );
    assert_eq!(
        field(
            get("?statuses=active&statuses=zombie")
                .send()
                .await
                .unwrap()
        )
        .await,
        (422, "statuses[1]".into())
    );
    assert_eq!(
        field(
            get("?statuses=active&statuses=active&statuses=active")
                .send()
                .await
                .unwrap()
        )
        .await,
        (422, "statuses".into())
    );
    assert_eq!(
        field(get("?limit=0").send().await.unwrap()).await,
        (422, "limit".into())
    );
    assert_eq!(
        field(get("").header("x-tenant", "a").send().await.unwrap()).await,
        (422, "x-tenant".into())
    );
    let r = http
        .put(format!("{base}/users/u/address"))
        .body(r#"{"country":"FRA"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(field(r).await, (422, "id".into()));
    assert_eq!(
        get("?status=active&limit=5")
            .header("x-tenant", "acme")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}

/// What the generated client surfaces for a call: accepted, or rejected with a status.
fn outcome<T, E>(r: Result<T, charter_runtime::client::Error<E>>) -> Result<(), u16> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err(e.status().map_or(0, |s| s.as_u16())),
    }
}

fn status_strategy() -> impl Strategy<Value = UserStatus> {
    // Mostly valid values, so that both acceptance and each kind of rejection are common.
    prop_oneof![
        3 => Just(UserStatus::Active),
        3 => Just(UserStatus::Inactive),
        1 => "[a-z]{1,6}".prop_map(|s| charter_runtime::WireEnum::from_wire(&s)),
    ]
}

fn address_strategy() -> impl Strategy<Value = Address> {
    (
        "[A-Z]{2,4}",
        proptest::option::of(prop_oneof![
            3 => Just(CountryKind::State),
            3 => Just(CountryKind::Territory),
            1 => Just(CountryKind::Unknown("moon".into())),
        ]),
    )
        .prop_map(|(country, kind)| Address {
            street: None,
            country,
            kind,
        })
}

fn contact_strategy() -> impl Strategy<Value = Contact> {
    prop_oneof![
        "[a-z@.]{2,8}".prop_map(|address| Contact::Email(Email { address })),
        ("[0-9]{4,16}", proptest::option::of(address_strategy())).prop_map(|(number, home)| {
            Contact::Reachable(Reachable::Phone(Phone { number, home }))
        }),
    ]
}

fn form_strategy() -> impl Strategy<Value = UserForm> {
    (
        "[a-z]{0,21}",
        proptest::option::of(status_strategy()),
        proptest::option::of(address_strategy()),
        proptest::option::of(proptest::collection::vec(contact_strategy(), 0..4)),
        proptest::option::of(proptest::collection::btree_map(
            "[a-z]{1,3}",
            status_strategy(),
            0..3,
        )),
    )
        .prop_map(|(name, status, address, contacts, labels)| UserForm {
            name,
            status,
            address,
            contacts,
            labels,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For random argument values, the real server (over loopback, through the generated client)
    /// and the mock client accept and reject exactly the same calls, with the same status.
    #[test]
    fn server_and_mock_agree(
        form in form_strategy(),
        status in proptest::option::of(status_strategy()),
        statuses in proptest::collection::vec(status_strategy(), 0..4),
        limit in proptest::option::of(-2i32..120),
        tenant in proptest::option::of("[a-z]{0,10}"),
        address in address_strategy(),
        id in "[a-z]{1,3}",
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (base, _) = start().await;
            let real = client::Client::new(base);
            let fake = mock::MockClient::new();
            use client::UsersApi;
            let (r, m) = (real.users(), fake.users());
            let a = outcome(r.post(&form).await);
            let b = outcome(m.post(&form).await);
            prop_assert_eq!(a, b, "POST /users {:?}", form);
            let mut options = client::UsersGetOptions::default();
            options.status = status.clone();
            options.statuses = statuses.clone();
            options.limit = limit;
            options.x_tenant = tenant.clone();
            let a = outcome(r.get(options.clone()).await);
            let b = outcome(m.get(options).await);
            prop_assert_eq!(a, b, "GET /users {:?} {:?} {:?} {:?}", status, statuses, limit, tenant);
            let a = outcome(r.put_address_by_id(&id, &address).await);
            let b = outcome(m.put_address_by_id(&id, &address).await);
            prop_assert_eq!(a, b, "PUT {:?} {:?}", id, address);
            Ok(())
        })?;
    }
}
