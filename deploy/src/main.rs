//! `deploy` binary: parses arguments, runs [`deploy::cli::run`], prints errors readably and exits non-zero.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = deploy::cli::Args::parse();
    match deploy::cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("deploy failed: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
