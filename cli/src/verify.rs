//! `charter verify --cassettes DIR --spec PATH --base-url URL [--service NS] [--format …]`:
//! replays recorded interactions against a running provider and reports incompatibilities with the
//! rule ids and classes of `charter diff` ([`charter::verify`]).
//!
//! Exit codes: 0 nothing breaking (dangerous findings are reported); 1 a breaking finding, or the
//! spec does not validate; 2 usage or I/O (unreadable cassettes, an unreachable provider).

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::verify;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum VerifyFormat {
    #[default]
    Human,
    Json,
    Github,
    Markdown,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A cassette file, or a directory of them (`*.json`).
    #[arg(long, value_name = "DIR")]
    pub cassettes: PathBuf,
    /// The consumer's spec version (a spec file or an api repo directory).
    #[arg(long, value_name = "PATH")]
    pub spec: PathBuf,
    /// The running provider, e.g. `http://127.0.0.1:8080`.
    #[arg(long, value_name = "URL")]
    pub base_url: String,
    /// The service the cassettes call (namespace or name); by default the one whose operations
    /// route the most recorded requests.
    #[arg(long, value_name = "NS")]
    pub service: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: VerifyFormat,
}

pub fn run(args: VerifyArgs) -> i32 {
    let paths = [args.spec.clone()];
    let checked = charter::check(&paths, &charter::Options::default());
    if let Some(code) = super::trace::failure(&checked, &paths, super::trace::TraceFormat::Human) {
        return code;
    }
    let cassettes = match verify::load_cassettes(&args.cassettes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let sid = match verify::pick_service(&checked.repo, args.service.as_deref(), &cassettes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_USAGE;
        }
    };
    let base = args.base_url.trim_end_matches('/').to_owned();
    let http = reqwest::Client::new();
    let result = rt.block_on(verify::verify(&checked.repo, sid, &cassettes, |i| {
        verify::send(&http, &base, i.clone())
    }));
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let text = match args.format {
        VerifyFormat::Human => verify::render_human(&report),
        VerifyFormat::Json => verify::render_json(&report),
        VerifyFormat::Github => verify::render_github(&report),
        VerifyFormat::Markdown => verify::render_markdown(&report),
    };
    print!("{text}");
    if report.breaking() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
