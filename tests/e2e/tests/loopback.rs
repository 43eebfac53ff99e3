//! End to end over 127.0.0.1: the servers generated from the example api repo (by the derive macro
//! for `user`, by build.rs for `organization` and `order`) run with in-memory implementations on
//! random ports, and the generated clients call every operation of every service: successes,
//! typed documented errors (404, 409, 422), request-id propagation, and retries (a flaky
//! idempotent endpoint is retried; a POST is not).

mod scenarios;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use charter_e2e::built::io_charter_order_v0 as order;
use charter_e2e::built::io_charter_organization_v0 as organization;
use charter_e2e::io_charter_common_v0::models::{Address, Currency, GenericError, Money, Name};
use charter_e2e::io_charter_user_v0 as user;
use charter_runtime::client::{ClientBuilder, Error, RetryPolicy, REQUEST_ID_HEADER};
use charter_runtime::rust_decimal::Decimal;
use scenarios::documented;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------- in-memory implementations

/// The state every service shares: orders and memberships refer to users.
#[derive(Default)]
struct World {
    users: Mutex<BTreeMap<String, user::models::User>>,
    organizations: Mutex<BTreeMap<String, organization::models::Organization>>,
    /// (organization, membership id) → membership.
    memberships: Mutex<BTreeMap<(String, String), organization::models::Membership>>,
    /// (organization, number) → order.
    orders: Mutex<BTreeMap<(String, String), order::models::Order>>,
}

fn invalid(code: &str, message: &str) -> GenericError {
    GenericError {
        code: code.to_owned(),
        messages: vec![message.to_owned()],
    }
}

fn page<T: Clone>(items: impl Iterator<Item = T>, limit: i64, offset: i64) -> Vec<T> {
    items
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
        .collect()
}

struct Users(Arc<World>);

impl Users {
    fn make(&self, id: String, form: user::models::UserForm) -> user::models::User {
        user::models::User {
            id,
            email: form.email,
            name: form.name,
            status: form.status.unwrap_or(user::models::UserStatus::Active),
            address: form.address,
        }
    }
}

impl user::server::Users for Users {
    async fn get(
        &self,
        request: user::server::UsersGetRequest,
        _context: charter_runtime::server::Context,
    ) -> user::server::UsersGetResponse {
        let user::server::UsersGetRequest {
            email,
            status,
            limit,
            offset,
            ..
        } = request;
        let users = self.0.users.lock().unwrap();
        let found = users
            .values()
            .filter(|u| email.as_ref().is_none_or(|e| &u.email == e))
            .filter(|u| status.as_ref().is_none_or(|s| &u.status == s))
            .cloned();
        user::server::UsersGetResponse::Status200(page(found, limit, offset))
    }
    async fn get_by_id(
        &self,
        request: user::server::UsersGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> user::server::UsersGetByIdResponse {
        let user::server::UsersGetByIdRequest { id, .. } = request;
        match self.0.users.lock().unwrap().get(&id) {
            Some(u) => user::server::UsersGetByIdResponse::Status200(u.clone()),
            None => user::server::UsersGetByIdResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: user::server::UsersPostRequest,
        _context: charter_runtime::server::Context,
    ) -> user::server::UsersPostResponse {
        let user::server::UsersPostRequest { body, .. } = request;
        if !body.email.contains('@') {
            return user::server::UsersPostResponse::Status422(invalid(
                "invalid_email",
                "email must contain @",
            ));
        }
        let mut users = self.0.users.lock().unwrap();
        let u = self.make(format!("usr-{}", users.len() + 1), body);
        users.insert(u.id.clone(), u.clone());
        user::server::UsersPostResponse::Status201(u)
    }
    async fn put_by_id(
        &self,
        request: user::server::UsersPutByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> user::server::UsersPutByIdResponse {
        let user::server::UsersPutByIdRequest { id, body, .. } = request;
        if !body.email.contains('@') {
            return user::server::UsersPutByIdResponse::Status422(invalid(
                "invalid_email",
                "email must contain @",
            ));
        }
        let mut users = self.0.users.lock().unwrap();
        if !users.contains_key(&id) {
            return user::server::UsersPutByIdResponse::Status404;
        }
        let u = self.make(id.clone(), body);
        users.insert(id, u.clone());
        user::server::UsersPutByIdResponse::Status200(u)
    }
    async fn delete_by_id(
        &self,
        request: user::server::UsersDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> user::server::UsersDeleteByIdResponse {
        let user::server::UsersDeleteByIdRequest { id, .. } = request;
        match self.0.users.lock().unwrap().remove(&id) {
            Some(_) => user::server::UsersDeleteByIdResponse::Status204,
            None => user::server::UsersDeleteByIdResponse::Status404,
        }
    }
}

struct Organizations(Arc<World>);

fn make_organization(
    form: organization::models::OrganizationForm,
) -> organization::models::Organization {
    organization::models::Organization {
        id: form.id,
        name: form.name,
        environment: form
            .environment
            .unwrap_or(organization::models::Environment::Sandbox),
        default_currency: form.default_currency,
        address: form.address,
        created_at: "2026-01-02T03:04:05Z".parse().unwrap(),
    }
}

impl organization::server::Organizations for Organizations {
    async fn get(
        &self,
        request: organization::server::OrganizationsGetRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::OrganizationsGetResponse {
        let organization::server::OrganizationsGetRequest {
            environment,
            limit,
            offset,
            ..
        } = request;
        let orgs = self.0.organizations.lock().unwrap();
        let found = orgs
            .values()
            .filter(|o| environment.as_ref().is_none_or(|e| &o.environment == e))
            .cloned();
        organization::server::OrganizationsGetResponse::Status200(page(found, limit, offset))
    }
    async fn get_by_id(
        &self,
        request: organization::server::OrganizationsGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::OrganizationsGetByIdResponse {
        let organization::server::OrganizationsGetByIdRequest { id, .. } = request;
        match self.0.organizations.lock().unwrap().get(&id) {
            Some(o) => organization::server::OrganizationsGetByIdResponse::Status200(o.clone()),
            None => organization::server::OrganizationsGetByIdResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: organization::server::OrganizationsPostRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::OrganizationsPostResponse {
        let organization::server::OrganizationsPostRequest { body, .. } = request;
        use organization::server::OrganizationsPostResponse as R;
        if body.name.trim().is_empty() {
            return R::Status422(invalid("invalid_name", "name must not be blank"));
        }
        let mut orgs = self.0.organizations.lock().unwrap();
        if orgs.contains_key(&body.id) {
            return R::Status409(invalid("id_taken", "the id is taken"));
        }
        let o = make_organization(body);
        orgs.insert(o.id.clone(), o.clone());
        R::Status201(o)
    }
    async fn put_by_id(
        &self,
        request: organization::server::OrganizationsPutByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::OrganizationsPutByIdResponse {
        let organization::server::OrganizationsPutByIdRequest { id, body, .. } = request;
        use organization::server::OrganizationsPutByIdResponse as R;
        if body.id != id {
            return R::Status422(invalid("id_mismatch", "the body's id is not the path's"));
        }
        let mut orgs = self.0.organizations.lock().unwrap();
        if !orgs.contains_key(&id) {
            return R::Status404;
        }
        let o = make_organization(body);
        orgs.insert(id, o.clone());
        R::Status200(o)
    }
    async fn delete_by_id(
        &self,
        request: organization::server::OrganizationsDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::OrganizationsDeleteByIdResponse {
        let organization::server::OrganizationsDeleteByIdRequest { id, .. } = request;
        match self.0.organizations.lock().unwrap().remove(&id) {
            Some(_) => organization::server::OrganizationsDeleteByIdResponse::Status204,
            None => organization::server::OrganizationsDeleteByIdResponse::Status404,
        }
    }
}

impl organization::server::Memberships for Organizations {
    async fn get(
        &self,
        request: organization::server::MembershipsGetRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::MembershipsGetResponse {
        let organization::server::MembershipsGetRequest {
            organization: org,
            role,
            limit,
            offset,
            ..
        } = request;
        let all = self.0.memberships.lock().unwrap();
        let found = all
            .iter()
            .filter(|((o, _), m)| o == &org && role.as_ref().is_none_or(|r| &m.role == r))
            .map(|(_, m)| m.clone());
        organization::server::MembershipsGetResponse::Status200(page(found, limit, offset))
    }
    async fn get_by_id(
        &self,
        request: organization::server::MembershipsGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::MembershipsGetByIdResponse {
        let organization::server::MembershipsGetByIdRequest {
            organization: org,
            id,
            ..
        } = request;
        match self.0.memberships.lock().unwrap().get(&(org, id)) {
            Some(m) => organization::server::MembershipsGetByIdResponse::Status200(m.clone()),
            None => organization::server::MembershipsGetByIdResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: organization::server::MembershipsPostRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::MembershipsPostResponse {
        let organization::server::MembershipsPostRequest {
            organization: org,
            body,
            ..
        } = request;
        use organization::server::MembershipsPostResponse as R;
        if !self.0.organizations.lock().unwrap().contains_key(&org) {
            return R::Status404;
        }
        let Some(u) = self.0.users.lock().unwrap().get(&body.user_id).cloned() else {
            return R::Status422(invalid("unknown_user", "no user has this id"));
        };
        let mut all = self.0.memberships.lock().unwrap();
        let m = organization::models::Membership {
            id: format!("mem-{}", all.len() + 1),
            user: u,
            role: body.role,
        };
        all.insert((org, m.id.clone()), m.clone());
        R::Status201(m)
    }
    async fn delete_by_id(
        &self,
        request: organization::server::MembershipsDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> organization::server::MembershipsDeleteByIdResponse {
        let organization::server::MembershipsDeleteByIdRequest {
            organization: org,
            id,
            ..
        } = request;
        match self.0.memberships.lock().unwrap().remove(&(org, id)) {
            Some(_) => organization::server::MembershipsDeleteByIdResponse::Status204,
            None => organization::server::MembershipsDeleteByIdResponse::Status404,
        }
    }
}

struct Orders(Arc<World>);

impl Orders {
    /// The order a form describes, or the 422 body that says why not.
    fn make(
        &self,
        form: order::models::OrderForm,
        status: order::models::OrderStatus,
    ) -> Result<order::models::Order, GenericError> {
        let Some(customer) = self.0.users.lock().unwrap().get(&form.customer_id).cloned() else {
            return Err(invalid("unknown_customer", "no user has this id"));
        };
        let Some(first) = form.items.first() else {
            return Err(invalid("no_items", "an order needs items"));
        };
        let currency = first.price.currency.clone();
        let amount = form
            .items
            .iter()
            .map(|i| i.price.amount * Decimal::from(i.quantity))
            .sum();
        Ok(order::models::Order {
            id: format!("ord-{}", form.number),
            number: form.number,
            customer,
            status,
            items: form.items,
            total: Money { amount, currency },
            shipping: form.shipping,
            payment: form.payment,
            attributes: form.attributes,
            submitted_at: None,
        })
    }
}

impl order::server::Orders for Orders {
    async fn get(
        &self,
        request: order::server::OrdersGetRequest,
        _context: charter_runtime::server::Context,
    ) -> order::server::OrdersGetResponse {
        let order::server::OrdersGetRequest {
            organization: org,
            status,
            customer_id,
            limit,
            offset,
            ..
        } = request;
        let all = self.0.orders.lock().unwrap();
        let found = all
            .iter()
            .filter(|((o, _), _)| o == &org)
            .map(|(_, order)| order)
            .filter(|o| status.is_empty() || status.contains(&o.status))
            .filter(|o| customer_id.as_ref().is_none_or(|c| &o.customer.id == c))
            .cloned();
        order::server::OrdersGetResponse::Status200(page(found, limit, offset))
    }
    async fn get_by_number(
        &self,
        request: order::server::OrdersGetByNumberRequest,
        _context: charter_runtime::server::Context,
    ) -> order::server::OrdersGetByNumberResponse {
        let order::server::OrdersGetByNumberRequest {
            organization: org,
            number,
            ..
        } = request;
        match self.0.orders.lock().unwrap().get(&(org, number)) {
            Some(o) => order::server::OrdersGetByNumberResponse::Status200(o.clone()),
            None => order::server::OrdersGetByNumberResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: order::server::OrdersPostRequest,
        _context: charter_runtime::server::Context,
    ) -> order::server::OrdersPostResponse {
        let order::server::OrdersPostRequest {
            organization: org,
            body,
            idempotency_key,
            ..
        } = request;
        use order::server::OrdersPostResponse as R;
        let key = (org, body.number.clone());
        if let Some(existing) = self.0.orders.lock().unwrap().get(&key) {
            // A replay with an idempotency key answers what the first call created.
            if idempotency_key.is_some() {
                return R::Status201(existing.clone());
            }
            return R::Status422(invalid("number_taken", "the number is taken"));
        }
        match self.make(body, order::models::OrderStatus::Open) {
            Ok(o) => {
                self.0.orders.lock().unwrap().insert(key, o.clone());
                R::Status201(o)
            }
            Err(e) => R::Status422(e),
        }
    }
    async fn put_by_number(
        &self,
        request: order::server::OrdersPutByNumberRequest,
        _context: charter_runtime::server::Context,
    ) -> order::server::OrdersPutByNumberResponse {
        let order::server::OrdersPutByNumberRequest {
            organization: org,
            number,
            body,
            ..
        } = request;
        use order::server::OrdersPutByNumberResponse as R;
        let key = (org, number);
        let status = match self.0.orders.lock().unwrap().get(&key) {
            None => return R::Status404,
            Some(o) if o.status != order::models::OrderStatus::Open => {
                return R::Status409(invalid("not_open", "the order is no longer open"))
            }
            Some(o) => o.status.clone(),
        };
        match self.make(body, status) {
            Ok(o) => {
                self.0.orders.lock().unwrap().insert(key, o.clone());
                R::Status200(o)
            }
            Err(e) => R::Status422(e),
        }
    }
    async fn delete_by_number(
        &self,
        request: order::server::OrdersDeleteByNumberRequest,
        _context: charter_runtime::server::Context,
    ) -> order::server::OrdersDeleteByNumberResponse {
        let order::server::OrdersDeleteByNumberRequest {
            organization: org,
            number,
            ..
        } = request;
        match self.0.orders.lock().unwrap().remove(&(org, number)) {
            Some(_) => order::server::OrdersDeleteByNumberResponse::Status204,
            None => order::server::OrdersDeleteByNumberResponse::Status404,
        }
    }
}

// ---------------------------------------------------------------- servers on 127.0.0.1

/// What a service's middleware saw, and the failures it is told to inject.
#[derive(Default)]
struct Wire {
    /// (method, path, x-request-id) of every request received.
    seen: Mutex<Vec<(String, String, String)>>,
    /// How many of the next requests answer 503 before reaching the service.
    fail_next: AtomicU32,
}

impl Wire {
    fn count(&self, method: &str, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p, _)| m == method && p == path)
            .count()
    }
}

/// Serves `router` on a random port behind the recording middleware; returns the base URL.
async fn serve(router: axum::Router, wire: Arc<Wire>) -> String {
    let app = router.layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let wire = wire.clone();
            async move {
                let id = req
                    .headers()
                    .get(REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                wire.seen.lock().unwrap().push((
                    req.method().to_string(),
                    req.uri().path().to_owned(),
                    id,
                ));
                let failing = wire
                    .fail_next
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if failing {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
                let resp: Response = next.run(req).await;
                resp
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

struct Stack {
    world: Arc<World>,
    users: user::client::Client,
    organizations: organization::client::Client,
    orders: order::client::Client,
    user_wire: Arc<Wire>,
    order_wire: Arc<Wire>,
}

fn builder(base: &str) -> ClientBuilder {
    ClientBuilder::new(base)
        .with_request_id("e2e-request-1")
        .with_retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
        })
}

async fn stack() -> Stack {
    let world = Arc::new(World::default());
    let user_wire = Arc::new(Wire::default());
    let org_wire = Arc::new(Wire::default());
    let order_wire = Arc::new(Wire::default());
    let u = serve(
        user::server::router(Users(world.clone())),
        user_wire.clone(),
    )
    .await;
    let o = serve(
        organization::server::router(Organizations(world.clone())),
        org_wire,
    )
    .await;
    let r = serve(
        order::server::router(Orders(world.clone())),
        order_wire.clone(),
    )
    .await;
    Stack {
        world,
        users: user::client::Client::from_builder(builder(&u)),
        organizations: organization::client::Client::from_builder(builder(&o)),
        orders: order::client::Client::from_builder(builder(&r)),
        user_wire,
        order_wire,
    }
}

// ---------------------------------------------------------------- fixtures

fn user_form(email: &str) -> user::models::UserForm {
    user::models::UserForm {
        email: email.to_owned(),
        name: Name {
            first: Some("Ada".to_owned()),
            last: Some("Lovelace".to_owned()),
        },
        status: None,
        address: Some(Address {
            streets: Some(vec!["1 Main St".to_owned()]),
            city: Some("London".to_owned()),
            postal: None,
            country: "GBR".to_owned(),
        }),
    }
}

fn org_form(id: &str, name: &str) -> organization::models::OrganizationForm {
    organization::models::OrganizationForm {
        id: id.to_owned(),
        name: name.to_owned(),
        environment: Some(organization::models::Environment::Production),
        default_currency: Currency::Eur,
        address: None,
    }
}

fn order_form(number: &str, customer: &str, quantity: i32) -> order::models::OrderForm {
    order::models::OrderForm {
        number: number.to_owned(),
        customer_id: customer.to_owned(),
        items: vec![order::models::OrderItem {
            sku: "sku-1".to_owned(),
            quantity,
            price: Money {
                amount: Decimal::new(1250, 2),
                currency: Currency::Eur,
            },
        }],
        shipping: None,
        payment: Some(order::models::PaymentMethod::BankTransfer(
            order::models::BankTransfer {
                reference: "ref-1".to_owned(),
            },
        )),
        attributes: Some(BTreeMap::from([("gift".to_owned(), "yes".to_owned())])),
    }
}

// ---------------------------------------------------------------- scenarios

#[tokio::test]
async fn every_user_operation() {
    let s = stack().await;
    let users = s.users.users();
    let ada = users.post(&user_form("ada@example.com")).await.unwrap();
    assert_eq!(ada.status, user::models::UserStatus::Active);
    let bob = users.post(&user_form("bob@example.com")).await.unwrap();

    let all = users.get(Default::default()).await.unwrap();
    assert_eq!(all, vec![ada.clone(), bob.clone()]);
    let second_page = users
        .get(
            user::client::UsersGetOptions::default()
                .with_limit(1)
                .with_offset(1),
        )
        .await
        .unwrap();
    assert_eq!(second_page, vec![bob.clone()]);
    let by_email = users
        .get(user::client::UsersGetOptions::default().with_email("bob@example.com"))
        .await
        .unwrap();
    assert_eq!(by_email, vec![bob.clone()]);

    assert_eq!(users.get_by_id(&ada.id).await.unwrap(), ada);
    let (status, e) = documented(users.get_by_id("usr-404").await);
    assert_eq!(
        (status, e),
        (404, user::client::UsersGetByIdError::Status404)
    );

    let mut form = user_form("ada@example.org");
    form.status = Some(user::models::UserStatus::Suspended);
    let ada2 = users.put_by_id(&ada.id, &form).await.unwrap();
    assert_eq!(ada2.email, "ada@example.org");
    let suspended = users
        .get(
            user::client::UsersGetOptions::default()
                .with_status(user::models::UserStatus::Suspended),
        )
        .await
        .unwrap();
    assert_eq!(suspended, vec![ada2]);
    let (status, _) = documented(users.put_by_id("usr-404", &form).await);
    assert_eq!(status, 404);

    // Typed 422 with the documented body.
    let (status, e) = documented(users.post(&user_form("not-an-email")).await);
    assert_eq!(status, 422);
    let user::client::UsersPostError::Status422(body) = e else {
        panic!("{e:?}")
    };
    assert_eq!(body.code, "invalid_email");

    users.delete_by_id(&bob.id).await.unwrap();
    let (status, _) = documented(users.delete_by_id(&bob.id).await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_organization_and_membership_operation() {
    let s = stack().await;
    let ada = s
        .users
        .users()
        .post(&user_form("ada@example.com"))
        .await
        .unwrap();
    let orgs = s.organizations.organizations();
    let acme = orgs.post(&org_form("acme", "Acme")).await.unwrap();
    assert_eq!(acme.default_currency, Currency::Eur);
    let mut sandbox = org_form("demo", "Demo");
    sandbox.environment = None;
    let demo = orgs.post(&sandbox).await.unwrap();
    assert_eq!(demo.environment, organization::models::Environment::Sandbox);

    // Typed 409 and 422 on POST.
    let (status, e) = documented(orgs.post(&org_form("acme", "Again")).await);
    assert_eq!(status, 409);
    assert!(
        matches!(&e, organization::client::OrganizationsPostError::Status409(b) if b.code == "id_taken")
    );
    let (status, _) = documented(orgs.post(&org_form("blank", " ")).await);
    assert_eq!(status, 422);

    let production = orgs
        .get(
            organization::client::OrganizationsGetOptions::default()
                .with_environment(organization::models::Environment::Production),
        )
        .await
        .unwrap();
    assert_eq!(production, vec![acme.clone()]);
    assert_eq!(
        orgs.get(
            organization::client::OrganizationsGetOptions::default()
                .with_limit(1)
                .with_offset(1)
        )
        .await
        .unwrap()
        .len(),
        1
    );
    assert_eq!(orgs.get_by_id("acme").await.unwrap(), acme);
    let (status, _) = documented(orgs.get_by_id("nope").await);
    assert_eq!(status, 404);
    let renamed = orgs
        .put_by_id("acme", &org_form("acme", "Acme Corp"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Acme Corp");
    let (status, _) = documented(orgs.put_by_id("nope", &org_form("nope", "N")).await);
    assert_eq!(status, 404);
    let (status, _) = documented(orgs.put_by_id("acme", &org_form("other", "N")).await);
    assert_eq!(status, 422);

    let members = s.organizations.memberships();
    let form = organization::models::MembershipForm {
        user_id: ada.id.clone(),
        role: organization::models::Role::Admin,
    };
    let m = members.post("acme", &form).await.unwrap();
    assert_eq!(m.user, ada);
    let (status, _) = documented(members.post("nope", &form).await);
    assert_eq!(status, 404);
    let stranger = organization::models::MembershipForm {
        user_id: "usr-404".to_owned(),
        role: organization::models::Role::Member,
    };
    let (status, _) = documented(members.post("acme", &stranger).await);
    assert_eq!(status, 422);
    let admins = members
        .get(
            "acme",
            organization::client::MembershipsGetOptions::default()
                .with_role(organization::models::Role::Admin),
        )
        .await
        .unwrap();
    assert_eq!(admins, vec![m.clone()]);
    assert_eq!(members.get_by_id("acme", &m.id).await.unwrap(), m);
    let (status, _) = documented(members.get_by_id("demo", &m.id).await);
    assert_eq!(status, 404);
    members.delete_by_id("acme", &m.id).await.unwrap();
    let (status, _) = documented(members.delete_by_id("acme", &m.id).await);
    assert_eq!(status, 404);

    orgs.delete_by_id("demo").await.unwrap();
    let (status, _) = documented(orgs.delete_by_id("demo").await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_order_operation() {
    let s = stack().await;
    let ada = s
        .users
        .users()
        .post(&user_form("ada@example.com"))
        .await
        .unwrap();
    let orders = s.orders.orders();
    let o1 = orders
        .post("acme", &order_form("1001", &ada.id, 2), Default::default())
        .await
        .unwrap();
    assert_eq!(o1.total.amount, Decimal::new(2500, 2));
    assert_eq!(o1.customer, ada);
    assert_eq!(o1.status, order::models::OrderStatus::Open);
    // Replayed with an idempotency key: the same order.
    let replay = orders
        .post(
            "acme",
            &order_form("1001", &ada.id, 2),
            order::client::OrdersPostOptions::default().with_idempotency_key("key-1"),
        )
        .await
        .unwrap();
    assert_eq!(replay, o1);
    let (status, e) = documented(
        orders
            .post(
                "acme",
                &order_form("1002", "usr-404", 1),
                Default::default(),
            )
            .await,
    );
    assert_eq!(status, 422);
    let order::client::OrdersPostError::Status422(body) = e else {
        panic!("{e:?}")
    };
    assert_eq!(body.code, "unknown_customer");

    let o2 = orders
        .post("acme", &order_form("1002", &ada.id, 1), Default::default())
        .await
        .unwrap();
    let open = orders
        .get(
            "acme",
            order::client::OrdersGetOptions::default()
                .with_status([order::models::OrderStatus::Open])
                .with_customer_id(ada.id.clone()),
        )
        .await
        .unwrap();
    assert_eq!(open, vec![o1.clone(), o2.clone()]);
    let paged = orders
        .get(
            "acme",
            order::client::OrdersGetOptions::default()
                .with_limit(1)
                .with_offset(1),
        )
        .await
        .unwrap();
    assert_eq!(paged, vec![o2.clone()]);
    assert!(orders
        .get("other", Default::default())
        .await
        .unwrap()
        .is_empty());

    assert_eq!(orders.get_by_number("acme", "1001").await.unwrap(), o1);
    let (status, _) = documented(orders.get_by_number("acme", "9999").await);
    assert_eq!(status, 404);

    let bigger = orders
        .put_by_number("acme", "1001", &order_form("1001", &ada.id, 3))
        .await
        .unwrap();
    assert_eq!(bigger.total.amount, Decimal::new(3750, 2));
    let (status, _) = documented(
        orders
            .put_by_number("acme", "9999", &order_form("9999", &ada.id, 1))
            .await,
    );
    assert_eq!(status, 404);
    // The warehouse ships order 1002 (outside the API): it can no longer change, typed 409.
    s.world
        .orders
        .lock()
        .unwrap()
        .get_mut(&("acme".to_owned(), "1002".to_owned()))
        .unwrap()
        .status = order::models::OrderStatus::Shipped;
    let (status, e) = documented(
        orders
            .put_by_number("acme", "1002", &order_form("1002", &ada.id, 5))
            .await,
    );
    assert_eq!(status, 409);
    assert!(
        matches!(&e, order::client::OrdersPutByNumberError::Status409(b) if b.code == "not_open")
    );
    let (status, _) = documented(
        orders
            .put_by_number("acme", "1001", &order_form("1001", "usr-404", 1))
            .await,
    );
    assert_eq!(status, 422);

    orders.delete_by_number("acme", "1002").await.unwrap();
    let (status, _) = documented(orders.delete_by_number("acme", "1002").await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_request_id_reaches_every_server() {
    let s = stack().await;
    let ada = s
        .users
        .users()
        .post(&user_form("ada@example.com"))
        .await
        .unwrap();
    s.orders
        .orders()
        .post("acme", &order_form("1", &ada.id, 1), Default::default())
        .await
        .unwrap();
    s.orders.orders().get_by_number("acme", "1").await.unwrap();
    for wire in [&s.user_wire, &s.order_wire] {
        let seen = wire.seen.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(
            seen.iter().all(|(_, _, id)| id == "e2e-request-1"),
            "{seen:?}"
        );
    }

    // Without a fixed id, each call carries a fresh one.
    let plain = user::client::Client::new(s.users.base_url());
    plain.users().get_by_id(&ada.id).await.unwrap();
    plain.users().get_by_id(&ada.id).await.unwrap();
    let seen = s.user_wire.seen.lock().unwrap();
    let fresh: Vec<&String> = seen.iter().rev().take(2).map(|(_, _, id)| id).collect();
    assert!(fresh
        .iter()
        .all(|id| !id.is_empty() && *id != "e2e-request-1"));
    assert_ne!(fresh[0], fresh[1]);
}

#[tokio::test]
async fn flaky_idempotent_calls_are_retried_and_posts_are_not() {
    let s = stack().await;
    let users = s.users.users();
    let ada = users.post(&user_form("ada@example.com")).await.unwrap();
    let path = format!("/users/{}", ada.id);

    // GET: two 503s, then the answer (the policy allows two retries).
    s.user_wire.fail_next.store(2, Ordering::SeqCst);
    assert_eq!(users.get_by_id(&ada.id).await.unwrap(), ada);
    assert_eq!(s.user_wire.count("GET", &path), 3);

    // PUT is idempotent too.
    s.user_wire.fail_next.store(1, Ordering::SeqCst);
    users
        .put_by_id(&ada.id, &user_form("ada@example.org"))
        .await
        .unwrap();
    assert_eq!(s.user_wire.count("PUT", &path), 2);

    // Three failures exhaust the retries: the 503 comes back as an undocumented status.
    s.user_wire.fail_next.store(3, Ordering::SeqCst);
    let err = users.get_by_id(&ada.id).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(s.user_wire.count("GET", &path), 6);

    // POST is never retried: one attempt, the 503 surfaces, nothing was created.
    s.user_wire.fail_next.store(1, Ordering::SeqCst);
    let err = users.post(&user_form("bob@example.com")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(s.user_wire.count("POST", "/users"), 2);
    assert_eq!(users.get(Default::default()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_shared_scenarios_against_the_servers() {
    let s = stack().await;
    let ada = scenarios::sign_up(&s.users, &user_form("ada@example.com")).await;
    scenarios::unknown_user(&s.users, &user_form("x@example.com")).await;
    scenarios::out_of_range_paging(&s.users).await;
    let acme =
        scenarios::found_organization(&s.organizations, &org_form("acme", "Acme"), &ada).await;
    // Order 2 has shipped (outside the API) before the scenario tries to change it.
    let shipped = order_form("2", &ada.id, 1);
    s.orders
        .orders()
        .post(&acme.id, &shipped, Default::default())
        .await
        .unwrap();
    s.world
        .orders
        .lock()
        .unwrap()
        .get_mut(&(acme.id.clone(), "2".to_owned()))
        .unwrap()
        .status = order::models::OrderStatus::Shipped;
    let placed =
        scenarios::checkout(&s.orders, &acme.id, &order_form("1", &ada.id, 2), &shipped).await;
    assert_eq!(placed.customer, ada);
}

/// Factories build values the generated servers accept: each form of the example repo, as its
/// factory makes it and with its constrained fields varied within the spec's bounds (country of
/// exactly 3 characters, organization ids of 3–60, quantities of 1–1000, names of at least 1),
/// is sent to the running servers, and none is rejected. Only the fields the in-memory services
/// have rules on are set by hand (a fresh email with an `@`, fresh ids and numbers, the id of an
/// existing customer), so their own answers never stand in for the generated validation.
#[test]
fn factory_values_are_accepted_by_the_servers() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(stack());
    let n = AtomicU32::new(0);
    let config = ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    };
    let values = (
        "[A-Za-z]{3}",
        "[a-z][a-z0-9-]{2,50}",
        "[A-Za-z][A-Za-z .'-]{0,39}",
        proptest::option::of("[A-Za-z]{1,20}"),
        1i32..=1000,
        proptest::collection::vec(1i32..=1000, 1..4),
    );
    proptest::test_runner::TestRunner::new(config)
        .run(&values, |(country, org_id, name, first, quantity, more)| {
            let i = n.fetch_add(1, Ordering::Relaxed);
            rt.block_on(async {
                // user: the factory's form, then with the varied fields.
                let mut uf = user::factories::user_form();
                uf.email = format!("plain{i}@example.com");
                let plain = s.users.users().post(&uf).await;
                prop_assert!(plain.is_ok(), "factory user_form rejected: {plain:?}");
                uf.email = format!("case{i}@example.com");
                uf.name.first = first.clone();
                uf.address = Some(Address {
                    country: country.clone(),
                    ..charter_e2e::io_charter_common_v0::factories::address()
                });
                let u = s.users.users().post(&uf).await;
                prop_assert!(u.is_ok(), "user_form rejected: {u:?}");
                let u = u.unwrap();

                // organization and membership.
                let mut of = organization::factories::organization_form();
                of.id = format!("{org_id}-{i}");
                of.name = name.clone();
                let o = s.organizations.organizations().post(&of).await;
                prop_assert!(o.is_ok(), "organization_form rejected: {o:?}");
                let mut mf = organization::factories::membership_form();
                mf.user_id = u.id.clone();
                let m = s.organizations.memberships().post(&of.id, &mf).await;
                prop_assert!(m.is_ok(), "membership_form rejected: {m:?}");

                // order: the factory's items, then varied quantities.
                let mut form = order::factories::order_form();
                form.number = format!("F-{i}");
                form.customer_id = u.id.clone();
                let r = s
                    .orders
                    .orders()
                    .post(&of.id, &form, Default::default())
                    .await;
                prop_assert!(r.is_ok(), "factory order_form rejected: {r:?}");
                form.number = format!("V-{i}");
                form.items = std::iter::once(quantity)
                    .chain(more.iter().copied())
                    .map(|q| order::models::OrderItem {
                        quantity: q,
                        ..order::factories::order_item()
                    })
                    .collect();
                let r = s
                    .orders
                    .orders()
                    .post(&of.id, &form, Default::default())
                    .await;
                prop_assert!(r.is_ok(), "order_form rejected: {r:?}");
                Ok(())
            })
        })
        .unwrap();
}
