//! Retry policy of the HubSpot client: which failures are retried, and after how long.
//!
//! - 429 with `policyName: TEN_SECONDLY_ROLLING`, or the search API's "secondly" limit: retried (after `Retry-After`
//!   when sent, else after a backoff no shorter than the policy's minimum). A 429 naming any other policy (`DAILY`)
//!   is never retried; one naming no policy is retried only when it carries `Retry-After`.
//! - 423 (wait at least 2 s), 477 (`Retry-After`), 502/503/504/521/523/524: retried.
//! - Timeouts are retried for idempotent requests; connection failures (nothing sent) always.
//! - Every other status is final. Attempts and total elapsed time are bounded; a wait that would exceed the budget
//!   (or a `Retry-After` above `max_delay`) ends the call with a transient error instead, so SQS retries later.
//!
//! Non-idempotent requests (creating a note) are only retried where HubSpot did not process them (429, 423, 477,
//! 503, connection refused): a 502/504 or a timeout may hide a created note.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Retry and backoff settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Maximum requests per call, the first included (1 disables retries).
    pub max_attempts: u32,
    /// First backoff step; doubles per attempt.
    pub base_delay: Duration,
    /// Longest single wait; a `Retry-After` above it is not waited for.
    pub max_delay: Duration,
    /// Total time budget for one call, waits included; no retry starts after it.
    pub max_elapsed: Duration,
    /// Minimum wait after a `TEN_SECONDLY_ROLLING` 429 without `Retry-After`.
    pub ten_secondly_min_delay: Duration,
    /// Minimum wait after a "secondly" (search) 429 without `Retry-After`.
    pub secondly_min_delay: Duration,
    /// Minimum wait after a 423 Locked.
    pub locked_min_delay: Duration,
    /// Randomise each backoff between half and all of its value.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(30),
            ten_secondly_min_delay: Duration::from_secs(1),
            secondly_min_delay: Duration::from_secs(1),
            locked_min_delay: Duration::from_secs(2),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Short delays for tests: same rules, millisecond waits (HubSpot-minimum waits included).
    pub fn fast_for_tests() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_secs(2),
            max_elapsed: Duration::from_secs(5),
            ten_secondly_min_delay: Duration::from_millis(20),
            secondly_min_delay: Duration::from_millis(20),
            locked_min_delay: Duration::from_millis(20),
            jitter: true,
        }
    }
}

/// What happened on one attempt (input to the decision).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome<'a> {
    /// An HTTP error status.
    Status {
        /// Status code.
        status: u16,
        /// 429 `policyName`.
        policy_name: Option<&'a str>,
        /// Body `message`.
        message: Option<&'a str>,
        /// `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// The request timed out.
    Timeout,
    /// The connection could not be made (nothing was sent).
    Connect,
    /// Another transport error (the request may have been sent).
    Network,
}

/// Statuses HubSpot documents as "pause and retry".
pub(crate) fn is_retryable_server_status(status: u16) -> bool {
    matches!(status, 502 | 503 | 504 | 521 | 523 | 524)
}

fn is_secondly(policy_name: Option<&str>, message: Option<&str>) -> bool {
    policy_name.is_some_and(|p| p.eq_ignore_ascii_case("SECONDLY"))
        || message.is_some_and(|m| m.to_ascii_lowercase().contains("secondly limit") && !m.contains("ten_secondly"))
}

/// A random fraction in [0, 1) without an RNG dependency (std's per-instance random hasher keys).
fn random_fraction() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

impl RetryPolicy {
    /// Exponential backoff for the given attempt number (1 = after the first request), jittered.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        if self.jitter {
            full.mul_f64(0.5 + 0.5 * random_fraction())
        } else {
            full
        }
    }

    /// The wait before the next attempt, or `None` when the call must end now.
    ///
    /// `attempt` is the number of requests already made; `elapsed` the time since the call started.
    pub(crate) fn next_delay(
        &self,
        outcome: &Outcome<'_>,
        attempt: u32,
        elapsed: Duration,
        idempotent: bool,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let backoff = self.backoff(attempt);
        let delay = match *outcome {
            Outcome::Status {
                status: 429,
                policy_name,
                message,
                retry_after,
            } => {
                if policy_name.is_some_and(|p| p.eq_ignore_ascii_case("TEN_SECONDLY_ROLLING")) {
                    retry_after.unwrap_or_else(|| backoff.max(self.ten_secondly_min_delay.mul_f64(f64::from(attempt))))
                } else if is_secondly(policy_name, message) {
                    retry_after.unwrap_or_else(|| backoff.max(self.secondly_min_delay))
                } else if policy_name.is_none() && retry_after.is_some() {
                    retry_after?
                } else {
                    return None; // DAILY and any other policy: not retried.
                }
            }
            Outcome::Status {
                status: 423,
                retry_after,
                ..
            } => retry_after
                .unwrap_or(Duration::ZERO)
                .max(backoff)
                .max(self.locked_min_delay),
            Outcome::Status {
                status: 477,
                retry_after,
                ..
            } => retry_after.unwrap_or(backoff),
            Outcome::Status {
                status: 503,
                retry_after,
                ..
            } => retry_after.unwrap_or(backoff),
            Outcome::Status {
                status, retry_after, ..
            } if idempotent && is_retryable_server_status(status) => retry_after.unwrap_or(backoff),
            Outcome::Status { .. } => return None,
            Outcome::Connect => backoff,
            Outcome::Timeout | Outcome::Network if idempotent => backoff,
            Outcome::Timeout | Outcome::Network => return None,
        };
        if delay > self.max_delay || elapsed.saturating_add(delay) >= self.max_elapsed {
            return None;
        }
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    fn status(status: u16, policy_name: Option<&str>, retry_after: Option<u64>) -> Outcome<'_> {
        Outcome::Status {
            status,
            policy_name,
            message: None,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn rate_limit_policies() {
        let p = policy();
        let zero = Duration::ZERO;
        assert_eq!(
            p.next_delay(&status(429, Some("TEN_SECONDLY_ROLLING"), Some(3)), 1, zero, true),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.next_delay(&status(429, Some("TEN_SECONDLY_ROLLING"), None), 2, zero, true),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.next_delay(&status(429, Some("DAILY"), Some(1)), 1, zero, true), None);
        let secondly = Outcome::Status {
            status: 429,
            policy_name: None,
            message: Some("You have reached your secondly limit."),
            retry_after: None,
        };
        assert_eq!(p.next_delay(&secondly, 1, zero, true), Some(Duration::from_secs(1)));
        // Retry-After beyond max_delay or the remaining budget ends the call.
        assert_eq!(
            p.next_delay(&status(429, Some("TEN_SECONDLY_ROLLING"), Some(60)), 1, zero, true),
            None
        );
        assert_eq!(
            p.next_delay(
                &status(429, Some("TEN_SECONDLY_ROLLING"), Some(5)),
                1,
                Duration::from_secs(28),
                true
            ),
            None
        );
    }

    #[test]
    fn statuses_and_transport() {
        let p = policy();
        let zero = Duration::ZERO;
        assert_eq!(
            p.next_delay(&status(502, None, None), 1, zero, true),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            p.next_delay(&status(504, None, None), 2, zero, true),
            Some(Duration::from_millis(1000))
        );
        assert_eq!(p.next_delay(&status(502, None, None), 1, zero, false), None);
        assert_eq!(
            p.next_delay(&status(503, None, None), 1, zero, false),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            p.next_delay(&status(423, None, None), 1, zero, true),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.next_delay(&status(477, None, Some(4)), 1, zero, true),
            Some(Duration::from_secs(4))
        );
        for final_status in [400, 401, 403, 404, 409, 500] {
            assert_eq!(
                p.next_delay(&status(final_status, None, None), 1, zero, true),
                None,
                "{final_status}"
            );
        }
        assert_eq!(p.next_delay(&Outcome::Timeout, 1, zero, false), None);
        assert_eq!(
            p.next_delay(&Outcome::Connect, 1, zero, false),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            p.next_delay(&status(502, None, None), 4, zero, true),
            None,
            "attempt bound"
        );
    }

    #[test]
    fn jitter_stays_within_half_and_full() {
        let p = RetryPolicy::default();
        for attempt in 1..4 {
            let full = p.base_delay * 2u32.pow(attempt - 1);
            let d = p.backoff(attempt);
            assert!(d >= full / 2 && d <= full, "{d:?} vs {full:?}");
        }
    }
}
