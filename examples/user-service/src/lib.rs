//! The example api repo's `user` service (`specs/user.json`), served by the server Charter
//! generates from the spec, over an in-memory store.
//!
//! The derive below generates `io_charter_user_v0` (models, client, server) and the
//! `io_charter_common_v0` service it imports at compile time; [`Users`] implements the
//! generated `server::Users` trait, and [`server`] wraps it in the generated, hardened builder
//! (limits, timeouts, request ids, health check, graceful shutdown) with the settings of
//! [`Settings`]. `cargo run -p user-service -- --addr 127.0.0.1:8080` serves it.

use charter_runtime::serve::Server;
use io_charter_common_v0::models::GenericError;
use io_charter_user_v0::models::{User, UserForm, UserStatus};
use io_charter_user_v0::server::{
    UsersDeleteByIdResponse, UsersGetByIdResponse, UsersGetResponse, UsersPostResponse,
    UsersPutByIdResponse,
};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// `user` and the `common` service it imports, generated from the specs at compile time.
#[derive(charter_macros::Api)]
#[charter(spec = "../../specs/user.json", client, server)]
pub struct UserApi;

#[derive(Default)]
struct Store {
    /// Creation sequence → user (newest last).
    users: BTreeMap<u64, User>,
    next: u64,
}

/// The in-memory implementation of the generated `Users` trait. Clones share one store.
#[derive(Clone, Default)]
pub struct Users {
    store: Arc<RwLock<Store>>,
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

impl Users {
    /// Healthy while the store is usable (a handler that panicked holding its lock poisons it).
    pub fn healthy(&self) -> bool {
        !self.store.is_poisoned()
    }
}

impl io_charter_user_v0::server::Users for Users {
    async fn get(
        &self,
        email: Option<String>,
        status: Option<UserStatus>,
        limit: i64,
        offset: i64,
    ) -> UsersGetResponse {
        let store = self.store.read().unwrap_or_else(|e| e.into_inner());
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
        UsersGetResponse::Status200(found)
    }

    async fn get_by_id(&self, id: String) -> UsersGetByIdResponse {
        let store = self.store.read().unwrap_or_else(|e| e.into_inner());
        match sequence(&id).and_then(|n| store.users.get(&n)) {
            Some(u) => UsersGetByIdResponse::Status200(u.clone()),
            None => UsersGetByIdResponse::Status404,
        }
    }

    async fn post(&self, body: UserForm) -> UsersPostResponse {
        if let Err(e) = check(&body) {
            return UsersPostResponse::Status422(e);
        }
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        store.next += 1;
        let n = store.next;
        let u = user(n, body, None);
        store.users.insert(n, u.clone());
        UsersPostResponse::Status201(u)
    }

    async fn put_by_id(&self, id: String, body: UserForm) -> UsersPutByIdResponse {
        if let Err(e) = check(&body) {
            return UsersPutByIdResponse::Status422(e);
        }
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        let Some(old) = sequence(&id).and_then(|n| store.users.get_mut(&n)) else {
            return UsersPutByIdResponse::Status404;
        };
        let n = sequence(&old.id).unwrap_or_default();
        *old = user(n, body, Some(old.status.clone()));
        UsersPutByIdResponse::Status200(old.clone())
    }

    async fn delete_by_id(&self, id: String) -> UsersDeleteByIdResponse {
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        match sequence(&id).and_then(|n| store.users.remove(&n)) {
            Some(_) => UsersDeleteByIdResponse::Status204,
            None => UsersDeleteByIdResponse::Status404,
        }
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
    let mut s = io_charter_user_v0::server::builder(users)
        .health_check(move || std::future::ready(health.healthy()));
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
