//! `charter export asyncapi [PATH]... [--service NS]... [--out DIR|FILE] [--env ENV]`: AsyncAPI
//! 3.0 documents of the event streams, one per service that publishes some
//! (`<namespace>.asyncapi.json`). Without `--out`, the one document is printed.
//!
//! Exit codes: 0 written; 1 the specs do not validate or an event union is broken (E2101,
//! E2102); 2 usage or I/O.
//!
//! Wiring (the lead's): a variant `Asyncapi(export_asyncapi::AsyncapiArgs)` of
//! `cli::export::ExportTarget`, dispatched to [`run`].

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::events::{self, asyncapi, StreamOptions};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AsyncapiArgs {
    /// Spec files or directories (an api repo). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Export only this service (its namespace); repeatable. Default: every service with streams.
    #[arg(long = "service", value_name = "NS")]
    pub services: Vec<String>,
    /// A directory (one `<namespace>.asyncapi.json` per service) or, for one service, a `.json`
    /// file. Default: print the one document.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Env part of stream names (default: `[events] env` of charter.toml, else `production`).
    #[arg(long)]
    pub env: Option<String>,
}

pub fn run(args: AsyncapiArgs) -> i32 {
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
    let (checked, _config) = super::load_repo(&paths, None, false);
    if let Some(code) = super::trace::failure(&checked, &paths, super::trace::TraceFormat::Human) {
        return code;
    }
    let (streams, diags) = events::streams(&checked.repo, &options);
    if !diags.is_empty() {
        eprint!(
            "{}",
            charter::report::render_human(diags.iter(), &checked.sources, super::use_color())
        );
        if diags.has_errors() {
            return EXIT_FINDINGS;
        }
    }
    let mut docs = Vec::new();
    for sid in checked.repo.service_ids() {
        let ns = &checked.repo.service(sid).namespace;
        let wanted = args.services.is_empty() || args.services.contains(ns);
        if wanted && streams.iter().any(|s| s.service == sid) {
            docs.push((ns.clone(), asyncapi::document(&checked.repo, sid, &streams)));
        }
    }
    if docs.is_empty() {
        eprintln!(
            "error: no event stream to export (no union named `*_event` in the services read)"
        );
        return EXIT_USAGE;
    }
    let text = |v: &serde_json::Value| {
        format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
    };
    match &args.out {
        None if docs.len() == 1 => super::trace::emit(&text(&docs[0].1)),
        None => {
            eprintln!(
                "error: {} services publish events: give --out DIR",
                docs.len()
            );
            return EXIT_USAGE;
        }
        Some(out) if out.extension().is_some_and(|e| e == "json") && docs.len() == 1 => {
            if let Err(e) = std::fs::write(out, text(&docs[0].1)) {
                eprintln!("error: {}: {e}", out.display());
                return EXIT_USAGE;
            }
        }
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: {}: {e}", dir.display());
                return EXIT_USAGE;
            }
            for (ns, doc) in &docs {
                let path = dir.join(format!("{ns}.asyncapi.json"));
                if let Err(e) = std::fs::write(&path, text(doc)) {
                    eprintln!("error: {}: {e}", path.display());
                    return EXIT_USAGE;
                }
            }
        }
    }
    EXIT_OK
}
