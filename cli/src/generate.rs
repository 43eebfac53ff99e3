//! `charter generate rust [PATH]... --out DIR [--check] [--server] [--mock] [--events]`
//! (`charter generate postgres`: [`super::postgres`]).

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::gen::{self, krate};
use charter::report;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    Rust,
    /// SQL migrations of the metadata specs (`psql` attribute); see docs/dao.md.
    Postgres,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    pub target: Target,
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Directory of the generated crate.
    #[arg(long)]
    pub out: PathBuf,
    /// Write nothing: exit 1 and print a unified diff when the files in --out are stale.
    #[arg(long)]
    pub check: bool,
    /// Package name of the generated crate (default: the --out directory name).
    #[arg(long)]
    pub name: Option<String>,
    /// The `runtime/` directory of a Charter checkout, for the generated crate's dependency on
    /// charter-runtime (not published on crates.io). Default: found by walking up from --out,
    /// then from the current directory; written relative to --out.
    #[arg(long, value_name = "DIR")]
    pub runtime_path: Option<PathBuf>,
    /// Also generate the axum server.
    #[arg(long)]
    pub server: bool,
    /// Also generate `factories` and a `MockClient` (module `mock`) for tests; the crate then
    /// enables charter-runtime's `mock` feature.
    #[arg(long)]
    pub mock: bool,
    /// Also generate the `events` module (producer, consumer trait and dispatcher of every
    /// `*_event` union; stream names use `[events] env` of charter.toml); the crate then enables
    /// charter-runtime's `events` feature.
    #[arg(long)]
    pub events: bool,
    /// charter.toml with `[generate.rust.crates]` namespace → crate path mappings and
    /// `[generate.rust] redacted_annotations` (default: ./charter.toml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub postgres: super::postgres::PostgresArgs,
}

/// Reads `[generate.rust.crates]` and `[generate.rust] redacted_annotations` (the field
/// annotations that mark personal data, `["personal_data"]` by default) of charter.toml.
fn settings(args: &GenerateArgs, paths: &[PathBuf]) -> Result<gen::Settings, String> {
    let mut settings = gen::Settings::default()
        .with_server(args.server)
        .with_mock(args.mock)
        .with_events(args.events)
        .with_dao(args.postgres.dao);
    let mut sources = charter::source::SourceMap::default();
    let mut diags = charter::diag::Diagnostics::new();
    let config =
        charter::config::Config::load(args.config.as_deref(), paths, &mut sources, &mut diags);
    if diags.has_errors() {
        return Err(
            charter::report::render_human(diags.as_slice(), &sources, false)
                .trim_end()
                .to_string(),
        );
    }
    settings.stream_options = charter::events::StreamOptions::from_toml(config.text())
        .map_err(|e| format!("charter.toml: {e}"))?;
    let rust = &config.toml.generate.rust;
    if let Some(names) = &rust.redacted_annotations {
        settings = settings.with_redacted_annotations(names.clone());
    }
    for (ns, p) in &rust.crates {
        settings = settings.with_crate_path(ns.clone(), p.clone());
    }
    Ok(settings)
}

/// The generated crate's dependency on charter-runtime: `--runtime-path`, else the `runtime/`
/// of the Charter checkout that contains `--out`; written relative to `--out` so the crate builds
/// wherever the checkout is cloned.
fn runtime_dep(args: &GenerateArgs) -> Result<krate::RuntimeDep, String> {
    let dir = match &args.runtime_path {
        Some(p) => {
            if !p.join("Cargo.toml").is_file() {
                return Err(format!(
                    "--runtime-path {}: no Cargo.toml there; pass the `runtime/` directory of a Charter checkout",
                    p.display()
                ));
            }
            p.clone()
        }
        None => krate::find_runtime(&args.out)
            .or_else(|| krate::find_runtime(Path::new(".")))
            .ok_or_else(|| {
            format!(
                "the generated crate needs charter-runtime, which is not on crates.io, and neither {} nor the current directory is inside a Charter checkout\n  \
                 help: pass --runtime-path DIR, the `runtime/` directory of a Charter checkout \
                 (git clone the Charter repository)",
                args.out.display()
            )
        })?,
    };
    Ok(krate::RuntimeDep::Path(krate::relative_path(
        &args.out, &dir,
    )))
}

pub fn run(args: GenerateArgs) -> i32 {
    if args.target == Target::Postgres {
        return super::postgres::run(&args);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = match settings(&args, &paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let checked = charter::check(&paths, &charter::Options::default());
    if checked.has_errors() || checked.io_errors > 0 {
        eprint!(
            "{}",
            report::render_human(
                checked.diagnostics.as_slice(),
                &checked.sources,
                super::use_color()
            )
        );
        return if checked.io_errors > 0 {
            EXIT_USAGE
        } else {
            EXIT_FINDINGS
        };
    }
    let generated = gen::generate(&checked.repo, &settings);
    if !generated.diagnostics.is_empty() {
        eprint!(
            "{}",
            report::render_human(
                generated.diagnostics.as_slice(),
                &checked.sources,
                super::use_color()
            )
        );
        if generated.diagnostics.has_errors() {
            return EXIT_FINDINGS;
        }
    }
    // Beyond the generator's limits (E12xx): nothing is written.
    if generated.diagnostics.iter().any(|d| d.is_error()) {
        return EXIT_FINDINGS;
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.out
            .file_name()
            .map(|n| n.to_string_lossy().replace('_', "-"))
            .unwrap_or_else(|| "generated".to_owned())
    });
    let runtime = match runtime_dep(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let files = krate::krate(&generated, &name, &runtime);
    if args.check {
        let diff = krate::stale_diff(&args.out, &files);
        if diff.is_empty() {
            eprintln!("{} is up to date", args.out.display());
            return EXIT_OK;
        }
        print!("{diff}");
        eprintln!(
            "{} is stale: run `charter generate rust` without --check",
            args.out.display()
        );
        return EXIT_FINDINGS;
    }
    match krate::write_changed(&args.out, &files) {
        Ok(n) => {
            let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
            eprintln!(
                "generated {} service(s) into {}: {n} file(s) written, {lines} lines",
                generated.modules.len(),
                args.out.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.out.display());
            EXIT_USAGE
        }
    }
}
