//! The axum server: one trait per resource, one async method per operation returning a
//! per-operation response enum (one variant per documented status, typed body), and
//! `router(service)` mounting every operation. A service that does not implement every operation
//! does not compile (trait methods have no default).
//!
//! Requests are parsed and validated before the handler runs: required parameters, parameter
//! types, enum values, `minimum`/`maximum` of numeric parameters and the JSON shape of the body.
//! A bad request gets 400 (malformed) or 422 (outside the spec) with a JSON
//! `charter_runtime::server::ValidationError` naming the field. Unknown JSON fields are ignored.
//!
//! Routes: API Builder paths (`/users/:id`) are mounted with positional parameter names so that
//! operations naming the same position differently share one route; axum matches static segments
//! before parameters.

use super::{doc_attrs, ident, naming, Cx};
use crate::diag::{Diagnostic, Severity};
use crate::ir::{Location, Operation, Parameter, Primitive, ServiceId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

fn unsupported(cx: &mut Cx, op: &Operation, what: String) {
    cx.diags.push(
        Diagnostic::new(
            "W1202",
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
    // Body validators (models with minimum/maximum on their fields), by model.
    let mut validators = Validators::default();
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
                Location::Form => true,
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
                            let check = body_check(cx, sid, &b.ty.r, &mut validators);
                            parse.push(match check {
                                Some(f) => quote!({
                                    let b = r.body::<#t>()?;
                                    #f(&b)?;
                                    b
                                }),
                                None => quote!(r.body::<#t>()?),
                            });
                            call.push(quote!(#a));
                        }
                    }
                    Some(p) => {
                        let a = ident(&args_scope.snake(&p.name));
                        let (t, expr) = param_parse(cx, sid, p, &path_names);
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
    let validator_fns = validators.code;
    quote! {
        #items
        #validator_fns
        /// An axum router serving every operation of the service with `service`.
        pub fn router<S: #bounds>(service: S) -> ::charter_runtime::axum::Router {
            ::charter_runtime::axum::Router::new()
                #(#mounts)*
                .with_state(::std::sync::Arc::new(service))
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
    // The validation of one value, as a `Result` expression, when the spec asks for one.
    let check_raw = |v: TokenStream| -> Option<TokenStream> {
        match &inner {
            TypeRef::Type(id) if id.kind == TypeKind::Enum => {
                Some(quote!(::charter_runtime::validation::known(#name, #v)))
            }
            TypeRef::Primitive(Primitive::Integer | Primitive::Double)
                if p.minimum.is_some() || p.maximum.is_some() =>
            {
                let (min, max) = (opt(p.minimum), opt(p.maximum));
                Some(quote!(::charter_runtime::validation::range(#name, #v, #min, #max)))
            }
            TypeRef::Primitive(Primitive::Long) if p.minimum.is_some() || p.maximum.is_some() => {
                let (min, max) = (opt(p.minimum), opt(p.maximum));
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
            let header = p.location == Location::Header;
            if list {
                let v = quote!(r.query_list::<#t>(#name)?);
                let v = match check_raw(quote!(x)) {
                    None => v,
                    Some(c) => {
                        quote!(#v.into_iter().map(|x| #c).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?)
                    }
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

#[derive(Default)]
pub(crate) struct Validators {
    names: BTreeMap<crate::ir::TypeId, proc_macro2::Ident>,
    scope: naming::Scope,
    pub(crate) code: TokenStream,
}

/// The validator of a body of type `r` (a model of this service whose fields carry `minimum` or
/// `maximum`), generated once per model. Constraints of nested models are not checked yet.
pub(crate) fn body_check(
    cx: &mut Cx,
    sid: ServiceId,
    r: &TypeRef,
    v: &mut Validators,
) -> Option<proc_macro2::Ident> {
    let TypeRef::Type(id) = cx.resolve(sid, r) else {
        return None;
    };
    if id.kind != TypeKind::Model || id.service != sid {
        return None;
    }
    if let Some(f) = v.names.get(&id) {
        return Some(f.clone());
    }
    let m = cx.repo.model(id);
    let mut checks = Vec::new();
    let mut scope = naming::Scope::new();
    for f in &m.fields {
        let fid = ident(&scope.snake(&f.name));
        if f.minimum.is_none() && f.maximum.is_none() {
            continue;
        }
        let (min, max) = (opt(f.minimum), opt(f.maximum));
        let name = &f.name;
        let check = match cx.resolve(sid, &f.ty.r) {
            TypeRef::Primitive(Primitive::Integer | Primitive::Double) => {
                quote!(::charter_runtime::validation::range(#name, *x, #min, #max)?;)
            }
            TypeRef::Primitive(Primitive::Long) => {
                quote!(::charter_runtime::validation::range_long(#name, *x, #min, #max)?;)
            }
            TypeRef::Primitive(Primitive::String) => {
                quote!(::charter_runtime::validation::size(#name, x.chars().count(), #min, #max)?;)
            }
            TypeRef::List(_) | TypeRef::Map(_) => {
                quote!(::charter_runtime::validation::size(#name, x.len(), #min, #max)?;)
            }
            _ => continue,
        };
        // Fields with a default are plain values; other optional fields are `Option`s.
        checks.push(if f.required || f.default.is_some() {
            quote!({ let x = &v.#fid; #check })
        } else {
            quote!(if let ::std::option::Option::Some(x) = &v.#fid { #check })
        });
    }
    if checks.is_empty() {
        return None;
    }
    let fname = ident(&v.scope.snake(&format!("validate {}", m.name)));
    let tname = cx.ident(id);
    v.code.extend(quote! {
        fn #fname(v: &super::models::#tname) -> ::std::result::Result<(), ::charter_runtime::validation::ValidationError> {
            #(#checks)*
            ::std::result::Result::Ok(())
        }
    });
    v.names.insert(id, fname.clone());
    Some(fname)
}

pub(crate) fn opt(v: Option<i64>) -> TokenStream {
    match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    }
}
