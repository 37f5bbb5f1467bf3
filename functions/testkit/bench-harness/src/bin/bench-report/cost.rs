//! Monthly AWS cost model of the sync, fed with the measured figures (durations, cold starts, log bytes, metrics,
//! alarm count) and the production stack's memory sizes. Prices: us-east-1, arm64, on-demand, no free tier.

use std::fmt::Write as _;

/// Where the prices come from and when they were read.
pub const PRICE_SOURCE: &str = "AWS public pricing pages for us-east-1 (aws.amazon.com/lambda/pricing, \
/api-gateway/pricing, /sqs/pricing, /cloudwatch/pricing, /secrets-manager/pricing, /s3/pricing), list prices as \
published in 2025 (price date 2025-06); not fetched during the run (this machine has no route to aws.amazon.com): \
check them before quoting. Free tiers are ignored.";

/// List prices in USD.
pub mod price {
    /// Lambda requests, per request ($0.20 per million).
    pub const LAMBDA_REQUEST: f64 = 0.20 / 1e6;
    /// Lambda arm64 duration, per GB-second (first 7.5 billion GB-s per month).
    pub const LAMBDA_ARM_GB_S: f64 = 0.000_013_333_4;
    /// API Gateway REST API requests, per request ($3.50 per million, first 333 million).
    pub const APIGW_REST_REQUEST: f64 = 3.50 / 1e6;
    /// SQS FIFO requests, per request ($0.50 per million; each 64 KB chunk of a payload is one request).
    pub const SQS_FIFO_REQUEST: f64 = 0.50 / 1e6;
    /// CloudWatch standard-resolution alarm, per alarm-month.
    pub const CW_ALARM: f64 = 0.10;
    /// CloudWatch dashboard, per dashboard-month.
    pub const CW_DASHBOARD: f64 = 3.00;
    /// CloudWatch custom metric (EMF-extracted metrics are custom metrics), per metric-month (first 10,000).
    pub const CW_METRIC: f64 = 0.30;
    /// CloudWatch Logs ingestion (standard class), per GB.
    pub const CW_LOG_INGEST_GB: f64 = 0.50;
    /// CloudWatch Logs storage, per GB-month (charged on compressed size; uncompressed here: an upper bound).
    pub const CW_LOG_STORE_GB_MONTH: f64 = 0.03;
    /// Secrets Manager, per secret-month.
    pub const SECRET_MONTH: f64 = 0.40;
    /// Secrets Manager API calls, per call ($0.05 per 10,000).
    pub const SECRET_CALL: f64 = 0.05 / 10_000.0;
    /// S3 Standard PUT, per request ($0.005 per 1,000).
    pub const S3_PUT: f64 = 0.005 / 1000.0;
    /// S3 Standard storage, per GB-month.
    pub const S3_GB_MONTH: f64 = 0.023;
}

/// Assumptions that are not measured here, with their values.
pub mod assume {
    /// Lambda gives one full vCPU at 1,769 MB; below that, CPU time stretches by 1769 / memory.
    pub const FULL_VCPU_MB: f64 = 1769.0;
    /// In-region SQS SendMessageBatch round trip, ms.
    pub const SQS_RTT_MS: f64 = 15.0;
    /// In-region Secrets Manager GetSecretValue round trip at cold start, ms.
    pub const SECRETS_RTT_MS: f64 = 20.0;
    /// Lambda's own START/END/REPORT log lines per invocation, bytes.
    pub const PLATFORM_LOG_BYTES: f64 = 350.0;
    /// Cold starts per function: at most one per 10 minutes (idle environments are recycled), month = 30 days.
    pub const MAX_COLD_STARTS_PER_MONTH: f64 = 6.0 * 24.0 * 30.0;
    /// Idle long polling of the SQS event source (5 pollers x one 20 s ReceiveMessage each), requests per month.
    pub const IDLE_POLLS_PER_MONTH: f64 = 5.0 * 3.0 * 60.0 * 24.0 * 30.0;
    /// Log retention in months (stacks: 90 days): stored logs in steady state = 3 months of ingestion.
    pub const LOG_RETENTION_MONTHS: f64 = 3.0;
    /// Size of one shadow record in S3, bytes (shadow mode only; an upper-bound scenario: every record shadowed).
    pub const SHADOW_RECORD_BYTES: f64 = 2048.0;
}

/// Measured inputs of the model.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Receipt memory (MB), from the stack.
    pub receipt_mb: f64,
    /// Processor memory (MB), from the stack.
    pub processor_mb: f64,
    /// Receipt CPU time per event (verify + parse + messages), ms, from the criterion CPU bench (100 events / 100).
    pub receipt_cpu_ms_per_event: f64,
    /// Per-invocation overhead (Runtime API hand-off, event and response JSON), ms: the processor's warm
    /// skipped-batch median from `lambda-bench`.
    pub invocation_overhead_ms: f64,
    /// Processor CPU per record, ms: the workload bench's `loopback` wall time per event (engine, handlers,
    /// clients and the in-process local servers: an upper bound).
    pub processor_cpu_ms_per_record: f64,
    /// Time per record spent waiting on HubSpot and Partner Central, ms, when records arrive spread out: the
    /// workload bench's `api-latency` minus `loopback` time per event.
    pub processor_wait_ms_per_record: f64,
    /// The same during a burst, when records queue behind the 1 write/s Partner Central spacing: `quota` minus
    /// `loopback` time per event.
    pub processor_burst_wait_ms_per_record: f64,
    /// Cold start to ready (init), ms, per function (`lambda-bench` exec -> first /next median).
    pub receipt_init_ms: f64,
    /// Processor init, ms.
    pub processor_init_ms: f64,
    /// Log bytes per invocation, measured from `lambda-bench`'s function logs.
    pub receipt_log_bytes: f64,
    /// Processor log bytes per invocation.
    pub processor_log_bytes: f64,
    /// Distinct EMF metric series (namespace, name, dimension values) seen in the logs.
    pub custom_metrics: usize,
    /// Alarms in the synthesized production templates.
    pub alarms: usize,
    /// Dashboards in the synthesized production templates.
    pub dashboards: usize,
    /// Secrets read at cold start (one per function).
    pub secrets: usize,
}

/// How events arrive and are batched.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Name shown in the table.
    pub name: &'static str,
    /// Events per HubSpot webhook request.
    pub events_per_webhook: f64,
    /// Records per processor invocation (SQS batch).
    pub records_per_batch: f64,
    /// Whether every record also writes a shadow record to S3.
    pub shadow: bool,
    /// Whether records arrive in bursts, so that Partner Central writes wait for the 1 write/s spacing.
    pub burst: bool,
}

/// One line item: name, how it was computed, monthly USD per volume.
#[derive(Debug, Clone)]
pub struct Line {
    /// Item.
    pub item: String,
    /// Quantity basis at the first volume, for the reader.
    pub basis: String,
    /// USD per month, per volume.
    pub usd: Vec<f64>,
}

fn billed_ms(cpu_ms: f64, io_ms: f64, memory_mb: f64) -> f64 {
    (cpu_ms * (assume::FULL_VCPU_MB / memory_mb).max(1.0) + io_ms).ceil()
}

fn gb_s(ms: f64, memory_mb: f64) -> f64 {
    ms / 1000.0 * memory_mb / 1024.0
}

/// Computes the monthly line items for each volume (events per month).
pub fn estimate(m: &Measured, s: Scenario, volumes: &[f64]) -> Vec<Line> {
    let receipt_ms = billed_ms(
        m.invocation_overhead_ms + s.events_per_webhook * m.receipt_cpu_ms_per_event,
        (s.events_per_webhook / 10.0 / 4.0).ceil() * assume::SQS_RTT_MS,
        m.receipt_mb,
    );
    let processor_ms = billed_ms(
        m.invocation_overhead_ms + s.records_per_batch * m.processor_cpu_ms_per_record,
        s.records_per_batch
            * if s.burst {
                m.processor_burst_wait_ms_per_record
            } else {
                m.processor_wait_ms_per_record
            },
        m.processor_mb,
    );
    let receipt_init = billed_ms(m.receipt_init_ms, assume::SECRETS_RTT_MS, m.receipt_mb);
    let processor_init = billed_ms(m.processor_init_ms, assume::SECRETS_RTT_MS, m.processor_mb);
    let mut lines: Vec<Line> = Vec::new();
    let mut add = |item: &str, basis: String, f: &dyn Fn(f64) -> f64| {
        lines.push(Line {
            item: item.to_owned(),
            basis,
            usd: volumes.iter().map(|&v| f(v)).collect(),
        });
    };
    let webhooks = move |v: f64| (v / s.events_per_webhook).ceil();
    let batches = move |v: f64| (v / s.records_per_batch).ceil();
    let colds = |inv: f64| inv.min(assume::MAX_COLD_STARTS_PER_MONTH);
    let v0 = volumes.first().copied().unwrap_or(0.0);
    add(
        "Lambda requests (both functions)",
        format!("{:.0} + {:.0} invocations", webhooks(v0), batches(v0)),
        &|v| (webhooks(v) + batches(v)) * price::LAMBDA_REQUEST,
    );
    add(
        "Lambda duration, receipt (arm64)",
        format!(
            "{receipt_ms:.0} ms billed x {} MB per invocation, + {receipt_init:.0} ms per cold start",
            m.receipt_mb
        ),
        &|v| {
            (gb_s(receipt_ms, m.receipt_mb) * webhooks(v) + gb_s(receipt_init, m.receipt_mb) * colds(webhooks(v)))
                * price::LAMBDA_ARM_GB_S
        },
    );
    add(
        "Lambda duration, processor (arm64)",
        format!(
            "{processor_ms:.0} ms billed x {} MB per batch, + {processor_init:.0} ms per cold start",
            m.processor_mb
        ),
        &|v| {
            (gb_s(processor_ms, m.processor_mb) * batches(v) + gb_s(processor_init, m.processor_mb) * colds(batches(v)))
                * price::LAMBDA_ARM_GB_S
        },
    );
    add(
        "API Gateway REST requests",
        format!("{:.0} webhook requests", webhooks(v0)),
        &|v| webhooks(v) * price::APIGW_REST_REQUEST,
    );
    let sends = move |v: f64| webhooks(v) * (s.events_per_webhook / 10.0).ceil();
    let sqs = move |v: f64| sends(v) + 2.0 * batches(v) + assume::IDLE_POLLS_PER_MONTH;
    add(
        "SQS FIFO requests",
        format!(
            "{:.0} SendMessageBatch + {:.0} receives + {:.0} deletes + {:.0} idle polls",
            sends(v0),
            batches(v0),
            batches(v0),
            assume::IDLE_POLLS_PER_MONTH
        ),
        &|v| sqs(v) * price::SQS_FIFO_REQUEST,
    );
    add(
        "CloudWatch alarms",
        format!("{} alarms (synthesized production templates)", m.alarms),
        &|_| m.alarms as f64 * price::CW_ALARM,
    );
    add(
        "CloudWatch dashboards",
        format!("{} dashboard(s)", m.dashboards),
        &|_| m.dashboards as f64 * price::CW_DASHBOARD,
    );
    add(
        "CloudWatch custom metrics (EMF)",
        format!("{} metric series seen in the bench logs", m.custom_metrics),
        &|_| m.custom_metrics as f64 * price::CW_METRIC,
    );
    let log_gb = move |v: f64| {
        (webhooks(v) * (m.receipt_log_bytes + assume::PLATFORM_LOG_BYTES)
            + batches(v) * (m.processor_log_bytes + assume::PLATFORM_LOG_BYTES))
            / 1e9
    };
    add(
        "CloudWatch Logs ingestion + storage",
        format!(
            "{:.0} B per receipt call, {:.0} B per processor call (+{:.0} B platform lines); {:.3} GB/month",
            m.receipt_log_bytes,
            m.processor_log_bytes,
            assume::PLATFORM_LOG_BYTES,
            log_gb(v0)
        ),
        &|v| {
            log_gb(v) * price::CW_LOG_INGEST_GB
                + log_gb(v) * assume::LOG_RETENTION_MONTHS * price::CW_LOG_STORE_GB_MONTH
        },
    );
    add(
        "Secrets Manager",
        format!(
            "{} secrets + one GetSecretValue per cold start ({:.0} cold starts)",
            m.secrets,
            colds(webhooks(v0)) + colds(batches(v0))
        ),
        &|v| m.secrets as f64 * price::SECRET_MONTH + (colds(webhooks(v)) + colds(batches(v))) * price::SECRET_CALL,
    );
    if s.shadow {
        add(
            "S3 shadow records",
            format!("one PUT of ~{:.0} B per record", assume::SHADOW_RECORD_BYTES),
            &|v| v * price::S3_PUT + v * assume::SHADOW_RECORD_BYTES / 1e9 * price::S3_GB_MONTH,
        );
    }
    lines
}

/// The markdown table of a scenario.
pub fn table(m: &Measured, s: Scenario, volumes: &[f64]) -> String {
    let lines = estimate(m, s, volumes);
    let mut out = String::new();
    let heads: Vec<String> = volumes
        .iter()
        .map(|v| format!("{} events/month", human_count(*v)))
        .collect();
    let _ = writeln!(
        out,
        "| item | basis (at {}) | {} |",
        heads.first().map_or("", String::as_str),
        heads.join(" | ")
    );
    let _ = writeln!(out, "|---|---|{}", "---:|".repeat(volumes.len()));
    for l in &lines {
        let cells: Vec<String> = l.usd.iter().map(|u| usd(*u)).collect();
        let _ = writeln!(out, "| {} | {} | {} |", l.item, l.basis, cells.join(" | "));
    }
    let totals: Vec<String> = (0..volumes.len())
        .map(|i| {
            format!(
                "**{}**",
                usd(lines.iter().map(|l| l.usd.get(i).copied().unwrap_or(0.0)).sum())
            )
        })
        .collect();
    let _ = writeln!(out, "| **total** | | {} |", totals.join(" | "));
    out
}

/// USD with cents (sub-cent amounts shown as such).
pub fn usd(v: f64) -> String {
    if v > 0.0 && v < 0.01 {
        "< $0.01".to_owned()
    } else {
        format!("${v:.2}")
    }
}

fn human_count(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{}k", v / 1e3)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured() -> Measured {
        Measured {
            receipt_mb: 256.0,
            processor_mb: 512.0,
            receipt_cpu_ms_per_event: 0.001,
            invocation_overhead_ms: 0.25,
            processor_cpu_ms_per_record: 0.5,
            processor_wait_ms_per_record: 300.0,
            processor_burst_wait_ms_per_record: 900.0,
            receipt_init_ms: 10.0,
            processor_init_ms: 14.0,
            receipt_log_bytes: 600.0,
            processor_log_bytes: 900.0,
            custom_metrics: 10,
            alarms: 8,
            dashboards: 1,
            secrets: 2,
        }
    }

    #[test]
    fn request_priced_items_scale_linearly_and_fixed_items_do_not() {
        let s = Scenario {
            name: "t",
            events_per_webhook: 1.0,
            records_per_batch: 1.0,
            shadow: false,
            burst: false,
        };
        let lines = estimate(&measured(), s, &[100_000.0, 1_000_000.0]);
        let get = |name: &str| lines.iter().find(|l| l.item.starts_with(name)).unwrap().usd.clone();
        let api = get("API Gateway");
        assert!((api[0] - 0.35).abs() < 1e-9 && (api[1] - 3.5).abs() < 1e-9);
        let lambda_req = get("Lambda requests");
        assert!((lambda_req[0] - 0.04).abs() < 1e-9);
        assert_eq!(get("CloudWatch alarms"), vec![0.8, 0.8]);
        // 1 ms overhead at 256 MB stretches by 1769/256 and adds one SQS round trip: ceil(0.251*6.91 + 15) = 17.
        assert_eq!(billed_ms(0.251, 15.0, 256.0), 17.0);
    }

    #[test]
    fn batching_divides_per_request_items() {
        let one = Scenario {
            name: "1",
            events_per_webhook: 1.0,
            records_per_batch: 1.0,
            shadow: false,
            burst: false,
        };
        let ten = Scenario {
            name: "10",
            events_per_webhook: 10.0,
            records_per_batch: 10.0,
            shadow: true,
            burst: true,
        };
        let a = estimate(&measured(), one, &[1_000_000.0]);
        let b = estimate(&measured(), ten, &[1_000_000.0]);
        let api = |l: &[Line]| l.iter().find(|x| x.item.starts_with("API")).unwrap().usd[0];
        assert!((api(&a) / api(&b) - 10.0).abs() < 1e-9);
        assert!(b.iter().any(|l| l.item.starts_with("S3")) && !a.iter().any(|l| l.item.starts_with("S3")));
        assert!(table(&measured(), ten, &[1e5, 1e6]).contains("**total**"));
    }

    #[test]
    fn bursts_bill_the_wait_for_the_write_spacing() {
        let spread = Scenario {
            name: "spread",
            events_per_webhook: 10.0,
            records_per_batch: 10.0,
            shadow: false,
            burst: false,
        };
        let burst = Scenario { burst: true, ..spread };
        let duration = |s: Scenario| {
            estimate(&measured(), s, &[1e6])
                .iter()
                .find(|l| l.item.starts_with("Lambda duration, processor"))
                .unwrap()
                .usd[0]
        };
        // Per 10-record batch: 10 x (0.5 ms CPU x 1769/512) + 10 x 300 ms waiting, against 10 x 900 ms in a burst.
        assert!(duration(burst) > 2.5 * duration(spread));
    }
}
