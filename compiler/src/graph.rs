//! The one type graph of a repo: which declared type contains which.
//!
//! Nodes are the models, unions and enums of every service of an [`ir::Repo`](crate::ir::Repo)
//! (by [`TypeId`]); an edge `a → b` says that a value of `a` may hold a value of `b`: a field of
//! model `a` or a member of union `a` whose type names `b` at its innermost level (`b`, `[b]`,
//! `map[b]`, across imports in the repo). An edge is *direct* when the field or member is `b`
//! itself, not a list or map of it: cycles of direct edges are what must be boxed in Rust.
//!
//! Readers ask questions of the graph rather than walking the IR again:
//! - [`TypeGraph::same_cycle`]: recursion (boxing), from the strongly connected components of the
//!   direct edges (petgraph's Tarjan);
//! - [`TypeGraph::reaching`]: every type from which one of the seeds is reachable (types that hold
//!   personal data, types that need validation);
//! - [`TypeGraph::reachable`]: everything inside the seeds (types erased as a whole).
//!
//! The personal-data trace (`trace/`) can adopt it the same way: its taint is
//! [`TypeGraph::reaching`] from the annotated fields' owners, and its shortest `via` paths a
//! breadth-first search over [`TypeGraph::edges_into`] (edges keep the field or member index).

use crate::ir::{Repo, TypeId, TypeKind, TypeRef};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{HashMap, HashSet};

/// Why `a` contains `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Index of the field (model) or member (union) in `a`.
    pub index: u32,
    /// The field or member is `b` itself, not a list or map of it.
    pub direct: bool,
}

/// The "contains" graph of the models, unions and enums of a repo.
#[derive(Debug, Default)]
pub struct TypeGraph {
    graph: DiGraph<TypeId, Edge>,
    nodes: HashMap<TypeId, NodeIndex>,
    /// Component number of every type on a cycle of direct edges (self loops included).
    cycles: HashMap<TypeId, usize>,
}

/// The declared model, union or enum a reference names at its innermost level, and whether it
/// names it directly.
fn target(r: &TypeRef) -> Option<(TypeId, bool)> {
    let direct = !r.is_collection();
    r.type_id()
        .filter(|t| t.kind != TypeKind::Interface)
        .map(|t| (t, direct))
}

impl TypeGraph {
    pub fn new(repo: &Repo) -> TypeGraph {
        let mut g = TypeGraph::default();
        for sid in repo.service_ids() {
            let s = repo.service(sid);
            let kinds = [
                (TypeKind::Enum, s.enums.len()),
                (TypeKind::Model, s.models.len()),
                (TypeKind::Union, s.unions.len()),
            ];
            for (kind, n) in kinds {
                for index in 0..n as u32 {
                    let id = TypeId {
                        service: sid,
                        kind,
                        index,
                    };
                    let node = g.graph.add_node(id);
                    g.nodes.insert(id, node);
                }
            }
        }
        for sid in repo.service_ids() {
            let s = repo.service(sid);
            for (i, m) in s.models.iter().enumerate() {
                let from = TypeId {
                    service: sid,
                    kind: TypeKind::Model,
                    index: i as u32,
                };
                for (fi, f) in m.fields.iter().enumerate() {
                    g.add_edge(from, &f.ty.r, fi);
                }
            }
            for (i, u) in s.unions.iter().enumerate() {
                let from = TypeId {
                    service: sid,
                    kind: TypeKind::Union,
                    index: i as u32,
                };
                for (mi, t) in u.types.iter().enumerate() {
                    g.add_edge(from, &t.ty.r, mi);
                }
            }
        }
        g.cycles = g.direct_cycles();
        g
    }

    fn add_edge(&mut self, from: TypeId, r: &TypeRef, index: usize) {
        let Some((to, direct)) = target(r) else {
            return;
        };
        if let (Some(&a), Some(&b)) = (self.nodes.get(&from), self.nodes.get(&to)) {
            let index = index as u32;
            self.graph.add_edge(a, b, Edge { index, direct });
        }
    }

    /// Strongly connected components of the direct edges that are cycles.
    fn direct_cycles(&self) -> HashMap<TypeId, usize> {
        let direct = self
            .graph
            .filter_map(|_, id| Some(*id), |_, e| e.direct.then_some(*e));
        let mut out = HashMap::new();
        for (n, comp) in petgraph::algo::tarjan_scc(&direct).into_iter().enumerate() {
            let cyclic = comp.len() > 1 || direct.contains_edge(comp[0], comp[0]);
            if cyclic {
                out.extend(comp.into_iter().map(|i| (direct[i], n)));
            }
        }
        out
    }

    /// Whether `a` and `b` sit on one cycle of direct containment (`a == b` with a self loop
    /// included): a direct field or member of `a` of type `b` must then be boxed.
    pub fn same_cycle(&self, a: TypeId, b: TypeId) -> bool {
        matches!((self.cycles.get(&a), self.cycles.get(&b)), (Some(x), Some(y)) if x == y)
    }

    /// Every type from which one of `seeds` is reachable (the seeds included).
    pub fn reaching(&self, seeds: impl IntoIterator<Item = TypeId>) -> HashSet<TypeId> {
        self.walk(seeds, Direction::Incoming)
    }

    /// Every type reachable from `seeds` (the seeds included).
    pub fn reachable(&self, seeds: impl IntoIterator<Item = TypeId>) -> HashSet<TypeId> {
        self.walk(seeds, Direction::Outgoing)
    }

    fn walk(&self, seeds: impl IntoIterator<Item = TypeId>, dir: Direction) -> HashSet<TypeId> {
        let mut seen = HashSet::new();
        let mut work: Vec<TypeId> = seeds.into_iter().collect();
        while let Some(t) = work.pop() {
            if !seen.insert(t) {
                continue;
            }
            if let Some(&n) = self.nodes.get(&t) {
                work.extend(self.graph.neighbors_directed(n, dir).map(|m| self.graph[m]));
            }
        }
        seen
    }

    /// The edges into `t`: (container, why).
    pub fn edges_into(&self, t: TypeId) -> impl Iterator<Item = (TypeId, Edge)> + '_ {
        self.nodes.get(&t).into_iter().flat_map(move |&n| {
            self.graph
                .edges_directed(n, Direction::Incoming)
                .map(|e| (self.graph[e.source()], *e.weight()))
        })
    }

    /// The longest chain of direct containment below every type, counted in types (a type holding
    /// nothing directly is 1). Edges inside a cycle are left out (those fields are boxed). Computed
    /// in topological order, without recursion.
    pub fn direct_depths(&self) -> HashMap<TypeId, usize> {
        let dag = self.graph.filter_map(
            |_, id| Some(*id),
            |e, w| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                (w.direct && !self.same_cycle(self.graph[a], self.graph[b])).then_some(*w)
            },
        );
        let mut depth: HashMap<TypeId, usize> = HashMap::new();
        let order = petgraph::algo::toposort(&dag, None).unwrap_or_default();
        for n in order.into_iter().rev() {
            let below = dag
                .neighbors(n)
                .map(|m| depth.get(&dag[m]).copied().unwrap_or(1))
                .max()
                .unwrap_or(0);
            depth.insert(dag[n], below + 1);
        }
        depth
    }

    /// How many types the graph has.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(spec: &str) -> Repo {
        crate::check_sources(
            vec![("x.json".into(), spec.to_owned())],
            &crate::Options::default(),
        )
        .repo
    }

    fn model(i: u32) -> TypeId {
        TypeId {
            service: crate::ir::ServiceId(0),
            kind: TypeKind::Model,
            index: i,
        }
    }

    #[test]
    fn cycles_of_direct_edges_only() {
        let r = repo(
            r#"{"name": "x", "models": {
            "a": {"fields": [{"name": "b", "type": "b", "required": false}]},
            "b": {"fields": [{"name": "a", "type": "a", "required": false}]},
            "c": {"fields": [{"name": "cs", "type": "[c]"}]},
            "d": {"fields": [{"name": "d", "type": "d", "required": false}]}}}"#,
        );
        let g = TypeGraph::new(&r);
        assert_eq!(g.len(), 4);
        assert!(g.same_cycle(model(0), model(1)));
        assert!(!g.same_cycle(model(2), model(2)), "through a list: no box");
        assert!(g.same_cycle(model(3), model(3)));
        assert!(!g.same_cycle(model(0), model(3)));
        let reaching = g.reaching([model(1)]);
        assert!(reaching.contains(&model(0)) && !reaching.contains(&model(2)));
        assert_eq!(g.reachable([model(2)]).len(), 1);
        assert_eq!(g.edges_into(model(2)).count(), 1);
        let depths = g.direct_depths();
        assert_eq!((depths[&model(0)], depths[&model(2)]), (1, 1));
    }
}
