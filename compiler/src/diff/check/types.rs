//! Models, enums, unions and interfaces of a matched service pair: paired by kind and name, then
//! by shape (a type that disappears while exactly one of the same kind and shape appears is a
//! rename); then the common parts (plural, docs, attributes, interfaces) and the kind's own check.

use super::{enums, fields, unions};
use crate::diff::cx::{Ctx, Cx, Which};
use crate::diff::pair::{pair, Paired, Pass};
use crate::diff::rules::*;
use crate::ir::{
    Attribute, Deprecation, Field, Named, Service, ServiceId, Type, TypeId, TypeKind, TypeRef,
};
use crate::source::Loc;
use std::collections::HashMap;

fn type_ids<'s>(s: &'s Service, sid: ServiceId) -> Vec<(TypeId, &'s str)> {
    let mut v: Vec<(TypeId, &'s str)> = Vec::new();
    let mut add = |kind, names: Vec<&'s str>| {
        for (i, n) in names.into_iter().enumerate() {
            let id = TypeId {
                service: sid,
                kind,
                index: i as u32,
            };
            v.push((id, n));
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

/// A signature of a type's wire shape, used to recognise renames.
fn shape(s: &Service, id: TypeId) -> String {
    let i = id.index as usize;
    let fields = |fs: &[Field]| {
        fs.iter()
            .map(|f| format!("{}:{}:{}", f.name, shape_type(&f.ty, id), f.required))
            .collect::<Vec<_>>()
            .join(",")
    };
    match id.kind {
        TypeKind::Model => format!("m{{{}}}", fields(&s.models[i].fields)),
        TypeKind::Interface => format!("i{{{}}}", fields(&s.interfaces[i].fields)),
        TypeKind::Enum => {
            let values: Vec<&str> = s.enums[i].values.iter().map(|v| v.wire()).collect();
            format!("e{{{}}}", values.join(","))
        }
        TypeKind::Union => {
            let u = &s.unions[i];
            let members: Vec<String> = u
                .types
                .iter()
                .map(|t| format!("{}={}", t.discriminator_value, t.ty.text))
                .collect();
            format!("u{:?}{{{}}}", u.discriminator, members.join(","))
        }
    }
}

/// A field type in a shape: a reference to the type itself (`[node]` in `node`) is written
/// `Self`, so that a recursive type keeps its shape when it is renamed (its own name changes in
/// its fields too).
fn shape_type(t: &Type, own: TypeId) -> String {
    fn own_ref(r: &TypeRef, own: TypeId) -> Option<String> {
        match r {
            TypeRef::Type(id) if *id == own => Some("Self".into()),
            TypeRef::List(t) => own_ref(t, own).map(|s| format!("[{s}]")),
            TypeRef::Map(t) => own_ref(t, own).map(|s| format!("map[{s}]")),
            _ => None,
        }
    }
    own_ref(&t.r, own).unwrap_or_else(|| t.text.clone())
}

/// The types of one side (id and name).
type SideTypes = Vec<(TypeId, String)>;

/// The pairing of the types of two services (by kind and name, then renames by shape).
fn pairing(cx: &Cx, o: ServiceId, n: ServiceId) -> (SideTypes, SideTypes, Vec<Paired>) {
    let os = cx.old.side.repo.service(o);
    let ns = cx.new.side.repo.service(n);
    let old: Vec<(TypeId, String)> = type_ids(os, o)
        .into_iter()
        .map(|(id, s)| (id, s.to_string()))
        .collect();
    let new: Vec<(TypeId, String)> = type_ids(ns, n)
        .into_iter()
        .map(|(id, s)| (id, s.to_string()))
        .collect();
    let oshape: Vec<String> = old.iter().map(|(id, _)| shape(os, *id)).collect();
    let nshape: Vec<String> = new.iter().map(|(id, _)| shape(ns, *id)).collect();
    let named = |i: usize, j: usize| old[i].0.kind == new[j].0.kind && old[i].1 == new[j].1;
    let shaped = |i: usize, j: usize| old[i].0.kind == new[j].0.kind && oshape[i] == nshape[j];
    let pairs = pair(
        old.len(),
        new.len(),
        &[Pass::First(&named), Pass::Unique(&shaped)],
    )
    .iter()
    .collect();
    (old, new, pairs)
}

/// Records the type matching of a service pair in `cx.types`; returns the renames.
pub(super) fn match_types(cx: &mut Cx, o: ServiceId, n: ServiceId) -> Vec<(TypeId, TypeId)> {
    let (old, new, pairs) = pairing(cx, o, n);
    let mut renames = Vec::new();
    for p in pairs {
        if let Paired::Matched(i, j, pass) = p {
            cx.types.insert(old[i].0, new[j].0);
            if pass == 1 {
                renames.push((old[i].0, new[j].0));
            }
        }
    }
    renames
}

pub(super) fn all(cx: &mut Cx, o: ServiceId, n: ServiceId, renames: &[(TypeId, TypeId)]) {
    let (old, new, pairs) = pairing(cx, o, n);
    let renamed: HashMap<TypeId, TypeId> = renames.iter().copied().collect();
    // removed and matched in old order, then added (as pairing reports them)
    for p in pairs {
        match p {
            Paired::Matched(i, j, _) => {
                let (oid, nid) = (old[i].0, new[j].0);
                let is_renamed = renamed.contains_key(&oid);
                if is_renamed {
                    let ctx = cx.type_ctx(oid, nid);
                    let new_name = cx.new.side.repo.type_name(nid).to_string();
                    let loc = cx.type_loc(Which::New, nid);
                    let msg = format!("{} {} renamed to {new_name}", oid.kind.label(), old[i].1);
                    cx.emit(&TYPE_RENAMED, Which::New, loc, msg, &ctx);
                }
                type_pair(cx, oid, nid, is_renamed);
            }
            Paired::Removed(i) => {
                let oid = old[i].0;
                let ctx = cx.one_side_ctx(Which::Old, oid);
                let loc = cx.type_loc(Which::Old, oid);
                let msg = format!("{} removed: {}", oid.kind.label(), old[i].1);
                cx.emit(&TYPE_REMOVED, Which::Old, loc, msg, &ctx);
            }
            Paired::Added(j) => {
                let nid = new[j].0;
                let ctx = cx.one_side_ctx(Which::New, nid);
                let loc = cx.type_loc(Which::New, nid);
                let msg = format!("{} added: {}", nid.kind.label(), new[j].1);
                cx.emit(&TYPE_ADDED, Which::New, loc, msg, &ctx);
            }
        }
    }
}

/// What every kind of type has.
struct Common<'a> {
    plural: &'a String,
    description: &'a Option<String>,
    deprecation: &'a Option<Deprecation>,
    attributes: &'a [Attribute],
    loc: &'a Loc,
}

macro_rules! common {
    ($t:expr) => {
        Common {
            plural: &$t.plural,
            description: &$t.description,
            deprecation: &$t.deprecation,
            attributes: &$t.attributes,
            loc: &$t.loc,
        }
    };
}

fn type_pair(cx: &mut Cx, o: TypeId, n: TypeId, renamed: bool) {
    let (orepo, nrepo) = (cx.old.side.repo, cx.new.side.repo);
    let ctx = cx.type_ctx(o, n);
    let label = format!("{} {}", n.kind.label(), nrepo.type_name(n));
    let (oi, ni) = (o.index as usize, n.index as usize);
    let (os, ns) = (orepo.service(o.service), nrepo.service(n.service));
    match (o.kind, n.kind) {
        (TypeKind::Model, TypeKind::Model) => {
            let (a, b) = (&os.models[oi], &ns.models[ni]);
            common(cx, &label, (o, n), common!(a), common!(b), &ctx, renamed);
            interfaces(cx, &label, &a.interfaces, &b.interfaces, &b.loc, &ctx);
            fields::compare(cx, &label, &a.fields, &b.fields, &ctx);
        }
        (TypeKind::Interface, TypeKind::Interface) => {
            let (a, b) = (&os.interfaces[oi], &ns.interfaces[ni]);
            common(cx, &label, (o, n), common!(a), common!(b), &ctx, renamed);
            fields::compare(cx, &label, &a.fields, &b.fields, &ctx);
        }
        (TypeKind::Enum, TypeKind::Enum) => {
            let (a, b) = (&os.enums[oi], &ns.enums[ni]);
            common(cx, &label, (o, n), common!(a), common!(b), &ctx, renamed);
            enums::compare(cx, &label, a, b, &ctx);
        }
        (TypeKind::Union, TypeKind::Union) => {
            let (a, b) = (&os.unions[oi], &ns.unions[ni]);
            common(cx, &label, (o, n), common!(a), common!(b), &ctx, renamed);
            interfaces(cx, &label, &a.interfaces, &b.interfaces, &b.loc, &ctx);
            unions::compare(cx, &label, a, b, &ctx);
        }
        _ => {}
    }
}

/// Whether a resource of either version is backed by the type.
fn backs_resource(cx: &Cx, o: TypeId, n: TypeId) -> bool {
    let backs = |repo: &crate::ir::Repo, id: TypeId| {
        repo.services.iter().any(|s| {
            s.resources
                .iter()
                .any(|r| matches!(r.ty.r, crate::ir::TypeRef::Type(t) if t == id))
        })
    };
    backs(cx.old.side.repo, o) || backs(cx.new.side.repo, n)
}

#[allow(clippy::too_many_arguments)]
fn common(
    cx: &mut Cx,
    label: &str,
    ids: (TypeId, TypeId),
    a: Common,
    b: Common,
    ctx: &Ctx,
    renamed: bool,
) {
    if a.plural != b.plural && !renamed {
        let msg = format!("{label} plural changed from {} to {}", a.plural, b.plural);
        let case = (!backs_resource(cx, ids.0, ids.1)).then_some(&PLURAL_OF_NO_RESOURCE);
        cx.emit_case(&TYPE_PLURAL_CHANGED, case, Which::New, b.loc, msg, ctx);
    }
    cx.docs(
        label,
        a.description,
        b.description,
        a.deprecation,
        b.deprecation,
        b.loc,
        ctx,
    );
    cx.attributes(label, a.attributes, b.attributes, ctx);
}

/// Interfaces a model or union implements, by resolved type (renames followed).
fn interfaces(cx: &mut Cx, label: &str, old: &[Named], new: &[Named], loc: &Loc, ctx: &Ctx) {
    let key = |cx: &Cx, which, n: &Named| match &n.resolved {
        Some(r) => cx.canon(which, r),
        None => n.name.clone(),
    };
    let ok: Vec<String> = old.iter().map(|n| key(cx, Which::Old, n)).collect();
    let nk: Vec<String> = new.iter().map(|n| key(cx, Which::New, n)).collect();
    for p in crate::diff::pair::by_key(&ok, &nk, String::clone, String::clone).iter() {
        match p {
            Paired::Removed(i) => {
                let msg = format!("{label} interface removed: {}", old[i].name);
                cx.emit(&TYPE_INTERFACE_REMOVED, Which::New, loc, msg, ctx);
            }
            Paired::Added(j) => {
                let msg = format!("{label} interface added: {}", new[j].name);
                cx.emit(&TYPE_INTERFACE_ADDED, Which::New, &new[j].loc, msg, ctx);
            }
            Paired::Matched(..) => {}
        }
    }
}
