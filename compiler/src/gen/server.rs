//! The axum server: one trait per resource, one async method per operation returning a
//! per-operation response enum (one variant per documented status, typed body), and
//! `router(service)` mounting every operation. A service that does not implement every operation
//! does not compile (trait methods have no default).
//!
//! Requests are parsed and validated before the handler runs: required parameters, parameter
//! types, enum values, `minimum`/`maximum` (a number's value, a string's length, a list's size) of
//! parameters and of body fields at any depth, and the JSON shape of the body. Form parameters
//! are the fields of a JSON object body, as API Builder's clients send them.
//! A bad request gets 400 (malformed) or 422 (outside the spec) with a JSON
//! `charter_runtime::server::ValidationError` naming the field by its full path
//! (`items[0].quantity`). Unknown JSON fields are ignored.
//!
//! Routes: API Builder paths (`/users/:id`) are mounted with positional parameter names so that
//! operations naming the same position differently share one route; axum matches static segments
//! before parameters.

use super::{doc_attrs, ident, naming, Cx};
use crate::diag::{Diagnostic, Severity};
use crate::gen::W1202;
use crate::ir::{Location, Operation, Parameter, Primitive, ServiceId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

fn unsupported(cx: &mut Cx, op: &Operation, what: String) {
    cx.diags.push(
        Diagnostic::new(
            &W1202,
            format!(
                "{}: {what}; the operation is left out of the generated server",
                op.label()
            ),
        )
        .with_severity(Severity::Warning)
        .at(op.loc.clone()),
    );
}

fn param_ok(cx: &Cx, sid: ServiceId, r: &TypeRef, allow_list: bool) -> bool {
    match cx.resolve(sid, r) {
        TypeRef::Primitive(p) => p.valid_in_url(),
        TypeRef::Type(id) => id.kind == TypeKind::Enum,
        TypeRef::List(inner) if allow_list => param_ok(cx, sid, &inner, false),
        _ => false,
    }
}

pub(crate) fn server(cx: &mut Cx, sid: ServiceId) -> TokenStream {
    cx.local = Some(quote!(super::models));
    let s = cx.repo.service(sid);
    let mut types = naming::Scope::with_reserved(&["router"]);
    let mut items = TokenStream::new();
    let mut traits = Vec::new();
    // route path → method → handler
    let mut routes: BTreeMap<String, BTreeMap<&'static str, TokenStream>> = BTreeMap::new();
    // Validators of models whose fields (or nested models' fields) carry minimum/maximum.
    let mut validators = Validators::new(cx, sid);
    for r in &s.resources {
        let tname = ident(&types.camel(&r.plural));
        let rdocs = doc_attrs(r.description.as_deref(), r.deprecation.as_ref());
        let mut methods_scope = naming::Scope::new();
        let mut methods = Vec::new();
        for op in &r.operations {
            let Some(method) = op.method else {
                unsupported(
                    cx,
                    op,
                    format!("method `{}` is not an HTTP method", op.method_text),
                );
                continue;
            };
            let bad = op.parameters.iter().find(|p| match p.location {
                Location::Path => !param_ok(cx, sid, &p.ty.r, false),
                Location::Query => !param_ok(cx, sid, &p.ty.r, true),
                Location::Header => !param_ok(cx, sid, &p.ty.r, false),
                // Form parameters are fields of a JSON object body: any type decodes; a default
                // (the spec's text) is only read for the types a default can have.
                Location::Form => p.default.is_some() && !param_ok(cx, sid, &p.ty.r, false),
            });
            if let Some(p) = bad {
                unsupported(
                    cx,
                    op,
                    format!(
                        "{} parameter `{}` of type `{}` is not supported",
                        p.location.as_str(),
                        p.name,
                        p.ty.text
                    ),
                );
                continue;
            }
            // Route with positional parameter names.
            let mut route = String::new();
            let mut path_names = Vec::new();
            for seg in op.path.split('/').filter(|s| !s.is_empty()) {
                route.push('/');
                match seg.strip_prefix(':') {
                    Some(n) => {
                        route.push_str(&format!(":p{}", path_names.len()));
                        path_names.push(n.to_owned());
                    }
                    None => route.push_str(seg),
                }
            }
            if route.is_empty() {
                route.push('/');
            }
            let mname =
                methods_scope.snake(&naming::operation_name(method.as_str(), &r.path, &op.path));
            let axum_method = match method.as_str() {
                "GET" => "get",
                "POST" => "post",
                "PUT" => "put",
                "PATCH" => "patch",
                "DELETE" => "delete",
                "HEAD" => "head",
                "OPTIONS" => "options",
                "TRACE" => "trace",
                _ => {
                    unsupported(cx, op, "method CONNECT is not routable".into());
                    continue;
                }
            };
            if routes
                .get(&route)
                .is_some_and(|m| m.contains_key(axum_method))
            {
                unsupported(
                    cx,
                    op,
                    format!(
                        "another operation already serves {} {}",
                        method.as_str(),
                        op.path
                    ),
                );
                continue;
            }
            let stem = format!("{} {}", r.plural, naming::unraw(&mname));
            let resp_name = ident(&types.camel(&format!("{stem} response")));
            let fname = ident(&mname);

            // Response enum.
            let mut variants = Vec::new();
            let mut replies = Vec::new();
            for resp in &op.responses {
                let unit = matches!(
                    cx.resolve(sid, &resp.ty.r),
                    TypeRef::Primitive(Primitive::Unit)
                );
                let t =
                    (!unit).then(|| cx.rust_type(sid, &cx.resolve(sid, &resp.ty.r), &resp.ty.loc));
                let vdoc = resp.description.as_deref().map(|d| {
                    let d = format!(" {d}");
                    quote!(#[doc = #d])
                });
                match (resp.code.as_u16(), t) {
                    (Some(c), Some(t)) => {
                        let v = format_ident!("Status{}", c);
                        variants.push(quote!(#vdoc #v(#t),));
                        let c = proc_macro2::Literal::u16_unsuffixed(c);
                        replies
                            .push(quote!(Self::#v(b) => ::charter_runtime::server::reply(#c, &b),));
                    }
                    (Some(c), None) => {
                        let v = format_ident!("Status{}", c);
                        variants.push(quote!(#vdoc #v,));
                        let c = proc_macro2::Literal::u16_unsuffixed(c);
                        replies
                            .push(quote!(Self::#v => ::charter_runtime::server::reply_empty(#c),));
                    }
                    (None, Some(t)) => {
                        variants.push(quote!(#vdoc Default(u16, #t),));
                        replies.push(
                            quote!(Self::Default(s, b) => ::charter_runtime::server::reply(s, &b),),
                        );
                    }
                    (None, None) => {
                        variants.push(quote!(#vdoc Default(u16),));
                        replies.push(
                            quote!(Self::Default(s) => ::charter_runtime::server::reply_empty(s),),
                        );
                    }
                }
            }
            let rdoc = format!(" The documented responses of `{}`.", op.label());
            items.extend(quote! {
                #[doc = #rdoc]
                #[derive(Clone, Debug, PartialEq)]
                #[allow(clippy::large_enum_variant)]
                pub enum #resp_name { #(#variants)* }
                impl ::charter_runtime::axum::response::IntoResponse for #resp_name {
                    fn into_response(self) -> ::charter_runtime::axum::response::Response {
                        match self { #(#replies)* }
                    }
                }
            });

            // Trait method and request parsing.
            // Names the handler uses for itself.
            let mut args_scope =
                naming::Scope::with_reserved(&["self", "service", "req", "r", "v", "x"]);
            let mut args = Vec::new();
            let mut parse = Vec::new();
            let mut call = Vec::new();
            let path_params: Vec<&Parameter> = op
                .parameters
                .iter()
                .filter(|p| p.location == Location::Path)
                .collect();
            let others: Vec<&Parameter> = op
                .parameters
                .iter()
                .filter(|p| p.location != Location::Path)
                .collect();
            let mut ordered: Vec<Option<&Parameter>> =
                path_params.iter().map(|p| Some(*p)).collect();
            ordered.push(None); // the body
            ordered.extend(others.iter().map(|p| Some(*p)));
            for slot in ordered {
                match slot {
                    None => {
                        if let Some(b) = &op.body {
                            let a = ident(&args_scope.snake("body"));
                            let t = cx.rust_type(sid, &cx.resolve(sid, &b.ty.r), &b.ty.loc);
                            args.push(quote!(#a: #t));
                            let resolved = cx.resolve(sid, &b.ty.r);
                            let check = validators.value(
                                cx,
                                &resolved,
                                quote!(&b),
                                quote!(&::charter_runtime::validation::Path::Root),
                            );
                            parse.push(if check.is_empty() {
                                quote!(r.body::<#t>()?)
                            } else {
                                quote!({
                                    let b = r.body::<#t>()?;
                                    #check
                                    b
                                })
                            });
                            call.push(quote!(#a));
                        }
                    }
                    Some(p) => {
                        let a = ident(&args_scope.snake(&p.name));
                        let (t, expr) = if p.location == Location::Form {
                            form_parse(cx, sid, p, &mut validators)
                        } else {
                            param_parse(cx, sid, p, &path_names)
                        };
                        args.push(quote!(#a: #t));
                        parse.push(expr);
                        call.push(quote!(#a));
                    }
                }
            }
            let mut docs = doc_attrs(op.description.as_deref(), op.deprecation.as_ref());
            let label = format!(" `{}`", op.label());
            docs.extend(quote!(#[doc = #label]));
            if args.len() > 6 {
                docs.extend(quote!(#[allow(clippy::too_many_arguments)]));
            }
            methods.push(quote! {
                #docs
                fn #fname(&self, #(#args),*) -> impl ::std::future::Future<Output = #resp_name> + ::std::marker::Send;
            });
            let req_var = if parse.is_empty() {
                quote!(_)
            } else {
                quote!(r)
            };
            let handler = quote! {
                |::charter_runtime::axum::extract::State(service): ::charter_runtime::axum::extract::State<::std::sync::Arc<S>>,
                 req: ::charter_runtime::server::Request| {
                    req.handle(
                        |#req_var| ::std::result::Result::Ok((#(#parse,)*)),
                        move |(#(#call,)*)| async move { #tname::#fname(&*service, #(#call),*).await },
                    )
                }
            };
            routes
                .entry(route)
                .or_default()
                .insert(axum_method, handler);
        }
        items.extend(quote! {
            #rdocs
            pub trait #tname: ::std::marker::Send + ::std::marker::Sync + 'static {
                #(#methods)*
            }
        });
        traits.push(tname);
    }
    // The spec's own health check (API Builder's `healthcheck` resource) keeps its handler.
    let spec_health = routes
        .get("/_internal_/healthcheck")
        .is_some_and(|m| m.contains_key("get"))
        .then(|| quote!(.health_route_from_spec()));
    // A service header naming the request id is read (and echoed) besides `x-request-id`.
    let id_headers = s
        .headers
        .iter()
        .filter(|h| naming::is_request_id_header(&h.name))
        .map(|h| {
            let n = h.name.to_ascii_lowercase();
            quote!(.request_id_header(#n))
        });
    // Static segments are preferred by axum's router whatever the order; mount in path order.
    let mounts = routes.into_iter().map(|(route, methods)| {
        let chain = methods.into_iter().enumerate().map(|(i, (m, h))| {
            let m = format_ident!("{}", m);
            if i == 0 {
                quote!(::charter_runtime::axum::routing::#m(#h))
            } else {
                quote!(.#m(#h))
            }
        });
        quote!(.route(#route, #(#chain)*))
    });
    cx.local = None;
    let bounds = if traits.is_empty() {
        quote!(::std::marker::Send + ::std::marker::Sync + 'static)
    } else {
        quote!(#(#traits)+*)
    };
    validators.finish(cx);
    let validator_fns = validators.code;
    quote! {
        #items
        #validator_fns
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

/// The handler argument type of a parameter and the expression parsing it from the request.
fn param_parse(
    cx: &mut Cx,
    sid: ServiceId,
    p: &Parameter,
    path_names: &[String],
) -> (TokenStream, TokenStream) {
    let name = &p.name;
    let resolved = cx.resolve(sid, &p.ty.r);
    let (inner, list) = match &resolved {
        TypeRef::List(t) => ((**t).clone(), true),
        t => (t.clone(), false),
    };
    let t = cx.rust_type(sid, &inner, &p.ty.loc);
    // `minimum`/`maximum` bound the value of a number, the length of a string and the element
    // count of a list (API Builder's documented meaning).
    let bounded = p.minimum.is_some() || p.maximum.is_some();
    let (min, max) = (opt(p.minimum), opt(p.maximum));
    // The validation of one value, as a `Result` expression, when the spec asks for one.
    let check_raw = |v: TokenStream| -> Option<TokenStream> {
        match &inner {
            TypeRef::Type(id) if id.kind == TypeKind::Enum => {
                Some(quote!(::charter_runtime::validation::known(#name, #v)))
            }
            TypeRef::Primitive(Primitive::String) if bounded && !list => Some(quote!({
                let s = #v;
                ::charter_runtime::validation::size(#name, s.chars().count(), #min, #max).map(|()| s)
            })),
            TypeRef::Primitive(Primitive::Integer | Primitive::Double) if bounded && !list => {
                Some(quote!(::charter_runtime::validation::range(#name, #v, #min, #max)))
            }
            TypeRef::Primitive(Primitive::Long) if bounded && !list => {
                Some(quote!(::charter_runtime::validation::range_long(#name, #v, #min, #max)))
            }
            _ => None,
        }
    };
    let check = |v: TokenStream| -> TokenStream {
        match check_raw(v.clone()) {
            Some(c) => quote!(#c?),
            None => v,
        }
    };
    match p.location {
        Location::Path => {
            let i = path_names.iter().position(|n| n == name).unwrap_or(0);
            let v = check(quote!(r.path::<#t>(#i, #name)?));
            (t, v)
        }
        Location::Query | Location::Header | Location::Form => {
            // (Form parameters are read by `form_parse`.)
            let header = p.location == Location::Header;
            if list {
                let v = quote!(r.query_list::<#t>(#name)?);
                let v = match check_raw(quote!(x)) {
                    None => v,
                    Some(c) => {
                        quote!(#v.into_iter().map(|x| #c).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?)
                    }
                };
                let v = if bounded {
                    quote!({
                        let v = #v;
                        ::charter_runtime::validation::size(#name, v.len(), #min, #max)?;
                        v
                    })
                } else {
                    v
                };
                return (quote!(::std::vec::Vec<#t>), v);
            }
            let get = if header {
                quote!(r.header_optional::<#t>(#name)?)
            } else {
                quote!(r.query_optional::<#t>(#name)?)
            };
            match (&p.default, p.required) {
                (Some(d), _) => {
                    let v = check(quote!(::charter_runtime::server::or_default(#name, #get, #d)?));
                    (t, v)
                }
                (None, true) => {
                    let v = if header {
                        quote!(r.header_required::<#t>(#name)?)
                    } else {
                        quote!(r.query_required::<#t>(#name)?)
                    };
                    (t, check(v))
                }
                (None, false) => {
                    let v = match check_raw(quote!(v)) {
                        None => get,
                        Some(c) => quote!(#get.map(|v| #c).transpose()?),
                    };
                    (quote!(::std::option::Option<#t>), v)
                }
            }
        }
    }
}

/// A form parameter: a field of the JSON object body, decoded with serde and checked like a
/// body field (required, type, enum value, `minimum`/`maximum`, nested models).
fn form_parse(
    cx: &mut Cx,
    sid: ServiceId,
    p: &Parameter,
    validators: &mut Validators,
) -> (TokenStream, TokenStream) {
    let name = &p.name;
    let resolved = cx.resolve(sid, &p.ty.r);
    let t = cx.rust_type(sid, &resolved, &p.ty.loc);
    let mut check = validators.field(cx, &resolved, name, p.minimum, p.maximum, quote!(x), None);
    if let TypeRef::Type(id) = &resolved {
        if id.kind == TypeKind::Enum {
            check.extend(quote!(::charter_runtime::validation::known(#name, x.clone())?;));
        }
    }
    let get = quote!(r.form_optional::<#t>(#name)?);
    let (ty, value) = match (&p.default, p.required) {
        (Some(d), _) => (
            t.clone(),
            quote!(::charter_runtime::server::or_default(#name, #get, #d)?),
        ),
        (None, true) => (t.clone(), quote!(r.form_required::<#t>(#name)?)),
        (None, false) => {
            let opt_t = quote!(::std::option::Option<#t>);
            if check.is_empty() {
                return (opt_t, get);
            }
            return (
                opt_t,
                quote!({
                    let v = #get;
                    if let ::std::option::Option::Some(x) = &v {
                        #check
                    }
                    v
                }),
            );
        }
    };
    if check.is_empty() {
        return (ty, value);
    }
    (
        ty,
        quote!({
            let v = #value;
            {
                let x = &v;
                #check
            }
            v
        }),
    )
}

/// The validators of request bodies: one function per model of the service that has, itself or
/// through the models it contains (lists, maps, optional and recursive fields), a field with
/// `minimum`/`maximum` (a number's value, a string's length, a list's or map's size). A failed
/// check is a 422 naming the full path of the field (`items[0].quantity`).
pub(crate) struct Validators {
    sid: ServiceId,
    /// Models of the service that need a validator.
    needed: std::collections::HashSet<crate::ir::TypeId>,
    names: BTreeMap<crate::ir::TypeId, proc_macro2::Ident>,
    pending: Vec<crate::ir::TypeId>,
    scope: naming::Scope,
    pub(crate) code: TokenStream,
}

/// `minimum`/`maximum` on a value of this type is something the server checks.
fn boundable(r: &TypeRef) -> bool {
    matches!(
        r,
        TypeRef::Primitive(
            Primitive::Integer | Primitive::Long | Primitive::Double | Primitive::String
        ) | TypeRef::List(_)
            | TypeRef::Map(_)
    )
}

/// The models of the service a type contains directly (through lists and maps).
fn contained(r: &TypeRef, sid: ServiceId, out: &mut Vec<crate::ir::TypeId>) {
    match r {
        TypeRef::Type(id) if id.kind == TypeKind::Model && id.service == sid => out.push(*id),
        TypeRef::List(t) | TypeRef::Map(t) => contained(t, sid, out),
        _ => {}
    }
}

impl Validators {
    pub(crate) fn new(cx: &Cx, sid: ServiceId) -> Validators {
        let s = cx.repo.service(sid);
        let ids: Vec<crate::ir::TypeId> = (0..s.models.len())
            .map(|i| crate::ir::TypeId {
                service: sid,
                kind: TypeKind::Model,
                index: i as u32,
            })
            .collect();
        // Resolved field types once; then a fixed point: a model needs a validator when one of
        // its fields is bounded or contains a model that needs one (cycles settle).
        let mut inner: Vec<Vec<crate::ir::TypeId>> = Vec::with_capacity(ids.len());
        let mut needed = std::collections::HashSet::new();
        for id in &ids {
            let mut refs = Vec::new();
            let mut own = false;
            for f in &cx.repo.model(*id).fields {
                let r = cx.resolve(sid, &f.ty.r);
                own |= (f.minimum.is_some() || f.maximum.is_some()) && boundable(&r);
                contained(&r, sid, &mut refs);
            }
            if own {
                needed.insert(*id);
            }
            inner.push(refs);
        }
        loop {
            let before = needed.len();
            for (id, refs) in ids.iter().zip(&inner) {
                if !needed.contains(id) && refs.iter().any(|r| needed.contains(r)) {
                    needed.insert(*id);
                }
            }
            if needed.len() == before {
                break;
            }
        }
        Validators {
            sid,
            needed,
            names: BTreeMap::new(),
            pending: Vec::new(),
            scope: naming::Scope::new(),
            code: TokenStream::new(),
        }
    }

    /// The validator of a model, named on first use and generated by `finish`.
    fn name(&mut self, cx: &Cx, id: crate::ir::TypeId) -> proc_macro2::Ident {
        if let Some(f) = self.names.get(&id) {
            return f.clone();
        }
        let m = cx.repo.model(id);
        let f = ident(&self.scope.snake(&format!("validate {}", m.name)));
        self.names.insert(id, f.clone());
        self.pending.push(id);
        f
    }

    /// Statements checking the nested models of the value `x` (an expression of type `&T`) at
    /// `at` (an expression of type `&Path`); empty when there is nothing to check.
    pub(crate) fn value(
        &mut self,
        cx: &Cx,
        r: &TypeRef,
        x: TokenStream,
        at: TokenStream,
    ) -> TokenStream {
        match r {
            TypeRef::Type(id) if self.needed.contains(id) => {
                let f = self.name(cx, *id);
                quote!(#f(#x, #at)?;)
            }
            TypeRef::List(t) => {
                let inner = self.value(
                    cx,
                    t,
                    quote!(x),
                    quote!(&::charter_runtime::validation::Path::Index(at, i)),
                );
                if inner.is_empty() {
                    return inner;
                }
                quote! {
                    let at = #at;
                    let xs = #x;
                    for (i, x) in xs.iter().enumerate() { #inner }
                }
            }
            TypeRef::Map(t) => {
                let inner = self.value(
                    cx,
                    t,
                    quote!(x),
                    quote!(&::charter_runtime::validation::Path::Key(at, k)),
                );
                if inner.is_empty() {
                    return inner;
                }
                quote! {
                    let at = #at;
                    let xs = #x;
                    for (k, x) in xs { #inner }
                }
            }
            _ => TokenStream::new(),
        }
    }

    /// Statements checking the field `name`, its value `x` (`&T`), inside the value at `at`
    /// (`None`: a form parameter, at the root): its own bounds, then its nested models.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn field(
        &mut self,
        cx: &Cx,
        r: &TypeRef,
        name: &str,
        min: Option<i64>,
        max: Option<i64>,
        x: TokenStream,
        at: Option<TokenStream>,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        if min.is_some() || max.is_some() {
            let (lo, hi) = (opt(min), opt(max));
            let check = match r {
                TypeRef::Primitive(Primitive::Integer | Primitive::Double) => {
                    Some(quote!(::charter_runtime::validation::range(#name, *#x, #lo, #hi)))
                }
                TypeRef::Primitive(Primitive::Long) => {
                    Some(quote!(::charter_runtime::validation::range_long(#name, *#x, #lo, #hi)))
                }
                TypeRef::Primitive(Primitive::String) => Some(
                    quote!(::charter_runtime::validation::size(#name, #x.chars().count(), #lo, #hi)),
                ),
                TypeRef::List(_) | TypeRef::Map(_) => {
                    Some(quote!(::charter_runtime::validation::size(#name, #x.len(), #lo, #hi)))
                }
                _ => None,
            };
            match (check, &at) {
                (Some(c), Some(at)) => out.extend(quote!(#c.map_err(|e| e.within(#at))?;)),
                (Some(c), None) => out.extend(quote!(#c?;)),
                (None, _) => {}
            }
        }
        let at = at.unwrap_or_else(|| quote!(&::charter_runtime::validation::Path::Root));
        let nested = self.value(
            cx,
            r,
            x,
            quote!(&::charter_runtime::validation::Path::Field(#at, #name)),
        );
        out.extend(nested);
        out
    }

    /// Generates the validators named so far (and those they name in turn).
    pub(crate) fn finish(&mut self, cx: &Cx) {
        while let Some(id) = self.pending.pop() {
            let m = cx.repo.model(id);
            let mut scope = naming::Scope::new();
            let mut checks = Vec::new();
            for f in &m.fields {
                let fid = ident(&scope.snake(&f.name));
                let r = cx.resolve(self.sid, &f.ty.r);
                let check = self.field(
                    cx,
                    &r,
                    &f.name,
                    f.minimum,
                    f.maximum,
                    quote!(x),
                    Some(quote!(path)),
                );
                if check.is_empty() {
                    continue;
                }
                // Fields with a default are plain values; other optional fields are `Option`s.
                checks.push(if f.required || f.default.is_some() {
                    quote!({ let x = &v.#fid; #check })
                } else {
                    quote!(if let ::std::option::Option::Some(x) = &v.#fid { #check })
                });
            }
            let fname = &self.names[&id];
            let tname = cx.ident(id);
            let doc = format!(
                " Checks the bounds of `{}` and of the models it contains.",
                m.name
            );
            self.code.extend(quote! {
                #[doc = #doc]
                fn #fname(v: &super::models::#tname, path: &::charter_runtime::validation::Path<'_>) -> ::std::result::Result<(), ::charter_runtime::validation::ValidationError> {
                    #(#checks)*
                    ::std::result::Result::Ok(())
                }
            });
        }
    }
}

pub(crate) fn opt(v: Option<i64>) -> TokenStream {
    match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    }
}
