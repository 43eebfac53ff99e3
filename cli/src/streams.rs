//! `charter streams [PATH]... [--format human|json]`: the event stream descriptor.
//!
//! Exit codes: 0 printed (also when there is no stream); 1 the specs do not validate or an event
//! union breaks the rules streams need (E2101, E2102); 2 usage or I/O (charter.toml unreadable).

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::events::{self, descriptor, StreamOptions};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum StreamsFormat {
    #[default]
    Human,
    /// The stable JSON shape documented in README.md.
    Json,
}

#[derive(Debug, Args)]
pub struct StreamsArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: StreamsFormat,
    /// Env part of stream names (default: `[events] env` of charter.toml, else `production`).
    #[arg(long)]
    pub env: Option<String>,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
}

pub fn run(args: StreamsArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut options = match StreamOptions::from_config(&paths[0]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Some(env) = &args.env {
        options = options.with_env(env.clone());
    }
    let (checked, _config) = super::load_repo(&paths, None, args.strict_imports);
    if let Some(code) = super::trace::failure(&checked, &paths, super::trace::TraceFormat::Human) {
        return code;
    }
    let (streams, diags) = events::streams(&checked.repo, &options);
    if !diags.is_empty() {
        eprint!(
            "{}",
            charter::report::render_human(diags.iter(), &checked.sources, super::use_color())
        );
    }
    let text = match args.format {
        StreamsFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&descriptor::to_json(
                &checked.repo,
                &streams,
                &checked.sources
            ))
            .unwrap_or_default()
        ),
        StreamsFormat::Human => descriptor::render_human(&checked.repo, &streams, &checked.sources),
    };
    super::trace::emit(&text);
    if diags.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
