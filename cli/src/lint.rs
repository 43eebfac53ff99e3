//! `charter lint` (and the lint half of `charter check`).

use super::{Format, EXIT_OK, EXIT_USAGE};
use charter::diag::Diagnostic;
use charter::lint::L0004;
use charter::lint::{self, baseline::Baseline, config, LintConfig, LintStats, Preset};
use charter::report;
use charter::source::SourceMap;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The charter.toml to use, instead of the one found by walking up from the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use these presets instead of the configured ones (recommended, flow, all, none).
    #[arg(long, value_delimiter = ',')]
    pub preset: Vec<String>,
    /// Record today's findings in the baseline file and exit 0.
    #[arg(long)]
    pub write_baseline: bool,
    /// The baseline file (default: `baseline` of charter.toml, else lint-baseline.json beside it).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Ignore the baseline: report every finding.
    #[arg(long, conflicts_with = "write_baseline")]
    pub no_baseline: bool,
    /// Treat an import that is not in the repo as an error instead of a warning.
    #[arg(long)]
    pub strict_imports: bool,
    #[command(flatten)]
    pub warnings: super::WarningGate,
}

/// The lint configuration of a loaded charter.toml, with the default baseline.
pub fn load_config(
    charter_toml: &charter::config::Config,
    diags: &mut charter::diag::Diagnostics,
) -> LintConfig {
    let mut config = config::from_config(charter_toml, diags);
    // Without a `baseline` key, lint-baseline.json beside charter.toml (or in the current
    // directory) is the baseline: what `--write-baseline` writes by default.
    if config.baseline_path.is_none() {
        let path = config
            .root
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(DEFAULT_BASELINE);
        if path.is_file() {
            match Baseline::read(&path, config.root.clone()) {
                Ok(b) => config.baseline = Some(b),
                Err(e) => diags.push(
                    Diagnostic::new(
                        &L0004,
                        format!("cannot use baseline {}: {e}", path.display()),
                    )
                    .with_path(&path),
                ),
            }
        }
        config.baseline_path = Some(path);
    }
    config
}

/// The baseline file used when charter.toml names none.
pub const DEFAULT_BASELINE: &str = "lint-baseline.json";

/// Renders diagnostics in `format` to the right stream; `docs` is where Charter's docs are, for
/// the links of SARIF and Markdown (`charter::config::Config::docs_url`).
pub fn print(format: Format, title: &str, diags: &[Diagnostic], sources: &SourceMap, docs: &str) {
    match format {
        Format::Markdown => print!("{}", report::render_markdown(title, diags, sources, docs)),
        Format::Json => println!("{}", report::render_json(diags, sources)),
        Format::Github => print!("{}", report::render_github(diags, sources)),
        Format::Sarif => println!("{}", lint::sarif::render(diags, sources, docs)),
        Format::Human => eprint!(
            "{}",
            report::render_human(diags, sources, super::use_color())
        ),
    }
}

/// The summary line of human output (`services`: how many specs are reported).
pub fn summary(checked: &charter::Checked, services: usize, stats: Option<&LintStats>) -> String {
    let mut s = format!("checked {services} spec(s)");
    if let Some(st) = stats {
        s.push_str(&format!(", linted {}", st.linted));
        if st.skipped > 0 {
            s.push_str(&format!(" ({} not linted: validation errors)", st.skipped));
        }
    }
    s.push_str(": ");
    s.push_str(&report::summary(
        checked.diagnostics.error_count(),
        checked.diagnostics.warning_count(),
    ));
    if let Some(st) = stats {
        if st.baselined > 0 {
            s.push_str(&format!(", {} in baseline", st.baselined));
        }
        if st.suppressed > 0 {
            s.push_str(&format!(", {} suppressed", st.suppressed));
        }
    }
    if !checked.not_specs.is_empty() {
        let names: Vec<String> = checked
            .not_specs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        s.push_str(&format!(
            "; skipped {} JSON file(s) that are not specs: {}",
            names.len(),
            names.join(", ")
        ));
    }
    s
}

fn presets(names: &[String]) -> Result<Vec<Preset>, String> {
    let mut out = Vec::new();
    for n in names {
        match n.as_str() {
            "recommended" => out.push(Preset::Recommended),
            "flow" => out.push(Preset::Flow),
            "all" => out.extend([Preset::Recommended, Preset::Flow]),
            "none" => {}
            other => return Err(format!("unknown preset `{other}`")),
        }
    }
    Ok(out)
}

pub fn run_lint(args: LintArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut named = super::check::load_named(&paths, args.config.as_deref(), args.strict_imports);
    if let Some(code) = super::no_specs(&named.checked, &paths) {
        return code;
    }
    let mut config = load_config(&named.config, &mut named.checked.diagnostics);
    if !args.preset.is_empty() {
        match presets(&args.preset) {
            Ok(p) => config.presets = p,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if let Some(b) = &args.baseline {
        config.baseline_path = Some(b.clone());
        config.baseline = None;
        if b.exists() && !args.write_baseline {
            match Baseline::read(b, config.root.clone()) {
                Ok(bl) => config.baseline = Some(bl),
                Err(e) => {
                    eprintln!("error: cannot use baseline {}: {e}", b.display());
                    return EXIT_USAGE;
                }
            }
        }
    }
    if args.no_baseline {
        config.baseline = None;
    }
    if args.write_baseline {
        let checked = &named.checked;
        let mut findings = lint::run(
            &checked.repo,
            &checked.sources,
            &config,
            &checked.diagnostics,
        );
        let reported = named.reported_files();
        findings
            .diagnostics
            .retain(|d| d.loc.as_ref().is_none_or(|l| reported(l.file)));
        let path = config
            .baseline_path
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
        let b = Baseline::from_diagnostics(
            &findings.diagnostics,
            &checked.sources,
            config.root.clone(),
        );
        if let Err(e) = std::fs::write(&path, b.to_json()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        eprintln!("wrote {} finding(s) to {}", b.entries.len(), path.display());
        return EXIT_OK;
    }
    let checked = &mut named.checked;
    let stats = lint::lint(
        &checked.repo,
        &checked.sources,
        &config,
        &mut checked.diagnostics,
    );
    named.keep_reported();
    let services = named.reported_services();
    let checked = &mut named.checked;
    checked.diagnostics.sort(&checked.sources);
    print(
        args.format,
        "charter lint",
        checked.diagnostics.as_slice(),
        &checked.sources,
        &named.config.docs_url(),
    );
    if args.format == Format::Human {
        eprintln!("{}", summary(checked, services, Some(&stats)));
    }
    super::exit_code(&named.checked, &args.warnings)
}
