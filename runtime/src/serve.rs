//! The hardened server around a generated router: limits, timeouts, connection hygiene, request
//! ids, tracing, the health check and graceful shutdown, composed from tower, tower-http and
//! hyper rather than written by hand.
//!
//! Every generated server module has `builder(service) -> Server` (this type, with the defaults
//! of [`Config`]), `router(service)` (the same with defaults, as an `axum::Router` for
//! `axum::serve` or for nesting) and `routes(service)` (the bare routes, nothing of this module).
//!
//! ```text
//! user::server::builder(MyUsers::new())
//!     .body_limit(1 << 20)
//!     .request_timeout(Duration::from_secs(5))
//!     .health_check(move || { let db = db.clone(); async move { db.ping().await.is_ok() } })
//!     .serve(tokio::net::TcpListener::bind("127.0.0.1:8080").await?)   // until SIGTERM / ctrl-c
//!     .await?;
//! ```
//!
//! What a request meets, outermost first (each rejection has the JSON shape of a validation
//! error, `{"code", "field", "message"}`, and carries the request id):
//!
//! | stage | answer |
//! |---|---|
//! | request id: `x-request-id` or the spec's header, kept when sane, else a new UUID; echoed on every response; [`crate::request_id::current`] in the handler; and the tracing span `request` (method, request id, and the route template once routed; never the URI, query or headers), with an INFO event of each response's status and latency | — |
//! | URI longer than [`Config::max_uri_length`] | 414 |
//! | headers larger than [`Config::max_header_bytes`] | 431 |
//! | more than [`Config::max_in_flight`] requests at once (shed at once, never queued: a lock-free counter) | 503 with `retry-after` |
//! | whole request longer than [`Config::request_timeout`] | 503 |
//! | body larger than [`Config::body_limit`] (by `content-length` at once, or while the handler's extractor reads it) | 413 |
//! | body not sending for [`Config::body_read_timeout`] | 408 |
//! | a JSON body with another `Content-Type` | 415 |
//! | unknown path / method | 404 / 405 |
//! | a panicking handler | 500 |
//!
//! The stages are one `ServiceBuilder`, applied once: [`Server::serve`] wraps the whole router
//! in it (one service, cloned per connection without boxing), [`Server::into_router`] wraps each
//! route in it once. The stages are small tower services of this module, without boxed futures,
//! `from_fn` middleware or response-body wrappers (the response body stays axum's `Body` from the
//! router out); the request and body-read timers start only when a wait outlasts one yield
//! (`LazyTimer`), and nothing touches a reference count or lock shared by all requests but the
//! in-flight counter. `cargo bench -p user-service --bench load` measures what the hardening
//! costs against the bare routes (see `bench/README.md`).
//!
//! Connections (hyper's HTTP/1 server): the head of each request must arrive within
//! [`Config::header_read_timeout`] of the connection's opening or of its last response
//! (slowloris; so it is also the idle keep-alive timeout), else the connection is closed. The
//! timer is the connection's own (`HeadTimer`: one `Sleep` per connection, moved on only when it
//! fires for a wait that has ended), not hyper's, which made and registered a new `Sleep` for
//! every request. At most [`Config::max_connections`] are served at once (more wait in the
//! listen backlog); each is handed the stack once and calls it in place. A client that
//! half-closes after its request is still answered (hyper's `half_close`: no read while a request
//! is handled, which made hyper reallocate its read buffer per request); one that goes away is
//! noticed when its answer is written. Graceful shutdown is hyper's, each connection watching
//! the shutdown channel without locking it per poll. Beyond what a request can fit in hyper's
//! buffer (4 × the URI and header limits), hyper itself answers 414/431 and closes the
//! connection, without the JSON body.
//!
//! A new request id is a random UUID (version 4) written into a buffer each thread shares among
//! 128 ids, so it costs no allocation of its own; the request span is built only when a
//! subscriber records INFO.

use crate::health::Hook;
use crate::validation::ValidationError;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tower::ServiceBuilder;

/// Limits and timeouts of a hardened server. `Default` gives the documented defaults; the
/// fields are public so a service can change any of them (or use the setters of [`Server`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// The largest request body, in bytes (10 MiB) → 413.
    pub body_limit: usize,
    /// The longest request target (path and query), in bytes (8 KiB) → 414.
    pub max_uri_length: usize,
    /// The largest sum of header name and value lengths, in bytes (16 KiB) → 431.
    pub max_header_bytes: usize,
    /// Time for a request's head to arrive, counted from the connection's opening or its last
    /// response: the slowloris guard and the idle keep-alive timeout (10 s). The connection is
    /// closed.
    pub header_read_timeout: Duration,
    /// The longest pause while the body arrives (10 s) → 408.
    pub body_read_timeout: Duration,
    /// The longest a request may take, body and handler included (30 s) → 503.
    pub request_timeout: Duration,
    /// Connections served at once (4,096); more wait to be accepted.
    pub max_connections: usize,
    /// Requests handled at once (1,024); more are shed → 503 with `retry-after: 1`.
    pub max_in_flight: usize,
    /// HTTP/1.1 keep-alive (on).
    pub keep_alive: bool,
    /// How long graceful shutdown waits for in-flight requests (30 s).
    pub shutdown_timeout: Duration,
    /// Headers read for the request id besides `x-request-id` (the spec's request-id header; the
    /// generated builder adds it), first match wins; echoed too.
    pub request_id_headers: Vec<HeaderName>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            body_limit: 10 << 20,
            max_uri_length: 8 << 10,
            max_header_bytes: 16 << 10,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_in_flight: 1024,
            keep_alive: true,
            shutdown_timeout: Duration::from_secs(30),
            request_id_headers: Vec::new(),
        }
    }
}

/// The body limit, for the request extractor (`server::Request`), which reads at most this many
/// bytes: a request extension when the limit is not the default (10 MiB, also what a router
/// served without [`Server`] reads).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// A generated router with its hardening: build with the generated `builder(service)`.
pub struct Server {
    routes: axum::Router,
    config: Config,
    health: Hook,
    spec_health: bool,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $t:ty;)*) => {
        $( $(#[$doc])* pub fn $name(mut self, value: $t) -> Self {
            self.config.$name = value;
            self
        } )*
    };
}

/// Every request-level stage, outermost first, as one `ServiceBuilder` for `c: &Config`: the
/// table of the module doc. One layer, applied once (around the router when served, around
/// each route by [`Server::into_router`]); a `Router::layer` call per stage would nest a boxed,
/// mutex-guarded `Route` per stage, which axum clones for every request (that cost the hardened
/// server a third of its throughput).
macro_rules! stack {
    ($c:expr) => {{
        let c: &Config = $c;
        ServiceBuilder::new()
            .layer(RequestIdLayer {
                extra: (!c.request_id_headers.is_empty())
                    .then(|| c.request_id_headers.clone().into()),
            })
            .layer(Guard {
                max_uri: c.max_uri_length,
                max_headers: c.max_header_bytes,
                body_limit: c.body_limit,
                in_flight: InFlight::new(c.max_in_flight),
            })
            .layer(RequestTimeout(c.request_timeout))
            .layer(BodyReadTimeout {
                timeout: c.body_read_timeout,
                // The extractor reads the default limit without the extension.
                limit: (c.body_limit != Config::default().body_limit)
                    .then_some(BodyLimit(c.body_limit)),
            })
            .layer(CatchPanicLayer)
    }};
}

impl Server {
    /// Hardening with the defaults of [`Config`] around `routes`.
    pub fn new(routes: axum::Router) -> Server {
        Server {
            routes,
            config: Config::default(),
            health: Hook::default(),
            spec_health: false,
        }
    }

    /// All limits and timeouts at once.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    setters! {
        /// [`Config::body_limit`]
        body_limit: usize;
        /// [`Config::max_uri_length`]
        max_uri_length: usize;
        /// [`Config::max_header_bytes`]
        max_header_bytes: usize;
        /// [`Config::header_read_timeout`]
        header_read_timeout: Duration;
        /// [`Config::body_read_timeout`]
        body_read_timeout: Duration;
        /// [`Config::request_timeout`]
        request_timeout: Duration;
        /// [`Config::max_connections`]
        max_connections: usize;
        /// [`Config::max_in_flight`]
        max_in_flight: usize;
        /// [`Config::keep_alive`]
        keep_alive: bool;
        /// [`Config::shutdown_timeout`]
        shutdown_timeout: Duration;
    }

    /// Also read (and echo) the request id from this header, e.g. the one the spec declares.
    /// An invalid header name is ignored.
    pub fn request_id_header(mut self, name: &str) -> Self {
        if let Ok(n) = HeaderName::from_bytes(name.as_bytes()) {
            if n.as_str() != crate::request_id::HEADER
                && !self.config.request_id_headers.contains(&n)
            {
                self.config.request_id_headers.push(n);
            }
        }
        self
    }

    /// The service's health: called on every `GET /_internal_/healthcheck`; `false` answers 503
    /// `{"status":"unhealthy"}`.
    pub fn health_check<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.health = Hook::new(check);
        self
    }

    /// The spec declares `GET /_internal_/healthcheck` itself: its handler answers it (the
    /// generated builder says so).
    pub fn health_route_from_spec(mut self) -> Self {
        self.spec_health = true;
        self
    }

    /// The limits and timeouts in force.
    pub fn settings(&self) -> &Config {
        &self.config
    }

    /// The config, and the routes with the health check (unless the spec serves it).
    fn parts(self) -> (Config, axum::Router) {
        let mut routes = self.routes;
        if !self.spec_health {
            let hook = self.health;
            routes = routes.route(
                crate::health::PATH,
                axum::routing::get(move || {
                    let hook = hook.clone();
                    async move {
                        tracing::Span::current().record("route", crate::health::PATH);
                        hook.respond().await
                    }
                }),
            );
        }
        (self.config, routes)
    }

    /// The routes with every request-level stage (the connection-level ones need [`serve`]).
    ///
    /// [`serve`]: Server::serve
    pub fn into_router(self) -> axum::Router {
        let (c, routes) = self.parts();
        // `Router::layer` wraps each route (and the fallback) once in the whole stack.
        routes.layer(stack!(&c))
    }

    /// Serves on `listener` until SIGTERM or ctrl-c, then shuts down gracefully.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes; then stops accepting, lets in-flight
    /// requests finish (closing idle connections at once) for at most
    /// [`Config::shutdown_timeout`], and returns.
    pub async fn serve_with_shutdown(
        self,
        listener: tokio::net::TcpListener,
        signal: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        use hyper_util::rt::TokioIo;
        let (c, routes) = self.parts();
        // The stack around the whole router, as one service: cloned once per connection (and
        // called in place by its `ConnService`), never boxed.
        let app = stack!(&c).service(routes);
        let mut http = hyper::server::conn::http1::Builder::new();
        // The header-read timeout is the connections' own (`HeadTimer`), not hyper's.
        http.header_read_timeout(None)
            // hyper otherwise reads from the socket while each request is handled, to notice a
            // client that closes (or half-closes) its side early. That read needs room in the
            // read buffer while the request's head still holds it, so hyper allocated a new
            // buffer (and shared it again) for every request: two allocations per request. A
            // half-closed client is answered (RFC 9112 §9.6); one that went away is noticed when
            // its answer is written, its handler bounded by the request timeout meanwhile.
            .half_close(true)
            .keep_alive(c.keep_alive)
            .max_buf_size((4 * (c.max_uri_length + c.max_header_bytes)).max(64 << 10));
        let slots = Arc::new(tokio::sync::Semaphore::new(c.max_connections.max(1)));
        let graceful = Graceful::new();
        tokio::pin!(signal);
        loop {
            let permit = tokio::select! {
                p = slots.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
                () = &mut signal => break,
            };
            let stream = tokio::select! {
                r = listener.accept() => match r {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        if !is_connection_error(&e) {
                            // Out of file descriptors and the like: wait instead of spinning.
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        continue;
                    }
                },
                () = &mut signal => break,
            };
            let _ = stream.set_nodelay(true);
            let state = Arc::new(ConnState::new());
            let service = ConnService {
                service: std::cell::RefCell::new(app.clone()),
                state: state.clone(),
            };
            let conn = graceful.watch(
                http.serve_connection(TokioIo::new(stream), service),
                |conn| conn.graceful_shutdown(),
                HeadTimer::new(c.header_read_timeout, state),
            );
            tokio::spawn(async move {
                // A client that goes away mid-request is not the server's error.
                let _ = conn.await;
                drop(permit);
            });
        }
        drop(listener);
        tracing::info!(
            connections = graceful.count(),
            "shutting down: finishing in-flight requests"
        );
        if tokio::time::timeout(c.shutdown_timeout, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("shutdown timeout: closing connections with requests in flight");
        }
        Ok(())
    }
}

/// Graceful shutdown of the served connections: hyper-util's `GracefulShutdown` (a watch channel;
/// each connection holds a receiver until it ends, shutdown sends and then waits until every
/// receiver is gone), except that a connection looks at the channel only on its first poll and
/// after shutdown has begun (an atomic flag read before). hyper-util's future polls the
/// channel's `changed()` on every poll of the connection, and a waiting `Notified` takes the
/// channel's one mutex, shared by every connection, on each poll: several lock round trips per
/// request, contended between the workers.
struct Graceful {
    tx: tokio::sync::watch::Sender<()>,
    begun: Arc<std::sync::atomic::AtomicBool>,
}

impl Graceful {
    fn new() -> Graceful {
        Graceful {
            tx: tokio::sync::watch::channel(()).0,
            begun: Arc::default(),
        }
    }

    /// `conn`, which `begin` asks to finish its in-flight requests and close once shutdown
    /// begins.
    /// Also closes it when `head` says it has waited too long for a request head.
    fn watch<C: Future>(
        &self,
        conn: C,
        begin: fn(Pin<&mut C>),
        head: HeadTimer,
    ) -> Watched<C, impl Future<Output = tokio::sync::watch::Receiver<()>>> {
        let mut rx = self.tx.subscribe();
        Watched {
            conn,
            cancel: async move {
                let _ = rx.changed().await;
                rx
            },
            cancelled: None,
            begin,
            begun: self.begun.clone(),
            watching: None,
            head,
        }
    }

    /// Connections still open.
    fn count(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Asks every connection to finish and close, and waits until they have.
    async fn shutdown(self) {
        self.begun.store(true, Ordering::Release);
        let _ = self.tx.send(());
        self.tx.closed().await;
    }
}

pin_project_lite::pin_project! {
    /// A connection under [`Graceful`] and its [`HeadTimer`]: `None` when the timer closed it.
    struct Watched<C, F: Future> {
        #[pin]
        conn: C,
        #[pin]
        cancel: F,
        // The receiver, held until the connection ends, once shutdown has begun.
        #[pin]
        cancelled: Option<F::Output>,
        begin: fn(Pin<&mut C>),
        begun: Arc<std::sync::atomic::AtomicBool>,
        // The waker `cancel` and the head timer were last polled with.
        watching: Option<std::task::Waker>,
        head: HeadTimer,
    }
}

impl<C: Future, F: Future> Future for Watched<C, F> {
    type Output = Option<C::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<C::Output>> {
        let mut this = self.project();
        let new_waker = !this
            .watching
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        if new_waker {
            *this.watching = Some(cx.waker().clone());
        }
        if this.cancelled.is_none() && (new_waker || this.begun.load(Ordering::Acquire)) {
            if let Poll::Ready(rx) = this.cancel.poll(cx) {
                this.cancelled.set(Some(rx));
                (this.begin)(this.conn.as_mut());
            }
        }
        if let Poll::Ready(done) = this.conn.poll(cx) {
            return Poll::Ready(Some(done));
        }
        if this.head.expired(cx, new_waker) {
            // Dropping the connection closes it, as hyper's own header-read timeout does.
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

/// What a connection's [`ConnService`] tells its [`HeadTimer`]: whether a request is being
/// handled, and since when the connection has waited for the next head (its last response, or
/// its opening). Touched only by the connection's own task.
struct ConnState {
    opened: std::time::Instant,
    busy: std::sync::atomic::AtomicBool,
    /// Nanoseconds from `opened` to the end of the last response.
    idle_at: std::sync::atomic::AtomicU64,
}

impl ConnState {
    fn new() -> ConnState {
        ConnState {
            opened: std::time::Instant::now(),
            busy: Default::default(),
            idle_at: Default::default(),
        }
    }

    fn idle_since(&self) -> tokio::time::Instant {
        let at = Duration::from_nanos(self.idle_at.load(Ordering::Relaxed));
        tokio::time::Instant::from_std(self.opened + at)
    }
}

/// A connection's service: the stack, called in place (hyper's h1 connection calls it for one
/// request at a time), and the connection's [`ConnState`] kept. hyper-util's
/// `TowerToHyperService` clones the whole stack for each request, and with it the router's
/// reference count, which every connection on every worker writes.
struct ConnService<S> {
    service: std::cell::RefCell<S>,
    state: Arc<ConnState>,
}

impl<S, B> hyper::service::Service<axum::http::Request<B>> for ConnService<S>
where
    S: tower::Service<axum::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Tracked<S::Future>;

    fn call(&self, req: axum::http::Request<B>) -> Self::Future {
        self.state.busy.store(true, Ordering::Relaxed);
        let mut service = self.service.borrow_mut();
        // Every stage passes `poll_ready` on to axum's `Router`, which is always ready.
        let ready = service.poll_ready(&mut Context::from_waker(std::task::Waker::noop()));
        debug_assert!(matches!(ready, Poll::Ready(Ok(()))));
        Tracked {
            inner: service.call(req),
            state: self.state.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    /// A response of [`ConnService`]: when it is made, the connection waits for the next head.
    struct Tracked<F> {
        #[pin]
        inner: F,
        state: Arc<ConnState>,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let out = ready!(this.inner.poll(cx));
        let state = &**this.state;
        let at = state.opened.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
        state.idle_at.store(at, Ordering::Relaxed);
        state.busy.store(false, Ordering::Relaxed);
        Poll::Ready(out)
    }
}

/// [`Config::header_read_timeout`] for one connection: the next request's head must arrive
/// within the timeout of the connection's opening or of its last response (so it is also the
/// idle keep-alive timeout, and covers the last response's write to a client that does not read
/// it), else the connection is closed. One `Sleep` for the connection's life: set for the first
/// wait, and when it fires for a wait that has ended, moved on to the current wait's deadline, so
/// a connection busy with requests costs it one timer-wheel update per timeout period rather
/// than per request; between polls the task's waker is registered with it once. hyper's own
/// header-read timeout makes, registers and removes a new boxed `Sleep` for every request on a
/// keep-alive connection and runs its read loop once more per request to start it.
struct HeadTimer {
    timeout: Duration,
    state: Arc<ConnState>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl HeadTimer {
    fn new(timeout: Duration, state: Arc<ConnState>) -> HeadTimer {
        HeadTimer {
            timeout,
            state,
            sleep: None,
        }
    }

    /// After a poll that left the connection pending: whether it has waited longer than the
    /// timeout for a head. `new_waker`: the task's waker is not the one last registered.
    fn expired(&mut self, cx: &mut Context<'_>, new_waker: bool) -> bool {
        if self.state.busy.load(Ordering::Relaxed) {
            // The request and body-read timeouts watch a request being handled.
            return false;
        }
        let deadline = self.state.idle_since() + self.timeout;
        let mut register = new_waker;
        let sleep = self.sleep.get_or_insert_with(|| {
            register = true;
            Box::pin(tokio::time::sleep_until(deadline))
        });
        if sleep.is_elapsed() {
            if tokio::time::Instant::now() >= deadline {
                return true;
            }
            // It fired for an earlier wait, which ended in time.
            sleep.as_mut().reset(deadline);
            register = true;
        }
        if register {
            // Outside the task's cooperative budget, so that it always registers.
            let mut poll =
                std::pin::pin!(tokio::task::unconstrained(std::future::poll_fn(|cx| sleep
                    .as_mut()
                    .poll(cx))));
            if poll.as_mut().poll(cx).is_ready() {
                return tokio::time::Instant::now() >= deadline;
            }
        }
        false
    }
}

/// Completes on SIGTERM or ctrl-c (SIGINT).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// The request-id and tracing stage: keeps a sane incoming id (the spec's header first, then
/// `x-request-id`), else makes a new one; sets it as the request's `x-request-id` when the
/// request has another one there or the id came from the spec's header, runs the rest of the request inside the `request` span and
/// [`crate::request_id::scope`], logs the response (status and latency, at INFO), and echoes the
/// id on the response under `x-request-id` (unless the handler set one) and the spec's header
/// names. The span (method, request id, and the route template, recorded by the handler's
/// request extractor once routed; never the URI, query or headers) is made before routing, so a
/// request no route matches has no route. One stage, no boxing, and no allocation beyond a new
/// id: tower-http's `SetRequestId` + `PropagateRequestId` + `TraceLayer` and a middleware for the
/// task-local scope formatted a new id twice, boxed the rest per request, and wrapped the
/// response body to watch its end.
#[derive(Clone)]
struct RequestIdLayer {
    extra: Extra,
}

/// The request-id headers besides `x-request-id`; `None` when there are none (the usual case: no
/// reference count to touch per request).
type Extra = Option<Arc<[HeaderName]>>;

fn names(extra: &Extra) -> &[HeaderName] {
    extra.as_deref().unwrap_or_default()
}

impl<S> tower::Layer<S> for RequestIdLayer {
    type Service = RequestIds<S>;

    fn layer(&self, inner: S) -> RequestIds<S> {
        RequestIds {
            inner,
            extra: self.extra.clone(),
        }
    }
}

#[derive(Clone)]
struct RequestIds<S> {
    inner: S,
    extra: Extra,
}

/// Whether any subscriber records INFO (one atomic load when none does).
fn info_enabled() -> bool {
    use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
    STATIC_MAX_LEVEL >= tracing::Level::INFO && LevelFilter::current() >= tracing::Level::INFO
}

/// `x-request-id`.
static REQUEST_ID: HeaderName = HeaderName::from_static(crate::request_id::HEADER);

impl<S, B, R> tower::Service<axum::http::Request<B>> for RequestIds<S>
where
    S: tower::Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = RequestIdFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: axum::http::Request<B>) -> Self::Future {
        let valid = |v: &&HeaderValue| crate::request_id::is_valid(v.as_bytes());
        let headers = req.headers_mut();
        // A kept id is visible ASCII (`is_valid`), and so is a new one.
        // The request's `x-request-id` is set to the id when the id came from the spec's header
        // or replaces an insane one; a new id for a request without one is not added to its
        // headers (handlers read it from their `Context` or `request_id::current`).
        let (id, set) = match names(&self.extra)
            .iter()
            .find_map(|n| headers.get(n).filter(valid))
        {
            Some(v) => (v.clone(), true),
            None => match headers.get(&REQUEST_ID) {
                Some(v) if valid(&v) => (v.clone(), false),
                Some(_) => (crate::request_id::generate_header(), true),
                None => (crate::request_id::generate_header(), false),
            },
        };
        if set {
            headers.insert(REQUEST_ID.clone(), id.clone());
        }
        // Without a subscriber that records INFO spans, no span (not even a disabled one, whose
        // enter, exit and drop `tracing` still hands to its `log` bridge).
        let span = if info_enabled() {
            tracing::info_span!(
                "request",
                method = %req.method(),
                route = tracing::field::Empty,
                // Visible ASCII (kept or new).
                request_id = id.to_str().unwrap_or("-")
            )
        } else {
            tracing::Span::none()
        };
        let start = (!span.is_disabled()).then(std::time::Instant::now);
        let inner = {
            let _in = span.enter();
            self.inner.call(req)
        };
        RequestIdFuture {
            inner: crate::request_id::scoped(id.clone(), inner),
            span,
            start,
            id: Some(id),
            extra: self.extra.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    struct RequestIdFuture<F: Future> {
        #[pin]
        inner: tokio::task::futures::TaskLocalFuture<HeaderValue, F>,
        span: tracing::Span,
        // When the request came in, if its span is recorded.
        start: Option<std::time::Instant>,
        id: Option<HeaderValue>,
        extra: Extra,
    }
}

impl<F, R, E> Future for RequestIdFuture<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _in = this.span.enter();
        let mut res = ready!(this.inner.poll(cx))?;
        if let Some(start) = this.start {
            let latency = start.elapsed();
            tracing::info!(
                status = res.status().as_u16(),
                latency_us = latency.as_micros() as u64,
                "finished processing request"
            );
        }
        if let Some(id) = this.id.take() {
            let headers = res.headers_mut();
            for n in names(this.extra) {
                headers.insert(n.clone(), id.clone());
            }
            headers.entry(&REQUEST_ID).or_insert(id);
        }
        Poll::Ready(Ok(res))
    }
}

/// Requests in flight, counted without a lock (a semaphore's release takes its waiters' lock).
/// Shared by reference, not by `Arc`: the stage is cloned for every request, and two reference
/// count updates per request on a line every worker writes cost more than the count itself.
struct InFlight {
    count: AtomicUsize,
    max: usize,
}

impl InFlight {
    /// A counter for `max` requests. It lives as long as the program: one is made per built
    /// stack (each [`Server::serve`] or [`Server::into_router`]), 16 bytes each.
    fn new(max: usize) -> &'static InFlight {
        Box::leak(Box::new(InFlight {
            count: AtomicUsize::new(0),
            max: max.max(1),
        }))
    }

    /// A slot, unless [`Config::max_in_flight`] requests hold one.
    fn enter(&'static self) -> Option<InFlightSlot> {
        if self.count.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.count.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(InFlightSlot(self))
    }
}

/// A request's slot of [`InFlight`], given back when dropped.
struct InFlightSlot(&'static InFlight);

impl Drop for InFlightSlot {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The request-level limits in one stage: URI and header sizes (414/431), load shedding (more
/// than [`Config::max_in_flight`] requests in flight → 503 with `retry-after: 1`, without
/// waiting: a permit is taken with `try_acquire`, and held until the response is made), and the
/// JSON error shape for what the stages inside it and axum (404/405) answer.
#[derive(Clone)]
struct Guard {
    max_uri: usize,
    max_headers: usize,
    body_limit: usize,
    in_flight: &'static InFlight,
}

impl<S> tower::Layer<S> for Guard {
    type Service = Guarded<S>;

    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded {
            inner,
            guard: self.clone(),
        }
    }
}

#[derive(Clone)]
struct Guarded<S> {
    inner: S,
    guard: Guard,
}

impl<S, B, R> tower::Service<axum::http::Request<B>> for Guarded<S>
where
    S: tower::Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
    R: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = GuardFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<B>) -> Self::Future {
        let g = &self.guard;
        let uri = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
        let rejected = if uri > g.max_uri {
            Some(StatusCode::URI_TOO_LONG)
        } else if req
            .headers()
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum::<usize>()
            > g.max_headers
        {
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        } else if req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|n| n > g.body_limit as u64)
        {
            // Said too large at once; a body that grows too large while streaming is the
            // extractor's 413 (`server::Request` reads at most the limit).
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        } else {
            None
        };
        if let Some(status) = rejected {
            let mut e = rejection(status);
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                e.message = too_large(g.body_limit);
            }
            return GuardFuture::Rejected {
                response: Some(e.into_response()),
            };
        }
        let Some(permit) = g.in_flight.enter() else {
            return GuardFuture::Rejected {
                response: Some(overloaded()),
            };
        };
        GuardFuture::Called {
            inner: self.inner.call(req),
            permit: Some(permit),
            body_limit: g.body_limit,
        }
    }
}

pin_project_lite::pin_project! {
    #[project = GuardProj]
    enum GuardFuture<F> {
        Rejected { response: Option<Response> },
        Called {
            #[pin]
            inner: F,
            permit: Option<InFlightSlot>,
            body_limit: usize,
        },
    }
}

impl<F, R, E> Future for GuardFuture<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
    R: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            GuardProj::Rejected { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
            GuardProj::Called {
                inner,
                permit,
                body_limit,
            } => {
                let res = ready!(inner.poll(cx))?;
                permit.take();
                Poll::Ready(Ok(json_errors(res, *body_limit)))
            }
        }
    }
}

/// [`Config::request_timeout`] → 503 (the JSON shape is [`Guard`]'s). The timer is a
/// [`LazyTimer`]: a request answered at once, or after one wait that ends at once (a small
/// POST whose body hyper has already read), never reads the clock or touches the timer wheel.
/// (tower-http's `Timeout` made a `Sleep`, a clock read and a runtime-handle clone, for every
/// request, and registered it for every request that waited at all.)
#[derive(Clone, Copy)]
struct RequestTimeout(Duration);

impl<S> tower::Layer<S> for RequestTimeout {
    type Service = RequestTimeoutService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestTimeoutService {
            inner,
            timeout: self.0,
        }
    }
}

#[derive(Clone)]
struct RequestTimeoutService<S> {
    inner: S,
    timeout: Duration,
}

impl<S, B, R> tower::Service<axum::http::Request<B>> for RequestTimeoutService<S>
where
    S: tower::Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
    R: Default,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = RequestTimeoutFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<B>) -> Self::Future {
        RequestTimeoutFuture {
            inner: self.inner.call(req),
            timer: LazyTimer::new(self.timeout),
        }
    }
}

pin_project_lite::pin_project! {
    struct RequestTimeoutFuture<F> {
        #[pin]
        inner: F,
        #[pin]
        timer: LazyTimer,
    }
}

impl<F, R, E> Future for RequestTimeoutFuture<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
    R: Default,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Poll::Ready(r) = this.inner.poll(cx) {
            return Poll::Ready(r);
        }
        ready!(this.timer.poll_expired(cx));
        let mut res = axum::http::Response::new(R::default());
        *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        Poll::Ready(Ok(res))
    }
}

pin_project_lite::pin_project! {
    /// A timeout for a wait that usually ends at once. The first time the watched future is pending
    /// the timer only asks to be polled again (`wake_by_ref`) and starts nothing; if the future is
    /// still pending then, the timer starts (one `Sleep`, made once and reset for later waits).
    /// Most waits of a hardened server end within that one yield (hyper hands over a small body on
    /// the connection task's next turn, which the body's own wake-up asks for anyway), so they cost
    /// neither a clock read nor a timer-wheel insert and removal; a wait that goes on is timed from
    /// its second poll, microseconds after its first. The timeout never goes unwatched: a yield is
    /// always followed by a poll. The `Sleep` is boxed once started: a tokio `Sleep` is most of
    /// a hundred bytes, which every request's future (and body) would otherwise carry and move.
    struct LazyTimer {
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
        state: Wait,
        timeout: Duration,
    }
}

/// Where a [`LazyTimer`] is in the current wait.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// Not waiting (or not yet).
    Idle,
    /// Pending once: polled again without a timer.
    Yielded,
    /// Pending twice: `sleep` counts this wait.
    Timed,
}

impl LazyTimer {
    fn new(timeout: Duration) -> LazyTimer {
        LazyTimer {
            sleep: None,
            state: Wait::Idle,
            timeout,
        }
    }

    /// The watched future is pending: `Ready` once the timeout has passed.
    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        match *this.state {
            Wait::Idle => {
                *this.state = Wait::Yielded;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Wait::Yielded => {
                let deadline = tokio::time::Instant::now() + *this.timeout;
                match this.sleep.as_mut() {
                    Some(sleep) => sleep.as_mut().reset(deadline),
                    None => *this.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
                }
                *this.state = Wait::Timed;
            }
            Wait::Timed => {}
        }
        match this.sleep.as_mut() {
            Some(sleep) => sleep.as_mut().poll(cx),
            None => Poll::Pending,
        }
    }

    /// The watched future made progress: the next wait is a new one.
    fn progressed(self: Pin<&mut Self>) {
        *self.project().state = Wait::Idle;
    }
}

/// [`Config::body_read_timeout`]: the request body fails with [`BodyTimedOut`] (the extractor
/// answers 408) when it sends nothing for that long. Each pause is timed by a [`LazyTimer`] (one
/// `Sleep`, started only when a pause outlasts a yield, reset for the next pause); size hint and
/// end of stream pass through.
/// (tower-http's `RequestBodyTimeout` starts a new `Sleep` for every frame, even one already
/// buffered, and hides the size hint: two timers per small POST.)
#[derive(Clone, Copy)]
struct BodyReadTimeout {
    timeout: Duration,
    /// The body limit for the extractor, when it is not the default.
    limit: Option<BodyLimit>,
}

impl<S> tower::Layer<S> for BodyReadTimeout {
    type Service = BodyReadTimeoutService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyReadTimeoutService {
            inner,
            config: *self,
        }
    }
}

#[derive(Clone)]
struct BodyReadTimeoutService<S> {
    inner: S,
    config: BodyReadTimeout,
}

impl<S, B> tower::Service<axum::http::Request<B>> for BodyReadTimeoutService<S>
where
    S: tower::Service<axum::http::Request<TimeoutBody<B>>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: axum::http::Request<B>) -> S::Future {
        let BodyReadTimeout { timeout, limit } = self.config;
        if let Some(limit) = limit {
            req.extensions_mut().insert(limit);
        }
        self.inner.call(req.map(|body| TimeoutBody {
            body,
            timer: LazyTimer::new(timeout),
        }))
    }
}

pin_project_lite::pin_project! {
    /// A request body under [`BodyReadTimeout`].
    pub(crate) struct TimeoutBody<B> {
        #[pin]
        body: B,
        // Times each pause of the body.
        #[pin]
        timer: LazyTimer,
    }
}

/// The request body sent nothing for [`Config::body_read_timeout`] (→ 408).
#[derive(Debug)]
pub(crate) struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body sent nothing for too long")
    }
}

impl std::error::Error for BodyTimedOut {}

impl<B> axum::body::HttpBody for TimeoutBody<B>
where
    B: axum::body::HttpBody,
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<B::Data>, axum::BoxError>>> {
        let this = self.project();
        if let Poll::Ready(frame) = this.body.poll_frame(cx) {
            this.timer.progressed();
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        ready!(this.timer.poll_expired(cx));
        Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

fn overloaded() -> Response {
    let mut r = rejection(StatusCode::SERVICE_UNAVAILABLE).into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// A panicking handler (or route service) answers 500 instead of dropping the connection. Like
/// tower-http's `CatchPanic`, but the response body stays axum's `Body` (tower-http boxes it
/// again), so the stages outside it need no conversion.
#[derive(Clone, Copy)]
struct CatchPanicLayer;

impl<S> tower::Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> CatchPanic<S> {
        CatchPanic(inner)
    }
}

#[derive(Clone)]
struct CatchPanic<S>(S);

impl<S, B, R> tower::Service<axum::http::Request<B>> for CatchPanic<S>
where
    S: tower::Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
    R: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = CatchPanicFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<B>) -> Self::Future {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.call(req))) {
            Ok(inner) => CatchPanicFuture::Running { inner },
            Err(_) => CatchPanicFuture::Done,
        }
    }
}

pin_project_lite::pin_project! {
    #[project = CatchPanicProj]
    #[project_replace = CatchPanicReplace]
    enum CatchPanicFuture<F> {
        Running { #[pin] inner: F },
        // Panicked before the future existed, or after it was polled: a 500.
        Done,
    }
}

impl<F, R, E> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
    R: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let polled = match self.as_mut().project() {
            CatchPanicProj::Running { inner } => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx)))
            }
            CatchPanicProj::Done => Err(Box::new(()) as Box<dyn std::any::Any + Send>),
        };
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            // `Body::new` of a `Body` is the body itself, no new box.
            Ok(Poll::Ready(r)) => Poll::Ready(r.map(|res| res.map(axum::body::Body::new))),
            Err(_) => {
                self.project_replace(CatchPanicFuture::Done);
                Poll::Ready(Ok(
                    rejection(StatusCode::INTERNAL_SERVER_ERROR).into_response()
                ))
            }
        }
    }
}

fn too_large(body_limit: usize) -> String {
    format!("the body is larger than {body_limit} bytes")
}

/// A response of a generated handler (`server::reply`): its error statuses are documented
/// responses and keep their bodies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Replied;

/// Error responses made by the layers (and axum's 404/405) get the JSON shape of validation
/// errors; handlers' own responses and JSON bodies are left alone.
fn json_errors<B>(res: axum::http::Response<B>, body_limit: usize) -> Response
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
        || res.extensions().get::<Replied>().is_some()
    {
        return res.map(axum::body::Body::new);
    }
    let (mut parts, _) = res.into_parts();
    let mut e = rejection(status);
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        e.message = too_large(body_limit);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    let fresh = e.into_response();
    for (k, v) in fresh.headers() {
        parts.headers.insert(k.clone(), v.clone());
    }
    Response::from_parts(parts, fresh.into_body())
}

/// The validation-error shape of a rejection by status (also what `charter stub` answers).
pub fn rejection(status: StatusCode) -> ValidationError {
    let (code, field, message) = match status.as_u16() {
        404 => ("not_found", "path", "no operation serves this path"),
        405 => (
            "method_not_allowed",
            "method",
            "this path does not serve this method",
        ),
        408 => (
            "request_timeout",
            "body",
            "the request was not received in time",
        ),
        413 => ("body_too_large", "body", "the body is too large"),
        414 => ("uri_too_long", "uri", "the request URI is too long"),
        415 => (
            "unsupported_media_type",
            "content-type",
            "the body must be JSON (`Content-Type: application/json`)",
        ),
        431 => (
            "headers_too_large",
            "headers",
            "the request headers are too large",
        ),
        500 => ("internal_error", "request", "the service failed"),
        503 => (
            "unavailable",
            "request",
            "the service is busy or could not answer in time; retry later",
        ),
        _ => ("invalid_request", "request", "the request was rejected"),
    };
    ValidationError {
        code: code.into(),
        field: field.into(),
        message: message.into(),
        status: status.as_u16(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    /// Reads one reply whose body is `ok` from a keep-alive connection (within 10 s): what was
    /// read, which is empty when the server closed the connection first.
    async fn read_ok_reply(conn: &mut tokio::net::TcpStream) -> Vec<u8> {
        use tokio::io::AsyncReadExt;
        let (mut reply, mut buf) = (Vec::new(), [0u8; 512]);
        while !reply.ends_with(b"\r\n\r\nok") {
            let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
                .await
                .expect("an answer")
                .unwrap();
            if n == 0 {
                return Vec::new();
            }
            reply.extend_from_slice(&buf[..n]);
        }
        reply
    }

    async fn call(app: &axum::Router, req: axum::http::Request<Body>) -> (Response, String) {
        let res = app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        (Response::from_parts(parts, Body::empty()), text)
    }

    fn get(uri: &str) -> axum::http::Request<Body> {
        axum::http::Request::get(uri).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn requests_over_max_in_flight_are_shed_and_the_permit_comes_back() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let g = gate.clone();
        let routes = axum::Router::new().route(
            "/slow",
            axum::routing::get(move || {
                let g = g.clone();
                async move {
                    let _ = g.acquire().await;
                    "done"
                }
            }),
        );
        let app = Server::new(routes).max_in_flight(1).into_router();
        let first = tokio::spawn({
            let app = app.clone();
            async move { call(&app, get("/slow")).await }
        });
        // Until the first request holds the only permit.
        let mut shed = None;
        for _ in 0..200 {
            let (res, body) = call(&app, get("/_internal_/healthcheck")).await;
            if res.status() == StatusCode::SERVICE_UNAVAILABLE {
                shed = Some((res, body));
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let (res, body) = shed.expect("a second request in flight is shed");
        assert_eq!(res.headers()[header::RETRY_AFTER], "1");
        assert!(res.headers().contains_key(crate::request_id::HEADER));
        assert!(body.contains(r#""code":"unavailable""#), "{body}");
        gate.add_permits(1);
        let (res, body) = first.await.unwrap();
        assert_eq!((res.status(), body.as_str()), (StatusCode::OK, "done"));
        let (res, _) = call(&app, get("/_internal_/healthcheck")).await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn timeouts_panics_and_limits_answer_in_the_json_shape() {
        let routes = axum::Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route(
                "/panic",
                axum::routing::get(|| async {
                    if true {
                        panic!("handler bug");
                    }
                    "never"
                }),
            );
        let app = Server::new(routes)
            .request_timeout(Duration::from_millis(50))
            .max_uri_length(64)
            .into_router();
        for (uri, status, code) in [
            ("/slow", 503, "unavailable"),
            ("/panic", 500, "internal_error"),
            ("/nowhere", 404, "not_found"),
            (&*format!("/slow?{}", "a".repeat(100)), 414, "uri_too_long"),
        ] {
            let (res, body) = call(&app, get(uri)).await;
            assert_eq!(res.status().as_u16(), status, "{uri}: {body}");
            assert!(
                body.contains(&format!(r#""code":"{code}""#)),
                "{uri}: {body}"
            );
            assert!(
                res.headers().contains_key(crate::request_id::HEADER),
                "{uri}"
            );
        }
    }

    #[tokio::test]
    async fn request_ids_are_kept_replaced_scoped_and_echoed() {
        let routes = axum::Router::new().route(
            "/id",
            axum::routing::get(|| async { crate::request_id::current().unwrap_or_default() }),
        );
        let app = Server::new(routes)
            .request_id_header("x-flow-request-id")
            .into_router();
        let with = |name: &str, value: &str| {
            axum::http::Request::get("/id")
                .header(name, value)
                .body(Body::empty())
                .unwrap()
        };
        let (res, body) = call(&app, with("x-request-id", "req-1")).await;
        assert_eq!(body, "req-1");
        assert_eq!(res.headers()["x-request-id"], "req-1");
        assert_eq!(res.headers()["x-flow-request-id"], "req-1");
        // The spec's header wins; an insane id is replaced by a new UUID.
        let (res, body) = call(&app, with("x-flow-request-id", "flow-7")).await;
        assert_eq!(body, "flow-7");
        assert_eq!(res.headers()["x-request-id"], "flow-7");
        let (res, body) = call(&app, with("x-request-id", "<script>")).await;
        assert!(uuid::Uuid::parse_str(&body).is_ok(), "{body}");
        assert_eq!(res.headers()["x-request-id"], body.as_str());
    }

    /// A wait that ends within the timer's one yield starts no `Sleep`; a wait that goes on is
    /// timed, and times out.
    #[tokio::test]
    async fn lazy_timers_start_only_for_waits_that_go_on() {
        use std::future::poll_fn;
        let timeout = Duration::from_millis(30);
        let mut timer = Box::pin(LazyTimer::new(timeout));
        // The first pending poll: a yield (the task is woken at once), no timer.
        struct Flag(AtomicUsize);
        impl std::task::Wake for Flag {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let flag = Arc::new(Flag(AtomicUsize::new(0)));
        let waker = std::task::Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(timer.as_mut().poll_expired(&mut cx).is_pending());
        assert_eq!(flag.0.load(Ordering::SeqCst), 1);
        assert!(timer.sleep.is_none());
        // The wait ended: the next one starts with a yield again.
        timer.as_mut().progressed();
        assert!(timer.as_mut().poll_expired(&mut cx).is_pending());
        assert!(timer.sleep.is_none());
        // Still pending at the next poll: timed from now, and expires after the timeout.
        let start = tokio::time::Instant::now();
        let expired = poll_fn(|cx| timer.as_mut().poll_expired(cx));
        tokio::time::timeout(Duration::from_secs(10), expired)
            .await
            .expect("a timed wait expires");
        assert!(timer.sleep.is_some());
        assert!(start.elapsed() >= timeout);
    }

    /// The head timer times each wait for a head, not the connection: requests spaced below the
    /// timeout keep a connection open for many timeout periods (the one `Sleep` fires for waits
    /// that ended and moves on), and once it is idle it is closed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_head_timer_times_each_wait_and_closes_an_idle_connection() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let timeout = Duration::from_millis(400);
        let server = tokio::spawn(
            Server::new(routes)
                .header_read_timeout(timeout)
                .serve_with_shutdown(listener, std::future::pending()),
        );
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut buf = [0u8; 512];
        let started = std::time::Instant::now();
        let mut served = 0;
        // Four timeout periods of requests, each wait a third of the timeout.
        while started.elapsed() < 4 * timeout {
            tokio::time::sleep(timeout / 3).await;
            conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .expect("still open");
            let reply = read_ok_reply(&mut conn).await;
            assert!(
                !reply.is_empty(),
                "closed while in use, after {served} requests"
            );
            served += 1;
        }
        assert!(served >= 6, "{served}");
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
            .await
            .expect("the idle connection is closed")
            .unwrap_or(0);
        assert_eq!(n, 0);
        server.abort();
    }

    /// A keep-alive connection that has served requests and is idle is closed when shutdown
    /// begins (the connection looks at the shutdown channel only when woken for it), and
    /// `serve_with_shutdown` returns without waiting for the shutdown timeout.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_closes_a_used_idle_connection() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let routes = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let server = tokio::spawn(
            // Neither timeout can close the idle connection within the test's bounds.
            Server::new(routes)
                .shutdown_timeout(Duration::from_secs(60))
                .header_read_timeout(Duration::from_secs(60))
                .serve_with_shutdown(listener, async {
                    let _ = stopped.await;
                }),
        );
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        for _ in 0..3 {
            conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            let reply = read_ok_reply(&mut conn).await;
            assert!(reply.starts_with(b"HTTP/1.1 200"), "closed while serving");
        }
        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(15), server)
            .await
            .expect("returns well before the shutdown and idle timeouts")
            .unwrap()
            .unwrap();
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
            .await
            .expect("closed")
            .unwrap_or(0);
        assert_eq!(n, 0, "the idle connection is closed");
    }
}
