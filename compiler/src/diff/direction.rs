//! Direction analysis: for every type of a repo, whether it is reachable from requests (bodies,
//! parameters, headers), from responses (response types and headers) or from events (members of
//! `*_event` unions), and which operations and events reach it.

use crate::ir::{Repo, TypeId, TypeKind, TypeRef};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A set of directions, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Usage(u8);

impl Usage {
    pub const NONE: Usage = Usage(0);
    pub const REQUEST: Usage = Usage(1);
    pub const RESPONSE: Usage = Usage(2);
    pub const EVENT: Usage = Usage(4);

    pub fn union(self, other: Usage) -> Usage {
        Usage(self.0 | other.0)
    }
    pub fn contains(self, other: Usage) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Sent by the consumer.
    pub fn sent(self) -> bool {
        self.contains(Usage::REQUEST)
    }
    /// Read by the consumer (responses or events).
    pub fn read(self) -> bool {
        self.contains(Usage::RESPONSE) || self.contains(Usage::EVENT)
    }
    /// `request`, `response, event`, … (empty: `unused`).
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        if self.contains(Usage::REQUEST) {
            parts.push("request");
        }
        if self.contains(Usage::RESPONSE) {
            parts.push("response");
        }
        if self.contains(Usage::EVENT) {
            parts.push("event");
        }
        if parts.is_empty() {
            "unused".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Where each type of one repo is used.
#[derive(Debug, Default)]
pub struct Reach {
    usage: HashMap<TypeId, Usage>,
    affects: HashMap<TypeId, BTreeSet<String>>,
}

impl Reach {
    pub fn usage(&self, id: TypeId) -> Usage {
        self.usage.get(&id).copied().unwrap_or_default()
    }
    /// Labels of the operations (`GET /users/:id`) and events (`event user_upserted`) reaching `id`.
    pub fn affects(&self, id: TypeId) -> impl Iterator<Item = &String> {
        self.affects.get(&id).into_iter().flatten()
    }
}

/// Whether a union is an event union (`*_event`, Flow's convention).
pub fn is_event_union(name: &str) -> bool {
    name.ends_with("_event")
}

/// Operation label, prefixed by the service name in a repo of several services.
pub fn op_label(repo: &Repo, service: crate::ir::ServiceId, op: &crate::ir::Operation) -> String {
    if repo.services.len() > 1 {
        format!("{}: {}", repo.service(service).name, op.label())
    } else {
        op.label()
    }
}

/// Computes the usage of every type of `repo`.
pub fn analyze(repo: &Repo) -> Reach {
    let mut reach = Reach::default();
    let mut walker = Walker {
        repo,
        seen: HashSet::new(),
        stack: Vec::new(),
    };
    for sid in repo.service_ids() {
        let s = repo.service(sid);
        let headers: Vec<&TypeRef> = s.headers.iter().map(|h| &h.ty.r).collect();
        walker.walk(&headers, Usage::REQUEST, None, &mut reach);
        for res in &s.resources {
            for op in &res.operations {
                let label = op_label(repo, sid, op);
                let mut sent: Vec<&TypeRef> = op.parameters.iter().map(|p| &p.ty.r).collect();
                if let Some(b) = &op.body {
                    sent.push(&b.ty.r);
                }
                walker.walk(&sent, Usage::REQUEST, Some(&label), &mut reach);
                let mut read: Vec<&TypeRef> = Vec::new();
                for r in &op.responses {
                    read.push(&r.ty.r);
                    read.extend(r.headers.iter().map(|h| &h.ty.r));
                }
                walker.walk(&read, Usage::RESPONSE, Some(&label), &mut reach);
            }
        }
        for (i, u) in s.unions.iter().enumerate() {
            if !is_event_union(&u.name) {
                continue;
            }
            let id = TypeId {
                service: sid,
                kind: TypeKind::Union,
                index: i as u32,
            };
            let union_label = format!("event {}", u.name);
            let entry = reach.usage.entry(id).or_default();
            *entry = entry.union(Usage::EVENT);
            reach.affects.entry(id).or_default().insert(union_label);
            for m in &u.types {
                let label = format!("event {}", m.discriminator_value);
                walker.walk(&[&m.ty.r], Usage::EVENT, Some(&label), &mut reach);
            }
        }
    }
    reach
}

struct Walker<'a> {
    repo: &'a Repo,
    seen: HashSet<TypeId>,
    stack: Vec<TypeId>,
}

impl Walker<'_> {
    fn walk(&mut self, roots: &[&TypeRef], usage: Usage, label: Option<&str>, reach: &mut Reach) {
        self.seen.clear();
        self.stack.clear();
        for r in roots {
            if let Some(id) = r.type_id() {
                self.stack.push(id);
            }
        }
        while let Some(id) = self.stack.pop() {
            if !self.seen.insert(id) {
                continue;
            }
            let entry = reach.usage.entry(id).or_default();
            *entry = entry.union(usage);
            if let Some(l) = label {
                reach.affects.entry(id).or_default().insert(l.to_string());
            }
            self.children(id);
        }
    }

    fn children(&mut self, id: TypeId) {
        let repo = self.repo;
        let Some(s) = repo.services.get(id.service.0 as usize) else {
            return;
        };
        let i = id.index as usize;
        let push_named = |stack: &mut Vec<TypeId>, named: &[crate::ir::Named]| {
            stack.extend(
                named
                    .iter()
                    .filter_map(|n| n.resolved.as_ref().and_then(TypeRef::type_id)),
            );
        };
        match id.kind {
            TypeKind::Model => {
                if let Some(m) = s.models.get(i) {
                    self.stack
                        .extend(m.fields.iter().filter_map(|f| f.ty.r.type_id()));
                    push_named(&mut self.stack, &m.interfaces);
                }
            }
            TypeKind::Interface => {
                if let Some(m) = s.interfaces.get(i) {
                    self.stack
                        .extend(m.fields.iter().filter_map(|f| f.ty.r.type_id()));
                }
            }
            TypeKind::Union => {
                if let Some(u) = s.unions.get(i) {
                    self.stack
                        .extend(u.types.iter().filter_map(|t| t.ty.r.type_id()));
                    push_named(&mut self.stack, &u.interfaces);
                }
            }
            TypeKind::Enum => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeKind;

    const SPEC: &str = r#"{
      "name": "t",
      "enums": {"color": {"values": [{"name": "red"}]}, "unused": {"values": [{"name": "x"}]}},
      "unions": {"thing_event": {"types": [{"type": "thing_upserted"}]}},
      "models": {
        "thing": {"fields": [{"name": "id", "type": "string"}, {"name": "tag", "type": "tag"}]},
        "thing_form": {"fields": [{"name": "tag", "type": "tag"}, {"name": "color", "type": "color"}]},
        "tag": {"fields": [{"name": "label", "type": "string"}]},
        "thing_upserted": {"fields": [{"name": "thing", "type": "thing"}]}
      },
      "resources": {"thing": {"operations": [
        {"method": "GET", "path": "/:id", "responses": {"200": {"type": "thing"}}},
        {"method": "POST", "body": {"type": "thing_form"}, "responses": {"201": {"type": "thing"}}}
      ]}}
    }"#;

    fn find(repo: &Repo, kind: TypeKind, name: &str) -> TypeId {
        let s = &repo.services[0];
        let index = match kind {
            TypeKind::Model => s.models.iter().position(|m| m.name == name),
            TypeKind::Enum => s.enums.iter().position(|m| m.name == name),
            TypeKind::Union => s.unions.iter().position(|m| m.name == name),
            TypeKind::Interface => s.interfaces.iter().position(|m| m.name == name),
        }
        .expect("type");
        TypeId {
            service: crate::ir::ServiceId(0),
            kind,
            index: index as u32,
        }
    }

    #[test]
    fn usage_follows_reachability() {
        let checked = crate::check_sources(
            vec![("t.json".into(), SPEC.into())],
            &crate::Options::default(),
        );
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let repo = &checked.repo;
        let reach = analyze(repo);
        let usage = |k, n| reach.usage(find(repo, k, n));
        assert_eq!(usage(TypeKind::Model, "thing_form"), Usage::REQUEST);
        assert_eq!(usage(TypeKind::Enum, "color"), Usage::REQUEST);
        assert_eq!(
            usage(TypeKind::Model, "thing"),
            Usage::RESPONSE.union(Usage::EVENT)
        );
        assert_eq!(
            usage(TypeKind::Model, "tag"),
            Usage::REQUEST.union(Usage::RESPONSE).union(Usage::EVENT)
        );
        assert_eq!(usage(TypeKind::Union, "thing_event"), Usage::EVENT);
        assert!(usage(TypeKind::Enum, "unused").is_empty());
        let affects: Vec<&String> = reach.affects(find(repo, TypeKind::Model, "tag")).collect();
        assert_eq!(
            affects,
            ["GET /things/:id", "POST /things", "event thing_upserted"]
        );
        assert_eq!(
            Usage::RESPONSE.union(Usage::EVENT).describe(),
            "response, event"
        );
        assert!(Usage::EVENT.read() && !Usage::EVENT.sent());
    }

    #[test]
    fn classify_takes_the_most_severe_direction() {
        use crate::diff::cx::classify;
        use crate::diff::rules::{Class, ENUM_VALUE_ADDED, FIELD_REQUIRED_TO_OPTIONAL};
        let r = &FIELD_REQUIRED_TO_OPTIONAL.judgement;
        assert_eq!(classify(r, Usage::REQUEST), Class::NonBreaking);
        assert_eq!(classify(r, Usage::EVENT), Class::Breaking);
        assert_eq!(
            classify(r, Usage::REQUEST.union(Usage::RESPONSE)),
            Class::Breaking
        );
        assert_eq!(
            classify(r, Usage::NONE),
            Class::Breaking,
            "unused types are judged in every direction"
        );
        let r = &ENUM_VALUE_ADDED.judgement;
        assert_eq!(classify(r, Usage::REQUEST), Class::NonBreaking);
        assert_eq!(classify(r, Usage::RESPONSE), Class::Dangerous);
    }
}
