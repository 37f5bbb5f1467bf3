//! The client's own retry policy (the SDK's retry is off so that every write attempt passes the write limiter):
//! which errors are retried, the jittered exponential backoff, and the limiter's jitter margin.

use std::time::Duration;

use crate::error::PcError;

/// Longest wait between two attempts.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Limiter spacing: the interval plus 5 %, so that the service, which sees arrivals rather than send starts, still
/// sees at least `interval` between two requests despite latency jitter (measured up to ~10 ms on a loaded
/// loopback; 50 ms at the 1 s write quota).
pub(crate) fn with_margin(interval: Duration) -> Duration {
    interval + interval / 20
}

/// Errors worth another attempt (what the SDK's standard retry covered): throttling, 5xx, timeouts, network.
pub(crate) fn retryable(e: &PcError) -> bool {
    matches!(
        e,
        PcError::Throttled { .. } | PcError::ServiceFault { .. } | PcError::Timeout { .. } | PcError::Network { .. }
    )
}

/// Wait before attempt `attempt + 1`: `initial * 2^(attempt-1)`, capped at [`MAX_BACKOFF`], scaled by a jitter
/// factor in [0.5, 1.0).
pub(crate) fn backoff(initial: Duration, attempt: u32) -> Duration {
    let base = initial.saturating_mul(1u32 << (attempt - 1).min(16)).min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = 0.5 + f64::from(nanos % 1000) / 2000.0;
    base.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn backoff_doubles_with_jitter_and_caps() {
        let initial = Duration::from_millis(100);
        for attempt in 1..=4u32 {
            let full = Duration::from_millis(100 * (1 << (attempt - 1)));
            let d = backoff(initial, attempt);
            assert!(d >= full / 2 && d < full, "attempt {attempt}: {d:?}");
        }
        assert!(backoff(Duration::from_secs(1), 30) <= MAX_BACKOFF);
    }
}
