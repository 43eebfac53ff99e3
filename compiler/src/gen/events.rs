//! The `events` module of a service ([`Settings::events`](super::Settings::events)): for each of
//! the service's streams (`crate::events::streams`, one per `*_event` union with a discriminator)
//!
//! - `impl charter_runtime::events::Event for <Union>`: the stream (name, short name, members),
//!   each member's event id and partition key (`organization`, else `organization_id`, else the
//!   event id, as Flow's shard provider), and filling unset `event_id`s and `timestamp`s;
//! - `<Union>Producer` = `charter_runtime::events::Producer<<Union>>` (`publish`, `publish_batch`);
//! - the consumer trait `<Union>Consumer`, one method per member (`user_upserted(&self, ctx,
//!   UserUpserted)`) and `unknown` for members this version does not know (default: ignore, so a
//!   newer producer never stops the stream);
//! - `<Union>Dispatcher<C>`, the `charter_runtime::events::Handler` that calls the consumer's
//!   method for each record.
//!
//! Transports (in-memory, NATS JetStream, the Postgres outbox) are charter-runtime features; the
//! generated code does not name any.

use super::plan::{Place, Plan, ServicePlan};
use super::{doc_attrs, ident, naming};
use crate::events::{Member, Stream};
use proc_macro2::TokenStream;
use quote::quote;

/// The `events` module of a service (empty when it has no stream), from the plan's streams
/// (errors of event unions, E2101 and E2102, are the plan's diagnostics).
pub(crate) fn events(plan: &Plan, sp: &ServicePlan) -> TokenStream {
    let streams: Vec<&Stream> = plan.streams.iter().filter(|s| s.service == sp.id).collect();
    if streams.is_empty() {
        return TokenStream::new();
    }
    let mut scope = naming::Scope::new();
    let items: Vec<TokenStream> = streams
        .iter()
        .map(|s| stream(plan, s, &mut scope))
        .collect();
    let names: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
    let doc = format!(
        " Event streams of the service: {}. Producers, consumer traits and dispatchers on \
         `charter_runtime::events`; pick a transport with its feature (`events-memory`, \
         `events-nats`, `events-postgres`).",
        names.join(", ")
    );
    quote! {
        #[doc = #doc]
        pub mod events {
            #![allow(deprecated, unused_imports, clippy::disallowed_names)]
            #(#items)*
        }
    }
}

/// A member as the union's Rust enum has it.
struct Variant<'a> {
    name: proc_macro2::Ident,
    member: Option<&'a Member>,
    ty: TokenStream,
    boxed: bool,
}

fn stream(plan: &Plan, s: &Stream, scope: &mut naming::Scope) -> TokenStream {
    let union = plan.repo.union(s.union);
    let tp = plan.ty(s.union);
    let uname = ident(&tp.ident);
    let union_ty = quote!(super::models::#uname);
    // The variants of the union's enum, as the plan names them for `models`.
    let variants: Vec<Variant> = tp
        .members
        .iter()
        .map(|mp| Variant {
            name: ident(&mp.variant),
            member: s.members.iter().find(|m| m.discriminator == mp.tag),
            ty: plan.rust_type(s.service, &mp.ty, Place::Outside),
            boxed: mp.boxed,
        })
        .collect();
    let slots = quote!(::charter_runtime::events);
    let (name, short_name, disc) = (&s.name, &s.short_name, &s.discriminator);
    let member_tags: Vec<&str> = s.members.iter().map(|m| m.discriminator.as_str()).collect();
    let mut disc_arms = Vec::new();
    let mut id_arms = Vec::new();
    let mut key_arms = Vec::new();
    let mut prepare_arms = Vec::new();
    let mut dispatch_arms = Vec::new();
    let mut methods = Vec::new();
    let mut mscope = naming::Scope::with_reserved(&["unknown"]);
    for v in &variants {
        let vn = &v.name;
        let Some(m) = v.member else {
            // Not an event model (E2102 was reported): never produced by this generator's users.
            disc_arms.push(quote!(Self::#vn(_) => ::std::option::Option::None,));
            id_arms.push(quote!(Self::#vn(_) => ::std::option::Option::None,));
            key_arms.push(quote!(Self::#vn(_) => ::std::option::Option::None,));
            prepare_arms.push(quote!(Self::#vn(_) => {}));
            dispatch_arms.push(quote!(#union_ty::#vn(_) => ::std::result::Result::Ok(()),));
            continue;
        };
        let tag = &m.discriminator;
        let model = plan.repo.model(m.model);
        let field = |n: &str| ident(&naming::snake(n));
        disc_arms.push(quote!(Self::#vn(_) => ::std::option::Option::Some(#tag),));
        let eid = field("event_id");
        id_arms.push(quote!(Self::#vn(e) => #slots::TextSlot::text(&e.#eid),));
        match &m.partition_field {
            Some(p) => {
                let p = field(p);
                key_arms.push(quote!(Self::#vn(e) => #slots::TextSlot::text(&e.#p),));
            }
            None => key_arms.push(quote!(Self::#vn(_) => ::std::option::Option::None,)),
        }
        let fill_time = m.timestamp.map(|_| {
            let ts = field("timestamp");
            quote!(#slots::TimeSlot::fill_now(&mut e.#ts);)
        });
        prepare_arms.push(quote!(Self::#vn(e) => {
            #slots::fill_event_id(&mut e.#eid);
            #fill_time
        }));
        let method = ident(&mscope.snake(tag));
        let ty = &v.ty;
        let arg = if v.boxed { quote!(*e) } else { quote!(e) };
        dispatch_arms.push(quote!(#union_ty::#vn(e) => self.0.#method(ctx, #arg).await,));
        let mdoc = format!(
            " `{tag}` ({}{}).",
            m.change.as_str(),
            m.payload_field
                .as_ref()
                .map(|p| format!(", payload `{p}`"))
                .unwrap_or_default()
        );
        let model_docs = doc_attrs(model.description.as_deref(), None);
        let deprecated = union
            .types
            .iter()
            .find(|t| &t.discriminator_value == tag)
            .and_then(|t| t.deprecation.as_ref())
            .map(|_| quote!(#[deprecated]));
        methods.push(quote! {
            #[doc = #mdoc]
            #model_docs
            #deprecated
            fn #method(
                &self,
                ctx: &#slots::EventContext,
                event: #ty,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), #slots::HandlerError>> + ::std::marker::Send;
        });
    }
    // Names of the generated items, unique within the module.
    let producer = ident(&scope.camel(&format!("{} producer", union.name)));
    let consumer = ident(&scope.camel(&format!("{} consumer", union.name)));
    let dispatcher = ident(&scope.camel(&format!("{} dispatcher", union.name)));
    let union_docs = doc_attrs(union.description.as_deref(), None);
    let stream_doc = format!(
        " Stream `{name}` (short name `{short_name}`) of union `{}`.",
        union.name
    );
    let producer_doc = format!(
        " Publishes `{}` to stream `{name}`: `publish(event)`, `publish_batch(events)`; unset \
         `event_id`s and `timestamp`s are filled, the partition key is `organization`, else \
         `organization_id`, else the event id.",
        union.name
    );
    let consumer_doc = format!(
        " Handles the events of stream `{name}`: one method per member of `{}`. An error retries \
         the record, then sends it to the dead letters; records are delivered at least once, so \
         make handlers idempotent (claim `ctx.event_id` in an inbox in the transaction of your \
         writes: `charter_runtime::events::postgres::Inbox`).",
        union.name
    );
    let dispatcher_doc = format!(
        " The `charter_runtime::events::Handler` of `{}`: hands each record to the `{consumer}` \
         method of its member.",
        union.name
    );
    quote! {
        #[doc = #stream_doc]
        #union_docs
        impl #slots::Event for #union_ty {
            const STREAM: #slots::StreamDef = #slots::StreamDef {
                name: #name,
                short_name: #short_name,
                discriminator: #disc,
                members: &[#(#member_tags),*],
            };
            fn discriminator(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#disc_arms)*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }
            fn event_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#id_arms)*
                    Self::Unknown(v) => #slots::json_event_id(v),
                }
            }
            fn partition_key(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#key_arms)*
                    Self::Unknown(v) => #slots::json_partition_key(v),
                }
            }
            fn prepare(&mut self) {
                match self {
                    #(#prepare_arms)*
                    Self::Unknown(_) => {}
                }
            }
        }

        #[doc = #producer_doc]
        pub type #producer = #slots::Producer<#union_ty>;

        #[doc = #consumer_doc]
        pub trait #consumer: ::std::marker::Send + ::std::marker::Sync {
            #(#methods)*
            /// A member this version of the spec does not know (a newer producer), as received.
            /// The default ignores it, so the stream goes on.
            fn unknown(
                &self,
                ctx: &#slots::EventContext,
                event: ::charter_runtime::serde_json::Value,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), #slots::HandlerError>> + ::std::marker::Send {
                let _ = (ctx, event);
                async { ::std::result::Result::Ok(()) }
            }
        }

        #[doc = #dispatcher_doc]
        pub struct #dispatcher<C>(pub C);

        impl<C: #consumer> #slots::Handler<#union_ty> for #dispatcher<C> {
            // The future must be `Send`, which `async fn` in a trait impl cannot promise.
            #[allow(clippy::manual_async_fn)]
            fn handle(
                &self,
                ctx: &#slots::EventContext,
                event: #union_ty,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), #slots::HandlerError>> + ::std::marker::Send {
                async move {
                    match event {
                        #(#dispatch_arms)*
                        #union_ty::Unknown(v) => self.0.unknown(ctx, v).await,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
