//! What every check shares: both sides with their direction analysis, the type matching, and
//! [`Cx::emit`], the one place a finding is classified on both axes and located.

use super::direction::{Reach, Usage};
use super::pair::{pair, Paired, Pass};
use super::rules::{self, Case, Class, Judgement, Rule};
use super::{Change, Side};
use crate::ir::{Attribute, Deprecation, Repo, TypeId, TypeKind, TypeRef};
use crate::source::Loc;
use std::collections::{BTreeSet, HashMap};

pub(crate) struct SideCx<'a> {
    pub side: Side<'a>,
    pub reach: Reach,
}

pub(crate) struct Cx<'a> {
    pub old: SideCx<'a>,
    pub new: SideCx<'a>,
    /// Old type → matched new type (by name, or by shape for renames).
    pub types: HashMap<TypeId, TypeId>,
    pub out: Vec<Change>,
}

/// Which version an element is located in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    Old,
    New,
}

/// Where an element is used, for classification and for the `affects` list.
#[derive(Clone, Default)]
pub(crate) struct Ctx {
    pub usage: Usage,
    pub affects: Vec<String>,
}

impl Ctx {
    pub fn with(usage: Usage, affects: Vec<String>) -> Ctx {
        Ctx { usage, affects }
    }
}

/// The wire class of a judgement for an element used in `usage` (unused elements: the most
/// severe direction).
pub fn classify(j: &Judgement, usage: Usage) -> Class {
    let mut class = None;
    if usage.sent() {
        class = Some(j.request);
    }
    if usage.read() {
        class = Some(class.map_or(j.response, |c: Class| c.max(j.response)));
    }
    class.unwrap_or(j.request.max(j.response))
}

impl<'a> Cx<'a> {
    pub fn side(&self, which: Which) -> &SideCx<'a> {
        match which {
            Which::Old => &self.old,
            Which::New => &self.new,
        }
    }

    /// Records a finding of `rule` (or of its narrower `case`), classified on both axes.
    pub fn emit_case(
        &mut self,
        rule: &'static Rule,
        case: Option<&'static Case>,
        which: Which,
        loc: &Loc,
        message: String,
        ctx: &Ctx,
    ) {
        let j = case.map_or(&rule.judgement, |c| &c.judgement);
        let sources = self.side(which).side.sources;
        let (file, line) = if (loc.file.0 as usize) < sources.len() {
            let f = sources.get(loc.file);
            (
                Some(f.path.display().to_string()),
                Some(f.line_col(loc.span.start).0),
            )
        } else {
            (None, None)
        };
        self.out.push(Change {
            rule: rule.id,
            class: classify(j, ctx.usage),
            source: j.source,
            message,
            file,
            line,
            pointer: loc.pointer.clone(),
            affects: ctx.affects.clone(),
            allowed: None,
            docs_only: rule.impact == rules::Impact::Docs,
        });
    }

    /// Records a finding of `rule`.
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        which: Which,
        loc: &Loc,
        message: String,
        ctx: &Ctx,
    ) {
        self.emit_case(rule, None, which, loc, message, ctx);
    }

    /// A canonical text of a type reference in the new repo's terms: old types are translated
    /// through the type matching, so a renamed type compares equal to its new name.
    pub fn canon(&self, which: Which, r: &TypeRef) -> String {
        match r {
            TypeRef::Primitive(p) => p.name().to_string(),
            TypeRef::List(t) => format!("[{}]", self.canon(which, t)),
            TypeRef::Map(t) => format!("map[{}]", self.canon(which, t)),
            TypeRef::Type(id) => {
                let (repo, id) = match which {
                    Which::New => (self.new.side.repo, *id),
                    Which::Old => match self.types.get(id) {
                        Some(n) => (self.new.side.repo, *n),
                        None => {
                            return format!("(removed){}", self.old.side.repo.qualified_name(*id))
                        }
                    },
                };
                repo.qualified_name(id)
            }
            TypeRef::External {
                namespace,
                kind,
                name,
            } => format!("{namespace}.{}.{name}", kind.plural()),
            TypeRef::Named(n) | TypeRef::Unresolved(n) => n.clone(),
        }
    }

    pub fn type_changed(&self, old: &crate::ir::Type, new: &crate::ir::Type) -> bool {
        self.canon(Which::Old, &old.r) != self.canon(Which::New, &new.r)
    }

    /// Usage and affected operations of a matched type (both versions).
    pub fn type_ctx(&self, old: TypeId, new: TypeId) -> Ctx {
        let usage = self.old.reach.usage(old).union(self.new.reach.usage(new));
        let affects: BTreeSet<String> = self
            .old
            .reach
            .affects(old)
            .chain(self.new.reach.affects(new))
            .cloned()
            .collect();
        Ctx::with(usage, affects.into_iter().collect())
    }

    pub fn one_side_ctx(&self, which: Which, id: TypeId) -> Ctx {
        let reach = &self.side(which).reach;
        Ctx::with(reach.usage(id), reach.affects(id).cloned().collect())
    }

    pub fn type_loc(&self, which: Which, id: TypeId) -> &'a Loc {
        let repo: &'a Repo = self.side(which).side.repo;
        let s = repo.service(id.service);
        let i = id.index as usize;
        match id.kind {
            TypeKind::Model => &s.models[i].loc,
            TypeKind::Enum => &s.enums[i].loc,
            TypeKind::Union => &s.unions[i].loc,
            TypeKind::Interface => &s.interfaces[i].loc,
        }
    }

    /// Description and deprecation of one element.
    #[allow(clippy::too_many_arguments)]
    pub fn docs(
        &mut self,
        label: &str,
        od: &Option<String>,
        nd: &Option<String>,
        odep: &Option<Deprecation>,
        ndep: &Option<Deprecation>,
        loc: &Loc,
        ctx: &Ctx,
    ) {
        if opt_changed(od, nd) {
            let msg = match (od, nd) {
                (None, Some(_)) => format!("{label} description added"),
                (Some(_), None) => format!("{label} description removed"),
                _ => format!("{label} description changed"),
            };
            self.emit(&rules::DESCRIPTION_CHANGED, Which::New, loc, msg, ctx);
        }
        match (odep, ndep) {
            (None, Some(d)) => {
                let msg = match &d.description {
                    Some(why) => format!("{label} deprecated: {}", truncate(why)),
                    None => format!("{label} deprecated"),
                };
                self.emit(&rules::DEPRECATION_ADDED, Which::New, loc, msg, ctx);
            }
            (Some(_), None) => self.emit(
                &rules::DEPRECATION_REMOVED,
                Which::New,
                loc,
                format!("{label} is no longer deprecated"),
                ctx,
            ),
            _ => {}
        }
    }

    /// Attributes of one element, paired by name (an equal value breaking ties: a name may repeat).
    pub fn attributes(&mut self, label: &str, old: &[Attribute], new: &[Attribute], ctx: &Ctx) {
        let exact = |i: usize, j: usize| new[j].name == old[i].name && new[j].value == old[i].value;
        let named = |i: usize, j: usize| new[j].name == old[i].name;
        let pairing = pair(
            old.len(),
            new.len(),
            &[Pass::First(&exact), Pass::First(&named)],
        );
        let r = &rules::ATTRIBUTE_CHANGED;
        for p in pairing.iter() {
            match p {
                Paired::Removed(i) => {
                    let a = &old[i];
                    let msg = format!("{label} attribute removed: {}", a.name);
                    self.emit(r, Which::Old, &a.loc, msg, ctx);
                }
                Paired::Matched(i, j, _) => {
                    let (a, b) = (&old[i], &new[j]);
                    let msg = if a.value != b.value {
                        format!(
                            "{label} attribute '{}' value changed from {} to {}",
                            a.name,
                            truncate(&a.value.to_string()),
                            truncate(&b.value.to_string())
                        )
                    } else if a.description != b.description || a.deprecation != b.deprecation {
                        format!(
                            "{label} attribute '{}' description or deprecation changed",
                            a.name
                        )
                    } else {
                        continue;
                    };
                    self.emit(r, Which::New, &b.loc, msg, ctx);
                }
                Paired::Added(j) => {
                    let b = &new[j];
                    let msg = format!("{label} attribute added: {}", b.name);
                    self.emit(r, Which::New, &b.loc, msg, ctx);
                }
            }
        }
    }
}

pub fn opt_changed(a: &Option<String>, b: &Option<String>) -> bool {
    a.as_deref().map(str::trim) != b.as_deref().map(str::trim)
}

/// A value for a message: truncated, or `(none)`.
pub fn value(v: Option<&str>) -> String {
    match v {
        Some(s) => truncate(s),
        None => "(none)".into(),
    }
}

pub fn truncate(s: &str) -> String {
    if s.chars().count() <= 80 {
        return s.to_string();
    }
    let cut: String = s.chars().take(77).collect();
    format!(
        "{}...",
        cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut)
    )
}
