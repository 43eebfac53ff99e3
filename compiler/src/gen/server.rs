//! The axum server: one trait per resource, one async method per operation taking the
//! operation's request struct (`<Resource><Op>Request`: one public field per path, query, header
//! and form parameter and the body, `#[non_exhaustive]` so an added optional parameter does not
//! break implementers) and the request's `charter_runtime::server::Context`, and returning a
//! per-operation response enum (one variant per documented status, typed body), and
//! `router(service)` mounting every operation. A service that does not implement every operation
//! does not compile (trait methods have no default).
//!
//! Requests are parsed and validated before the handler runs: required parameters, parameter
//! types and the JSON shape of the body here, then the operation's function in `checks` (shared
//! with the mock client): enum values and union members the spec lists, `minimum`/`maximum` (a
//! number's value, a string's length, a list's size) of parameters and of body fields at any
//! depth, imported models and union members included. Form parameters
//! are the fields of a JSON object body, as API Builder's clients send them.
//! A bad request gets 400 (malformed) or 422 (outside the spec) with a JSON
//! `charter_runtime::server::ValidationError` naming the field by its full path
//! (`items[0].quantity`). Unknown JSON fields are ignored.
//!
//! Routes: API Builder paths (`/users/:id`) are mounted with positional parameter names so that
//! operations naming the same position differently share one route; axum matches static segments
//! before parameters.

use super::plan::{ArgPlan, OpPlan, Place, Plan, ResourcePlan, ServicePlan};
use super::{doc_attrs, ident, naming};
use crate::ir::{Location, Method, ServiceId, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Route path → axum method → handler.
type Routes = BTreeMap<String, BTreeMap<&'static str, TokenStream>>;

pub(crate) fn server(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let sid = s.id;
    let mut items = TokenStream::new();
    let mut traits = Vec::new();
    let mut routes = Routes::new();
    for r in &s.resources {
        let tname = ident(&r.server_trait);
        let methods: Vec<TokenStream> = r
            .ops
            .iter()
            .filter(|op| op.server.is_ok())
            .map(|op| {
                items.extend(response_enum(plan, sid, op));
                let headers = !s.required_headers.is_empty();
                let (method, handler) = operation(plan, sid, &tname, op, headers, &mut items);
                routes
                    .entry(op.route.clone())
                    .or_default()
                    .insert(axum_method(op.method), handler);
                method
            })
            .collect();
        items.extend(resource_trait(r, &tname, &methods));
        traits.push(tname);
    }
    let router = router(s, &traits, routes);
    quote! {
        #items
        #router
    }
}

fn axum_method(m: Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Patch => "patch",
        Method::Delete => "delete",
        Method::Head => "head",
        Method::Options => "options",
        Method::Trace => "trace",
        // Never planned as supported (see `plan`).
        Method::Connect => "connect",
    }
}

fn resource_trait(
    r: &ResourcePlan,
    tname: &proc_macro2::Ident,
    methods: &[TokenStream],
) -> TokenStream {
    let rdocs = doc_attrs(
        r.resource.description.as_deref(),
        r.resource.deprecation.as_ref(),
    );
    quote! {
        #rdocs
        pub trait #tname: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }
    }
}

/// The router construction: every route of the service mounted on one `axum::Router`, with the
/// service as shared state (`routes`), and the hardened server around it (`builder`, `router`).
/// Static segments are preferred by axum's router whatever the order; routes are mounted in path
/// order.
fn router(s: &ServicePlan, traits: &[proc_macro2::Ident], routes: Routes) -> TokenStream {
    // The spec's own health check (API Builder's `healthcheck` resource) keeps its handler.
    let spec_health = routes
        .get("/_internal_/healthcheck")
        .is_some_and(|m| m.contains_key("get"))
        .then(|| quote!(.health_route_from_spec()));
    // A service header naming the request id is read (and echoed) besides `x-request-id`.
    let id_headers = s
        .service
        .headers
        .iter()
        .filter(|h| naming::is_request_id_header(&h.name))
        .map(|h| {
            let n = h.name.to_ascii_lowercase();
            quote!(.request_id_header(#n))
        });
    let mounts = routes.into_iter().map(|(route, methods)| {
        let chain = methods.into_iter().enumerate().map(|(i, (m, h))| {
            let m = format_ident!("{}", m);
            if i == 0 {
                quote!(routing::#m(#h))
            } else {
                quote!(.#m(#h))
            }
        });
        quote!(.route(#route, #(#chain)*))
    });
    let bounds = if traits.is_empty() {
        quote!(::std::marker::Send + ::std::marker::Sync + 'static)
    } else {
        quote!(#(#traits)+*)
    };
    quote! {
        /// The bare routes of every operation of the service, served by `service`: no health
        /// check, limits, timeouts or request ids (for composing your own stack).
        pub fn routes<S: #bounds>(service: S) -> ::charter_runtime::axum::Router {
            ::charter_runtime::axum::Router::new()
                #(#mounts)*
                .with_state(::std::sync::Arc::new(service))
        }
        /// The hardened server of `service`: body, URI and header limits, timeouts, connection
        /// cap, request ids, the health check and graceful shutdown, each settable
        /// (`charter_runtime::serve::Config` documents the defaults); `.serve(listener)` runs it.
        pub fn builder<S: #bounds>(service: S) -> ::charter_runtime::serve::Server {
            ::charter_runtime::serve::Server::new(routes(service)) #spec_health #(#id_headers)*
        }
        /// An axum router serving every operation of the service with `service`, behind the
        /// request-level hardening of `builder` with its defaults.
        pub fn router<S: #bounds>(service: S) -> ::charter_runtime::axum::Router {
            builder(service).into_router()
        }
    }
}

/// The response enum of an operation: one variant per documented status, typed body; its
/// `IntoResponse` impl through `charter_runtime::responses!` (each variant's status, and whether
/// it carries a body).
fn response_enum(plan: &Plan, sid: ServiceId, op: &OpPlan) -> TokenStream {
    let resp_name = ident(&op.server_response);
    let mut variants = Vec::new();
    let mut replies = Vec::new();
    for resp in &op.responses {
        let t = (!resp.unit).then(|| plan.rust_type(sid, &resp.ty, Place::Sibling));
        let vdoc = doc_attrs(resp.response.description.as_deref(), None);
        let v = ident(&resp.variant());
        let status = match resp.code.as_u16() {
            Some(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(c);
                quote!(#c)
            }
            None => quote!(status),
        };
        let (variant, reply) = match (resp.code.as_u16(), t) {
            (Some(_), Some(t)) => (quote!(#v(#t)), quote!(#v(#status, body))),
            (Some(_), None) => (quote!(#v), quote!(#v(#status))),
            (None, Some(t)) => (quote!(Default(u16, #t)), quote!(Default(#status, body))),
            (None, None) => (quote!(Default(u16)), quote!(Default(#status))),
        };
        variants.push(quote!(#vdoc #variant,));
        replies.push(reply);
    }
    let rdoc = format!(" The documented responses of `{}`.", op.op.label());
    quote! {
        #[doc = #rdoc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #resp_name { #(#variants)* }
        ::charter_runtime::responses!(#resp_name { #(#replies),* });
    }
}

/// The trait method of an operation, its request struct (into `items`) and its handler (parse,
/// check, call).
fn operation(
    plan: &Plan,
    sid: ServiceId,
    tname: &proc_macro2::Ident,
    op: &OpPlan,
    service_headers: bool,
    items: &mut TokenStream,
) -> (TokenStream, TokenStream) {
    let fname = ident(&op.fname);
    let resp_name = ident(&op.server_response);
    let req_name = ident(&op.server_request);
    let mut fields = Vec::new();
    let mut plain_fields = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut set = Vec::new();
    let mut required = Vec::new();
    let mut nones = Vec::new();
    let mut parse = Vec::new();
    let mut names = Vec::new();
    if service_headers {
        let f = ident(super::checks::SERVICE_HEADERS);
        parse.push(quote!(super::checks::#f(r.headers())?;));
    }
    for a in &op.args {
        let i = ident(&a.ident);
        let (t, expr, init) = parse_arg(plan, sid, a);
        let fdocs = match a.param {
            Some(p) => doc_attrs(p.description.as_deref(), p.deprecation.as_ref()),
            None => op
                .op
                .body
                .as_ref()
                .map(|b| doc_attrs(b.description.as_deref(), b.deprecation.as_ref()))
                .unwrap_or_default(),
        };
        // An argument `new` does not take is `None` or an empty list (`#[new(default)]` when
        // `new` is derived), or a default of the spec.
        let derived = init.as_ref().map(|_| quote!(#[new(default)]));
        fields.push(quote!(#fdocs #derived pub #i: #t,));
        plain_fields.push(quote!(#fdocs pub #i: #t,));
        match init {
            Some(v) => {
                inits.push(quote!(#i: #v,));
                if v.to_string() == NONE {
                    nones.push(i.clone());
                } else {
                    set.push((i.clone(), v.clone()));
                }
            }
            None => {
                params.push(quote!(#i: #t));
                inits.push(quote!(#i,));
                required.push(i.clone());
            }
        }
        parse.push(quote!(let #i = #expr;));
        names.push(i);
    }
    // Without a spec default, `new` is derived (`charter_runtime::New`); a default is written
    // out as the spec gives it in a hand-written `new`.
    let new = set
        .is_empty()
        .then(|| plan.name(sid, "New", Place::Sibling));
    let fields = if new.is_some() { fields } else { plain_fields };
    items.extend(request_struct(
        op,
        &req_name,
        new,
        &fields,
        &params,
        (&inits, &required, &set, &nones),
    ));
    let check = op.check.as_ref().map(|name| {
        let f = ident(name);
        let borrowed = op.checked_args().map(borrow);
        quote!(super::checks::#f(#(#borrowed),*)?;)
    });
    let mut docs = doc_attrs(op.op.description.as_deref(), op.op.deprecation.as_ref());
    let label = format!(" `{}`", op.op.label());
    docs.extend(quote!(#[doc = #label]));
    let method = quote! {
        #docs
        fn #fname(&self, request: #req_name, context: server::Context) -> impl ::std::future::Future<Output = #resp_name> + ::std::marker::Send;
    };
    let req_var = if parse.is_empty() {
        quote!(_)
    } else {
        quote!(r)
    };
    let handler = quote! {
        operation(
            |#req_var| {
                #(#parse)*
                #check
                ::std::result::Result::Ok(#req_name { #(#names),* })
            },
            |s, request, context| async move { #tname::#fname(&*s, request, context).await },
        )
    };
    (method, handler)
}

/// The init of an absent optional argument.
const NONE: &str = ":: std :: option :: Option :: None";

/// The request fields as `new` sets them: every init (`field: value,` or `field,`), the required
/// ones (arguments), the defaulted ones (`(field, value)`) and the `None` ones.
type Inits<'i> = (
    &'i [TokenStream],
    &'i [proc_macro2::Ident],
    &'i [(proc_macro2::Ident, TokenStream)],
    &'i [proc_macro2::Ident],
);

/// The request struct of an operation: one public field per argument, `#[non_exhaustive]` so that
/// an added optional parameter is not a breaking change for implementers in other crates (they
/// read fields; tests build one with `new(required…)` and assign the optional fields).
fn request_struct(
    op: &OpPlan,
    name: &proc_macro2::Ident,
    derive_new: Option<TokenStream>,
    fields: &[TokenStream],
    params: &[TokenStream],
    (inits, required, set, nones): Inits,
) -> TokenStream {
    let doc = format!(
        " The parameters and body of `{}`, parsed and checked.",
        op.op.label()
    );
    let new_doc =
        " From the required arguments (optional ones `None`, lists empty, defaults applied).";
    let default = params.is_empty().then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let mut lints = Vec::new();
    if params.len() > 7 {
        lints.push(quote!(clippy::too_many_arguments));
    }
    // A spec's default is written as the spec gives it (`3.14` is not meant as π).
    if inits.iter().any(has_float_literal) {
        lints.push(quote!(clippy::approx_constant));
    }
    let allow = (!lints.is_empty()).then(|| quote!(#[allow(#(#lints),*)]));
    if let Some(new) = derive_new {
        // derive-new copies the struct's lint attributes onto `new`.
        return quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq, #new)]
            #[non_exhaustive]
            #allow
            pub struct #name { #(#fields)* }
            #default
        };
    }
    let init = super::models::init(required, set, nones);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
        impl #name {
            #[doc = #new_doc]
            #allow
            pub fn new(#(#params),*) -> Self {
                #init
            }
        }
        #default
    }
}

/// Whether `tokens` hold a floating-point literal (at any depth).
fn has_float_literal(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Literal(l) => {
            let l = l.to_string();
            l.ends_with("f64") || l.ends_with("f32")
        }
        proc_macro2::TokenTree::Group(g) => has_float_literal(&g.stream()),
        _ => false,
    })
}

/// The parsed argument as the check function takes it (the client's borrowed form).
fn borrow(a: &ArgPlan) -> TokenStream {
    let i = ident(&a.ident);
    let form = a.location == Some(Location::Form);
    if a.list && form && a.optional && a.default().is_none() {
        // An absent optional form list is `None` in the server, an empty slice in the client.
        return quote!(#i.as_deref().unwrap_or_default());
    }
    let copy = super::client::by_value(a);
    if a.list || !a.optional {
        return if copy { quote!(#i) } else { quote!(&#i) };
    }
    match (a.default().is_some(), a.string, copy) {
        // The server applied the default: a plain value.
        (true, _, true) => quote!(::std::option::Option::Some(#i)),
        (true, true, _) => quote!(::std::option::Option::Some(#i.as_str())),
        (true, false, _) => quote!(::std::option::Option::Some(&#i)),
        (false, _, true) => quote!(#i),
        (false, true, _) => quote!(#i.as_deref()),
        (false, false, _) => quote!(#i.as_ref()),
    }
}

/// The request field type of an argument, the expression parsing it from the request `r`, and its
/// value in the request struct's `new` (`None`: an argument of `new`).
fn parse_arg(
    plan: &Plan,
    sid: ServiceId,
    a: &ArgPlan,
) -> (TokenStream, TokenStream, Option<TokenStream>) {
    let name = a.wire;
    let none = Some(NONE.parse().expect("a path"));
    // A default the generated code can express fills `new`; another one is an argument of `new`.
    let default = a
        .default_value
        .as_ref()
        .map(|v| plan.default_expr(sid, v, Place::Sibling));
    let Some(location) = a.location else {
        let t = plan.rust_type(sid, &a.ty, Place::Sibling);
        return (t.clone(), quote!(r.body::<#t>()?), None);
    };
    if location == Location::Form {
        let t = plan.rust_type(sid, &a.ty, Place::Sibling);
        let get = quote!(r.form_optional::<#t>(#name)?);
        return match (a.default(), a.param.is_some_and(|p| p.required)) {
            (Some(d), _) => (t, quote!(server::or_default(#name, #get, #d)?), default),
            (None, true) => (t.clone(), quote!(r.form_required::<#t>(#name)?), None),
            (None, false) => (quote!(::std::option::Option<#t>), get, none),
        };
    }
    let inner = match &a.ty {
        TypeRef::List(t) => t.as_ref(),
        t => t,
    };
    let t = plan.rust_type(sid, inner, Place::Sibling);
    if location == Location::Path {
        let i = a.path_index;
        return (t.clone(), quote!(r.path::<#t>(#i, #name)?), None);
    }
    let header = location == Location::Header;
    if a.list {
        return (
            quote!(::std::vec::Vec<#t>),
            quote!(r.query_list::<#t>(#name)?),
            Some(quote!(::std::vec::Vec::new())),
        );
    }
    let get = if header {
        quote!(r.header_optional::<#t>(#name)?)
    } else {
        quote!(r.query_optional::<#t>(#name)?)
    };
    match (a.default(), a.param.is_some_and(|p| p.required)) {
        (Some(d), _) => (t, quote!(server::or_default(#name, #get, #d)?), default),
        (None, true) => {
            let v = if header {
                quote!(r.header_required::<#t>(#name)?)
            } else {
                quote!(r.query_required::<#t>(#name)?)
            };
            (t, v, None)
        }
        (None, false) => (quote!(::std::option::Option<#t>), get, none),
    }
}
