//! Charter: an API Builder spec compiler.
//!
//! One engine, thin front-ends (the `charter` CLI in crate `charter-cli`, the derive macro,
//! `build.rs`). The pipeline is a list of plain functions over one IR, each collecting diagnostics
//! instead of failing:
//!
//! ```text
//! load (files → JSON trees with spans)
//!   → lower (api.json | service.json → ir::Service, structural checks)
//!   → resolve (imports across the repo, type names → ids)
//!   → validate (API Builder's semantic rules)
//!   → lint / diff / trace / generate (readers of the IR)
//! ```
//!
//! [`check`] runs the front half and is what every front-end calls first; [`Builder`] (build.rs)
//! and [`build::expand`] (the `charter-macros` derive) run check and generate for `cargo build`.
//!
//! # Features
//!
//! The default is the engine alone, what build scripts and the derive need: check, lint, diff,
//! trace, generate, database and event code, OpenAPI and AsyncAPI as JSON, JSON/SARIF/GitHub
//! reports and diagnostics rendered for people. The rest is opt-in (`full` turns on all, as the
//! `charter` command does):
//!
//! - `reports`: human and Markdown reports from handlebars templates (diff, trace, verify,
//!   streams, check/lint Markdown) and the generated docs of the lint and diff rules;
//! - `site`: the documentation site (`charter docs`, [`site`]);
//! - `schema`: the JSON Schema of api.json (`charter schema`, schemars);
//! - `yaml`: OpenAPI as YAML, exported and imported (saphyr);
//! - `stub`: a stub server of one service ([`stub`], axum over `charter-runtime`);
//! - `verify`: contract verification of a provider against cassettes ([`verify`], reqwest).

pub mod build;
pub mod codes;
pub mod config;
pub mod conform;
pub mod dao;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod events;
pub mod example;
pub mod gen;
pub mod git;
pub mod graph;
pub mod ir;
pub mod json;
pub mod lint;
pub mod load;
pub mod lower;
pub mod names;
pub mod openapi;
pub mod report;
pub mod resolve;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "site")]
pub mod site;
pub mod source;
#[cfg(feature = "stub")]
pub mod stub;
pub mod trace;
pub mod validate;
#[cfg(feature = "verify")]
pub mod verify;

pub use build::Builder;
use diag::Diagnostics;
use source::SourceMap;
use std::path::PathBuf;

/// Options of the front half of the pipeline.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// An import that is not in the repo is an error instead of a warning.
    pub strict_imports: bool,
}

impl Options {
    pub fn with_strict_imports(mut self, strict: bool) -> Options {
        self.strict_imports = strict;
        self
    }
}

/// The result of loading, resolving and validating an api repo.
#[derive(Debug, Default)]
pub struct Checked {
    pub sources: SourceMap,
    pub repo: ir::Repo,
    /// Sorted by file and position.
    pub diagnostics: Diagnostics,
    /// Files that could not be read at all (I/O): the CLI exits 2 for these.
    pub io_errors: usize,
    /// Spec files found (read or not); none is a usage error for the CLI.
    pub spec_files: usize,
    /// JSON files found in directories that are not specs (a lint baseline, a SARIF report, an
    /// OpenAPI export, package.json): skipped, see [`load::looks_like_spec`].
    pub not_specs: Vec<PathBuf>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Loads every spec under `paths` (files or directories), resolves imports between them and
/// validates each one.
pub fn check(paths: &[PathBuf], options: &Options) -> Checked {
    let mut checked = Checked::default();
    check_into(&mut checked, paths, options);
    checked
}

/// [`check`] into an existing [`Checked`] (whose source map may already hold charter.toml, so
/// that configuration diagnostics and spec diagnostics share one source map).
pub fn check_into(checked: &mut Checked, paths: &[PathBuf], options: &Options) {
    let files = load::discover_found(paths, &mut checked.diagnostics, &mut checked.io_errors);
    checked.spec_files += files.len();
    load::load_all(&files, checked);
    check_loaded(checked, options);
}

/// Loads specs from memory (tests, the derive macro, git objects): `(display path, text)` pairs.
pub fn check_sources(files: Vec<(PathBuf, String)>, options: &Options) -> Checked {
    let mut checked = Checked {
        spec_files: files.len(),
        ..Checked::default()
    };
    load::load_texts(files, &mut checked);
    check_loaded(&mut checked, options);
    checked
}

pub(crate) fn check_loaded(checked: &mut Checked, options: &Options) {
    resolve::resolve(&mut checked.repo, options, &mut checked.diagnostics);
    validate::validate(&checked.repo, &mut checked.diagnostics);
    // Table metadata (`psql` attribute) of metadata specs: E20xx/W20xx, located in the attribute.
    dao::meta::plan(
        &checked.repo,
        Some(&checked.sources),
        &mut checked.diagnostics,
    );
    checked.diagnostics.sort(&checked.sources);
}
