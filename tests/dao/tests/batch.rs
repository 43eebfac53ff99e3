//! `upsert_batch_by_<key>` and `delete_all_by_<index>` of the generated DAOs against a real
//! PostgreSQL: one outcome per form in order, unchanged rows untouched (no journal row, same
//! `updated_at`), nothing written when a batch is refused, soft deletes on `users`, hard deletes
//! with the deleting user in the journal on `orders`, and injection strings as plain data.

use charter_dao_tests::db::{orders, organizations, users};
use charter_dao_tests::{db_with_schema, TestDb};
use charter_runtime::dao::sqlx::{self, Connection, PgConnection};
use charter_runtime::dao::uuid::Uuid;
use charter_runtime::dao::{DaoError, UpsertOutcome};
use orders::{OrderForm, OrdersDao};
use organizations::{OrganizationForm, OrganizationsDao};
use users::{UserFilter, UserForm, UsersDao};

fn admin() -> Uuid {
    Uuid::from_u128(0xada)
}

fn deleter() -> Uuid {
    Uuid::from_u128(0xdead)
}

fn org_form(key: &str, name: &str) -> OrganizationForm {
    OrganizationForm {
        key: key.into(),
        name: name.into(),
    }
}

fn user_form(org: Uuid, email: &str, status: &str) -> UserForm {
    UserForm {
        organization_id: org,
        email: email.into(),
        name: None,
        status: status.into(),
        age: None,
        nickname: None,
    }
}

fn order_form(user: Uuid, number: &str) -> OrderForm {
    OrderForm {
        user_id: user,
        number: number.into(),
        total: "9.99".parse().unwrap(),
        currency: "EUR".into(),
        placed_at: charter_runtime::dao::chrono::Utc::now(),
        delivery_note: None,
        lines: Some(charter_runtime::dao::serde_json::json!(["x"])),
    }
}

async fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

async fn journal_ops(
    conn: &mut PgConnection,
    table: &str,
    pk: &str,
) -> Vec<(String, Option<String>)> {
    sqlx::query_as(&format!(
        "select journal_operation, journal_deleted_by from journal.{table} where id::text = $1 order by journal_id"
    ))
    .bind(pk)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

async fn setup() -> (TestDb, PgConnection, Uuid) {
    let (db, mut conn) = db_with_schema().await;
    let org = OrganizationsDao::insert(&mut conn, admin(), &org_form("acme", "Acme"))
        .await
        .unwrap();
    (db, conn, org)
}

fn key<K: Clone>(o: &UpsertOutcome<K>) -> K {
    match o {
        UpsertOutcome::Inserted(k) | UpsertOutcome::Updated(k) => k.clone(),
        UpsertOutcome::Unchanged => panic!("no key: unchanged"),
    }
}

#[tokio::test]
async fn upsert_batch_gives_one_outcome_per_form_in_order() {
    let (db, mut conn, _) = setup().await;
    assert!(
        OrganizationsDao::upsert_batch_by_key(&mut conn, admin(), &[])
            .await
            .unwrap()
            .is_empty()
    );
    let first = [org_form("a", "A"), org_form("b", "B"), org_form("c", "C")];
    let first_out = OrganizationsDao::upsert_batch_by_key(&mut conn, admin(), &first)
        .await
        .unwrap();
    let out = &first_out;
    assert_eq!(out.len(), 3);
    assert!(
        out.iter().all(|o| matches!(o, UpsertOutcome::Inserted(_))),
        "{out:?}"
    );
    for (form, o) in first.iter().zip(out) {
        let row = OrganizationsDao::find_by_key(&mut conn, &form.key)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.id, key(o), "outcome {} belongs to its form", form.key);
    }
    let a_before = OrganizationsDao::find_by_key(&mut conn, "a")
        .await
        .unwrap()
        .unwrap();

    // Changed, new, unchanged, unchanged — and the outcomes keep that order.
    let second = [
        org_form("b", "B renamed"),
        org_form("d", "D"),
        org_form("a", "A"),
        org_form("c", "C"),
    ];
    let out = OrganizationsDao::upsert_batch_by_key(&mut conn, deleter(), &second)
        .await
        .unwrap();
    assert_eq!(out[0], UpsertOutcome::Updated(key(&first_out[1])));
    assert!(matches!(out[1], UpsertOutcome::Inserted(_)), "{out:?}");
    assert_eq!(out[2], UpsertOutcome::Unchanged);
    assert_eq!(out[3], UpsertOutcome::Unchanged);
    let b = OrganizationsDao::find_by_key(&mut conn, "b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.name, "B renamed");
    assert_eq!(
        b.updated_by,
        deleter(),
        "the batch's user is the modifying user"
    );
    let a_after = OrganizationsDao::find_by_key(&mut conn, "a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a_after, a_before, "an unchanged row is not written at all");
    assert_eq!(
        journal_ops(&mut conn, "organizations", &a_before.id.to_string())
            .await
            .len(),
        1,
        "no journal row for an unchanged form"
    );
    assert_eq!(
        journal_ops(&mut conn, "organizations", &b.id.to_string())
            .await
            .len(),
        2
    );
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn refused_upsert_batches_write_nothing() {
    let (db, mut conn, _) = setup().await;
    let before = count(&mut conn, "select count(*) from journal.organizations").await;
    // One blank name: refused by the DAO before any SQL.
    let err = OrganizationsDao::upsert_batch_by_key(
        &mut conn,
        admin(),
        &[org_form("x", "X"), org_form("y", "  ")],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, DaoError::EmptyString { column: "name" }),
        "{err}"
    );
    // The same key twice: the database refuses the one statement, so nothing is written.
    let err = OrganizationsDao::upsert_batch_by_key(
        &mut conn,
        admin(),
        &[org_form("x", "X"), org_form("x", "X2")],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DaoError::Database(_)), "{err}");
    assert_eq!(
        count(&mut conn, "select count(*) from journal.organizations").await,
        before
    );
    assert!(OrganizationsDao::find_by_key(&mut conn, "x")
        .await
        .unwrap()
        .is_none());
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn upsert_batch_of_10000_rows_then_all_unchanged() {
    let (db, mut conn, org) = setup().await;
    let user = UsersDao::insert(
        &mut conn,
        admin(),
        &user_form(org, "ada@example.com", "active"),
    )
    .await
    .unwrap();
    let forms: Vec<OrderForm> = (0..10_000)
        .map(|i| order_form(user, &format!("N-{i:05}")))
        .collect();
    let out = OrdersDao::upsert_batch_by_number(&mut conn, admin(), &forms)
        .await
        .unwrap();
    assert_eq!(out.len(), 10_000);
    let keys: std::collections::HashSet<String> = out.iter().map(key).collect();
    assert_eq!(keys.len(), 10_000, "a distinct prefixed key per row");
    assert!(keys.iter().all(|k| k.starts_with("ord-")));
    let journal = count(&mut conn, "select count(*) from journal.orders").await;
    assert_eq!(journal, 10_000);
    let again = OrdersDao::upsert_batch_by_number(&mut conn, admin(), &forms)
        .await
        .unwrap();
    assert!(again.iter().all(|o| *o == UpsertOutcome::Unchanged));
    assert_eq!(
        count(&mut conn, "select count(*) from journal.orders").await,
        journal,
        "no journal row for 10,000 unchanged forms"
    );
    // The 5,000th changes: exactly that outcome is Updated, with its key.
    let mut changed = forms.clone();
    changed[4999].total = "1.00".parse().unwrap();
    let out2 = OrdersDao::upsert_batch_by_number(&mut conn, admin(), &changed)
        .await
        .unwrap();
    assert_eq!(out2[4999], UpsertOutcome::Updated(key(&out[4999])));
    assert_eq!(
        out2.iter()
            .filter(|o| **o != UpsertOutcome::Unchanged)
            .count(),
        1
    );
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn delete_all_by_index_soft_deletes_users() {
    let (db, mut conn, org) = setup().await;
    let other = OrganizationsDao::insert(&mut conn, admin(), &org_form("globex", "Globex"))
        .await
        .unwrap();
    let ids = UsersDao::insert_batch(
        &mut conn,
        admin(),
        &[
            user_form(org, "a@example.com", "active"),
            user_form(org, "b@example.com", "active"),
            user_form(org, "c@example.com", "suspended"),
            user_form(other, "d@example.com", "active"),
        ],
    )
    .await
    .unwrap();
    // Injection in the value is data: no row has that status.
    assert_eq!(
        UsersDao::delete_all_by_status(&mut conn, deleter(), "active' or '1'='1")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        UsersDao::delete_all_by_status(&mut conn, deleter(), "suspended")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        UsersDao::delete_all_by_organization_id(&mut conn, deleter(), org)
            .await
            .unwrap(),
        2,
        "the already deleted user is not deleted again"
    );
    assert_eq!(
        UsersDao::delete_all_by_organization_id(&mut conn, deleter(), org)
            .await
            .unwrap(),
        0
    );
    assert!(UsersDao::find_all_by_organization_id(&mut conn, org, 10)
        .await
        .unwrap()
        .is_empty());
    let live_other = UsersDao::find_all_by_organization_id(&mut conn, other, 10)
        .await
        .unwrap();
    assert_eq!(live_other.len(), 1, "other organizations untouched");
    let kept = UsersDao::find_all(
        &mut conn,
        &UserFilter {
            organization_id: Some(org),
            include_deleted: true,
            ..Default::default()
        },
        10,
        0,
        None,
    )
    .await
    .unwrap();
    assert_eq!(kept.len(), 3, "soft delete keeps the rows");
    assert!(kept
        .iter()
        .all(|r| r.deleted_by == Some(deleter()) && r.deleted_at.is_some()));
    for id in &ids[..3] {
        let ops: Vec<String> = journal_ops(&mut conn, "users", &id.to_string())
            .await
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(ops, ["INSERT", "UPDATE"], "one journal row per deleted row");
    }
    // The unique (partial) index on email: at most one row.
    assert_eq!(
        UsersDao::delete_all_by_email(&mut conn, deleter(), "d@example.com")
            .await
            .unwrap(),
        1
    );
    assert!(UsersDao::find_by_id(&mut conn, ids[3])
        .await
        .unwrap()
        .is_none());
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn delete_all_by_index_hard_deletes_orders_with_the_deleting_user_in_the_journal() {
    let (db, mut conn, org) = setup().await;
    let ids = UsersDao::insert_batch(
        &mut conn,
        admin(),
        &[
            user_form(org, "a@example.com", "active"),
            user_form(org, "b@example.com", "active"),
        ],
    )
    .await
    .unwrap();
    let (x, y) = (ids[0], ids[1]);
    let xs = OrdersDao::insert_batch(
        &mut conn,
        admin(),
        &[
            order_form(x, "N-1"),
            order_form(x, "N-2"),
            order_form(x, "N-3"),
        ],
    )
    .await
    .unwrap();
    let ys = OrdersDao::insert_batch(
        &mut conn,
        admin(),
        // Distinct instants: two `Utc::now()` calls can fall in the same
        // microsecond, and the two-column delete below must match one row.
        &[
            order_form(y, "N-4"),
            OrderForm {
                placed_at: order_form(y, "N-5").placed_at
                    - charter_runtime::dao::chrono::Duration::seconds(1),
                ..order_form(y, "N-5")
            },
        ],
    )
    .await
    .unwrap();

    // Inside a rolled-back transaction: nothing happened.
    let mut tx = conn.begin().await.unwrap();
    assert_eq!(
        OrdersDao::delete_all_by_user_id(&mut tx, deleter(), x)
            .await
            .unwrap(),
        3
    );
    tx.rollback().await.unwrap();
    assert_eq!(
        OrdersDao::find_all_by_user_id(&mut conn, x, 10)
            .await
            .unwrap()
            .len(),
        3
    );

    assert_eq!(
        OrdersDao::delete_all_by_user_id(&mut conn, deleter(), x)
            .await
            .unwrap(),
        3
    );
    let left: i64 = sqlx::query_scalar("select count(*) from orders where user_id = $1")
        .bind(x)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0, "hard delete removes the rows");
    for id in &xs {
        assert_eq!(
            journal_ops(&mut conn, "orders", id).await,
            [
                ("INSERT".to_owned(), None),
                ("DELETE".to_owned(), Some(deleter().to_string()))
            ]
        );
    }
    // A two-column index, and a unique one.
    let y1 = OrdersDao::find_by_id(&mut conn, &ys[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        OrdersDao::delete_all_by_user_id_and_placed_at(&mut conn, deleter(), y, y1.placed_at)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        OrdersDao::delete_all_by_number(&mut conn, deleter(), "N-5' or 'x'='x")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        OrdersDao::delete_all_by_number(&mut conn, deleter(), "N-5")
            .await
            .unwrap(),
        1
    );
    assert_eq!(count(&mut conn, "select count(*) from orders").await, 0);
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn statement_level_journal_triggers_record_every_row_and_keep_the_pkey_fixed() {
    let (db, mut conn, org) = setup().await;
    let forms: Vec<OrganizationForm> = (0..50)
        .map(|i| org_form(&format!("k{i}"), "Same"))
        .collect();
    OrganizationsDao::insert_batch(&mut conn, admin(), &forms)
        .await
        .unwrap();
    // One statement updating 51 rows: 51 journal rows, each with its row's values.
    sqlx::query("update organizations set name = 'Renamed' || key")
        .execute(&mut conn)
        .await
        .unwrap();
    let renamed: Vec<(String, String)> = sqlx::query_as(
        "select key, name from journal.organizations where journal_operation = 'UPDATE' order by key",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(renamed.len(), 51);
    assert!(renamed.iter().all(|(k, n)| *n == format!("Renamed{k}")));
    // A statement that matches nothing writes no journal row (and needs no deleting user).
    sqlx::query("delete from organizations where false")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        count(
            &mut conn,
            "select count(*) from journal.organizations where journal_operation = 'DELETE'"
        )
        .await,
        0
    );
    // The primary key cannot change.
    let err = sqlx::query("update organizations set id = gen_random_uuid() where id = $1")
        .bind(org)
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot be updated"), "{err}");
    drop(conn);
    db.drop_db().await;
}
