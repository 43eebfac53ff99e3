//! The server/mock agreement harness of `gen_random`: for each random spec, Rust code that serves
//! the generated server (in-process, through tower's `oneshot`) with a handler that counts the
//! requests reaching it, and calls the generated mock client with the same argument values; and
//! the probes (random argument values: valid ones, out-of-bounds numbers and lengths, unknown
//! enum values, missing required parameters and fields, wrong types) as JSON.
//!
//! The harness reads only the generation plan (names, arguments, responses) and the generated
//! signatures (parsed with syn and copied: the server trait methods' parameters and the client
//! trait's), so it follows changes of the generated API without edits here.

#![allow(dead_code)]

use charter::gen::plan::{ArgPlan, Plan};
use charter::ir::{Location, Primitive, Repo, TypeKind, TypeRef};
use quote::ToTokens;
use serde_json::{json, Value};

/// A small deterministic generator (splitmix64): the probes are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// `true` with probability `n / d`.
    pub fn chance(&mut self, n: u64, d: u64) -> bool {
        self.next() % d < n
    }
    /// In `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The shared half of the harness, `src/agree.rs` of the generated crate.
pub const AGREE_RS: &str = r#"//! The agreement harness's shared half: a probe's HTTP request, the outcome of both sides.

use charter_runtime::axum::body::Body;
use charter_runtime::http;
use charter_runtime::serde_json::{self, Value};

/// What one probe did on each side.
pub struct Outcome {
    pub status: u16,
    pub field: Option<String>,
    /// Requests that reached the handler.
    pub hits: usize,
    pub mock: Mock,
}

/// What the mock client did.
pub enum Mock {
    Accepted,
    /// Rejected with this status.
    Rejected(u16),
    /// The argument cannot be given to the typed mock at all (a wrong type, a missing value).
    Undecodable(String),
    /// Another error (never expected).
    Failed(String),
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        let mock = match &self.mock {
            Mock::Accepted => serde_json::json!({"accepted": true}),
            Mock::Rejected(s) => serde_json::json!({"rejected": s}),
            Mock::Undecodable(a) => serde_json::json!({"undecodable": a}),
            Mock::Failed(e) => serde_json::json!({"failed": e}),
        };
        serde_json::json!({"status": self.status, "field": self.field, "hits": self.hits, "mock": mock})
    }
}

/// An argument of the probe, decoded into the type the mock takes.
pub fn arg<T: charter_runtime::serde::de::DeserializeOwned>(args: &Value, ident: &str) -> Result<T, Mock> {
    let v = args.get(ident).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|_| Mock::Undecodable(ident.to_owned()))
}

/// What the mock's answer means.
pub fn mock_outcome<T, E: std::fmt::Debug>(r: Result<T, charter_runtime::client::Error<E>>) -> Mock {
    match r {
        Ok(_) => Mock::Accepted,
        Err(e) => match e.status() {
            Some(s) => Mock::Rejected(s.as_u16()),
            None => Mock::Failed(format!("{e:?}")),
        },
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The HTTP request of a probe, as a client would send it.
pub fn request(probe: &Value) -> http::Request<Body> {
    let mut path = probe["path"].as_str().unwrap_or_default().to_owned();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut form = serde_json::Map::new();
    let mut body = None;
    for a in probe["args"].as_array().into_iter().flatten() {
        let Some(v) = a.get("value") else { continue };
        let wire = a["wire"].as_str().unwrap_or_default();
        match a["location"].as_str().unwrap_or_default() {
            "Path" => path = path.replace(&format!(":{wire}"), &enc(&text(v))),
            "Query" => match v {
                Value::Array(items) => {
                    for i in items {
                        query.push(format!("{}={}", enc(wire), enc(&text(i))));
                    }
                }
                v => query.push(format!("{}={}", enc(wire), enc(&text(v)))),
            },
            "Header" => headers.push((wire.to_owned(), text(v))),
            "Form" => drop(form.insert(wire.to_owned(), v.clone())),
            _ => body = Some(v.clone()),
        }
    }
    let has_form = probe["args"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| a["location"] == "Form");
    if has_form {
        body = Some(Value::Object(form));
    }
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let mut b = http::Request::builder()
        .method(probe["method"].as_str().unwrap_or("GET"))
        .uri(uri);
    for (k, v) in headers {
        b = b.header(k, v);
    }
    match body {
        // As a client sends it: with its length (a request without `Content-Length` or
        // `Transfer-Encoding` has no body, RFC 9112 §6.3).
        Some(v) => {
            let bytes = serde_json::to_vec(&v).unwrap_or_default();
            b.header("content-type", "application/json")
                .header("content-length", bytes.len())
                .body(Body::from(bytes))
                .expect("a valid request")
        }
        None => b.body(Body::empty()).expect("a valid request"),
    }
}

/// Sends the request to the router: the status and, for a rejection, the field it names.
pub async fn send(router: charter_runtime::axum::Router, req: http::Request<Body>) -> (u16, Option<String>) {
    let resp = tower::ServiceExt::oneshot(router, req).await.expect("infallible");
    let status = resp.status().as_u16();
    let bytes = charter_runtime::axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let field = (status >= 400)
        .then(|| serde_json::from_slice::<Value>(&bytes).ok())
        .flatten()
        .and_then(|v| v["field"].as_str().map(str::to_owned));
    (status, field)
}
"#;

/// `src/main.rs` of the generated crate: runs the probes of a JSON file, prints the outcomes.
pub fn main_rs(krate: &str, cases: &[String]) -> String {
    let arms: String = cases
        .iter()
        .enumerate()
        .map(|(i, m)| format!("            {i} => {krate}::{m}::harness::run(op, &p[\"args_by_ident\"], req).await,\n"))
        .collect();
    format!(
        r#"//! Runs the agreement probes: `agree PROBES.json` prints one outcome per probe.

use charter_runtime::serde_json::{{self, Value}};

fn main() {{
    let path = std::env::args().nth(1).expect("the probes file");
    let text = std::fs::read_to_string(path).expect("readable probes");
    let probes: Vec<Value> = serde_json::from_str(&text).expect("probes JSON");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let out: Vec<Value> = rt.block_on(async {{
        let mut out = Vec::new();
        for (i, p) in probes.iter().enumerate() {{
            // Where a crash happened (the test prints the end of stderr).
            eprintln!("probe {{i}}: case {{}} {{}}", p["case"], p["op"]);
            let req = {krate}::agree::request(p);
            let op = p["op"].as_str().unwrap_or_default();
            let outcome = match p["case"].as_u64().unwrap_or(u64::MAX) {{
{arms}                n => panic!("no case {{n}}"),
            }};
            out.push(outcome.to_json());
        }}
        out
    }});
    println!("{{}}", serde_json::to_string(&out).expect("JSON"));
}}
"#
    )
}

/// `super::…` in generated signatures (relative to the service's `server` or `client` module)
/// made absolute.
fn absolute(tokens: &str, service_path: &str) -> String {
    tokens.replace("super ::", &format!("{service_path} ::"))
}

/// The harness of one case: `src/<module>/harness.rs`, and the probes' operations
/// (`(key, method, path, args)`).
pub struct Harness {
    pub source: String,
    pub ops: Vec<OpProbe>,
}

/// What a probe needs to know about an operation.
pub struct OpProbe {
    pub key: String,
    pub method: String,
    pub path: String,
    pub args: Vec<ArgProbe>,
}

pub struct ArgProbe {
    pub ident: String,
    pub wire: String,
    /// `Path`, `Query`, `Header`, `Form` or `Body`.
    pub location: String,
    pub ty: TypeRef,
    pub required: bool,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

fn find_trait<'f>(file: &'f syn::File, module: &str, name: &str) -> Option<&'f syn::ItemTrait> {
    file.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == module => {
            m.content.as_ref()?.1.iter().find_map(|i| match i {
                syn::Item::Trait(t) if t.ident == name => Some(t),
                _ => None,
            })
        }
        _ => None,
    })
}

fn find_struct<'f>(file: &'f syn::File, module: &str, name: &str) -> Option<&'f syn::ItemStruct> {
    file.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == module => {
            m.content.as_ref()?.1.iter().find_map(|i| match i {
                syn::Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
        }
        _ => None,
    })
}

fn trait_fn<'t>(t: &'t syn::ItemTrait, name: &str) -> Option<&'t syn::TraitItemFn> {
    t.items.iter().find_map(|i| match i {
        syn::TraitItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// Whether every type in `r` has a finite value.
fn finite(plan: &Plan, r: &TypeRef) -> bool {
    match r {
        TypeRef::List(t) | TypeRef::Map(t) => finite(plan, t),
        TypeRef::Type(id) => plan.ty(*id).finite(),
        _ => true,
    }
}

fn location(a: &ArgPlan) -> &'static str {
    match a.location {
        None => "Body",
        Some(Location::Path) => "Path",
        Some(Location::Query) => "Query",
        Some(Location::Header) => "Header",
        Some(Location::Form) => "Form",
    }
}

/// The harness of `main` (the service with resources) of one case.
pub fn harness(plan: &Plan, file: &syn::File, case_module: &str) -> Harness {
    let s = plan
        .services
        .iter()
        .find(|s| !s.resources.is_empty())
        .or(plan.services.last())
        .expect("a service");
    let svc = format!("crate :: {case_module} :: {}", s.module);
    let mut server_impls = String::new();
    let mut arms = String::new();
    let mut client_traits = Vec::new();
    let mut ops = Vec::new();
    let mut any_server = false;
    for r in &s.resources {
        let server_trait = find_trait(file, "server", &r.server_trait);
        if let Some(t) = server_trait {
            any_server = true;
            let mut methods = String::new();
            for op in &r.ops {
                let Some(f) = trait_fn(t, &op.fname) else {
                    continue;
                };
                let resp = op
                    .responses
                    .iter()
                    .find(|r| r.code.is_success())
                    .or(op.responses.first())
                    .expect("a response");
                let value = if resp.unit {
                    String::new()
                } else {
                    match &resp.ty {
                        TypeRef::Type(id) => {
                            let factory = plan.ty(*id).factory.clone().expect("a factory");
                            let module = &plan.service(id.service).module;
                            format!("(crate::{case_module}::{module}::factories::{factory}())")
                        }
                        _ => "(::std::default::Default::default())".to_owned(),
                    }
                };
                let sig = absolute(&f.sig.to_token_stream().to_string(), &svc);
                methods.push_str(&format!(
                    "        {sig} {{\n            self.hits.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);\n            async move {{ {}::{}{value} }}\n        }}\n",
                    op.server_response,
                    resp.variant()
                ));
            }
            server_impls.push_str(&format!(
                "    impl {svc} :: server :: {} for Impl {{\n{methods}    }}\n",
                r.server_trait
            ));
        }
        let Some(ct) = find_trait(file, "client", &r.client_trait) else {
            continue;
        };
        client_traits.push(r.client_trait.clone());
        for op in r
            .ops
            .iter()
            // A success type with no finite value (W1204): the harness's server would answer a
            // factory value, which never returns, and the mock answers "no default" (501), so
            // there is nothing to compare (tests/gen-golden/tests/mock.rs covers the mock's answer).
            .filter(|o| {
                o.client.is_ok() && o.server.is_ok() && o.successes().all(|r| finite(plan, &r.ty))
            })
        {
            let Some(f) = trait_fn(ct, &op.fname) else {
                continue;
            };
            if server_trait.and_then(|t| trait_fn(t, &op.fname)).is_none() {
                continue;
            }
            let key = format!("{}.{}", r.accessor, op.fname);
            let mut lets = String::new();
            let mut call = Vec::new();
            for input in f.sig.inputs.iter().skip(1) {
                let syn::FnArg::Typed(pt) = input else {
                    continue;
                };
                let name = pt.pat.to_token_stream().to_string();
                if op.options.as_ref().is_some_and(|(_, n)| *n == name) {
                    let (opts, _) = op.options.as_ref().unwrap();
                    let st = find_struct(file, "client", opts)
                        .unwrap_or_else(|| panic!("no options struct {opts}"));
                    lets.push_str(&format!(
                        "                let mut {name} = <{svc} :: client :: {opts} as ::std::default::Default>::default();\n"
                    ));
                    for fld in &st.fields {
                        let fname = fld.ident.as_ref().unwrap().to_string();
                        let ty = absolute(&fld.ty.to_token_stream().to_string(), &svc);
                        lets.push_str(&format!(
                            "                {name}.{fname} = match crate::agree::arg::<{ty}>(args, \"{fname}\") {{ Ok(v) => v, Err(e) => return e }};\n"
                        ));
                    }
                    call.push(name);
                    continue;
                }
                let (owned, by_ref) = match &*pt.ty {
                    syn::Type::Reference(r) => {
                        let inner = match &*r.elem {
                            syn::Type::Path(p) if p.path.is_ident("str") => {
                                "::std::string::String".to_owned()
                            }
                            syn::Type::Slice(s) => {
                                format!("::std::vec::Vec<{}>", s.elem.to_token_stream())
                            }
                            other => other.to_token_stream().to_string(),
                        };
                        (inner, true)
                    }
                    other => (other.to_token_stream().to_string(), false),
                };
                let owned = absolute(&owned, &svc);
                lets.push_str(&format!(
                    "                let {name}: {owned} = match crate::agree::arg(args, \"{name}\") {{ Ok(v) => v, Err(e) => return e }};\n"
                ));
                call.push(if by_ref { format!("&{name}") } else { name });
            }
            arms.push_str(&format!(
                "            \"{key}\" => {{\n{lets}                crate::agree::mock_outcome(client.{}().{}({}).await)\n            }}\n",
                r.accessor,
                op.fname,
                call.join(", ")
            ));
            ops.push(OpProbe {
                key,
                method: op.op.method_text.clone(),
                path: op.op.path.clone(),
                args: op
                    .args
                    .iter()
                    .map(|a| ArgProbe {
                        ident: a.ident.clone(),
                        wire: a.wire.to_owned(),
                        location: location(a).to_owned(),
                        ty: a
                            .param
                            .map(|p| p.ty.r.clone())
                            .unwrap_or_else(|| a.ty.clone()),
                        required: a.param.is_none_or(|p| p.required && p.default.is_none()),
                        min: a.param.and_then(|p| p.minimum),
                        max: a.param.and_then(|p| p.maximum),
                    })
                    .collect(),
            });
        }
    }
    let mut uses: String = client_traits
        .iter()
        .map(|t| format!("    #[allow(unused_imports)]\n    use {svc} :: client :: {t};\n"))
        .collect();
    // The copied signatures use the short names the generated modules import (`DateTime<Utc>`,
    // `Uuid`); the harness modules import the same ones (`Value` is imported by the harness).
    let short: String = plan
        .short_names(s, true)
        .into_iter()
        .filter(|(name, _)| *name != "Value")
        .map(|(_, path)| format!("    use {path};\n"))
        // Sibling modules of `models` name its types `models::T`; the server's signatures name
        // `server::Context`.
        .chain([
            format!("    use {svc} :: models;\n"),
            "    use ::charter_runtime::server;\n".to_owned(),
        ])
        .collect();
    uses.push_str(&short);
    let run = if any_server {
        format!(
            "pub async fn run(op: &str, args: &Value, req: charter_runtime::http::Request<charter_runtime::axum::body::Body>) -> crate::agree::Outcome {{
    let service = server_impl::Impl::default();
    let hits = service.hits.clone();
    let (status, field) = crate::agree::send({svc} :: server :: router(service), req).await;
    let mock = mock_calls::call(op, args).await;
    crate::agree::Outcome {{ status, field, hits: hits.load(::std::sync::atomic::Ordering::SeqCst), mock }}
}}\n"
        )
    } else {
        "pub async fn run(_: &str, _: &Value, _: charter_runtime::http::Request<charter_runtime::axum::body::Body>) -> crate::agree::Outcome {\n    unreachable!(\"no operations\")\n}\n".to_owned()
    };
    let server_mod = if any_server {
        format!(
            "mod server_impl {{
    #![allow(unused_variables, unused_imports, clippy::manual_async_fn, clippy::all)]
    use {svc} :: server :: *;
{short}
    /// Counts the requests that reach a handler.
    #[derive(Clone, Default)]
    pub struct Impl {{
        pub hits: ::std::sync::Arc<::std::sync::atomic::AtomicUsize>,
    }}

{server_impls}}}\n"
        )
    } else {
        String::new()
    };
    let source = format!(
        "//! The agreement harness of {case_module}: the generated server and mock, the same values.
#![allow(clippy::all, unused_mut)]

use charter_runtime::serde_json::Value;

{run}
{server_mod}
mod mock_calls {{
    #![allow(dead_code, unused_variables, unused_imports, unused_mut, clippy::all)]
    use charter_runtime::serde_json::Value;
    use {svc} :: client :: *;
{uses}
    pub async fn call(op: &str, args: &Value) -> crate::agree::Mock {{
        let client = {svc} :: mock :: MockClient::new();
        match op {{
{arms}            _ => panic!(\"unknown operation {{op}}\"),
        }}
    }}
}}
"
    );
    Harness { source, ops }
}

const STRING_CHARS: &[u8] = b"abcxyz019";

fn string(rng: &mut Rng, lo: i64, hi: i64) -> String {
    let n = rng.range(lo.max(0), hi.max(lo.max(0)));
    (0..n).map(|_| *rng.pick(STRING_CHARS) as char).collect()
}

/// A value of a primitive: usually valid (within `min..=max` with a margin of one or two on each
/// side, to cross the bounds), sometimes of the wrong type.
fn primitive(rng: &mut Rng, p: Primitive, min: Option<i64>, max: Option<i64>, url: bool) -> Value {
    let wrong = rng.chance(1, 10);
    match p {
        Primitive::String => {
            if wrong && !url {
                return json!(12345);
            }
            let lo = min.map_or(0, |m| m - 1);
            let hi = max.map_or(6, |m| m + 1);
            let lo = if url { lo.max(1) } else { lo };
            if rng.chance(1, 3) {
                // Just across a bound.
                let n = if rng.chance(1, 2) { lo } else { hi };
                return json!(string(rng, n, n));
            }
            json!(string(rng, lo, hi))
        }
        Primitive::Integer | Primitive::Long => {
            if wrong {
                return json!("abc");
            }
            if rng.chance(1, 12) {
                return json!(if p == Primitive::Integer {
                    3_000_000_000i64
                } else {
                    5
                });
            }
            let lo = min.map_or(-3, |m| m - 2);
            let hi = max.map_or(50, |m| m + 2);
            if rng.chance(1, 3) {
                // Just across a bound.
                return json!(if rng.chance(1, 2) { lo + 1 } else { hi - 1 });
            }
            json!(rng.range(lo, hi))
        }
        Primitive::Boolean => {
            if wrong {
                json!("maybe")
            } else {
                json!(rng.chance(1, 2))
            }
        }
        Primitive::Double => {
            if wrong {
                json!("abc")
            } else {
                json!(rng.range(-10, 10) as f64 / 4.0)
            }
        }
        Primitive::Decimal => {
            if wrong {
                json!("abc")
            } else {
                json!(format!("{}.25", rng.range(-10, 10)))
            }
        }
        Primitive::Uuid => json!(if wrong {
            "nope"
        } else {
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        }),
        Primitive::DateIso8601 => json!(if wrong { "2024-13-45" } else { "2024-02-29" }),
        Primitive::DateTimeIso8601 => {
            json!(if wrong {
                "soon"
            } else {
                "2024-02-29T10:00:00Z"
            })
        }
        Primitive::Object | Primitive::Json => json!({"k": rng.range(0, 3)}),
        Primitive::Unit => Value::Null,
    }
}

/// A value of a parameter's type (scalars, enums, lists of them).
fn param_value(
    repo: &Repo,
    rng: &mut Rng,
    ty: &TypeRef,
    min: Option<i64>,
    max: Option<i64>,
    url: bool,
) -> Value {
    match ty {
        TypeRef::Primitive(p) => primitive(rng, *p, min, max, url),
        TypeRef::Type(id) if id.kind == TypeKind::Enum => {
            let e = repo.enum_(*id);
            if rng.chance(1, 4) || e.values.is_empty() {
                json!("zz")
            } else {
                let v = rng.pick(&e.values);
                json!(v.value.clone().unwrap_or_else(|| v.name.clone()))
            }
        }
        TypeRef::List(inner) => {
            let lo = min.map_or(0, |m| (m - 1).max(0));
            let hi = max.map_or(3, |m| m + 1).min(6);
            let n = if max.is_some() && rng.chance(1, 3) {
                hi.max(lo)
            } else {
                rng.range(lo, hi.max(lo))
            };
            Value::Array(
                (0..n)
                    .map(|_| param_value(repo, rng, inner, None, None, url))
                    .collect(),
            )
        }
        other => charter::example::example(repo, other),
    }
}

/// A body: the example of its type, then (often) one mutation somewhere inside: a field removed,
/// set to a random value of its type (bounds crossed, unknown enum values, wrong types).
fn body_value(repo: &Repo, rng: &mut Rng, ty: &TypeRef) -> Value {
    let mut v = charter::example::example(repo, ty);
    if rng.chance(2, 3) {
        mutate(repo, rng, ty, &mut v, 0);
    }
    v
}

fn mutate(repo: &Repo, rng: &mut Rng, ty: &TypeRef, v: &mut Value, depth: usize) {
    match ty {
        TypeRef::List(inner) | TypeRef::Map(inner) => {
            let items: Vec<&mut Value> = match v {
                Value::Array(a) => a.iter_mut().collect(),
                Value::Object(o) => o.values_mut().collect(),
                _ => return,
            };
            let n = items.len();
            if n > 0 {
                let i = (rng.next() % n as u64) as usize;
                if let Some(item) = items.into_iter().nth(i) {
                    mutate(repo, rng, inner, item, depth + 1);
                }
            }
        }
        TypeRef::Type(id) if id.kind == TypeKind::Model => {
            let m = repo.model(*id);
            let Value::Object(o) = v else { return };
            if m.fields.is_empty() {
                return;
            }
            let f = rng.pick(&m.fields);
            let present = o.contains_key(&f.name);
            if present && depth < 4 && rng.chance(1, 3) {
                if let Some(inner) = o.get_mut(&f.name) {
                    mutate(repo, rng, &f.ty.r, inner, depth + 1);
                }
                return;
            }
            match rng.next() % 3 {
                0 => drop(o.remove(&f.name)),
                1 => drop(o.insert(f.name.clone(), json!({"wrong": true}))),
                _ => {
                    let value = match &f.ty.r {
                        r @ (TypeRef::Primitive(_) | TypeRef::List(_)) => {
                            param_value(repo, rng, r, f.minimum, f.maximum, false)
                        }
                        r @ TypeRef::Type(id) if id.kind == TypeKind::Enum => {
                            param_value(repo, rng, r, None, None, false)
                        }
                        r => charter::example::example(repo, r),
                    };
                    o.insert(f.name.clone(), value);
                }
            }
        }
        _ => {}
    }
}

/// `n` probes of every operation of the harness, for case `case`.
pub fn probes(repo: &Repo, h: &Harness, case: usize, n: usize, rng: &mut Rng) -> Vec<Value> {
    let mut out = Vec::new();
    for op in &h.ops {
        for _ in 0..n {
            let mut args = Vec::new();
            let mut by_ident = serde_json::Map::new();
            for a in &op.args {
                // A path parameter is always in the URL (a missing one is another route).
                let present = if a.location == "Path" {
                    true
                } else if a.location == "Body" {
                    rng.chance(19, 20)
                } else if a.required {
                    rng.chance(9, 10)
                } else {
                    rng.chance(3, 5)
                };
                let list = matches!(a.ty, TypeRef::List(_));
                let mut arg = json!({"ident": a.ident, "wire": a.wire, "location": a.location});
                if present {
                    let value = if a.location == "Body" {
                        body_value(repo, rng, &a.ty)
                    } else {
                        let url = a.location != "Form";
                        param_value(repo, rng, &a.ty, a.min, a.max, url)
                    };
                    by_ident.insert(a.ident.clone(), value.clone());
                    arg["value"] = value;
                } else if list && !(a.location == "Form" && a.required) {
                    // A list that is not sent is an empty one for the typed mock: the client
                    // sends nothing for an empty query list. A required form list is sent
                    // (`[]`), so leaving it out cannot be expressed with the typed mock.
                    by_ident.insert(a.ident.clone(), json!([]));
                }
                args.push(arg);
            }
            out.push(json!({
                "case": case,
                "op": op.key,
                "method": op.method,
                "path": op.path,
                "args": args,
                "args_by_ident": by_ident,
            }));
        }
    }
    out
}
