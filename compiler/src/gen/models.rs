//! Models, enums, unions and interfaces, with serde on API Builder's wire conventions.
//!
//! - Models: one struct; JSON names are the spec names (snake case); an optional field without a
//!   default is `Option<T>`, omitted when `None`; a field with a default is `T` and takes the
//!   default when absent on decode; unknown fields are ignored; recursive references are boxed.
//! - Enums: one variant per value plus `Unknown(String)`, so values added later decode; written as
//!   the bare wire string.
//! - Unions: one variant per member plus `Unknown(serde_json::Value)` that keeps any member this
//!   version does not know; wire form in `charter_runtime::union`.
//! - Interfaces: a trait with one getter per field, implemented by the models that list it.
//!
//! What would repeat per type is written once in charter-runtime and called: an enum's
//! `WireEnum`, `From`, `Display` and `Validate` impls from `wire_enum!(E { Variant("wire"), … })`,
//! a model's `new` from `#[derive(New)]` (derive-new, re-exported by charter-runtime, with
//! `#[new(default)]` / `#[new(value = "…")]` on the fields `new` does not take), a model's `Validate` impl from
//! `validate!(M { field.bounds("wire", min, max), field.check("wire") })`, a union's serde
//! through `union::Writer` and `union::read_member`, empty impls from `no_checks!` /
//! `no_personal_data!`.

use super::plan::{FieldPlan, Place, Plan, ServicePlan, TypePlan};
use super::{doc_attrs, ident};
use crate::ir::{TypeId, TypeKind};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The items of the types `ids` (interfaces, enums, models, unions) of a service's `models`.
pub(crate) fn types(plan: &Plan, ids: &[TypeId]) -> TokenStream {
    let mut out = TokenStream::new();
    for &id in ids {
        out.extend(match id.kind {
            TypeKind::Interface => interface(plan, id),
            TypeKind::Enum => enum_(plan, id),
            TypeKind::Model => model(plan, id),
            TypeKind::Union => union(plan, id),
        });
    }
    out
}

/// The empty `Validate` and `PersonalData` impls of the service's types, as two lists
/// (`charter_runtime::no_checks!`, `charter_runtime::no_personal_data!`) after the types.
pub(crate) fn plain_impls(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let types = || {
        s.types
            .iter()
            .filter(|id| id.kind != TypeKind::Interface)
            .map(|&id| plan.ty(id))
    };
    let no_checks: Vec<_> = types()
        .filter(|t| t.id.kind == TypeKind::Model && !t.validates)
        .map(|t| ident(&t.ident))
        .collect();
    let no_data: Vec<_> = types()
        .filter(|t| super::redact::holds_none(t))
        .map(|t| ident(&t.ident))
        .collect();
    let mut out = TokenStream::new();
    if !no_checks.is_empty() {
        out.extend(quote! {
            ::charter_runtime::no_checks!(#(#no_checks),*);
        });
    }
    if !no_data.is_empty() {
        out.extend(quote! {
            ::charter_runtime::no_personal_data!(#(#no_data),*);
        });
    }
    out
}

/// The `defaults` module of a service's `models` (functions of field defaults), if it has any.
pub(crate) fn defaults(plan: &Plan, s: &ServicePlan) -> TokenStream {
    if !s.has_defaults {
        return TokenStream::new();
    }
    let defaults = s
        .types
        .iter()
        .filter(|id| id.kind == TypeKind::Model)
        .flat_map(|&id| {
            plan.ty(id).fields.iter().filter_map(move |f| {
                let (v, name) = f.default.as_ref()?;
                let fname = ident(name);
                let ty = field_type(plan, id, f);
                let expr = plan.default_expr(id.service, v, Place::Models);
                Some(quote!(pub(super) fn #fname() -> #ty { #expr }))
            })
        });
    quote! {
        /// Default values of fields, applied when a field is absent on decode.
        mod defaults {
            use super::*;
            #(#defaults)*
        }
    }
}

/// `#[derive(base…, extra…)]`: the extra derives of the settings that parse as paths and that
/// `base` does not already hold nor the generator writes by hand (`manual`), compared by last
/// segment.
fn derives(plan: &Plan, base: TokenStream, manual: &[&str]) -> TokenStream {
    let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.to_string());
    let have: Vec<Option<String>> = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        base.clone(),
    )
    .map(|ps| ps.iter().map(last).collect())
    .unwrap_or_default();
    let mut extra: Vec<syn::Path> = Vec::new();
    for d in &plan.settings.derives {
        if let Ok(p) = syn::parse_str::<syn::Path>(d) {
            let written = last(&p).is_some_and(|l| manual.contains(&l.as_str()));
            if !written && !have.contains(&last(&p)) && !extra.iter().any(|e| last(e) == last(&p)) {
                extra.push(p);
            }
        }
    }
    quote!(#[derive(#base #(, #extra)*)])
}

/// The field's type without `Option` (boxed when it closes a cycle), inside `models`.
fn field_type(plan: &Plan, owner: TypeId, f: &FieldPlan) -> TokenStream {
    let ty = plan.rust_type(owner.service, &f.ty, Place::Models);
    if f.boxed {
        let boxed = plan.name(owner.service, "Box", Place::Models);
        quote!(#boxed<#ty>)
    } else {
        ty
    }
}

/// The Rust field for a spec field of a model, with its serde attributes.
fn field(plan: &Plan, owner: TypeId, f: &FieldPlan) -> TokenStream {
    let id = ident(&f.ident);
    let mut ty = field_type(plan, owner, f);
    let mut attrs = doc_attrs(f.field.description.as_deref(), f.field.deprecation.as_ref());
    let wire = f.wire;
    if super::naming::unraw(&f.ident) != wire {
        attrs.extend(quote!(#[serde(rename = #wire)]));
    }
    // `#[new(…)]`: how the derived constructor fills a field that is not its argument.
    if let Some((_, name)) = &f.default {
        let path = format!("defaults::{name}");
        let call = format!("{path}()");
        attrs.extend(quote!(#[serde(default = #path)] #[new(value = #call)]));
    } else if f.optional {
        let option = plan.name(owner.service, "Option", Place::Models);
        let is_none = format!("{option}::is_none").replace(' ', "");
        attrs.extend(quote!(#[serde(default, skip_serializing_if = #is_none)] #[new(default)]));
        ty = quote!(#option<#ty>);
    }
    quote!(#attrs pub #id: #ty,)
}

/// `new` from the required fields (optional ones `None`, defaulted ones their default), so code
/// building a model keeps compiling when the spec adds an optional field: derived
/// (`charter_runtime::New`, attributes in [`field`]); `Default` when nothing is required.
fn constructor(t: &TypePlan) -> TokenStream {
    let name = ident(&t.ident);
    if !t.fields.iter().all(|f| f.default.is_some() || f.optional) {
        return TokenStream::new();
    }
    quote! {
        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self::new()
            }
        }
    }
}

/// `#[allow(clippy::too_many_arguments)]` for a struct whose derived `new` takes more than seven
/// arguments (derive-new copies the struct's lint attributes onto `new`).
pub(crate) fn many_arguments(arguments: usize) -> Option<TokenStream> {
    (arguments > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The body of a constructor: `Self { … }` itself when at most two fields are not arguments,
/// else `charter_runtime::init!(Self { required… } default { field(value)… } none { optional… })`,
/// which packs the field names on a few lines instead of one line per field.
pub(crate) fn init(
    required: &[Ident],
    defaults: &[(Ident, TokenStream)],
    nones: &[Ident],
) -> TokenStream {
    if defaults.len() + nones.len() <= 2 {
        let defaults = defaults.iter().map(|(f, v)| quote!(#f: #v));
        return quote!(Self { #(#required,)* #(#defaults,)* #(#nones: None,)* });
    }
    let defaults = (!defaults.is_empty()).then(|| {
        let defaults = defaults.iter().map(|(f, v)| quote!(#f(#v)));
        quote!(default { #(#defaults),* })
    });
    let nones = (!nones.is_empty()).then(|| quote!(none { #(#nones),* }));
    quote!(::charter_runtime::init!(Self { #(#required),* } #defaults #nones))
}

/// `impl Validate` through `charter_runtime::validate!`: the checks of each field (bounds, then
/// the field's own type's checks), one `Path` helper call each.
fn validate_model(t: &TypePlan) -> TokenStream {
    if !t.validates {
        return TokenStream::new();
    }
    let name = ident(&t.ident);
    let mut checks = Vec::new();
    for f in t.fields.iter().filter(|f| f.bounds.is_some() || f.nested) {
        let (fid, wire) = (ident(&f.ident), f.wire);
        if let Some(b) = f.bounds {
            let (min, max) = (opt(b.min), opt(b.max));
            checks.push(quote!(#fid.bounds(#wire, #min, #max)));
        }
        if f.nested {
            checks.push(quote!(#fid.check(#wire)));
        }
    }
    quote! {
        ::charter_runtime::validate!(#name { #(#checks),* });
    }
}

pub(crate) fn opt(v: Option<i64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = proc_macro2::Literal::i64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn model(plan: &Plan, id: TypeId) -> TokenStream {
    let m = plan.repo.model(id);
    let t = plan.ty(id);
    let name = ident(&t.ident);
    let docs = doc_attrs(m.description.as_deref(), m.deprecation.as_ref());
    // A model with personal-data fields writes its `Debug` by hand (in `redact::model`).
    let mut manual = Vec::new();
    if super::redact::model_redacts_debug(t) {
        manual.push("Debug");
    }
    let debug = manual.is_empty().then(|| quote!(Debug,));
    // `constructor` writes `Default` when nothing is required.
    if t.fields.iter().all(|f| f.default.is_some() || f.optional) {
        manual.push("Default");
    }
    let (ser, de) = serde_derives(plan, id);
    let new = plan.name(id.service, "New", Place::Models);
    let derive = derives(
        plan,
        quote!(Clone, #debug PartialEq, #ser, #de, #new),
        &manual,
    );
    let decl = t.fields.iter().map(|f| field(plan, id, f));
    let arguments = t
        .fields
        .iter()
        .filter(|f| f.default.is_none() && !f.optional);
    let allow = many_arguments(arguments.count());
    let mut out = quote! {
        #docs
        #derive
        #[serde(crate = "::charter_runtime::serde")]
        #allow
        pub struct #name { #(#decl)* }
    };
    out.extend(constructor(t));
    out.extend(super::redact::model(plan, id, t));
    out.extend(validate_model(t));
    // Interfaces the model implements.
    for imp in &t.implements {
        let iface = plan.ty(imp.interface);
        let getters = imp.getters.iter().map(|(g, pos)| {
            let g = ident(g);
            let f = &t.fields[*pos];
            let fid = ident(&f.ident);
            let ty = interface_field_type(plan, id.service, f);
            quote!(fn #g(&self) -> &#ty { &self.#fid })
        });
        let ipath = plan.type_path(id.service, iface.id, Place::Models);
        out.extend(quote! {
            impl #ipath for #name { #(#getters)* }
        });
    }
    out
}

/// `Serialize` and `Deserialize` as derived in `models`.
fn serde_derives(plan: &Plan, id: TypeId) -> (TokenStream, TokenStream) {
    (
        plan.name(id.service, "Serialize", Place::Models),
        plan.name(id.service, "Deserialize", Place::Models),
    )
}

fn interface_field_type(plan: &Plan, from: crate::ir::ServiceId, f: &FieldPlan) -> TokenStream {
    let ty = plan.rust_type(from, &f.ty, Place::Models);
    if f.optional {
        let option = plan.name(from, "Option", Place::Models);
        quote!(#option<#ty>)
    } else {
        ty
    }
}

fn interface(plan: &Plan, id: TypeId) -> TokenStream {
    let i = plan.repo.interface(id);
    let t = plan.ty(id);
    let name = ident(&t.ident);
    let docs = doc_attrs(i.description.as_deref(), i.deprecation.as_ref());
    let getters = t.fields.iter().map(|f| {
        let g = ident(&f.ident);
        let ty = interface_field_type(plan, id.service, f);
        let fdocs = doc_attrs(f.field.description.as_deref(), f.field.deprecation.as_ref());
        quote!(#fdocs fn #g(&self) -> &#ty;)
    });
    quote! {
        #docs
        pub trait #name { #(#getters)* }
    }
}

fn enum_(plan: &Plan, id: TypeId) -> TokenStream {
    let e = plan.repo.enum_(id);
    let t = plan.ty(id);
    let name = ident(&t.ident);
    let docs = doc_attrs(e.description.as_deref(), e.deprecation.as_ref());
    let mut variants = Vec::new();
    let (mut wires, mut write_only) = (Vec::new(), Vec::new());
    for v in &t.values {
        let vname = ident(&v.variant);
        let vdocs = doc_attrs(v.value.description.as_deref(), v.value.deprecation.as_ref());
        let wire = v.wire;
        variants.push(quote!(#vdocs #vname,));
        // Written as this string but never read from it (an earlier variant reads it).
        let pair = quote!(#vname(#wire));
        if v.reads {
            wires.push(pair);
        } else {
            write_only.push(pair);
        }
    }
    let (ser, de) = serde_derives(plan, id);
    let derive = derives(
        plan,
        quote!(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #ser, #de),
        &[],
    );
    let personal_data = super::redact::enum_(plan, id, t);
    let write_only = (!write_only.is_empty()).then(|| quote!(write_only { #(#write_only),* }));
    let string = plan.name(id.service, "String", Place::Models);
    let string_path = string.to_string().replace(' ', "");
    quote! {
        #docs
        #derive
        #[serde(crate = "::charter_runtime::serde", from = #string_path, into = #string_path)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the spec does not know.
            Unknown(#string),
        }
        ::charter_runtime::wire_enum!(#name { #(#wires),* } #write_only);
        #personal_data
    }
}

fn union(plan: &Plan, id: TypeId) -> TokenStream {
    let u = plan.repo.union(id);
    let t = plan.ty(id);
    let name = ident(&t.ident);
    let n = |name| plan.name(id.service, name, Place::Models);
    let (result, validate, value, path, error, boxed) = (
        n("Result"),
        n("Validate"),
        n("Value"),
        n("Path"),
        n("ValidationError"),
        n("Box"),
    );
    let (ser, de) = serde_derives(plan, id);
    let (union, tagging_ty, serializer, deserializer) =
        (n("union"), n("Tagging"), n("Serializer"), n("Deserializer"));
    let docs = doc_attrs(u.description.as_deref(), u.deprecation.as_ref());
    let tagging = match &u.discriminator {
        Some(d) => quote!(#tagging_ty::Discriminator(#d)),
        None => quote!(#tagging_ty::Wrapped),
    };
    let default = match u.default_type() {
        Some(t) => {
            let v = &t.discriminator_value;
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    let mut variants = Vec::new();
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    let mut checks = Vec::new();
    // Each tag is read by the first member that claims it: direct members first, then the members
    // of nested unions with the same discriminator.
    let mut read_tags: std::collections::HashSet<String> = t
        .members
        .iter()
        .filter(|m| m.reads)
        .map(|m| m.tag.to_owned())
        .collect();
    let mut flat_reads = Vec::new();
    for m in &t.members {
        let vname = ident(&m.variant);
        let mut ty = plan.rust_type(id.service, &m.ty, Place::Models);
        if m.boxed {
            ty = quote!(#boxed<#ty>);
        }
        let vdocs = doc_attrs(
            m.member.description.as_deref(),
            m.member.deprecation.as_ref(),
        );
        let tag = m.tag;
        variants.push(quote!(#vdocs #vname(#ty),));
        let read = if m.object {
            quote!(m.object().map(Self::#vname))
        } else {
            quote!(m.value().map(Self::#vname))
        };
        if m.flat_tags.is_empty() {
            writes.push(if m.object {
                quote!(Self::#vname(v) => w.object(#tag, v),)
            } else {
                quote!(Self::#vname(v) => w.value(#tag, v),)
            });
        } else {
            // A union with the same discriminator carries its own members' tags.
            writes.push(quote!(Self::#vname(v) => w.as_is(v),));
        }
        if m.reads {
            reads.push(quote!(Some(#tag) => #read,));
        }
        for tag in &m.flat_tags {
            if read_tags.insert(tag.clone()) {
                flat_reads.push(quote!(Some(#tag) => #read,));
            }
        }
        if m.nested {
            // A wrapped member sits under its tag; a discriminated one is the object itself.
            checks.push(if u.discriminator.is_some() {
                quote!(Self::#vname(v) => #validate::validate(v, at),)
            } else {
                quote!(Self::#vname(v) => #validate::validate(v, &#path::Field(at, #tag)),)
            });
        }
    }
    reads.extend(flat_reads);
    let rest = (checks.len() < t.members.len()).then(|| quote!(_ => Ok(()),));
    // A union that may hold personal data writes its `Debug` by hand (in `redact::union`).
    let manual: &[&str] = if super::redact::union_redacts_debug(t) {
        &["Debug"]
    } else {
        &[]
    };
    let debug = manual.is_empty().then(|| quote!(Debug,));
    let derive = derives(plan, quote!(Clone, #debug PartialEq), manual);
    let personal_data = super::redact::union(plan, id, t, u.discriminator.is_none());
    quote! {
        #docs
        #derive
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this version of the spec does not know, kept as received.
            Unknown(#value),
        }
        impl #ser for #name {
            fn serialize<S: #serializer>(&self, s: S) -> #result<S::Ok, S::Error> {
                let w = #union::Writer::new(s, #tagging);
                match self {
                    #(#writes)*
                    Self::Unknown(v) => w.as_is(v),
                }
            }
        }
        impl<'de> #de<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(d: D) -> #result<Self, D::Error> {
                let (tag, m) = #union::read_member(d, #tagging, #default)?;
                match tag.as_deref() {
                    #(#reads)*
                    _ => Ok(Self::Unknown(m.into_value())),
                }
            }
        }
        /// Requests must use the members the spec lists: `Unknown` is a 422; a member is checked
        /// as its own type.
        impl #validate for #name {
            fn validate(&self, at: &#path<'_>) -> #result<(), #error> {
                match self {
                    #(#checks)*
                    Self::Unknown(_) => Err(::charter_runtime::validation::unknown_member(at)),
                    #rest
                }
            }
        }
        #personal_data
    }
}
