//! `factories`: one function per model, enum and union building a valid value, for tests and for
//! the mock's default answers (`factories::item()`).
//!
//! Values are deterministic and would pass the generated server's validation: required fields
//! filled, optional fields without a default `None`, defaults applied, enums their first value,
//! unions their member with the shallowest value (the first on ties, so recursive types end),
//! numbers the value nearest 0 within `minimum`/`maximum`, strings the field's name padded or cut
//! to the allowed length, lists and maps empty or as long as their `minimum` asks. Types of another
//! service come from that service's `factories` (generated with the same settings, or a mapped
//! crate generated with factories too).
//!
//! Field and variant names follow `models.rs` (same scopes, same order).

use super::{default_value, doc_attrs, ident, naming, Cx};
use crate::diag::{Diagnostic, Severity};
use crate::gen::W1204;
use crate::ir::{Field, Primitive, Repo, ServiceId, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashMap;

/// The factory function name of every model, enum and union of the repo (`item`, `role`).
pub(crate) fn names(repo: &Repo) -> HashMap<TypeId, String> {
    let mut out = HashMap::new();
    for sid in repo.service_ids() {
        let mut scope = naming::Scope::new();
        for (id, name) in super::declared_types(repo, sid) {
            if id.kind != TypeKind::Interface {
                out.insert(id, scope.snake(name));
            }
        }
    }
    out
}

/// How deep the smallest value of every model and union is: a model is one deeper than its
/// deepest required field (optional fields are `None`, defaults are literals), a union one deeper
/// than its shallowest member. Computed by relaxation from "unknown" (`u32::MAX`); a type that
/// stays unknown has no finite value (every member of a cycle is required).
pub(crate) fn heights(cx: &Cx) -> HashMap<TypeId, u32> {
    const UNKNOWN: u32 = u32::MAX;
    let repo = cx.repo;
    let mut h: HashMap<TypeId, u32> = HashMap::new();
    let mut types = Vec::new();
    for sid in repo.service_ids() {
        for (id, _) in super::declared_types(repo, sid) {
            if matches!(id.kind, TypeKind::Model | TypeKind::Union) {
                h.insert(id, UNKNOWN);
                types.push(id);
            }
        }
    }
    fn of(cx: &Cx, h: &HashMap<TypeId, u32>, sid: ServiceId, r: &TypeRef, min: Option<i64>) -> u32 {
        match cx.resolve(sid, r) {
            TypeRef::List(t) | TypeRef::Map(t) if min.unwrap_or(0) > 0 => of(cx, h, sid, &t, None),
            TypeRef::Type(id) => h.get(&id).copied().unwrap_or(0),
            _ => 0,
        }
    }
    loop {
        let mut changed = false;
        for &id in &types {
            let new = if id.kind == TypeKind::Model {
                let m = repo.model(id);
                let deepest = m
                    .fields
                    .iter()
                    .filter(|f| {
                        f.required
                            && !f.default.as_deref().is_some_and(|d| {
                                default_value(cx, id.service, &cx.resolve(id.service, &f.ty.r), d)
                                    .is_some()
                            })
                    })
                    .map(|f| of(cx, &h, id.service, &f.ty.r, f.minimum))
                    .max()
                    .unwrap_or(0);
                deepest.saturating_add(1)
            } else {
                let u = repo.union(id);
                let shallowest = u
                    .types
                    .iter()
                    .map(|t| of(cx, &h, id.service, &t.ty.r, None))
                    .min()
                    .unwrap_or(0);
                shallowest.saturating_add(1)
            };
            if new < h[&id] {
                h.insert(id, new);
                changed = true;
            }
        }
        if !changed {
            return h;
        }
    }
}

/// Constraints and a name for a generated value (from a field or a parameter).
#[derive(Clone, Copy, Default)]
pub(crate) struct Hint<'a> {
    pub name: Option<&'a str>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

/// The body of the `factories` module of service `sid`.
pub(crate) fn factories(cx: &mut Cx, sid: ServiceId) -> TokenStream {
    cx.local = Some(quote!(super::models));
    let repo = cx.repo;
    let s = repo.service(sid);
    let own = quote!(self);
    let mut out = TokenStream::new();
    let ids = (0..s.enums.len())
        .map(|i| (TypeKind::Enum, i))
        .chain((0..s.models.len()).map(|i| (TypeKind::Model, i)))
        .chain((0..s.unions.len()).map(|i| (TypeKind::Union, i)));
    for (kind, i) in ids {
        let id = TypeId {
            service: sid,
            kind,
            index: i as u32,
        };
        let Some(fname) = cx.factory_names.get(&id).map(String::as_str).map(ident) else {
            continue;
        };
        let ty = cx.rust_type(sid, &TypeRef::Type(id), &type_loc(repo, id));
        let (body, description) = match kind {
            TypeKind::Enum => {
                let e = repo.enum_(id);
                let first = e.values.first().map(|v| v.wire()).unwrap_or_default();
                (
                    quote!(<#ty as ::charter_runtime::WireEnum>::from_wire(#first)),
                    e.description.as_deref(),
                )
            }
            TypeKind::Model => (model(cx, id, &own), repo.model(id).description.as_deref()),
            _ => (union(cx, id, &own), repo.union(id).description.as_deref()),
        };
        let name = repo.type_name(id);
        let mut docs = doc_attrs(description, None);
        if description.is_some() {
            docs.extend(quote!(#[doc = ""]));
        }
        let line = format!(" A valid `{name}`.");
        docs.extend(quote!(#[doc = #line]));
        if cx.factory_heights.get(&id) == Some(&u32::MAX) {
            docs.extend(quote! {
                #[doc = ""]
                #[doc = " Never returns: the type has no finite value (warning W1204)."]
                #[allow(unconditional_recursion)]
            });
            cx.diags.push(
                Diagnostic::new(
                    &W1204,
                    format!("`{name}` has no finite value (a cycle of required fields): its factory never returns"),
                )
                .with_severity(Severity::Warning)
                .at(type_loc(repo, id))
                .with_help("make one field of the cycle optional"),
            );
        }
        out.extend(quote! {
            #docs
            pub fn #fname() -> #ty { #body }
        });
    }
    cx.local = None;
    out
}

fn type_loc(repo: &Repo, id: TypeId) -> crate::source::Loc {
    match id.kind {
        TypeKind::Enum => repo.enum_(id).loc.clone(),
        TypeKind::Model => repo.model(id).loc.clone(),
        TypeKind::Union => repo.union(id).loc.clone(),
        TypeKind::Interface => repo.interface(id).loc.clone(),
    }
}

fn model(cx: &mut Cx, id: TypeId, own: &TokenStream) -> TokenStream {
    let repo = cx.repo;
    let m = repo.model(id);
    let ty = cx.rust_type(id.service, &TypeRef::Type(id), &m.loc);
    let mut scope = naming::Scope::new();
    let fields = m.fields.iter().map(|f| {
        let fid = ident(&scope.snake(&f.name));
        let resolved = cx.resolve(id.service, &f.ty.r);
        let boxed = cx.needs_box(id, &resolved);
        let given = f
            .default
            .as_deref()
            .and_then(|d| default_value(cx, id.service, &resolved, d));
        let v = match given {
            Some(v) => Some(v),
            None if !f.required => None,
            None => Some(value(cx, id.service, &resolved, field_hint(f), own)),
        };
        match v {
            Some(v) if boxed => quote!(#fid: ::std::boxed::Box::new(#v),),
            Some(v) => quote!(#fid: #v,),
            None => quote!(#fid: ::std::option::Option::None,),
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    quote!(#ty { #(#fields)* })
}

fn field_hint(f: &Field) -> Hint<'_> {
    Hint {
        name: Some(&f.name),
        minimum: f.minimum,
        maximum: f.maximum,
    }
}

fn union(cx: &mut Cx, id: TypeId, own: &TokenStream) -> TokenStream {
    let repo = cx.repo;
    let u = repo.union(id);
    let ty = cx.rust_type(id.service, &TypeRef::Type(id), &u.loc);
    // Variant names as models.rs gives them.
    let mut scope = naming::Scope::with_reserved(&["Unknown"]);
    let mut members = Vec::new();
    for t in &u.types {
        let resolved = cx.resolve(id.service, &t.ty.r);
        let base = match resolved.innermost() {
            TypeRef::Type(tid) => repo.type_name(*tid).to_owned(),
            TypeRef::External { name, .. } => name.clone(),
            _ => t.discriminator_value.clone(),
        };
        members.push((ident(&scope.camel(&base)), resolved));
    }
    let height = |r: &TypeRef| match r {
        TypeRef::Type(t) => cx.factory_heights.get(t).copied().unwrap_or(0),
        _ => 0,
    };
    let pick = members.iter().min_by_key(|(_, r)| height(r));
    match pick {
        Some((v, r)) => {
            let r = r.clone();
            let value = value(cx, id.service, &r, Hint::default(), own);
            if cx.needs_box(id, &r) {
                quote!(#ty::#v(::std::boxed::Box::new(#value)))
            } else {
                quote!(#ty::#v(#value))
            }
        }
        None => quote!(#ty::Unknown(::charter_runtime::serde_json::Value::Null)),
    }
}

/// A valid value of type `r` (resolved) used from service `sid`; `own` is the path of `sid`'s
/// factories module (`self` inside it, `super::factories` next to it).
pub(crate) fn value(
    cx: &mut Cx,
    sid: ServiceId,
    r: &TypeRef,
    hint: Hint,
    own: &TokenStream,
) -> TokenStream {
    let clamp = |lo: i64, hi: i64| -> i64 {
        let mut v = 0i64;
        if let Some(m) = hint.minimum {
            v = v.max(m);
        }
        if let Some(m) = hint.maximum {
            v = v.min(m);
        }
        v.clamp(lo, hi)
    };
    // How many elements a list or map needs.
    let count = || hint.minimum.unwrap_or(0).clamp(0, 16) as usize;
    match r {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => quote!(false),
            Primitive::Integer => {
                let v = clamp(i32::MIN as i64, i32::MAX as i64) as i32;
                quote!(#v)
            }
            Primitive::Long => {
                let v = clamp(i64::MIN, i64::MAX);
                quote!(#v)
            }
            Primitive::Double => {
                let v = clamp(i64::MIN, i64::MAX) as f64;
                quote!(#v)
            }
            Primitive::Decimal => {
                let v = clamp(i64::MIN, i64::MAX);
                quote!(::charter_runtime::rust_decimal::Decimal::from(#v))
            }
            Primitive::String => {
                let text = string(hint);
                quote!(::std::string::String::from(#text))
            }
            Primitive::Uuid => {
                quote!(::charter_runtime::uuid::Uuid::from_u128(
                    0x0123_4567_89ab_4def_8123_4567_89ab_cdef
                ))
            }
            Primitive::DateIso8601 => {
                quote!(
                    ::charter_runtime::chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                        .unwrap_or_default()
                )
            }
            Primitive::DateTimeIso8601 => quote!(
                ::charter_runtime::chrono::DateTime::from_timestamp(1_704_067_200, 0)
                    .unwrap_or_default()
            ),
            Primitive::Object | Primitive::Json => {
                quote!(::charter_runtime::serde_json::Value::Object(
                    ::charter_runtime::serde_json::Map::new()
                ))
            }
            Primitive::Unit => quote!(()),
        },
        TypeRef::List(inner) => {
            let n = count();
            if n == 0 {
                quote!(::std::vec::Vec::new())
            } else {
                let v = value(cx, sid, inner, Hint::default(), own);
                quote!(::std::vec![#v; #n])
            }
        }
        TypeRef::Map(inner) => {
            let n = count();
            if n == 0 {
                quote!(::std::collections::BTreeMap::new())
            } else {
                let v = value(cx, sid, inner, Hint::default(), own);
                let keys = (1..=n).map(|i| format!("key{i}"));
                quote!(::std::collections::BTreeMap::from([#((::std::string::String::from(#keys), #v)),*]))
            }
        }
        TypeRef::Type(id) => match cx.factory_names.get(id) {
            Some(name) => {
                let f = ident(name);
                if id.service == sid {
                    quote!(#own::#f())
                } else {
                    let path = cx.service_path(id.service);
                    quote!(#path::factories::#f())
                }
            }
            // An interface used as a type has no value of its own.
            None => quote!(::std::default::Default::default()),
        },
        TypeRef::External {
            namespace, name, ..
        } => match cx.settings.crate_paths.get(namespace) {
            Some(path) => {
                let path: TokenStream = path.parse().unwrap_or_else(|_| quote!(crate));
                let f = ident(&naming::snake(name));
                quote!(#path::factories::#f())
            }
            None => quote!(::charter_runtime::serde_json::Value::Object(
                ::charter_runtime::serde_json::Map::new()
            )),
        },
        TypeRef::Named(_) => {
            let resolved = cx.resolve(sid, r);
            if matches!(resolved, TypeRef::Named(_)) {
                quote!(::charter_runtime::serde_json::Value::Null)
            } else {
                value(cx, sid, &resolved, hint, own)
            }
        }
        TypeRef::Unresolved(_) => quote!(::charter_runtime::serde_json::Value::Null),
    }
}

/// A string for `hint`: its name (or `value`), padded with `x` or cut to the allowed length.
fn string(hint: Hint) -> String {
    let mut s: String = hint.name.unwrap_or("value").to_owned();
    let min = hint.minimum.unwrap_or(0).clamp(0, 4096) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = hint.maximum {
        let max = max.max(0) as usize;
        if s.chars().count() > max {
            s = s.chars().take(max).collect();
        }
    }
    s
}
