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
    let options = crate::Options::default().with_strict_imports(args.strict_imports);
    let checked = crate::check(&paths, &options);
    let diags = checked.diagnostics.as_slice();
    match args.format {
        Format::Json => println!("{}", report::render_json(diags, &checked.sources)),
        Format::Github => print!("{}", report::render_github(diags, &checked.sources)),
        Format::Human => {
            eprint!(
                "{}",
                report::render_human(diags, &checked.sources, super::use_color())
            );
            eprintln!(
                "checked {} spec(s): {}",
                checked.repo.services.len(),
                report::summary(
                    checked.diagnostics.error_count(),
                    checked.diagnostics.warning_count()
                )
            );
        }
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
    match crate::codes::lookup(&args.code) {
        Some(c) => {
            println!(
                "{} ({}): {}\n\n{}",
                c.code,
                c.severity.as_str(),
                c.summary,
                c.explain
            );
            EXIT_OK
        }
        None => {
            eprintln!("error: unknown code `{}`", args.code);
            EXIT_USAGE
        }
    }
}
