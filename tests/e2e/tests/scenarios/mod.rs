//! Scenarios written once against the generated client traits (`client::Api` per service), run
//! against the real clients talking to the generated servers (`loopback.rs`) and against the
//! generated mock clients (`mock.rs`). Each is "code under test" with its expectations: what a
//! caller of the example services relies on.

use charter_e2e::built::io_charter_order_v0 as order;
use charter_e2e::built::io_charter_organization_v0 as organization;
use charter_e2e::io_charter_user_v0 as user;
use charter_runtime::client::Error;
use order::client::OrdersApi as _;
use organization::client::{MembershipsApi as _, OrganizationsApi as _};
use user::client::UsersApi as _;

/// The status and typed error of a documented error response; fails on any other outcome.
pub fn documented<T: std::fmt::Debug, E: std::fmt::Debug>(r: Result<T, Error<E>>) -> (u16, E) {
    match r {
        Err(Error::Documented(d)) => (d.status.as_u16(), d.error),
        other => panic!("expected a documented error, got {other:?}"),
    }
}

/// Sign-up: create a user, read it back, find it by email; a malformed email is a typed 422.
pub async fn sign_up(
    api: &impl user::client::Api,
    form: &user::models::UserForm,
) -> user::models::User {
    let users = api.users();
    let created = users.post(form).await.unwrap();
    assert_eq!((&created.email, &created.name), (&form.email, &form.name));
    assert_eq!(users.get_by_id(&created.id).await.unwrap(), created);
    let found = users
        .get(user::client::UsersGetOptions::default().with_email(form.email.clone()))
        .await
        .unwrap();
    assert_eq!(found, vec![created.clone()]);

    let bad = user::models::UserForm {
        email: "not-an-email".to_owned(),
        ..form.clone()
    };
    let (status, e) = documented(users.post(&bad).await);
    assert_eq!(status, 422);
    assert!(
        matches!(&e, user::client::UsersPostError::Status422(b) if b.code == "invalid_email"),
        "{e:?}"
    );
    created
}

/// An unknown id is a typed 404 on every by-id operation of `user`.
pub async fn unknown_user(api: &impl user::client::Api, form: &user::models::UserForm) {
    let users = api.users();
    let (status, e) = documented(users.get_by_id("usr-404").await);
    assert_eq!(
        (status, e),
        (404, user::client::UsersGetByIdError::Status404)
    );
    let (status, e) = documented(users.put_by_id("usr-404", form).await);
    assert_eq!(
        (status, e),
        (404, user::client::UsersPutByIdError::Status404)
    );
    let (status, e) = documented(users.delete_by_id("usr-404").await);
    assert_eq!(
        (status, e),
        (404, user::client::UsersDeleteByIdError::Status404)
    );
}

/// An organization: created (201), its id then taken (typed 409), a user made a member and listed;
/// a membership in an unknown organization is a typed 404.
pub async fn found_organization(
    api: &impl organization::client::Api,
    form: &organization::models::OrganizationForm,
    member: &user::models::User,
) -> organization::models::Organization {
    let orgs = api.organizations();
    let org = orgs.post(form).await.unwrap();
    assert_eq!((&org.id, &org.name), (&form.id, &form.name));
    let (status, e) = documented(orgs.post(form).await);
    assert_eq!(status, 409);
    assert!(
        matches!(&e, organization::client::OrganizationsPostError::Status409(b) if b.code == "id_taken"),
        "{e:?}"
    );

    let members = api.memberships();
    let membership = organization::models::MembershipForm {
        user_id: member.id.clone(),
        role: organization::models::Role::Admin,
    };
    let m = members.post(&org.id, &membership).await.unwrap();
    assert_eq!((&m.user, &m.role), (member, &membership.role));
    assert_eq!(
        members.get(&org.id, Default::default()).await.unwrap(),
        vec![m.clone()]
    );
    let (status, e) = documented(members.post("no-such-org", &membership).await);
    assert_eq!(
        (status, e),
        (404, organization::client::MembershipsPostError::Status404)
    );
    org
}

/// Checkout: an order is placed (201) and read back; changing an order that has shipped is a
/// typed 409.
pub async fn checkout(
    api: &impl order::client::Api,
    org: &str,
    form: &order::models::OrderForm,
    shipped: &order::models::OrderForm,
) -> order::models::Order {
    let orders = api.orders();
    let placed = orders.post(org, form, Default::default()).await.unwrap();
    assert_eq!((&placed.number, &placed.items), (&form.number, &form.items));
    assert_eq!(placed.status, order::models::OrderStatus::Open);
    assert_eq!(
        orders.get_by_number(org, &form.number).await.unwrap(),
        placed
    );
    let (status, e) = documented(orders.put_by_number(org, &shipped.number, shipped).await);
    assert_eq!(status, 409);
    assert!(
        matches!(&e, order::client::OrdersPutByNumberError::Status409(b) if b.code == "not_open"),
        "{e:?}"
    );
    placed
}

/// Paging out of the spec's bounds (`limit` is 1 to 100) is rejected with a 422 before any
/// implementation runs.
pub async fn out_of_range_paging(api: &impl user::client::Api) {
    let err = api
        .users()
        .get(user::client::UsersGetOptions::default().with_limit(0))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err:?}");
    let err = api
        .users()
        .get(user::client::UsersGetOptions::default().with_limit(101))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err:?}");
}
