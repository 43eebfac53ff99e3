//! The personal-data trace: where the values of annotated fields (default `personal_data`) flow
//! through an api repo.
//!
//! [`trace`] reads only the resolved IR. It starts from the fields that carry the annotation and
//! walks the type graph backwards: a model (or union, or interface) is *tainted* when one of its
//! fields, or one of its union members, has a type that reaches an annotated field, through nested
//! models, arrays, maps, unions and imports across the services of the repo. The walk is a
//! breadth-first search from the annotated fields over the repo's type graph
//! ([`crate::graph::TypeGraph`]), so it terminates on recursive types and gives every tainted type
//! its shortest `via` path; among paths of equal length the first field (or union member) in
//! declaration order wins, which makes the result deterministic. The work is linear in the size of
//! the repo: paths are shared (each type keeps only its first step) and reported up to
//! [`MAX_VIA`] hops, with their full length and the type where they continue.
//!
//! From the tainted set it lists:
//! - operations that **accept** personal data: a body or parameter (path, query, header, form)
//!   whose type is tainted; and a parameter named like an annotated field of the resource's own
//!   model (`GET /users?email=` on resource `user` whose `email` is annotated). API Builder
//!   parameters take no `annotations` key, so the field of the same name is where the annotation
//!   lives;
//! - operations that **return** it, one entry per response status;
//! - **events**: members of event unions (unions named `*_event`) that carry it;
//! - **stores**: tables and columns, through the [`StorageMap`] extension point (see there).
//!
//! Types of imported services that are not in the repo are opaque (taken on trust): the trace
//! cannot see into them. Output order is fixed: services by name (then namespace), models by name,
//! fields, operations and events in declaration order.

pub mod against;
pub mod render;

use crate::ir::{
    Location, Operation, Parameter, Repo, Resource, ResponseCode, Service, ServiceId, TypeId,
    TypeKind, TypeRef,
};
use crate::source::Loc;
use std::collections::HashMap;
use std::sync::Arc;

/// The annotation traced when none is given.
pub const DEFAULT_ANNOTATION: &str = "personal_data";

/// Options of [`trace`].
pub struct TraceOptions<'a> {
    /// The annotation that marks the fields to trace.
    pub annotation: String,
    /// Where models are stored, when a data-access mapping is known (see [`StorageMap`]).
    pub storage: Option<&'a dyn StorageMap>,
}

impl Default for TraceOptions<'_> {
    fn default() -> Self {
        TraceOptions {
            annotation: DEFAULT_ANNOTATION.to_string(),
            storage: None,
        }
    }
}

impl std::fmt::Debug for TraceOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceOptions")
            .field("annotation", &self.annotation)
            .field("storage", &self.storage.is_some())
            .finish()
    }
}

/// The extension point for data at rest: which table and columns hold a model.
///
/// The specs say nothing about storage; a data-access layer that maps models to tables (generated
/// data-access code, planned) implements this trait and passes it in [`TraceOptions::storage`].
/// For every tainted model the trace then lists the table and the columns whose field is tainted
/// ([`Trace::tables`]). Without a mapping the list is empty and the reports say that storage is
/// not known.
pub trait StorageMap {
    /// The table that stores `model`, and the column of each field (by field name) that has one.
    fn table(&self, repo: &Repo, model: TypeId) -> Option<Table>;
}

/// A table as a [`StorageMap`] describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// `(field name, column name)` pairs.
    pub columns: Vec<(String, String)>,
    /// The table that keeps the history of every row (a journal), listed as storing the same
    /// columns: personal data lives on there after the row changes.
    pub journal: Option<String>,
}

/// The result of [`trace`].
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub annotation: String,
    /// Every service of the repo, in output order.
    pub services: Vec<String>,
    /// The annotated fields: where the trace starts.
    pub fields: Vec<FieldEntry>,
    /// Every tainted model.
    pub models: Vec<ModelEntry>,
    /// Operations that accept or return personal data.
    pub operations: Vec<OperationEntry>,
    /// Event union members that carry personal data.
    pub events: Vec<EventEntry>,
    /// Tables and columns that store personal data (empty without a [`StorageMap`]).
    pub tables: Vec<TableEntry>,
    /// Every annotated field (`user.email`) a tainted type reaches, by `(service, type)`, for the
    /// types that start a via path above; sorted.
    pub reaches: HashMap<(String, String), Vec<String>>,
}

impl Trace {
    /// The annotated fields an entry's via path can reach: all those of its first type, or, for
    /// a parameter named after a field, that field.
    pub fn data(&self, via: &[Hop], parameter: bool) -> Vec<String> {
        match via.first() {
            Some(h) if parameter && via.len() == 1 && h.label.contains('.') => {
                vec![h.label.clone()]
            }
            Some(h) => self
                .reaches
                .get(&(h.service.clone(), h.owner.clone()))
                .cloned()
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldEntry {
    pub service: String,
    /// The model (or interface) declaring the field.
    pub model: String,
    pub field: String,
    pub loc: Loc,
}

/// One step of a via path: a field (or union member) of a type that leads towards an annotated
/// field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hop {
    /// The service declaring `owner`.
    pub service: String,
    /// The model, union or interface the step leaves from.
    pub owner: String,
    /// `order.customer`, or `payment_method[card]` for a union member.
    pub label: String,
}

/// The labels of a via path.
pub fn labels(hops: &[Hop]) -> Vec<String> {
    hops.iter().map(|h| h.label.clone()).collect()
}

/// Via paths are cut after this many hops: a path is shared by every type on it (each tainted
/// model has its own entry, whose via continues the path), so reports stay linear in the size of
/// the repo however long the chains of types are.
pub const MAX_VIA: usize = 10;

/// A via path: its first [`MAX_VIA`] hops, its full length, and where it continues when cut.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Via {
    pub hops: Vec<Hop>,
    /// The number of hops of the whole path (`hops.len()` unless cut).
    pub len: usize,
    /// The type after the last hop listed, when the path is cut: `(service, type)`.
    pub continues: Option<(String, String)>,
}

impl Via {
    /// A path that is not cut.
    pub fn full(hops: Vec<Hop>) -> Via {
        Via {
            len: hops.len(),
            hops,
            continues: None,
        }
    }
    /// The hops not listed.
    pub fn more(&self) -> usize {
        self.len - self.hops.len()
    }
}

impl std::ops::Deref for Via {
    type Target = [Hop];
    fn deref(&self) -> &[Hop] {
        &self.hops
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelEntry {
    pub service: String,
    pub model: String,
    pub via: Via,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// The client sends it (body or parameter).
    Request,
    /// The service returns it.
    Response,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationEntry {
    pub service: String,
    /// Upper-case HTTP method as written.
    pub method: String,
    pub path: String,
    pub direction: Direction,
    /// The response status (`200`, `default`); `None` for requests.
    pub status: Option<String>,
    /// What carries it: `body`, a parameter (`query email`), or `response`.
    pub carrier: String,
    pub via: Via,
    /// The body, parameter or response.
    pub loc: Loc,
}

impl OperationEntry {
    /// Whether a parameter carries it.
    pub fn is_parameter(&self) -> bool {
        self.carrier != "body" && self.carrier != "response"
    }
    /// The via path as printed: a parameter's entry starts with the parameter (`query email`).
    pub fn via_labels(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.via.len() + 1);
        if self.is_parameter() {
            out.push(self.carrier.clone());
        }
        out.extend(labels(&self.via));
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventEntry {
    pub service: String,
    pub union: String,
    /// The member's discriminator value.
    pub member: String,
    pub via: Via,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    pub service: String,
    pub model: String,
    pub table: String,
    /// Columns holding personal data.
    pub columns: Vec<String>,
}

impl Trace {
    /// Nothing carries the annotation.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// One outgoing edge of a type: a field or a union member.
struct Step {
    /// `order.customer`, `payment_method[card]`.
    label: String,
    /// The field carries the annotation itself.
    direct: bool,
    /// The type its value has, when declared in the repo.
    target: Option<TypeId>,
}

/// How a tainted type reaches the annotation: the first step of its shortest path.
#[derive(Clone, Copy, Debug)]
struct Best {
    /// Index of the chosen step.
    step: usize,
    /// That step's target (`None` when the step is the annotated field).
    next: Option<TypeId>,
    /// Length of the shortest path, in hops.
    hops: usize,
}

/// The tainted types of a repo: for each, the first step of its shortest path, and the annotated
/// fields it reaches.
///
/// Computed in time linear in the types and fields of the repo (plus, for the reached fields, the
/// size of the sets): the path lengths by a breadth-first search backwards over the repo's
/// [`TypeGraph`](crate::graph::TypeGraph) from the owners of annotated fields, each type's step
/// from the lengths, the reached fields per strongly connected component of the tainted types (a
/// component that adds nothing shares its successor's set). Paths are never materialized in full:
/// [`Taint::via`] lists at most [`MAX_VIA`] hops.
pub struct Taint {
    best: HashMap<TypeId, Best>,
    steps: HashMap<TypeId, Vec<Step>>,
    /// Per tainted type: the annotated fields it reaches, as indices into `labels`, ascending.
    reach: HashMap<TypeId, Arc<[u32]>>,
    /// Labels of the annotated fields (`user.email`), sorted and distinct.
    labels: Vec<String>,
}

impl Taint {
    /// Computes the tainted types for `annotation`.
    pub fn compute(repo: &Repo, annotation: &str) -> Taint {
        let mut steps: HashMap<TypeId, Vec<Step>> = HashMap::new();
        let mut interfaces: Vec<TypeId> = Vec::new();
        for sid in repo.service_ids() {
            let s = repo.service(sid);
            let owners =
                s.models
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (TypeKind::Model, i, m.name.as_str(), m.fields.as_slice()))
                    .chain(s.interfaces.iter().enumerate().map(|(i, m)| {
                        (TypeKind::Interface, i, m.name.as_str(), m.fields.as_slice())
                    }));
            for (kind, i, name, fields) in owners {
                let id = TypeId {
                    service: sid,
                    kind,
                    index: i as u32,
                };
                if kind == TypeKind::Interface {
                    interfaces.push(id);
                }
                let list: Vec<Step> = fields
                    .iter()
                    .map(|f| Step {
                        label: format!("{name}.{}", f.name),
                        direct: f.has_annotation(annotation),
                        target: f.ty.r.type_id(),
                    })
                    .collect();
                steps.insert(id, list);
            }
            for (i, u) in s.unions.iter().enumerate() {
                let id = TypeId {
                    service: sid,
                    kind: TypeKind::Union,
                    index: i as u32,
                };
                let list: Vec<Step> = u
                    .types
                    .iter()
                    .map(|t| Step {
                        label: format!("{}[{}]", u.name, t.discriminator_value),
                        direct: false,
                        target: t.ty.r.type_id(),
                    })
                    .collect();
                steps.insert(id, list);
            }
        }

        // Path lengths: breadth-first, backwards from the owners of annotated fields. Interfaces
        // are not in the type graph (nothing can hold an interface, E0401): they only start paths.
        let graph = crate::graph::TypeGraph::new(repo);
        let mut hops: HashMap<TypeId, usize> = HashMap::new();
        let mut level: Vec<TypeId> = steps
            .iter()
            .filter(|(_, list)| list.iter().any(|s| s.direct))
            .map(|(id, _)| *id)
            .collect();
        level.sort_unstable();
        for id in &level {
            hops.insert(*id, 1);
        }
        let mut h = 1;
        while !level.is_empty() {
            h += 1;
            let mut next = Vec::new();
            for t in &level {
                for (from, _) in graph.edges_into(*t) {
                    if steps.contains_key(&from) && !hops.contains_key(&from) {
                        hops.insert(from, h);
                        next.push(from);
                    }
                }
            }
            level = next;
        }
        let hops_of =
            |hops: &HashMap<TypeId, usize>, s: &Step| s.target.and_then(|t| hops.get(&t).copied());
        for id in &interfaces {
            if hops.contains_key(id) {
                continue;
            }
            if let Some(min) = steps[id].iter().filter_map(|s| hops_of(&hops, s)).min() {
                hops.insert(*id, min + 1);
            }
        }

        // The step of each tainted type: the annotated field itself, or the first step (in
        // declaration order) to a type one hop closer.
        let best: HashMap<TypeId, Best> = hops
            .iter()
            .map(|(id, &h)| {
                let list = &steps[id];
                let step = if h == 1 {
                    list.iter().position(|s| s.direct).unwrap_or(0)
                } else {
                    list.iter()
                        .position(|s| hops_of(&hops, s) == Some(h - 1))
                        .unwrap_or(0)
                };
                let next = (h > 1).then(|| list[step].target).flatten();
                (
                    *id,
                    Best {
                        step,
                        next,
                        hops: h,
                    },
                )
            })
            .collect();

        let mut labels: Vec<String> = steps
            .values()
            .flatten()
            .filter(|s| s.direct)
            .map(|s| s.label.clone())
            .collect();
        labels.sort_unstable();
        labels.dedup();
        let reach = Self::reached(&best, &steps, &labels);
        Taint {
            best,
            steps,
            reach,
            labels,
        }
    }

    /// The annotated fields each tainted type reaches through tainted types, per strongly
    /// connected component, successors first (Kosaraju, iterative: no recursion on long chains).
    fn reached(
        best: &HashMap<TypeId, Best>,
        steps: &HashMap<TypeId, Vec<Step>>,
        labels: &[String],
    ) -> HashMap<TypeId, Arc<[u32]>> {
        let rank = |label: &str| labels.binary_search_by(|l| l.as_str().cmp(label)).ok();
        let mut g: petgraph::graph::DiGraph<TypeId, ()> = petgraph::graph::DiGraph::new();
        let mut ids: Vec<TypeId> = best.keys().copied().collect();
        ids.sort_unstable();
        let nodes: HashMap<TypeId, petgraph::graph::NodeIndex> =
            ids.iter().map(|id| (*id, g.add_node(*id))).collect();
        for id in &ids {
            for s in &steps[id] {
                if let Some(t) = s.target.and_then(|t| nodes.get(&t)) {
                    g.add_edge(nodes[id], *t, ());
                }
            }
        }
        let mut out: HashMap<TypeId, Arc<[u32]>> = HashMap::new();
        for comp in petgraph::algo::kosaraju_scc(&g) {
            let members: Vec<TypeId> = comp.iter().map(|n| g[*n]).collect();
            let mut own: Vec<u32> = members
                .iter()
                .flat_map(|id| steps[id].iter().filter(|s| s.direct))
                .filter_map(|s| rank(&s.label).map(|r| r as u32))
                .collect();
            let mut below: Vec<&Arc<[u32]>> = members
                .iter()
                .flat_map(|id| steps[id].iter().filter_map(|s| s.target))
                .filter_map(|t| out.get(&t))
                .collect();
            below.sort_unstable_by_key(|a| Arc::as_ptr(a) as *const u32 as usize);
            below.dedup_by(|a, b| Arc::ptr_eq(a, b));
            let set: Arc<[u32]> = if own.is_empty() && below.len() == 1 {
                Arc::clone(below[0])
            } else {
                own.extend(below.iter().flat_map(|a| a.iter().copied()));
                own.sort_unstable();
                own.dedup();
                own.into()
            };
            for id in members {
                out.insert(id, Arc::clone(&set));
            }
        }
        out
    }

    /// Every annotated field reachable from `id` (`user.email`), sorted.
    pub fn reaches(&self, id: TypeId) -> Vec<String> {
        self.reach
            .get(&id)
            .map(|set| {
                set.iter()
                    .map(|r| self.labels[*r as usize].clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_tainted(&self, id: TypeId) -> bool {
        self.best.contains_key(&id)
    }

    /// The shortest path from `id` to an annotated field (`order.customer`, `user.email`), at most
    /// [`MAX_VIA`] hops of it; empty when `id` is not tainted.
    pub fn via(&self, repo: &Repo, id: TypeId) -> Vec<Hop> {
        self.via_path(repo, id).hops
    }

    /// [`Taint::via`] with the path's length and where it continues when cut.
    pub fn via_path(&self, repo: &Repo, id: TypeId) -> Via {
        let mut out = Vec::new();
        let mut cur = Some(id);
        while let Some(t) = cur {
            let Some(b) = self.best.get(&t) else {
                break;
            };
            if out.len() == MAX_VIA {
                break;
            }
            out.push(Hop {
                service: repo.service(t.service).name.clone(),
                owner: repo.type_name(t).to_string(),
                label: self.steps[&t][b.step].label.clone(),
            });
            cur = b.next;
        }
        let len = self.best.get(&id).map_or(0, |b| b.hops);
        let continues = cur.filter(|_| out.len() < len).map(|t| {
            (
                repo.service(t.service).name.clone(),
                repo.type_name(t).to_string(),
            )
        });
        Via {
            hops: out,
            len,
            continues,
        }
    }

    /// The via path of a type reference (`[order]`, `map[user]`), if it carries personal data.
    pub fn via_ref(&self, repo: &Repo, r: &TypeRef) -> Option<Via> {
        let id = r.type_id()?;
        self.is_tainted(id).then(|| self.via_path(repo, id))
    }

    /// The tainted types, in no particular order.
    pub fn types(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.best.keys().copied()
    }
}

/// The annotated field of the resource's own model that a parameter is named after, as
/// `(model, field)`: `email` on resource `user` whose field `email` carries `annotation`.
pub fn parameter_field<'r>(
    repo: &'r Repo,
    resource: &Resource,
    param: &Parameter,
    annotation: &str,
) -> Option<(&'r str, &'r str)> {
    let id = resource.ty.r.type_id()?;
    if id.kind != TypeKind::Model {
        return None;
    }
    let m = repo.model(id);
    m.fields
        .iter()
        .find(|f| f.name == param.name && f.has_annotation(annotation))
        .map(|f| (m.name.as_str(), f.name.as_str()))
}

/// The name of the service declaring a resource's type.
fn model_service(repo: &Repo, r: &Resource) -> String {
    r.ty.r
        .type_id()
        .map(|id| repo.service(id.service).name.clone())
        .unwrap_or_default()
}

fn location_word(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Form => "form",
        Location::Header => "header",
    }
}

/// Service ids sorted by name, then namespace (repo order breaks remaining ties).
fn sorted_services(repo: &Repo) -> Vec<ServiceId> {
    let mut ids: Vec<ServiceId> = repo.service_ids().collect();
    ids.sort_by(|a, b| {
        let (x, y) = (repo.service(*a), repo.service(*b));
        (&x.name, &x.namespace, a).cmp(&(&y.name, &y.namespace, b))
    });
    ids
}

/// Traces the annotation through the repo.
pub fn trace(repo: &Repo, options: &TraceOptions) -> Trace {
    let annotation = options.annotation.as_str();
    let taint = Taint::compute(repo, annotation);
    let mut out = Trace {
        annotation: annotation.to_string(),
        ..Trace::default()
    };
    for sid in sorted_services(repo) {
        let s = repo.service(sid);
        out.services.push(s.name.clone());
        fields(s, annotation, &mut out.fields);
        let mut models: Vec<(usize, &str)> = s
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (i, m.name.as_str()))
            .collect();
        models.sort_by(|a, b| a.1.cmp(b.1));
        for (i, name) in models {
            let id = TypeId {
                service: sid,
                kind: TypeKind::Model,
                index: i as u32,
            };
            if !taint.is_tainted(id) {
                continue;
            }
            out.models.push(ModelEntry {
                service: s.name.clone(),
                model: name.to_string(),
                via: taint.via_path(repo, id),
                loc: s.models[i].loc.clone(),
            });
            if let Some(table) = options.storage.and_then(|st| st.table(repo, id)) {
                let journal = table.journal.clone();
                let entry = table_entry(repo, &taint, id, s, table, annotation);
                if let Some(j) = journal {
                    let history = TableEntry {
                        table: j,
                        ..entry.clone()
                    };
                    out.tables.push(entry);
                    out.tables.push(history);
                } else {
                    out.tables.push(entry);
                }
            }
        }
        for r in &s.resources {
            for op in &r.operations {
                operation(repo, &taint, s, r, op, annotation, &mut out.operations);
            }
        }
        for u in s.unions.iter().filter(|u| u.name.ends_with("_event")) {
            for m in &u.types {
                if let Some(via) = taint.via_ref(repo, &m.ty.r) {
                    out.events.push(EventEntry {
                        service: s.name.clone(),
                        union: u.name.clone(),
                        member: m.discriminator_value.clone(),
                        via,
                        loc: m.loc.clone(),
                    });
                }
            }
        }
    }
    let starts: std::collections::HashSet<(&str, &str)> = out
        .models
        .iter()
        .map(|m| &m.via)
        .chain(out.operations.iter().map(|o| &o.via))
        .chain(out.events.iter().map(|e| &e.via))
        .filter_map(|v| v.first())
        .map(|h| (h.service.as_str(), h.owner.as_str()))
        .collect();
    let mut reaches = HashMap::new();
    for id in taint.types() {
        let key = (repo.service(id.service).name.as_str(), repo.type_name(id));
        if starts.contains(&key) {
            reaches.insert((key.0.to_string(), key.1.to_string()), taint.reaches(id));
        }
    }
    out.reaches = reaches;
    out
}

fn fields(s: &Service, annotation: &str, out: &mut Vec<FieldEntry>) {
    let mut owners: Vec<(&str, &[crate::ir::Field])> = s
        .models
        .iter()
        .map(|m| (m.name.as_str(), m.fields.as_slice()))
        .chain(
            s.interfaces
                .iter()
                .map(|m| (m.name.as_str(), m.fields.as_slice())),
        )
        .collect();
    owners.sort_by(|a, b| a.0.cmp(b.0));
    for (model, fs) in owners {
        for f in fs.iter().filter(|f| f.has_annotation(annotation)) {
            out.push(FieldEntry {
                service: s.name.clone(),
                model: model.to_string(),
                field: f.name.clone(),
                loc: f.loc.clone(),
            });
        }
    }
}

fn operation(
    repo: &Repo,
    taint: &Taint,
    s: &Service,
    r: &Resource,
    op: &Operation,
    annotation: &str,
    out: &mut Vec<OperationEntry>,
) {
    let entry = |direction, status, carrier: String, via, loc: &Loc| OperationEntry {
        service: s.name.clone(),
        method: op.method_text.clone(),
        path: op.path.clone(),
        direction,
        status,
        carrier,
        via,
        loc: loc.clone(),
    };
    if let Some(b) = &op.body {
        if let Some(via) = taint.via_ref(repo, &b.ty.r) {
            out.push(entry(Direction::Request, None, "body".into(), via, &b.loc));
        }
    }
    for p in &op.parameters {
        let carrier = format!("{} {}", location_word(p.location), p.name);
        let via = taint.via_ref(repo, &p.ty.r).or_else(|| {
            parameter_field(repo, r, p, annotation).map(|(m, f)| {
                Via::full(vec![Hop {
                    service: model_service(repo, r),
                    owner: m.to_string(),
                    label: format!("{m}.{f}"),
                }])
            })
        });
        if let Some(via) = via {
            out.push(entry(Direction::Request, None, carrier, via, &p.loc));
        }
    }
    for resp in &op.responses {
        if let Some(via) = taint.via_ref(repo, &resp.ty.r) {
            let status = match resp.code {
                ResponseCode::Code(c) => c.to_string(),
                ResponseCode::Default => "default".to_string(),
            };
            out.push(entry(
                Direction::Response,
                Some(status),
                "response".into(),
                via,
                &resp.loc,
            ));
        }
    }
}

fn table_entry(
    repo: &Repo,
    taint: &Taint,
    id: TypeId,
    s: &Service,
    table: Table,
    annotation: &str,
) -> TableEntry {
    let m = repo.model(id);
    let columns = table
        .columns
        .iter()
        .filter(|(field, _)| {
            m.fields.iter().any(|f| {
                &f.name == field
                    && (f.has_annotation(annotation)
                        || f.ty.r.type_id().is_some_and(|t| taint.is_tainted(t)))
            })
        })
        .map(|(_, col)| col.clone())
        .collect();
    TableEntry {
        service: s.name.clone(),
        model: m.name.clone(),
        table: table.name,
        columns,
    }
}

#[cfg(test)]
mod tests;
