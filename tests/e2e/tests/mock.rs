//! The scenarios of `scenarios/` against the generated mock clients: no server, the answers the
//! servers of `loopback.rs` would give are canned, and the mocks' call logs show exactly what the
//! scenarios sent (typed arguments). A mock rejects what the server would reject, with the same
//! typed error.

mod scenarios;

use charter_e2e::built::io_charter_order_v0 as order;
use charter_e2e::built::io_charter_organization_v0 as organization;
use charter_e2e::io_charter_common_v0::models::{Currency, GenericError, Money, Name};
use charter_e2e::io_charter_user_v0 as user;
use charter_runtime::rust_decimal::Decimal;

fn invalid(code: &str) -> GenericError {
    GenericError {
        code: code.to_owned(),
        messages: vec![code.replace('_', " ")],
    }
}

fn user_form(email: &str) -> user::models::UserForm {
    user::models::UserForm {
        email: email.to_owned(),
        name: Name {
            first: Some("Ada".to_owned()),
            last: None,
        },
        status: None,
        address: None,
    }
}

fn user_of(id: &str, form: &user::models::UserForm) -> user::models::User {
    user::models::User {
        id: id.to_owned(),
        email: form.email.clone(),
        name: form.name.clone(),
        status: user::models::UserStatus::Active,
        address: form.address.clone(),
    }
}

fn order_form(number: &str, customer: &str) -> order::models::OrderForm {
    order::models::OrderForm {
        number: number.to_owned(),
        customer_id: customer.to_owned(),
        items: vec![order::models::OrderItem {
            sku: "sku-1".to_owned(),
            quantity: 2,
            price: Money {
                amount: Decimal::new(1250, 2),
                currency: Currency::Eur,
            },
        }],
        shipping: None,
        payment: None,
        attributes: None,
    }
}

#[tokio::test]
async fn sign_up_against_the_mock() {
    let form = user_form("ada@example.com");
    let ada = user_of("usr-1", &form);
    let mock = user::mock::MockClient::new();
    mock.users().on_post().once().returns(ada.clone());
    mock.users()
        .on_post()
        .fails(user::client::UsersPostError::Status422(invalid(
            "invalid_email",
        )));
    mock.users().on_get_by_id().returns(ada.clone());
    mock.users().on_get().returns(vec![ada.clone()]);

    assert_eq!(scenarios::sign_up(&mock, &form).await, ada);

    use user::mock::UsersCall;
    let calls = mock.users().calls();
    assert_eq!(
        calls,
        vec![
            UsersCall::Post { body: form.clone() },
            UsersCall::GetById {
                id: "usr-1".to_owned()
            },
            UsersCall::Get {
                options: user::client::UsersGetOptions::default().with_email("ada@example.com"),
            },
            UsersCall::Post {
                body: user::models::UserForm {
                    email: "not-an-email".to_owned(),
                    ..form
                }
            },
        ]
    );
}

#[tokio::test]
async fn unknown_user_against_the_mock() {
    let mock = user::mock::MockClient::new();
    mock.users()
        .on_get_by_id()
        .fails(user::client::UsersGetByIdError::Status404);
    mock.users()
        .on_put_by_id()
        .fails(user::client::UsersPutByIdError::Status404);
    mock.users()
        .on_delete_by_id()
        .fails(user::client::UsersDeleteByIdError::Status404);
    scenarios::unknown_user(&mock, &user_form("x@example.com")).await;
    assert_eq!(mock.users().calls().len(), 3);
}

#[tokio::test]
async fn found_organization_against_the_mock() {
    let ada = user_of("usr-1", &user_form("ada@example.com"));
    let form = organization::models::OrganizationForm {
        id: "acme".to_owned(),
        name: "Acme".to_owned(),
        environment: None,
        default_currency: Currency::Usd,
        address: None,
    };
    let acme = organization::models::Organization {
        id: form.id.clone(),
        name: form.name.clone(),
        environment: organization::models::Environment::Sandbox,
        default_currency: form.default_currency.clone(),
        address: None,
        created_at: "2026-01-02T03:04:05Z".parse().unwrap(),
    };
    let membership = organization::models::Membership {
        id: "mem-1".to_owned(),
        user: ada.clone(),
        role: organization::models::Role::Admin,
    };
    let mock = organization::mock::MockClient::new();
    mock.organizations().on_post().once().returns(acme.clone());
    mock.organizations()
        .on_post()
        .fails(organization::client::OrganizationsPostError::Status409(
            invalid("id_taken"),
        ));
    mock.memberships()
        .on_post()
        .once()
        .returns(membership.clone());
    mock.memberships()
        .on_post()
        .fails(organization::client::MembershipsPostError::Status404);
    mock.memberships()
        .on_get()
        .returns(vec![membership.clone()]);

    assert_eq!(
        scenarios::found_organization(&mock, &form, &ada).await,
        acme
    );

    use organization::mock::MembershipsCall;
    let posts: Vec<String> = mock
        .memberships()
        .calls()
        .into_iter()
        .filter_map(|c| match c {
            MembershipsCall::Post { organization, body } => {
                assert_eq!(body.user_id, "usr-1");
                Some(organization)
            }
            _ => None,
        })
        .collect();
    assert_eq!(posts, ["acme", "no-such-org"]);
    assert_eq!(mock.organizations().calls().len(), 2);
}

#[tokio::test]
async fn checkout_against_the_mock() {
    let ada = user_of("usr-1", &user_form("ada@example.com"));
    let form = order_form("1", &ada.id);
    let shipped = order_form("2", &ada.id);
    let placed = order::models::Order {
        id: "ord-1".to_owned(),
        number: form.number.clone(),
        customer: ada,
        status: order::models::OrderStatus::Open,
        items: form.items.clone(),
        total: Money {
            amount: Decimal::new(2500, 2),
            currency: Currency::Eur,
        },
        shipping: None,
        payment: None,
        attributes: None,
        submitted_at: None,
    };
    let mock = order::mock::MockClient::new();
    mock.orders().on_post().returns(placed.clone());
    mock.orders().on_get_by_number().returns(placed.clone());
    mock.orders()
        .on_put_by_number()
        .fails(order::client::OrdersPutByNumberError::Status409(invalid(
            "not_open",
        )));
    assert_eq!(
        scenarios::checkout(&mock, "acme", &form, &shipped).await,
        placed
    );

    use order::mock::OrdersCall;
    assert_eq!(
        mock.orders().calls(),
        vec![
            OrdersCall::Post {
                organization: "acme".to_owned(),
                body: form,
                options: Default::default(),
            },
            OrdersCall::GetByNumber {
                organization: "acme".to_owned(),
                number: "1".to_owned(),
            },
            OrdersCall::PutByNumber {
                organization: "acme".to_owned(),
                number: "2".to_owned(),
                body: shipped,
            },
        ]
    );
}

#[tokio::test]
async fn the_mock_rejects_what_the_server_rejects() {
    let mock = user::mock::MockClient::new();
    scenarios::out_of_range_paging(&mock).await;
    // Rejected calls are still recorded, like requests that reached a server.
    assert_eq!(mock.users().calls().len(), 2);
}
