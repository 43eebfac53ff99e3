//! The `charter` command: a thin front over the `charter` library. One module per subcommand;
//! each returns the process exit code: 0 ok, 1 findings (errors, or whatever the command's failure
//! condition is), 2 usage or I/O.

mod check;
mod ci;
mod diff;
mod docs;
mod export;
mod export_asyncapi;
mod generate;
mod import;
mod lint;
mod postgres;
mod streams;
mod stub;
mod trace;
mod verify;

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
    /// The pull-request gate: check, lint, diff and trace against a base revision in one run,
    /// with GitHub annotations, a Markdown summary and one exit code.
    Ci(ci::CiArgs),
    /// Serve one service of the repo over HTTP from its spec: recorded answers where a cassette
    /// matches, else valid examples; requests validated as the generated server does.
    Stub(stub::StubArgs),
    /// Replay recorded interactions against a running provider and report incompatibilities with
    /// `charter diff`'s rule ids.
    Verify(verify::VerifyArgs),
    /// Write the documentation site of an api repo: `charter docs [PATH] --out DIR
    /// [--format html|markdown]`.
    Docs(docs::DocsArgs),
    /// The event streams of the repo (one per `*_event` union): stream names, members, payloads.
    Streams(streams::StreamsArgs),
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
    /// A Markdown section for a pull-request comment.
    Markdown,
}

/// `--deny-warnings` / `--max-warnings N`: how many warnings a run may have and still pass.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct WarningGate {
    /// Fail (exit 1) when there is any warning.
    #[arg(long, conflicts_with = "max_warnings")]
    pub deny_warnings: bool,
    /// Fail (exit 1) when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
}

impl WarningGate {
    /// The most warnings allowed, if limited.
    pub fn limit(&self) -> Option<usize> {
        if self.deny_warnings {
            Some(0)
        } else {
            self.max_warnings
        }
    }
    /// Whether `warnings` passes; prints why when it does not.
    pub fn passes(&self, warnings: usize, what: &str) -> bool {
        match self.limit() {
            Some(max) if warnings > max => {
                eprintln!(
                    "error: {warnings} {what}{} (at most {max} allowed by {})",
                    if warnings == 1 { "" } else { "s" },
                    if self.deny_warnings {
                        "--deny-warnings"
                    } else {
                        "--max-warnings"
                    }
                );
                false
            }
            _ => true,
        }
    }
}

/// The exit code of a check or lint run: I/O problems 2, errors 1, too many warnings 1, else 0.
pub fn exit_code(checked: &charter::Checked, gate: &WarningGate) -> i32 {
    if checked.io_errors > 0 {
        EXIT_USAGE
    } else if checked.has_errors() || !gate.passes(checked.diagnostics.warning_count(), "warning") {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// No spec was found under the paths (an empty directory, a typo in CI): a usage error, so a
/// mistyped path can never pass.
pub fn no_specs(checked: &charter::Checked, paths: &[std::path::PathBuf]) -> Option<i32> {
    if checked.spec_files > 0 || checked.io_errors > 0 {
        return None;
    }
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    eprintln!(
        "error: no spec found in {} (specs are .json files; hidden directories, target/ and \
         node_modules/ are skipped)",
        shown.join(", ")
    );
    Some(EXIT_USAGE)
}

fn run() -> i32 {
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
        Command::Ci(a) => ci::run(a),
        Command::Stub(a) => stub::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Docs(a) => docs::run(a),
        Command::Streams(a) => streams::run(a),
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
    }
}

/// Whether to color human output.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// What every command that reads the api repo starts with: charter.toml (discovered from the first
/// path, `--config` overriding, see [`charter::config`]) and the checked specs, in one source map.
/// `[check] strict_imports` applies to every command; `--strict-imports` turns it on too.
pub fn load_repo(
    paths: &[std::path::PathBuf],
    config: Option<&std::path::Path>,
    strict_imports: bool,
) -> (charter::Checked, charter::config::Config) {
    let mut checked = charter::Checked::default();
    let config = charter::config::Config::load(
        config,
        paths,
        &mut checked.sources,
        &mut checked.diagnostics,
    );
    let options = charter::Options::default()
        .with_strict_imports(strict_imports || config.toml.check.strict_imports);
    charter::check_into(&mut checked, paths, &options);
    (checked, config)
}

// Spec loading allocates many small strings and JSON nodes; glibc's allocator was a third of
// `charter check`'s CPU time. Only the binary chooses an allocator, never the library.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Like other Unix filters, stop quietly when the reader of our output goes away
    // (`charter trace | head`) instead of panicking in `println!` on a broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; it only resets the
    // disposition of SIGPIPE to the default (terminate), which Rust's runtime set to ignore.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(run());
}
