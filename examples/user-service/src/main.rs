//! `cargo run -p user-service -- --addr 127.0.0.1:8080`: the example `user` service, in memory;
//! with `--database-url postgres://…/db`, on PostgreSQL through the generated DAO.
//! Logs go to stderr (`RUST_LOG`, default `info`): one line per request with its method, route
//! template, request id, status and latency, never a URI, query, header or body.

use clap::Parser;

#[derive(Parser)]
#[command(
    about = "The example api repo's user service (specs/user.json), generated server over an in-memory store or PostgreSQL"
)]
struct Args {
    /// Address to listen on (port 0: any free port; the chosen one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Keep users in this PostgreSQL database (created tables: `users`, its journal
    /// `journal.users`, `journal.erasures`, applied when missing) instead of in memory
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    #[command(flatten)]
    settings: user_service::Settings,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let users = match &args.database_url {
        None => user_service::Users::in_memory(),
        Some(url) => match user_service::Users::postgres(url).await {
            Ok(u) => u,
            Err(e) => {
                eprintln!("error: cannot use the database: {e}");
                return std::process::ExitCode::from(2);
            }
        },
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return std::process::ExitCode::from(2);
        }
    };
    let addr = listener.local_addr().map_or(args.addr, |a| a);
    // Tests and scripts wait for this line.
    println!("listening on http://{addr}");
    let server = user_service::server(users, &args.settings);
    match server.serve(listener).await {
        Ok(()) => {
            println!("stopped");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
