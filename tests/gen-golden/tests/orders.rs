//! Loopback over `fixtures/gen/orders.json`: form parameters (sent by the generated client as one
//! JSON object body, read and validated by the generated server like body fields) and the
//! server's `minimum`/`maximum` checks at any depth of a body, each rejection a 422 naming the
//! full path of the field.

use charter_gen_golden::test_gen_orders_v0::client::{
    OrdersGetOptions, OrdersPostNotesByIdOptions,
};
use charter_gen_golden::test_gen_orders_v0::{client, models::*, server};
use charter_runtime::client::Error;
use charter_runtime::server::ValidationError;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
struct Shop {
    orders: Mutex<BTreeMap<String, Order>>,
}

impl server::Orders for Shop {
    async fn post(
        &self,
        request: server::OrdersPostRequest,
        _context: charter_runtime::server::Context,
    ) -> server::OrdersPostResponse {
        let server::OrdersPostRequest { body, .. } = request;
        let mut orders = self.orders.lock().unwrap();
        let order = Order {
            id: format!("o{}", orders.len() + 1),
            lines: body.lines,
            notes: Vec::new(),
        };
        orders.insert(order.id.clone(), order.clone());
        server::OrdersPostResponse::Status201(order)
    }
    async fn post_notes_by_id(
        &self,
        request: server::OrdersPostNotesByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::OrdersPostNotesByIdResponse {
        let server::OrdersPostNotesByIdRequest {
            id,
            text,
            priority,
            count,
            tags,
            shipping,
            ..
        } = request;
        let mut orders = self.orders.lock().unwrap();
        let Some(order) = orders.get_mut(&id) else {
            return server::OrdersPostNotesByIdResponse::Status404;
        };
        order.notes.push(Note {
            text,
            priority,
            count,
            tags: tags.unwrap_or_default(),
            shipping,
        });
        server::OrdersPostNotesByIdResponse::Status200(order.clone())
    }
    async fn put_lines_by_id(
        &self,
        request: server::OrdersPutLinesByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::OrdersPutLinesByIdResponse {
        let server::OrdersPutLinesByIdRequest { id, body, .. } = request;
        let mut orders = self.orders.lock().unwrap();
        let Some(order) = orders.get_mut(&id) else {
            return server::OrdersPutLinesByIdResponse::Status404;
        };
        order.lines = body;
        server::OrdersPutLinesByIdResponse::Status200(order.clone())
    }
    async fn get(
        &self,
        request: server::OrdersGetRequest,
        _context: charter_runtime::server::Context,
    ) -> server::OrdersGetResponse {
        let server::OrdersGetRequest { sku, id, .. } = request;
        let orders = self.orders.lock().unwrap();
        let list = orders
            .values()
            .filter(|o| id.is_empty() || id.contains(&o.id))
            .filter(|o| {
                sku.as_ref()
                    .is_none_or(|s| o.lines.iter().any(|l| &l.sku == s))
            })
            .cloned()
            .collect();
        server::OrdersGetResponse::Status200(list)
    }
}

async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::router(Shop::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn line(sku: &str, quantity: i32) -> Line {
    Line {
        sku: sku.into(),
        quantity,
        parts: None,
    }
}

/// The validation error of a rejected call made with the generated client.
fn rejected<E: std::fmt::Debug>(err: Error<E>) -> ValidationError {
    match err {
        Error::UnexpectedStatus(raw) => {
            let mut e: ValidationError = serde_json::from_slice(&raw.body).unwrap();
            e.status = raw.status.as_u16();
            e
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn form_parameters_round_trip() {
    let base = start().await;
    let c = client::Client::new(&base);
    let orders = c.orders();
    let order = orders
        .post(&OrderForm {
            lines: vec![line("a", 1)],
            shipping: None,
            gifts: None,
        })
        .await
        .unwrap();

    // Required form parameters only: the default applies on the server.
    let o = orders
        .post_notes_by_id(&order.id, "hello", 2, Default::default())
        .await
        .unwrap();
    assert_eq!(o.notes[0].text, "hello");
    assert_eq!(
        (&o.notes[0].priority, o.notes[0].count),
        (&Priority::Low, 2)
    );
    assert!(o.notes[0].tags.is_empty() && o.notes[0].shipping.is_none());

    // Every form parameter: enum, list, nested model.
    let shipping = Address {
        country: "FRA".into(),
        lines: Some(vec!["1 rue X".into()]),
    };
    let o = orders
        .post_notes_by_id(
            &order.id,
            "again",
            5,
            OrdersPostNotesByIdOptions::default()
                .with_priority(Priority::High)
                .with_tags(["x".to_owned(), "y".to_owned()])
                .with_shipping(shipping.clone()),
        )
        .await
        .unwrap();
    let note = &o.notes[1];
    assert_eq!(note.priority, Priority::High);
    assert_eq!(note.tags, vec!["x", "y"]);
    assert_eq!(note.shipping.as_ref(), Some(&shipping));

    // A typed 404 through form parameters.
    let err = orders
        .post_notes_by_id("nope", "x", 1, Default::default())
        .await
        .unwrap_err();
    assert!(matches!(
        err.documented(),
        Some(client::OrdersPostNotesByIdError::Status404)
    ));

    // Form parameters are validated like body fields: length, range, list size, nested model.
    let e = rejected(
        orders
            .post_notes_by_id(&order.id, "", 1, Default::default())
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.field.as_str()), (422, "text"));
    let e = rejected(
        orders
            .post_notes_by_id(&order.id, "x", 6, Default::default())
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.field.as_str()), (422, "count"));
    let four: Vec<String> = (0..4).map(|i| i.to_string()).collect();
    let e = rejected(
        orders
            .post_notes_by_id(
                &order.id,
                "x",
                1,
                OrdersPostNotesByIdOptions::default().with_tags(four),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.field.as_str()), (422, "tags"));
    let bad = Address {
        country: "FR".into(),
        lines: None,
    };
    let e = rejected(
        orders
            .post_notes_by_id(
                &order.id,
                "x",
                1,
                OrdersPostNotesByIdOptions::default().with_shipping(bad),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.field.as_str()), (422, "shipping.country"));
    assert!(e.message.contains("`shipping.country`"), "{}", e.message);

    // Nothing rejected reached the handler.
    let all = orders.get(Default::default()).await.unwrap();
    assert_eq!(all[0].notes.len(), 2);
}

#[tokio::test]
async fn malformed_form_bodies_are_rejected() {
    let base = start().await;
    let http = reqwest::Client::new();
    let c = client::Client::new(&base);
    let order = c
        .orders()
        .post(&OrderForm {
            lines: vec![line("a", 1)],
            shipping: None,
            gifts: None,
        })
        .await
        .unwrap();
    let url = format!("{base}/orders/{}/notes", order.id);
    let cases: &[(&str, u16, &str)] = &[
        // Missing required form parameter.
        (r#"{"count": 1}"#, 422, "text"),
        // Wrong JSON type.
        (r#"{"text": "x", "count": "one"}"#, 422, "count"),
        (r#"{"text": 5, "count": 1}"#, 422, "text"),
        // Unknown enum value.
        (
            r#"{"text": "x", "count": 1, "priority": "urgent"}"#,
            422,
            "priority",
        ),
        // Not a JSON object, not JSON at all, an empty body (no required parameters).
        ("[1, 2]", 400, "body"),
        ("text=x&count=1", 400, "body"),
        ("", 422, "text"),
    ];
    for (body, status, field) in cases {
        let r = http.post(&url).body(*body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), *status, "{body}");
        let e: ValidationError = r.json().await.unwrap();
        assert_eq!(e.field, *field, "{body}");
    }
    // `null` is absent; unknown fields are ignored.
    let r = http
        .post(&url)
        .body(r#"{"text": "x", "count": 1, "tags": null, "extra": [1]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn nested_bounds_name_the_full_path() {
    let base = start().await;
    let c = client::Client::new(&base);
    let orders = c.orders();
    let form = |lines: Vec<Line>| OrderForm {
        lines,
        shipping: None,
        gifts: None,
    };

    // A list of models: the element's index and field.
    let e = rejected(
        orders
            .post(&form(vec![line("a", 1), line("b", 0)]))
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.field.as_str()), (422, "lines[1].quantity"));
    assert_eq!(e.message, "`lines[1].quantity` must be at least 1");
    // String length inside a list element.
    let e = rejected(
        orders
            .post(&form(vec![line("a-very-long-sku", 1)]))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.field, "lines[0].sku");
    // Size of the top-level list.
    let e = rejected(orders.post(&form(vec![])).await.unwrap_err());
    assert_eq!(e.field, "lines");
    // A recursive model: bounds checked at every depth.
    let mut deep = line("a", 1);
    deep.parts = Some(vec![line("b", 1), {
        let mut inner = line("c", 1);
        inner.parts = Some(vec![line("d", 101)]);
        inner
    }]);
    let e = rejected(orders.post(&form(vec![deep.clone()])).await.unwrap_err());
    assert_eq!(e.field, "lines[0].parts[1].parts[0].quantity");
    // List size of a nested optional list.
    let mut wide = line("a", 1);
    wide.parts = Some(vec![line("b", 1); 4]);
    let e = rejected(orders.post(&form(vec![wide])).await.unwrap_err());
    assert_eq!(e.field, "lines[0].parts");
    // An optional nested model, and map values.
    let mut f = form(vec![line("a", 1)]);
    f.shipping = Some(Address {
        country: "FRA".into(),
        lines: Some(vec!["a".into(), "b".into(), "c".into()]),
    });
    let e = rejected(orders.post(&f).await.unwrap_err());
    assert_eq!(e.field, "shipping.lines");
    let mut f = form(vec![line("a", 1)]);
    f.gifts = Some(BTreeMap::from([("for bob".to_owned(), line("g", 0))]));
    let e = rejected(orders.post(&f).await.unwrap_err());
    assert_eq!(e.field, r#"gifts["for bob"].quantity"#);

    // A list body: the index alone heads the path.
    let o = orders.post(&form(vec![line("a", 1)])).await.unwrap();
    let e = rejected(
        orders
            .put_lines_by_id(&o.id, &[line("a", 1), line("b", 500)])
            .await
            .unwrap_err(),
    );
    assert_eq!(e.field, "[1].quantity");
    let o = orders
        .put_lines_by_id(&o.id, &[line("z", 7)])
        .await
        .unwrap();
    assert_eq!(o.lines, vec![line("z", 7)]);

    // Valid at every depth: accepted.
    deep.parts.as_mut().unwrap()[1].parts = Some(vec![line("d", 100)]);
    let o = orders.post(&form(vec![deep.clone()])).await.unwrap();
    assert_eq!(o.lines, vec![deep]);

    // Query parameters: string length, and a list's maximum is its element count.
    let http = reqwest::Client::new();
    for (query, field) in [("sku=a", "sku"), ("id=a&id=b&id=c&id=d", "id")] {
        let r = http
            .get(format!("{base}/orders?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422, "{query}");
        let e: ValidationError = r.json().await.unwrap();
        assert_eq!(e.field, field);
    }
    let found = orders
        .get(OrdersGetOptions::default().with_sku("ab").with_id([
            "o1".to_owned(),
            "o2".to_owned(),
            "o3".to_owned(),
        ]))
        .await;
    assert!(found.is_ok(), "{found:?}");
}
