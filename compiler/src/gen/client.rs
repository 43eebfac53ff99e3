//! The async client, on reqwest (through `charter_runtime::client`).
//!
//! `Client::new(base_url)` or `Client::from_builder(Client::builder(base_url).with_…)`; one
//! accessor per resource (`client.users()`, snake case of the plural) and one async method per
//! operation, named by API Builder's algorithm ([`super::naming::operation_name`]):
//! `client.users().get_by_id("u1")`.
//!
//! Arguments, in order: path parameters (in path order), the body, then query, header and form
//! parameters in spec order; optional ones as `Option<&T>`, lists as `&[T]`, strings as `&str`.
//! The result is `CallResult<S, E>` (`charter_runtime::client::CallResult`, that is
//! `Result<S, charter_runtime::client::Error<E>>`; the trait methods return
//! `impl CallFuture<S, E>`, a `Send` future of it): `S` is the body of the single
//! documented success status (or a `<Resource><Op>Response` enum with one variant per success
//! status), `E` is `<Resource><Op>Error` with one variant per documented error status carrying its
//! decoded body (`Infallible` when there is none). The enum decodes itself from a response by
//! status (`charter_runtime::errors!`, the `client::Errors` trait); a method with one documented
//! success ends in `resp.json_or_error(status)` / `resp.unit_or_error(status)`.

use super::plan::{ArgPlan, OpPlan, Place, Plan, ServicePlan};
use super::{doc_attrs, ident};
use crate::ir::{Location, ServiceId, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Parameters of these types are passed by value (`count: i32`, `Option<i64>`), not by reference.
fn is_copy(ty: &TypeRef) -> bool {
    use crate::ir::Primitive as P;
    matches!(
        ty,
        TypeRef::Primitive(
            P::Boolean
                | P::Decimal
                | P::Integer
                | P::Double
                | P::Long
                | P::DateIso8601
                | P::DateTimeIso8601
                | P::Uuid
        )
    )
}

/// A parameter passed by value (a `Copy` primitive; a body is always borrowed).
pub(crate) fn by_value(a: &ArgPlan) -> bool {
    a.location.is_some() && !a.list && is_copy(&a.ty)
}

/// The borrowed argument type of an operation argument, as methods and check functions take it:
/// `i32` (`Copy` primitives by value), `&str`, `&T`, `&[T]`, and for an optional one
/// `Option<i32>`, `Option<&str>`, `Option<&T>` (a list stays `&[T]`, empty when absent).
pub(crate) fn arg_type(plan: &Plan, sid: ServiceId, a: &ArgPlan) -> TokenStream {
    let base = match &a.ty {
        TypeRef::List(inner) => {
            let t = plan.rust_type(sid, inner, Place::Sibling);
            return quote!(&[#t]);
        }
        _ if a.string => quote!(str),
        other => plan.rust_type(sid, other, Place::Sibling),
    };
    match (a.optional, by_value(a)) {
        (false, true) => base,
        (false, false) => quote!(&#base),
        (true, true) => quote!(::std::option::Option<#base>),
        (true, false) => quote!(::std::option::Option<&#base>),
    }
}

/// The positional arguments of an operation: the required ones, in order (the optional ones are
/// fields of the options struct).
pub(crate) fn positional<'p, 'a>(op: &'p OpPlan<'a>) -> impl Iterator<Item = &'p ArgPlan<'a>> {
    op.args.iter().filter(|a| !a.optional)
}

/// `name: type` of every method argument of an operation, in order: the positional ones, then
/// `options: <Resource><Op>Options` when the operation has optional arguments.
pub(crate) fn arg_decls(plan: &Plan, sid: ServiceId, op: &OpPlan) -> Vec<TokenStream> {
    let mut decls: Vec<TokenStream> = positional(op)
        .map(|a| {
            let (i, t) = (ident(&a.ident), arg_type(plan, sid, a));
            quote!(#i: #t)
        })
        .collect();
    if let Some((ty, arg)) = &op.options {
        let (ty, arg) = (ident(ty), ident(arg));
        decls.push(quote!(#arg: #ty));
    }
    decls
}

/// The names of the method arguments, in order (for forwarding a call).
pub(crate) fn arg_names(op: &OpPlan) -> Vec<Ident> {
    let mut names: Vec<Ident> = positional(op).map(|a| ident(&a.ident)).collect();
    if let Some((_, arg)) = &op.options {
        names.push(ident(arg));
    }
    names
}

/// The number of method arguments (besides `self`).
pub(crate) fn arg_count(op: &OpPlan) -> usize {
    positional(op).count() + usize::from(op.options.is_some())
}

/// The expression of argument `a` inside a method body, in its borrowed form ([`arg_type`]): the
/// argument itself, or the options struct's field.
pub(crate) fn borrowed(op: &OpPlan, a: &ArgPlan) -> TokenStream {
    let i = ident(&a.ident);
    let Some((_, opts)) = op.options.as_ref().filter(|_| a.optional) else {
        return quote!(#i);
    };
    let opts = ident(opts);
    if a.list {
        quote!(&#opts.#i)
    } else if by_value(a) {
        quote!(#opts.#i)
    } else if a.string {
        quote!(#opts.#i.as_deref())
    } else {
        quote!(#opts.#i.as_ref())
    }
}

/// The options struct of an operation (its optional arguments, owned), with a `with_…` setter per
/// field: `ItemsGetOptions::default().with_limit(10)`.
fn options_struct(plan: &Plan, sid: ServiceId, op: &OpPlan) -> TokenStream {
    let Some((name, _)) = &op.options else {
        return TokenStream::new();
    };
    let name = ident(name);
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for a in op.args.iter().filter(|a| a.optional) {
        let i = ident(&a.ident);
        let setter = format_ident!("with_{}", super::naming::unraw(&a.ident));
        let docs = doc_attrs(
            a.param.and_then(|p| p.description.as_deref()),
            a.param.and_then(|p| p.deprecation.as_ref()),
        );
        let what = match a.default() {
            Some(d) => format!(" Sets `{}` (the server's default: `{d}`).", a.wire),
            None => format!(" Sets `{}`.", a.wire),
        };
        match &a.ty {
            TypeRef::List(inner) => {
                let t = plan.rust_type(sid, inner, Place::Sibling);
                fields.push(quote!(#docs pub #i: ::std::vec::Vec<#t>,));
                setters.push(quote! {
                    #[doc = #what]
                    pub fn #setter(mut self, #i: impl ::std::iter::IntoIterator<Item = #t>) -> Self {
                        self.#i = #i.into_iter().collect();
                        self
                    }
                });
            }
            other => {
                let t = plan.rust_type(sid, other, Place::Sibling);
                fields.push(quote!(#docs pub #i: ::std::option::Option<#t>,));
                let (param, value) = if a.string {
                    (
                        quote!(impl ::std::convert::Into<::std::string::String>),
                        quote!(#i.into()),
                    )
                } else {
                    (t, quote!(#i))
                };
                setters.push(quote! {
                    #[doc = #what]
                    pub fn #setter(mut self, #i: #param) -> Self {
                        self.#i = ::std::option::Option::Some(#value);
                        self
                    }
                });
            }
        }
    }
    let doc = format!(
        " The optional arguments of `{}`: `Default` sends none of them; set them with the \
         `with_…` methods, which keep compiling when the spec adds another optional parameter.",
        op.op.label()
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
        impl #name {
            #(#setters)*
        }
    }
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

/// The result type of an operation's client method, `CallResult<Ok, Err>` (`CallResult<Ok>` when
/// no error is documented); with `future`, the trait methods' `impl CallFuture<Ok, Err>`.
pub(crate) fn result_type(plan: &Plan, sid: ServiceId, op: &OpPlan, future: bool) -> TokenStream {
    let ok = ok_type(plan, sid, op);
    let err = op.err_enum.as_deref().map(|e| {
        let e = ident(e);
        quote!(, #e)
    });
    if future {
        let call = plan.name(sid, "CallFuture", Place::Sibling);
        quote!(impl #call<#ok #err>)
    } else {
        let result = plan.name(sid, "CallResult", Place::Sibling);
        quote!(#result<#ok #err>)
    }
}

/// The success arms of the status match over a `resp: charter_runtime::client::Response`, and
/// the fallback arm's expression: the documented error of the status (`resp.error()`, decoded by
/// the error enum's [`errors`] impl), or an unexpected status when the operation documents none.
pub(crate) fn status_arms(op: &OpPlan) -> (Vec<TokenStream>, TokenStream) {
    let mut arms = Vec::new();
    let ok_enum = op.ok_enum.as_deref().map(ident);
    for r in op.successes() {
        let code = proc_macro2::Literal::u16_unsuffixed(r.code.as_u16().unwrap_or(200));
        arms.push(match (&ok_enum, r.unit) {
            (None, true) => quote!(#code => Ok(()),),
            (None, false) => quote!(#code => resp.ok_json(),),
            (Some(e), true) => {
                let v = ident(&r.variant());
                quote!(#code => Ok(#e::#v),)
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
    let fallback = match op.err_enum {
        Some(_) => quote!(resp.error()),
        None => quote!(resp.unexpected()),
    };
    (arms, fallback)
}

/// `charter_runtime::errors!` for an operation's error enum `e`: the status of each variant and
/// whether it carries a body, the spec's `default` response last (`else Default(body)`). It
/// decodes a response into the enum (the client's `resp.error()`) and gives a mock's answer its
/// status (`charter_runtime::mock::DocumentedError`).
fn errors(op: &OpPlan, e: &Ident) -> TokenStream {
    let mut statuses = Vec::new();
    let mut default = None;
    for r in op.errors() {
        let v = ident(&r.variant());
        let body = (!r.unit).then(|| quote!(body));
        match r.code.as_u16() {
            Some(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(c);
                let body = body.map(|b| quote!(, #b));
                statuses.push(quote!(#v(#c #body)));
            }
            None => {
                let body = body.map(|b| quote!((#b)));
                default = Some(quote!(else #v #body));
            }
        }
    }
    quote! {
        ::charter_runtime::errors!(#e { #(#statuses),* } #default);
    }
}

/// The doc attributes of an operation method: the description, then its label.
pub(crate) fn op_docs(op: &OpPlan) -> TokenStream {
    let mut docs = doc_attrs(op.op.description.as_deref(), op.op.deprecation.as_ref());
    let label = format!(" `{}`", op.op.label());
    if op.op.description.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    docs.extend(quote!(#[doc = #label]));
    if arg_count(op) > 6 {
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
    let by_wire = |name: &str| -> Option<TokenStream> {
        op.args
            .iter()
            .find(|a| a.location == Some(Location::Path) && a.wire == name)
            .map(|a| {
                let i = ident(&a.ident);
                if by_value(a) {
                    quote!(&#i)
                } else {
                    quote!(#i)
                }
            })
    };

    // Path: the spec's template with its parameters in order (`fill`), or, when a `:segment`
    // names no argument, literal pieces and parameters (`path`).
    let n = |name| plan.name(sid, name, Place::Sibling);
    let seg = n("Seg");
    let mut pieces = Vec::new();
    let mut params = Vec::new();
    let mut templated = true;
    let mut literal = String::new();
    for s in op.op.path.split('/').filter(|s| !s.is_empty()) {
        literal.push('/');
        match s.strip_prefix(':').and_then(by_wire) {
            Some(a) => {
                pieces.push(quote!(&#literal));
                literal = String::new();
                pieces.push(quote!(&#seg(#a)));
                params.push(quote!(&#seg(#a)));
            }
            None => {
                templated &= !s.starts_with(':');
                literal.push_str(s);
            }
        }
    }
    let tail = (!literal.is_empty() || pieces.is_empty()).then(|| match literal.is_empty() {
        true => "/".to_owned(),
        false => literal,
    });
    pieces.extend(tail.iter().map(|l| quote!(&#l)));
    let path = if params.is_empty() {
        let path = tail.unwrap_or_default();
        quote!(#path.to_owned())
    } else if templated {
        let (fill, template) = (n("fill"), &op.op.path);
        quote!(#fill(#template, &[#(#params),*]))
    } else {
        quote!(::charter_runtime::client::path(&[#(#pieces),*]))
    };

    // Request building; a filled-in path is bound first (the request then fits on a line),
    // unless an argument is named `path`.
    let method_ident = format_ident!("{}", op.method.as_str());
    let method = n("Method");
    let mut prelude = TokenStream::new();
    let path = if params.is_empty() || op.args.iter().any(|a| a.ident == "path") {
        path
    } else {
        prelude.extend(quote!(let path = #path;));
        quote!(path)
    };
    let mut build = quote! {
        self.inner.request(#method::#method_ident, #path)
    };
    let mut form = Vec::new();
    let mut body = None;
    for a in &op.args {
        let (v, wire) = (borrowed(op, a), a.wire);
        // The runtime takes references: `&count`, `Option<&i64>`.
        let r = match (by_value(a), a.optional) {
            (true, false) => quote!(&#v),
            (true, true) => quote!(#v.as_ref()),
            _ => v.clone(),
        };
        match a.location {
            None => body = Some(v),
            Some(Location::Path) => {}
            Some(Location::Query) => build.extend(if a.list {
                quote!(.query_list(#wire, #r))
            } else if a.optional {
                quote!(.query_opt(#wire, #r))
            } else {
                quote!(.query(#wire, #r))
            }),
            Some(Location::Header) => build.extend(if a.optional {
                quote!(.header_opt(#wire, #r))
            } else {
                quote!(.header(#wire, #r))
            }),
            // API Builder sends form parameters as the fields of one JSON object body; absent
            // optional ones (and empty optional lists) are left out. A value that does not
            // serialize is an error of the call, never a silent `null`.
            Some(Location::Form) => form.push(if a.list && a.optional {
                quote! {
                    if !<[_]>::is_empty(#r) {
                        ::charter_runtime::client::form_field(&mut form, #wire, #r)?;
                    }
                }
            } else if a.optional {
                quote! {
                    if let Some(v) = #r {
                        ::charter_runtime::client::form_field(&mut form, #wire, v)?;
                    }
                }
            } else {
                quote!(::charter_runtime::client::form_field(&mut form, #wire, #r)?;)
            }),
        }
    }
    if let Some(b) = &body {
        build.extend(quote!(.json(#b)));
    } else if !form.is_empty() {
        prelude.extend(quote! {
            let mut form = ::charter_runtime::serde_json::Map::new();
            #(#form)*
        });
        build.extend(quote!(.json(&form)));
    }

    items.extend(options_struct(plan, sid, op));
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
            #[non_exhaustive]
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
        let errors = errors(op, &tname);
        items.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #tname { #(#variants)* }
            #errors
        });
    }
    let result = result_type(plan, sid, op, false);
    let docs = op_docs(op);
    // One documented success: the response is that success or an error, in one call.
    let single = match (&op.ok_enum, op.successes().next()) {
        (None, Some(r)) => Some((r.code.as_u16().unwrap_or(200), r.unit)),
        _ => None,
    };
    let answer = match single {
        Some((code, unit)) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            match unit {
                true => quote!(resp.unit_or_error(#code)),
                false => quote!(resp.json_or_error(#code)),
            }
        }
        None => {
            let (arms, fallback) = status_arms(op);
            match arms.is_empty() {
                true => fallback,
                false => quote!(match resp.status() { #(#arms)* _ => #fallback, }),
            }
        }
    };
    quote! {
        #docs
        pub async fn #fname(&self, #(#args),*) -> #result {
            #prelude
            let resp = #build.send().await?;
            #answer
        }
    }
}
