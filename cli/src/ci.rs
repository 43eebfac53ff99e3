//! `charter ci --base REV [PATH]`: the api repo's pull-request gate in one command.
//!
//! Loads the repo once (charter.toml and the specs), then runs check and lint on it, diff against
//! `REV` (read from git objects) and the personal-data trace against `REV`. Writes GitHub
//! annotations on stdout (diagnostics, then changes), a Markdown summary fit for a PR comment
//! (`--summary FILE`, e.g. `$GITHUB_STEP_SUMMARY`), and exits by the combined verdict: 2 usage or
//! I/O (a missing revision, no spec), 1 when a spec has an error, a change is breaking (or
//! dangerous with `--fail-on dangerous`), or there are more warnings than allowed, else 0. New
//! personal-data flows are listed for review; they fail only with `--fail-on-new-flows`.

use super::{WarningGate, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::diff::{self, Side};
use charter::trace::{self, against, render, TraceOptions};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CiArgs {
    /// The api repo (a directory or spec files' directory); default: the current directory.
    pub path: Option<PathBuf>,
    /// The revision the pull request is compared with (e.g. `origin/main`).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// Also write the Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The charter.toml to use (default: found by walking up from PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
    /// Fail on dangerous changes too, not only breaking ones.
    #[arg(long, value_enum, default_value_t)]
    pub fail_on: super::diff::FailOn,
    /// Fail when personal data newly flows (a new annotated field, model, operation or event).
    #[arg(long)]
    pub fail_on_new_flows: bool,
    #[command(flatten)]
    pub warnings: WarningGate,
}

pub fn run(args: CiArgs) -> i32 {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let paths = vec![path.clone()];
    let (mut checked, charter_toml) =
        super::load_repo(&paths, args.config.as_deref(), args.strict_imports);
    if let Some(code) = super::no_specs(&checked, &paths) {
        return code;
    }
    if let Err(e) = charter_toml.toml.diff.validate() {
        eprintln!("error: charter.toml: {e}");
        return EXIT_USAGE;
    }
    // check + lint
    let lint_config = super::lint::load_config(&charter_toml, &mut checked.diagnostics);
    charter::lint::lint(
        &checked.repo,
        &checked.sources,
        &lint_config,
        &mut checked.diagnostics,
    );
    checked.diagnostics.sort(&checked.sources);
    let diags = checked.diagnostics.as_slice();
    print!(
        "{}",
        charter::report::render_github(diags, &checked.sources)
    );
    let mut summary = charter::report::render_markdown(
        "charter check",
        diags,
        &checked.sources,
        &charter_toml.docs_url(),
    );

    // the base revision
    let options = charter::Options::default()
        .with_strict_imports(args.strict_imports || charter_toml.toml.check.strict_imports);
    let base = match charter::git::read_specs(&args.base, &path) {
        Ok(files) => Some(charter::check_sources(files, &options)),
        Err(e) if e.starts_with("no .json spec") => None, // the specs are new in this change
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut failed = checked.has_errors()
        || !args
            .warnings
            .passes(checked.diagnostics.warning_count(), "warning");
    summary.push('\n');
    let comparable = !checked.has_errors() && base.as_ref().is_none_or(|b| !b.has_errors());
    match (&base, comparable) {
        (Some(old), true) => {
            // diff
            let mut result = diff::diff(
                Side::new(&old.repo, &old.sources),
                Side::new(&checked.repo, &checked.sources),
            );
            charter_toml.toml.diff.apply(&mut result);
            print!("{}", diff::report::render_github(&result));
            summary.push_str(&diff::report::render_markdown(&result));
            failed |= args.fail_on.fails(&result);
            // trace
            let trace_options = TraceOptions {
                annotation: "personal_data".into(),
                storage: None,
            };
            let flows = against::new_flows(
                &trace::trace(&old.repo, &trace_options),
                &trace::trace(&checked.repo, &trace_options),
            );
            summary.push('\n');
            summary.push_str(&render::render_markdown_against(
                &flows,
                &checked.sources,
                &args.base,
            ));
            failed |= args.fail_on_new_flows && against::any(&flows);
        }
        (None, _) => summary.push_str(&format!(
            "No spec under `{}` at `{}`: nothing to compare (the specs are new).\n",
            path.display(),
            args.base
        )),
        (Some(old), false) => {
            if old.has_errors() {
                eprint!(
                    "{}",
                    charter::report::render_human(
                        old.diagnostics.iter().filter(|d| d.is_error()),
                        &old.sources,
                        false
                    )
                );
            }
            summary.push_str(&format!(
                "Diff and trace against `{}` skipped: {} does not validate.\n",
                args.base,
                if checked.has_errors() {
                    "this change"
                } else {
                    "the base revision"
                }
            ));
        }
    }
    summary.push_str(&format!(
        "\n**charter ci: {}**\n",
        if failed { "failed" } else { "passed" }
    ));
    if let Some(file) = &args.summary {
        use std::io::Write;
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(summary.as_bytes()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", file.display());
            return EXIT_USAGE;
        }
    } else {
        eprint!("{summary}");
    }
    if checked.io_errors > 0 {
        EXIT_USAGE
    } else if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
