//! `partner-central-server` binary: runs the local Partner Central Selling API for local end-to-end runs.
//! Prints `listening on http://127.0.0.1:<port>` on stdout, then serves until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use partner_central_server::PartnerCentralServer;

#[derive(Debug, Parser)]
#[command(about = "Local AWS Partner Central Selling API (AWS JSON 1.0) validating against the botocore model")]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to bind (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed a solution, `CATALOG:S-<digits>:Name` (status Active, category Software Product). Repeatable.
    #[arg(long = "seed-solution")]
    seed_solutions: Vec<String>,
    /// Throttle writes closer together than this many milliseconds (1000 mirrors the real quota).
    #[arg(long)]
    write_interval_ms: Option<u64>,
    /// Throttle reads beyond this many per rolling second (10 mirrors the read quota a reconciler must respect).
    #[arg(long)]
    reads_per_second: Option<u32>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = PartnerCentralServer::start_on(SocketAddr::new(args.host, args.port))
        .await
        .context("starting partner-central-server")?;
    for spec in &args.seed_solutions {
        let mut parts = spec.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(catalog), Some(id), Some(name)) => {
                server.seed_solution(catalog, id, name, "Active", "Software Product")
            }
            _ => anyhow::bail!("--seed-solution expects CATALOG:S-<digits>:Name, got {spec:?}"),
        }
    }
    server.set_write_rate_limit(args.write_interval_ms.map(Duration::from_millis));
    server.set_read_rate_limit(args.reads_per_second);
    println!("listening on {}", server.endpoint_url());
    eprintln!("model: {}", server.model().source.display());
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    Ok(())
}
