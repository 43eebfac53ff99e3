//! The example service on PostgreSQL (`--database-url`), through the DAO generated from
//! `db/user-db.json`, as a child process on 127.0.0.1 against a fresh database per run
//! (`CHARTER_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:54329/postgres`; the test
//! fails when the server is not there). Every operation of the API, what lands in the table and
//! its journal, the hash_code no-op, persistence across restarts, erasure on delete, and
//! injection strings as data.

mod support;

use charter_runtime::dao::sqlx::{self, Connection, PgConnection};
use serde_json::json;
use support::{get, json as req, send, Service};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:54329/postgres";

fn admin_url() -> String {
    std::env::var("CHARTER_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// `charter_user_service_<pid>_<nanos>` on the test server, and its URL.
async fn create_db() -> (String, String) {
    let admin = admin_url();
    let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is not reachable at {admin} ({e}); start it with .ci/setup/postgres.sh or set CHARTER_TEST_DATABASE_URL")
    });
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!("charter_user_service_{}_{nanos}", std::process::id());
    sqlx::raw_sql(&format!("create database \"{name}\""))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => format!("{admin}/{name}"),
    };
    (name, url)
}

async fn drop_db(name: &str) {
    let mut conn = PgConnection::connect(&admin_url()).await.unwrap();
    sqlx::raw_sql(&format!("drop database if exists \"{name}\" with (force)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn journal(db: &mut PgConnection, id: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "select journal_operation, email, updated_by from journal.users where id = $1 order by journal_id",
    )
    .bind(id)
    .fetch_all(&mut *db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_keeps_users_in_postgres() {
    let (name, url) = create_db().await;
    let mut db = PgConnection::connect(&url).await.unwrap();
    let svc = Service::start(&["--database-url", &url]);

    let ada = r#"{"email":"ada@example.com","name":{"first":"Ada","last":"Lovelace"},"address":{"city":"London","country":"GBR"}}"#;
    let r = send(svc.addr, &req("POST", "/users", ada)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("usr-") && id.len() == 36, "{id}");
    assert_eq!(created["status"], "active", "the form's default");
    assert_eq!(created["name"], json!({"first": "Ada", "last": "Lovelace"}));

    // The row is in the table, with its audit columns.
    let (email, status, by): (String, String, String) =
        sqlx::query_as("select email, status, created_by from users where id = $1")
            .bind(&id)
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(
        (email.as_str(), status.as_str(), by.as_str()),
        ("ada@example.com", "active", "user-service")
    );

    let r = send(svc.addr, &get(&format!("/users/{id}"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), created);

    // A second user; the list is newest first, filtered by the indexed columns.
    let grace = r#"{"email":"grace@example.com","name":{"first":"Grace"},"status":"suspended"}"#;
    let r = send(svc.addr, &req("POST", "/users", grace)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let grace_id = r.json()["id"].as_str().unwrap().to_owned();
    let list = send(svc.addr, &get("/users")).await.json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [grace_id.as_str(), id.as_str()]);
    let list = send(svc.addr, &get("/users?status=suspended")).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], grace_id.as_str());
    let list = send(svc.addr, &get("/users?email=ada@example.com&limit=1"))
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    let list = send(svc.addr, &get("/users?limit=1&offset=1")).await.json();
    assert_eq!(list[0]["id"], id.as_str());
    // Injection in a filter is data: no user has that email.
    let r = send(svc.addr, &get("/users?email=%27%20or%20%271%27%3D%271")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([]));
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from users")
            .fetch_one(&mut db)
            .await
            .unwrap(),
        2
    );

    // The same form again: hash_code makes it a no-op (no journal row); a change writes one.
    assert_eq!(journal(&mut db, &id).await.len(), 1);
    let r = send(svc.addr, &req("PUT", &format!("/users/{id}"), ada)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), created);
    assert_eq!(
        journal(&mut db, &id).await.len(),
        1,
        "an unchanged put writes nothing"
    );
    let renamed = r#"{"email":"ada@example.com","name":{"first":"Augusta Ada"}}"#;
    let r = send(svc.addr, &req("PUT", &format!("/users/{id}"), renamed)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["name"], json!({"first": "Augusta Ada"}));
    assert_eq!(
        r.json()["status"],
        "active",
        "a put without status keeps the stored one"
    );
    assert_eq!(journal(&mut db, &id).await.len(), 2);
    let r = send(svc.addr, &req("PUT", "/users/usr-nobody", renamed)).await;
    assert_eq!(r.status, 404);

    // The DAO refuses an untrimmed email (the database would too): the documented 422.
    let r = send(
        svc.addr,
        &req(
            "POST",
            "/users",
            r#"{"email":" eve@example.com","name":{}}"#,
        ),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["code"].is_string());

    // Restarted on the same database: the users are still there, the schema is not re-applied.
    drop(svc);
    let svc = Service::start(&["--database-url", &url]);
    let r = send(svc.addr, &get(&format!("/users/{id}"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["name"], json!({"first": "Augusta Ada"}));
    let r = send(svc.addr, &get("/_internal_/healthcheck")).await;
    assert_eq!(r.status, 200);

    // Delete erases the personal data in the row's journal history, then deletes the row.
    let r = send(svc.addr, &req("DELETE", &format!("/users/{id}"), "")).await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = send(svc.addr, &get(&format!("/users/{id}"))).await;
    assert_eq!(r.status, 404);
    let r = send(svc.addr, &req("DELETE", &format!("/users/{id}"), "")).await;
    assert_eq!(r.status, 404);
    let history = journal(&mut db, &id).await;
    let ops: Vec<&str> = history.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(ops, ["INSERT", "UPDATE", "UPDATE", "DELETE"]);
    assert!(
        history.iter().all(|h| h.1 == "[erased]"),
        "no email left in the journal: {history:?}"
    );
    let names: Vec<Option<serde_json::Value>> =
        sqlx::query_scalar("select name from journal.users where id = $1")
            .bind(&id)
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert!(names.iter().all(Option::is_none), "{names:?}");
    let erasures: i64 = sqlx::query_scalar(
        "select count(*) from journal.erasures where pkey = $1 and erased_by = 'user-service'",
    )
    .bind(&id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(erasures, 1);
    // Grace is untouched.
    let r = send(svc.addr, &get(&format!("/users/{grace_id}"))).await;
    assert_eq!(r.json()["email"], "grace@example.com");

    drop(svc);
    drop(db);
    drop_db(&name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_a_usage_error_at_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_user-service"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use the database"));
}
