//! The health check every generated server answers, on API Builder's convention: `GET
//! /_internal_/healthcheck` → `200 {"status":"healthy"}` (the `healthcheck` model and resource
//! of apibuilder-generator's own spec). A service reports itself unhealthy (its database is down)
//! through [`crate::serve::Server::health_check`]: then `503 {"status":"unhealthy"}`.
//!
//! A spec that declares the resource itself keeps its own handler; the generated builder then
//! mounts nothing here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Where the health check is served.
pub const PATH: &str = "/_internal_/healthcheck";

/// The body of the health check (API Builder's `healthcheck` model).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    pub status: String,
}

type Check = dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync;

/// The service's own health hook: `true` when healthy. Without one the service is healthy
/// whenever it answers.
#[derive(Clone, Default)]
pub(crate) struct Hook(Option<Arc<Check>>);

impl Hook {
    pub(crate) fn new<F, Fut>(f: F) -> Hook
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        Hook(Some(Arc::new(move || Box::pin(f()))))
    }

    /// The health check's response.
    pub(crate) async fn respond(&self) -> Response {
        let healthy = match &self.0 {
            Some(check) => check().await,
            None => true,
        };
        let (status, text) = if healthy {
            (StatusCode::OK, "healthy")
        } else {
            (StatusCode::SERVICE_UNAVAILABLE, "unhealthy")
        };
        let body = Healthcheck {
            status: text.to_owned(),
        };
        (status, axum::Json(body)).into_response()
    }
}
