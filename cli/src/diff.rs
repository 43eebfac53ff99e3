//! `charter diff OLD NEW` and `charter diff --against REV [PATH]`.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::diff::{self, report, Class, Side};
use charter::Checked;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffFormat {
    #[default]
    Human,
    Json,
    Markdown,
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (`upload-sarif`).
    Sarif,
}

/// What fails the run. The wire axis always counts (what deployed clients and consumers feel);
/// `source` also fails on a change that breaks code using the generated client and models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// A breaking change on the wire.
    #[default]
    Breaking,
    /// A dangerous or breaking change on the wire.
    Dangerous,
    /// A breaking change on the wire or on source.
    Source,
}

impl FailOn {
    /// Whether a report fails this gate (allowed changes never count).
    pub fn fails(self, report: &diff::DiffReport) -> bool {
        match self {
            FailOn::Breaking => report.verdict() >= Class::Breaking,
            FailOn::Dangerous => report.verdict() >= Class::Dangerous,
            FailOn::Source => {
                report.verdict() >= Class::Breaking || report.source_verdict() >= Class::Breaking
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version and the new version (files or api-repo directories); with --against, only
    /// the new version (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Read the old version from this git revision (branch, tag, commit) instead of a path.
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// Exit 1 when the wire verdict is at least this severe (`source`: or the source verdict is
    /// breaking). Both axes are always reported.
    #[arg(long, value_enum, default_value_t)]
    pub fail_on: FailOn,
    /// charter.toml holding the `[diff] allow` list (default: ./charter.toml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
    /// Dangerous changes count as warnings: `--deny-warnings` fails on any, `--max-warnings N`
    /// on more than N (allowed changes never count).
    #[command(flatten)]
    pub warnings: super::WarningGate,
}

pub fn run(args: DiffArgs) -> i32 {
    // charter.toml governs the new version: discovered from its path (`--config` overrides).
    let new_path = match (&args.against, args.paths.as_slice()) {
        (None, [_, new]) => new.clone(),
        (_, [p, ..]) => p.clone(),
        _ => PathBuf::from("."),
    };
    let mut config_sources = charter::source::SourceMap::default();
    let mut config_diags = charter::diag::Diagnostics::new();
    let charter_toml = charter::config::Config::load(
        args.config.as_deref(),
        std::slice::from_ref(&new_path),
        &mut config_sources,
        &mut config_diags,
    );
    if config_diags.has_errors() {
        eprint!(
            "{}",
            charter::report::render_human(
                config_diags.as_slice(),
                &config_sources,
                super::use_color()
            )
        );
        return EXIT_USAGE;
    }
    let options = charter::Options::default()
        .with_strict_imports(args.strict_imports || charter_toml.toml.check.strict_imports);
    let (old, old_name, new, new_name) = match &args.against {
        Some(rev) => {
            if args.paths.len() > 1 {
                eprintln!("error: with --against, give at most one path (the new version)");
                return EXIT_USAGE;
            }
            let path = args
                .paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            let files = match charter::git::read_specs(rev, &path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            let old = charter::check_sources(files, &options);
            let new = charter::check(std::slice::from_ref(&path), &options);
            (
                old,
                format!("old ({rev})"),
                new,
                format!("new ({})", path.display()),
            )
        }
        None => {
            if args.paths.len() != 2 {
                eprintln!("error: give the old and the new version (charter diff OLD NEW), or use --against REV [PATH]");
                return EXIT_USAGE;
            }
            let old = charter::check(std::slice::from_ref(&args.paths[0]), &options);
            let new = charter::check(std::slice::from_ref(&args.paths[1]), &options);
            (
                old,
                format!("old ({})", args.paths[0].display()),
                new,
                format!("new ({})", args.paths[1].display()),
            )
        }
    };
    let mut bad = false;
    let json = args.format == DiffFormat::Json;
    for (checked, name) in [(&old, &old_name), (&new, &new_name)] {
        if !side_ok(checked, name, json) {
            bad = true;
        }
    }
    if bad {
        return EXIT_USAGE;
    }
    let config = &charter_toml.toml.diff;
    if let Err(e) = config.validate() {
        eprintln!(
            "error: {}: {e}",
            charter_toml
                .path
                .as_deref()
                .unwrap_or(Path::new(charter::config::FILE_NAME))
                .display()
        );
        return EXIT_USAGE;
    }
    let mut result = diff::diff(
        Side::new(&old.repo, &old.sources),
        Side::new(&new.repo, &new.sources),
    );
    for stale in config.apply(&mut result) {
        eprintln!(
            "warning: charter.toml allows {} at {}, which this diff does not report",
            stale.rule, stale.pointer
        );
    }
    match args.format {
        DiffFormat::Json => println!("{}", report::render_json(&result)),
        DiffFormat::Markdown => print!("{}", report::render_markdown(&result)),
        DiffFormat::Github => {
            print!("{}", report::render_github(&result));
            eprintln!("{}", report::summary(&result));
        }
        DiffFormat::Human => print!("{}", report::render_human(&result)),
        DiffFormat::Sarif => println!("{}", diff::sarif::render(&result, &charter_toml.docs_url())),
    }
    let dangerous = result
        .changes
        .iter()
        .filter(|c| c.allowed.is_none() && c.class == Class::Dangerous)
        .count();
    if args.fail_on.fails(&result) || !args.warnings.passes(dangerous, "dangerous change") {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Reports the diagnostics of a side that does not load or validate. Nothing is classified from a
/// half-loaded spec.
/// With `json`, the diagnostics also go to stdout as JSON (`{"diagnostics": […]}`), so a tool
/// reading `--format json` always gets JSON.
pub(crate) fn side_ok(checked: &Checked, name: &str, json: bool) -> bool {
    if checked.io_errors == 0 && !checked.has_errors() && !checked.repo.services.is_empty() {
        return true;
    }
    if checked.repo.services.is_empty() && !checked.has_errors() && checked.io_errors == 0 {
        eprintln!("error: the {name} version holds no spec");
        return false;
    }
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    eprintln!(
        "error: the {name} version does not validate ({} error(s)):",
        errors.len()
    );
    if json {
        println!(
            "{}",
            charter::report::render_json(errors.iter().copied(), &checked.sources)
        );
    }
    eprint!(
        "{}",
        charter::report::render_human(errors, &checked.sources, super::use_color())
    );
    false
}
