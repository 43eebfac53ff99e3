//! Personal data in generated models: which types can hold it, the `Debug` that prints
//! `[redacted]` in its place, and the `charter_runtime::PersonalData` implementations that list and
//! erase it (semantics documented in `charter_runtime::redact`).
//!
//! A field is personal data when it carries one of [`super::Settings::redacted_annotations`]
//! (`personal_data` by default). From those fields, two sets of types are computed once per run:
//!
//! - *holding* models and unions reach an annotated field through fields, members, lists, maps and
//!   imports of the repo (or a type of a crate-mapped import, whose own generated code knows);
//!   their `redact` and `visit_personal_data` walk exactly the fields that may hold personal data;
//! - *whole* types are erased as a whole: the type of an annotated field, and every model, union
//!   and enum inside one; they get `erase` and `is_erased`.
//!
//! Every other type implements the trait with an empty body, so the generated code stays lean.
//! Only models with annotated fields (and holding unions, for their `Unknown` member) replace the
//! derived `Debug` with a written one.

use super::Cx;
use crate::ir::{Field, ServiceId, TypeId, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::{HashMap, HashSet};

/// The types that hold personal data, or are personal data as a whole.
#[derive(Default)]
pub(crate) struct Pii {
    holding: HashSet<TypeId>,
    whole: HashSet<TypeId>,
}

/// One member of a generated union, as [`super::models`] names and writes it.
pub(crate) struct Member<'a> {
    pub variant: Ident,
    pub tag: &'a str,
    /// Written flat (a model or union member) rather than under `value`.
    pub object: bool,
    pub ty: TypeRef,
}

impl Pii {
    pub(crate) fn compute(cx: &Cx) -> Pii {
        let mut pii = Pii::default();
        // Reverse "contains" edges, for the holding set; forward ones for the whole set.
        let mut holders: HashMap<TypeId, Vec<TypeId>> = HashMap::new();
        let mut contains: HashMap<TypeId, Vec<TypeId>> = HashMap::new();
        let mut seeds = Vec::new();
        let mut whole_seeds = Vec::new();
        for sid in cx.repo.service_ids() {
            let s = cx.repo.service(sid);
            for (i, m) in s.models.iter().enumerate() {
                let id = type_id(sid, TypeKind::Model, i);
                for f in &m.fields {
                    let r = cx.resolve(sid, &f.ty.r);
                    if is_annotated(cx, f) {
                        seeds.push(id);
                        whole_seeds.extend(declared(&r));
                    } else if mapped_import(cx, &r) {
                        seeds.push(id);
                    }
                    if let Some(t) = declared(&r) {
                        holders.entry(t).or_default().push(id);
                        contains.entry(id).or_default().push(t);
                    }
                }
            }
            for (i, u) in s.unions.iter().enumerate() {
                let id = type_id(sid, TypeKind::Union, i);
                for t in &u.types {
                    let r = cx.resolve(sid, &t.ty.r);
                    if mapped_import(cx, &r) {
                        seeds.push(id);
                    }
                    if let Some(t) = declared(&r) {
                        holders.entry(t).or_default().push(id);
                        contains.entry(id).or_default().push(t);
                    }
                }
            }
        }
        reach(&mut pii.holding, seeds, &holders);
        reach(&mut pii.whole, whole_seeds, &contains);
        pii
    }

    /// Whether a value of type `r` (resolved) may hold personal data inside.
    fn holds(&self, cx: &Cx, r: &TypeRef) -> bool {
        match r.innermost() {
            TypeRef::Type(t) => self.holding.contains(t),
            other => mapped_import(cx, other),
        }
    }
}

/// The model, union or enum that `r` names at its innermost level, if any.
fn declared(r: &TypeRef) -> Option<TypeId> {
    r.type_id()
        .filter(|t| matches!(t.kind, TypeKind::Model | TypeKind::Union | TypeKind::Enum))
}

/// A type of an import outside the repo that is mapped to a crate path: that crate's generated
/// code implements `PersonalData` for it, so it is walked.
fn mapped_import(cx: &Cx, r: &TypeRef) -> bool {
    matches!(r.innermost(), TypeRef::External { namespace, kind, .. }
        if *kind != TypeKind::Enum && cx.settings.crate_paths.contains_key(namespace))
}

fn type_id(service: ServiceId, kind: TypeKind, i: usize) -> TypeId {
    TypeId {
        service,
        kind,
        index: i as u32,
    }
}

/// Everything reachable from `seeds` along `edges`, into `set`.
fn reach(set: &mut HashSet<TypeId>, seeds: Vec<TypeId>, edges: &HashMap<TypeId, Vec<TypeId>>) {
    let mut work = seeds;
    while let Some(t) = work.pop() {
        if set.insert(t) {
            work.extend(edges.get(&t).into_iter().flatten().copied());
        }
    }
}

/// Whether a field carries one of the redacted annotations.
pub(crate) fn is_annotated(cx: &Cx, f: &Field) -> bool {
    f.annotations
        .iter()
        .any(|a| cx.settings.redacted_annotations.contains(&a.name))
}

/// Whether a model writes its own `Debug` (it has annotated fields) instead of deriving it.
pub(crate) fn model_redacts_debug(cx: &Cx, id: TypeId) -> bool {
    cx.repo.model(id).fields.iter().any(|f| is_annotated(cx, f))
}

/// Whether a union writes its own `Debug` (its `Unknown` member may hold personal data).
pub(crate) fn union_redacts_debug(cx: &Cx, id: TypeId) -> bool {
    cx.pii.holding.contains(&id)
}

fn trait_path() -> TokenStream {
    quote!(::charter_runtime::PersonalData)
}

fn visit_signature() -> TokenStream {
    quote!(fn visit_personal_data(&self, at: &mut ::std::string::String, out: &mut ::std::vec::Vec<::std::string::String>))
}

/// `impl Debug` (when the model has annotated fields) and `impl PersonalData` for a model whose
/// fields are named `idents` (in spec order).
pub(crate) fn model(cx: &Cx, id: TypeId, idents: &[Ident]) -> TokenStream {
    let m = cx.repo.model(id);
    let name = cx.ident(id);
    let tr = trait_path();
    let mut out = TokenStream::new();
    if model_redacts_debug(cx, id) {
        let label = super::naming::unraw(&name.to_string()).to_owned();
        let entries = m.fields.iter().zip(idents).map(|(f, i)| {
            let label = super::naming::unraw(&i.to_string()).to_owned();
            if is_annotated(cx, f) {
                quote!(.field(#label, &::charter_runtime::Redacted))
            } else {
                quote!(.field(#label, &self.#i))
            }
        });
        out.extend(quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label) #(#entries)* .finish()
                }
            }
        });
    }
    let mut methods = TokenStream::new();
    if cx.pii.holding.contains(&id) {
        let mut redact = Vec::new();
        let mut visit = Vec::new();
        for (f, i) in m.fields.iter().zip(idents) {
            let wire = &f.name;
            if is_annotated(cx, f) {
                redact.push(quote!(#tr::erase(&mut self.#i);));
                visit.push(quote!(::charter_runtime::redact::annotated(&self.#i, #wire, at, out);));
            } else if cx.pii.holds(cx, &cx.resolve(id.service, &f.ty.r)) {
                redact.push(quote!(#tr::redact(&mut self.#i);));
                visit.push(quote!(::charter_runtime::redact::visit(&self.#i, #wire, at, out);));
            }
        }
        let sig = visit_signature();
        methods.extend(quote! {
            fn redact(&mut self) { #(#redact)* }
            #sig { #(#visit)* }
        });
    }
    if cx.pii.whole.contains(&id) {
        let is_erased = if idents.is_empty() {
            quote!(true)
        } else {
            quote!(#(#tr::is_erased(&self.#idents))&&*)
        };
        methods.extend(quote! {
            fn erase(&mut self) { #(#tr::erase(&mut self.#idents);)* }
            fn is_erased(&self) -> bool { #is_erased }
        });
    }
    out.extend(quote!(impl #tr for #name { #methods }));
    out
}

/// `impl Debug` (for a union that may hold personal data) and `impl PersonalData` for a union.
pub(crate) fn union(cx: &Cx, id: TypeId, members: &[Member], wrapped: bool) -> TokenStream {
    let name = cx.ident(id);
    let tr = trait_path();
    let mut out = TokenStream::new();
    let holding = cx.pii.holding.contains(&id);
    let all = members.iter().map(|m| &m.variant).collect::<Vec<_>>();
    if union_redacts_debug(cx, id) {
        let labels = all
            .iter()
            .map(|v| super::naming::unraw(&v.to_string()).to_owned());
        out.extend(quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(Self::#all(v) => f.debug_tuple(#labels).field(v).finish(),)*
                        Self::Unknown(_) => f.debug_tuple("Unknown").field(&::charter_runtime::Redacted).finish(),
                    }
                }
            }
        });
    }
    let mut methods = TokenStream::new();
    if holding {
        let mut redact = Vec::new();
        let mut visit = Vec::new();
        for m in members.iter().filter(|m| cx.pii.holds(cx, &m.ty)) {
            let v = &m.variant;
            redact.push(quote!(Self::#v(v) => #tr::redact(v),));
            let tag = m.tag;
            visit.push(match (wrapped, m.object) {
                (true, _) => {
                    quote!(Self::#v(v) => ::charter_runtime::redact::visit(v, #tag, at, out),)
                }
                (false, true) => quote!(Self::#v(v) => #tr::visit_personal_data(v, at, out),),
                (false, false) => {
                    quote!(Self::#v(v) => ::charter_runtime::redact::visit(v, "value", at, out),)
                }
            });
        }
        let rest = (redact.len() < members.len()).then(|| quote!(_ => {}));
        let sig = visit_signature();
        methods.extend(quote! {
            fn redact(&mut self) {
                match self {
                    #(#redact)*
                    Self::Unknown(v) => #tr::erase(v),
                    #rest
                }
            }
            #sig {
                match self {
                    #(#visit)*
                    Self::Unknown(v) => ::charter_runtime::redact::whole(v, at, out),
                    #rest
                }
            }
        });
    }
    if cx.pii.whole.contains(&id) {
        methods.extend(quote! {
            fn erase(&mut self) {
                match self {
                    #(Self::#all(v) => #tr::erase(v),)*
                    Self::Unknown(v) => #tr::erase(v),
                }
            }
            fn is_erased(&self) -> bool {
                match self {
                    #(Self::#all(v) => #tr::is_erased(v),)*
                    Self::Unknown(v) => #tr::is_erased(v),
                }
            }
        });
    }
    out.extend(quote!(impl #tr for #name { #methods }));
    out
}

/// `impl PersonalData` for an enum: nothing inside; erased to `Unknown("")` when it is the type of
/// an annotated field (or inside one).
pub(crate) fn enum_(cx: &Cx, id: TypeId) -> TokenStream {
    let name = cx.ident(id);
    let tr = trait_path();
    let methods = cx.pii.whole.contains(&id).then(|| {
        quote! {
            fn erase(&mut self) { *self = Self::Unknown(::std::string::String::new()); }
            fn is_erased(&self) -> bool { matches!(self, Self::Unknown(s) if s.is_empty()) }
        }
    });
    quote!(impl #tr for #name { #methods })
}
