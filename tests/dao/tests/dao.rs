//! The generated DAOs of specs/db.json against a real PostgreSQL: every finder and write, the
//! hash_code no-op, soft and hard delete, upsert, batch, keyset iteration, transactions, string
//! checks in the DAO and in the database, journal rows, personal-data erasure and SQL injection.

use charter_dao_tests::db::{orders, organizations, users};
use charter_dao_tests::{db_with_schema, TestDb};
use charter_runtime::dao::sqlx::{self, Connection, PgConnection};
use charter_runtime::dao::uuid::Uuid;
use charter_runtime::dao::{DaoError, UpdateOutcome, UpsertOutcome};
use organizations::{OrganizationFilter, OrganizationForm, OrganizationsDao};
use users::{UserFilter, UserForm, UsersDao};

fn admin() -> Uuid {
    Uuid::from_u128(0xada)
}

fn org_form(key: &str) -> OrganizationForm {
    OrganizationForm {
        key: key.into(),
        name: format!("Org {key}"),
    }
}

fn user_form(org: Uuid, email: &str) -> UserForm {
    UserForm {
        organization_id: org,
        email: email.into(),
        name: Some("Ada Lovelace".into()),
        status: "active".into(),
        age: Some(36),
        nickname: None,
    }
}

fn order_form(user: Uuid, number: &str) -> orders::OrderForm {
    orders::OrderForm {
        user_id: user,
        number: number.into(),
        total: "12.50".parse().unwrap(),
        currency: "EUR".into(),
        placed_at: charter_runtime::dao::chrono::Utc::now(),
        delivery_note: Some("Leave at the door".into()),
        lines: Some(serde_json_value(r#"["a","b"]"#)),
    }
}

fn serde_json_value(s: &str) -> charter_runtime::dao::serde_json::Value {
    charter_runtime::dao::serde_json::from_str(s).unwrap()
}

async fn journal(conn: &mut PgConnection, table: &str, pk: &str) -> Vec<(String, Option<String>)> {
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
    let org = OrganizationsDao::insert(&mut conn, admin(), &org_form("acme"))
        .await
        .unwrap();
    (db, conn, org)
}

#[tokio::test]
async fn finders_and_writes() {
    let (db, mut conn, org) = setup().await;
    let id = UsersDao::insert(&mut conn, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    let row = UsersDao::find_by_id(&mut conn, id)
        .await
        .unwrap()
        .expect("found by pkey");
    assert_eq!(row.email, "ada@example.com");
    assert_eq!(row.created_by, admin());
    assert_eq!(row.form(), user_form(org, "ada@example.com"));
    assert_eq!(
        UsersDao::find_by_email(&mut conn, "ada@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(UsersDao::find_by_email(&mut conn, "nobody@example.com")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        UsersDao::find_all_by_organization_id(&mut conn, org, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        UsersDao::find_all_by_status(&mut conn, "active", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let f = UserFilter {
        organization_id: Some(org),
        ..Default::default()
    };
    assert_eq!(
        UsersDao::find_all(&mut conn, &f, 10, 0, Some("-created_at,email"))
            .await
            .unwrap()
            .len(),
        1
    );
    let f = UserFilter {
        id_in: Some(vec![id, Uuid::nil()]),
        ..Default::default()
    };
    assert_eq!(
        UsersDao::find_all(&mut conn, &f, 10, 0, None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        UsersDao::find_all(&mut conn, &UserFilter::default(), 0, 0, None).await,
        Err(DaoError::InvalidLimit { .. })
    ));
    // Update changes the row and bumps updated_at.
    let mut form = row.form();
    form.nickname = Some("ada".into());
    let other = Uuid::from_u128(7);
    assert_eq!(
        UsersDao::update_by_id(&mut conn, other, id, &form)
            .await
            .unwrap(),
        UpdateOutcome::Updated
    );
    let after = UsersDao::find_by_id(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(after.nickname.as_deref(), Some("ada"));
    assert_eq!(after.updated_by, other);
    assert_eq!(after.created_by, admin());
    assert!(after.updated_at >= row.updated_at);
    assert_eq!(
        UsersDao::update_by_id(&mut conn, other, Uuid::nil(), &form)
            .await
            .unwrap(),
        UpdateOutcome::NotFound
    );
    // Orders: prefixed ids, a unique finder, a two-column finder, a non-unique finder.
    let oid = orders::OrdersDao::insert(&mut conn, admin(), &order_form(id, "N-1"))
        .await
        .unwrap();
    assert!(oid.starts_with("ord-") && oid.len() == 36, "{oid}");
    let o = orders::OrdersDao::find_by_id(&mut conn, &oid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.total, "12.50".parse().unwrap());
    assert_eq!(o.lines, Some(serde_json_value(r#"["a","b"]"#)));
    assert_eq!(
        orders::OrdersDao::find_by_number(&mut conn, "N-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        oid
    );
    assert_eq!(
        orders::OrdersDao::find_all_by_user_id(&mut conn, id, 5)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        orders::OrdersDao::find_all_by_user_id_and_placed_at(&mut conn, id, o.placed_at, 5)
            .await
            .unwrap()
            .len(),
        1
    );
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn unchanged_update_is_a_no_op() {
    let (db, mut conn, org) = setup().await;
    let id = UsersDao::insert(&mut conn, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    let before = UsersDao::find_by_id(&mut conn, id).await.unwrap().unwrap();
    let journal_before = journal(&mut conn, "users", &id.to_string()).await;
    let outcome = UsersDao::update_by_id(&mut conn, Uuid::from_u128(9), id, &before.form())
        .await
        .unwrap();
    assert_eq!(outcome, UpdateOutcome::Unchanged);
    let after = UsersDao::find_by_id(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(after.updated_at, before.updated_at, "no updated_at bump");
    assert_eq!(after.updated_by, before.updated_by);
    assert_eq!(
        journal(&mut conn, "users", &id.to_string()).await,
        journal_before,
        "no journal row"
    );
    // Upsert: inserted, unchanged, updated.
    let f = org_form("globex");
    let UpsertOutcome::Inserted(gid) = OrganizationsDao::upsert_by_key(&mut conn, admin(), &f)
        .await
        .unwrap()
    else {
        panic!("first upsert inserts")
    };
    let j = journal(&mut conn, "organizations", &gid.to_string())
        .await
        .len();
    assert_eq!(
        OrganizationsDao::upsert_by_key(&mut conn, admin(), &f)
            .await
            .unwrap(),
        UpsertOutcome::Unchanged
    );
    assert_eq!(
        journal(&mut conn, "organizations", &gid.to_string())
            .await
            .len(),
        j
    );
    let changed = OrganizationForm {
        name: "Globex Corp".into(),
        ..f
    };
    assert_eq!(
        OrganizationsDao::upsert_by_key(&mut conn, admin(), &changed)
            .await
            .unwrap(),
        UpsertOutcome::Updated(gid)
    );
    assert_eq!(
        OrganizationsDao::find_by_key(&mut conn, "globex")
            .await
            .unwrap()
            .unwrap()
            .name,
        "Globex Corp"
    );
    // Orders upsert by number (hard-delete table).
    let o = order_form(id, "N-9");
    assert!(matches!(
        orders::OrdersDao::upsert_by_number(&mut conn, admin(), &o)
            .await
            .unwrap(),
        UpsertOutcome::Inserted(_)
    ));
    assert_eq!(
        orders::OrdersDao::upsert_by_number(&mut conn, admin(), &o)
            .await
            .unwrap(),
        UpsertOutcome::Unchanged
    );
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn soft_and_hard_delete_with_journal() {
    let (db, mut conn, org) = setup().await;
    let id = UsersDao::insert(&mut conn, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    let deleter = Uuid::from_u128(0xdead);
    assert!(UsersDao::delete_by_id(&mut conn, deleter, id)
        .await
        .unwrap());
    assert!(
        !UsersDao::delete_by_id(&mut conn, deleter, id)
            .await
            .unwrap(),
        "already deleted"
    );
    assert!(
        UsersDao::find_by_id(&mut conn, id).await.unwrap().is_none(),
        "finders skip deleted rows"
    );
    let all = UserFilter {
        id: Some(id),
        include_deleted: true,
        ..Default::default()
    };
    let kept = UsersDao::find_all(&mut conn, &all, 10, 0, None)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1, "soft delete keeps the row");
    assert_eq!(kept[0].deleted_by, Some(deleter));
    assert!(kept[0].deleted_at.is_some());
    // The email is free again (unique where deleted_at is null).
    UsersDao::insert(&mut conn, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    let ops: Vec<String> = journal(&mut conn, "users", &id.to_string())
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(ops, ["INSERT", "UPDATE"]);

    let oid = orders::OrdersDao::insert(&mut conn, admin(), &order_form(id, "N-1"))
        .await
        .unwrap();
    assert!(orders::OrdersDao::delete_by_id(&mut conn, deleter, &oid)
        .await
        .unwrap());
    assert!(orders::OrdersDao::find_by_id(&mut conn, &oid)
        .await
        .unwrap()
        .is_none());
    let n: i64 = sqlx::query_scalar("select count(*) from orders where id = $1")
        .bind(&oid)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0, "hard delete removes the row");
    assert_eq!(
        journal(&mut conn, "orders", &oid).await,
        [
            ("INSERT".to_owned(), None),
            ("DELETE".to_owned(), Some(deleter.to_string()))
        ],
        "the journal records who deleted"
    );
    // The database refuses a delete that does not say who deletes.
    let oid = orders::OrdersDao::insert(&mut conn, admin(), &order_form(id, "N-2"))
        .await
        .unwrap();
    assert!(sqlx::query("delete from orders where id = $1")
        .bind(&oid)
        .execute(&mut conn)
        .await
        .is_err());
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn batch_insert_and_keyset_iteration_over_10000_rows() {
    let (db, mut conn, _) = setup().await;
    let forms: Vec<OrganizationForm> = (0..10_000)
        .map(|i| org_form(&format!("org-{i:05}")))
        .collect();
    let ids = OrganizationsDao::insert_batch(&mut conn, admin(), &forms)
        .await
        .unwrap();
    assert_eq!(ids.len(), 10_000);
    let n: i64 = sqlx::query_scalar("select count(*) from journal.organizations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 10_001, "one journal row per batch row");
    let mut pager = OrganizationsDao::iterate_all(OrganizationFilter::default(), 777);
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    while let Some(page) = pager.next_page(&mut conn).await.unwrap() {
        pages += 1;
        for r in page {
            assert!(seen.insert(r.id), "row repeated");
        }
    }
    assert_eq!(seen.len(), 10_001, "no row missed");
    assert_eq!(pages, 13);
    for id in &ids {
        assert!(seen.contains(id));
    }
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn rolled_back_transaction_leaves_nothing() {
    let (db, mut conn, org) = setup().await;
    let mut tx = conn.begin().await.unwrap();
    let id = UsersDao::insert(&mut tx, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    assert!(
        UsersDao::find_by_id(&mut tx, id).await.unwrap().is_some(),
        "visible inside"
    );
    OrganizationsDao::insert_batch(&mut tx, admin(), &[org_form("a"), org_form("b")])
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(UsersDao::find_by_id(&mut conn, id).await.unwrap().is_none());
    assert!(journal(&mut conn, "users", &id.to_string())
        .await
        .is_empty());
    assert!(OrganizationsDao::find_by_key(&mut conn, "a")
        .await
        .unwrap()
        .is_none());
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn empty_and_untrimmed_strings_are_rejected_by_the_dao_and_the_database() {
    let (db, mut conn, org) = setup().await;
    for (bad, untrimmed) in [
        ("", false),
        ("   ", false),
        ("\t", false),
        (" ada@example.com", true),
        ("ada@example.com\n", true),
    ] {
        let err = UsersDao::insert(&mut conn, admin(), &user_form(org, bad))
            .await
            .unwrap_err();
        match err {
            DaoError::EmptyString { column } if !untrimmed => assert_eq!(column, "email"),
            DaoError::UntrimmedString { column } if untrimmed => assert_eq!(column, "email"),
            e => panic!("{bad:?}: {e}"),
        }
        let mut f = user_form(org, "ok@example.com");
        f.name = Some(bad.into());
        assert!(
            UsersDao::insert(&mut conn, admin(), &f).await.is_err(),
            "optional text too"
        );
        // The database refuses it as well (a check constraint, 23514).
        let e = sqlx::query("insert into users (id, organization_id, email, status, created_by, updated_by, hash_code) values ($1, $2, $3, 'active', $4, $4, 0)")
            .bind(Uuid::new_v4())
            .bind(org)
            .bind(bad)
            .bind(admin())
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some("23514"),
            "{bad:?}"
        );
    }
    let n: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
    drop(conn);
    db.drop_db().await;
}

#[tokio::test]
async fn erasure_blanks_row_and_journal_and_is_recorded() {
    let (db, mut conn, org) = setup().await;
    let id = UsersDao::insert(&mut conn, admin(), &user_form(org, "ada@example.com"))
        .await
        .unwrap();
    let mut f = user_form(org, "ada.l@example.com");
    f.age = Some(37);
    UsersDao::update_by_id(&mut conn, admin(), id, &f)
        .await
        .unwrap();
    let officer = Uuid::from_u128(0x0ff1ce);
    assert!(UsersDao::erase_personal_data_by_id(&mut conn, officer, id)
        .await
        .unwrap());
    let row = UsersDao::find_by_id(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(row.email, "[erased]");
    assert_eq!(row.name, None);
    assert_eq!(row.age, Some(37), "other columns stay");
    let leaked: i64 = sqlx::query_scalar(
        "select count(*) from journal.users where id = $1 and (email <> '[erased]' or name is not null)",
    )
    .bind(id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(leaked, 0, "no personal data left in the journal");
    let total: i64 = sqlx::query_scalar("select count(*) from journal.users where id = $1")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(total >= 3, "history rows stay, blanked");
    let rec: (String, String, String, Vec<String>) =
        sqlx::query_as("select erased_by, table_name, pkey, columns from journal.erasures")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        rec,
        (
            officer.to_string(),
            "users".into(),
            id.to_string(),
            vec!["email".into(), "name".into()]
        )
    );
    assert!(
        !UsersDao::erase_personal_data_by_id(&mut conn, officer, Uuid::nil())
            .await
            .unwrap()
    );
    drop(conn);
    db.drop_db().await;
}

const INJECTIONS: &[&str] = &[
    "x'); drop table users; --",
    "' or '1'='1",
    "\"; drop table organizations; --",
    "$1; select pg_sleep(5)",
    "Robert'); DELETE FROM users WHERE ('1'='1",
    "x\\'; truncate journal.users; --",
];

#[tokio::test]
async fn sql_injection_strings_are_data() {
    let (db, mut conn, org) = setup().await;
    for (i, s) in INJECTIONS.iter().enumerate() {
        let email = format!("{s}{i}");
        let mut f = user_form(org, &email);
        f.name = Some(s.to_string());
        f.status = s.to_string();
        f.nickname = Some(s.to_string());
        let id = UsersDao::insert(&mut conn, admin(), &f).await.unwrap();
        let row = UsersDao::find_by_email(&mut conn, &email)
            .await
            .unwrap()
            .expect("round trip");
        assert_eq!(
            (row.id, row.name.as_deref(), row.status.as_str()),
            (id, Some(*s), *s)
        );
        assert_eq!(
            UsersDao::find_all_by_status(&mut conn, s, 100)
                .await
                .unwrap()
                .len(),
            1
        );
        let filter = UserFilter {
            email_in: Some(vec![email.clone(), s.to_string()]),
            status: Some(s.to_string()),
            ..Default::default()
        };
        assert_eq!(
            UsersDao::find_all(&mut conn, &filter, 10, 0, None)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            UsersDao::find_all(&mut conn, &UserFilter::default(), 10, 0, Some(s)).await,
            Err(DaoError::InvalidOrderBy { .. })
        ));
        assert!(OrganizationsDao::find_by_key(&mut conn, s)
            .await
            .unwrap()
            .is_none());
        let okey = format!("{s}-org");
        let oid = OrganizationsDao::insert(&mut conn, admin(), &org_form(&okey))
            .await
            .unwrap();
        assert_eq!(
            OrganizationsDao::find_by_key(&mut conn, &okey)
                .await
                .unwrap()
                .unwrap()
                .id,
            oid
        );
        let num = format!("{s}#{i}");
        let order = orders::OrdersDao::insert(&mut conn, admin(), &order_form(id, &num))
            .await
            .unwrap();
        assert_eq!(
            orders::OrdersDao::find_by_number(&mut conn, &num)
                .await
                .unwrap()
                .unwrap()
                .id,
            order
        );
        assert!(orders::OrdersDao::find_by_id(&mut conn, s)
            .await
            .unwrap()
            .is_none());
        assert!(!orders::OrdersDao::delete_by_id(&mut conn, admin(), s)
            .await
            .unwrap());
    }
    let n: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, INJECTIONS.len() as i64, "nothing dropped or deleted");
    let j: i64 = sqlx::query_scalar("select count(*) from journal.users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(j, INJECTIONS.len() as i64);
    drop(conn);
    db.drop_db().await;
}
