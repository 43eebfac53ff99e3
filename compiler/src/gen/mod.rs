//! Rust code generation from the resolved IR.
//!
//! [`generate`] is the one entry point that the CLI (`charter generate rust`), the derive macro and
//! `build.rs` call. It emits one Rust file per service of the repo, each with `models` (one type
//! per model, enum and union, serde on API Builder's wire conventions), `client` (async, on
//! reqwest) and `server` (axum) modules, as chosen by [`Settings`]; with [`Settings::with_mock`]
//! also `factories` (a valid value of every type) and `mock` (a `MockClient` without HTTP, see
//! [`mock`]). The client's operations are also traits (`<Resource>Api` per resource, `Api` per
//! service) that the client and the mock implement, so code under test takes either. [`krate`] wraps the files
//! into a ready-to-build crate (`charter generate rust --out DIR`). Code is built with `quote`
//! and formatted with `prettyplease`; generated code leans on the `charter-runtime` crate for
//! everything that would otherwise be repeated per type.
//!
//! Structure: [`plan`] lowers the resolved IR once into the generation plan (names, types,
//! arguments, responses, support, validation); every emitter module reads only the plan, and
//! `service_tokens` lists the modules of a service file in one place. A new concern (data-access
//! code per table, typed events per stream) adds: a flag to [`Settings`] (`with_dao`, `with_events`),
//! its per-item plan filled in [`plan::Plan::new`] (or its own `plan_*` function called there),
//! an emitter module here reading the plan (`gen/dao.rs` / `gen/events.rs`), and one `if` in
//! `service_tokens`; [`Generated::runtime_features`] names the runtime feature it needs and
//! [`krate`] writes it into the crate's `Cargo.toml`.
//!
//! Requests: every type implements `charter_runtime::Validate` (its own checks, emitted once), and
//! the `checks` module has one function per operation that the server and the mock both call.
//!
//! Personal data: fields carrying one of [`Settings::redacted_annotations`] print `[redacted]` in
//! the generated `Debug`, and every generated type implements `charter_runtime::PersonalData`
//! (list and erase personal data), as `redact` decides.
//!
//! Imports: a type of another service in the repo is referenced through that service's generated
//! module (`crate::<module>::models::T`, see [`Settings::with_crate_path`] to point a namespace at
//! an external crate instead). An import that is neither in the repo nor mapped becomes an opaque
//! `serde_json::Value`, with warning `W1201` naming it, so real specs still build.

mod checks;
pub mod client;
pub mod events;
pub mod factories;
pub mod format;
pub mod krate;
pub mod mock;
pub mod models;
pub mod naming;
pub mod plan;
mod redact;
pub mod server;
mod short;

use crate::diag::Diagnostics;
use crate::ir::{Repo, ServiceId};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

crate::codes! {
    W1201: Warning,
        "import not in the repo: generated as opaque JSON",
        "A type comes from an imported service that is neither in the api repo nor mapped to a crate \
         path (`[generate.rust.crates]` in charter.toml, or `Settings::with_crate_path`). The \
         generator types it as `serde_json::Value` so the code still builds; add the imported spec \
         to the repo or map its namespace to get a real type.";
    W1202: Warning,
        "construct the Rust generator cannot express",
        "The spec uses a construct that the Rust generator does not support yet (named in the \
         message). The construct is left out of the generated code instead of producing invalid \
         Rust.";
    W1203: Warning,
        "interface not implemented",
        "A model lists an interface but its fields do not match the interface's fields (missing \
         field, or a different type or optionality), so the generated model does not implement the \
         interface's trait.";
    W1204: Warning,
        "type without a finite value: its factory never returns",
        "With factories on (`--mock`), every model and union gets a function building a valid \
         value. A model whose required fields lead back to itself with no way out (every member of \
         the cycle required, no union member outside it) has no finite JSON value, so its factory \
         would recurse until the stack overflows. Make one field of the cycle optional, or give a \
         union on it a member outside the cycle.";
    E1201: Error,
        "name too long for generated Rust",
        "A name the generator turns into a Rust identifier (a service namespace, type, field, enum \
         value, resource, parameter or union discriminator value) is longer than 255 bytes. Real \
         specs stay below 80; a longer name makes unreadable code and, at megabytes, files of \
         hundreds of megabytes. Nothing is generated; shorten the name.";
    E1202: Error,
        "types contain each other too deeply for rustc",
        "Models and unions that hold each other directly (not through a list, map or recursion, \
         which are boxed) form a chain longer than 64 types. rustc computes the layout of such a \
         chain recursively and fails on long ones (a 5,000-union chain does). The longest in the \
         corpus is 11. Nothing is generated; break the chain with an optional list or a smaller model.";
}

/// The longest name (in bytes) the generator accepts for anything it turns into an identifier
/// (`E1201`).
pub const MAX_NAME_LEN: usize = 255;

/// The longest chain of models and unions holding each other directly (`E1202`).
pub const MAX_CHAIN_DEPTH: usize = 64;

/// The first line of every generated file.
pub const HEADER: &str = "// @generated by charter — do not edit";

/// What to generate, and how to name what lies outside the generated code.
#[derive(Clone, Debug)]
pub struct Settings {
    pub models: bool,
    pub client: bool,
    pub server: bool,
    /// `factories` and `mock` modules (implies the client; generated code then needs
    /// charter-runtime's `mock` feature).
    pub mock: bool,
    /// `factories` module (also implied by `mock`).
    pub factories: bool,
    /// Namespace → Rust path of the crate or module holding that service's generated code
    /// (`io.flow.common.v0` → `flow_common`). Types are then `<path>::models::T`.
    pub crate_paths: BTreeMap<String, String>,
    /// Rust path under which the services generated together are mounted (`crate` by default:
    /// service modules at the crate root).
    pub root_path: String,
    /// Extra derives on every model, enum and union (`Eq`, `Hash`, `schemars::JsonSchema`, …).
    pub derives: Vec<String>,
    /// Field annotations that mark personal data (`personal_data` by default): `Debug` prints
    /// `[redacted]` for such fields, and `charter_runtime::PersonalData` lists and erases them.
    pub redacted_annotations: Vec<String>,
    /// A `dao` module (typed sqlx DAOs, `crate::dao::rust`) for services with table metadata
    /// (`psql` attribute); generated code then needs charter-runtime's `dao` feature.
    pub dao: bool,
    /// `events` module: the `Event` impl, producer, consumer trait and dispatcher of every
    /// `*_event` union (generated code then needs charter-runtime's `events` feature), with
    /// stream names made by `stream_options` (`[events] env` of charter.toml).
    pub events: bool,
    pub stream_options: crate::events::StreamOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            models: true,
            client: true,
            server: false,
            mock: false,
            factories: false,
            crate_paths: BTreeMap::new(),
            root_path: "crate".to_owned(),
            derives: Vec::new(),
            redacted_annotations: vec!["personal_data".to_owned()],
            dao: false,
            events: false,
            stream_options: crate::events::StreamOptions::default(),
        }
    }
}

impl Settings {
    /// Generates typed DAOs (module `dao`) for services with table metadata.
    pub fn with_dao(mut self, on: bool) -> Self {
        self.dao = on;
        self
    }
    /// Generates the `events` module (see [`events`]).
    pub fn with_events(mut self, on: bool) -> Self {
        self.events = on;
        self
    }
    pub fn with_models(mut self, on: bool) -> Self {
        self.models = on;
        self
    }
    pub fn with_client(mut self, on: bool) -> Self {
        self.client = on;
        self
    }
    pub fn with_server(mut self, on: bool) -> Self {
        self.server = on;
        self
    }
    /// Generates `factories` and a `MockClient` (module `mock`), and the client they stand in for.
    pub fn with_mock(mut self, on: bool) -> Self {
        self.mock = on;
        self
    }
    /// Generates `factories`: one function per model, enum and union building a valid value.
    pub fn with_factories(mut self, on: bool) -> Self {
        self.factories = on;
        self
    }
    pub(crate) fn wants_client(&self) -> bool {
        self.client || self.mock
    }
    pub(crate) fn wants_factories(&self) -> bool {
        self.factories || self.mock
    }
    /// Maps an imported namespace to the Rust path of its generated code.
    pub fn with_crate_path(
        mut self,
        namespace: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        self.crate_paths.insert(namespace.into(), path.into());
        self
    }
    pub fn with_root_path(mut self, path: impl Into<String>) -> Self {
        self.root_path = path.into();
        self
    }
    pub fn with_derive(mut self, derive: impl Into<String>) -> Self {
        self.derives.push(derive.into());
        self
    }
    /// Adds an annotation that marks personal data (besides `personal_data`).
    pub fn with_redacted_annotation(mut self, annotation: impl Into<String>) -> Self {
        let annotation = annotation.into();
        if !self.redacted_annotations.contains(&annotation) {
            self.redacted_annotations.push(annotation);
        }
        self
    }
    /// Replaces the annotations that mark personal data (an empty list redacts nothing).
    pub fn with_redacted_annotations<S: Into<String>>(
        mut self,
        annotations: impl IntoIterator<Item = S>,
    ) -> Self {
        self.redacted_annotations = annotations.into_iter().map(Into::into).collect();
        self
    }
}

/// One generated file: a path relative to the output directory and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The output of [`generate`].
#[derive(Debug, Default)]
pub struct Generated {
    /// One `<module>.rs` per service, in repo order.
    pub files: Vec<GeneratedFile>,
    /// The module name of each service, in repo order.
    pub modules: Vec<String>,
    /// Features of charter-runtime the generated code needs beyond its defaults (`mock`).
    pub runtime_features: Vec<String>,
    pub diagnostics: Diagnostics,
}

/// The generated code of one service, as tokens (formatted once, by [`generate`] or the caller).
#[derive(Debug)]
pub struct ServiceTokens {
    pub service: ServiceId,
    /// The module name of the service (`io_flow_common_v0`).
    pub module: String,
    /// The items of the service's file (`pub mod models { … }` …).
    pub tokens: TokenStream,
}

/// The output of [`generate_tokens`].
#[derive(Debug, Default)]
pub struct GeneratedTokens {
    /// The services asked for, in repo order.
    pub services: Vec<ServiceTokens>,
    /// Features of charter-runtime the generated code needs beyond its defaults (`mock`).
    pub runtime_features: Vec<String>,
    pub diagnostics: Diagnostics,
}

/// Generates the services of `repo` for which `wanted` holds, as tokens. The whole repo is planned
/// (names and types of imported services are needed), only the wanted services are emitted.
/// Nothing is emitted when the repo is past a limit (`E1201`, `E1202`).
pub fn generate_tokens(
    repo: &Repo,
    settings: &Settings,
    wanted: &dyn Fn(ServiceId) -> bool,
) -> GeneratedTokens {
    let plan = plan::Plan::new(repo, settings);
    let mut out = GeneratedTokens {
        runtime_features: runtime_features(settings),
        ..GeneratedTokens::default()
    };
    if !plan.diagnostics.iter().any(|d| d.is_error()) {
        for s in plan.services.iter().filter(|s| wanted(s.id)) {
            let mut tokens = TokenStream::new();
            for part in parts(&plan, s) {
                tokens.extend(part.tokens());
            }
            out.services.push(ServiceTokens {
                service: s.id,
                module: s.module.clone(),
                tokens,
            });
        }
    }
    out.diagnostics = plan.diagnostics;
    out
}

fn runtime_features(settings: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    if settings.mock {
        out.push("mock".to_owned());
    }
    if settings.dao {
        out.push("dao".to_owned());
    }
    if settings.events {
        out.push("events".to_owned());
    }
    out
}

/// Generates Rust for every service of `repo`: one formatted file per service. The pieces of a
/// file (chunks of models, each other module) are emitted, parsed and formatted on all cores
/// (token streams are not `Send`, so each piece goes from plan to text on one thread) and joined
/// in order, so the output does not depend on the number of threads.
pub fn generate(repo: &Repo, settings: &Settings) -> Generated {
    let plan = plan::Plan::new(repo, settings);
    let mut out = Generated {
        runtime_features: runtime_features(settings),
        ..Generated::default()
    };
    if !plan.diagnostics.iter().any(|d| d.is_error()) {
        for s in &plan.services {
            let parts = parts(&plan, s);
            let bodies: Vec<&Body> = parts.iter().flat_map(|p| &p.bodies).collect();
            let mut texts = format::parallel(&bodies).into_iter();
            let mut body = String::new();
            for (n, part) in parts.iter().enumerate() {
                let pieces: Vec<String> = texts.by_ref().take(part.bodies.len()).collect();
                if n > 0 {
                    body.push('\n');
                }
                body.push_str(&part.text(pieces));
            }
            let service = repo.service(s.id);
            let contents = format!(
                "{HEADER}\n//! Service `{}` ({}), version {}.\n\n{body}",
                service.name, service.namespace, service.version
            );
            out.files.push(GeneratedFile {
                path: format!("{}.rs", s.module),
                contents,
            });
            out.modules.push(s.module.clone());
        }
    }
    out.diagnostics = plan.diagnostics;
    out
}

/// The emitter of some items of a module: run on any thread, once.
pub(crate) type Body<'p> = Box<dyn Fn() -> TokenStream + Send + Sync + 'p>;

/// One part of a service file: a module (`pub mod models { … }`) whose items several emitters
/// write in order, or (`module: None`) items at the top of the file.
struct Part<'p> {
    /// The module's `use` items (`Plan::uses`).
    uses: TokenStream,
    /// Outer attributes (docs) of the module.
    docs: &'static str,
    module: Option<&'static str>,
    bodies: Vec<Body<'p>>,
}

impl Part<'_> {
    fn shell(&self, content: TokenStream) -> TokenStream {
        let Some(name) = self.module else {
            return content;
        };
        let name = format_ident!("{name}");
        let uses = &self.uses;
        let docs = if self.docs.is_empty() {
            Vec::new()
        } else {
            doc_lines(self.docs)
        };
        quote! {
            #(#[doc = #docs])*
            pub mod #name {
                #![allow(deprecated, unused_imports, clippy::disallowed_names)]
                // Enum sizes follow the spec's types (a variant per status or member).
                #![allow(clippy::large_enum_variant)]
                #uses
                #content
            }
        }
    }

    fn tokens(&self) -> TokenStream {
        let mut content = TokenStream::new();
        for body in &self.bodies {
            content.extend(body());
        }
        self.shell(content)
    }

    /// The part as text, from its bodies formatted (unindented items a blank line apart).
    fn text(&self, pieces: Vec<String>) -> String {
        let pieces: Vec<String> = pieces.into_iter().filter(|p| !p.is_empty()).collect();
        match self.module {
            None => pieces.join("\n"),
            Some(_) => format::module(self.shell(TokenStream::new()), &pieces),
        }
    }
}

/// Types per chunk of the models module (chunks are formatted in parallel).
const MODELS_CHUNK: usize = 150;

/// The parts of one service file, each from the plan. A new concern (data-access code, typed
/// events) adds its part here, behind its `Settings` flag.
fn parts<'p>(plan: &'p plan::Plan<'p>, s: &'p plan::ServicePlan<'p>) -> Vec<Part<'p>> {
    let settings = plan.settings;
    // Sibling modules of `models` name its types `models::T`.
    let sibling_uses = {
        let uses = plan.uses(s);
        quote!(#uses use super::models;)
    };
    let uses = plan.uses(s);
    let client_uses = plan.client_uses(s);
    let mut parts = Vec::new();
    // Code using the generated service (a dependent crate, its tests) names the runtime through
    // it and needs no dependency of its own.
    parts.push(Part {
        uses: TokenStream::new(),
        docs: "",
        module: None,
        bodies: vec![Box::new(|| {
            quote! {
                /// charter-runtime, re-exported (`runtime::serde_json` for canned values,
                /// `runtime::server::Context`, `runtime::client::Error`).
                pub use ::charter_runtime as runtime;
            }
        })],
    });
    let mut models: Vec<Body> = s
        .types
        .chunks(MODELS_CHUNK)
        .map(|chunk| Box::new(move || models::types(plan, chunk)) as Body)
        .collect();
    models.push(Box::new(move || models::plain_impls(plan, s)));
    models.push(Box::new(move || models::defaults(plan, s)));
    parts.push(Part {
        uses: uses.clone(),
        docs: "",
        module: Some("models"),
        bodies: models,
    });
    if settings.wants_factories() {
        parts.push(Part {
            uses: sibling_uses.clone(),
            docs: "A valid value of every model, enum and union of the service, for tests: required\n\
                   fields filled, optional ones `None`, defaults applied, enums their first value,\n\
                   unions their first member that does not recurse, lists and maps empty (or as long\n\
                   as their `minimum` asks), numbers and string lengths within `minimum`/`maximum`.\n\
                   Deterministic: every call returns the same value.",
            module: Some("factories"),
            bodies: vec![Box::new(move || factories::factories(plan, s))],
        });
    }
    if settings.server || settings.mock {
        parts.push(Part {
            uses: sibling_uses.clone(),
            docs: "The checks of every operation's arguments, shared by the server (before the handler\n\
                   runs) and the mock client (before it answers): enum values and union members the\n\
                   spec lists, `minimum`/`maximum` of parameters and of body fields at any depth\n\
                   (each type's own checks are its `charter_runtime::Validate` impl in `models`).",
            module: Some("checks"),
            bodies: vec![Box::new(move || checks::checks(plan, s))],
        });
    }
    if settings.wants_client() {
        let client_uses = quote!(#sibling_uses #client_uses);
        parts.push(Part {
            uses: client_uses.clone(),
            docs: "",
            module: Some("client"),
            bodies: vec![
                Box::new(move || client::client(plan, s)),
                Box::new(move || mock::traits(plan, s)),
            ],
        });
        if settings.mock {
            parts.push(Part {
                uses: client_uses,
                docs: "",
                module: Some("mock"),
                bodies: vec![Box::new(move || mock::mock(plan, s))],
            });
        }
    }
    if settings.dao {
        parts.push(Part {
            uses: uses.clone(),
            docs: "",
            module: None,
            bodies: vec![Box::new(move || {
                crate::dao::rust::gen_module(plan.repo, &plan.tables, s.id)
            })],
        });
    }
    if settings.events {
        parts.push(Part {
            uses: uses.clone(),
            docs: "",
            module: None,
            bodies: vec![Box::new(move || events::events(plan, s))],
        });
    }
    if settings.server {
        parts.push(Part {
            uses: quote! {
                #sibling_uses
                use ::charter_runtime::{axum::routing, route::operation, server};
            },
            docs: "",
            module: Some("server"),
            bodies: vec![Box::new(move || server::server(plan, s))],
        });
    }
    // Each module's full paths of the names it imports become the names (`short`).
    for part in &mut parts {
        let Some(module) = part.module else { continue };
        let names = plan.short_names(s, matches!(module, "client" | "mock"));
        part.bodies = std::mem::take(&mut part.bodies)
            .into_iter()
            .map(|body| {
                let names = names.clone();
                Box::new(move || short::shorten(body(), &names)) as Body
            })
            .collect();
    }
    parts
}

/// An identifier token from a name produced by [`naming`] (raw identifiers included).
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// Characters that reorder or hide text (bidi controls, as in "Trojan Source"): dropped from docs.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || (c.is_control() && c != '\t')
}

/// A spec description as doc lines that can neither break compilation nor mislead a reader: bare
/// `\r` ends a line, bidi and other control characters are dropped, `*/` cannot close a block
/// comment, and nothing becomes a code block (a fence or an indented line would be compiled as a
/// doctest): fences are escaped and lines are not indented.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(|line| {
            let clean: String = line.chars().filter(|c| !invisible(*c)).collect();
            let clean = clean.trim().replace("*/", "*\\/");
            let clean = if clean.starts_with("```") || clean.starts_with("~~~") {
                format!("\\{clean}")
            } else {
                clean
            };
            format!(" {clean}").trim_end().to_owned()
        })
        .collect()
}

/// `#[doc]` and `#[deprecated]` attributes for an element.
pub(crate) fn doc_attrs(
    description: Option<&str>,
    deprecation: Option<&crate::ir::Deprecation>,
) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some(d) = description {
        for line in doc_lines(d) {
            out.extend(quote!(#[doc = #line]));
        }
    }
    if let Some(dep) = deprecation {
        match &dep.description {
            Some(note) => {
                let words: Vec<String> = doc_lines(note)
                    .iter()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect();
                let note = words.join(" ");
                out.extend(quote!(#[deprecated(note = #note)]))
            }
            None => out.extend(quote!(#[deprecated])),
        }
    }
    out
}

#[cfg(test)]
mod tests;
