//! `charter check`, `charter resolve`, `charter schema`, `charter explain`.

use super::{Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::report;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
    /// Validate only: do not run the linter.
    #[arg(long)]
    pub no_lint: bool,
    /// The charter.toml to use for linting (default: found by walking up from the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The spec to resolve (api.json or service.json); other specs it imports are looked up in
    /// the directories given with --repo.
    pub file: PathBuf,
    /// Directories of the api repo, searched for imported specs.
    #[arg(long)]
    pub repo: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code, e.g. E0005.
    pub code: String,
}

pub fn run_check(args: CheckArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let strict = args.strict_imports || strict_imports_in_config(args.config.as_deref(), &paths);
    let options = crate::Options::default().with_strict_imports(strict);
    let mut checked = crate::check(&paths, &options);
    let stats = (!args.no_lint).then(|| {
        let config = super::lint::load_config(
            args.config.as_deref(),
            &paths,
            &mut checked.sources,
            &mut checked.diagnostics,
        );
        let stats = crate::lint::lint(
            &checked.repo,
            &checked.sources,
            &config,
            &mut checked.diagnostics,
        );
        checked.diagnostics.sort(&checked.sources);
        stats
    });
    super::lint::print(
        args.format,
        checked.diagnostics.as_slice(),
        &checked.sources,
    );
    if args.format == Format::Human {
        eprintln!("{}", super::lint::summary(&checked, stats.as_ref()));
    }
    if checked.io_errors > 0 {
        EXIT_USAGE
    } else if checked.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

pub fn run_resolve(args: ResolveArgs) -> i32 {
    let mut paths = vec![args.file.clone()];
    paths.extend(args.repo);
    let checked = crate::check(&paths, &crate::Options::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        eprint!(
            "{}",
            report::render_human(errors, &checked.sources, super::use_color())
        );
        return if checked.io_errors > 0 {
            EXIT_USAGE
        } else {
            EXIT_FINDINGS
        };
    }
    let Some(id) = checked.repo.service_ids().next() else {
        eprintln!("error: {} holds no service", args.file.display());
        return EXIT_FINDINGS;
    };
    let value = crate::emit::service_json::to_value(&checked.repo, id);
    println!("{}", serde_json::to_string_pretty(&value).expect("json"));
    EXIT_OK
}

pub fn run_schema() -> i32 {
    println!(
        "{}",
        serde_json::to_string_pretty(&crate::schema::api_json_schema()).expect("json")
    );
    EXIT_OK
}

pub fn run_explain(args: ExplainArgs) -> i32 {
    match crate::codes::explain(&args.code) {
        Some(text) => {
            println!("{text}");
            EXIT_OK
        }
        None => {
            eprintln!("error: unknown code `{}`", args.code);
            EXIT_USAGE
        }
    }
}

/// `[check] strict_imports = true` in the api repo's charter.toml (found as lint finds it).
/// An unreadable or malformed file is reported by the lint configuration loader.
pub fn strict_imports_in_config(explicit: Option<&std::path::Path>, paths: &[PathBuf]) -> bool {
    let found = explicit
        .map(std::path::Path::to_path_buf)
        .or_else(|| paths.first().and_then(|p| crate::lint::config::discover(p)));
    let Some(text) = found.and_then(|p| std::fs::read_to_string(p).ok()) else {
        return false;
    };
    toml::from_str::<toml::Value>(&text)
        .ok()
        .and_then(|v| v.get("check")?.get("strict_imports")?.as_bool())
        .unwrap_or(false)
}
