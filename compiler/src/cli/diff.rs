//! `charter diff OLD NEW` and `charter diff --against REV [PATH]`.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::diff::{self, config::DiffConfig, report, Class, Side};
use crate::Checked;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffFormat {
    #[default]
    Human,
    Json,
    Markdown,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    #[default]
    Breaking,
    Dangerous,
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
    /// Exit 1 when the verdict is at least this severe.
    #[arg(long, value_enum, default_value_t)]
    pub fail_on: FailOn,
    /// charter.toml holding the `[diff] allow` list (default: ./charter.toml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
}

pub fn run(args: DiffArgs) -> i32 {
    let options = crate::Options::default().with_strict_imports(args.strict_imports);
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
            let files = match crate::git::read_specs(rev, &path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            let old = crate::check_sources(files, &options);
            let new = crate::check(std::slice::from_ref(&path), &options);
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
            let old = crate::check(std::slice::from_ref(&args.paths[0]), &options);
            let new = crate::check(std::slice::from_ref(&args.paths[1]), &options);
            (
                old,
                format!("old ({})", args.paths[0].display()),
                new,
                format!("new ({})", args.paths[1].display()),
            )
        }
    };
    let mut bad = false;
    for (checked, name) in [(&old, &old_name), (&new, &new_name)] {
        if !side_ok(checked, name) {
            bad = true;
        }
    }
    if bad {
        return EXIT_USAGE;
    }
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut result = diff::diff(
        Side::new(&old.repo, &old.sources),
        Side::new(&new.repo, &new.sources),
    );
    // Database changes of metadata specs (`psql` attribute), rules DB0xx (crate::dao::diff).
    result.changes.extend(crate::dao::diff::compare(
        Side::new(&old.repo, &old.sources),
        Side::new(&new.repo, &new.sources),
    ));
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
    }
    let threshold = match args.fail_on {
        FailOn::Breaking => Class::Breaking,
        FailOn::Dangerous => Class::Dangerous,
    };
    if result.verdict() >= threshold {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Reports the diagnostics of a side that does not load or validate. Nothing is classified from a
/// half-loaded spec.
pub(crate) fn side_ok(checked: &Checked, name: &str) -> bool {
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
    eprint!(
        "{}",
        crate::report::render_human(errors, &checked.sources, super::use_color())
    );
    false
}

fn load_config(path: Option<&Path>) -> Result<DiffConfig, String> {
    let (path, must_exist) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("charter.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => diff::config::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(_) if !must_exist => Ok(DiffConfig::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}
