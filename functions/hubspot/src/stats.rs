//! Per-operation call counters and latency of the HubSpot client, for the processor to emit as metrics.
//!
//! Operation names look like `deals.get`, `companies.batch_read`, `deals.update`, `notes.create`, `deals.search`,
//! `companies.associations.deals`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Counters for one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationStats {
    /// Calls made (one call may send several requests).
    pub calls: u64,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Retries (requests beyond the first of each call).
    pub retries: u64,
    /// Calls that failed in the end.
    pub failures: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Sum of call latencies (waits included), in milliseconds.
    pub total_latency_ms: u64,
    /// Slowest call, in milliseconds.
    pub max_latency_ms: u64,
}

/// Thread-safe stats shared by every clone of a client.
#[derive(Debug, Default)]
pub struct ClientStats {
    inner: Mutex<BTreeMap<String, OperationStats>>,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl ClientStats {
    fn with<R>(&self, operation: &str, f: impl FnOnce(&mut OperationStats) -> R) -> R {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(map.entry(operation.to_owned()).or_default())
    }

    /// Records one HTTP request and its status (`None` for a transport failure).
    pub(crate) fn record_request(&self, operation: &str, status: Option<u16>) {
        self.with(operation, |s| {
            s.requests += 1;
            if status == Some(429) {
                s.rate_limited += 1;
            }
        });
    }

    /// Records a finished call.
    pub(crate) fn record_call(&self, operation: &str, attempts: u32, latency: Duration, ok: bool) {
        let ms = millis(latency);
        self.with(operation, |s| {
            s.calls += 1;
            s.retries += u64::from(attempts.saturating_sub(1));
            if !ok {
                s.failures += 1;
            }
            s.total_latency_ms = s.total_latency_ms.saturating_add(ms);
            s.max_latency_ms = s.max_latency_ms.max(ms);
        });
    }

    /// A copy of the counters, by operation.
    pub fn snapshot(&self) -> BTreeMap<String, OperationStats> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The counters since the last `take` (e.g. per Lambda invocation), resetting them.
    pub fn take(&self) -> BTreeMap<String, OperationStats> {
        std::mem::take(&mut *self.inner.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// HTTP requests sent over all operations.
    pub fn total_requests(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|s| s.requests)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_take_resets() {
        let stats = ClientStats::default();
        stats.record_request("deals.get", Some(429));
        stats.record_request("deals.get", Some(200));
        stats.record_call("deals.get", 2, Duration::from_millis(30), true);
        let snap = stats.snapshot();
        let deals = &snap["deals.get"];
        assert_eq!(
            (deals.calls, deals.requests, deals.retries, deals.rate_limited),
            (1, 2, 1, 1)
        );
        assert_eq!(deals.max_latency_ms, 30);
        assert_eq!(stats.take().len(), 1);
        assert_eq!(stats.total_requests(), 0);
    }
}
