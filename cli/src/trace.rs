//! `charter trace [--annotation NAME] [--format human|json|markdown|dot] [--against REV] [PATH]...`
//!
//! Exit codes: 0 the trace was printed (finding personal data is not a failure); 1 the specs do not
//! validate, or, with `--against`, personal data newly flows somewhere; 2 usage or I/O errors
//! (including an old revision that cannot be read or does not validate).

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::trace::{self, against, render, TraceOptions};
use charter::Checked;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum TraceFormat {
    /// A readable tree per service.
    #[default]
    Human,
    /// The stable JSON shape documented in README.md.
    Json,
    /// A data map for a privacy officer: what each service receives, returns, emits and stores.
    Markdown,
    /// Graphviz.
    Dot,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// The annotation that marks the fields to trace.
    #[arg(long, value_name = "NAME", default_value = trace::DEFAULT_ANNOTATION)]
    pub annotation: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: TraceFormat,
    /// List only where the data newly flows compared with this git revision (branch, tag,
    /// commit); exit 1 when it does.
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
}

pub fn run(args: TraceArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.against.is_some() && args.format == TraceFormat::Dot {
        eprintln!("error: --against lists new flows; use --format human, json or markdown");
        return EXIT_USAGE;
    }
    let (checked, config) = super::load_repo(&paths, None, args.strict_imports);
    let options = charter::Options::default()
        .with_strict_imports(args.strict_imports || config.toml.check.strict_imports);
    if let Some(code) = failure(&checked, &paths, args.format) {
        return code;
    }
    // Tables of the repo's metadata specs (the `psql` attribute): where personal data is stored.
    let (storage, _) = charter::dao::plan_checked(&checked);
    let trace_options = TraceOptions {
        annotation: args.annotation.clone(),
        storage: Some(&storage),
    };
    let result = trace::trace(&checked.repo, &trace_options);
    if !declared(&checked, &args.annotation) {
        eprintln!(
            "warning: no service declares the annotation `{}`",
            args.annotation
        );
    }
    let Some(rev) = &args.against else {
        print(&result, &checked, args.format);
        return EXIT_OK;
    };
    if paths.len() > 1 {
        eprintln!("error: with --against, give at most one path");
        return EXIT_USAGE;
    }
    let files = match charter::git::read_specs(rev, &paths[0]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let old = charter::check_sources(files, &options);
    if !super::diff::side_ok(
        &old,
        &format!("old ({rev})"),
        args.format == TraceFormat::Json,
    ) {
        return EXIT_USAGE;
    }
    let old_trace = trace::trace(&old.repo, &trace_options);
    let flows = against::new_flows(&old_trace, &result);
    match args.format {
        TraceFormat::Json => {
            let mut v = render::to_json(&flows, &checked.sources);
            v["against"] = serde_json::Value::String(rev.clone());
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        TraceFormat::Markdown => emit(&render::render_markdown_against(
            &flows,
            &checked.sources,
            rev,
        )),
        _ => emit(&render::render_human_against(&flows, &checked.sources, rev)),
    }
    if against::any(&flows) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn print(result: &trace::Trace, checked: &Checked, format: TraceFormat) {
    emit(&match format {
        TraceFormat::Human => render::render_human(result, &checked.sources),
        TraceFormat::Json => format!("{}\n", render::render_json(result, &checked.sources)),
        TraceFormat::Markdown => render::render_markdown(result, &checked.sources),
        TraceFormat::Dot => render::render_dot(result),
    });
}

/// Writes to stdout; a closed pipe (`charter trace | head`) is not an error worth a panic.
pub(super) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Reports what stops the trace, as `check` reports it; returns the exit code.
/// Specs that do not validate are reported like `check` (JSON diagnostics on stdout with
/// `--format json`, never only human text on stderr).
pub(crate) fn failure(checked: &Checked, paths: &[PathBuf], format: TraceFormat) -> Option<i32> {
    if checked.io_errors == 0 && !checked.has_errors() {
        if let Some(code) = super::no_specs(checked, paths) {
            return Some(code);
        }
        if checked.repo.services.is_empty() {
            eprintln!("error: no spec found");
            return Some(EXIT_USAGE);
        }
        return None;
    }
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if format == TraceFormat::Json {
        println!("{}", charter::report::render_json(errors, &checked.sources));
    } else {
        eprint!(
            "{}",
            charter::report::render_human(errors, &checked.sources, super::use_color())
        );
    }
    Some(if checked.io_errors > 0 {
        EXIT_USAGE
    } else {
        EXIT_FINDINGS
    })
}

/// Whether some service declares (or imports) the annotation.
fn declared(checked: &Checked, annotation: &str) -> bool {
    checked.repo.services.iter().any(|s| {
        s.annotations.iter().any(|a| a.name == annotation)
            || s.imports
                .iter()
                .any(|i| i.annotations.iter().any(|a| a.name == annotation))
    })
}
