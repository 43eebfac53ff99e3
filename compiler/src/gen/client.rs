//! The async client, on reqwest (through `charter_runtime::client`).
//!
//! `Client::new(base_url)` or `Client::from_builder(Client::builder(base_url).with_…)`; one
//! accessor per resource (`client.users()`, snake case of the plural) and one async method per
//! operation, named by API Builder's algorithm ([`super::naming::operation_name`]):
//! `client.users().get_by_id("u1")`.
//!
//! Arguments, in order: path parameters (in path order), the body, then query, header and form
//! parameters in spec order; optional ones as `Option<&T>`, lists as `&[T]`, strings as `&str`.
//! The result is `Result<S, charter_runtime::client::Error<E>>`: `S` is the body of the single
//! documented success status (or a `<Resource><Op>Response` enum with one variant per success
//! status), `E` is `<Resource><Op>Error` with one variant per documented error status carrying its
//! decoded body (`Infallible` when there is none).

use super::plan::{ArgPlan, OpPlan, Place, Plan, ServicePlan};
use super::{doc_attrs, ident};
use crate::ir::{Location, ServiceId, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The borrowed argument type of an operation argument: `&str`, `&T`, `&[T]`, `Option<&T>`.
pub(crate) fn arg_type(plan: &Plan, sid: ServiceId, a: &ArgPlan) -> TokenStream {
    let base = match &a.ty {
        TypeRef::List(inner) => {
            let t = plan.rust_type(sid, inner, Place::Sibling);
            return quote!(&[#t]);
        }
        _ if a.string => quote!(str),
        other => plan.rust_type(sid, other, Place::Sibling),
    };
    if a.optional {
        quote!(::std::option::Option<&#base>)
    } else {
        quote!(&#base)
    }
}

/// `name: type` of every argument of an operation, in order.
pub(crate) fn arg_decls(plan: &Plan, sid: ServiceId, op: &OpPlan) -> Vec<TokenStream> {
    op.args
        .iter()
        .map(|a| {
            let (i, t) = (ident(&a.ident), arg_type(plan, sid, a));
            quote!(#i: #t)
        })
        .collect()
}

/// The success type of an operation in the client (`()`, the body's type, or the success enum).
pub(crate) fn ok_type(plan: &Plan, sid: ServiceId, op: &OpPlan) -> TokenStream {
    if let Some(e) = &op.ok_enum {
        let e = ident(e);
        return quote!(#e);
    }
    match op.successes().next() {
        Some(r) if !r.unit => plan.rust_type(sid, &r.ty, Place::Sibling),
        _ => quote!(()),
    }
}

/// The documented error type of an operation in the client.
pub(crate) fn err_type(op: &OpPlan) -> TokenStream {
    match &op.err_enum {
        Some(e) => {
            let e = ident(e);
            quote!(#e)
        }
        None => quote!(::std::convert::Infallible),
    }
}

/// The arms of the status match over a `resp: charter_runtime::client::Response`, and the
/// fallback arm.
pub(crate) fn status_arms(op: &OpPlan) -> (Vec<TokenStream>, TokenStream) {
    let mut arms = Vec::new();
    let ok_enum = op.ok_enum.as_deref().map(ident);
    for r in op.successes() {
        let code = proc_macro2::Literal::u16_unsuffixed(r.code.as_u16().unwrap_or(200));
        arms.push(match (&ok_enum, r.unit) {
            (None, true) => quote!(#code => ::std::result::Result::Ok(()),),
            (None, false) => quote!(#code => resp.ok_json(),),
            (Some(e), true) => {
                let v = ident(&r.variant());
                quote!(#code => ::std::result::Result::Ok(#e::#v),)
            }
            (Some(e), false) => {
                let v = ident(&r.variant());
                quote!(#code => resp.ok_json().map(#e::#v),)
            }
        });
        if ok_enum.is_none() {
            break;
        }
    }
    let mut fallback = quote!(_ => resp.unexpected(),);
    if let Some(e) = op.err_enum.as_deref().map(ident) {
        for r in op.errors() {
            let v = ident(&r.variant());
            let pat = match r.code.as_u16() {
                Some(c) => {
                    let c = proc_macro2::Literal::u16_unsuffixed(c);
                    quote!(#c)
                }
                None => quote!(_),
            };
            let arm = if r.unit {
                quote!(#pat => resp.err_unit(#e::#v),)
            } else {
                quote!(#pat => resp.err_json(#e::#v),)
            };
            if r.code.as_u16().is_some() {
                arms.push(arm);
            } else {
                fallback = arm;
            }
        }
    }
    (arms, fallback)
}

/// The doc attributes of an operation method: the description, then its label.
pub(crate) fn op_docs(op: &OpPlan) -> TokenStream {
    let mut docs = doc_attrs(op.op.description.as_deref(), op.op.deprecation.as_ref());
    let label = format!(" `{}`", op.op.label());
    if op.op.description.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    docs.extend(quote!(#[doc = #label]));
    if op.args.len() > 6 {
        docs.extend(quote!(#[allow(clippy::too_many_arguments)]));
    }
    docs
}

pub(crate) fn client(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let sid = s.id;
    let service = s.service;
    let mut accessors = Vec::new();
    let mut items = TokenStream::new();
    for r in &s.resources {
        let rname = ident(&r.client_struct);
        let acc = ident(&r.accessor);
        let rdocs = doc_attrs(
            r.resource.description.as_deref(),
            r.resource.deprecation.as_ref(),
        );
        accessors.push(quote! {
            #rdocs
            pub fn #acc(&self) -> #rname<'_> {
                #rname { inner: &self.inner }
            }
        });
        let methods: Vec<TokenStream> = r
            .ops
            .iter()
            .filter(|op| op.client.is_ok())
            .map(|op| operation(plan, sid, op, &mut items))
            .collect();
        // Every operation may have been left out (reported); the struct stays for the accessor.
        let unused = methods.is_empty().then(|| quote!(#[allow(dead_code)]));
        items.extend(quote! {
            #rdocs
            #[derive(Clone, Copy, Debug)]
            #unused
            pub struct #rname<'a> {
                inner: &'a ::charter_runtime::client::Inner,
            }
            impl #rname<'_> {
                #(#methods)*
            }
        });
    }
    let base = match &service.base_url {
        Some(u) => quote! {
            /// The base URL the spec declares.
            pub const BASE_URL: &str = #u;
        },
        None => TokenStream::new(),
    };
    // Service-level headers with a default are sent on every request.
    let headers = service.headers.iter().filter_map(|h| {
        let (name, value) = (&h.name, h.default.as_ref()?);
        Some(quote!(.with_header(#name, #value)))
    });
    let builder_doc = if service.headers.iter().any(|h| h.default.is_some()) {
        " Settings: timeout, default headers, request id, retries, reqwest client. The service's \
         headers with a default are set."
    } else {
        " Settings: timeout, default headers, request id, retries, reqwest client."
    };
    quote! {
        #base
        /// The client of this service: one accessor per resource.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: ::charter_runtime::client::Inner,
        }
        impl Client {
            /// A client with the default settings (30 s timeout, retries of idempotent calls).
            pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self::from_builder(Self::builder(base_url))
            }
            #[doc = #builder_doc]
            pub fn builder(base_url: impl ::std::convert::Into<::std::string::String>) -> ::charter_runtime::client::ClientBuilder {
                ::charter_runtime::client::ClientBuilder::new(base_url) #(#headers)*
            }
            pub fn from_builder(builder: ::charter_runtime::client::ClientBuilder) -> Self {
                Client { inner: builder.build() }
            }
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }
            #(#accessors)*
        }
        #items
    }
}

/// The method of one operation (and its success and error enums, into `items`).
fn operation(plan: &Plan, sid: ServiceId, op: &OpPlan, items: &mut TokenStream) -> TokenStream {
    let fname = ident(&op.fname);
    let args = arg_decls(plan, sid, op);
    let by_wire = |name: &str| -> Option<Ident> {
        op.args
            .iter()
            .find(|a| a.location == Some(Location::Path) && a.wire == name)
            .map(|a| ident(&a.ident))
    };

    // Path.
    let mut pieces = Vec::new();
    let mut literal = String::new();
    for seg in op.op.path.split('/').filter(|s| !s.is_empty()) {
        literal.push('/');
        match seg.strip_prefix(':').and_then(by_wire) {
            Some(a) => {
                pieces.push(quote!(&#literal));
                literal = String::new();
                pieces.push(quote!(&::charter_runtime::client::Seg(#a)));
            }
            None => literal.push_str(seg),
        }
    }
    if !literal.is_empty() || pieces.is_empty() {
        let l = if literal.is_empty() {
            "/".to_owned()
        } else {
            literal
        };
        pieces.push(quote!(&#l));
    }

    // Request building.
    let method_ident = format_ident!("{}", op.method.as_str());
    let mut build = quote! {
        self.inner.request(::charter_runtime::http::Method::#method_ident, ::charter_runtime::client::path(&[#(#pieces),*]))
    };
    let mut form = Vec::new();
    let mut body = None;
    for a in &op.args {
        let (i, wire) = (ident(&a.ident), a.wire);
        match a.location {
            None => body = Some(i),
            Some(Location::Path) => {}
            Some(Location::Query) => build.extend(if a.list {
                quote!(.query_list(#wire, #i))
            } else if a.optional {
                quote!(.query_opt(#wire, #i))
            } else {
                quote!(.query(#wire, #i))
            }),
            Some(Location::Header) => build.extend(if a.optional {
                quote!(.header_opt(#wire, #i))
            } else {
                quote!(.header(#wire, #i))
            }),
            // API Builder sends form parameters as the fields of one JSON object body; absent
            // optional ones (and empty optional lists) are left out. A value that does not
            // serialize is an error of the call, never a silent `null`.
            Some(Location::Form) => form.push(if a.list && a.optional {
                quote! {
                    if !#i.is_empty() {
                        ::charter_runtime::client::form_field(&mut form, #wire, #i)?;
                    }
                }
            } else if a.optional {
                quote! {
                    if let ::std::option::Option::Some(v) = #i {
                        ::charter_runtime::client::form_field(&mut form, #wire, v)?;
                    }
                }
            } else {
                quote!(::charter_runtime::client::form_field(&mut form, #wire, #i)?;)
            }),
        }
    }
    let mut prelude = TokenStream::new();
    if let Some(b) = &body {
        build.extend(quote!(.json(#b)));
    } else if !form.is_empty() {
        prelude = quote! {
            let mut form = ::charter_runtime::serde_json::Map::new();
            #(#form)*
        };
        build.extend(quote!(.json(&form)));
    }

    // Responses.
    if let Some(e) = &op.ok_enum {
        let tname = ident(e);
        let variants = op.successes().map(|r| {
            let v = ident(&r.variant());
            if r.unit {
                quote!(#v,)
            } else {
                let t = plan.rust_type(sid, &r.ty, Place::Sibling);
                quote!(#v(#t),)
            }
        });
        let doc = format!(" The documented success responses of `{}`.", op.op.label());
        items.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #tname { #(#variants)* }
        });
    }
    if let Some(e) = &op.err_enum {
        let tname = ident(e);
        let variants = op.errors().map(|r| {
            let v = ident(&r.variant());
            let vdoc = doc_attrs(r.response.description.as_deref(), None);
            if r.unit {
                quote!(#vdoc #v,)
            } else {
                let t = plan.rust_type(sid, &r.ty, Place::Sibling);
                quote!(#vdoc #v(#t),)
            }
        });
        let doc = format!(" The documented error responses of `{}`.", op.op.label());
        items.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #tname { #(#variants)* }
        });
    }
    let (ok, err) = (ok_type(plan, sid, op), err_type(op));
    let (arms, fallback) = status_arms(op);
    let docs = op_docs(op);
    quote! {
        #docs
        pub async fn #fname(&self, #(#args),*) -> ::std::result::Result<#ok, ::charter_runtime::client::Error<#err>> {
            #prelude
            let resp = #build.send().await?;
            match resp.status() {
                #(#arms)*
                #fallback
            }
        }
    }
}
