//! `lambda-bench`: cold start, peak RSS and warm latency of the release Lambda binaries, run through the local
//! Runtime API against the fixed-latency SQS/Secrets Manager endpoint; prints a markdown report.
//!
//! It builds nothing: run `cargo build --release -p webhook-receipt -p event-processor` first, then
//! `cargo run --release -p bench-harness --bin lambda-bench -- [options]` (see `--help` and `docs/benchmarks.md`).

mod measure;
mod report;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use bench_harness::aws::{AwsEndpoint, EndpointConfig};
use bench_harness::workload::{deal_webhook_body, signed_webhook_event, skipped_sqs_batch};
use clap::Parser;
use serde_json::Value;

use measure::{Function, cold_start, default_binary, warm};
use report::{FunctionReport, Report};

const QUEUE: &str = "hubspot-sync-bench.fifo";
const WEBHOOK_SECRET_NAME: &str = "hubspot-webhook-client-secret";
const WEBHOOK_SECRET: &str = "bench-hubspot-client-secret";
const TOKEN_SECRET_NAME: &str = "hubspot-access-token";
const PUBLIC_URL: &str = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/async/webhook";

#[derive(Debug, Parser)]
#[command(about = "Cold start, peak RSS and warm latency of the Lambda release binaries")]
struct Args {
    /// The webhook-receipt release binary.
    #[arg(long, default_value_os_t = default_binary("webhook-receipt"))]
    receipt_bin: PathBuf,
    /// The event-processor release binary.
    #[arg(long, default_value_os_t = default_binary("event-processor"))]
    processor_bin: PathBuf,
    /// Fresh processes per function for the cold-start figures.
    #[arg(long, default_value_t = 20)]
    cold_runs: usize,
    /// Timed warm invocations per function (after 3 untimed ones).
    #[arg(long, default_value_t = 50)]
    warm_runs: usize,
    /// Fixed SQS latency of the warm series, ms (cold starts run with 0 ms endpoints).
    #[arg(long, default_value_t = 5)]
    sqs_delay_ms: u64,
    /// Fixed Secrets Manager latency of the cold runs, ms (0 = measure the functions alone; the GetSecretValue
    /// columns show where the fetch sits).
    #[arg(long, default_value_t = 0)]
    secrets_delay_ms: u64,
    /// Events per webhook.
    #[arg(long, default_value_t = 100)]
    events: usize,
    /// Deal layouts of the warm webhook series: one series per value, the 100 events spread over that many deals
    /// (100 = independent groups; 1 = one group, fully ordered).
    #[arg(long, value_delimiter = ',', default_values_t = [100_usize, 20, 1])]
    deals: Vec<usize>,
    /// Records per processor batch.
    #[arg(long, default_value_t = 10)]
    records: usize,
    /// AWS_LAMBDA_FUNCTION_MEMORY_SIZE given to both functions.
    #[arg(long, default_value_t = 128)]
    memory_mb: u32,
    /// Only this function (`webhook-receipt` or `event-processor`).
    #[arg(long)]
    only: Option<String>,
    /// Directory for the functions' logs (default: a fresh temporary directory).
    #[arg(long)]
    log_dir: Option<PathBuf>,
    /// Also write the report to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the summary figures as JSON to this file (read by `bench-report`).
    #[arg(long)]
    json: Option<PathBuf>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The receipt must answer 200 with every event enqueued.
fn receipt_check(events: usize) -> impl Fn(&Value) -> Result<()> {
    move |v: &Value| {
        ensure!(v["statusCode"] == 200, "status {}", v["statusCode"]);
        let body: Value = serde_json::from_str(v["body"].as_str().unwrap_or("")).context("body is not JSON")?;
        ensure!(body["received"] == events as u64, "received {}", body["received"]);
        ensure!(body["enqueued"] == events as u64, "enqueued {}", body["enqueued"]);
        Ok(())
    }
}

/// The processor must report no failed record.
fn processor_check(v: &Value) -> Result<()> {
    let failures = v["batchItemFailures"]
        .as_array()
        .context("no batchItemFailures array")?;
    ensure!(failures.is_empty(), "{} records failed", failures.len());
    Ok(())
}

fn webhook_event(events: usize, deals: usize, next_event_id: &mut u64) -> Value {
    let body = deal_webhook_body(events, deals, *next_event_id);
    *next_event_id += events as u64;
    let request_id = format!("bench-{next_event_id}");
    signed_webhook_event(&body, WEBHOOK_SECRET, PUBLIC_URL, now_ms(), &request_id)
}

async fn bench_receipt(args: &Args, endpoint: &AwsEndpoint, log_dir: &std::path::Path) -> Result<FunctionReport> {
    let env = BTreeMap::from([
        ("SYNC_QUEUE_URL".to_owned(), endpoint.queue_url(QUEUE)),
        (
            "HUBSPOT_WEBHOOK_SECRET_ARN".to_owned(),
            endpoint.secret_arn(WEBHOOK_SECRET_NAME),
        ),
        ("WEBHOOK_PUBLIC_URL".to_owned(), PUBLIC_URL.to_owned()),
        (
            "HUBSPOT_PORTAL_IDS".to_owned(),
            bench_harness::workload::PORTAL_ID.to_string(),
        ),
        ("AWS_ENDPOINT_URL".to_owned(), endpoint.url().to_owned()),
        ("RUST_LOG".to_owned(), "info".to_owned()),
    ]);
    let f = Function {
        name: "webhook-receipt".to_owned(),
        binary: args.receipt_bin.clone(),
        env,
        memory_mb: args.memory_mb,
        log_dir: log_dir.to_owned(),
    };
    let check = receipt_check(args.events);
    let mut next_id = 1_000_000_u64;
    let mut cold = Vec::new();
    endpoint.set_sqs_delay(Duration::ZERO);
    for run in 0..args.cold_runs {
        let event = webhook_event(args.events, args.events, &mut next_id);
        cold.push(cold_start(&f, endpoint, &event, run, &check).await?);
    }
    let mut warm_rows = Vec::new();
    for &deals in &args.deals {
        endpoint.set_sqs_delay(Duration::from_millis(args.sqs_delay_ms));
        let before = endpoint.messages(QUEUE).len();
        let mut make = |_| webhook_event(args.events, deals, &mut next_id);
        let series = warm(&f, endpoint, 3, args.warm_runs, &mut make, &check).await;
        endpoint.set_sqs_delay(Duration::ZERO);
        let series = series?;
        let enqueued = endpoint.messages(QUEUE).len() - before;
        let expected = (args.warm_runs + 3) * args.events;
        ensure!(
            enqueued == expected,
            "the queue got {enqueued} messages, expected {expected}"
        );
        let label = format!(
            "signed {}-event webhook, {deals} deal(s), SQS {} ms",
            args.events, args.sqs_delay_ms
        );
        warm_rows.push((label, series));
    }
    Ok(FunctionReport {
        name: f.name,
        cold_event: format!("signed {}-event webhook", args.events),
        cold,
        warm: warm_rows,
    })
}

async fn bench_processor(args: &Args, endpoint: &AwsEndpoint, log_dir: &std::path::Path) -> Result<FunctionReport> {
    let env = BTreeMap::from([
        (
            "HUBSPOT_ACCESS_TOKEN_SECRET_ARN".to_owned(),
            endpoint.secret_arn(TOKEN_SECRET_NAME),
        ),
        // Nothing listens there: a HubSpot call would fail the record, and the check would catch it.
        ("HUBSPOT_API_BASE_URL".to_owned(), "http://127.0.0.1:9".to_owned()),
        ("PARTNER_CENTRAL_CATALOG".to_owned(), "Sandbox".to_owned()),
        ("AWS_ENDPOINT_URL".to_owned(), endpoint.url().to_owned()),
        ("RUST_LOG".to_owned(), "info".to_owned()),
    ]);
    let f = Function {
        name: "event-processor".to_owned(),
        binary: args.processor_bin.clone(),
        env,
        memory_mb: args.memory_mb,
        log_dir: log_dir.to_owned(),
    };
    let mut cold = Vec::new();
    for run in 0..args.cold_runs {
        let event = skipped_sqs_batch(args.records, run * args.records);
        cold.push(cold_start(&f, endpoint, &event, run, &processor_check).await?);
    }
    let records = args.records;
    let warm_series = warm(
        &f,
        endpoint,
        3,
        args.warm_runs,
        &mut |i| skipped_sqs_batch(records, i * records),
        &processor_check,
    )
    .await?;
    Ok(FunctionReport {
        name: f.name,
        cold_event: format!("{} skipped SQS records", args.records),
        cold,
        warm: vec![(
            format!("{} skipped SQS records (no external call)", args.records),
            warm_series,
        )],
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let wanted = |name: &str| args.only.as_deref().is_none_or(|o| o == name);
    for (name, bin) in [
        ("webhook-receipt", &args.receipt_bin),
        ("event-processor", &args.processor_bin),
    ] {
        if wanted(name) && !bin.is_file() {
            bail!(
                "{} not found: run `cargo build --release -p webhook-receipt -p event-processor` first (or pass --{}-bin)",
                bin.display(),
                if name == "webhook-receipt" {
                    "receipt"
                } else {
                    "processor"
                }
            );
        }
    }
    ensure!(
        args.cold_runs > 0 && args.warm_runs > 0,
        "--cold-runs and --warm-runs must be positive"
    );
    let log_dir = match &args.log_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("lambda-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&log_dir).with_context(|| format!("cannot create {}", log_dir.display()))?;
    let endpoint = AwsEndpoint::start(EndpointConfig {
        queues: vec![QUEUE.to_owned()],
        secrets: BTreeMap::from([
            (WEBHOOK_SECRET_NAME.to_owned(), WEBHOOK_SECRET.to_owned()),
            (TOKEN_SECRET_NAME.to_owned(), "pat-na1-bench-token".to_owned()),
        ]),
        ..EndpointConfig::default()
    })
    .await?;
    endpoint.set_secrets_delay(Duration::from_millis(args.secrets_delay_ms));
    let mut report = Report::new(
        &args.receipt_bin,
        &args.processor_bin,
        args.sqs_delay_ms,
        args.secrets_delay_ms,
    );
    if wanted("webhook-receipt") {
        eprintln!(
            "webhook-receipt: {} cold starts, {} warm webhooks ...",
            args.cold_runs, args.warm_runs
        );
        report.functions.push(bench_receipt(&args, &endpoint, &log_dir).await?);
    }
    if wanted("event-processor") {
        eprintln!(
            "event-processor: {} cold starts, {} warm batches ...",
            args.cold_runs, args.warm_runs
        );
        report
            .functions
            .push(bench_processor(&args, &endpoint, &log_dir).await?);
    }
    let text = report.markdown();
    println!("{text}");
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report.json()).context("cannot render the JSON summary")?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(out) = &args.out {
        std::fs::write(out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    }
    eprintln!("function logs: {}", log_dir.display());
    Ok(())
}
