//! Personal data in generated models: which types can hold it, the `Debug` that prints
//! `[redacted]` in its place, and the `charter_runtime::PersonalData` implementations that list and
//! erase it (semantics documented in `charter_runtime::redact`).
//!
//! A field is personal data when it carries one of [`super::Settings::redacted_annotations`]
//! (`personal_data` by default). From those fields, the plan computes two sets of types once per run
//! on the type graph ([`crate::graph::TypeGraph`]):
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

use super::ident;
use super::plan::{Place, Plan, TypePlan};
use crate::ir::TypeId;
use proc_macro2::TokenStream;
use quote::quote;

/// Whether the type's `PersonalData` impl is the trait's default (nothing inside to list or
/// erase): such types are listed in one `charter_runtime::no_personal_data!` instead.
pub(crate) fn holds_none(t: &TypePlan) -> bool {
    !t.holds_pii && !t.whole_pii
}

/// Whether a model writes its own `Debug` (it has annotated fields) instead of deriving it.
pub(crate) fn model_redacts_debug(t: &TypePlan) -> bool {
    t.fields.iter().any(|f| f.redacted)
}

/// Whether a union writes its own `Debug` (its `Unknown` member may hold personal data).
pub(crate) fn union_redacts_debug(t: &TypePlan) -> bool {
    t.holds_pii
}

fn trait_path(plan: &Plan, id: TypeId) -> TokenStream {
    plan.name(id.service, "PersonalData", Place::Models)
}

fn visit_signature(plan: &Plan, id: TypeId) -> TokenStream {
    let (string, vec) = (
        plan.name(id.service, "String", Place::Models),
        plan.name(id.service, "Vec", Place::Models),
    );
    quote!(fn visit_personal_data(&self, at: &mut #string, out: &mut #vec<#string>))
}

/// `impl Debug` (when the model has annotated fields) and `impl PersonalData` for a model.
pub(crate) fn model(plan: &Plan, id: TypeId, t: &TypePlan) -> TokenStream {
    let name = ident(&t.ident);
    let idents: Vec<proc_macro2::Ident> = t.fields.iter().map(|f| ident(&f.ident)).collect();
    let tr = trait_path(plan, id);
    let mut out = TokenStream::new();
    if model_redacts_debug(t) {
        let label = super::naming::unraw(&t.ident).to_owned();
        let entries = t.fields.iter().zip(&idents).map(|(f, i)| {
            let label = super::naming::unraw(&f.ident).to_owned();
            if f.redacted {
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
    if t.holds_pii {
        let mut redact = Vec::new();
        let mut visit = Vec::new();
        for (f, i) in t.fields.iter().zip(&idents) {
            let wire = f.wire;
            if f.redacted {
                redact.push(quote!(#tr::erase(&mut self.#i);));
                visit.push(quote!(::charter_runtime::redact::annotated(&self.#i, #wire, at, out);));
            } else if f.holds_pii {
                redact.push(quote!(#tr::redact(&mut self.#i);));
                visit.push(quote!(::charter_runtime::redact::visit(&self.#i, #wire, at, out);));
            }
        }
        let sig = visit_signature(plan, id);
        methods.extend(quote! {
            fn redact(&mut self) { #(#redact)* }
            #sig { #(#visit)* }
        });
    }
    if t.whole_pii {
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
    if !holds_none(t) {
        out.extend(quote!(impl #tr for #name { #methods }));
    }
    out
}

/// `impl Debug` (for a union that may hold personal data) and `impl PersonalData` for a union.
pub(crate) fn union(plan: &Plan, id: TypeId, t: &TypePlan, wrapped: bool) -> TokenStream {
    let name = ident(&t.ident);
    let tr = trait_path(plan, id);
    let mut out = TokenStream::new();
    let all: Vec<proc_macro2::Ident> = t.members.iter().map(|m| ident(&m.variant)).collect();
    if union_redacts_debug(t) {
        let labels = t
            .members
            .iter()
            .map(|m| super::naming::unraw(&m.variant).to_owned());
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
    if t.holds_pii {
        let mut redact = Vec::new();
        let mut visit = Vec::new();
        for m in t.members.iter().filter(|m| m.holds_pii) {
            let v = ident(&m.variant);
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
        let rest = (redact.len() < t.members.len()).then(|| quote!(_ => {}));
        let sig = visit_signature(plan, id);
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
    if t.whole_pii {
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
    if !holds_none(t) {
        out.extend(quote!(impl #tr for #name { #methods }));
    }
    out
}

/// `impl PersonalData` for an enum: nothing inside; erased to `Unknown("")` when it is the type of
/// an annotated field (or inside one).
pub(crate) fn enum_(plan: &Plan, id: TypeId, t: &TypePlan) -> TokenStream {
    let name = ident(&t.ident);
    let tr = trait_path(plan, id);
    let string = plan.name(id.service, "String", Place::Models);
    let methods = t.whole_pii.then(|| {
        quote! {
            fn erase(&mut self) { *self = Self::Unknown(#string::new()); }
            fn is_erased(&self) -> bool { matches!(self, Self::Unknown(s) if s.is_empty()) }
        }
    });
    match methods {
        Some(methods) => quote!(impl #tr for #name { #methods }),
        None => TokenStream::new(),
    }
}
