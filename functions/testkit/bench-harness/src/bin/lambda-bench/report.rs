//! The markdown report of `lambda-bench`: a header (date, cores, binaries, endpoint delays), a cold-start table and
//! a warm-latency table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bench_harness::stats::{ms, summarize};

use crate::measure::{ColdSample, WarmSeries};

/// Results of one function.
pub struct FunctionReport {
    /// Function name.
    pub name: String,
    /// What the cold runs were sent.
    pub cold_event: String,
    /// Cold starts.
    pub cold: Vec<ColdSample>,
    /// The warm series, each with what it was sent.
    pub warm: Vec<(String, WarmSeries)>,
}

/// The whole report.
pub struct Report {
    binaries: Vec<PathBuf>,
    sqs_delay_ms: u64,
    secrets_delay_ms: u64,
    /// Per function.
    pub functions: Vec<FunctionReport>,
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn med_p95(samples: &[Duration]) -> (String, String) {
    summarize(samples).map_or(("-".into(), "-".into()), |s| (ms(s.median), ms(s.p95)))
}

impl Report {
    /// An empty report for these binaries.
    pub fn new(receipt: &Path, processor: &Path, sqs_delay_ms: u64, secrets_delay_ms: u64) -> Self {
        Self {
            binaries: vec![receipt.to_owned(), processor.to_owned()],
            sqs_delay_ms,
            secrets_delay_ms,
            functions: Vec::new(),
        }
    }

    /// Renders the report.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let _ = writeln!(
            s,
            "lambda-bench, {} UTC, {cores} cores; endpoints on 127.0.0.1 (cold runs: SQS 0 ms, Secrets Manager {} ms; \
             warm runs: SQS {} ms)",
            chrono::Utc::now().format("%Y-%m-%d %H:%M"),
            self.secrets_delay_ms,
            self.sqs_delay_ms
        );
        if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
            let avg: Vec<&str> = load.split_whitespace().take(3).collect();
            let _ = writeln!(s, "- load average at the end (1/5/15 min): {}", avg.join(" "));
        }
        if let Some(rev) = git_revision() {
            let _ = writeln!(s, "- workspace revision: `{rev}`");
        }
        for b in &self.binaries {
            if let Ok(m) = std::fs::metadata(b) {
                let shown = std::fs::canonicalize(b).unwrap_or_else(|_| b.clone());
                let _ = writeln!(s, "- `{}`: {:.1} MiB", shown.display(), m.len() as f64 / 1_048_576.0);
            }
        }
        s.push_str("\nCold start (fresh process per run; times in ms, RSS in MiB)\n\n");
        s.push_str("| function | first event | runs | exec -> first response median | p95 | exec -> ready (first /next) median | p95 | exec -> GetSecretValue median | GetSecretValue -> ready median | peak RSS median | peak RSS max |\n");
        s.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for f in &self.functions {
            let total: Vec<Duration> = f.cold.iter().map(|c| c.total).collect();
            let ready: Vec<Duration> = f.cold.iter().map(|c| c.ready).collect();
            let to_secret: Vec<Duration> = f.cold.iter().filter_map(|c| c.to_secret).collect();
            let secret_ready: Vec<Duration> = f.cold.iter().filter_map(|c| c.secret_to_ready).collect();
            let mut rss: Vec<u64> = f.cold.iter().filter_map(|c| c.peak_rss_kib).collect();
            rss.sort_unstable();
            let (t50, t95) = med_p95(&total);
            let (r50, r95) = med_p95(&ready);
            let (s50, _) = med_p95(&to_secret);
            let (sr50, _) = med_p95(&secret_ready);
            let rss_med = rss.get(rss.len().saturating_sub(1) / 2).map_or("-".into(), |k| mib(*k));
            let rss_max = rss.last().map_or("-".into(), |k| mib(*k));
            let _ = writeln!(
                s,
                "| {} | {} | {} | {t50} | {t95} | {r50} | {r95} | {s50} | {sr50} | {rss_med} | {rss_max} |",
                f.name,
                f.cold_event,
                f.cold.len()
            );
        }
        s.push_str("\nWarm invocations (one process; queued -> response posted, ms)\n\n");
        s.push_str("| function | event | runs | median | p95 | max | SQS requests per invocation | peak RSS after series (MiB) |\n");
        s.push_str("|---|---|---|---|---|---|---|---|\n");
        for (f, (event, warm)) in self.functions.iter().flat_map(|f| f.warm.iter().map(move |w| (f, w))) {
            let sum = summarize(&warm.latencies);
            let (lo, hi) = (
                warm.sqs_requests.iter().min().copied().unwrap_or(0),
                warm.sqs_requests.iter().max().copied().unwrap_or(0),
            );
            let sqs = if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {sqs} | {} |",
                f.name,
                event,
                warm.latencies.len(),
                sum.map_or("-".into(), |x| ms(x.median)),
                sum.map_or("-".into(), |x| ms(x.p95)),
                sum.map_or("-".into(), |x| ms(x.max)),
                warm.peak_rss_kib.map_or("-".into(), mib)
            );
        }
        s
    }
}

fn ms_f64(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

impl Report {
    /// The summary figures as JSON (medians, p95, RSS in MiB, SQS requests), for `bench-report`.
    pub fn json(&self) -> serde_json::Value {
        let functions: Vec<serde_json::Value> = self
            .functions
            .iter()
            .map(|f| {
                let total: Vec<Duration> = f.cold.iter().map(|c| c.total).collect();
                let ready: Vec<Duration> = f.cold.iter().map(|c| c.ready).collect();
                let mut rss: Vec<u64> = f.cold.iter().filter_map(|c| c.peak_rss_kib).collect();
                rss.sort_unstable();
                let total = summarize(&total);
                let ready = summarize(&ready);
                let warm: Vec<serde_json::Value> = f
                    .warm
                    .iter()
                    .map(|(event, w)| {
                        let sum = summarize(&w.latencies);
                        serde_json::json!({
                            "event": event,
                            "runs": w.latencies.len(),
                            "median_ms": sum.map(|x| ms_f64(x.median)),
                            "p95_ms": sum.map(|x| ms_f64(x.p95)),
                            "max_ms": sum.map(|x| ms_f64(x.max)),
                            "sqs_requests_max": w.sqs_requests.iter().max().copied(),
                            "peak_rss_mib": w.peak_rss_kib.map(kib_to_mib),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "name": f.name,
                    "cold": {
                        "event": f.cold_event,
                        "runs": f.cold.len(),
                        "total_median_ms": total.map(|x| ms_f64(x.median)),
                        "total_p95_ms": total.map(|x| ms_f64(x.p95)),
                        "ready_median_ms": ready.map(|x| ms_f64(x.median)),
                        "ready_p95_ms": ready.map(|x| ms_f64(x.p95)),
                        "peak_rss_median_mib": rss.get(rss.len().saturating_sub(1) / 2).map(|k| kib_to_mib(*k)),
                        "peak_rss_max_mib": rss.last().map(|k| kib_to_mib(*k)),
                    },
                    "warm": warm,
                })
            })
            .collect();
        serde_json::json!({
            "sqs_delay_ms": self.sqs_delay_ms,
            "secrets_delay_ms": self.secrets_delay_ms,
            "functions": functions,
        })
    }
}

/// `git describe --always --dirty` of the workspace, when git is available (the binaries were built from it).
fn git_revision() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
