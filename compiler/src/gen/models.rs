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

use super::{doc_attrs, ident, naming, Cx};
use crate::diag::{Diagnostic, Severity};
use crate::gen::{W1202, W1203};
use crate::ir::{Field, ServiceId, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn models(cx: &mut Cx, sid: ServiceId) -> TokenStream {
    let s = cx.repo.service(sid);
    let mut out = TokenStream::new();
    let mut defaults = (TokenStream::new(), naming::Scope::new());
    for i in 0..s.interfaces.len() {
        out.extend(interface(
            cx,
            TypeId {
                service: sid,
                kind: TypeKind::Interface,
                index: i as u32,
            },
        ));
    }
    for i in 0..s.enums.len() {
        out.extend(enum_(
            cx,
            TypeId {
                service: sid,
                kind: TypeKind::Enum,
                index: i as u32,
            },
        ));
    }
    for i in 0..s.models.len() {
        out.extend(model(
            cx,
            TypeId {
                service: sid,
                kind: TypeKind::Model,
                index: i as u32,
            },
            &mut defaults,
        ));
    }
    for i in 0..s.unions.len() {
        out.extend(union(
            cx,
            TypeId {
                service: sid,
                kind: TypeKind::Union,
                index: i as u32,
            },
        ));
    }
    if !defaults.0.is_empty() {
        let defaults = defaults.0;
        out.extend(quote! {
            /// Default values of fields, applied when a field is absent on decode.
            mod defaults {
                use super::*;
                #defaults
            }
        });
    }
    out
}

/// `#[derive(base…, extra…)]`: the extra derives of the settings that parse as paths and that
/// `base` does not already hold nor the generator writes by hand (`manual`), compared by last
/// segment.
fn derives(cx: &Cx, base: TokenStream, manual: &[&str]) -> TokenStream {
    let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.to_string());
    let have: Vec<Option<String>> = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        base.clone(),
    )
    .map(|ps| ps.iter().map(last).collect())
    .unwrap_or_default();
    let mut extra: Vec<syn::Path> = Vec::new();
    for d in &cx.settings.derives {
        if let Ok(p) = syn::parse_str::<syn::Path>(d) {
            let written = last(&p).is_some_and(|l| manual.contains(&l.as_str()));
            if !written && !have.contains(&last(&p)) && !extra.iter().any(|e| last(e) == last(&p)) {
                extra.push(p);
            }
        }
    }
    quote!(#[derive(#base #(, #extra)*)])
}

struct FieldCode {
    ident: proc_macro2::Ident,
    ty: TokenStream,
    attrs: TokenStream,
}

/// The Rust field for a spec field of `owner` (a model), with its serde attributes.
fn field(
    cx: &mut Cx,
    owner: TypeId,
    f: &Field,
    scope: &mut naming::Scope,
    defaults: &mut (TokenStream, naming::Scope),
) -> FieldCode {
    let sid = owner.service;
    let name = scope.snake(&f.name);
    let id = ident(&name);
    let resolved = cx.resolve(sid, &f.ty.r);
    let mut ty = cx.rust_type(sid, &resolved, &f.ty.loc);
    if cx.needs_box(owner, &resolved) {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let mut attrs = doc_attrs(f.description.as_deref(), f.deprecation.as_ref());
    let wire = &f.name;
    if naming::unraw(&name) != wire {
        attrs.extend(quote!(#[serde(rename = #wire)]));
    }
    let default = f
        .default
        .as_deref()
        .and_then(|d| default_expr(cx, sid, &resolved, d, f));
    match default {
        Some(expr) => {
            let fname = ident(&defaults.1.snake(&format!(
                "{} {}",
                cx.repo.type_name(owner),
                f.name
            )));
            let path = format!("defaults::{fname}");
            defaults.0.extend(quote! {
                pub(super) fn #fname() -> #ty { #expr }
            });
            attrs.extend(quote!(#[serde(default = #path)]));
        }
        None if !f.required => {
            attrs.extend(
                quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            );
            ty = quote!(::std::option::Option<#ty>);
        }
        None => {}
    }
    FieldCode {
        ident: id,
        ty,
        attrs,
    }
}

/// The expression of a field default, or `None` (with a diagnostic) when it cannot be expressed.
fn default_expr(
    cx: &mut Cx,
    sid: ServiceId,
    ty: &TypeRef,
    text: &str,
    f: &Field,
) -> Option<TokenStream> {
    let expr = super::default_value(cx, sid, ty, text);
    if expr.is_none() {
        cx.diags.push(
            Diagnostic::new(
                &W1202,
                format!("the default `{text}` of field `{}` (type `{}`) cannot be expressed in Rust yet: it is not applied", f.name, f.ty.text),
            )
            .with_severity(Severity::Warning)
            .at(f.loc.clone()),
        );
    }
    expr
}

fn model(cx: &mut Cx, id: TypeId, defaults: &mut (TokenStream, naming::Scope)) -> TokenStream {
    let m = cx.repo.model(id);
    let name = cx.ident(id);
    let docs = doc_attrs(m.description.as_deref(), m.deprecation.as_ref());
    let mut scope = naming::Scope::new();
    let fields: Vec<FieldCode> = m
        .fields
        .iter()
        .map(|f| field(cx, id, f, &mut scope, defaults))
        .collect();
    // A model with personal-data fields writes its `Debug` by hand (in `redact::model`).
    let manual: &[&str] = if super::redact::model_redacts_debug(cx, id) {
        &["Debug"]
    } else {
        &[]
    };
    let debug = manual.is_empty().then(|| quote!(Debug,));
    let derive = derives(
        cx,
        quote!(
            Clone,
            #debug
            PartialEq,
            ::charter_runtime::serde::Serialize,
            ::charter_runtime::serde::Deserialize
        ),
        manual,
    );
    let decl = fields.iter().map(|f| {
        let FieldCode { ident, ty, attrs } = f;
        quote!(#attrs pub #ident: #ty,)
    });
    let mut out = quote! {
        #docs
        #derive
        #[serde(crate = "::charter_runtime::serde")]
        pub struct #name { #(#decl)* }
    };
    let idents: Vec<proc_macro2::Ident> = fields.iter().map(|f| f.ident.clone()).collect();
    out.extend(super::redact::model(cx, id, &idents));
    // Interfaces the model implements.
    for named in &m.interfaces {
        let r = named
            .resolved
            .clone()
            .unwrap_or_else(|| TypeRef::Named(named.name.clone()));
        let TypeRef::Type(iid) = cx.resolve(id.service, &r) else {
            continue;
        };
        if iid.kind != TypeKind::Interface {
            continue;
        }
        let iface = cx.repo.interface(iid);
        let mut iscope = naming::Scope::new();
        let mut getters = Vec::new();
        let mut ok = true;
        for f in &iface.fields {
            let gname = iscope.snake(&f.name);
            let found = m.fields.iter().position(|mf| mf.name == f.name);
            let Some(pos) = found else {
                ok = false;
                break;
            };
            let itype = interface_field_type(cx, iid, f);
            if itype.to_string() != fields[pos].ty.to_string() {
                ok = false;
                break;
            }
            let g = ident(&gname);
            let fid = &fields[pos].ident;
            getters.push(quote!(fn #g(&self) -> &#itype { &self.#fid }));
        }
        if !ok {
            cx.diags.push(
                Diagnostic::new(&W1203, format!("model `{}` does not match the fields of interface `{}`: the trait is not implemented", m.name, iface.name))
                    .with_severity(Severity::Warning)
                    .at(named.loc.clone()),
            );
            continue;
        }
        let iname = cx.ident(iid);
        let ipath = if iid.service == id.service {
            quote!(#iname)
        } else {
            let p = cx.service_path(iid.service);
            quote!(#p::models::#iname)
        };
        out.extend(quote! {
            impl #ipath for #name { #(#getters)* }
        });
    }
    out
}

fn interface_field_type(cx: &mut Cx, iid: TypeId, f: &Field) -> TokenStream {
    let resolved = cx.resolve(iid.service, &f.ty.r);
    let ty = cx.rust_type(iid.service, &resolved, &f.ty.loc);
    if f.required || f.default.is_some() {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

fn interface(cx: &mut Cx, id: TypeId) -> TokenStream {
    let i = cx.repo.interface(id);
    let name = cx.ident(id);
    let docs = doc_attrs(i.description.as_deref(), i.deprecation.as_ref());
    let mut scope = naming::Scope::new();
    let fields = i.fields.clone();
    let getters: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let g = ident(&scope.snake(&f.name));
            let ty = interface_field_type(cx, id, f);
            let fdocs = doc_attrs(f.description.as_deref(), f.deprecation.as_ref());
            quote!(#fdocs fn #g(&self) -> &#ty;)
        })
        .collect();
    quote! {
        #docs
        pub trait #name { #(#getters)* }
    }
}

fn enum_(cx: &mut Cx, id: TypeId) -> TokenStream {
    let e = cx.repo.enum_(id);
    let name = cx.ident(id);
    let docs = doc_attrs(e.description.as_deref(), e.deprecation.as_ref());
    let mut scope = naming::Scope::with_reserved(&["Unknown"]);
    let mut variants = Vec::new();
    let mut to_wire = Vec::new();
    let mut from_wire = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for v in &e.values {
        let vname = ident(&scope.camel(&v.name));
        let vdocs = doc_attrs(v.description.as_deref(), v.deprecation.as_ref());
        let wire = v.wire();
        variants.push(quote!(#vdocs #vname,));
        to_wire.push(quote!(Self::#vname => #wire,));
        if seen.insert(wire.to_owned()) {
            from_wire.push(quote!(#wire => Self::#vname,));
        }
    }
    let derive = derives(
        cx,
        quote!(
            Clone,
            Debug,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            ::charter_runtime::serde::Serialize,
            ::charter_runtime::serde::Deserialize
        ),
        &[],
    );
    let personal_data = super::redact::enum_(cx, id);
    quote! {
        #docs
        #derive
        #[serde(crate = "::charter_runtime::serde", from = "::std::string::String", into = "::std::string::String")]
        pub enum #name {
            #(#variants)*
            /// A value this version of the spec does not know.
            Unknown(::std::string::String),
        }
        impl ::charter_runtime::WireEnum for #name {
            fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(s) => s,
                }
            }
            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
            fn from_wire(s: &str) -> Self {
                match s {
                    #(#from_wire)*
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(s: ::std::string::String) -> Self {
                ::charter_runtime::WireEnum::from_wire(s.as_str())
            }
        }
        impl ::std::convert::From<#name> for ::std::string::String {
            fn from(v: #name) -> Self {
                ::charter_runtime::WireEnum::as_str(&v).to_owned()
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(::charter_runtime::WireEnum::as_str(self))
            }
        }
        #personal_data
    }
}

fn union(cx: &mut Cx, id: TypeId) -> TokenStream {
    let u = cx.repo.union(id);
    let name = cx.ident(id);
    let docs = doc_attrs(u.description.as_deref(), u.deprecation.as_ref());
    let tagging = match &u.discriminator {
        Some(d) => quote!(::charter_runtime::union::Tagging::Discriminator(#d)),
        None => quote!(::charter_runtime::union::Tagging::Wrapped),
    };
    let default = match u.default_type() {
        Some(t) => {
            let v = &t.discriminator_value;
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    let mut scope = naming::Scope::with_reserved(&["Unknown"]);
    let mut variants = Vec::new();
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let types = u.types.clone();
    let mut members = Vec::new();
    for t in &types {
        let resolved = cx.resolve(id.service, &t.ty.r);
        let base = match resolved.innermost() {
            TypeRef::Type(tid) => cx.repo.type_name(*tid).to_owned(),
            TypeRef::External { name, .. } => name.clone(),
            _ => t.discriminator_value.clone(),
        };
        let vname = ident(&scope.camel(&base));
        let mut ty = cx.rust_type(id.service, &resolved, &t.ty.loc);
        if cx.needs_box(id, &resolved) {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        let shape = match &resolved {
            TypeRef::Type(t) if matches!(t.kind, TypeKind::Model | TypeKind::Union) => {
                quote!(Object)
            }
            TypeRef::External { kind, .. } if *kind != TypeKind::Enum => quote!(Object),
            _ => quote!(Value),
        };
        let vdocs = doc_attrs(t.description.as_deref(), t.deprecation.as_ref());
        let tag = &t.discriminator_value;
        members.push(super::redact::Member {
            variant: vname.clone(),
            tag,
            object: shape.to_string() == "Object",
            ty: resolved,
        });
        variants.push(quote!(#vdocs #vname(#ty),));
        writes.push(quote!(Self::#vname(v) => ::charter_runtime::union::write(s, TAGGING, #tag, ::charter_runtime::union::Shape::#shape, v),));
        if seen.insert(tag.clone()) {
            reads.push(quote!(::std::option::Option::Some(#tag) => ::charter_runtime::union::member(value, TAGGING, ::charter_runtime::union::Shape::#shape).map(Self::#vname),));
        }
    }
    // A union that may hold personal data writes its `Debug` by hand (in `redact::union`).
    let manual: &[&str] = if super::redact::union_redacts_debug(cx, id) {
        &["Debug"]
    } else {
        &[]
    };
    let debug = manual.is_empty().then(|| quote!(Debug,));
    let derive = derives(cx, quote!(Clone, #debug PartialEq), manual);
    let personal_data = super::redact::union(cx, id, &members, u.discriminator.is_none());
    quote! {
        #docs
        #derive
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A member this version of the spec does not know, kept as received.
            Unknown(::charter_runtime::serde_json::Value),
        }
        impl ::charter_runtime::serde::Serialize for #name {
            fn serialize<S: ::charter_runtime::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                const TAGGING: ::charter_runtime::union::Tagging = #tagging;
                match self {
                    #(#writes)*
                    Self::Unknown(v) => ::charter_runtime::serde::Serialize::serialize(v, s),
                }
            }
        }
        impl<'de> ::charter_runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::charter_runtime::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                const TAGGING: ::charter_runtime::union::Tagging = #tagging;
                let ::charter_runtime::union::Envelope { tag, value } = ::charter_runtime::union::read(d, TAGGING, #default)?;
                match tag.as_deref() {
                    #(#reads)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
        #personal_data
    }
}
