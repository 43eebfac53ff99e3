//! The command-line front-end. One module per subcommand; each returns the process exit code:
//! 0 ok, 1 findings (errors, or whatever the command's failure condition is), 2 usage or I/O.

mod check;
pub mod diff;
pub mod export;
mod generate;
pub mod import;
pub mod lint;
mod postgres;
pub mod trace;

use clap::{Parser, Subcommand, ValueEnum};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Charter: lint, diff, trace and generate Rust from API Builder specs.
#[derive(Debug, Parser)]
#[command(name = "charter", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, resolve and validate specs (files or api-repo directories).
    Check(check::CheckArgs),
    /// Print the resolved service.json form of one spec.
    Resolve(check::ResolveArgs),
    /// Print the JSON Schema of api.json, for editors.
    Schema,
    /// Generate code from specs: `charter generate rust [PATH]... --out DIR [--check]`.
    Generate(generate::GenerateArgs),
    /// Explain a diagnostic code or lint rule (e.g. `charter explain E0005`, `charter explain L0103`).
    Explain(check::ExplainArgs),
    /// Lint specs (validation first; specs with validation errors are not linted).
    Lint(lint::LintArgs),
    /// Compare two versions and classify every change (breaking, dangerous, non-breaking).
    Diff(diff::DiffArgs),
    /// Trace annotated data (default `personal_data`) through the repo: which models, operations
    /// and events carry it.
    Trace(trace::TraceArgs),
    /// Export specs to another format: `charter export openapi [PATH]... --out DIR|FILE`.
    Export(export::ExportArgs),
    /// Import another format into an api.json: `charter import openapi FILE --out api.json`.
    Import(import::ImportArgs),
}

/// Output formats shared by the commands that report diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
    Github,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(a) => check::run_check(a),
        Command::Resolve(a) => check::run_resolve(a),
        Command::Schema => check::run_schema(),
        Command::Explain(a) => check::run_explain(a),
        Command::Lint(a) => lint::run_lint(a),
        Command::Diff(a) => diff::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Trace(a) => trace::run(a),
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
    }
}

/// Whether to color human output.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}
