//! Custom metrics in CloudWatch embedded metric format (EMF): counts of record outcomes per event type, and calls,
//! errors and latency per external API. Values are collected during an invocation and rendered by
//! [`Metrics::flush`] as JSON lines that the binary prints to stdout (CloudWatch Logs extracts the metrics).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::engine::BatchReport;
use crate::outcome::{FailureClass, RecordStatus};

/// Default CloudWatch namespace.
pub const DEFAULT_NAMESPACE: &str = "HubSpotPartnerCentralSync";

/// EMF allows at most 100 values per metric in one document.
const MAX_VALUES_PER_DOCUMENT: usize = 100;

/// Per-record outcome metrics (dimension `EventType`).
pub const OUTCOME_METRICS: [&str; 8] = [
    "Processed",
    "Skipped",
    "FailedTransient",
    "FailedPermanent",
    "FailedConfig",
    "Unparseable",
    "Held",
    "Unprocessed",
];

/// The metric name counting one record status.
pub fn outcome_metric(status: &RecordStatus) -> &'static str {
    match status {
        RecordStatus::Processed { .. } => "Processed",
        RecordStatus::Skipped { .. } => "Skipped",
        RecordStatus::FailedPermanent { .. } => "FailedPermanent",
        RecordStatus::Failed {
            class: FailureClass::Config,
            ..
        } => "FailedConfig",
        RecordStatus::Failed { .. } => "FailedTransient",
        RecordStatus::Unparseable { .. } => "Unparseable",
        RecordStatus::Held { .. } => "Held",
        RecordStatus::Unprocessed => "Unprocessed",
    }
}

#[derive(Debug, Default)]
struct ApiStats {
    calls: u64,
    errors: u64,
    latencies_ms: Vec<f64>,
}

#[derive(Debug, Default)]
struct Collected {
    /// event type -> metric -> count
    outcomes: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// api name -> stats
    apis: BTreeMap<&'static str, ApiStats>,
}

/// Metric collector for one execution environment; flushed after each invocation.
#[derive(Debug)]
pub struct Metrics {
    namespace: String,
    collected: Mutex<Collected>,
}

impl Metrics {
    /// A collector writing to `namespace`.
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            collected: Mutex::new(Collected::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Collected) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update; the counters are still usable.
        let mut guard = self.collected.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Counts every record of a batch report under its event type.
    pub fn record_batch(&self, report: &BatchReport) {
        self.with(|c| {
            for r in &report.records {
                *c.outcomes
                    .entry(r.labels.event_type.clone())
                    .or_default()
                    .entry(outcome_metric(&r.status))
                    .or_default() += 1;
            }
        });
    }

    /// Records one call to an external API.
    pub fn record_api_call(&self, api: &'static str, latency_ms: f64, ok: bool) {
        self.with(|c| {
            let stats = c.apis.entry(api).or_default();
            stats.calls += 1;
            stats.errors += u64::from(!ok);
            stats.latencies_ms.push(latency_ms);
        });
    }

    /// Awaits `call`, recording it as one call to `api` with its latency and success.
    pub async fn timed<T, E>(&self, api: &'static str, call: impl Future<Output = Result<T, E>>) -> Result<T, E> {
        let started = Instant::now();
        let result = call.await;
        self.record_api_call(api, started.elapsed().as_secs_f64() * 1000.0, result.is_ok());
        result
    }

    /// Number of calls recorded for `api` since the last flush.
    pub fn api_calls(&self, api: &str) -> u64 {
        self.with(|c| c.apis.get(api).map_or(0, |s| s.calls))
    }

    /// Renders the collected values as EMF JSON lines stamped now, and resets the collector.
    pub fn flush(&self) -> Vec<String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        self.flush_at(u64::try_from(now).unwrap_or(u64::MAX))
    }

    /// Renders the collected values as EMF JSON lines with the given timestamp (ms), and resets the collector.
    pub fn flush_at(&self, timestamp_ms: u64) -> Vec<String> {
        let collected = self.with(std::mem::take);
        let mut lines = Vec::new();
        for (event_type, counts) in &collected.outcomes {
            let mut doc = Map::new();
            doc.insert("EventType".into(), Value::from(event_type.as_str()));
            let names: Vec<&str> = counts.keys().copied().collect();
            for (name, count) in counts {
                doc.insert((*name).into(), Value::from(*count));
            }
            lines.push(self.document(
                timestamp_ms,
                "EventType",
                &names.iter().map(|n| (*n, "Count")).collect::<Vec<_>>(),
                doc,
            ));
        }
        for (api, stats) in &collected.apis {
            let chunks: Vec<&[f64]> = stats.latencies_ms.chunks(MAX_VALUES_PER_DOCUMENT).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                let mut doc = Map::new();
                doc.insert("Api".into(), Value::from(*api));
                let mut metrics = vec![("ApiLatency", "Milliseconds")];
                if i == 0 {
                    doc.insert("ApiCalls".into(), Value::from(stats.calls));
                    doc.insert("ApiErrors".into(), Value::from(stats.errors));
                    metrics.extend([("ApiCalls", "Count"), ("ApiErrors", "Count")]);
                }
                doc.insert(
                    "ApiLatency".into(),
                    Value::from(chunk.iter().map(|v| (v * 1000.0).round() / 1000.0).collect::<Vec<_>>()),
                );
                lines.push(self.document(timestamp_ms, "Api", &metrics, doc));
            }
        }
        lines
    }

    fn document(
        &self,
        timestamp_ms: u64,
        dimension: &str,
        metrics: &[(&str, &str)],
        mut doc: Map<String, Value>,
    ) -> String {
        let definitions: Vec<Value> = metrics
            .iter()
            .map(|(name, unit)| json!({"Name": name, "Unit": unit}))
            .collect();
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{"Namespace": self.namespace, "Dimensions": [[dimension]], "Metrics": definitions}],
            }),
        );
        Value::Object(doc).to_string()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(DEFAULT_NAMESPACE)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::{ItemLabels, RecordMeta, RecordReport};

    fn report(statuses: &[(&str, RecordStatus)]) -> BatchReport {
        let records = statuses
            .iter()
            .enumerate()
            .map(|(i, (event_type, status))| RecordReport {
                meta: RecordMeta {
                    index: i,
                    message_id: format!("m{i}"),
                    group: "g".into(),
                    receive_count: 1,
                },
                labels: ItemLabels {
                    event_type: (*event_type).into(),
                    correlation_id: None,
                },
                status: status.clone(),
            })
            .collect();
        BatchReport { records, units_run: 1 }
    }

    #[test]
    fn outcome_counts_per_event_type_as_emf() {
        let metrics = Metrics::new("Test");
        metrics.record_batch(&report(&[
            (
                "deal.creation",
                RecordStatus::Processed {
                    action: "x".into(),
                    coalesced: 1,
                },
            ),
            (
                "deal.creation",
                RecordStatus::Failed {
                    class: FailureClass::Config,
                    code: "c".into(),
                },
            ),
            ("contact.propertyChange", RecordStatus::Skipped { reason: "r".into() }),
        ]));
        let lines = metrics.flush_at(1_000);
        assert_eq!(lines.len(), 2);
        let contact: Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(contact["EventType"], "contact.propertyChange");
        assert_eq!(contact["Skipped"], 1);
        let deal: Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(deal["Processed"], 1);
        assert_eq!(deal["FailedConfig"], 1);
        let cw = &deal["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(deal["_aws"]["Timestamp"], 1_000);
        assert_eq!(cw["Namespace"], "Test");
        assert_eq!(cw["Dimensions"], json!([["EventType"]]));
        let names: Vec<&str> = cw["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["FailedConfig", "Processed"]);
        assert!(metrics.flush_at(2_000).is_empty(), "flush resets");
    }

    #[tokio::test]
    async fn api_calls_latency_and_errors() {
        let metrics = Metrics::default();
        let ok: Result<u8, ()> = metrics.timed("HubSpot", async { Ok(1) }).await;
        assert_eq!(ok, Ok(1));
        let _ = metrics.timed("HubSpot", async { Err::<u8, ()>(()) }).await;
        assert_eq!(metrics.api_calls("HubSpot"), 2);
        let lines = metrics.flush_at(5);
        let doc: Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(doc["Api"], "HubSpot");
        assert_eq!(doc["ApiCalls"], 2);
        assert_eq!(doc["ApiErrors"], 1);
        assert_eq!(doc["ApiLatency"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn latency_values_are_split_at_the_emf_limit() {
        let metrics = Metrics::default();
        for _ in 0..150 {
            metrics.record_api_call("PartnerCentral", 1.0, true);
        }
        let lines = metrics.flush_at(5);
        assert_eq!(lines.len(), 2);
        let first: Value = serde_json::from_str(&lines[0]).unwrap();
        let second: Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(first["ApiLatency"].as_array().unwrap().len(), 100);
        assert_eq!(first["ApiCalls"], 150);
        assert_eq!(second["ApiLatency"].as_array().unwrap().len(), 50);
        assert!(second.get("ApiCalls").is_none(), "calls are counted once");
    }

    #[test]
    fn every_status_maps_to_a_declared_metric() {
        let statuses = [
            RecordStatus::Processed {
                action: "a".into(),
                coalesced: 1,
            },
            RecordStatus::Skipped { reason: "r".into() },
            RecordStatus::FailedPermanent { code: "c".into() },
            RecordStatus::Failed {
                class: FailureClass::Transient,
                code: "c".into(),
            },
            RecordStatus::Failed {
                class: FailureClass::Config,
                code: "c".into(),
            },
            RecordStatus::Unparseable {
                error: "e".into(),
                holds_group: true,
            },
            RecordStatus::Held { blocked_by: "m".into() },
            RecordStatus::Unprocessed,
        ];
        let names: std::collections::BTreeSet<&str> = statuses.iter().map(outcome_metric).collect();
        assert_eq!(names, OUTCOME_METRICS.into_iter().collect());
    }
}
