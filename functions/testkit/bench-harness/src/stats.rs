//! Summary statistics of timing samples: nearest-rank percentiles over sorted durations.

use std::time::Duration;

/// Median, p95, min and max of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// 50th percentile (nearest rank).
    pub median: Duration,
    /// 95th percentile (nearest rank).
    pub p95: Duration,
    /// Smallest sample.
    pub min: Duration,
    /// Largest sample.
    pub max: Duration,
}

/// The nearest-rank `p`-th percentile (0 < p <= 100) of sorted `samples`.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Summarizes `samples` (`None` when empty).
pub fn summarize(samples: &[Duration]) -> Option<Summary> {
    let mut s = samples.to_vec();
    s.sort_unstable();
    Some(Summary {
        n: s.len(),
        median: percentile(&s, 50.0)?,
        p95: percentile(&s, 95.0)?,
        min: *s.first()?,
        max: *s.last()?,
    })
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=20).rev().map(Duration::from_millis).collect();
        let s = summarize(&samples).unwrap();
        assert_eq!(s.n, 20);
        assert_eq!(s.median, Duration::from_millis(10));
        assert_eq!(s.p95, Duration::from_millis(19));
        assert_eq!((s.min, s.max), (Duration::from_millis(1), Duration::from_millis(20)));
        assert_eq!(summarize(&[]), None);
        assert_eq!(ms(Duration::from_micros(1234)), "1.23");
    }
}
