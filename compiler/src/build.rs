//! Code generation from inside `cargo build`: the [`Builder`] of `build.rs` scripts and the core
//! that the `charter-macros` derive calls ([`expand`]).
//!
//! Both fronts share one path: the directory of every named spec is loaded as an api repo (so
//! imports resolve), its `charter.toml` read when present (`[check] strict_imports`,
//! `[generate.rust.crates]`), and the named services are generated together with every service
//! they import, transitively, except the namespaces mapped to a crate path. Errors are reported
//! only for those services; specs of the directory that nothing named reaches do not break the
//! build. Every file read is listed in [`Expansion::inputs`], so the caller can make cargo
//! re-run on a change (`cargo:rerun-if-changed`, or `include_bytes!` in the macro).
//!
//! The output is one Rust file of `pub mod <module> { … }` blocks, one per service, meant to be
//! `include!`d; cross-service paths start at [`Builder::root_path`] (`crate` by default).

use crate::diag::Diagnostic;
use crate::gen::{self, Settings};
use crate::ir::ServiceId;
use crate::report;
use crate::source::SourceMap;
use quote::{format_ident, quote};
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The name of the file that [`Builder::generate`] writes into the output directory.
pub const DEFAULT_FILE: &str = "charter.rs";

/// What to load and generate: the specs as written by the user, and the directory they are
/// relative to (`CARGO_MANIFEST_DIR` for build scripts and the macro).
#[derive(Clone, Debug)]
pub struct Request {
    pub base_dir: PathBuf,
    pub specs: Vec<PathBuf>,
    pub settings: Settings,
}

/// Generated code and the files it was made from.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// `pub mod <module> { … }` per generated service, as tokens (the derive macro expands to
    /// them directly; [`Expansion::code`] formats them for a file).
    pub tokens: proc_macro2::TokenStream,
    /// Module names of the generated services, in repo order.
    pub modules: Vec<String>,
    /// Every file read (specs of the loaded directories and `charter.toml`), absolute when the
    /// base directory is.
    pub inputs: Vec<PathBuf>,
    /// Warnings about the generated services, one per entry (`file:line:col: warning[CODE]: …`).
    pub warnings: Vec<String>,
}

impl Expansion {
    /// The tokens formatted once with prettyplease, under the generated-file header.
    pub fn code(&self) -> String {
        let body = match syn::parse2::<syn::File>(self.tokens.clone()) {
            Ok(file) => crate::gen::format::unparse(file),
            // A bug in the generator, never the spec: keep the raw tokens so it is visible.
            Err(e) => format!("compile_error!({:?});\n{}\n", e.to_string(), self.tokens),
        };
        format!("{}\n{body}", gen::HEADER)
    }
}

/// Why generation failed: the spec diagnostics, rendered for people (`Display`, also used by
/// `Debug` so that `.unwrap()` in a build script prints them readably), and one line per
/// diagnostic (`file:line:col: error[CODE]: message`) for compiler errors.
pub struct Error {
    rendered: String,
    lines: Vec<String>,
    /// Files read before the failure: a build script still re-runs when one of them changes.
    pub inputs: Vec<PathBuf>,
}

impl Error {
    fn io(message: String) -> Error {
        Error {
            rendered: format!("error: {message}\n"),
            lines: vec![message],
            inputs: Vec::new(),
        }
    }

    /// One line per diagnostic: `file:line:col: error[CODE]: message` (and `help:` lines).
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "charter could not generate code:\n{}", self.rendered)
    }
}

impl std::error::Error for Error {}

/// A compact one-line form of a diagnostic, with its help on a second line.
fn one_line(d: &Diagnostic, sources: &SourceMap) -> String {
    let j = report::to_json_diagnostic(d, sources);
    let mut at = j.file.unwrap_or_default();
    if let (Some(l), Some(c)) = (j.line, j.column) {
        at.push_str(&format!(":{l}:{c}"));
    }
    let mut s = if at.is_empty() {
        format!("{}[{}]: {}", d.severity.as_str(), d.code, d.message)
    } else {
        format!("{at}: {}[{}]: {}", d.severity.as_str(), d.code, d.message)
    };
    if let Some(h) = &d.help {
        s.push_str(&format!("\n  help: {h}"));
    }
    s
}

/// Applies `[check] strict_imports`, `[generate.rust] redacted_annotations` and
/// `[generate.rust.crates]` of charter.toml (read by [`crate::config`]) to `settings`; returns
/// whether imports are strict.
fn apply_config(config: &crate::config::Config, settings: &mut Settings) -> Result<bool, String> {
    let rust = &config.toml.generate.rust;
    for (ns, p) in &rust.crates {
        // Paths given to the Builder or the macro win over the file.
        settings
            .crate_paths
            .entry(ns.clone())
            .or_insert_with(|| p.clone());
    }
    if let Some(names) = &rust.redacted_annotations {
        settings.redacted_annotations = names.clone();
    }
    settings.stream_options = crate::events::StreamOptions::from_toml(config.text())
        .map_err(|e| format!("charter.toml: {e}"))?;
    Ok(config.toml.check.strict_imports)
}

/// Loads, checks and generates (see the module documentation).
pub fn expand(request: &Request) -> Result<Expansion, Error> {
    if request.specs.is_empty() {
        return Err(Error::io("no spec given".to_owned()));
    }
    let mut settings = request.settings.clone();
    let mut checked = crate::Checked::default();
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut seen = HashSet::new();
    let mut strict = false;
    // Display path of each named spec, to find its service after loading.
    let mut named: Vec<PathBuf> = Vec::new();
    let mut dirs_done = HashSet::new();
    // charter.toml: the one discovery rule (walking up from the first spec), as for the CLI.
    let first = request.base_dir.join(&request.specs[0]);
    if let Some(path) = crate::config::discover(None, std::slice::from_ref(&first)) {
        inputs.push(path.clone());
        let config =
            crate::config::Config::read(&path, &mut checked.sources, &mut checked.diagnostics);
        if checked.diagnostics.has_errors() {
            let mut e = Error::io(
                crate::report::render_human(
                    checked.diagnostics.as_slice(),
                    &checked.sources,
                    false,
                )
                .trim_end()
                .to_string(),
            );
            e.inputs = inputs;
            return Err(e);
        }
        match apply_config(&config, &mut settings) {
            Ok(s) => strict |= s,
            Err(message) => {
                let mut e = Error::io(message);
                e.inputs = inputs;
                return Err(e);
            }
        }
    }
    for spec in &request.specs {
        let full = request.base_dir.join(spec);
        if !full.is_file() {
            let mut e = Error::io(format!(
                "spec {} not found (spec paths are relative to CARGO_MANIFEST_DIR, here {})",
                spec.display(),
                request.base_dir.display()
            ));
            e.inputs = inputs;
            return Err(e);
        }
        named.push(spec.clone());
        let shown_dir = spec.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        if !dirs_done.insert(std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone())) {
            continue;
        }
        let files = crate::load::discover(
            std::slice::from_ref(&dir),
            &mut checked.diagnostics,
            &mut checked.io_errors,
        );
        for file in files {
            if !seen.insert(std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone())) {
                continue;
            }
            // Shown relative to the user's spec path, so messages read as the attribute is written.
            let shown = match file.strip_prefix(&dir) {
                Ok(rel) => shown_dir.join(rel),
                Err(_) => file.clone(),
            };
            inputs.push(file.clone());
            let read = std::fs::metadata(&file).and_then(|m| {
                if m.len() > crate::load::MAX_FILE_SIZE {
                    Err(std::io::Error::other("larger than 64 MiB"))
                } else {
                    std::fs::read(&file)
                }
            });
            match read {
                Ok(bytes) => crate::load::load_bytes(&shown, bytes, &mut checked),
                Err(e) => {
                    let mut e = Error::io(format!("cannot read {}: {e}", file.display()));
                    e.inputs = inputs;
                    return Err(e);
                }
            }
        }
    }
    let options = crate::Options::default().with_strict_imports(strict);
    crate::check_loaded(&mut checked, &options);

    // The named services and everything they import (unless mapped to a crate path).
    let file_of = |sid: ServiceId| checked.sources.path(checked.repo.service(sid).file);
    let mut wanted: BTreeSet<ServiceId> = BTreeSet::new();
    let mut stack: Vec<ServiceId> = checked
        .repo
        .service_ids()
        .filter(|&sid| named.iter().any(|n| file_of(sid) == n.as_path()))
        .collect();
    while let Some(sid) = stack.pop() {
        let s = checked.repo.service(sid);
        if settings.crate_paths.contains_key(&s.namespace) || !wanted.insert(sid) {
            continue;
        }
        stack.extend(s.imports.iter().filter_map(|i| i.target));
    }
    let wanted_files: HashSet<_> = wanted
        .iter()
        .map(|&sid| checked.repo.service(sid).file)
        .collect();
    let concerns = |d: &Diagnostic| match &d.loc {
        Some(loc) => wanted_files.contains(&loc.file),
        None => true,
    };
    let errors: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && concerns(d))
        .collect();
    // A named spec that holds no service failed to load: its own diagnostics say why.
    let unloaded: Vec<&PathBuf> = named
        .iter()
        .filter(|n| {
            !checked
                .repo
                .service_ids()
                .any(|sid| file_of(sid) == n.as_path())
        })
        .collect();
    let unloaded_errors: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| {
            d.is_error()
                && d.loc.as_ref().is_some_and(|l| {
                    unloaded
                        .iter()
                        .any(|n| checked.sources.path(l.file) == n.as_path())
                })
        })
        .collect();
    if !errors.is_empty() || !unloaded.is_empty() {
        let mut all: Vec<&Diagnostic> = errors;
        all.extend(unloaded_errors);
        let mut lines: Vec<String> = all.iter().map(|d| one_line(d, &checked.sources)).collect();
        if lines.is_empty() {
            lines = unloaded
                .iter()
                .map(|n| format!("{} holds no service", n.display()))
                .collect();
        }
        let mut rendered = report::render_human(all.iter().copied(), &checked.sources, false);
        if rendered.is_empty() {
            rendered = lines.join("\n") + "\n";
        }
        return Err(Error {
            rendered,
            lines,
            inputs,
        });
    }

    // Only the services asked for (and the imports they name) are emitted.
    let generated = gen::generate_tokens(&checked.repo, &settings, &|sid| wanted.contains(&sid));
    // A spec that would generate code rustc cannot compile is rejected by the generator's limits.
    let gen_errors: Vec<&Diagnostic> = generated
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && concerns(d))
        .collect();
    if !gen_errors.is_empty() {
        let lines = gen_errors
            .iter()
            .map(|d| one_line(d, &checked.sources))
            .collect();
        let rendered = report::render_human(gen_errors.iter().copied(), &checked.sources, false);
        return Err(Error {
            rendered,
            lines,
            inputs,
        });
    }
    let mut items = Vec::new();
    let mut modules = Vec::new();
    for g in &generated.services {
        let s = checked.repo.service(g.service);
        let doc = format!(
            " Service `{}` ({}), version {}.",
            s.name, s.namespace, s.version
        );
        let name = format_ident!("{}", g.module);
        let body = &g.tokens;
        items.push(quote! {
            #[doc = #doc]
            pub mod #name {
                #body
            }
        });
        modules.push(g.module.clone());
    }
    let tokens = quote!(#(#items)*);
    let warnings: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .chain(generated.diagnostics.iter())
        .filter(|d| !d.is_error() && concerns(d))
        .collect();
    let warnings = warnings
        .iter()
        .map(|d| one_line(d, &checked.sources))
        .collect();
    Ok(Expansion {
        tokens,
        modules,
        inputs,
        warnings,
    })
}

/// Generates Rust from API Builder specs in a `build.rs`, in the style of prost-build:
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), charter::build::Error> {
///     charter::Builder::new()
///         .spec("../specs/user.json")
///         .client()
///         .server()
///         .generate()
/// }
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/charter.rs"));` at the crate root
/// (or under a module named with [`Builder::root_path`]).
#[derive(Clone, Debug)]
pub struct Builder {
    specs: Vec<PathBuf>,
    settings: Settings,
    out_dir: Option<PathBuf>,
    base_dir: Option<PathBuf>,
    file_name: String,
    cargo_output: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Models only, until [`client`](Builder::client) or [`server`](Builder::server) is asked for.
    pub fn new() -> Builder {
        Builder {
            specs: Vec::new(),
            settings: Settings::default().with_client(false).with_server(false),
            out_dir: None,
            base_dir: None,
            file_name: DEFAULT_FILE.to_owned(),
            cargo_output: true,
        }
    }
    /// A spec to generate, relative to `CARGO_MANIFEST_DIR`; its directory is loaded as the repo.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Builder {
        self.specs.push(path.into());
        self
    }
    /// Also generate the typed reqwest client.
    pub fn client(mut self) -> Builder {
        self.settings.client = true;
        self
    }
    /// Also generate the axum server (a trait per resource and a router).
    pub fn server(mut self) -> Builder {
        self.settings.server = true;
        self
    }
    /// Also generate `factories` and the `mock::MockClient` (with the client it stands in for;
    /// the generated code then needs charter-runtime's `mock` feature).
    pub fn mock(mut self) -> Builder {
        self.settings.mock = true;
        self
    }
    /// Also generate typed DAOs (module `dao`, sqlx on PostgreSQL) for specs with table metadata
    /// (`psql` attribute; docs/dao.md); the generated code then needs charter-runtime's `dao`
    /// feature.
    pub fn dao(mut self) -> Builder {
        self.settings.dao = true;
        self
    }
    /// Also generate the `events` module: for every `*_event` union, its `Event` impl, a
    /// `Producer`, a consumer trait and its dispatcher (the generated code then needs
    /// charter-runtime's `events` feature).
    pub fn events(mut self) -> Builder {
        self.settings.events = true;
        self
    }
    /// Also generate `factories` (a valid value of every type), without the mock.
    pub fn factories(mut self) -> Builder {
        self.settings.factories = true;
        self
    }
    /// Where to write (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }
    /// What spec paths are relative to (default: `CARGO_MANIFEST_DIR`, else the current directory).
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.base_dir = Some(dir.into());
        self
    }
    /// Name of the written file (default `charter.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Builder {
        self.file_name = name.into();
        self
    }
    /// Types of the service `namespace` are taken from `path` (`crate::common`, `flow_common`)
    /// instead of being generated.
    pub fn crate_path(mut self, namespace: impl Into<String>, path: impl Into<String>) -> Builder {
        self.settings = self.settings.with_crate_path(namespace, path);
        self
    }
    /// The module the generated file is included in (`crate` by default; `crate::api` when it is
    /// included inside `mod api`): cross-service paths start there.
    pub fn root_path(mut self, path: impl Into<String>) -> Builder {
        self.settings = self.settings.with_root_path(path);
        self
    }
    /// Print `cargo:` lines (default on; off for use outside build scripts).
    pub fn cargo_output(mut self, on: bool) -> Builder {
        self.cargo_output = on;
        self
    }

    /// Loads, checks and generates, writing the file only when its content changed, and prints
    /// `cargo:rerun-if-changed=` for every file read (also when the specs have errors, so that
    /// fixing them re-runs the script). Warnings become `cargo:warning=` lines.
    pub fn generate(&self) -> Result<(), Error> {
        let base_dir = self
            .base_dir
            .clone()
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .unwrap_or_default();
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(d) => d,
            None => {
                return Err(Error::io(
                    "OUT_DIR is not set: call Builder::out_dir outside a build script".to_owned(),
                ))
            }
        };
        let request = Request {
            base_dir: base_dir.clone(),
            specs: self.specs.clone(),
            settings: self.settings.clone(),
        };
        let rerun = |inputs: &[PathBuf]| {
            if self.cargo_output {
                let named = self.specs.iter().map(|s| base_dir.join(s));
                let mut printed = HashSet::new();
                for path in named.chain(inputs.iter().cloned()) {
                    if printed.insert(path.clone()) {
                        println!("cargo:rerun-if-changed={}", path.display());
                    }
                }
            }
        };
        let expansion = match expand(&request) {
            Ok(x) => x,
            Err(e) => {
                rerun(&e.inputs);
                return Err(e);
            }
        };
        rerun(&expansion.inputs);
        if self.cargo_output {
            for w in &expansion.warnings {
                for line in w.lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        let file = gen::GeneratedFile {
            path: self.file_name.clone(),
            contents: expansion.code(),
        };
        gen::krate::write_changed(&out_dir, &[file]).map_err(|e| {
            Error::io(format!(
                "cannot write {}: {e}",
                out_dir.join(&self.file_name).display()
            ))
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn a_service_comes_with_its_imports_unless_mapped() {
        let request = Request {
            base_dir: specs_dir(),
            specs: vec![PathBuf::from("specs/user.json")],
            settings: Settings::default(),
        };
        let x = expand(&request).unwrap();
        assert_eq!(x.modules, ["io_charter_common_v0", "io_charter_user_v0"]);
        let code = x.code();
        assert!(code.starts_with(gen::HEADER));
        assert!(code.contains("pub mod io_charter_user_v0 {"));
        assert!(x.inputs.iter().any(|p| p.ends_with("charter.toml")));
        assert!(x.inputs.iter().any(|p| p.ends_with("order.json")));

        let mapped = Request {
            settings: Settings::default().with_crate_path("io.charter.common.v0", "crate::common"),
            ..request
        };
        let x = expand(&mapped).unwrap();
        assert_eq!(x.modules, ["io_charter_user_v0"]);
        assert!(x.code().contains("crate::common::models::Name"));
    }

    #[test]
    fn errors_are_located_in_the_spec_as_written() {
        let dir = std::env::temp_dir().join(format!("charter-build-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        std::fs::write(
            dir.join("specs/bad.json"),
            "{\n  \"name\": \"bad\",\n  \"models\": {\n    \"thing\": {\"fields\": [{\"name\": \"id\", \"type\": \"nope\"}]}\n  }\n}\n",
        )
        .unwrap();
        let request = Request {
            base_dir: dir.clone(),
            specs: vec![PathBuf::from("specs/bad.json")],
            settings: Settings::default(),
        };
        let e = expand(&request).unwrap_err();
        assert_eq!(e.lines().len(), 1, "{:?}", e.lines());
        assert!(
            e.lines()[0].starts_with("specs/bad.json:4:"),
            "{:?}",
            e.lines()
        );
        assert!(e.lines()[0].contains("error[E"), "{:?}", e.lines());
        assert!(e.to_string().contains("nope"), "{e}");

        // A minified spec (one very long line): an excerpt of the line, at the real position.
        let long = format!(
            "{{\"name\": \"min\", \"description\": \"{}\", \"models\": {{\"m\": {{\"fields\": [{{\"name\": \"a\", \"type\": \"nope\"}}]}}}}}}",
            "x".repeat(10_000)
        );
        std::fs::create_dir_all(dir.join("min")).unwrap();
        std::fs::write(dir.join("min/min.json"), long).unwrap();
        let minified = Request {
            specs: vec![PathBuf::from("min/min.json")],
            ..request.clone()
        };
        let e = expand(&minified).unwrap_err();
        assert!(
            e.lines()[0].starts_with("min/min.json:1:"),
            "{:?}",
            e.lines()
        );
        let shown = e.to_string();
        assert!(shown.contains("\"type\": \"nope\""), "{shown}");
        assert!(
            shown.len() < 3_000,
            "the long line is not drawn whole: {shown}"
        );

        let missing = Request {
            specs: vec![PathBuf::from("specs/missing.json")],
            ..request
        };
        let e = expand(&missing).unwrap_err();
        assert!(e.lines()[0].starts_with("spec specs/missing.json not found"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_builder_writes_only_when_the_content_changed() {
        let out = std::env::temp_dir().join(format!("charter-builder-{}", std::process::id()));
        let builder = Builder::new()
            .base_dir(specs_dir())
            .spec("specs/order.json")
            .client()
            .out_dir(&out)
            .cargo_output(false);
        builder.generate().unwrap();
        let path = out.join(DEFAULT_FILE);
        let first = std::fs::metadata(&path).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("pub mod io_charter_order_v0"));
        assert!(text.contains("pub mod client"));
        assert!(!text.contains("pub mod server"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        builder.generate().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), first);
        std::fs::remove_dir_all(&out).unwrap();
    }
}
