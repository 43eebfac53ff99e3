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

use super::{doc_attrs, ident, naming, Cx};
use crate::diag::{Diagnostic, Severity};
use crate::gen::W1202;
use crate::ir::{
    Location, Operation, Parameter, Primitive, Resource, ServiceId, TypeKind, TypeRef,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// What the client generated for one resource, for the traits and the mock (`super::mock`).
pub(crate) struct ResourceSig<'a> {
    pub resource: &'a Resource,
    /// The accessor struct (`Items`).
    pub name: Ident,
    /// The accessor method (`items`).
    pub accessor: Ident,
    /// The resource trait (`ItemsApi`).
    pub trait_name: Ident,
    pub ops: Vec<OpSig<'a>>,
}

/// What the client generated for one operation.
pub(crate) struct OpSig<'a> {
    pub op: &'a Operation,
    pub fname: Ident,
    /// `<plural> <method name>`, the stem of the operation's type names.
    pub stem: String,
    pub args: Vec<Arg<'a>>,
    pub ok_type: TokenStream,
    pub err_type: TokenStream,
    /// The success enum (`<Resource><Op>Response`) when there are several success statuses.
    pub ok_enum: Option<Ident>,
    /// The error enum (`<Resource><Op>Error`) when there are documented errors.
    pub err_enum: Option<Ident>,
    /// The arms of the status match, over a `resp: charter_runtime::client::Response`.
    pub arms: Vec<TokenStream>,
    pub fallback: TokenStream,
    pub docs: TokenStream,
}

/// One argument of an operation method.
pub(crate) struct Arg<'a> {
    pub ident: Ident,
    /// The borrowed argument type (`&str`, `Option<&T>`, `&[T]`).
    pub ty: TokenStream,
    pub source: ArgSource<'a>,
}

pub(crate) enum ArgSource<'a> {
    Param(&'a Parameter),
    Body(&'a crate::ir::Body),
}

pub(crate) fn client<'a>(cx: &mut Cx<'a>, sid: ServiceId) -> (TokenStream, Vec<ResourceSig<'a>>) {
    cx.local = Some(quote!(super::models));
    let repo = cx.repo;
    let s = repo.service(sid);
    let mut sigs = Vec::new();
    let mut types = naming::Scope::with_reserved(&["Client", "Api"]);
    let mut accessors_scope =
        naming::Scope::with_reserved(&["new", "builder", "from_builder", "base_url"]);
    let mut accessors = Vec::new();
    let mut items = TokenStream::new();
    for r in &s.resources {
        let rname = ident(&types.camel(&r.plural));
        let acc = ident(&accessors_scope.snake(&r.plural));
        let rdocs = doc_attrs(r.description.as_deref(), r.deprecation.as_ref());
        accessors.push(quote! {
            #rdocs
            pub fn #acc(&self) -> #rname<'_> {
                #rname { inner: &self.inner }
            }
        });
        let mut methods_scope = naming::Scope::new();
        let mut methods = Vec::new();
        let mut ops = Vec::new();
        for op in &r.operations {
            if let Some((m, sig)) =
                operation(cx, sid, r, op, &mut types, &mut methods_scope, &mut items)
            {
                methods.push(m);
                ops.push(sig);
            }
        }
        sigs.push(ResourceSig {
            resource: r,
            name: rname.clone(),
            accessor: acc.clone(),
            trait_name: ident(&types.camel(&format!("{} api", r.plural))),
            ops,
        });
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
    let base = match &s.base_url {
        Some(u) => quote! {
            /// The base URL the spec declares.
            pub const BASE_URL: &str = #u;
        },
        None => TokenStream::new(),
    };
    // Service-level headers with a default are sent on every request.
    let headers = s.headers.iter().filter_map(|h| {
        let (name, value) = (&h.name, h.default.as_ref()?);
        Some(quote!(.with_header(#name, #value)))
    });
    let builder_doc = if s.headers.iter().any(|h| h.default.is_some()) {
        " Settings: timeout, default headers, request id, retries, reqwest client. The service's \
         headers with a default are set."
    } else {
        " Settings: timeout, default headers, request id, retries, reqwest client."
    };
    cx.local = None;
    let tokens = quote! {
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
    };
    (tokens, sigs)
}

fn unsupported(cx: &mut Cx, op: &Operation, what: String) {
    cx.diags.push(
        Diagnostic::new(
            &W1202,
            format!(
                "{}: {what}; the operation is left out of the generated client",
                op.label()
            ),
        )
        .with_severity(Severity::Warning)
        .at(op.loc.clone()),
    );
}

/// Whether a parameter type can be written in a URL or header by the runtime.
fn url_type(cx: &Cx, sid: ServiceId, r: &TypeRef, allow_list: bool) -> bool {
    match cx.resolve(sid, r) {
        TypeRef::Primitive(p) => p.valid_in_url(),
        TypeRef::Type(id) => id.kind == TypeKind::Enum,
        TypeRef::List(inner) if allow_list => url_type(cx, sid, &inner, false),
        _ => false,
    }
}

/// Optional parameters, and parameters with a default (the server applies it), are `Option`s;
/// path parameters never are.
pub(crate) fn optional(p: &Parameter) -> bool {
    p.location != Location::Path && (!p.required || p.default.is_some())
}

/// The argument type of a parameter: `&str`, `&T`, `&[T]`, `Option<&T>`.
fn arg_type(cx: &mut Cx, sid: ServiceId, p: &Parameter) -> TokenStream {
    let resolved = cx.resolve(sid, &p.ty.r);
    let base = match &resolved {
        TypeRef::Primitive(Primitive::String) => quote!(str),
        TypeRef::List(inner) => {
            let t = cx.rust_type(sid, inner, &p.ty.loc);
            return quote!(&[#t]);
        }
        other => cx.rust_type(sid, other, &p.ty.loc),
    };
    if !optional(p) {
        quote!(&#base)
    } else {
        quote!(::std::option::Option<&#base>)
    }
}

#[allow(clippy::too_many_arguments)]
fn operation<'a>(
    cx: &mut Cx,
    sid: ServiceId,
    r: &Resource,
    op: &'a Operation,
    types: &mut naming::Scope,
    methods: &mut naming::Scope,
    items: &mut TokenStream,
) -> Option<(TokenStream, OpSig<'a>)> {
    let Some(method) = op.method else {
        unsupported(
            cx,
            op,
            format!("method `{}` is not an HTTP method", op.method_text),
        );
        return None;
    };
    for p in &op.parameters {
        let ok = match p.location {
            Location::Path => url_type(cx, sid, &p.ty.r, false),
            Location::Query | Location::Header => {
                url_type(cx, sid, &p.ty.r, p.location == Location::Query)
            }
            Location::Form => true,
        };
        if !ok {
            unsupported(
                cx,
                op,
                format!(
                    "{} parameter `{}` of type `{}` cannot be sent",
                    p.location.as_str(),
                    p.name,
                    p.ty.text
                ),
            );
            return None;
        }
    }
    let name = methods.snake(&naming::operation_name(method.as_str(), &r.path, &op.path));
    let fname = ident(&name);
    let stem = format!("{} {}", r.plural, naming::unraw(&name));

    // Arguments.
    let mut args_scope = naming::Scope::with_reserved(&["self", "resp", "form"]);
    let mut params: Vec<(&Parameter, proc_macro2::Ident)> = Vec::new();
    let mut args = Vec::new();
    let mut sig_args = Vec::new();
    let path_params: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location == Location::Path)
        .collect();
    for p in &path_params {
        let a = ident(&args_scope.snake(&p.name));
        let t = arg_type(cx, sid, p);
        args.push(quote!(#a: #t));
        sig_args.push(Arg {
            ident: a.clone(),
            ty: t,
            source: ArgSource::Param(p),
        });
        params.push((p, a));
    }
    let body_arg = op.body.as_ref().map(|b| {
        let a = ident(&args_scope.snake("body"));
        let t = cx.rust_type(sid, &cx.resolve(sid, &b.ty.r), &b.ty.loc);
        args.push(quote!(#a: &#t));
        sig_args.push(Arg {
            ident: a.clone(),
            ty: quote!(&#t),
            source: ArgSource::Body(b),
        });
        a
    });
    for p in op
        .parameters
        .iter()
        .filter(|p| p.location != Location::Path)
    {
        let a = ident(&args_scope.snake(&p.name));
        let t = arg_type(cx, sid, p);
        args.push(quote!(#a: #t));
        sig_args.push(Arg {
            ident: a.clone(),
            ty: t,
            source: ArgSource::Param(p),
        });
        params.push((p, a));
    }

    // Path.
    let mut pieces = Vec::new();
    let mut literal = String::new();
    for seg in op.path.split('/').filter(|s| !s.is_empty()) {
        literal.push('/');
        match seg.strip_prefix(':') {
            Some(pname) => {
                let Some((_, a)) = params
                    .iter()
                    .find(|(p, _)| p.location == Location::Path && p.name == pname)
                else {
                    unsupported(
                        cx,
                        op,
                        format!("path segment `:{pname}` has no path parameter"),
                    );
                    return None;
                };
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
    let method_ident = format_ident!("{}", method.as_str());
    let mut build = quote! {
        self.inner.request(::charter_runtime::http::Method::#method_ident, ::charter_runtime::client::path(&[#(#pieces),*]))
    };
    let mut form = Vec::new();
    for (p, a) in &params {
        let wire = &p.name;
        let optional = optional(p);
        // List arguments are slices (`&[T]`), never `Option`s.
        let list_arg = matches!(cx.resolve(sid, &p.ty.r), TypeRef::List(_));
        match p.location {
            Location::Path => {}
            Location::Query => {
                build.extend(if list_arg {
                    quote!(.query_list(#wire, #a))
                } else if optional {
                    quote!(.query_opt(#wire, #a))
                } else {
                    quote!(.query(#wire, #a))
                });
            }
            Location::Header => build.extend(if optional {
                quote!(.header_opt(#wire, #a))
            } else {
                quote!(.header(#wire, #a))
            }),
            // API Builder sends form parameters as the fields of one JSON object body; absent
            // optional ones (and empty optional lists) are left out.
            Location::Form => form.push(if list_arg && optional {
                quote! {
                    if !#a.is_empty() {
                        form.insert(#wire.to_owned(), ::charter_runtime::serde_json::to_value(#a).unwrap_or_default());
                    }
                }
            } else if optional && !list_arg {
                quote! {
                    if let ::std::option::Option::Some(v) = #a {
                        form.insert(#wire.to_owned(), ::charter_runtime::serde_json::to_value(v).unwrap_or_default());
                    }
                }
            } else {
                quote! {
                    form.insert(#wire.to_owned(), ::charter_runtime::serde_json::to_value(#a).unwrap_or_default());
                }
            }),
        }
    }
    let mut prelude = TokenStream::new();
    if let Some(b) = &body_arg {
        build.extend(quote!(.json(#b)));
    } else if !form.is_empty() {
        prelude = quote! {
            let mut form = ::charter_runtime::serde_json::Map::new();
            #(#form)*
        };
        build.extend(quote!(.json(&form)));
    }

    // Responses.
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.code.is_success())
        .collect();
    let errors: Vec<_> = op
        .responses
        .iter()
        .filter(|r| !r.code.is_success())
        .collect();
    let ok_type;
    let mut ok_enum = None;
    let mut err_enum = None;
    let mut arms = Vec::new();
    let is_unit =
        |cx: &Cx, r: &TypeRef| matches!(cx.resolve(sid, r), TypeRef::Primitive(Primitive::Unit));
    if successes.len() <= 1 {
        match successes.first() {
            Some(resp) => {
                let code = proc_macro2::Literal::u16_unsuffixed(resp.code.as_u16().unwrap_or(200));
                if is_unit(cx, &resp.ty.r) {
                    ok_type = quote!(());
                    arms.push(quote!(#code => ::std::result::Result::Ok(()),));
                } else {
                    ok_type = cx.rust_type(sid, &cx.resolve(sid, &resp.ty.r), &resp.ty.loc);
                    arms.push(quote!(#code => resp.ok_json(),));
                }
            }
            None => ok_type = quote!(()),
        }
    } else {
        let tname = ident(&types.camel(&format!("{stem} response")));
        let mut variants = Vec::new();
        for resp in &successes {
            let n = resp.code.as_u16().unwrap_or(200);
            let code = proc_macro2::Literal::u16_unsuffixed(n);
            let v = format_ident!("Status{}", n);
            if is_unit(cx, &resp.ty.r) {
                variants.push(quote!(#v,));
                arms.push(quote!(#code => ::std::result::Result::Ok(#tname::#v),));
            } else {
                let t = cx.rust_type(sid, &cx.resolve(sid, &resp.ty.r), &resp.ty.loc);
                variants.push(quote!(#v(#t),));
                arms.push(quote!(#code => resp.ok_json().map(#tname::#v),));
            }
        }
        let doc = format!(" The documented success responses of `{}`.", op.label());
        items.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #tname { #(#variants)* }
        });
        ok_type = quote!(#tname);
        ok_enum = Some(tname);
    }
    let err_type;
    let mut fallback = quote!(_ => resp.unexpected(),);
    if errors.is_empty() {
        err_type = quote!(::std::convert::Infallible);
    } else {
        let tname = ident(&types.camel(&format!("{stem} error")));
        let mut variants = Vec::new();
        for resp in &errors {
            let (v, pat) = match resp.code.as_u16() {
                Some(c) => (format_ident!("Status{}", c), {
                    let c = proc_macro2::Literal::u16_unsuffixed(c);
                    quote!(#c)
                }),
                None => (format_ident!("Default"), quote!(_)),
            };
            let desc = resp.description.as_deref().map(|d| format!(" {d}"));
            let vdoc = desc.map(|d| quote!(#[doc = #d]));
            let arm = if is_unit(cx, &resp.ty.r) {
                variants.push(quote!(#vdoc #v,));
                quote!(#pat => resp.err_unit(#tname::#v),)
            } else {
                let t = cx.rust_type(sid, &cx.resolve(sid, &resp.ty.r), &resp.ty.loc);
                variants.push(quote!(#vdoc #v(#t),));
                quote!(#pat => resp.err_json(#tname::#v),)
            };
            if resp.code.as_u16().is_some() {
                arms.push(arm);
            } else {
                fallback = arm;
            }
        }
        let doc = format!(" The documented error responses of `{}`.", op.label());
        items.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #tname { #(#variants)* }
        });
        err_type = quote!(#tname);
        err_enum = Some(tname);
    }

    let mut docs = doc_attrs(op.description.as_deref(), op.deprecation.as_ref());
    let label = format!(" `{}`", op.label());
    if op.description.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    docs.extend(quote!(#[doc = #label]));
    if args.len() > 6 {
        docs.extend(quote!(#[allow(clippy::too_many_arguments)]));
    }
    let method = quote! {
        #docs
        pub async fn #fname(&self, #(#args),*) -> ::std::result::Result<#ok_type, ::charter_runtime::client::Error<#err_type>> {
            #prelude
            let resp = #build.send().await?;
            match resp.status() {
                #(#arms)*
                #fallback
            }
        }
    };
    let sig = OpSig {
        op,
        fname,
        stem,
        args: sig_args,
        ok_type,
        err_type,
        ok_enum,
        err_enum,
        arms,
        fallback,
        docs,
    };
    Some((method, sig))
}
