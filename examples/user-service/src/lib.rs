//! The example api repo's `user` service (`specs/user.json`), served by the server Charter
//! generates from the spec, over an in-memory store or over PostgreSQL through the DAO Charter
//! generates from the service's table metadata (`db/user-db.json`).
//!
//! The first derive below generates `io_charter_user_v0` (models, client, server) and the
//! `io_charter_common_v0` service it imports; the second generates `io_charter_user_db_v0::dao`,
//! the typed sqlx DAO of the `users` table. [`Users`] implements the generated `server::Users`
//! trait on either store, and [`server`] wraps it in the generated, hardened builder (limits,
//! timeouts, request ids, health check, graceful shutdown) with the settings of [`Settings`].
//! `cargo run -p user-service -- --addr 127.0.0.1:8080` serves it in memory;
//! `--database-url postgres://…/db` on PostgreSQL (the schema, `migrations/user_db/`, is applied
//! when the table is missing).

use charter_runtime::dao::serde_json::{self, Value};
use charter_runtime::dao::sqlx::{self, Connection as _};
use charter_runtime::dao::{DaoError, PgPool, UpdateOutcome};
use charter_runtime::serve::Server;
use io_charter_common_v0::models::GenericError;
use io_charter_user_db_v0::dao::users::{self as table, UserFilter, UsersDao};
use io_charter_user_v0::models::{User, UserForm, UserStatus};
use io_charter_user_v0::server::{
    UsersDeleteByIdRequest, UsersDeleteByIdResponse, UsersGetByIdRequest, UsersGetByIdResponse,
    UsersGetRequest, UsersGetResponse, UsersPostRequest, UsersPostResponse, UsersPutByIdRequest,
    UsersPutByIdResponse,
};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// `user` and the `common` service it imports, generated from the specs at compile time.
#[derive(charter_macros::Api)]
#[charter(spec = "../../specs/user.json", client, server)]
pub struct UserApi;

/// The `users` table: row, form, finders on its indexed columns, writes with audit and journal.
#[derive(charter_macros::Api)]
#[charter(spec = "db/user-db.json", dao)]
pub struct UserDb;

/// The first migration of the `users` table, as `charter generate postgres db --out migrations`
/// writes it (`tests/dao` checks it is current).
pub const SCHEMA: &str = include_str!("../migrations/user_db/0001_schema.sql");

/// The modifying user the DAO records in `created_by` / `updated_by` and the journal (the example
/// has no authentication, so every write is the service's own).
const WRITER: &str = "user-service";

#[derive(Default)]
struct Store {
    /// Creation sequence → user (newest last).
    users: BTreeMap<u64, User>,
    next: u64,
}

/// Where the users live.
#[derive(Clone)]
enum Backend {
    Memory(Arc<RwLock<Store>>),
    Postgres(PgPool),
}

/// The implementation of the generated `Users` trait, in memory (the default) or on PostgreSQL.
/// Clones share one store.
#[derive(Clone)]
pub struct Users {
    backend: Backend,
}

impl Default for Users {
    fn default() -> Self {
        Users::in_memory()
    }
}

fn invalid(code: &str, message: &str) -> GenericError {
    GenericError {
        code: code.to_owned(),
        messages: vec![message.to_owned()],
    }
}

/// The one rule the spec cannot say: an email has an `@` (422 with the documented body).
fn check(form: &UserForm) -> Result<(), GenericError> {
    if form.email.contains('@') {
        Ok(())
    } else {
        Err(invalid("invalid_email", "email must contain @"))
    }
}

/// The user ids are `usr-` and the creation sequence in hexadecimal.
fn sequence(id: &str) -> Option<u64> {
    u64::from_str_radix(id.strip_prefix("usr-")?, 16).ok()
}

fn user(id: u64, form: UserForm, status: Option<UserStatus>) -> User {
    User {
        id: format!("usr-{id:08x}"),
        email: form.email,
        name: form.name,
        status: form.status.or(status).unwrap_or(UserStatus::Active),
        address: form.address,
    }
}

/// A failure of the database (not of the request): logged without values and answered 500 by the
/// generated server's panic guard (the spec's responses have no 5xx to return).
fn unavailable(e: DaoError) -> ! {
    tracing::error!(error = %e, "users table unavailable");
    panic!("users table unavailable");
}

/// A DAO refusal of the form's strings (empty, blank, untrimmed) as the documented 422.
fn refused(e: DaoError) -> GenericError {
    match e {
        DaoError::EmptyString { column } | DaoError::UntrimmedString { column } => invalid(
            "invalid_value",
            &format!("{column} must not be empty or start or end with whitespace"),
        ),
        e => unavailable(e),
    }
}

fn status_text(s: &UserStatus) -> String {
    match serde_json::to_value(s) {
        Ok(Value::String(s)) => s,
        _ => "active".to_owned(),
    }
}

/// The API's form as the table's form (`name` and `address` stored as JSON).
fn to_row(form: UserForm, status: String) -> table::UserForm {
    table::UserForm {
        email: form.email,
        name: serde_json::to_value(&form.name).ok(),
        status,
        address: form.address.and_then(|a| serde_json::to_value(a).ok()),
    }
}

/// A row as the API's user (an erased `name` reads as a name with no parts).
fn to_api(row: table::User) -> User {
    let empty = || Value::Object(Default::default());
    User {
        id: row.id,
        email: row.email,
        name: serde_json::from_value(row.name.unwrap_or_else(empty))
            .or_else(|_| serde_json::from_value(empty()))
            .expect("every part of a name is optional"),
        status: serde_json::from_value(Value::String(row.status)).unwrap_or(UserStatus::Active),
        address: row.address.and_then(|a| serde_json::from_value(a).ok()),
    }
}

impl Users {
    /// Users in memory (lost when the process stops).
    pub fn in_memory() -> Users {
        Users {
            backend: Backend::Memory(Arc::default()),
        }
    }

    /// Users in the PostgreSQL database at `url`; creates the `users` table (with its journal)
    /// when it is missing, under an advisory lock so concurrent starts do not race.
    pub async fn postgres(url: &str) -> Result<Users, DaoError> {
        let pool = charter_runtime::dao::sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin().await?;
        sqlx::query("select pg_advisory_xact_lock(hashtext('user-service schema'))")
            .execute(&mut *tx)
            .await?;
        let exists: Option<String> = sqlx::query_scalar("select to_regclass($1)::text")
            .bind(table::UsersTable::QUALIFIED)
            .fetch_one(&mut *tx)
            .await?;
        if exists.is_none() {
            sqlx::raw_sql(SCHEMA).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        drop(conn);
        Ok(Users {
            backend: Backend::Postgres(pool),
        })
    }

    /// Healthy while the store is usable: the in-memory lock is not poisoned (a handler that
    /// panicked holding it), the database answers within a second.
    pub async fn healthy(&self) -> bool {
        match &self.backend {
            Backend::Memory(store) => !store.is_poisoned(),
            Backend::Postgres(pool) => tokio::time::timeout(
                Duration::from_secs(1),
                sqlx::query("select 1").execute(pool),
            )
            .await
            .is_ok_and(|r| r.is_ok()),
        }
    }

    fn memory(&self) -> Option<&Arc<RwLock<Store>>> {
        match &self.backend {
            Backend::Memory(s) => Some(s),
            Backend::Postgres(_) => None,
        }
    }

    async fn conn(&self) -> Option<sqlx::pool::PoolConnection<sqlx::Postgres>> {
        match &self.backend {
            Backend::Memory(_) => None,
            Backend::Postgres(pool) => Some(
                pool.acquire()
                    .await
                    .unwrap_or_else(|e| unavailable(e.into())),
            ),
        }
    }
}

impl io_charter_user_v0::server::Users for Users {
    async fn get(
        &self,
        request: UsersGetRequest,
        _context: charter_runtime::server::Context,
    ) -> UsersGetResponse {
        let UsersGetRequest {
            email,
            status,
            limit,
            offset,
            ..
        } = request;
        let Some(mut conn) = self.conn().await else {
            let store = self.memory().expect("in memory");
            let store = store.read().unwrap_or_else(|e| e.into_inner());
            let found = store
                .users
                .values()
                .rev()
                .filter(|u| email.as_ref().is_none_or(|e| &u.email == e))
                .filter(|u| status.as_ref().is_none_or(|s| &u.status == s))
                .skip(offset.max(0) as usize)
                .take(limit.max(0) as usize)
                .cloned()
                .collect();
            return UsersGetResponse::Status200(found);
        };
        // `email` and `status` are indexed, so the table's filter has them.
        let filter = UserFilter {
            email,
            status: status.as_ref().map(status_text),
            ..Default::default()
        };
        let rows = UsersDao::find_all(&mut conn, &filter, limit, offset, Some("-created_at,-id"))
            .await
            .unwrap_or_else(|e| unavailable(e));
        UsersGetResponse::Status200(rows.into_iter().map(to_api).collect())
    }

    async fn get_by_id(
        &self,
        request: UsersGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> UsersGetByIdResponse {
        let UsersGetByIdRequest { id, .. } = request;
        let Some(mut conn) = self.conn().await else {
            let store = self.memory().expect("in memory");
            let store = store.read().unwrap_or_else(|e| e.into_inner());
            return match sequence(&id).and_then(|n| store.users.get(&n)) {
                Some(u) => UsersGetByIdResponse::Status200(u.clone()),
                None => UsersGetByIdResponse::Status404,
            };
        };
        match UsersDao::find_by_id(&mut conn, &id).await {
            Ok(Some(row)) => UsersGetByIdResponse::Status200(to_api(row)),
            Ok(None) => UsersGetByIdResponse::Status404,
            Err(e) => unavailable(e),
        }
    }

    async fn post(
        &self,
        request: UsersPostRequest,
        _context: charter_runtime::server::Context,
    ) -> UsersPostResponse {
        let UsersPostRequest { body, .. } = request;
        if let Err(e) = check(&body) {
            return UsersPostResponse::Status422(e);
        }
        let Some(mut conn) = self.conn().await else {
            let store = self.memory().expect("in memory");
            let mut store = store.write().unwrap_or_else(|e| e.into_inner());
            store.next += 1;
            let n = store.next;
            let u = user(n, body, None);
            store.users.insert(n, u.clone());
            return UsersPostResponse::Status201(u);
        };
        let status = body
            .status
            .as_ref()
            .map_or_else(|| "active".to_owned(), status_text);
        let form = to_row(body, status);
        let id = match UsersDao::insert(&mut conn, WRITER, &form).await {
            Ok(id) => id,
            Err(e) => return UsersPostResponse::Status422(refused(e)),
        };
        match UsersDao::find_by_id(&mut conn, &id).await {
            Ok(Some(row)) => UsersPostResponse::Status201(to_api(row)),
            Ok(None) => unavailable(DaoError::Database(sqlx::Error::RowNotFound)),
            Err(e) => unavailable(e),
        }
    }

    async fn put_by_id(
        &self,
        request: UsersPutByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> UsersPutByIdResponse {
        let UsersPutByIdRequest { id, body, .. } = request;
        if let Err(e) = check(&body) {
            return UsersPutByIdResponse::Status422(e);
        }
        let Some(mut conn) = self.conn().await else {
            let store = self.memory().expect("in memory");
            let mut store = store.write().unwrap_or_else(|e| e.into_inner());
            let Some(old) = sequence(&id).and_then(|n| store.users.get_mut(&n)) else {
                return UsersPutByIdResponse::Status404;
            };
            let n = sequence(&old.id).unwrap_or_default();
            *old = user(n, body, Some(old.status.clone()));
            return UsersPutByIdResponse::Status200(old.clone());
        };
        // Read, then write, in one transaction: a missing `status` keeps the stored one.
        let mut tx = conn.begin().await.unwrap_or_else(|e| unavailable(e.into()));
        let old = match UsersDao::find_by_id(&mut tx, &id).await {
            Ok(Some(old)) => old,
            Ok(None) => return UsersPutByIdResponse::Status404,
            Err(e) => unavailable(e),
        };
        let status = body.status.as_ref().map_or(old.status.clone(), status_text);
        let form = to_row(body, status);
        match UsersDao::update_by_id(&mut tx, WRITER, &id, &form).await {
            // Unchanged: the row already holds this form; nothing written, no journal row.
            Ok(UpdateOutcome::Updated | UpdateOutcome::Unchanged) => {}
            Ok(UpdateOutcome::NotFound) => return UsersPutByIdResponse::Status404,
            Err(e) => return UsersPutByIdResponse::Status422(refused(e)),
        }
        let row = UsersDao::find_by_id(&mut tx, &id)
            .await
            .unwrap_or_else(|e| unavailable(e))
            .unwrap_or_else(|| unavailable(DaoError::Database(sqlx::Error::RowNotFound)));
        tx.commit().await.unwrap_or_else(|e| unavailable(e.into()));
        UsersPutByIdResponse::Status200(to_api(row))
    }

    async fn delete_by_id(
        &self,
        request: UsersDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> UsersDeleteByIdResponse {
        let UsersDeleteByIdRequest { id, .. } = request;
        let Some(mut conn) = self.conn().await else {
            let store = self.memory().expect("in memory");
            let mut store = store.write().unwrap_or_else(|e| e.into_inner());
            return match sequence(&id).and_then(|n| store.users.remove(&n)) {
                Some(_) => UsersDeleteByIdResponse::Status204,
                None => UsersDeleteByIdResponse::Status404,
            };
        };
        // "Deletes a user and erases their personal data": erased in the row and its journal
        // history first (recorded in journal.erasures), then deleted, in one transaction.
        let mut tx = conn.begin().await.unwrap_or_else(|e| unavailable(e.into()));
        let erased = UsersDao::erase_personal_data_by_id(&mut tx, WRITER, &id)
            .await
            .unwrap_or_else(|e| unavailable(e));
        if !erased {
            return UsersDeleteByIdResponse::Status404;
        }
        UsersDao::delete_by_id(&mut tx, WRITER, &id)
            .await
            .unwrap_or_else(|e| unavailable(e));
        tx.commit().await.unwrap_or_else(|e| unavailable(e.into()));
        UsersDeleteByIdResponse::Status204
    }
}

/// What the command line can change (each `None` keeps the default of
/// `charter_runtime::serve::Config`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Settings {
    /// Largest request body in bytes [default: 10 MiB]
    #[arg(long)]
    pub body_limit: Option<usize>,
    /// Time for a request head to arrive, also the idle keep-alive timeout [default: 10000]
    #[arg(long, value_name = "MS")]
    pub header_read_timeout_ms: Option<u64>,
    /// Longest pause while a body arrives [default: 10000]
    #[arg(long, value_name = "MS")]
    pub body_read_timeout_ms: Option<u64>,
    /// Longest time for a whole request [default: 30000]
    #[arg(long, value_name = "MS")]
    pub request_timeout_ms: Option<u64>,
    /// Connections served at once [default: 4096]
    #[arg(long)]
    pub max_connections: Option<usize>,
}

/// The generated, hardened server of `users`, with `settings` and the store's health hook.
pub fn server(users: Users, settings: &Settings) -> Server {
    let health = users.clone();
    let mut s = io_charter_user_v0::server::builder(users).health_check(move || {
        let users = health.clone();
        async move { users.healthy().await }
    });
    let ms = Duration::from_millis;
    if let Some(v) = settings.body_limit {
        s = s.body_limit(v);
    }
    if let Some(v) = settings.header_read_timeout_ms {
        s = s.header_read_timeout(ms(v));
    }
    if let Some(v) = settings.body_read_timeout_ms {
        s = s.body_read_timeout(ms(v));
    }
    if let Some(v) = settings.request_timeout_ms {
        s = s.request_timeout(ms(v));
    }
    if let Some(v) = settings.max_connections {
        s = s.max_connections(v);
    }
    s
}
