//! The canary by deal: a stable bucket 0..100 per deal (`SHA-256("{portal_id}:{deal_id}")`, first 8 bytes as a
//! big-endian u64, mod 100), and [`runs_live`], which decides whether a deal's writes are sent (live) or only
//! recorded (shadow). A deal whose bucket is below `canary_live_percent` runs live, so raising the percentage only
//! ever moves deals from shadow to live (0% -> 10% -> 50% -> 100% keeps every earlier live deal live).
//!
//! The bucket depends on nothing but the portal and deal ids, so the previous system (or an operator tool) can
//! compute the same split; see [`bucket`] for the exact definition.

pub use deal_mapping::SyncMode as Mode;
use sha2::{Digest, Sha256};

/// The stable canary bucket (0..=99) of a deal: `SHA-256("{portal_id}:{deal_id}")`, first 8 bytes as a big-endian
/// u64, mod 100.
pub fn bucket(portal_id: u64, deal_id: &str) -> u8 {
    let mut hasher = Sha256::new();
    hasher.update(portal_id.to_string().as_bytes());
    hasher.update(b":");
    hasher.update(deal_id.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // `% 100` is below 100, so the conversion cannot fail.
    u8::try_from(u64::from_be_bytes(first) % 100).unwrap_or(u8::MAX)
}

/// Whether a deal runs live: always in [`Mode::Live`]; in [`Mode::Shadow`] when its [`bucket`] is below
/// `canary_live_percent` (0 = every deal in shadow, 100 or more = every deal live).
pub fn runs_live(mode: Mode, canary_live_percent: u8, portal_id: u64, deal_id: &str) -> bool {
    match mode {
        Mode::Live => true,
        Mode::Shadow => bucket(portal_id, deal_id) < canary_live_percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_is_the_documented_hash() {
        // Independent computation of the contract: SHA-256("62515:9001"), first 8 bytes big-endian, mod 100.
        let digest = Sha256::digest(b"62515:9001");
        let expected = u64::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
        ]) % 100;
        assert_eq!(u64::from(bucket(62515, "9001")), expected);
    }

    #[test]
    fn bucket_is_stable_and_depends_on_the_portal() {
        assert_eq!(bucket(1, "42"), bucket(1, "42"));
        let differing = (0..200)
            .filter(|i| bucket(1, &i.to_string()) != bucket(2, &i.to_string()))
            .count();
        assert!(
            differing > 150,
            "the portal is part of the hash ({differing} of 200 differ)"
        );
    }

    #[test]
    fn live_mode_ignores_the_percentage() {
        for deal in ["1", "2", "3", "99999"] {
            assert!(runs_live(Mode::Live, 0, 7, deal));
            assert!(!runs_live(Mode::Shadow, 0, 7, deal));
            assert!(runs_live(Mode::Shadow, 100, 7, deal));
        }
    }

    #[test]
    fn raising_the_percentage_keeps_live_deals_live() {
        for i in 0..2_000u32 {
            let deal = i.to_string();
            let mut was_live = false;
            for pct in [0u8, 10, 25, 50, 75, 100] {
                let live = runs_live(Mode::Shadow, pct, 62515, &deal);
                assert!(live || !was_live, "deal {deal} went back to shadow at {pct}%");
                was_live = live;
            }
        }
    }
}
