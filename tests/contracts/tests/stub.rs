//! `charter stub` serving the example services from their specs, driven with the generated
//! clients over 127.0.0.1: every operation answers valid data, bad requests get the 4xx the
//! generated server gives (compared with a running generated server), scenarios return documented
//! errors, and cassettes give recorded answers.

use charter::stub::Stub;
use charter_contracts::built::io_charter_order_v0 as order;
use charter_contracts::built::io_charter_organization_v0 as organization;
use charter_contracts::io_charter_user_v0 as user;
use charter_contracts::{serve, Running, UserStore};
use charter_runtime::client::Error;
use charter_runtime::record::Recorder;

fn specs() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs")
}

async fn stub(service: &str, cassettes: Option<&std::path::Path>) -> Running {
    let checked = charter::check(&[specs()], &charter::Options::default());
    assert!(!checked.has_errors());
    let mut s = Stub::new(checked.repo, service).unwrap();
    if let Some(dir) = cassettes {
        s = s.with_cassettes(dir).unwrap();
    }
    serve(s.router()).await
}

fn status<T: std::fmt::Debug, E: std::fmt::Debug>(r: Result<T, Error<E>>) -> u16 {
    match r {
        Err(e) => e.status().map_or(0, |s| s.as_u16()),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

#[tokio::test]
async fn every_operation_of_the_example_services_answers_valid_data() {
    let u = stub("io.charter.user.v0", None).await;
    let users = user::client::Client::new(&u.base_url);
    let form = user::factories::user_form();
    let created = users.users().post(&form).await.unwrap();
    assert!(!created.id.is_empty());
    assert_eq!(created.id, "usr-20ba5b7c", "the field's example");
    // Lists are empty unless the spec asks for a minimum.
    users.users().get(Default::default()).await.unwrap();
    users.users().get_by_id("usr-1").await.unwrap();
    users.users().put_by_id("usr-1", &form).await.unwrap();
    users.users().delete_by_id("usr-1").await.unwrap();

    let o = stub("organization", None).await;
    let orgs = organization::client::Client::new(&o.base_url);
    let of = organization::factories::organization_form();
    let org = orgs.organizations().post(&of).await.unwrap();
    assert_eq!(org.id, "acme");
    orgs.organizations().get(Default::default()).await.unwrap();
    orgs.organizations().get_by_id("acme").await.unwrap();
    orgs.organizations().put_by_id("acme", &of).await.unwrap();
    orgs.organizations().delete_by_id("acme").await.unwrap();
    let mf = organization::factories::membership_form();
    let m = orgs.memberships().post("acme", &mf).await.unwrap();
    assert!(!m.user.email.is_empty());
    orgs.memberships()
        .get("acme", Default::default())
        .await
        .unwrap();
    orgs.memberships().get_by_id("acme", &m.id).await.unwrap();
    orgs.memberships()
        .delete_by_id("acme", &m.id)
        .await
        .unwrap();

    let r = stub("io.charter.order.v0", None).await;
    let orders = order::client::Client::new(&r.base_url);
    let f = order::factories::order_form();
    let placed = orders
        .orders()
        .post(
            "acme",
            &f,
            order::client::OrdersPostOptions::default().with_idempotency_key("key-1"),
        )
        .await
        .unwrap();
    assert_eq!(placed.number, "ORD-1001", "the field's example");
    assert!(!placed.items.is_empty(), "minimum 1 item");
    orders
        .orders()
        .get(
            "acme",
            order::client::OrdersGetOptions::default()
                .with_status([order::models::OrderStatus::Open]),
        )
        .await
        .unwrap();
    orders
        .orders()
        .get_by_number("acme", "ORD-1001")
        .await
        .unwrap();
    orders
        .orders()
        .put_by_number("acme", "ORD-1001", &f)
        .await
        .unwrap();
    orders
        .orders()
        .delete_by_number("acme", "ORD-1001")
        .await
        .unwrap();
}

/// The same bad requests to the generated server and to the stub: the same status, `code` and
/// `field`.
#[tokio::test]
async fn bad_requests_get_the_generated_servers_4xx() {
    let real = serve(user::server::router(UserStore::default())).await;
    let stubbed = stub("io.charter.user.v0", None).await;
    let http = reqwest::Client::new();
    let valid = serde_json::to_string(&user::factories::user_form()).unwrap();
    let cases: Vec<(&str, &str, Option<String>)> = vec![
        ("POST", "/users", Some("{".to_owned())),
        ("POST", "/users", Some(r#"{"email": 7}"#.to_owned())),
        ("POST", "/users", Some(r#"{"email": "a@b.c"}"#.to_owned())),
        ("GET", "/users?limit=abc", None),
        ("GET", "/users?limit=0", None),
        ("GET", "/users?limit=101", None),
        ("GET", "/users?status=gone", None),
        ("PUT", "/users/u1", Some("[]".to_owned())),
        (
            "PUT",
            "/users/u1",
            Some(valid.replacen("{", "{\"status\": 3, ", 1)),
        ),
        ("GET", "/nowhere", None),
        ("PATCH", "/users", None),
    ];
    for (method, path, body) in cases {
        let mut seen = Vec::new();
        for base in [&real.base_url, &stubbed.base_url] {
            let mut b = http.request(method.parse().unwrap(), format!("{base}{path}"));
            if let Some(body) = &body {
                b = b
                    .header("content-type", "application/json")
                    .body(body.clone());
            }
            let resp = b.send().await.unwrap();
            let status = resp.status().as_u16();
            let v: serde_json::Value = resp.json().await.unwrap_or_default();
            seen.push((status, v["code"].clone(), v["field"].clone()));
        }
        assert!(
            seen[0].0 >= 400 && seen[0].0 < 500,
            "{method} {path}: {seen:?}"
        );
        assert_eq!(
            seen[0], seen[1],
            "{method} {path} {body:?}: generated server, then stub"
        );
    }
}

#[tokio::test]
async fn scenarios_return_documented_errors() {
    let s = stub("io.charter.user.v0", None).await;
    // A header on the client.
    let failing = user::client::Client::from_builder(
        user::client::Client::builder(&s.base_url).with_header("x-charter-scenario", "404"),
    );
    let e = failing.users().get_by_id("usr-1").await.unwrap_err();
    assert_eq!(
        e.documented(),
        Some(&user::client::UsersGetByIdError::Status404)
    );

    // Queued on the admin endpoint: the next POST only.
    let http = reqwest::Client::new();
    let queued = http
        .post(format!("{}/_charter/scenarios", s.base_url))
        .json(&serde_json::json!({"method": "POST", "path": "/users", "status": 422}))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status().as_u16(), 204);
    let users = user::client::Client::new(&s.base_url);
    let form = user::factories::user_form();
    match users.users().post(&form).await {
        Err(Error::Documented(d)) => {
            assert_eq!(d.status.as_u16(), 422);
            let user::client::UsersPostError::Status422(body) = &d.error else {
                panic!("{:?}", d.error)
            };
            assert!(!body.code.is_empty(), "an example generic_error");
        }
        other => panic!("{other:?}"),
    }
    users.users().post(&form).await.unwrap();

    // A status the operation does not document is refused.
    let teapot = user::client::Client::from_builder(
        user::client::Client::builder(&s.base_url).with_header("x-charter-scenario", "418"),
    );
    assert_eq!(status(teapot.users().get_by_id("usr-1").await), 400);
}

#[tokio::test]
async fn cassettes_give_recorded_answers() {
    let real = serve(user::server::router(UserStore::default())).await;
    let dir = std::env::temp_dir().join(format!("charter-stub-cassettes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let recorder = Recorder::new(dir.join("users.json"));
    let live = user::client::Client::from_builder(
        user::client::Client::builder(&real.base_url).with_recorder(recorder.clone()),
    );
    let mut form = user::factories::user_form();
    form.email = "ada@example.com".to_owned();
    form.name.first = Some("Ada".to_owned());
    let created = live.users().post(&form).await.unwrap();
    let e = live.users().get_by_id("usr-404").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    recorder.save().unwrap();
    real.stop().await;

    let s = stub("io.charter.user.v0", Some(&dir)).await;
    let users = user::client::Client::new(&s.base_url);
    let replayed = users.users().post(&form).await.unwrap();
    assert_eq!(
        replayed, created,
        "the recorded answer, the caller's email bound back"
    );
    // The recorded 404 for the recorded request; other ids get the example answer.
    assert_eq!(status(users.users().get_by_id("usr-404").await), 404);
    users.users().get_by_id("usr-7").await.unwrap();
}
