//! The `checks` module: one function per operation whose arguments have anything to check,
//! called by the generated server after parsing a request and by the mock client before it
//! answers, so both accept and reject exactly the same calls.
//!
//! A check function takes the checked arguments in the client's borrowed form (`&str`,
//! `Option<&T>`, `&[T]`, `&T`) and checks each: `minimum`/`maximum` of a parameter (a number's
//! value, a string's length, a list's size), then the argument's own type
//! (`charter_runtime::Validate`, emitted once per type in `models`: enum values and union members
//! the spec lists, bounds of fields at any depth, imported models included). A failed check is a
//! 422 naming the parameter or the field by its full path (`items[0].quantity`).

use super::client::{arg_type, by_value};
use super::ident;
use super::models::opt;
use super::plan::{OpPlan, Plan, ServicePlan};
use proc_macro2::TokenStream;
use quote::quote;

/// The function checking the service's required headers, when it has some.
pub(crate) const SERVICE_HEADERS: &str = "service_headers";

pub(crate) fn checks(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let mut out = TokenStream::new();
    if !s.required_headers.is_empty() {
        let names = &s.required_headers;
        let f = ident(SERVICE_HEADERS);
        out.extend(quote! {
            /// The headers every request of the service must carry (server and mock): a missing
            /// one is a 400 naming it.
            pub fn #f(headers: &::charter_runtime::http::HeaderMap) -> ::std::result::Result<(), ::charter_runtime::validation::ValidationError> {
                ::charter_runtime::validation::required_headers(headers, &[#(#names),*])
            }
        });
    }
    for op in s.resources.iter().flat_map(|r| &r.ops) {
        if let Some(name) = &op.check {
            out.extend(check(plan, s, op, name));
        }
    }
    out
}

fn check(plan: &Plan, s: &ServicePlan, op: &OpPlan, name: &str) -> TokenStream {
    let fname = ident(name);
    let mut decls = Vec::new();
    let mut body = Vec::new();
    for a in op.checked_args() {
        let (i, t) = (ident(&a.ident), arg_type(plan, s.id, a));
        decls.push(quote!(#i: #t));
        // References pass as they are; values and `Option`s by reference.
        let v = if a.optional || by_value(a) {
            quote!(&#i)
        } else {
            quote!(#i)
        };
        let bounds = a.bounds.map(|b| {
            let (min, max) = (opt(b.min), opt(b.max));
            quote!(::charter_runtime::validation::bounds(#v, at, #min, #max)?;)
        });
        let nested = a
            .nested
            .then(|| quote!(::charter_runtime::Validate::validate(#v, at)?;));
        body.push(match a.location {
            // The body's fields are named plainly (`quantity`, not `body.quantity`).
            None => quote! {
                let at = &::charter_runtime::validation::Path::Root;
                #nested
            },
            Some(_) => {
                let wire = a.wire;
                quote!({
                    let at = &::charter_runtime::validation::Path::Field(&::charter_runtime::validation::Path::Root, #wire);
                    #bounds
                    #nested
                })
            }
        });
    }
    let doc = format!(
        " The checks of the arguments of `{}` (server and mock).",
        op.op.label()
    );
    let allow = (decls.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #[doc = #doc]
        #allow
        pub fn #fname(#(#decls),*) -> ::std::result::Result<(), ::charter_runtime::validation::ValidationError> {
            #(#body)*
            ::std::result::Result::Ok(())
        }
    }
}
