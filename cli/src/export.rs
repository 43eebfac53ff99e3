//! `charter export <format>`: one document per service in another ecosystem's format.
//! `charter export openapi [PATH]... [--service NS]... --out DIR|FILE [--format json|yaml] [--bundle]`.
//!
//! [`ExportTarget`] is a subcommand enum: each format is a variant with its own arguments.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::openapi::export::{self, ExportOptions};
use charter::report;
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: ExportTarget,
}

#[derive(Debug, Subcommand)]
pub enum ExportTarget {
    /// OpenAPI 3.1: one document per service (`<namespace>.json`), types in components.schemas,
    /// resources as tags, operations as paths; what OpenAPI cannot say in `x-apibuilder-*`.
    Openapi(OpenapiArgs),
    /// AsyncAPI 3.0: one document per service with its event streams as channels and message
    /// payloads as JSON Schema.
    Asyncapi(super::export_asyncapi::AsyncapiArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DocFormat {
    #[default]
    Json,
    Yaml,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Json => "json",
            DocFormat::Yaml => "yaml",
        }
    }
}

#[derive(Debug, Args)]
pub struct OpenapiArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Export only this service (its namespace); repeatable. Default: every service read.
    #[arg(long = "service", value_name = "NS")]
    pub services: Vec<String>,
    /// A directory (one `<namespace>.<ext>` per service) or, for one service, a file path
    /// ending in `.json`, `.yaml` or `.yml`.
    #[arg(long)]
    pub out: PathBuf,
    /// Document format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DocFormat,
    /// Inline the types of imported services (in the repo) instead of `$ref`s to their documents.
    #[arg(long)]
    pub bundle: bool,
}

pub fn run(args: ExportArgs) -> i32 {
    match args.target {
        ExportTarget::Openapi(a) => run_openapi(a),
        ExportTarget::Asyncapi(a) => super::export_asyncapi::run(a),
    }
}

fn is_file_target(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("json" | "yaml" | "yml")
    ) && !p.is_dir()
}

fn run_openapi(args: OpenapiArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
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
    let ids: Vec<_> = checked
        .repo
        .service_ids()
        .filter(|id| {
            args.services.is_empty() || args.services.contains(&checked.repo.service(*id).namespace)
        })
        .collect();
    for ns in &args.services {
        if !checked.repo.services.iter().any(|s| &s.namespace == ns) {
            eprintln!("error: no service with namespace `{ns}` was read");
            return EXIT_USAGE;
        }
    }
    if ids.is_empty() {
        eprintln!("error: no service to export");
        return EXIT_USAGE;
    }
    let file_target = is_file_target(&args.out);
    if file_target && ids.len() > 1 {
        eprintln!(
            "error: --out {} is a file but {} services would be exported; give a directory or --service",
            args.out.display(),
            ids.len()
        );
        return EXIT_USAGE;
    }
    let format = match args.out.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") if file_target => DocFormat::Yaml,
        _ => args.format,
    };
    let options = ExportOptions {
        bundle: args.bundle,
        extension: Some(format.extension().into()),
    };
    let mut warnings = Vec::new();
    for id in ids {
        let out = export::export(&checked.repo, id, &options);
        warnings.extend(out.diagnostics);
        let text = match format {
            DocFormat::Json => {
                let mut t = serde_json::to_string_pretty(&out.document).expect("json");
                t.push('\n');
                t
            }
            DocFormat::Yaml => export::to_yaml(&out.document),
        };
        let ns = &checked.repo.service(id).namespace;
        let path = if file_target {
            args.out.clone()
        } else {
            args.out.join(format!("{ns}.{}", format.extension()))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: {}: {e}", dir.display());
                return EXIT_USAGE;
            }
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: {}: {e}", path.display());
            return EXIT_USAGE;
        }
        eprintln!("wrote {}", path.display());
    }
    if !warnings.is_empty() {
        eprint!(
            "{}",
            report::render_human(&warnings, &checked.sources, super::use_color())
        );
    }
    EXIT_OK
}
