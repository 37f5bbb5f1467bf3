//! Standalone local HubSpot server for local end-to-end runs.
//!
//! `hubspot-server --port 8089 --token pat-local --seed seed.json` prints `listening http://127.0.0.1:8089` and serves
//! until Ctrl-C. The seed file is JSON:
//! `{"objects": {"deals": {"101": {"dealname": "Acme #AWS"}}, "companies": {...}},
//!   "associations": [{"from": "deals", "fromId": "101", "to": "companies", "toId": "201", "primary": true}]}`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Parser;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use serde::Deserialize;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(about = "Local HubSpot CRM v3 server")]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Accepted bearer token.
    #[arg(long, default_value = "pat-local-test-token")]
    token: String,
    /// JSON seed file.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Extra deal property to define (repeatable).
    #[arg(long = "deal-property")]
    deal_properties: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    objects: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    #[serde(default)]
    associations: Vec<SeedAssociation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedAssociation {
    from: String,
    from_id: String,
    to: String,
    to_id: String,
    #[serde(default)]
    primary: bool,
}

fn object_type(name: &str) -> anyhow::Result<ObjectType> {
    match ObjectType::from_path(name) {
        Some(t) => Ok(t),
        None => bail!("unknown object type {name:?} in seed file"),
    }
}

fn apply_seed(server: &HubSpotServer, path: &PathBuf) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let seed: Seed = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    for (type_name, objects) in &seed.objects {
        let t = object_type(type_name)?;
        for (id, properties) in objects {
            server
                .seed(t, id, properties.clone())
                .with_context(|| format!("seeding {type_name} {id}"))?;
        }
    }
    for a in &seed.associations {
        let (from, to) = (object_type(&a.from)?, object_type(&a.to)?);
        let result = if a.primary && from == ObjectType::Deals && to == ObjectType::Companies {
            server.associate_primary_company(&a.from_id, &a.to_id)
        } else {
            server.associate(from, &a.from_id, to, &a.to_id)
        };
        result.with_context(|| format!("associating {} {} -> {} {}", a.from, a.from_id, a.to, a.to_id))?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = ServerConfig {
        addr: SocketAddr::new(args.host, args.port),
        token: args.token,
        extra_deal_properties: args.deal_properties,
        ..ServerConfig::default()
    };
    let server = HubSpotServer::start(config).await.context("starting hubspot-server")?;
    if let Some(path) = &args.seed {
        apply_seed(&server, path)?;
    }
    println!("listening {}", server.base_url());
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    eprintln!("{} requests served", server.request_count());
    Ok(())
}
