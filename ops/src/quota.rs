//! Client-side pacing for the migration commands: a [`Pacer`] spaces calls at most `rate` per second (Partner
//! Central reads: 10/s; HubSpot: 100-190 requests per 10 s per app; backfill sends: below the 1 write/s PC quota) and counts
//! them against an optional budget (Partner Central's 100,000 reads per rolling 24 h), failing *before* a call that
//! would exceed it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::OpsError;

/// Partner Central read quota per second.
pub const PC_READS_PER_SECOND: f64 = 10.0;
/// Partner Central read quota per rolling 24 h.
pub const PC_READS_PER_DAY: u64 = 100_000;

/// Spaces call starts at least `1/rate` apart and counts them.
#[derive(Debug)]
pub struct Pacer {
    name: &'static str,
    interval: Duration,
    budget: Option<u64>,
    next_slot: Mutex<Option<Instant>>,
    used: AtomicU64,
}

impl Pacer {
    /// At most `rate` calls per second (`rate` <= 0 or not finite: unpaced), at most `budget` calls in all.
    pub fn new(name: &'static str, rate: f64, budget: Option<u64>) -> Self {
        let interval = if rate.is_finite() && rate > 0.0 {
            Duration::from_secs_f64(1.0 / rate)
        } else {
            Duration::ZERO
        };
        Self {
            name,
            interval,
            budget,
            next_slot: Mutex::new(None),
            used: AtomicU64::new(0),
        }
    }

    /// Time between call starts.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Calls counted so far.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Fails with [`OpsError::Budget`] when `more` further calls would exceed the budget.
    pub fn check_budget(&self, more: u64) -> Result<(), OpsError> {
        match self.budget {
            Some(b) if self.used() + more > b => Err(OpsError::Budget(format!(
                "{} would need {} more call(s) after {} used; the budget is {b}",
                self.name,
                more,
                self.used()
            ))),
            _ => Ok(()),
        }
    }

    /// Waits for the next slot and counts one call.
    pub async fn acquire(&self) -> Result<(), OpsError> {
        self.check_budget(1)?;
        let mut next = self.next_slot.lock().await;
        if let Some(slot) = *next
            && slot > Instant::now()
        {
            tokio::time::sleep_until(slot).await;
        }
        *next = Some(Instant::now() + self.interval);
        self.used.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Seconds left at `rate` per second for `remaining` calls (for ETA lines).
pub fn eta_seconds(remaining: u64, rate: f64) -> f64 {
    if rate > 0.0 && rate.is_finite() {
        remaining as f64 / rate
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_calls_and_counts_them() {
        let p = Pacer::new("reads", 10.0, None);
        let t0 = Instant::now();
        for _ in 0..11 {
            p.acquire().await.unwrap();
        }
        assert_eq!(p.used(), 11);
        assert_eq!(t0.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn budget_stops_before_the_call() {
        let p = Pacer::new("PartnerCentral reads", 0.0, Some(2));
        p.acquire().await.unwrap();
        p.acquire().await.unwrap();
        let e = p.acquire().await.unwrap_err();
        assert!(e.to_string().contains("budget is 2"), "{e}");
        assert_eq!(p.used(), 2);
        assert!(p.check_budget(0).is_ok());
    }

    #[test]
    fn eta() {
        assert_eq!(eta_seconds(100, 10.0), 10.0);
        assert_eq!(eta_seconds(100, 0.0), 0.0);
    }
}
