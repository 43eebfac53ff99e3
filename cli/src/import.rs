//! `charter import openapi FILE --out api.json [--format human|json|github]`: an OpenAPI 3.0/3.1
//! document (JSON or YAML) → an api.json, checked before it is written.

use super::{Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// OpenAPI 3.0 or 3.1, JSON or YAML. Every construct API Builder cannot express is a warning
    /// at its OpenAPI pointer that says what was done instead.
    Openapi(OpenapiArgs),
}

#[derive(Debug, Args)]
pub struct OpenapiArgs {
    /// The OpenAPI document.
    pub file: PathBuf,
    /// Where to write the api.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Output format of the findings.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: ImportArgs) -> i32 {
    match args.source {
        ImportSource::Openapi(a) => run_openapi(a),
    }
}

fn run_openapi(args: OpenapiArgs) -> i32 {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}: not UTF-8 (byte {})",
                args.file.display(),
                e.utf8_error().valid_up_to()
            );
            return EXIT_FINDINGS;
        }
    };
    let mut imported = charter::openapi::import::import(&args.file, &text);
    let mut exit = if imported.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    if let Some(api) = &imported.api_json {
        let mut out = serde_json::to_string_pretty(api).expect("json");
        out.push('\n');
        // The api.json must be accepted by `charter check`: check it before writing.
        let checked = charter::check_sources(
            vec![(args.out.clone(), out.clone())],
            &charter::Options::default(),
        );
        let offset = imported.sources.len() as u32;
        for (_, f) in checked.sources.iter() {
            imported.sources.add(&f.path, f.text.clone());
        }
        for mut d in checked.diagnostics.into_iter().filter(|d| d.is_error()) {
            if let Some(l) = &mut d.loc {
                l.file.0 += offset;
            }
            imported.diagnostics.push(d);
            exit = EXIT_FINDINGS;
        }
        if let Err(e) = std::fs::write(&args.out, out) {
            eprintln!("error: {}: {e}", args.out.display());
            return EXIT_USAGE;
        }
        if args.format == Format::Human {
            eprintln!("wrote {}", args.out.display());
        }
    }
    super::lint::print(
        args.format,
        "charter import",
        imported.diagnostics.as_slice(),
        &imported.sources,
        &charter::report::docs_url(None),
    );
    if args.format == Format::Human {
        eprintln!(
            "imported {}: {}",
            args.file.display(),
            charter::report::summary(
                imported.diagnostics.error_count(),
                imported.diagnostics.warning_count()
            )
        );
    }
    exit
}
