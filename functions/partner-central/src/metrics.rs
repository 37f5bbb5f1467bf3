//! Per-operation call counters and latency for the caller's metrics (e.g. EMF): calls, errors by class, throttled
//! answers, total and maximum latency, and time spent waiting for the write limiter.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::{ErrorClass, PcError};

/// Counters of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpStats {
    pub calls: u64,
    pub errors_transient: u64,
    pub errors_permanent: u64,
    pub errors_config: u64,
    pub throttled: u64,
    pub total_latency: Duration,
    pub max_latency: Duration,
    pub limiter_wait: Duration,
    /// Extra attempts made by the client's retry (throttling, 5xx, timeouts, network).
    pub retries: u64,
}

/// Thread-safe per-operation counters.
#[derive(Debug, Default)]
pub struct Metrics {
    ops: Mutex<BTreeMap<&'static str, OpStats>>,
}

impl Metrics {
    /// Record one call (after the client's retries) with its latency and outcome.
    pub fn record(&self, operation: &'static str, latency: Duration, limiter_wait: Duration, error: Option<&PcError>) {
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        let s = ops.entry(operation).or_default();
        s.calls += 1;
        s.total_latency += latency;
        s.max_latency = s.max_latency.max(latency);
        s.limiter_wait += limiter_wait;
        if let Some(e) = error {
            match e.class() {
                ErrorClass::Transient => s.errors_transient += 1,
                ErrorClass::Permanent => s.errors_permanent += 1,
                ErrorClass::Config => s.errors_config += 1,
            }
            if matches!(e, PcError::Throttled { .. }) {
                s.throttled += 1;
            }
        }
    }

    /// Record one retried attempt.
    pub fn record_retry(&self, operation: &'static str) {
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        ops.entry(operation).or_default().retries += 1;
    }

    /// A copy of all counters, keyed by operation name.
    pub fn snapshot(&self) -> BTreeMap<String, OpStats> {
        let ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        ops.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
    }

    /// Total calls over all operations.
    pub fn total_calls(&self) -> u64 {
        self.ops
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .map(|s| s.calls)
            .sum()
    }
}
