//! The client traits and the mock client.
//!
//! **Traits** (in the `client` module, always generated with the client): one per resource,
//! `<Resource>Api` (`ItemsApi`), with the operations of the resource as methods returning `Send`
//! futures, and one per service, `Api`, with one accessor per resource returning that resource's
//! implementation. The client (`Client`, `Items<'_>`) and the mock (`mock::MockClient`,
//! `mock::MockItems<'_>`) implement them, so code under test takes `&impl client::Api` (or
//! `&impl client::ItemsApi`) and tests hand it the mock. The client's inherent methods stay: the
//! trait impls forward to them.
//!
//! **Mock** (module `mock`, with [`super::Settings::with_mock`]): `MockClient::new()`, no HTTP.
//! Every operation records a typed call (`Call::Items(ItemsCall::GetById { id })`), validates its
//! arguments with the very function the generated server calls (`checks`: enum values and union
//! members known, `minimum`/`maximum` of parameters and of body fields at any depth) and answers a rejected call with the very error the real client surfaces for
//! the server's 400/422 reply (the client's own status match decodes it). Otherwise it answers
//! with the canned answer a test set (`mock.items().on_get_by_id().returns(item)`, `.fails(err)`,
//! `.once()`), or by default the first documented success status with a value from `factories`
//! (a one-element list for lists, `()` for unit). Shared machinery: `charter_runtime::mock`.

use super::client::{
    arg_count, arg_decls, arg_names, borrowed, by_value, err_type, ok_type, op_docs, positional,
};
use super::factories::{self, Hint};
use super::plan::{ArgPlan, OpPlan, Place, Plan, ServicePlan};
use super::{ident, naming};
use crate::ir::{ServiceId, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn ret_type(plan: &Plan, sid: ServiceId, op: &OpPlan) -> TokenStream {
    super::client::result_type(plan, sid, op, true)
}

fn many_args(n: usize) -> Option<TokenStream> {
    (n > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The operations the client (and so the mock) generates.
fn client_ops<'p, 'a>(ops: &'p [OpPlan<'a>]) -> impl Iterator<Item = &'p OpPlan<'a>> {
    ops.iter().filter(|op| op.client.is_ok())
}

/// The resource traits and the service trait, with the client's implementations (inside the
/// `client` module).
pub(crate) fn traits(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let sid = s.id;
    let mut out = TokenStream::new();
    let mut assoc = Vec::new();
    let mut assoc_impl = Vec::new();
    for r in &s.resources {
        let (tname, sname, acc) = (
            ident(&r.client_trait),
            ident(&r.client_struct),
            ident(&r.accessor),
        );
        let mut decls = Vec::new();
        let mut impls = Vec::new();
        for op in client_ops(&r.ops) {
            let f = ident(&op.fname);
            let docs = op_docs(op);
            let args = arg_decls(plan, sid, op);
            let names = arg_names(op);
            let ret = ret_type(plan, sid, op);
            let allow = many_args(arg_count(op));
            decls.push(quote! { #docs fn #f(&self, #(#args),*) -> #ret; });
            impls.push(quote! {
                #allow
                fn #f(&self, #(#args),*) -> #ret { #sname::#f(self, #(#names),*) }
            });
        }
        let doc = format!(
            " The operations of `{}`, implemented by the client's `{sname}` and by the mock client: \
             code under test can take either.",
            r.resource.plural
        );
        out.extend(quote! {
            #[doc = #doc]
            // Arguments are typed as the client's methods are (`&Vec<T>` for a list body).
            #[allow(clippy::ptr_arg)]
            pub trait #tname: ::std::marker::Send + ::std::marker::Sync {
                #(#decls)*
            }
            impl #tname for #sname<'_> {
                #(#impls)*
            }
        });
        let adoc = format!(" The operations of `{}`.", r.resource.plural);
        assoc.push(quote! {
            #[doc = #adoc]
            type #sname<'a>: #tname where Self: 'a;
            #[doc = #adoc]
            fn #acc(&self) -> Self::#sname<'_>;
        });
        assoc_impl.push(quote! {
            type #sname<'a> = #sname<'a>;
            fn #acc(&self) -> #sname<'_> { Client::#acc(self) }
        });
    }
    let name = &s.service.name;
    let doc = format!(
        " Every resource of `{name}`, implemented by `Client` and by the mock client: code under test \
         takes `&impl Api` and tests hand it the mock."
    );
    out.extend(quote! {
        #[doc = #doc]
        pub trait Api: ::std::marker::Send + ::std::marker::Sync {
            #(#assoc)*
        }
        impl Api for Client {
            #(#assoc_impl)*
        }
    });
    out
}

/// The body of the `mock` module of a service.
pub(crate) fn mock(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let sid = s.id;
    let factories_path = quote!(super::factories);
    let mut types = naming::Scope::with_reserved(&["MockClient", "Call", "Stubs"]);
    let mut items = TokenStream::new();
    let mut call_variants = Vec::new();
    let mut stubs_fields = Vec::new();
    let mut accessors = Vec::new();
    let mut api_impl = Vec::new();
    let mut resets = Vec::new();
    let many = s.resources.len() > 1;
    let mut client_scope = naming::Scope::new();
    for r in &s.resources {
        client_scope.claim(r.accessor.clone());
    }
    let client_calls = ident(&client_scope.claim("calls".into()));
    let client_reset = ident(&client_scope.claim("reset".into()));
    let client_new = ident(&client_scope.claim("new".into()));
    // The service's required headers: set on the mock as on the client's builder.
    let headers = !s.required_headers.is_empty();
    let with_header = headers.then(|| {
        let f = ident(&client_scope.claim("with_header".into()));
        quote! {
            /// Sets a header every call carries, as `ClientBuilder::with_header` does for the
            /// client: the service's required headers must be set, or every call is rejected as
            /// the server rejects it (400 naming the header).
            pub fn #f(mut self, name: &str, value: &str) -> Self {
                ::charter_runtime::mock::insert_header(&mut self.headers, name, value);
                self
            }
        }
    });
    let headers_field = headers.then(|| quote!(headers: ::charter_runtime::http::HeaderMap,));
    for r in &s.resources {
        let plural = &r.resource.plural;
        let (sname, acc) = (ident(&r.client_struct), ident(&r.accessor));
        let mock_name = ident(&types.camel(&format!("mock {plural}")));
        let call_name = ident(&types.camel(&format!("{plural} call")));
        let stubs_name = ident(&types.camel(&format!("{plural} stubs")));
        let rvariant = sname.clone();
        let ops: Vec<&OpPlan> = client_ops(&r.ops).collect();
        let mut variant_scope = naming::Scope::new();
        let mut helper_scope = naming::Scope::new();
        for op in &ops {
            helper_scope.claim(op.fname.clone());
        }
        let on_names: Vec<Ident> = ops
            .iter()
            .map(|op| ident(&helper_scope.claim(format!("on_{}", naming::unraw(&op.fname)))))
            .collect();
        let resource_calls = ident(&helper_scope.claim("calls".into()));
        let mut variants = Vec::new();
        let mut stubs = Vec::new();
        let mut ons = Vec::new();
        let mut impls = Vec::new();
        for (op, on) in ops.iter().zip(&on_names) {
            let f = ident(&op.fname);
            let (ok, err) = (ok_type(plan, sid, op), err_type(op));
            let label = format!(" `{}`", op.op.label());
            let variant = ident(&variant_scope.camel(naming::unraw(&op.fname)));
            // The recorded call.
            let mut fields = Vec::new();
            let mut records = Vec::new();
            for a in positional(op) {
                let (i, owned, record) = owned(plan, sid, a);
                fields.push(quote!(#i: #owned,));
                records.push(record);
            }
            // The optional arguments are recorded as the options struct they came in; it is
            // cloned when the check below still reads it.
            if let Some((ty, arg)) = &op.options {
                let (ty, arg) = (ident(ty), ident(arg));
                fields.push(quote!(#arg: #ty,));
                let checked = op.check.is_some() && op.checked_args().any(|a| a.optional);
                records.push(if checked {
                    quote!(#arg.clone())
                } else {
                    quote!(#arg)
                });
            }
            let names = arg_names(op);
            if fields.is_empty() {
                variants.push(quote!(#[doc = #label] #variant,));
            } else {
                variants.push(quote!(#[doc = #label] #variant { #(#fields)* },));
            }
            let call = if fields.is_empty() {
                quote!(#call_name::#variant)
            } else {
                let inits = names.iter().zip(&records).map(|(n, r)| {
                    if *n == r.to_string() {
                        quote!(#n)
                    } else {
                        quote!(#n: #r)
                    }
                });
                quote!(#call_name::#variant { #(#inits),* })
            };
            stubs.push(quote!(#f: ::charter_runtime::mock::Stubs<#ok, #err>,));
            resets.push(quote!(self.stubs.#acc.#f.clear();));
            let on_doc = format!(" Sets the answers of{label}.");
            let stub = plan.name(sid, "Stub", Place::Sibling);
            ons.push(quote! {
                #[doc = #on_doc]
                pub fn #on(&self) -> #stub<'a, #ok, #err> {
                    self.mock.stubs.#acc.#f.stub()
                }
            });
            // Validation: the server's own check functions (the service's required headers,
            // then the arguments).
            let headers_check = headers.then(|| {
                let f = ident(super::checks::SERVICE_HEADERS);
                quote!(super::checks::#f(&mock.headers))
            });
            let op_check = op.check.as_ref().map(|check| {
                let check = ident(check);
                let check_args = op.checked_args().map(|a| borrowed(op, a));
                quote!(super::checks::#check(#(#check_args),*))
            });
            let checked = match (headers_check, op_check) {
                (Some(h), Some(c)) => Some(quote!(#h.and_then(|()| #c))),
                (h, c) => h.or(c),
            };
            let reject = checked.map(|checked| {
                // The documented error of the rejection's status (400, 422), as the client
                // decodes it.
                let answer = match op.err_enum {
                    Some(_) => quote!(resp.error()),
                    None => quote!(resp.unexpected()),
                };
                quote! {
                    if let ::std::result::Result::Err(e) = #checked {
                        let resp = ::charter_runtime::mock::rejected(e);
                        return #answer;
                    }
                }
            });
            let default = default_answer(plan, sid, op, &factories_path, on);
            let args = arg_decls(plan, sid, op);
            let ret = ret_type(plan, sid, op);
            let allow = many_args(arg_count(op));
            impls.push(quote! {
                #allow
                fn #f(&self, #(#args),*) -> #ret {
                    let mock = self.mock;
                    async move {
                        let call = Call::#rvariant(#call);
                        mock.log.push(call);
                        #reject
                        mock.stubs.#acc.#f.answer(|| #default)
                    }
                }
            });
        }
        let tname = ident(&r.client_trait);
        let call_doc = format!(" A call made to the mock's `{plural}`, with its arguments.");
        let mock_doc = format!(
            " The mock's `{plural}`: canned answers per operation (`on_…`) and the calls made; the \
             operations themselves come from the `{tname}` trait."
        );
        let calls_doc = format!(" The calls made to `{plural}` so far, oldest first.");
        let pick = if many {
            quote!(|c| match c { Call::#rvariant(c) => ::std::option::Option::Some(c.clone()), _ => ::std::option::Option::None })
        } else {
            quote!(|c| match c { Call::#rvariant(c) => ::std::option::Option::Some(c.clone()) })
        };
        let stubs_struct = (!ops.is_empty()).then(|| {
            quote! {
                #[derive(Debug, Default)]
                struct #stubs_name { #(#stubs)* }
            }
        });
        items.extend(quote! {
                    #[doc = #call_doc]
                    #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
                    pub enum #call_name { #(#variants)* }
                    #stubs_struct
                    #[doc = #mock_doc]
                    #[derive(Clone, Copy, Debug)]
                    pub struct #mock_name<'a> {
                        mock: &'a MockClient,
                    }
                    impl<'a> #mock_name<'a> {
                        #(#ons)*
                        #[doc = #calls_doc]
                        pub fn #resource_calls(&self) -> ::std::vec::Vec<#call_name> {
                            self.mock.log.filter(#pick)
                        }
                    }
                    impl #tname for #mock_name<'_> {
                        #(#impls)*
                    }
                });
        let call_doc = format!(" A call to `{plural}`.");
        call_variants.push(quote!(#[doc = #call_doc] #rvariant(#call_name),));
        // A resource without operations has no answers to keep (a field nobody reads).
        if !ops.is_empty() {
            stubs_fields.push(quote!(#acc: #stubs_name,));
        }
        let acc_doc = format!(" The mock's `{plural}`.");
        accessors.push(quote! {
            #[doc = #acc_doc]
            pub fn #acc(&self) -> #mock_name<'_> {
                #mock_name { mock: self }
            }
        });
        api_impl.push(quote! {
            type #sname<'a> = #mock_name<'a>;
            fn #acc(&self) -> #mock_name<'_> { MockClient::#acc(self) }
        });
    }
    // Without any operation there are no answers to keep.
    let (stubs_field, stubs_struct) = if stubs_fields.is_empty() {
        (None, None)
    } else {
        (
            Some(quote!(stubs: Stubs,)),
            Some(quote! {
                #[derive(Debug, Default)]
                struct Stubs { #(#stubs_fields)* }
            }),
        )
    };
    quote! {
            // One clear error when charter-runtime's `mock` feature is off.
            ::charter_runtime::require_mock!();
            use super::client::*;
            /// A stand-in for `Client` that sends nothing: it records every call, validates arguments as
            /// the server does (the same `checks`), and answers with canned answers or, by default,
            /// factory values with the first documented success status. Implements `Api` like the
            /// client.
            #[derive(Debug, Default)]
            pub struct MockClient {
                log: ::charter_runtime::mock::CallLog<Call>,
                #stubs_field
                #headers_field
            }
            impl MockClient {
                /// A mock with no canned answers and no calls.
                pub fn #client_new() -> Self {
                    Self::default()
                }
                #with_header
                #(#accessors)*
                /// Every call made so far, oldest first.
                pub fn #client_calls(&self) -> ::std::vec::Vec<Call> {
                    self.log.calls()
                }
                /// Forgets the calls and every canned answer.
                pub fn #client_reset(&self) {
                    self.log.clear();
                    #(#resets)*
                }
            }
            impl Api for MockClient {
                #(#api_impl)*
            }
            /// A call made to the mock, by resource.
            #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
            pub enum Call { #(#call_variants)* }
            #stubs_struct
            #items
        }
}

/// The recorded form of a positional argument: field name, owned type, and the expression
/// owning it.
fn owned(plan: &Plan, sid: ServiceId, a: &ArgPlan) -> (Ident, TokenStream, TokenStream) {
    let i = ident(&a.ident);
    match &a.ty {
        TypeRef::List(inner) if a.location.is_some() => {
            let t = plan.rust_type(sid, inner, Place::Sibling);
            (i.clone(), quote!(::std::vec::Vec<#t>), quote!(#i.to_vec()))
        }
        other => {
            let t = plan.rust_type(sid, other, Place::Sibling);
            let record = if by_value(a) {
                quote!(#i)
            } else {
                quote!(::std::borrow::ToOwned::to_owned(#i))
            };
            (i, t, record)
        }
    }
}

/// The default answer: the first documented success status with a factory value, or, when its
/// type has no finite value (W1204), an error saying which stub to set (the factory would never
/// return).
fn default_answer(
    plan: &Plan,
    sid: ServiceId,
    op: &OpPlan,
    own: &TokenStream,
    on: &Ident,
) -> TokenStream {
    let Some(resp) = op.successes().next() else {
        return quote!(::std::result::Result::Ok(()));
    };
    // A list answers with one element; any other list or map in a factory value is empty.
    let (top, list) = match &resp.ty {
        TypeRef::List(inner) => (inner.as_ref(), true),
        other => (other, false),
    };
    if let TypeRef::Type(id) = top {
        if !plan.ty(*id).finite() {
            let stub = on.to_string();
            let name = plan.repo.type_name(*id).to_string();
            return quote!(::std::result::Result::Err(
                ::charter_runtime::mock::no_default_answer(#stub, #name)
            ));
        }
    }
    let value = factories::value(plan, sid, top, Hint::default(), own);
    let value = if list {
        quote!(::std::vec![#value])
    } else {
        value
    };
    let answer = match &op.ok_enum {
        Some(e) => {
            let e = ident(e);
            let v = format_ident!("{}", resp.variant());
            if resp.unit {
                quote!(#e::#v)
            } else {
                quote!(#e::#v(#value))
            }
        }
        None if resp.unit => quote!(()),
        None => value,
    };
    quote!(::std::result::Result::Ok(#answer))
}
