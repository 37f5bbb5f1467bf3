//! The two measurements: a cold start (fresh process, first event, timestamps from the Runtime API and the AWS
//! endpoint, peak RSS) and a warm series (one process, many events, latency and SQS requests per event).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bench_harness::aws::{AwsEndpoint, Service};
use bench_harness::process::{FunctionProcess, lambda_env};
use bench_harness::runtime_api::{Invocation, Outcome, RuntimeApi};
use serde_json::Value;

/// How long one invocation may take before the run is declared failed.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(15);

/// A function under test.
pub struct Function {
    /// Short name (`webhook-receipt`).
    pub name: String,
    /// Release binary.
    pub binary: PathBuf,
    /// Its own configuration variables (added to Lambda's environment).
    pub env: BTreeMap<String, String>,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`.
    pub memory_mb: u32,
    /// Where the process logs go.
    pub log_dir: PathBuf,
}

/// Validates a function's answer (the bench refuses to time wrong answers).
pub type Check<'a> = &'a dyn Fn(&Value) -> Result<()>;

/// One cold start.
#[derive(Debug, Clone)]
pub struct ColdSample {
    /// exec -> first answer posted.
    pub total: Duration,
    /// exec -> first `/next` poll (init done).
    pub ready: Duration,
    /// exec -> GetSecretValue arrived at the endpoint.
    pub to_secret: Option<Duration>,
    /// GetSecretValue arrival -> first `/next` poll (secret round trip plus what init does after it).
    pub secret_to_ready: Option<Duration>,
    /// Peak RSS after the first answer, KiB.
    pub peak_rss_kib: Option<u64>,
}

/// A warm series.
#[derive(Debug, Clone)]
pub struct WarmSeries {
    /// queued -> answer posted, per invocation.
    pub latencies: Vec<Duration>,
    /// SQS requests made during each invocation.
    pub sqs_requests: Vec<usize>,
    /// Peak RSS after the series, KiB.
    pub peak_rss_kib: Option<u64>,
}

fn spawn(f: &Function, api: &RuntimeApi, tag: &str) -> Result<FunctionProcess> {
    let mut env = lambda_env(&f.name, &api.host_port(), f.memory_mb);
    env.extend(f.env.clone());
    let log = f.log_dir.join(format!("{}-{tag}.log", f.name));
    Ok(FunctionProcess::spawn(&f.binary, &env, &log)?)
}

/// The JSON answer of an invocation, or an error with the function's log tail.
fn answer(inv: &Invocation, proc: &FunctionProcess) -> Result<Value> {
    match &inv.outcome {
        Outcome::Response(body) => serde_json::from_slice(body).context("the function's answer is not JSON"),
        Outcome::Error { error_type, body } => Err(anyhow!(
            "invocation failed ({}): {}\n--- log tail ---\n{}",
            error_type.as_deref().unwrap_or("no type"),
            String::from_utf8_lossy(body),
            proc.log_tail(2000)
        )),
    }
}

async fn invoke(api: &RuntimeApi, proc: &mut FunctionProcess, event: &Value) -> Result<Invocation> {
    let payload = serde_json::to_vec(event)?;
    tokio::select! {
        r = api.invoke(payload, INVOKE_TIMEOUT) => {
            r.map_err(|e| anyhow!("{e}\n--- log tail ---\n{}", proc.log_tail(2000)))
        }
        status = proc.wait() => {
            bail!("the function exited early ({status:?})\n--- log tail ---\n{}", proc.log_tail(2000))
        }
    }
}

/// Starts a fresh process, sends `event`, and times the way to its first answer.
pub async fn cold_start(
    f: &Function,
    endpoint: &AwsEndpoint,
    event: &Value,
    run: usize,
    check: Check<'_>,
) -> Result<ColdSample> {
    let api = RuntimeApi::start(&f.name).await?;
    let mut proc = spawn(f, &api, &format!("cold-{run:02}"))?;
    let t0 = proc.spawned_at;
    let inv = invoke(&api, &mut proc, event).await;
    let peak_rss_kib = proc.peak_rss_kib();
    let first_poll = api.first_poll();
    let log_tail = proc.log_tail(2000);
    proc.stop().await;
    let inv = inv?;
    let value = match &inv.outcome {
        Outcome::Response(body) => serde_json::from_slice::<Value>(body)?,
        Outcome::Error { body, .. } => bail!("cold invocation failed: {}\n{log_tail}", String::from_utf8_lossy(body)),
    };
    check(&value).with_context(|| format!("unexpected answer of {}: {value}", f.name))?;
    let ready = first_poll.map(|p| p.saturating_duration_since(t0)).unwrap_or_default();
    let secret_at = secret_request_after(endpoint, t0);
    Ok(ColdSample {
        total: inv.completed_at.saturating_duration_since(t0),
        ready,
        to_secret: secret_at.map(|s| s.saturating_duration_since(t0)),
        secret_to_ready: secret_at.zip(first_poll).map(|(s, p)| p.saturating_duration_since(s)),
        peak_rss_kib,
    })
}

fn secret_request_after(endpoint: &AwsEndpoint, t0: Instant) -> Option<Instant> {
    endpoint
        .requests()
        .iter()
        .find(|r| r.at >= t0 && r.service == Some(Service::SecretsManager) && r.operation == "GetSecretValue")
        .map(|r| r.at)
}

fn sqs_requests(endpoint: &AwsEndpoint) -> usize {
    endpoint
        .requests()
        .iter()
        .filter(|r| r.service == Some(Service::Sqs))
        .count()
}

/// One process, `warmup` untimed then `n` timed invocations of `make_event(i)`.
pub async fn warm(
    f: &Function,
    endpoint: &AwsEndpoint,
    warmup: usize,
    n: usize,
    make_event: &mut dyn FnMut(usize) -> Value,
    check: Check<'_>,
) -> Result<WarmSeries> {
    let api = RuntimeApi::start(&f.name).await?;
    let mut proc = spawn(f, &api, "warm")?;
    let result = warm_loop(&api, &mut proc, endpoint, warmup, n, make_event, check).await;
    let peak_rss_kib = proc.peak_rss_kib();
    proc.stop().await;
    let (latencies, sqs) = result?;
    Ok(WarmSeries {
        latencies,
        sqs_requests: sqs,
        peak_rss_kib,
    })
}

async fn warm_loop(
    api: &RuntimeApi,
    proc: &mut FunctionProcess,
    endpoint: &AwsEndpoint,
    warmup: usize,
    n: usize,
    make_event: &mut dyn FnMut(usize) -> Value,
    check: Check<'_>,
) -> Result<(Vec<Duration>, Vec<usize>)> {
    let (mut latencies, mut sqs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..warmup + n {
        let event = make_event(i);
        let before = sqs_requests(endpoint);
        let inv = invoke(api, proc, &event).await?;
        let value = answer(&inv, proc)?;
        check(&value).with_context(|| format!("unexpected answer: {value}"))?;
        if i >= warmup {
            latencies.push(inv.completed_at.saturating_duration_since(inv.queued_at));
            sqs.push(sqs_requests(endpoint) - before);
        }
    }
    Ok((latencies, sqs))
}

/// The default release binary of `name` in the workspace target directory.
pub fn default_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target"));
    target.join("release").join(name)
}
