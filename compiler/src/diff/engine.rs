//! The comparison itself: matching by stable keys, then one finding per root cause.

use super::direction::{self, Reach, Usage};
use super::rules::{self, Class};
use super::{Change, DiffReport, Side};
use crate::ir::{
    AnnotationRef, Attribute, Deprecation, Field, Header, Location, Operation, Parameter, Repo,
    Resource, Service, ServiceId, Type, TypeId, TypeKind, TypeRef,
};
use crate::source::Loc;
use std::collections::{BTreeSet, HashMap, HashSet};

struct SideCx<'a> {
    side: Side<'a>,
    reach: Reach,
}

struct Cx<'a> {
    old: SideCx<'a>,
    new: SideCx<'a>,
    /// Old type → matched new type (by name, or by shape for renames).
    types: HashMap<TypeId, TypeId>,
    out: Vec<Change>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Old,
    New,
}

/// Where an element is used, for classification and for the `affects` list.
#[derive(Clone, Default)]
struct Ctx {
    usage: Usage,
    affects: Vec<String>,
}

pub fn run(old: Side<'_>, new: Side<'_>) -> DiffReport {
    let mut cx = Cx {
        old: SideCx {
            side: old,
            reach: direction::analyze(old.repo),
        },
        new: SideCx {
            side: new,
            reach: direction::analyze(new.repo),
        },
        types: HashMap::new(),
        out: Vec::new(),
    };
    let pairs = match_services(old.repo, new.repo);
    let matched_old: HashSet<ServiceId> = pairs.iter().map(|p| p.0).collect();
    let matched_new: HashSet<ServiceId> = pairs.iter().map(|p| p.1).collect();
    let mut renames = Vec::new();
    for &(o, n) in &pairs {
        renames.extend(match_types(
            &mut cx.types,
            old.repo.service(o),
            o,
            new.repo.service(n),
            n,
        ));
    }
    for sid in old.repo.service_ids().filter(|s| !matched_old.contains(s)) {
        let s = old.repo.service(sid);
        cx.emit(
            "SERVICE_REMOVED",
            None,
            Which::Old,
            &s.loc,
            format!("service {} removed", s.namespace),
            &Ctx::default(),
        );
    }
    for &(o, n) in &pairs {
        cx.service(o, n, &renames);
    }
    for sid in new.repo.service_ids().filter(|s| !matched_new.contains(s)) {
        let s = new.repo.service(sid);
        cx.emit(
            "SERVICE_ADDED",
            None,
            Which::New,
            &s.loc,
            format!("service {} added", s.namespace),
            &Ctx::default(),
        );
    }
    DiffReport { changes: cx.out }
}

/// Services are matched by namespace, then by name, then the last unmatched pair.
fn match_services(old: &Repo, new: &Repo) -> Vec<(ServiceId, ServiceId)> {
    let mut pairs = Vec::new();
    let mut used_new = HashSet::new();
    let mut unmatched_old = Vec::new();
    for o in old.service_ids() {
        let os = old.service(o);
        match new
            .service_ids()
            .find(|n| !used_new.contains(n) && new.service(*n).namespace == os.namespace)
        {
            Some(n) => {
                used_new.insert(n);
                pairs.push((o, n));
            }
            None => unmatched_old.push(o),
        }
    }
    let mut still = Vec::new();
    for o in unmatched_old {
        let os = old.service(o);
        match new.service_ids().find(|n| {
            !used_new.contains(n)
                && new.service(*n).name == os.name
                && new.service(*n).organization == os.organization
        }) {
            Some(n) => {
                used_new.insert(n);
                pairs.push((o, n));
            }
            None => still.push(o),
        }
    }
    let left_new: Vec<ServiceId> = new
        .service_ids()
        .filter(|n| !used_new.contains(n))
        .collect();
    if still.len() == 1 && left_new.len() == 1 {
        pairs.push((still[0], left_new[0]));
    }
    pairs.sort();
    pairs
}

fn type_ids<'s>(s: &'s Service, sid: ServiceId) -> Vec<(TypeId, &'s str)> {
    let mut v: Vec<(TypeId, &'s str)> = Vec::new();
    let mut add = |kind, names: Vec<&'s str>| {
        for (i, n) in names.into_iter().enumerate() {
            v.push((
                TypeId {
                    service: sid,
                    kind,
                    index: i as u32,
                },
                n,
            ));
        }
    };
    add(
        TypeKind::Enum,
        s.enums.iter().map(|e| e.name.as_str()).collect(),
    );
    add(
        TypeKind::Interface,
        s.interfaces.iter().map(|e| e.name.as_str()).collect(),
    );
    add(
        TypeKind::Union,
        s.unions.iter().map(|e| e.name.as_str()).collect(),
    );
    add(
        TypeKind::Model,
        s.models.iter().map(|e| e.name.as_str()).collect(),
    );
    v
}

/// Matches the types of two services by kind and name, then pairs the unmatched ones that have the
/// same shape (renames). Returns the renamed pairs.
fn match_types(
    map: &mut HashMap<TypeId, TypeId>,
    os: &Service,
    o: ServiceId,
    ns: &Service,
    n: ServiceId,
) -> Vec<(TypeId, TypeId)> {
    let old_types = type_ids(os, o);
    let new_types = type_ids(ns, n);
    let by_key: HashMap<(TypeKind, &str), TypeId> = new_types
        .iter()
        .map(|(id, name)| ((id.kind, *name), *id))
        .collect();
    let mut matched_new = HashSet::new();
    let mut unmatched_old = Vec::new();
    for (id, name) in &old_types {
        match by_key.get(&(id.kind, *name)) {
            Some(nid) => {
                map.insert(*id, *nid);
                matched_new.insert(*nid);
            }
            None => unmatched_old.push(*id),
        }
    }
    let unmatched_new: Vec<TypeId> = new_types
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !matched_new.contains(id))
        .collect();
    let mut renames = Vec::new();
    let old_shapes: Vec<(TypeId, String)> = unmatched_old
        .iter()
        .map(|id| (*id, shape(os, *id)))
        .collect();
    let new_shapes: Vec<(TypeId, String)> = unmatched_new
        .iter()
        .map(|id| (*id, shape(ns, *id)))
        .collect();
    for (oid, oshape) in &old_shapes {
        let same_old = old_shapes
            .iter()
            .filter(|(i, s)| i.kind == oid.kind && s == oshape)
            .count();
        let cands: Vec<TypeId> = new_shapes
            .iter()
            .filter(|(i, s)| i.kind == oid.kind && s == oshape)
            .map(|(i, _)| *i)
            .collect();
        if same_old == 1 && cands.len() == 1 {
            map.insert(*oid, cands[0]);
            renames.push((*oid, cands[0]));
        }
    }
    renames
}

/// A signature of a type's wire shape, used to recognise renames.
fn shape(s: &Service, id: TypeId) -> String {
    let i = id.index as usize;
    let fields = |fs: &[Field]| {
        fs.iter()
            .map(|f| format!("{}:{}:{}", f.name, f.ty.text, f.required))
            .collect::<Vec<_>>()
            .join(",")
    };
    match id.kind {
        TypeKind::Model => format!("m{{{}}}", fields(&s.models[i].fields)),
        TypeKind::Interface => format!("i{{{}}}", fields(&s.interfaces[i].fields)),
        TypeKind::Enum => format!(
            "e{{{}}}",
            s.enums[i]
                .values
                .iter()
                .map(|v| v.wire())
                .collect::<Vec<_>>()
                .join(",")
        ),
        TypeKind::Union => {
            let u = &s.unions[i];
            format!(
                "u{:?}{{{}}}",
                u.discriminator,
                u.types
                    .iter()
                    .map(|t| format!("{}={}", t.discriminator_value, t.ty.text))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    }
}

fn opt_changed(a: &Option<String>, b: &Option<String>) -> bool {
    a.as_deref().map(str::trim) != b.as_deref().map(str::trim)
}

fn value(v: Option<&str>) -> String {
    match v {
        Some(s) => truncate(s),
        None => "(none)".into(),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= 80 {
        return s.to_string();
    }
    let cut: String = s.chars().take(77).collect();
    format!(
        "{}...",
        cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut)
    )
}

/// A field, parameter or header seen through what the member rules compare.
struct Member<'a> {
    name: &'a str,
    ty: &'a Type,
    required: bool,
    default: Option<&'a str>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    example: Option<&'a str>,
    description: &'a Option<String>,
    deprecation: &'a Option<Deprecation>,
    attributes: &'a [Attribute],
    annotations: &'a [AnnotationRef],
    location: Option<Location>,
    loc: &'a Loc,
}

impl<'a> Member<'a> {
    fn field(f: &'a Field) -> Member<'a> {
        Member {
            name: &f.name,
            ty: &f.ty,
            required: f.required,
            default: f.default.as_deref(),
            minimum: f.minimum,
            maximum: f.maximum,
            example: f.example.as_deref(),
            description: &f.description,
            deprecation: &f.deprecation,
            attributes: &f.attributes,
            annotations: &f.annotations,
            location: None,
            loc: &f.loc,
        }
    }
    fn parameter(p: &'a Parameter) -> Member<'a> {
        Member {
            name: &p.name,
            ty: &p.ty,
            required: p.required,
            default: p.default.as_deref(),
            minimum: p.minimum,
            maximum: p.maximum,
            example: p.example.as_deref(),
            description: &p.description,
            deprecation: &p.deprecation,
            attributes: &p.attributes,
            annotations: &[],
            location: Some(p.location),
            loc: &p.loc,
        }
    }
    fn header(h: &'a Header) -> Member<'a> {
        Member {
            name: &h.name,
            ty: &h.ty,
            required: h.required,
            default: h.default.as_deref(),
            minimum: None,
            maximum: None,
            example: None,
            description: &h.description,
            deprecation: &h.deprecation,
            attributes: &h.attributes,
            annotations: &[],
            location: None,
            loc: &h.loc,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MemberKind {
    Field,
    Parameter,
    Header,
}

impl MemberKind {
    fn rule(self, what: &str) -> &'static str {
        let id = match (self, what) {
            (MemberKind::Field, "REMOVED") => "FIELD_REMOVED",
            (MemberKind::Field, "ADDED") => "FIELD_ADDED",
            (MemberKind::Field, "REQUIRED_ADDED") => "FIELD_REQUIRED_ADDED",
            (MemberKind::Field, "TYPE_CHANGED") => "FIELD_TYPE_CHANGED",
            (MemberKind::Field, "OPTIONAL_TO_REQUIRED") => "FIELD_OPTIONAL_TO_REQUIRED",
            (MemberKind::Field, "REQUIRED_TO_OPTIONAL") => "FIELD_REQUIRED_TO_OPTIONAL",
            (MemberKind::Parameter, "REMOVED") => "PARAMETER_REMOVED",
            (MemberKind::Parameter, "ADDED") => "PARAMETER_ADDED",
            (MemberKind::Parameter, "REQUIRED_ADDED") => "PARAMETER_REQUIRED_ADDED",
            (MemberKind::Parameter, "TYPE_CHANGED") => "PARAMETER_TYPE_CHANGED",
            (MemberKind::Parameter, "OPTIONAL_TO_REQUIRED") => "PARAMETER_OPTIONAL_TO_REQUIRED",
            (MemberKind::Parameter, "REQUIRED_TO_OPTIONAL") => "PARAMETER_REQUIRED_TO_OPTIONAL",
            (MemberKind::Header, "REMOVED") => "HEADER_REMOVED",
            (MemberKind::Header, "ADDED") => "HEADER_ADDED",
            (MemberKind::Header, "REQUIRED_ADDED") => "HEADER_REQUIRED_ADDED",
            (MemberKind::Header, "TYPE_CHANGED") => "HEADER_TYPE_CHANGED",
            (MemberKind::Header, "OPTIONAL_TO_REQUIRED") => "HEADER_OPTIONAL_TO_REQUIRED",
            (MemberKind::Header, "REQUIRED_TO_OPTIONAL") => "HEADER_REQUIRED_TO_OPTIONAL",
            _ => "",
        };
        debug_assert!(!id.is_empty(), "no member rule for {what}");
        id
    }
    fn label(self) -> &'static str {
        match self {
            MemberKind::Field => "field",
            MemberKind::Parameter => "parameter",
            MemberKind::Header => "header",
        }
    }
}

impl<'a> Cx<'a> {
    fn side(&self, which: Which) -> &SideCx<'a> {
        match which {
            Which::Old => &self.old,
            Which::New => &self.new,
        }
    }

    /// Records a finding. `class` overrides the catalogue's (only ever to something less severe).
    fn emit(
        &mut self,
        rule: &'static str,
        class: Option<Class>,
        which: Which,
        loc: &Loc,
        message: String,
        ctx: &Ctx,
    ) {
        let r = rules::get(rule);
        let class = class.unwrap_or_else(|| classify(r, ctx.usage));
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
            rule,
            class,
            message,
            file,
            line,
            pointer: loc.pointer.clone(),
            affects: ctx.affects.clone(),
            allowed: None,
        });
    }

    /// A canonical text of a type reference in the new repo's terms: old types are translated
    /// through the type matching, so a renamed type compares equal to its new name.
    fn canon(&self, which: Which, r: &TypeRef) -> String {
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

    fn type_changed(&self, old: &Type, new: &Type) -> bool {
        self.canon(Which::Old, &old.r) != self.canon(Which::New, &new.r)
    }

    /// Usage and affected operations of a matched type (both versions).
    fn type_ctx(&self, old: TypeId, new: TypeId) -> Ctx {
        let usage = self.old.reach.usage(old).union(self.new.reach.usage(new));
        let affects: BTreeSet<String> = self
            .old
            .reach
            .affects(old)
            .chain(self.new.reach.affects(new))
            .cloned()
            .collect();
        Ctx {
            usage,
            affects: affects.into_iter().collect(),
        }
    }

    fn one_side_ctx(&self, which: Which, id: TypeId) -> Ctx {
        let reach = &self.side(which).reach;
        Ctx {
            usage: reach.usage(id),
            affects: reach.affects(id).cloned().collect(),
        }
    }

    fn service(&mut self, o: ServiceId, n: ServiceId, renames: &[(TypeId, TypeId)]) {
        let os = self.old.side.repo.service(o);
        let ns = self.new.side.repo.service(n);
        let none = Ctx::default();
        if os.namespace != ns.namespace {
            self.emit(
                "SERVICE_NAMESPACE_CHANGED",
                None,
                Which::New,
                &ns.loc,
                format!(
                    "namespace changed from {} to {}",
                    os.namespace, ns.namespace
                ),
                &none,
            );
        }
        if os.name != ns.name {
            self.emit(
                "SERVICE_NAME_CHANGED",
                None,
                Which::New,
                &ns.loc,
                format!("name changed from {} to {}", os.name, ns.name),
                &none,
            );
        }
        let meta: [(&str, Option<&str>, Option<&str>); 4] = [
            (
                "organization",
                Some(&os.organization),
                Some(&ns.organization),
            ),
            ("application", Some(&os.application), Some(&ns.application)),
            ("version", Some(&os.version), Some(&ns.version)),
            ("base_url", os.base_url.as_deref(), ns.base_url.as_deref()),
        ];
        // an application key derived from a changed name is part of SERVICE_NAME_CHANGED
        let derived_app = os.name != ns.name
            && os.application == crate::names::url_key(&os.name)
            && ns.application == crate::names::url_key(&ns.name);
        for (what, a, b) in meta {
            if a != b && !(what == "application" && derived_app) {
                self.emit(
                    "SERVICE_METADATA_CHANGED",
                    None,
                    Which::New,
                    &ns.loc,
                    format!("{what} changed from {} to {}", value(a), value(b)),
                    &none,
                );
            }
        }
        if os.info != ns.info {
            self.emit(
                "SERVICE_METADATA_CHANGED",
                None,
                Which::New,
                &ns.loc,
                "info (contact or license) changed".into(),
                &none,
            );
        }
        self.docs(
            "service",
            &os.description,
            &ns.description,
            &None,
            &None,
            &ns.loc,
            &none,
        );
        self.attributes("service", &os.attributes, &ns.attributes, &ns.loc, &none);
        // headers: sent with every request
        let hctx = Ctx {
            usage: Usage::REQUEST,
            affects: Vec::new(),
        };
        let oh: Vec<Member> = os.headers.iter().map(Member::header).collect();
        let nh: Vec<Member> = ns.headers.iter().map(Member::header).collect();
        self.members(
            MemberKind::Header,
            "service",
            &oh,
            &nh,
            &ns.loc,
            &hctx,
            false,
        );
        // imports: by URI, then a new version of the same organization/application is one change
        let same_app = |i: &crate::ir::Import, j: &crate::ir::Import| {
            i.organization.is_some()
                && i.application.is_some()
                && i.organization == j.organization
                && i.application == j.application
        };
        let mut new_seen: HashSet<usize> = HashSet::new();
        let mut pairing: Vec<Option<usize>> = vec![None; os.imports.len()];
        for exact in [true, false] {
            for (x, i) in os.imports.iter().enumerate() {
                if pairing[x].is_some() {
                    continue;
                }
                let found = (0..ns.imports.len()).find(|k| {
                    !new_seen.contains(k)
                        && if exact {
                            ns.imports[*k].uri == i.uri
                        } else {
                            same_app(i, &ns.imports[*k])
                        }
                });
                if let Some(k) = found {
                    new_seen.insert(k);
                    pairing[x] = Some(k);
                }
            }
        }
        for (x, i) in os.imports.iter().enumerate() {
            match pairing[x] {
                Some(k) if ns.imports[k].uri == i.uri => {}
                Some(k) => {
                    let j = &ns.imports[k];
                    self.emit(
                        "IMPORT_CHANGED",
                        None,
                        Which::New,
                        &j.loc,
                        format!("import changed from {} to {}", i.uri, j.uri),
                        &none,
                    );
                }
                None => self.emit(
                    "IMPORT_CHANGED",
                    None,
                    Which::Old,
                    &i.loc,
                    format!("import removed: {}", i.uri),
                    &none,
                ),
            }
        }
        for (k, j) in ns.imports.iter().enumerate() {
            if !new_seen.contains(&k) {
                self.emit(
                    "IMPORT_CHANGED",
                    None,
                    Which::New,
                    &j.loc,
                    format!("import added: {}", j.uri),
                    &none,
                );
            }
        }
        // annotation declarations
        for a in &os.annotations {
            match ns.annotations.iter().find(|b| b.name == a.name) {
                None => self.emit(
                    "ANNOTATION_CHANGED",
                    None,
                    Which::Old,
                    &a.loc,
                    format!("annotation removed: {}", a.name),
                    &none,
                ),
                Some(b) => {
                    if a.description != b.description || a.deprecation != b.deprecation {
                        self.emit(
                            "ANNOTATION_CHANGED",
                            None,
                            Which::New,
                            &b.loc,
                            format!("annotation {} description or deprecation changed", a.name),
                            &none,
                        );
                    }
                }
            }
        }
        for b in &ns.annotations {
            if !os.annotations.iter().any(|a| a.name == b.name) {
                self.emit(
                    "ANNOTATION_CHANGED",
                    None,
                    Which::New,
                    &b.loc,
                    format!("annotation added: {}", b.name),
                    &none,
                );
            }
        }
        // types
        let old_types = type_ids(os, o);
        let new_types = type_ids(ns, n);
        let renamed: HashMap<TypeId, TypeId> = renames.iter().copied().collect();
        for (oid, name) in &old_types {
            match self.types.get(oid).copied() {
                Some(nid) => {
                    if let Some(&to) = renamed.get(oid) {
                        let ctx = self.type_ctx(*oid, to);
                        let new_name = self.new.side.repo.type_name(to).to_string();
                        let loc = self.type_loc(Which::New, to).clone();
                        self.emit(
                            "TYPE_RENAMED",
                            None,
                            Which::New,
                            &loc,
                            format!("{} {name} renamed to {new_name}", oid.kind.label()),
                            &ctx,
                        );
                    }
                    self.type_pair(*oid, nid, renamed.contains_key(oid));
                }
                None => {
                    let ctx = self.one_side_ctx(Which::Old, *oid);
                    let loc = self.type_loc(Which::Old, *oid).clone();
                    self.emit(
                        "TYPE_REMOVED",
                        None,
                        Which::Old,
                        &loc,
                        format!("{} removed: {name}", oid.kind.label()),
                        &ctx,
                    );
                }
            }
        }
        let matched: HashSet<TypeId> = self.types.values().copied().collect();
        for (nid, name) in &new_types {
            if !matched.contains(nid) {
                let ctx = self.one_side_ctx(Which::New, *nid);
                let loc = self.type_loc(Which::New, *nid).clone();
                self.emit(
                    "TYPE_ADDED",
                    None,
                    Which::New,
                    &loc,
                    format!("{} added: {name}", nid.kind.label()),
                    &ctx,
                );
            }
        }
        self.resources(o, n);
    }

    fn type_loc(&self, which: Which, id: TypeId) -> &'a Loc {
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

    #[allow(clippy::too_many_arguments)]
    fn docs(
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
            self.emit("DESCRIPTION_CHANGED", None, Which::New, loc, msg, ctx);
        }
        match (odep, ndep) {
            (None, Some(d)) => {
                let msg = match &d.description {
                    Some(why) => format!("{label} deprecated: {}", truncate(why)),
                    None => format!("{label} deprecated"),
                };
                self.emit("DEPRECATION_ADDED", None, Which::New, loc, msg, ctx);
            }
            (Some(_), None) => self.emit(
                "DEPRECATION_REMOVED",
                None,
                Which::New,
                loc,
                format!("{label} is no longer deprecated"),
                ctx,
            ),
            _ => {}
        }
    }

    fn attributes(
        &mut self,
        label: &str,
        old: &[Attribute],
        new: &[Attribute],
        loc: &Loc,
        ctx: &Ctx,
    ) {
        // by name, an equal value breaking ties (a name may repeat)
        let mut pairing: Vec<Option<usize>> = vec![None; old.len()];
        let mut taken: HashSet<usize> = HashSet::new();
        for exact in [true, false] {
            for (i, a) in old.iter().enumerate() {
                if pairing[i].is_some() {
                    continue;
                }
                let found = (0..new.len()).find(|&j| {
                    !taken.contains(&j)
                        && new[j].name == a.name
                        && (!exact || new[j].value == a.value)
                });
                if let Some(j) = found {
                    taken.insert(j);
                    pairing[i] = Some(j);
                }
            }
        }
        for (i, a) in old.iter().enumerate() {
            match pairing[i].map(|j| &new[j]) {
                None => self.emit(
                    "ATTRIBUTE_CHANGED",
                    None,
                    Which::Old,
                    &a.loc,
                    format!("{label} attribute removed: {}", a.name),
                    ctx,
                ),
                Some(b) => {
                    if a.value != b.value {
                        self.emit(
                            "ATTRIBUTE_CHANGED",
                            None,
                            Which::New,
                            &b.loc,
                            format!(
                                "{label} attribute '{}' value changed from {} to {}",
                                a.name,
                                truncate(&a.value.to_string()),
                                truncate(&b.value.to_string())
                            ),
                            ctx,
                        );
                    } else if a.description != b.description || a.deprecation != b.deprecation {
                        self.emit(
                            "ATTRIBUTE_CHANGED",
                            None,
                            Which::New,
                            &b.loc,
                            format!(
                                "{label} attribute '{}' description or deprecation changed",
                                a.name
                            ),
                            ctx,
                        );
                    }
                }
            }
        }
        for (j, b) in new.iter().enumerate() {
            if !taken.contains(&j) {
                self.emit(
                    "ATTRIBUTE_CHANGED",
                    None,
                    Which::New,
                    &b.loc,
                    format!("{label} attribute added: {}", b.name),
                    ctx,
                );
            }
        }
        let _ = loc;
    }

    fn type_pair(&mut self, o: TypeId, n: TypeId, renamed: bool) {
        let orepo: &'a Repo = self.old.side.repo;
        let nrepo: &'a Repo = self.new.side.repo;
        let ctx = self.type_ctx(o, n);
        let label = format!("{} {}", n.kind.label(), nrepo.type_name(n));
        let (oi, ni) = (o.index as usize, n.index as usize);
        let (os, ns) = (orepo.service(o.service), nrepo.service(n.service));
        match (o.kind, n.kind) {
            (TypeKind::Model, TypeKind::Model) => {
                let (a, b) = (&os.models[oi], &ns.models[ni]);
                self.type_common(
                    &label,
                    (&a.plural, &b.plural),
                    (&a.description, &b.description),
                    (&a.deprecation, &b.deprecation),
                    (&a.attributes, &b.attributes),
                    &b.loc,
                    &ctx,
                    renamed,
                );
                self.interfaces(&label, &a.interfaces, &b.interfaces, &b.loc, &ctx);
                let of: Vec<Member> = a.fields.iter().map(Member::field).collect();
                let nf: Vec<Member> = b.fields.iter().map(Member::field).collect();
                self.members(MemberKind::Field, &label, &of, &nf, &b.loc, &ctx, false);
            }
            (TypeKind::Interface, TypeKind::Interface) => {
                let (a, b) = (&os.interfaces[oi], &ns.interfaces[ni]);
                self.type_common(
                    &label,
                    (&a.plural, &b.plural),
                    (&a.description, &b.description),
                    (&a.deprecation, &b.deprecation),
                    (&a.attributes, &b.attributes),
                    &b.loc,
                    &ctx,
                    renamed,
                );
                let of: Vec<Member> = a.fields.iter().map(Member::field).collect();
                let nf: Vec<Member> = b.fields.iter().map(Member::field).collect();
                self.members(MemberKind::Field, &label, &of, &nf, &b.loc, &ctx, false);
            }
            (TypeKind::Enum, TypeKind::Enum) => {
                let (a, b) = (&os.enums[oi], &ns.enums[ni]);
                self.type_common(
                    &label,
                    (&a.plural, &b.plural),
                    (&a.description, &b.description),
                    (&a.deprecation, &b.deprecation),
                    (&a.attributes, &b.attributes),
                    &b.loc,
                    &ctx,
                    renamed,
                );
                for v in &a.values {
                    match b.values.iter().find(|w| w.name == v.name) {
                        None => self.emit(
                            "ENUM_VALUE_REMOVED",
                            None,
                            Which::Old,
                            &v.loc,
                            format!("{label} value removed: {}", v.name),
                            &ctx,
                        ),
                        Some(w) => {
                            if v.wire() != w.wire() {
                                self.emit(
                                    "ENUM_VALUE_WIRE_CHANGED",
                                    None,
                                    Which::New,
                                    &w.loc,
                                    format!(
                                        "{label} value {} wire string changed from {} to {}",
                                        v.name,
                                        v.wire(),
                                        w.wire()
                                    ),
                                    &ctx,
                                );
                            }
                            let vl = format!("{label} value {}", v.name);
                            self.docs(
                                &vl,
                                &v.description,
                                &w.description,
                                &v.deprecation,
                                &w.deprecation,
                                &w.loc,
                                &ctx,
                            );
                            self.attributes(&vl, &v.attributes, &w.attributes, &w.loc, &ctx);
                        }
                    }
                }
                for w in &b.values {
                    if !a.values.iter().any(|v| v.name == w.name) {
                        self.emit(
                            "ENUM_VALUE_ADDED",
                            None,
                            Which::New,
                            &w.loc,
                            format!("{label} value added: {}", w.name),
                            &ctx,
                        );
                    }
                }
            }
            (TypeKind::Union, TypeKind::Union) => {
                let (a, b) = (&os.unions[oi], &ns.unions[ni]);
                self.type_common(
                    &label,
                    (&a.plural, &b.plural),
                    (&a.description, &b.description),
                    (&a.deprecation, &b.deprecation),
                    (&a.attributes, &b.attributes),
                    &b.loc,
                    &ctx,
                    renamed,
                );
                self.interfaces(&label, &a.interfaces, &b.interfaces, &b.loc, &ctx);
                if a.discriminator != b.discriminator {
                    self.emit(
                        "UNION_DISCRIMINATOR_CHANGED",
                        None,
                        Which::New,
                        &b.loc,
                        format!(
                            "{label} discriminator changed from {} to {}",
                            value(a.discriminator.as_deref()),
                            value(b.discriminator.as_deref())
                        ),
                        &ctx,
                    );
                }
                let nkeys: Vec<String> = b
                    .types
                    .iter()
                    .map(|t| self.canon(Which::New, &t.ty.r))
                    .collect();
                let okeys: Vec<String> = a
                    .types
                    .iter()
                    .map(|t| self.canon(Which::Old, &t.ty.r))
                    .collect();
                for (t, key) in a.types.iter().zip(&okeys) {
                    match b.types.iter().zip(&nkeys).find(|(_, k)| *k == key) {
                        None => self.emit(
                            "UNION_MEMBER_REMOVED",
                            None,
                            Which::Old,
                            &t.loc,
                            format!("{label} member removed: {}", t.ty.text),
                            &ctx,
                        ),
                        Some((u, _)) => {
                            if t.discriminator_value != u.discriminator_value {
                                self.emit(
                                    "UNION_DISCRIMINATOR_VALUE_CHANGED",
                                    None,
                                    Which::New,
                                    &u.loc,
                                    format!("{label} member {} discriminator value changed from {} to {}", u.ty.text, t.discriminator_value, u.discriminator_value),
                                    &ctx,
                                );
                            }
                            let ml = format!("{label} member {}", u.ty.text);
                            self.docs(
                                &ml,
                                &t.description,
                                &u.description,
                                &t.deprecation,
                                &u.deprecation,
                                &u.loc,
                                &ctx,
                            );
                            self.attributes(&ml, &t.attributes, &u.attributes, &u.loc, &ctx);
                        }
                    }
                }
                for (u, key) in b.types.iter().zip(&nkeys) {
                    if !okeys.contains(key) {
                        self.emit(
                            "UNION_MEMBER_ADDED",
                            None,
                            Which::New,
                            &u.loc,
                            format!("{label} member added: {}", u.ty.text),
                            &ctx,
                        );
                    }
                }
                let od = a.default_type().map(|t| self.canon(Which::Old, &t.ty.r));
                let nd = b.default_type().map(|t| self.canon(Which::New, &t.ty.r));
                match (&od, &nd) {
                    (None, Some(d)) => self.emit(
                        "UNION_DEFAULT_ADDED",
                        None,
                        Which::New,
                        &b.loc,
                        format!("{label} default type added: {d}"),
                        &ctx,
                    ),
                    (Some(x), None) => self.emit(
                        "UNION_DEFAULT_CHANGED",
                        None,
                        Which::New,
                        &b.loc,
                        format!("{label} default type removed: {x}"),
                        &ctx,
                    ),
                    (Some(x), Some(y)) if x != y => self.emit(
                        "UNION_DEFAULT_CHANGED",
                        None,
                        Which::New,
                        &b.loc,
                        format!("{label} default type changed from {x} to {y}"),
                        &ctx,
                    ),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn type_common(
        &mut self,
        label: &str,
        plural: (&String, &String),
        desc: (&Option<String>, &Option<String>),
        dep: (&Option<Deprecation>, &Option<Deprecation>),
        attrs: (&[Attribute], &[Attribute]),
        loc: &Loc,
        ctx: &Ctx,
        renamed: bool,
    ) {
        if plural.0 != plural.1 && !renamed {
            self.emit(
                "TYPE_PLURAL_CHANGED",
                None,
                Which::New,
                loc,
                format!("{label} plural changed from {} to {}", plural.0, plural.1),
                ctx,
            );
        }
        self.docs(label, desc.0, desc.1, dep.0, dep.1, loc, ctx);
        self.attributes(label, attrs.0, attrs.1, loc, ctx);
    }

    fn interfaces(
        &mut self,
        label: &str,
        old: &[crate::ir::Named],
        new: &[crate::ir::Named],
        loc: &Loc,
        ctx: &Ctx,
    ) {
        let key = |cx: &Cx, which, n: &crate::ir::Named| match &n.resolved {
            Some(r) => cx.canon(which, r),
            None => n.name.clone(),
        };
        let ok: Vec<String> = old.iter().map(|n| key(self, Which::Old, n)).collect();
        let nk: Vec<String> = new.iter().map(|n| key(self, Which::New, n)).collect();
        for (n, k) in old.iter().zip(&ok) {
            if !nk.contains(k) {
                self.emit(
                    "TYPE_INTERFACE_REMOVED",
                    None,
                    Which::New,
                    loc,
                    format!("{label} interface removed: {}", n.name),
                    ctx,
                );
            }
        }
        for (n, k) in new.iter().zip(&nk) {
            if !ok.contains(k) {
                self.emit(
                    "TYPE_INTERFACE_ADDED",
                    None,
                    Which::New,
                    &n.loc,
                    format!("{label} interface added: {}", n.name),
                    ctx,
                );
            }
        }
    }

    /// Fields, parameters or headers, matched by name (path parameters of a moved operation by
    /// position, when `by_position` is set).
    #[allow(clippy::too_many_arguments)]
    fn members(
        &mut self,
        kind: MemberKind,
        label: &str,
        old: &[Member],
        new: &[Member],
        parent: &Loc,
        ctx: &Ctx,
        by_position: bool,
    ) {
        let is_path = |m: &Member| m.location == Some(Location::Path);
        let old_path: Vec<usize> = (0..old.len()).filter(|i| is_path(&old[*i])).collect();
        let new_path: Vec<usize> = (0..new.len()).filter(|i| is_path(&new[*i])).collect();
        let find = |i: usize| -> Option<usize> {
            if by_position && is_path(&old[i]) {
                let pos = old_path.iter().position(|&j| j == i)?;
                return new_path.get(pos).copied();
            }
            new.iter()
                .position(|m| m.name == old[i].name && !(by_position && is_path(m)))
        };
        let mut matched_new = HashSet::new();
        for (i, a) in old.iter().enumerate() {
            match find(i) {
                None => {
                    let what = format!(
                        "{label} {} removed: {}{}",
                        kind.label(),
                        a.name,
                        annotations_note(a.annotations)
                    );
                    self.emit(kind.rule("REMOVED"), None, Which::Old, a.loc, what, ctx);
                }
                Some(j) => {
                    matched_new.insert(j);
                    self.member_pair(kind, label, a, &new[j], ctx);
                }
            }
        }
        for (j, b) in new.iter().enumerate() {
            if matched_new.contains(&j) {
                continue;
            }
            let (rule, what) = if b.required && b.default.is_none() {
                (kind.rule("REQUIRED_ADDED"), "required")
            } else {
                (
                    kind.rule("ADDED"),
                    if b.required { "required" } else { "optional" },
                )
            };
            let mut msg = format!("{label} {what} {} added: {}", kind.label(), b.name);
            if let Some(d) = b.default {
                msg.push_str(&format!(", defaults to {}", truncate(d)));
            }
            msg.push_str(&annotations_note(b.annotations));
            self.emit(rule, None, Which::New, b.loc, msg, ctx);
        }
        let _ = parent;
    }

    fn member_pair(&mut self, kind: MemberKind, label: &str, a: &Member, b: &Member, ctx: &Ctx) {
        let ml = format!("{label} {} {}", kind.label(), b.name);
        let loc = b.loc;
        if self.type_changed(a.ty, b.ty) {
            self.emit(
                kind.rule("TYPE_CHANGED"),
                None,
                Which::New,
                loc,
                format!("{ml} type changed from {} to {}", a.ty.text, b.ty.text),
                ctx,
            );
        }
        if let (Some(x), Some(y)) = (a.location, b.location) {
            if x != y {
                self.emit(
                    "PARAMETER_LOCATION_CHANGED",
                    None,
                    Which::New,
                    loc,
                    format!(
                        "{ml} location changed from {} to {}",
                        x.as_str(),
                        y.as_str()
                    ),
                    ctx,
                );
            }
        }
        if !a.required && b.required {
            // With a default the server fills in what old clients omit.
            let class = b.default.map(|_| Class::NonBreaking);
            self.emit(
                kind.rule("OPTIONAL_TO_REQUIRED"),
                class,
                Which::New,
                loc,
                format!("{ml} is now required"),
                ctx,
            );
        } else if a.required && !b.required {
            self.emit(
                kind.rule("REQUIRED_TO_OPTIONAL"),
                None,
                Which::New,
                loc,
                format!("{ml} is no longer required"),
                ctx,
            );
        }
        match (a.default, b.default) {
            (None, Some(d)) => self.emit(
                "FIELD_DEFAULT_ADDED",
                None,
                Which::New,
                loc,
                format!("{ml} default added: {}", truncate(d)),
                ctx,
            ),
            (Some(d), None) => self.emit(
                "FIELD_DEFAULT_REMOVED",
                None,
                Which::New,
                loc,
                format!("{ml} default removed: {}", truncate(d)),
                ctx,
            ),
            (Some(x), Some(y)) if x != y => self.emit(
                "FIELD_DEFAULT_CHANGED",
                None,
                Which::New,
                loc,
                format!(
                    "{ml} default changed from {} to {}",
                    truncate(x),
                    truncate(y)
                ),
                ctx,
            ),
            _ => {}
        }
        for (what, x, y, tighter) in [
            ("minimum", a.minimum, b.minimum, b.minimum > a.minimum),
            (
                "maximum",
                a.maximum,
                b.maximum,
                matches!((a.maximum, b.maximum), (None, Some(_)))
                    || matches!((a.maximum, b.maximum), (Some(p), Some(q)) if q < p),
            ),
        ] {
            if x == y {
                continue;
            }
            let msg = match (x, y) {
                (None, Some(v)) => format!("{ml} {what} added: {v}"),
                (Some(v), None) => format!("{ml} {what} removed: {v}"),
                (Some(p), Some(q)) => format!("{ml} {what} changed from {p} to {q}"),
                (None, None) => continue,
            };
            let rule = if tighter {
                "FIELD_RANGE_TIGHTENED"
            } else {
                "FIELD_RANGE_LOOSENED"
            };
            self.emit(rule, None, Which::New, loc, msg, ctx);
        }
        if a.example != b.example {
            self.emit(
                "EXAMPLE_CHANGED",
                None,
                Which::New,
                loc,
                format!(
                    "{ml} example changed from {} to {}",
                    value(a.example),
                    value(b.example)
                ),
                ctx,
            );
        }
        for an in a.annotations {
            if !b.annotations.iter().any(|x| x.name == an.name) {
                self.emit(
                    "FIELD_ANNOTATION_CHANGED",
                    None,
                    Which::New,
                    loc,
                    format!("{ml} annotation removed: {}", an.name),
                    ctx,
                );
            }
        }
        for bn in b.annotations {
            if !a.annotations.iter().any(|x| x.name == bn.name) {
                self.emit(
                    "FIELD_ANNOTATION_CHANGED",
                    None,
                    Which::New,
                    &bn.loc,
                    format!("{ml} annotation added: {}", bn.name),
                    ctx,
                );
            }
        }
        self.docs(
            &ml,
            a.description,
            b.description,
            a.deprecation,
            b.deprecation,
            loc,
            ctx,
        );
        self.attributes(&ml, a.attributes, b.attributes, loc, ctx);
    }

    fn resource_key(&self, which: Which, r: &Resource) -> String {
        self.canon(which, &r.ty.r)
    }

    fn resources(&mut self, o: ServiceId, n: ServiceId) {
        let orepo: &'a Repo = self.old.side.repo;
        let nrepo: &'a Repo = self.new.side.repo;
        let (os, ns) = (orepo.service(o), nrepo.service(n));
        let okeys: Vec<String> = os
            .resources
            .iter()
            .map(|r| self.resource_key(Which::Old, r))
            .collect();
        let nkeys: Vec<String> = ns
            .resources
            .iter()
            .map(|r| self.resource_key(Which::New, r))
            .collect();
        // (old op, resource index) still to match, and the same for new
        let mut old_ops: Vec<(&'a Operation, usize)> = Vec::new();
        let mut new_ops: Vec<(&'a Operation, usize)> = Vec::new();
        let mut res_pair: HashMap<usize, usize> = HashMap::new();
        // by type, the path breaking ties (a type may back several resources)
        let mut pairing: Vec<Option<usize>> = vec![None; os.resources.len()];
        let mut taken: HashSet<usize> = HashSet::new();
        for exact in [true, false] {
            for (i, r) in os.resources.iter().enumerate() {
                if pairing[i].is_some() {
                    continue;
                }
                let found = (0..ns.resources.len()).find(|&j| {
                    !taken.contains(&j)
                        && nkeys[j] == okeys[i]
                        && (!exact || ns.resources[j].path == r.path)
                });
                if let Some(j) = found {
                    taken.insert(j);
                    pairing[i] = Some(j);
                }
            }
        }
        for (i, r) in os.resources.iter().enumerate() {
            match pairing[i] {
                None => {
                    let affects = r
                        .operations
                        .iter()
                        .map(|op| direction::op_label(orepo, o, op))
                        .collect();
                    let ctx = Ctx {
                        usage: Usage::NONE,
                        affects,
                    };
                    self.emit(
                        "RESOURCE_REMOVED",
                        None,
                        Which::Old,
                        &r.loc,
                        format!("resource removed: {}", r.ty.text),
                        &ctx,
                    );
                }
                Some(j) => {
                    res_pair.insert(i, j);
                    let b = &ns.resources[j];
                    let label = format!("resource {}", b.ty.text);
                    let none = Ctx::default();
                    // a resource of a declared type takes that type's plural, reported on the type
                    if r.plural != b.plural && !matches!(b.ty.r, TypeRef::Type(_)) {
                        self.emit(
                            "TYPE_PLURAL_CHANGED",
                            None,
                            Which::New,
                            &b.loc,
                            format!("{label} plural changed from {} to {}", r.plural, b.plural),
                            &none,
                        );
                    }
                    self.docs(
                        &label,
                        &r.description,
                        &b.description,
                        &r.deprecation,
                        &b.deprecation,
                        &b.loc,
                        &none,
                    );
                    self.attributes(&label, &r.attributes, &b.attributes, &b.loc, &none);
                    old_ops.extend(r.operations.iter().map(|op| (op, i)));
                    new_ops.extend(b.operations.iter().map(|op| (op, j)));
                }
            }
        }
        for (j, b) in ns.resources.iter().enumerate() {
            if !taken.contains(&j) {
                let affects = b
                    .operations
                    .iter()
                    .map(|op| direction::op_label(nrepo, n, op))
                    .collect();
                let ctx = Ctx {
                    usage: Usage::NONE,
                    affects,
                };
                self.emit(
                    "RESOURCE_ADDED",
                    None,
                    Which::New,
                    &b.loc,
                    format!("resource added: {}", b.ty.text),
                    &ctx,
                );
            }
        }
        let key = |op: &Operation| (op.method_text.clone(), op.path.clone());
        // by method and path; a key may repeat (several resources on one path): first unused, the
        // same resource preferred
        let mut new_index: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (k, (op, _)) in new_ops.iter().enumerate() {
            new_index.entry(key(op)).or_default().push(k);
        }
        let mut used_new: HashSet<usize> = HashSet::new();
        let mut unmatched_old = Vec::new();
        for (k, (op, ri)) in old_ops.iter().enumerate() {
            let cands = new_index.get(&key(op)).map(Vec::as_slice).unwrap_or(&[]);
            let free = |m: &&usize| !used_new.contains(*m);
            let pick = cands
                .iter()
                .filter(free)
                .find(|&&m| res_pair.get(ri) == Some(&new_ops[m].1))
                .or_else(|| cands.iter().find(free))
                .copied();
            match pick {
                Some(m) => {
                    used_new.insert(m);
                    self.operation(o, op, n, new_ops[m].0, false);
                }
                None => unmatched_old.push(k),
            }
        }
        // moves: same resource, same method; a path differing only in parameter names, or the
        // only candidate on each side
        let shape_of = |p: &str| {
            p.split('/')
                .map(|s| if s.starts_with(':') { ":" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        let mut moved: Vec<(usize, usize)> = Vec::new();
        for pass in 0..3 {
            for &k in &unmatched_old {
                if moved.iter().any(|(a, _)| *a == k) {
                    continue;
                }
                let (op, ri) = old_ops[k];
                let Some(&rj) = res_pair.get(&ri) else {
                    continue;
                };
                let cands: Vec<usize> = (0..new_ops.len())
                    .filter(|m| !used_new.contains(m))
                    .filter(|&m| new_ops[m].1 == rj && new_ops[m].0.method_text == op.method_text)
                    .collect();
                let pick = if pass == 0 {
                    cands
                        .iter()
                        .copied()
                        .find(|&m| shape_of(&new_ops[m].0.path) == shape_of(&op.path))
                } else if pass == 1 {
                    // the resource path changed (e.g. its plural), the operation's own path did not
                    cands
                        .iter()
                        .copied()
                        .find(|&m| new_ops[m].0.own_path == op.own_path)
                } else {
                    let olds = unmatched_old
                        .iter()
                        .filter(|&&x| !moved.iter().any(|(a, _)| *a == x))
                        .filter(|&&x| {
                            old_ops[x].1 == ri && old_ops[x].0.method_text == op.method_text
                        })
                        .count();
                    (cands.len() == 1 && olds == 1).then(|| cands[0])
                };
                if let Some(m) = pick {
                    used_new.insert(m);
                    moved.push((k, m));
                }
            }
        }
        for &k in &unmatched_old {
            let op = old_ops[k].0;
            match moved.iter().find(|(a, _)| *a == k) {
                Some(&(_, m)) => {
                    let nop = new_ops[m].0;
                    let ctx = Ctx {
                        usage: Usage::NONE,
                        affects: vec![direction::op_label(orepo, o, op)],
                    };
                    self.emit(
                        "OPERATION_MOVED",
                        None,
                        Which::New,
                        &nop.loc,
                        format!("operation {} moved to {}", op.label(), nop.path),
                        &ctx,
                    );
                    self.operation(o, op, n, nop, true);
                }
                None => {
                    let ctx = Ctx {
                        usage: Usage::NONE,
                        affects: vec![direction::op_label(orepo, o, op)],
                    };
                    self.emit(
                        "OPERATION_REMOVED",
                        None,
                        Which::Old,
                        &op.loc,
                        format!("operation removed: {}", op.label()),
                        &ctx,
                    );
                }
            }
        }
        for (m, (op, _)) in new_ops.iter().enumerate() {
            if !used_new.contains(&m) {
                let ctx = Ctx {
                    usage: Usage::NONE,
                    affects: vec![direction::op_label(nrepo, n, op)],
                };
                self.emit(
                    "OPERATION_ADDED",
                    None,
                    Which::New,
                    &op.loc,
                    format!("operation added: {}", op.label()),
                    &ctx,
                );
            }
        }
    }

    fn operation(
        &mut self,
        o: ServiceId,
        a: &'a Operation,
        n: ServiceId,
        b: &'a Operation,
        moved: bool,
    ) {
        let _ = o;
        let label = b.label();
        let affects = vec![direction::op_label(self.new.side.repo, n, b)];
        let req = Ctx {
            usage: Usage::REQUEST,
            affects: affects.clone(),
        };
        let resp = Ctx {
            usage: Usage::RESPONSE,
            affects: affects.clone(),
        };
        let none = Ctx {
            usage: Usage::NONE,
            affects,
        };
        self.docs(
            &label,
            &a.description,
            &b.description,
            &a.deprecation,
            &b.deprecation,
            &b.loc,
            &none,
        );
        self.attributes(&label, &a.attributes, &b.attributes, &b.loc, &none);
        match (&a.body, &b.body) {
            (None, Some(x)) => self.emit(
                "BODY_ADDED",
                None,
                Which::New,
                &x.loc,
                format!("{label} body added: {}", x.ty.text),
                &req,
            ),
            (Some(x), None) => self.emit(
                "BODY_REMOVED",
                None,
                Which::New,
                &b.loc,
                format!("{label} body removed: {}", x.ty.text),
                &req,
            ),
            (Some(x), Some(y)) => {
                if self.type_changed(&x.ty, &y.ty) {
                    self.emit(
                        "BODY_TYPE_CHANGED",
                        None,
                        Which::New,
                        &y.loc,
                        format!(
                            "{label} body type changed from {} to {}",
                            x.ty.text, y.ty.text
                        ),
                        &req,
                    );
                }
                let bl = format!("{label} body");
                self.docs(
                    &bl,
                    &x.description,
                    &y.description,
                    &x.deprecation,
                    &y.deprecation,
                    &y.loc,
                    &none,
                );
                self.attributes(&bl, &x.attributes, &y.attributes, &y.loc, &none);
            }
            (None, None) => {}
        }
        let op: Vec<Member> = a.parameters.iter().map(Member::parameter).collect();
        let np: Vec<Member> = b.parameters.iter().map(Member::parameter).collect();
        self.members(MemberKind::Parameter, &label, &op, &np, &b.loc, &req, moved);
        for r in &a.responses {
            match b.responses.iter().find(|s| s.code == r.code) {
                None => self.emit(
                    "RESPONSE_REMOVED",
                    None,
                    Which::Old,
                    &r.loc,
                    format!("{label} response removed: {}", r.code),
                    &resp,
                ),
                Some(s) => {
                    let rl = format!("{label} response {}", s.code);
                    if self.type_changed(&r.ty, &s.ty) {
                        self.emit(
                            "RESPONSE_TYPE_CHANGED",
                            None,
                            Which::New,
                            &s.loc,
                            format!("{rl} type changed from {} to {}", r.ty.text, s.ty.text),
                            &resp,
                        );
                    }
                    self.docs(
                        &rl,
                        &r.description,
                        &s.description,
                        &r.deprecation,
                        &s.deprecation,
                        &s.loc,
                        &none,
                    );
                    self.attributes(&rl, &r.attributes, &s.attributes, &s.loc, &none);
                    let oh: Vec<Member> = r.headers.iter().map(Member::header).collect();
                    let nh: Vec<Member> = s.headers.iter().map(Member::header).collect();
                    self.members(MemberKind::Header, &rl, &oh, &nh, &s.loc, &resp, false);
                }
            }
        }
        for s in &b.responses {
            if !a.responses.iter().any(|r| r.code == s.code) {
                let rule = if s.code.is_success() {
                    "RESPONSE_SUCCESS_ADDED"
                } else {
                    "RESPONSE_ERROR_ADDED"
                };
                self.emit(
                    rule,
                    None,
                    Which::New,
                    &s.loc,
                    format!("{label} response added: {}", s.code),
                    &resp,
                );
            }
        }
    }
}

/// ` (annotations: personal_data)` for a field that carries annotations, so that a field with
/// personal data that appears or disappears is always visible as such.
fn annotations_note(annotations: &[AnnotationRef]) -> String {
    if annotations.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = annotations.iter().map(|a| a.name.as_str()).collect();
        format!(" (annotations: {})", names.join(", "))
    }
}

/// The class of a rule for an element used in `usage` (unused elements: the most severe).
pub fn classify(rule: &rules::Rule, usage: Usage) -> Class {
    let mut class = None;
    if usage.sent() {
        class = Some(rule.request);
    }
    if usage.read() {
        class = Some(class.map_or(rule.response, |c: Class| c.max(rule.response)));
    }
    class.unwrap_or(rule.request.max(rule.response))
}
