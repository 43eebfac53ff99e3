//! Charter: an API Builder spec compiler.
//!
//! One engine, thin front-ends (the `charter` CLI, the derive macro, `build.rs`). The pipeline is a
//! list of plain functions over one IR, each collecting diagnostics instead of failing:
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

pub mod build;
pub mod cli;
pub mod codes;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod example;
pub mod gen;
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
pub mod schema;
pub mod source;
pub mod trace;
pub mod validate;

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
    let files = load::discover(paths, &mut checked.diagnostics, &mut checked.io_errors);
    for path in files {
        load::load_file(&path, &mut checked);
    }
    check_loaded(&mut checked, options);
    checked
}

/// Loads specs from memory (tests, the derive macro, git objects): `(display path, text)` pairs.
pub fn check_sources(files: Vec<(PathBuf, String)>, options: &Options) -> Checked {
    let mut checked = Checked::default();
    for (path, text) in files {
        load::load_text(&path, text, &mut checked);
    }
    check_loaded(&mut checked, options);
    checked
}

pub(crate) fn check_loaded(checked: &mut Checked, options: &Options) {
    resolve::resolve(&mut checked.repo, options, &mut checked.diagnostics);
    validate::validate(&checked.repo, &mut checked.diagnostics);
    relax_resolved_form_names(checked);
    checked.diagnostics.sort(&checked.sources);
}

/// A service.json was produced and stored by API Builder, which accepted it under the name rules of
/// its day (enum values such as `Hazardous Material` were once allowed). Identifier rules (E02xx) on
/// that form are reported as warnings, so real stored specs still load; api.json input, which a
/// person is writing now, gets them as errors. Recorded in docs/compatibility.md.
fn relax_resolved_form_names(checked: &mut Checked) {
    let resolved_files: std::collections::HashSet<source::FileId> = checked
        .repo
        .services
        .iter()
        .filter(|s| s.form == ir::Form::ServiceJson)
        .map(|s| s.file)
        .collect();
    if resolved_files.is_empty() {
        return;
    }
    let items = std::mem::take(&mut checked.diagnostics).into_vec();
    for mut d in items {
        let relaxed = d.code.starts_with("E02")
            && d.loc
                .as_ref()
                .is_some_and(|l| resolved_files.contains(&l.file));
        if relaxed {
            d.severity = diag::Severity::Warning;
            d.help = Some(format!(
                "{} (a warning here: this service.json was accepted by API Builder under older name rules)",
                d.help.as_deref().unwrap_or("rename it")
            ));
        }
        checked.diagnostics.push(d);
    }
}
