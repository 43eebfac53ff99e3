use super::*;
use crate::{check_sources, Checked, Options};
use std::path::PathBuf;

fn load(files: &[(&str, String)]) -> Checked {
    let checked = check_sources(
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.clone()))
            .collect(),
        &Options::default(),
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked
}

fn run(files: &[(&str, String)]) -> Trace {
    trace(&load(files).repo, &TraceOptions::default())
}

/// A spec `people` with model `person` (`email` is personal data) plus the given models, unions
/// and resources (JSON object members, without braces).
fn api(models: &str, unions: &str, resources: &str) -> String {
    let sep = |s: &str| if s.is_empty() { "" } else { "," };
    format!(
        r#"{{"name": "people",
  "annotations": {{"personal_data": {{}}, "secret": {{}}}},
  "models": {{
    "person": {{"fields": [
      {{"name": "id", "type": "string"}},
      {{"name": "email", "type": "string", "annotations": ["personal_data"]}},
      {{"name": "pin", "type": "string", "annotations": ["secret"]}}]}}{} {models}
  }},
  "unions": {{ {unions} }},
  "resources": {{ {resources} }}
}}"#,
        sep(models)
    )
}

fn model_via(t: &Trace, model: &str) -> Option<Vec<String>> {
    t.models
        .iter()
        .find(|m| m.model == model)
        .map(|m| labels(&m.via))
}

fn v(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| s.to_string()).collect())
}

#[test]
fn recursion_terminates_and_taints_only_what_reaches_the_field() {
    let t = run(&[(
        "a.json",
        api(
            r#""tree": {"fields": [{"name": "children", "type": "[tree]"}, {"name": "owner", "type": "person"}]},
    "chain": {"fields": [{"name": "next", "type": "chain", "required": false}]},
    "a_b": {"fields": [{"name": "b", "type": "b_a", "required": false}]},
    "b_a": {"fields": [{"name": "a", "type": "a_b", "required": false}, {"name": "p", "type": "person"}]}"#,
            "",
            "",
        ),
    )]);
    assert_eq!(model_via(&t, "tree"), v(&["tree.owner", "person.email"]));
    assert_eq!(
        model_via(&t, "chain"),
        None,
        "a cycle with no personal data"
    );
    assert_eq!(model_via(&t, "a_b"), v(&["a_b.b", "b_a.p", "person.email"]));
    assert_eq!(model_via(&t, "person"), v(&["person.email"]));
}

#[test]
fn the_shortest_path_wins_then_declaration_order() {
    let t = run(&[(
        "a.json",
        api(
            r#""deep": {"fields": [{"name": "wrapper", "type": "wrapper"}, {"name": "direct", "type": "person"}]},
    "wrapper": {"fields": [{"name": "inner", "type": "person"}]},
    "twin": {"fields": [{"name": "second", "type": "[person]"}, {"name": "first", "type": "person"}]}"#,
            "",
            "",
        ),
    )]);
    assert_eq!(model_via(&t, "deep"), v(&["deep.direct", "person.email"]));
    assert_eq!(model_via(&t, "twin"), v(&["twin.second", "person.email"]));
}

#[test]
fn unions_maps_and_events() {
    let t = run(&[(
        "a.json",
        api(
            r#""company": {"fields": [{"name": "vat", "type": "string"}]},
    "ledger": {"fields": [{"name": "by_id", "type": "map[party]"}]},
    "person_upserted": {"fields": [{"name": "person", "type": "person"}]},
    "company_upserted": {"fields": [{"name": "company", "type": "company"}]}"#,
            r#""party": {"discriminator": "type", "types": [{"type": "company"}, {"type": "person"}]},
    "thing_event": {"discriminator": "type", "types": [{"type": "company_upserted"}, {"type": "person_upserted"}]},
    "thing_notice": {"discriminator": "type", "types": [{"type": "person_upserted"}]}"#,
            "",
        ),
    )]);
    assert_eq!(
        model_via(&t, "ledger"),
        v(&["ledger.by_id", "party[person]", "person.email"])
    );
    assert_eq!(model_via(&t, "company"), None);
    let events: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.union.as_str(), e.member.as_str(), labels(&e.via)))
        .collect();
    assert_eq!(
        events,
        vec![(
            "thing_event",
            "person_upserted",
            vec!["person_upserted.person".to_string(), "person.email".into()]
        )],
        "only `*_event` unions are events, and only members that carry the data"
    );
}

#[test]
fn operations_accept_and_return_per_status_and_parameters_count() {
    let t = run(&[(
        "a.json",
        api(
            r#""person_form": {"fields": [{"name": "email", "type": "string", "annotations": ["personal_data"]}]},
    "error": {"fields": [{"name": "code", "type": "string"}]}"#,
            "",
            r#""person": {"operations": [
      {"method": "GET", "parameters": [
        {"name": "email", "type": "string", "required": false},
        {"name": "limit", "type": "long", "required": false}],
       "responses": {"200": {"type": "[person]"}, "default": {"type": "person"}, "400": {"type": "error"}}},
      {"method": "POST", "body": {"type": "person_form"}, "responses": {"201": {"type": "person"}}},
      {"method": "DELETE", "path": "/:id", "responses": {"204": {"type": "unit"}}}
    ]}"#,
        ),
    )]);
    let ops: Vec<_> = t
        .operations
        .iter()
        .map(|o| {
            (
                format!("{} {}", o.method, o.path),
                o.direction,
                o.status.clone(),
                o.via_labels(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        ops,
        vec![
            (
                s("GET /people"),
                Direction::Request,
                None,
                vec![s("query email"), s("person.email")]
            ),
            (
                s("GET /people"),
                Direction::Response,
                Some(s("200")),
                vec![s("person.email")]
            ),
            (
                s("GET /people"),
                Direction::Response,
                Some(s("default")),
                vec![s("person.email")]
            ),
            (
                s("POST /people"),
                Direction::Request,
                None,
                vec![s("person_form.email")]
            ),
            (
                s("POST /people"),
                Direction::Response,
                Some(s("201")),
                vec![s("person.email")]
            ),
        ]
    );
}

#[test]
fn imports_across_services() {
    let people = api("", "", "");
    let orders = r#"{"name": "orders",
  "imports": [{"uri": "https://app.apibuilder.io/acme/people/latest/service.json"}],
  "models": {"order": {"fields": [{"name": "buyer", "type": "people.v0.models.person"}]}},
  "resources": {"order": {"operations": [{"method": "GET", "path": "/:id", "responses": {"200": {"type": "order"}, "404": {"type": "unit"}}}]}}
}"#
    .to_string();
    let t = run(&[("people.json", people), ("orders.json", orders)]);
    assert_eq!(t.services, vec!["orders".to_string(), "people".into()]);
    assert_eq!(model_via(&t, "order"), v(&["order.buyer", "person.email"]));
    let m = t.models.iter().find(|m| m.model == "order").unwrap();
    assert_eq!(m.via[1].service, "people", "the hop knows its service");
    assert_eq!(t.operations.len(), 1);
    assert_eq!(t.operations[0].service, "orders");
}

#[test]
fn another_annotation_and_none_at_all() {
    let checked = load(&[(
        "a.json",
        api(
            r#""holder": {"fields": [{"name": "p", "type": "person"}]}"#,
            "",
            "",
        ),
    )]);
    let secret = trace(
        &checked.repo,
        &TraceOptions {
            annotation: "secret".into(),
            storage: None,
        },
    );
    assert_eq!(model_via(&secret, "holder"), v(&["holder.p", "person.pin"]));
    assert_eq!(secret.fields.len(), 1);
    let none = trace(
        &checked.repo,
        &TraceOptions {
            annotation: "nothing".into(),
            storage: None,
        },
    );
    assert!(none.is_empty() && none.models.is_empty() && none.operations.is_empty());
}

struct OneTable;

impl StorageMap for OneTable {
    fn table(&self, repo: &Repo, model: TypeId) -> Option<Table> {
        (repo.type_name(model) == "person").then(|| Table {
            name: "people".into(),
            columns: vec![
                ("id".into(), "id".into()),
                ("email".into(), "email_address".into()),
            ],
            journal: None,
        })
    }
}

#[test]
fn a_storage_map_lists_tables_and_only_personal_columns() {
    let checked = load(&[("a.json", api("", "", ""))]);
    let t = trace(
        &checked.repo,
        &TraceOptions {
            annotation: DEFAULT_ANNOTATION.into(),
            storage: Some(&OneTable),
        },
    );
    assert_eq!(
        t.tables,
        vec![TableEntry {
            service: "people".into(),
            model: "person".into(),
            table: "people".into(),
            columns: vec!["email_address".into()],
        }]
    );
}

#[test]
fn new_flows_ignore_via_changes_and_report_additions() {
    let old = run(&[(
        "a.json",
        api(
            r#""holder": {"fields": [{"name": "p", "type": "[person]"}]}"#,
            "",
            "",
        ),
    )]);
    let new = run(&[(
        "a.json",
        api(
            r#""holder": {"fields": [{"name": "q", "type": "person"}]},
    "extra": {"fields": [{"name": "p", "type": "person"}]}"#,
            "",
            "",
        ),
    )]);
    let flows = against::new_flows(&old, &new);
    let names: Vec<_> = flows.models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, vec!["extra"]);
    assert!(against::any(&flows));
    assert!(!against::any(&against::new_flows(&new, &new)));
}

#[test]
fn renderings_are_deterministic_and_json_has_the_stable_shape() {
    let checked = load(&[("a.json", api("", "", ""))]);
    let t = trace(&checked.repo, &TraceOptions::default());
    let j = render::to_json(&t, &checked.sources);
    let keys: Vec<_> = j.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        vec!["annotation", "fields", "models", "operations", "events"]
    );
    assert_eq!(j["fields"][0]["line"], 6);
    assert_eq!(render::render_dot(&t), render::render_dot(&t));
    assert!(render::render_markdown(&t, &checked.sources).contains("`person.email`"));
}

#[test]
fn data_lists_every_annotated_field_behind_an_entry() {
    let t = run(&[(
        "a.json",
        api(
            r#""card": {"fields": [{"name": "holder", "type": "person"}, {"name": "cvc", "type": "string", "annotations": ["personal_data"]}]},
    "order": {"fields": [{"name": "buyer", "type": "person"}, {"name": "cards", "type": "[card]"}, {"name": "next", "type": "order", "required": false}]}"#,
            "",
            r#""order": {"operations": [{"method": "GET", "path": "/:id", "responses": {"200": {"type": "order"}, "404": {"type": "unit"}}}]}"#,
        ),
    )]);
    let op = &t.operations[0];
    assert_eq!(labels(&op.via), vec!["order.buyer", "person.email"]);
    assert_eq!(t.data(&op.via, false), vec!["card.cvc", "person.email"]);
}
