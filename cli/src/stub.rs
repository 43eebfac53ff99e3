//! `charter stub [PATH] --service NS --addr 127.0.0.1:PORT [--cassettes DIR]`: serves one service
//! of the api repo over HTTP from its spec ([`charter::stub`]) until interrupted.
//!
//! Exit codes: 0 after a clean shutdown; 1 the specs do not validate (reported like `check`); 2 usage or I/O (an unknown
//! service, unreadable cassettes, an address that cannot be bound).

use super::EXIT_USAGE;
use charter::stub::Stub;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct StubArgs {
    /// The api repo (a directory) or spec files. Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// The service to serve: its namespace (`io.charter.user.v0`) or name.
    #[arg(long, value_name = "NS")]
    pub service: String,
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// A directory of cassettes (`*.json`, as recorded by generated clients): matching requests
    /// get the recorded answers.
    #[arg(long, value_name = "DIR")]
    pub cassettes: Option<PathBuf>,
}

pub fn run(args: StubArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (checked, _config) = super::load_repo(&paths, None, false);
    if let Some(code) = super::trace::failure(&checked, &paths, super::trace::TraceFormat::Human) {
        return code;
    }
    let mut stub = match Stub::new(checked.repo, &args.service) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Some(dir) = &args.cassettes {
        stub = match stub.with_cassettes(dir) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_USAGE;
        }
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.addr);
                return EXIT_USAGE;
            }
        };
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or(args.addr.clone());
        println!("charter stub: {} on http://{addr}", stub.namespace());
        match axum::serve(listener, stub.router()).await {
            Ok(()) => super::EXIT_OK,
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_USAGE
            }
        }
    })
}
