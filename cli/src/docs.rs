//! `charter docs [PATH] --out DIR [--format html|markdown]`: the documentation site of an api
//! repo (see [`charter::site`]).
//!
//! Exit codes: 0 the site was written; 1 the specs do not validate (reported like `check`);
//! 2 usage or I/O errors.

use super::{EXIT_OK, EXIT_USAGE};
use charter::site::{self, Graphviz, History};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DocsFormat {
    /// A static site: opens from the file system or any static host.
    #[default]
    Html,
    /// The same content as Markdown files, for a wiki or a repo.
    Markdown,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// A spec file or an api-repo directory. Defaults to the current directory.
    pub path: Option<PathBuf>,
    /// Where to write the site (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DocsFormat,
    /// The annotation the data map follows.
    #[arg(long, value_name = "NAME", default_value = charter::trace::DEFAULT_ANNOTATION)]
    pub annotation: String,
    /// Draw no data-map diagram (the plain list only), even when Graphviz is installed.
    #[arg(long)]
    pub no_diagram: bool,
    /// Leave out the change history (otherwise read from the git history of PATH).
    #[arg(long)]
    pub no_history: bool,
    /// Compare at most this many commits of history, newest first.
    #[arg(long, value_name = "N", default_value_t = site::history::DEFAULT_DEPTH)]
    pub history_depth: usize,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
}

pub fn run(args: DocsArgs) -> i32 {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let paths = vec![path.clone()];
    let (checked, config) = super::load_repo(&paths, None, args.strict_imports);
    let options = charter::Options::default()
        .with_strict_imports(args.strict_imports || config.toml.check.strict_imports);
    if let Some(code) = super::trace::failure(&checked, &paths, super::trace::TraceFormat::Human) {
        return code;
    }
    let history = if args.no_history {
        History::unavailable("The change history was left out (--no-history).")
    } else {
        site::history::read(&path, args.history_depth, &options)
    };
    let site_options = site::Options {
        annotation: args.annotation,
        graphviz: if args.no_diagram {
            Graphviz::Off
        } else {
            Graphviz::Auto
        },
    };
    let format = match args.format {
        DocsFormat::Html => site::Format::Html,
        DocsFormat::Markdown => site::Format::Markdown,
    };
    let model = site::build(&checked.repo, &history, &site_options, format);
    if let Some(note) = &model.data_map.diagram_note {
        eprintln!("note: {note}");
    }
    let output = match site::render(&model, format) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Err(e) = output.write(&args.out) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return EXIT_USAGE;
    }
    eprintln!(
        "wrote {} files for {} service(s) to {}",
        output.files.len(),
        model.services.len(),
        args.out.display()
    );
    EXIT_OK
}
