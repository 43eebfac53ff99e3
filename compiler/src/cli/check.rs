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
    #[command(flatten)]
    pub warnings: super::WarningGate,
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
    let (mut checked, config) =
        super::load_repo(&paths, args.config.as_deref(), args.strict_imports);
    if let Some(code) = super::no_specs(&checked, &paths) {
        return code;
    }
    let stats = (!args.no_lint).then(|| {
        let config = super::lint::load_config(&config, &mut checked.diagnostics);
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
        "charter check",
        checked.diagnostics.as_slice(),
        &checked.sources,
    );
    if args.format == Format::Human {
        eprintln!("{}", super::lint::summary(&checked, stats.as_ref()));
    }
    super::exit_code(&checked, &args.warnings)
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
