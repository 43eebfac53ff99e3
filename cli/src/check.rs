//! `charter check`, `charter resolve`, `charter schema`, `charter explain`.

use super::{Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::diag::Diagnostics;
use charter::report;
use charter::source::FileId;
use clap::Args;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
    /// The organization key written into the output when the spec does not carry one (the
    /// api.json form never does: API Builder takes it from the upload). Default: derived from
    /// the namespace.
    #[arg(long, value_name = "KEY")]
    pub organization: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code, e.g. E0005.
    pub code: String,
}

/// The specs `check` and `lint` report on, loaded with their context.
pub struct Named {
    pub checked: charter::Checked,
    pub config: charter::config::Config,
    /// The files whose findings are reported; `None` when only directories were named (all).
    reported: Option<HashSet<FileId>>,
}

impl Named {
    /// Whether findings in a file are reported: a named spec, or charter.toml.
    pub fn reported_files(&self) -> impl Fn(FileId) -> bool + '_ {
        move |file| {
            self.reported.as_ref().is_none_or(|r| r.contains(&file))
                || Some(file) == self.config.file
        }
    }

    /// Drops the diagnostics located in specs that were loaded only to provide imports.
    pub fn keep_reported(&mut self) {
        if self.reported.is_none() {
            return;
        }
        let diags = std::mem::take(&mut self.checked.diagnostics).into_vec();
        let kept: Vec<_> = {
            let reported = self.reported_files();
            diags
                .into_iter()
                .filter(|d| d.loc.as_ref().is_none_or(|l| reported(l.file)))
                .collect()
        };
        let mut diags = Diagnostics::new();
        diags.extend(kept);
        self.checked.diagnostics = diags;
    }

    /// How many of the loaded services are reported.
    pub fn reported_services(&self) -> usize {
        match &self.reported {
            Some(r) => self
                .checked
                .repo
                .services
                .iter()
                .filter(|s| r.contains(&s.file))
                .count(),
            None => self.checked.repo.services.len(),
        }
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Loads `paths` for `check` and `lint`. A named file comes with the specs beside it — the
/// directory of charter.toml when the file is below it, else the file's own directory — so that
/// its imports resolve as they do when the whole repo is checked; only the named files (and
/// every spec of a named directory) are reported.
pub fn load_named(paths: &[PathBuf], config: Option<&Path>, strict_imports: bool) -> Named {
    let mut checked = charter::Checked::default();
    let config = charter::config::Config::load(
        config,
        paths,
        &mut checked.sources,
        &mut checked.diagnostics,
    );
    let options = charter::Options::default()
        .with_strict_imports(strict_imports || config.toml.check.strict_imports);
    let root = config.root.as_deref().map(canonical);
    let files: Vec<&PathBuf> = paths.iter().filter(|p| p.is_file()).collect();
    let mut all = paths.to_vec();
    for f in &files {
        let dir = match &root {
            Some(r) if canonical(f).starts_with(r) => config.root.clone().unwrap_or_default(),
            _ => match f.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            },
        };
        if !all.iter().any(|p| canonical(p) == canonical(&dir)) {
            all.push(dir);
        }
    }
    charter::check_into(&mut checked, &all, &options);
    let reported = (!files.is_empty()).then(|| {
        let named: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
        checked
            .sources
            .iter()
            .filter(|(_, f)| {
                let c = canonical(&f.path);
                named
                    .iter()
                    .any(|n| c == *n || (n.is_dir() && c.starts_with(n)))
            })
            .map(|(id, _)| id)
            .collect()
    });
    Named {
        checked,
        config,
        reported,
    }
}

pub fn run_check(args: CheckArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut named = load_named(&paths, args.config.as_deref(), args.strict_imports);
    if let Some(code) = super::no_specs(&named.checked, &paths) {
        return code;
    }
    let stats = (!args.no_lint).then(|| {
        let checked = &mut named.checked;
        let config = super::lint::load_config(&named.config, &mut checked.diagnostics);
        charter::lint::lint(
            &checked.repo,
            &checked.sources,
            &config,
            &mut checked.diagnostics,
        )
    });
    named.keep_reported();
    let services = named.reported_services();
    let checked = &mut named.checked;
    checked.diagnostics.sort(&checked.sources);
    super::lint::print(
        args.format,
        "charter check",
        checked.diagnostics.as_slice(),
        &checked.sources,
        &named.config.docs_url(),
    );
    if args.format == Format::Human {
        eprintln!(
            "{}",
            super::lint::summary(checked, services, stats.as_ref())
        );
    }
    super::exit_code(&named.checked, &args.warnings)
}

pub fn run_resolve(args: ResolveArgs) -> i32 {
    let mut paths = vec![args.file.clone()];
    paths.extend(args.repo);
    let checked = charter::check(&paths, &charter::Options::default());
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
    let (value, notes) =
        charter::emit::service_json::resolved(&checked.repo, id, args.organization.as_deref());
    for n in notes {
        eprintln!("note: {n}");
    }
    println!("{}", serde_json::to_string_pretty(&value).expect("json"));
    EXIT_OK
}

pub fn run_schema() -> i32 {
    println!(
        "{}",
        serde_json::to_string_pretty(&charter::schema::api_json_schema()).expect("json")
    );
    EXIT_OK
}

pub fn run_explain(args: ExplainArgs) -> i32 {
    match charter::codes::explain(&args.code) {
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
