//! The canary by deal on a large synthetic set: the split is stable (same answer on every call and for every
//! percentage step a deal keeps its side once live) and the live share of 100,000 synthetic deal ids is within one
//! point of the configured percentage for 0, 10, 50 and 100%.

use event_processor::shadow::canary::{Mode, bucket, runs_live};

const DEALS: u64 = 100_000;
const PORTAL: u64 = 62515;

fn deal_id(i: u64) -> String {
    // HubSpot deal ids are large decimal numbers; spread them like real ones.
    (10_000_000_000 + i * 7_919).to_string()
}

#[test]
fn live_share_matches_the_percentage_within_one_point() {
    let buckets: Vec<u8> = (0..DEALS).map(|i| bucket(PORTAL, &deal_id(i))).collect();
    for pct in [0u8, 10, 50, 100] {
        let live = (0..DEALS)
            .filter(|i| runs_live(Mode::Shadow, pct, PORTAL, &deal_id(*i)))
            .count();
        let share = live as f64 * 100.0 / DEALS as f64;
        println!("canary {pct:>3}%: {live} of {DEALS} deals live ({share:.2}%)");
        assert!((share - f64::from(pct)).abs() <= 1.0, "{pct}%: live share {share:.2}%");
        // The decision is exactly "bucket below the percentage".
        let by_bucket = buckets.iter().filter(|b| **b < pct).count();
        assert_eq!(live, by_bucket);
    }
    assert_eq!(
        (0..DEALS)
            .filter(|i| runs_live(Mode::Live, 0, PORTAL, &deal_id(*i)))
            .count() as u64,
        DEALS
    );
}

#[test]
fn buckets_are_uniform_and_stable() {
    let mut counts = [0u32; 100];
    for i in 0..DEALS {
        let id = deal_id(i);
        let b = bucket(PORTAL, &id);
        assert_eq!(b, bucket(PORTAL, &id), "stable");
        counts[usize::from(b)] += 1;
    }
    // 1,000 expected per bucket; a uniform hash stays well within +-20% at this size.
    let (min, max) = (counts.iter().min().copied(), counts.iter().max().copied());
    println!("per-bucket counts: min {min:?} max {max:?}");
    assert!(counts.iter().all(|c| (800..=1200).contains(c)), "{counts:?}");
}
