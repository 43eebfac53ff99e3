//! Record against the running generated `user` server over 127.0.0.1, replay with it stopped: the
//! typed results are identical; cassettes hold no personal data and no credentials; a request the
//! cassette does not have fails with the nearest interaction and a diff.

use charter_contracts::io_charter_common_v0::models::{Address, Name};
use charter_contracts::io_charter_user_v0 as user;
use charter_contracts::{serve, UserStore};
use charter_runtime::client::{ClientBuilder, Error};
use charter_runtime::record::{BodyMatch, Cassette, MatchOptions, Recorder, Replayer};
use user::client::Client;

fn form(email: &str, first: &str) -> user::models::UserForm {
    user::models::UserForm {
        email: email.to_owned(),
        name: Name {
            first: Some(first.to_owned()),
            last: Some("Lovelace".to_owned()),
        },
        status: None,
        address: Some(Address {
            streets: Some(vec!["12 St James's Square".to_owned()]),
            city: Some("London".to_owned()),
            postal: None,
            country: "GBR".to_owned(),
        }),
    }
}

fn in_paris(mut f: user::models::UserForm) -> user::models::UserForm {
    if let Some(a) = &mut f.address {
        a.city = Some("Paris".to_owned());
    }
    f
}

/// What a call returned, comparable: the typed value, or the status and typed documented error.
#[derive(Debug, PartialEq)]
enum Outcome<T, E> {
    Ok(T),
    Documented(u16, E),
    Other(String),
}

fn outcome<T, E: std::fmt::Debug>(r: Result<T, Error<E>>) -> Outcome<T, E> {
    match r {
        Ok(v) => Outcome::Ok(v),
        Err(Error::Documented(d)) => Outcome::Documented(d.status.as_u16(), d.error),
        Err(e) => Outcome::Other(format!("{e}")),
    }
}

/// Every `user` operation, successes and documented errors; returns the typed outcomes.
async fn session(api: &Client, email: &str) -> Vec<String> {
    let users = api.users();
    let mut out = Vec::new();
    let created = users.post(&form(email, "Ada")).await.unwrap();
    out.push(format!(
        "{:?}",
        outcome(Ok::<_, Error<()>>(created.clone()))
    ));
    let got = outcome(users.get_by_id(&created.id).await);
    assert_eq!(got, Outcome::Ok(created.clone()));
    out.push(format!("{got:?} {}", created.email));
    let found = outcome(
        users
            .get(
                user::client::UsersGetOptions::default()
                    .with_email(email)
                    .with_limit(10),
            )
            .await,
    );
    assert_eq!(found, Outcome::Ok(vec![created.clone()]));
    out.push(format!("{found:?}"));
    let changed = outcome(users.put_by_id(&created.id, &form(email, "Augusta")).await);
    out.push(format!("{changed:?}"));
    let missing = outcome(users.get_by_id("usr-404").await);
    assert_eq!(
        missing,
        Outcome::Documented(404, user::client::UsersGetByIdError::Status404)
    );
    out.push(format!("{missing:?}"));
    let invalid = outcome(users.post(&form("no-at-sign", "Bob")).await);
    assert!(
        matches!(invalid, Outcome::Documented(422, _)),
        "{invalid:?}"
    );
    out.push(format!("{invalid:?}"));
    let out_of_range = outcome(
        users
            .get(user::client::UsersGetOptions::default().with_limit(0))
            .await,
    );
    out.push(format!("{out_of_range:?}"));
    out.push(format!(
        "{:?}",
        outcome(users.delete_by_id(&created.id).await)
    ));
    out.push(format!(
        "{:?}",
        outcome(users.delete_by_id(&created.id).await)
    ));
    // The typed values themselves (Debug redacts the email).
    out.push(format!(
        "{:?}",
        users.get(Default::default()).await.map(|v| v.len())
    ));
    out
}

fn temp_cassette(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-contracts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn replay_with_the_server_stopped_gives_identical_typed_results() {
    let server = serve(user::server::router(UserStore::default())).await;
    let base = server.base_url.clone();
    let path = temp_cassette("users.json");
    let recorder = Recorder::new(&path);
    let live = Client::from_builder(
        Client::builder(&base)
            .with_header("authorization", "Bearer top-secret-token")
            .with_recorder(recorder.clone()),
    );
    let recorded = session(&live, "ada@example.com").await;
    recorder.save().unwrap();
    server.stop().await;

    // The server is gone: a live call fails.
    let plain = Client::from_builder(ClientBuilder::new(&base).with_retry(Default::default()));
    assert!(matches!(
        plain.users().get_by_id("usr-1").await,
        Err(Error::Transport(_))
    ));

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("ada@example.com"), "{text}");
    assert!(!text.contains("top-secret-token"), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("authorization"),
        "{text}"
    );
    let cassette = Cassette::parse(&text).unwrap();
    assert_eq!(cassette.interactions.len(), 10);
    assert_eq!(cassette.to_json(), text, "stable form");

    let replay = Client::from_builder(
        ClientBuilder::new("http://127.0.0.1:9").with_replay(Replayer::open(&path).unwrap()),
    );
    let replayed = session(&replay, "ada@example.com").await;
    assert_eq!(replayed, recorded);

    // Another caller's email replays too: placeholders bind to the replayed values.
    let other = Client::from_builder(
        ClientBuilder::new("http://127.0.0.1:9").with_replay(Replayer::open(&path).unwrap()),
    );
    let created = other
        .users()
        .post(&form("grace@example.org", "Ada"))
        .await
        .unwrap();
    assert_eq!(created.email, "grace@example.org");
    assert_eq!(
        other.users().get_by_id(&created.id).await.unwrap().email,
        "grace@example.org"
    );
}

#[tokio::test]
async fn an_unmatched_replay_names_the_nearest_interaction_with_a_diff() {
    let server = serve(user::server::router(UserStore::default())).await;
    let recorder = Recorder::in_memory();
    let live =
        Client::from_builder(Client::builder(&server.base_url).with_recorder(recorder.clone()));
    let u = live
        .users()
        .post(&form("ada@example.com", "Ada"))
        .await
        .unwrap();
    live.users()
        .put_by_id(&u.id, &form("ada@example.com", "Augusta"))
        .await
        .unwrap();
    live.users().get_by_id(&u.id).await.unwrap();
    server.stop().await;

    let replayer = Replayer::new(recorder.cassette());
    let replay = Client::from_builder(
        ClientBuilder::new("http://127.0.0.1:9").with_replay(replayer.clone()),
    );
    replay
        .users()
        .post(&form("ada@example.com", "Ada"))
        .await
        .unwrap();
    // The city is not personal data, so the cassette has it and the diff shows it.
    let err = replay
        .users()
        .put_by_id(&u.id, &in_paris(form("ada@example.com", "Augusta")))
        .await
        .unwrap_err();
    let Error::Replay(miss) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(miss.nearest, Some(1));
    let m = &miss.message;
    assert!(
        m.contains("no recorded interaction matches PUT /users/usr-1"),
        "{m}"
    );
    assert!(m.contains("the nearest is #1 (PUT /users/usr-1)"), "{m}");
    assert!(m.contains("--- recorded #1\n+++ this request\n"), "{m}");
    assert!(m.contains("-    \"city\": \"London\","), "{m}");
    assert!(m.contains("+    \"city\": \"Paris\","), "{m}");
    assert!(
        !m.contains("ada@example.com"),
        "the diff shows placeholders: {m}"
    );
    assert_eq!(format!("{err}"), *m);

    // Structural matching accepts the changed name; ignoring the field does too.
    for options in [
        MatchOptions::default().body(BodyMatch::Structural),
        MatchOptions::default().ignore_field("/address/city"),
    ] {
        let replay = Client::from_builder(
            ClientBuilder::new("http://127.0.0.1:9")
                .with_replay(Replayer::new(recorder.cassette()).with_options(options)),
        );
        replay
            .users()
            .post(&form("ada@example.com", "Ada"))
            .await
            .unwrap();
        let changed = replay
            .users()
            .put_by_id(&u.id, &in_paris(form("ada@example.com", "Augusta")))
            .await
            .unwrap();
        assert_eq!(changed.name.first.as_deref(), Some("Augusta"), "bound back");
        let city = changed.address.and_then(|a| a.city);
        assert_eq!(city.as_deref(), Some("London"), "the recorded answer");
    }
}

/// No personal-data value and no credential ever lands in a cassette, whatever the values.
#[test]
fn cassettes_hold_no_personal_data_or_credentials() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(serve(user::server::router(UserStore::default())));
    let config = ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    };
    let secrets = ("[a-z0-9._]{4,20}", "[a-z]{3,12}", "[A-Za-z0-9_-]{8,40}");
    proptest::test_runner::TestRunner::new(config)
        .run(&secrets, |(local, domain, token)| {
            let email = format!("{local}@{domain}.example");
            let recorder = Recorder::in_memory();
            let api = Client::from_builder(
                Client::builder(&server.base_url)
                    .with_header("Authorization", &format!("Bearer {token}"))
                    .with_header("Cookie", &format!("session={token}"))
                    .with_recorder(recorder.clone()),
            );
            rt.block_on(async {
                let u = api.users().post(&form(&email, "Ada")).await.unwrap();
                api.users()
                    .get(user::client::UsersGetOptions::default().with_email(email.clone()))
                    .await
                    .unwrap();
                api.users().get_by_id(&u.id).await.unwrap();
                api.users()
                    .put_by_id(&u.id, &form(&email, "Augusta"))
                    .await
                    .unwrap();
            });
            let text = recorder.cassette().to_json();
            prop_assert!(!text.contains(&email), "{}", text);
            prop_assert!(!text.contains(&token), "{}", text);
            prop_assert!(!text.contains(&local), "{}", text);
            let c = recorder.cassette();
            prop_assert_eq!(c.interactions.len(), 4);
            // The same value has the same placeholder everywhere.
            let placeholder = c.interactions[0].request.body.as_ref().unwrap()["email"].clone();
            prop_assert_eq!(
                &c.interactions[1].request.query[0].1,
                placeholder.as_str().unwrap()
            );
            prop_assert_eq!(
                &c.interactions[2].response.body.as_ref().unwrap()["email"],
                &placeholder
            );
            Ok(())
        })
        .unwrap();
}
