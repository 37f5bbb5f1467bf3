//! Shadow-mode metrics in CloudWatch embedded metric format: `ShadowWrites` per `Operation` (the writes live mode
//! would have sent, e.g. `PartnerCentral:UpdateOpportunity`), and `ShadowRecords` / `ShadowStoreErrors` (records
//! stored / failed puts) without dimensions. Collected during an invocation, rendered by [`ShadowMetrics::flush_at`]
//! into lines the runtime prints beside the processor's own metrics. Nothing is emitted when nothing was recorded.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

#[derive(Debug, Default)]
struct Counts {
    writes: BTreeMap<String, u64>,
    records: u64,
    store_errors: u64,
}

/// Collector of shadow metrics for one execution environment.
#[derive(Debug)]
pub struct ShadowMetrics {
    namespace: String,
    counts: Mutex<Counts>,
}

impl ShadowMetrics {
    /// A collector writing to `namespace`.
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            counts: Mutex::new(Counts::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Counts) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update; the counters are still usable.
        let mut guard = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Counts one stored record and its planned writes per operation.
    pub fn record_stored(&self, writes_by_operation: &BTreeMap<String, u64>) {
        self.with(|c| {
            c.records += 1;
            for (op, n) in writes_by_operation {
                *c.writes.entry(op.clone()).or_insert(0) += n;
            }
        });
    }

    /// Counts one failed put.
    pub fn store_failed(&self) {
        self.with(|c| c.store_errors += 1);
    }

    /// Planned writes counted for `operation` since the last flush.
    pub fn writes(&self, operation: &str) -> u64 {
        self.with(|c| c.writes.get(operation).copied().unwrap_or(0))
    }

    /// Records stored since the last flush.
    pub fn records(&self) -> u64 {
        self.with(|c| c.records)
    }

    /// Renders the collected values as EMF lines with the given timestamp (ms) and resets the collector.
    pub fn flush_at(&self, timestamp_ms: u64) -> Vec<String> {
        let counts = self.with(std::mem::take);
        let mut lines = Vec::new();
        for (operation, n) in &counts.writes {
            let mut doc = Map::new();
            doc.insert("Operation".into(), Value::from(operation.as_str()));
            doc.insert("ShadowWrites".into(), Value::from(*n));
            lines.push(self.document(timestamp_ms, &["Operation"], &["ShadowWrites"], doc));
        }
        if counts.records > 0 || counts.store_errors > 0 {
            let mut doc = Map::new();
            doc.insert("ShadowRecords".into(), Value::from(counts.records));
            doc.insert("ShadowStoreErrors".into(), Value::from(counts.store_errors));
            lines.push(self.document(timestamp_ms, &[], &["ShadowRecords", "ShadowStoreErrors"], doc));
        }
        lines
    }

    fn document(
        &self,
        timestamp_ms: u64,
        dimensions: &[&str],
        metrics: &[&str],
        mut doc: Map<String, Value>,
    ) -> String {
        let definitions: Vec<Value> = metrics.iter().map(|m| json!({"Name": m, "Unit": "Count"})).collect();
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{"Namespace": self.namespace, "Dimensions": [dimensions], "Metrics": definitions}],
            }),
        );
        Value::Object(doc).to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn writes_per_operation_and_record_counts() {
        let m = ShadowMetrics::new("Test");
        assert!(m.flush_at(1).is_empty(), "nothing recorded, nothing emitted");
        let ops = BTreeMap::from([
            ("HubSpot:PATCH deal".to_owned(), 1),
            ("PartnerCentral:CreateOpportunity".to_owned(), 1),
        ]);
        m.record_stored(&ops);
        m.record_stored(&BTreeMap::from([("HubSpot:PATCH deal".to_owned(), 2)]));
        m.store_failed();
        assert_eq!(m.writes("HubSpot:PATCH deal"), 3);
        let lines: Vec<Value> = m.flush_at(7).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["Operation"], "HubSpot:PATCH deal");
        assert_eq!(lines[0]["ShadowWrites"], 3);
        assert_eq!(
            lines[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Operation"]])
        );
        assert_eq!(lines[1]["ShadowWrites"], 1);
        assert_eq!(lines[2]["ShadowRecords"], 2);
        assert_eq!(lines[2]["ShadowStoreErrors"], 1);
        assert_eq!(lines[2]["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([[]]));
        assert_eq!(lines[2]["_aws"]["Timestamp"], 7);
        assert!(m.flush_at(8).is_empty(), "flush resets");
    }
}
