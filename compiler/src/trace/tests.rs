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

/// A chain `m0.next: m1 … m{n-1}.email`: every model carries the data through all the others.
fn chain(n: usize) -> String {
    let models: Vec<String> = (0..n)
        .map(|i| {
            let field = if i + 1 < n {
                format!(r#"{{"name": "next", "type": "m{}"}}"#, i + 1)
            } else {
                r#"{"name": "email", "type": "string", "annotations": ["personal_data"]}"#.into()
            };
            format!(r#""m{i}": {{"fields": [{field}]}}"#)
        })
        .collect();
    format!(
        r#"{{"name": "chain", "annotations": {{"personal_data": {{}}}}, "models": {{{}}}}}"#,
        models.join(",")
    )
}

#[test]
fn long_chains_share_their_paths_and_reports_stay_bounded() {
    let n = 3_000;
    let checked = load(&[("chain.json", chain(n))]);
    let t = trace(&checked.repo, &TraceOptions::default());
    assert_eq!(t.models.len(), n);
    let m0 = t.models.iter().find(|m| m.model == "m0").unwrap();
    assert_eq!(m0.via.len, n, "the full length is known");
    assert_eq!(m0.via.hops.len(), MAX_VIA, "only the first hops are listed");
    assert_eq!(labels(&m0.via)[0], "m0.next");
    assert_eq!(
        m0.via.continues,
        Some(("chain".to_string(), format!("m{MAX_VIA}"))),
        "the path continues at the type after the last hop"
    );
    let last = t
        .models
        .iter()
        .find(|m| m.model == format!("m{}", n - 1))
        .unwrap();
    assert_eq!(labels(&last.via), vec![format!("m{}.email", n - 1)]);
    assert_eq!(last.via.continues, None);
    // Every model reaches the one annotated field.
    assert_eq!(t.data(&m0.via, false), vec![format!("m{}.email", n - 1)]);
    // The JSON report is linear: at most MAX_VIA hops per entry.
    let json = render::render_json(&t, &checked.sources);
    assert!(json.len() < n * 600, "{} bytes for {n} models", json.len());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let e0 = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "m0")
        .unwrap();
    assert_eq!(e0["via_hops"], n);
    assert_eq!(e0["via_continues"]["type"], format!("m{MAX_VIA}"));
    assert_eq!(e0["via"].as_array().unwrap().len(), MAX_VIA);
    let human = render::render_human(&t, &checked.sources);
    assert!(human.contains(&format!(
        "… ({} more hop(s), continues at m{MAX_VIA})",
        n - MAX_VIA
    )));
}

#[test]
fn reached_fields_are_shared_through_cycles() {
    // a ⇄ b, a holds person (email), b holds secret_box (pin annotated personal_data too).
    let t = run(&[(
        "people.json",
        api(
            r#""a": {"fields": [{"name": "b", "type": "b"}, {"name": "p", "type": "person"}]},
               "b": {"fields": [{"name": "a", "type": "[a]"}, {"name": "s", "type": "secret_box"}]},
               "secret_box": {"fields": [{"name": "code", "type": "string", "annotations": ["personal_data"]}]},
               "top": {"fields": [{"name": "b", "type": "b"}]}"#,
            "",
            "",
        ),
    )]);
    let via = |m: &str| t.models.iter().find(|x| x.model == m).unwrap().via.clone();
    for m in ["a", "b", "top"] {
        assert_eq!(
            t.data(&via(m), false),
            vec!["person.email".to_string(), "secret_box.code".to_string()],
            "{m}"
        );
    }
    assert_eq!(labels(&via("top")), vec!["top.b", "b.s", "secret_box.code"]);
}
