//! The handlers of generated servers: each operation of a generated server trait is mounted as an
//! axum handler built by [`operation`], so the generated router names only what is particular to
//! the operation (how its request struct is read and checked, which trait method serves it).

use crate::server::{Context, Request, ValidationError};
use axum::extract::FromRequest;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// How an operation reads its request struct `A` from the HTTP request: its parameters and body
/// parsed, then checked (a failure is the 400/422 answer).
pub type Parse<A> = fn(&Request) -> Result<A, ValidationError>;

/// How an operation is served: the service's trait method, called with the parsed request and the
/// request's [`Context`].
pub type Serve<S, A, F> = fn(Arc<S>, A, Context) -> F;

/// One operation of a generated server as an axum handler whose state is the service
/// (`Arc<S>`): the request is read ([`Request`]; a body too large, too slow or cut off is
/// answered with its error), parsed with `parse` (a failure is answered with the
/// [`ValidationError`]), then answered with what `serve` returns for it.
pub fn operation<S, A, F>(parse: Parse<A>, serve: Serve<S, A, F>) -> Operation<S, A, F> {
    Operation { parse, serve }
}

/// The handler [`operation`] builds.
pub struct Operation<S, A, F> {
    parse: Parse<A>,
    serve: Serve<S, A, F>,
}

impl<S, A, F> Clone for Operation<S, A, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, A, F> Copy for Operation<S, A, F> {}

impl<S, A, F> axum::handler::Handler<(), Arc<S>> for Operation<S, A, F>
where
    S: Send + Sync + 'static,
    A: Send + 'static,
    F: Future + Send + 'static,
    F::Output: IntoResponse,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, req: axum::extract::Request, state: Arc<S>) -> Self::Future {
        Box::pin(async move {
            let req = match Request::from_request(req, &state).await {
                Ok(req) => req,
                Err(e) => return e.into_response(),
            };
            req.handle(self.parse, |request, context| {
                (self.serve)(state, request, context)
            })
            .await
        })
    }
}
