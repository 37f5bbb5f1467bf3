//! `local-pipeline`: runs the whole sync on this machine and posts a signed sample webhook through it.
//!
//! moto comes from `MOTO_ENDPOINT`, else a `moto_server` is started (`MOTO_SERVER_BIN` or the project venv).
//! HubSpot and Partner Central are the local servers unless `LOCAL_HUBSPOT_TOKEN` (real HubSpot) or
//! `LOCAL_PARTNER_CENTRAL=sandbox` (the real Partner Central Sandbox catalog) is set; see `docs/local.md`.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use local_pipeline::esm::EsmConfig;
use local_pipeline::{HubSpotTarget, Options, PartnerCentralTarget, Pipeline, Sink, sample};

/// Runs the receipt, SQS (moto), the event source mapping and the processor locally.
#[derive(Debug, Parser)]
#[command(name = "local-pipeline", version)]
struct Args {
    /// Source queue visibility timeout (seconds); also the redelivery delay of a failed record.
    #[arg(long, default_value_t = 10)]
    visibility_timeout: u32,
    /// Receives before a message moves to the DLQ.
    #[arg(long, default_value_t = 3)]
    max_receive_count: u32,
    /// The processor's timeout per invocation (seconds).
    #[arg(long, default_value_t = 10)]
    function_timeout: u64,
    /// Records per batch (1-10).
    #[arg(long, default_value_t = 10)]
    batch_size: i32,
    /// Do not post the sample webhook.
    #[arg(long)]
    no_sample: bool,
    /// Keep serving after the sample (post your own webhooks to the printed URL) until Ctrl-C.
    #[arg(long)]
    serve: bool,
    /// Also print the processor's EMF metric lines.
    #[arg(long)]
    metrics: bool,
    /// How long to wait for the queue to drain after the sample (seconds).
    #[arg(long, default_value_t = 60)]
    wait: u64,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn options(args: &Args, moto_endpoint: &str) -> anyhow::Result<Options> {
    let mut o = Options::local(moto_endpoint);
    o.visibility_timeout_secs = args.visibility_timeout;
    o.max_receive_count = args.max_receive_count;
    o.esm = EsmConfig {
        batch_size: args.batch_size,
        function_timeout: Duration::from_secs(args.function_timeout),
        print_metrics: args.metrics,
        ..EsmConfig::default()
    };
    if let Some(secret) = env("LOCAL_WEBHOOK_SECRET") {
        o.webhook_secret = secret;
    }
    if let Some(port) = env("LOCAL_WEBHOOK_PORT") {
        o.webhook_port = port.parse().context("LOCAL_WEBHOOK_PORT must be a port number")?;
    }
    o.public_url = env("LOCAL_WEBHOOK_PUBLIC_URL");
    if let Some(token) = env("LOCAL_HUBSPOT_TOKEN") {
        o.hubspot = HubSpotTarget::Real {
            base_url: env("LOCAL_HUBSPOT_API_BASE_URL").unwrap_or_else(|| "https://api.hubapi.com".to_owned()),
            token,
        };
    }
    match env("LOCAL_PARTNER_CENTRAL").as_deref() {
        None | Some("local") => {}
        Some("sandbox") => {
            o.partner_central = PartnerCentralTarget::Sandbox {
                role_arn: env("PARTNER_CENTRAL_ROLE_ARN"),
                external_id: env("PARTNER_CENTRAL_EXTERNAL_ID"),
            }
        }
        Some(_) => bail!("LOCAL_PARTNER_CENTRAL must be `local` or `sandbox`"),
    }
    o.sync_settings = env("SYNC_SETTINGS");
    o.sink = Sink::stdout();
    Ok(o)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let moto = moto_harness::MotoServer::start().context("no moto server")?;
    let options = options(&args, moto.endpoint())?;
    let real_hubspot = matches!(options.hubspot, HubSpotTarget::Real { .. });
    let (deal_id, portal_id) = if real_hubspot {
        let deal = env("LOCAL_HUBSPOT_DEAL_ID");
        let portal = env("LOCAL_HUBSPOT_PORTAL_ID").map(|p| p.parse::<u64>());
        match (deal, portal) {
            (Some(d), Some(Ok(p))) => (d, p),
            _ if args.no_sample => (String::new(), 0),
            _ => bail!(
                "with LOCAL_HUBSPOT_TOKEN, set LOCAL_HUBSPOT_DEAL_ID and LOCAL_HUBSPOT_PORTAL_ID (a numeric portal id) \
                 for the sample webhook, or pass --no-sample"
            ),
        }
    } else {
        (sample::DEAL_ID.to_owned(), sample::PORTAL_ID)
    };
    println!("moto: {}", moto.endpoint());
    let mut pipeline = Pipeline::start(options).await.context("starting the pipeline")?;
    println!("webhook endpoint: POST {}", pipeline.webhook_url());
    if pipeline.public_url() != pipeline.webhook_url() {
        println!("signatures verified for the public URL {}", pipeline.public_url());
    }
    println!("queue: {}  DLQ: {}", pipeline.queues.url, pipeline.queues.dlq_url);
    if let Some(h) = &pipeline.hubspot {
        println!("HubSpot (local): {}  deal {} seeded", h.base_url(), sample::DEAL_ID);
    }
    if let Some(pc) = &pipeline.partner_central {
        println!("Partner Central (local, Sandbox catalog): {}", pc.endpoint_url());
    }
    if !args.no_sample {
        println!("posting a signed deal.creation webhook for deal {deal_id} (portal {portal_id})");
        let response = pipeline
            .post_deal_creation(portal_id, &deal_id, 1, 0)
            .await
            .context("posting the sample webhook")?;
        println!("response: HTTP {} {}", response.status, response.body);
        // The progress printed by the poller reports the rest; wait until the queue is empty.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = pipeline.wait_drained(Duration::from_secs(args.wait)).await?;
        println!("{status}");
    }
    if args.serve {
        println!(
            "serving; post signed webhooks to {} (Ctrl-C to stop)",
            pipeline.webhook_url()
        );
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    }
    pipeline.stop().await;
    if let Some(bucket) = &pipeline.shadow_bucket {
        let keys = local_pipeline::aws_setup::list_keys(&pipeline.sdk, bucket, "shadow/").await?;
        println!("shadow mode: {} shadow record(s) in s3://{bucket}", keys.len());
        for key in keys {
            println!("  {key}");
        }
    }
    if let Some(pc) = &pipeline.partner_central {
        println!("Partner Central now holds {} opportunity(ies)", pc.opportunity_count());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("local-pipeline: {e:#}");
            ExitCode::FAILURE
        }
    }
}
