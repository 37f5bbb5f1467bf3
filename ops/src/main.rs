//! `sync-ops` binary: parses the command line, runs it, prints `error: ...` on stderr and exits 1 on failure.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sync_ops::cli::Cli::parse();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(sync_ops::cli::run(cli)).map_err(anyhow::Error::from));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
