//! Client-side write limiter: at most one write per `interval` (default 1 s) per client instance, matching the
//! Partner Central write quota (1/s). Callers queue fairly on a tokio mutex and sleep until their slot; no busy wait.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces write starts at least `interval` apart.
#[derive(Debug)]
pub struct WriteLimiter {
    interval: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl WriteLimiter {
    pub fn new(interval: Duration) -> WriteLimiter {
        WriteLimiter {
            interval,
            next_slot: Mutex::new(None),
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Wait for the next write slot; returns how long the caller waited (queueing behind others included).
    pub async fn acquire(&self) -> Duration {
        let start = Instant::now();
        let mut next = self.next_slot.lock().await;
        if let Some(slot) = *next
            && slot > Instant::now()
        {
            tokio::time::sleep_until(slot).await;
        }
        let now = Instant::now();
        *next = Some(now + self.interval);
        now.duration_since(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_acquisitions_by_interval() {
        let limiter = std::sync::Arc::new(WriteLimiter::new(Duration::from_secs(1)));
        let t0 = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..4 {
            let l = limiter.clone();
            handles.push(tokio::spawn(async move {
                l.acquire().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap().duration_since(t0));
        }
        times.sort();
        assert_eq!(times[0], Duration::ZERO);
        for w in times.windows(2) {
            assert!(w[1] - w[0] >= Duration::from_secs(1), "{times:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn no_wait_after_idle() {
        let limiter = WriteLimiter::new(Duration::from_secs(1));
        limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(limiter.acquire().await, Duration::ZERO);
    }
}
