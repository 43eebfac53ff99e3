//! Rendering a [`Trace`]: JSON (a stable contract), human text and the markdown data map
//! (handlebars templates), Graphviz dot.
//!
//! JSON shape (documented in README.md; keep it stable):
//! `{"annotation","fields":[{"service","model","field","file","line"}],"models":[{"service","model",
//! "via":[…]}],"operations":[{"service","method","path","direction":"request"|"response","status",
//! "via":[…]}],"events":[{"service","union","member","via":[…]}]}`. `status` is the response code as
//! a string (`"200"`, `"default"`), `null` for a request; a request carried by a parameter has the
//! parameter (`"query email"`) as the first element of `via`. A path longer than
//! [`super::MAX_VIA`] hops lists its first hops and adds `"via_hops"` (the full length) and
//! `"via_continues": {"service","type"}` (the type after the last hop listed, whose own `models`
//! entry continues the path when it is a model), so that the report stays linear in the repo.

use super::{labels, Direction, Hop, Trace, Via};
use crate::source::{Loc, SourceMap};
#[cfg(feature = "reports")]
use handlebars::Handlebars;
#[cfg(feature = "reports")]
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// File (display path) and 1-based line of a location.
pub fn file_line(sources: &SourceMap, loc: &Loc) -> (String, usize) {
    let f = sources.get(loc.file);
    let (line, _) = f.line_col(loc.span.start);
    (f.path.display().to_string(), line)
}

pub fn to_json(trace: &Trace, sources: &SourceMap) -> Value {
    json!({
        "annotation": trace.annotation,
        "fields": trace.fields.iter().map(|f| {
            let (file, line) = file_line(sources, &f.loc);
            json!({"service": f.service, "model": f.model, "field": f.field, "file": file, "line": line})
        }).collect::<Vec<_>>(),
        "models": trace.models.iter().map(|m| cut(json!({
            "service": m.service, "model": m.model, "via": labels(&m.via)
        }), &m.via)).collect::<Vec<_>>(),
        "operations": trace.operations.iter().map(|o| cut(json!({
            "service": o.service, "method": o.method, "path": o.path,
            "direction": o.direction.as_str(), "status": o.status, "via": o.via_labels()
        }), &o.via)).collect::<Vec<_>>(),
        "events": trace.events.iter().map(|e| cut(json!({
            "service": e.service, "union": e.union, "member": e.member, "via": labels(&e.via)
        }), &e.via)).collect::<Vec<_>>(),
    })
}

/// Adds `via_hops` and `via_continues` to an entry whose path is cut.
fn cut(mut entry: Value, via: &Via) -> Value {
    if let (Some((service, ty)), Some(o)) = (&via.continues, entry.as_object_mut()) {
        o.insert("via_hops".into(), via.len.into());
        o.insert(
            "via_continues".into(),
            json!({"service": service, "type": ty}),
        );
    }
    entry
}

pub fn render_json(trace: &Trace, sources: &SourceMap) -> String {
    serde_json::to_string_pretty(&to_json(trace, sources)).unwrap_or_default()
}

#[cfg(feature = "reports")]
/// What the human and markdown templates see.
#[derive(Serialize)]
struct View {
    annotation: String,
    /// With `--against`: the revision compared with (only new flows are listed).
    against: Option<String>,
    counts: Counts,
    storage_known: bool,
    services: Vec<ServiceView>,
    /// Services that neither declare, receive, return, emit nor store the data.
    clean: Vec<String>,
}

#[cfg(feature = "reports")]
#[derive(Serialize)]
struct Counts {
    fields: usize,
    models: usize,
    operations: usize,
    events: usize,
    tables: usize,
}

#[cfg(feature = "reports")]
#[derive(Serialize, Default)]
struct ServiceView {
    name: String,
    model_count: usize,
    fields: Vec<Row>,
    models: Vec<Row>,
    receives: Vec<Row>,
    returns: Vec<Row>,
    emits: Vec<Row>,
    stores: Vec<Row>,
}

#[cfg(feature = "reports")]
#[derive(Serialize)]
struct Row {
    /// What: `user.email`, `POST /users`, `user_event[user_upserted]`.
    what: String,
    /// How (body, parameter, status), when it applies.
    how: String,
    via: String,
    /// The personal data it reaches: every annotated field behind it.
    data: Vec<String>,
    file: String,
    line: usize,
}

#[cfg(feature = "reports")]
fn arrow(via: &[String]) -> String {
    via.join(" → ")
}

#[cfg(feature = "reports")]
/// The labels of a path as shown, ending with what was cut: `… (9,990 more hops, via m10)`.
fn shown(mut labels: Vec<String>, via: &Via) -> Vec<String> {
    if let Some((_, ty)) = &via.continues {
        labels.push(format!("… ({} more hop(s), continues at {ty})", via.more()));
    }
    labels
}

#[cfg(feature = "reports")]
fn view(trace: &Trace, sources: &SourceMap, against: Option<&str>) -> View {
    let mut services: Vec<ServiceView> = trace
        .services
        .iter()
        .map(|s| ServiceView {
            name: s.clone(),
            ..ServiceView::default()
        })
        .collect();
    let mut at = |name: &str| -> usize {
        match services.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                services.push(ServiceView {
                    name: name.to_string(),
                    ..ServiceView::default()
                });
                services.len() - 1
            }
        }
    };
    let row =
        |what: String, how: String, via: Vec<String>, data: Vec<String>, loc: Option<&Loc>| {
            let (file, line) = loc.map(|l| file_line(sources, l)).unwrap_or_default();
            Row {
                what,
                how,
                via: arrow(&via),
                data,
                file,
                line,
            }
        };
    let mut rows: Vec<(usize, u8, Row)> = Vec::new();
    for f in &trace.fields {
        let what = format!("{}.{}", f.model, f.field);
        rows.push((
            at(&f.service),
            0,
            row(
                what.clone(),
                String::new(),
                vec![],
                vec![what],
                Some(&f.loc),
            ),
        ));
    }
    for m in &trace.models {
        rows.push((
            at(&m.service),
            1,
            row(
                m.model.clone(),
                String::new(),
                shown(labels(&m.via), &m.via),
                trace.data(&m.via, false),
                Some(&m.loc),
            ),
        ));
    }
    for o in &trace.operations {
        let (kind, how) = match o.direction {
            Direction::Request => (2, o.carrier.clone()),
            Direction::Response => (3, o.status.clone().unwrap_or_default()),
        };
        rows.push((
            at(&o.service),
            kind,
            row(
                format!("{} {}", o.method, o.path),
                how,
                shown(o.via_labels(), &o.via),
                trace.data(&o.via, o.is_parameter()),
                Some(&o.loc),
            ),
        ));
    }
    for e in &trace.events {
        rows.push((
            at(&e.service),
            4,
            row(
                format!("{}[{}]", e.union, e.member),
                String::new(),
                shown(labels(&e.via), &e.via),
                trace.data(&e.via, false),
                Some(&e.loc),
            ),
        ));
    }
    for t in &trace.tables {
        rows.push((
            at(&t.service),
            5,
            row(
                t.table.clone(),
                t.model.clone(),
                // Columns are a list, not a path: one label, comma-separated.
                vec![t.columns.join(", ")],
                Vec::new(),
                None,
            ),
        ));
    }
    for (i, kind, r) in rows {
        let s = &mut services[i];
        match kind {
            0 => s.fields.push(r),
            1 => {
                s.models.push(r);
                s.model_count += 1;
            }
            2 => s.receives.push(r),
            3 => s.returns.push(r),
            4 => s.emits.push(r),
            _ => s.stores.push(r),
        }
    }
    let (busy, clean): (Vec<_>, Vec<_>) = services.into_iter().partition(|s| {
        !(s.fields.is_empty()
            && s.models.is_empty()
            && s.receives.is_empty()
            && s.returns.is_empty()
            && s.emits.is_empty()
            && s.stores.is_empty())
    });
    View {
        annotation: trace.annotation.clone(),
        against: against.map(str::to_string),
        counts: Counts {
            fields: trace.fields.len(),
            models: trace.models.len(),
            operations: trace.operations.len(),
            events: trace.events.len(),
            tables: trace.tables.len(),
        },
        storage_known: !trace.tables.is_empty(),
        services: busy,
        clean: if against.is_some() {
            Vec::new()
        } else {
            clean.into_iter().map(|s| s.name).collect()
        },
    }
}

#[cfg(feature = "reports")]
const HUMAN: &str = "{{#if against}}new since {{against}}: {{/if}}{{annotation}}: {{counts.fields}} annotated field(s), {{counts.models}} model(s), {{counts.operations}} operation flow(s), {{counts.events}} event(s)
{{#each services}}

{{name}}
{{#if fields}}  declares
{{#each fields}}    {{what}}  ({{file}}:{{line}})
{{/each}}{{/if}}{{#if models}}  models
{{#each models}}    {{what}}  via {{via}}
{{/each}}{{/if}}{{#if receives}}  receives
{{#each receives}}    {{what}} [{{how}}]  via {{via}}  ({{file}}:{{line}})
{{/each}}{{/if}}{{#if returns}}  returns
{{#each returns}}    {{what}} [{{how}}]  via {{via}}  ({{file}}:{{line}})
{{/each}}{{/if}}{{#if emits}}  emits
{{#each emits}}    {{what}}  via {{via}}  ({{file}}:{{line}})
{{/each}}{{/if}}{{#if stores}}  stores
{{#each stores}}    {{what}} ({{how}}): {{via}}
{{/each}}{{/if}}{{/each}}{{#if clean}}
no {{annotation}}: {{#each clean}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}
{{/if}}";

#[cfg(feature = "reports")]
const MARKDOWN: &str = "{{#if against}}# New flows of `{{annotation}}` since `{{against}}`

{{#if services}}Personal data now flows where it did not before: {{counts.fields}} newly annotated field(s), {{counts.models}} model(s), {{counts.operations}} operation flow(s), {{counts.events}} event(s). Please review.
{{else}}No new flows.
{{/if}}{{else}}# Data map: `{{annotation}}`

{{counts.fields}} annotated field(s) reach {{counts.models}} model(s), {{counts.operations}} operation flow(s) and {{counts.events}} event(s).
{{#unless storage_known}}Storage is not known: no data-access mapping describes which tables hold these models.
{{/unless}}{{/if}}
{{#each services}}## Service `{{name}}`

{{#if fields}}### Personal data it declares

| field | where |
|---|---|
{{#each fields}}| `{{what}}` | `{{file}}:{{line}}` |
{{/each}}

{{/if}}{{#if receives}}### Receives

| operation | in | personal data | via |
|---|---|---|---|
{{#each receives}}| `{{what}}` | {{how}} | {{#each data}}{{#unless @first}}, {{/unless}}`{{this}}`{{/each}} | {{cell via}} |
{{/each}}

{{/if}}{{#if returns}}### Returns

| operation | status | personal data | via |
|---|---|---|---|
{{#each returns}}| `{{what}}` | {{how}} | {{#each data}}{{#unless @first}}, {{/unless}}`{{this}}`{{/each}} | {{cell via}} |
{{/each}}

{{/if}}{{#if emits}}### Emits

| event | personal data | via |
|---|---|---|
{{#each emits}}| `{{what}}` | {{#each data}}{{#unless @first}}, {{/unless}}`{{this}}`{{/each}} | {{cell via}} |
{{/each}}

{{/if}}{{#if stores}}### Stores

| table | model | columns |
|---|---|---|
{{#each stores}}| `{{what}}` | `{{how}}` | {{cell via}} |
{{/each}}

{{/if}}{{#if models}}<details><summary>{{model_count}} model(s) that carry it</summary>

| model | via |
|---|---|
{{#each models}}| `{{what}}` | {{cell via}} |
{{/each}}

</details>

{{/if}}{{/each}}{{#if clean}}## Services without `{{annotation}}`

{{#each clean}}- `{{this}}`
{{/each}}{{/if}}";

#[cfg(feature = "reports")]
fn registry() -> Handlebars<'static> {
    let mut h = crate::report::templates();
    h.register_template_string("human", HUMAN)
        .expect("human template");
    h.register_template_string("markdown", MARKDOWN)
        .expect("markdown template");
    h
}

#[cfg(feature = "reports")]
fn render(name: &str, trace: &Trace, sources: &SourceMap, against: Option<&str>) -> String {
    registry()
        .render(name, &view(trace, sources, against))
        .unwrap_or_else(|e| format!("template error: {e}\n"))
}

#[cfg(feature = "reports")]
pub fn render_human(trace: &Trace, sources: &SourceMap) -> String {
    render("human", trace, sources, None)
}

#[cfg(feature = "reports")]
pub fn render_markdown(trace: &Trace, sources: &SourceMap) -> String {
    render("markdown", trace, sources, None)
}

#[cfg(feature = "reports")]
/// The new flows of [`super::against::new_flows`], as text.
pub fn render_human_against(flows: &Trace, sources: &SourceMap, rev: &str) -> String {
    render("human", flows, sources, Some(rev))
}

#[cfg(feature = "reports")]
/// The new flows of [`super::against::new_flows`], as markdown for a pull request.
pub fn render_markdown_against(flows: &Trace, sources: &SourceMap, rev: &str) -> String {
    render("markdown", flows, sources, Some(rev))
}

/// A dot string literal.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Graphviz: one cluster per service; types, annotated fields, operations and events as nodes;
/// an edge for every step of every via path.
pub fn render_dot(trace: &Trace) -> String {
    let mut g = Graph::default();
    for f in &trace.fields {
        let label = format!("{}.{}", f.model, f.field);
        g.node(&f.service, format!("{}::{label}", f.service), label, "note");
    }
    for m in &trace.models {
        g.chain(&m.via);
    }
    for o in &trace.operations {
        let label = format!("{} {}", o.method, o.path);
        let id = format!("{}::{label}", o.service);
        g.node(&o.service, id.clone(), label, "ellipse");
        let how = match o.direction {
            Direction::Request => o.carrier.clone(),
            Direction::Response => o.status.clone().unwrap_or_default(),
        };
        g.enter(id, how, &o.via);
    }
    for e in &trace.events {
        let label = format!("{}[{}]", e.union, e.member);
        let id = format!("{}::{label}", e.service);
        g.node(&e.service, id.clone(), label, "hexagon");
        g.enter(id, "emits".into(), &e.via);
    }
    g.render(&trace.annotation)
}

#[derive(Default)]
struct Graph {
    /// (service, node id, label, shape)
    nodes: BTreeSet<(String, String, String, &'static str)>,
    /// (from, to, label)
    edges: BTreeSet<(String, String, String)>,
}

impl Graph {
    fn node(&mut self, service: &str, id: String, label: String, shape: &'static str) {
        self.nodes.insert((service.to_string(), id, label, shape));
    }

    fn type_node(&mut self, h: &Hop) -> String {
        let id = format!("{}::{}", h.service, h.owner);
        self.node(&h.service, id.clone(), h.owner.clone(), "box");
        id
    }

    /// Edges along a via path, from its first type to the annotated field.
    fn chain(&mut self, hops: &[Hop]) {
        for (i, h) in hops.iter().enumerate() {
            let from = self.type_node(h);
            let to = match hops.get(i + 1) {
                Some(next) => self.type_node(next),
                None => format!("{}::{}", h.service, h.label),
            };
            self.edges.insert((from, to, step_name(h)));
        }
    }

    /// An edge from an operation or event into a via path, then the path.
    fn enter(&mut self, from: String, label: String, hops: &[Hop]) {
        if let Some(first) = hops.first() {
            let to = self.type_node(first);
            self.edges.insert((from, to, label));
        }
        self.chain(hops);
    }

    fn render(&self, annotation: &str) -> String {
        let mut out = format!(
            "digraph {} {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n",
            q(&format!("trace {annotation}"))
        );
        let services: BTreeSet<&String> = self.nodes.iter().map(|n| &n.0).collect();
        for (i, s) in services.iter().enumerate() {
            out.push_str(&format!("  subgraph cluster_{i} {{\n    label={};\n", q(s)));
            for (_, id, label, shape) in self.nodes.iter().filter(|n| &&n.0 == s) {
                let style = if *shape == "note" {
                    ", style=filled, fillcolor=\"#f8d7da\""
                } else {
                    ""
                };
                out.push_str(&format!(
                    "    {} [label={}, shape={shape}{style}];\n",
                    q(id),
                    q(label)
                ));
            }
            out.push_str("  }\n");
        }
        for (from, to, label) in &self.edges {
            out.push_str(&format!(
                "  {} -> {} [label={}];\n",
                q(from),
                q(to),
                q(label)
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// The field or member name of a step (`customer` of `order.customer`, `card` of
/// `payment_method[card]`).
fn step_name(h: &Hop) -> String {
    match h.label.split_once('[') {
        Some((_, m)) => m.trim_end_matches(']').to_string(),
        None => h
            .label
            .split_once('.')
            .map(|(_, f)| f.to_string())
            .unwrap_or_default(),
    }
}
