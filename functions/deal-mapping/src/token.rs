//! Deterministic CreateOpportunity ClientTokens, so a redelivered or retried event (even after a failed HubSpot
//! write-back) can never create a second opportunity.
//!
//! Scheme: `hs-{portalId}-{dealId}` when both ids are plain ASCII alphanumerics (HubSpot ids are numbers) and the token
//! fits in 255 characters; otherwise `hs-sha256-` + the hex SHA-256 of `{portalId}\n{dealId}` (74 characters).
//! The prior system's token was `hs-deal-{dealId}` ([`legacy_client_token`]); a migration can use it to find
//! opportunities that system created.

use partner_central::{ClientToken, PcError};
use sha2::{Digest, Sha256};

fn plain(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The token for a deal of a portal. Both forms are 1..=255 ASCII characters, so the error (from
/// [`ClientToken::new`]'s length check) cannot happen in practice; it is returned rather than hidden.
pub fn client_token(portal_id: &str, deal_id: &str) -> Result<ClientToken, PcError> {
    let readable = format!("hs-{portal_id}-{deal_id}");
    let token = if plain(portal_id) && plain(deal_id) && readable.len() <= 255 {
        readable
    } else {
        let digest = Sha256::digest(format!("{portal_id}\n{deal_id}").as_bytes());
        format!("hs-sha256-{}", hex::encode(digest))
    };
    ClientToken::new(token)
}

/// The prior Python system's token, `hs-deal-{dealId}` (no portal).
pub fn legacy_client_token(deal_id: &str) -> String {
    format!("hs-deal-{deal_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_deterministic_and_valid() {
        assert_eq!(client_token("123", "456").unwrap().as_str(), "hs-123-456");
        assert_eq!(client_token("123", "456").unwrap(), client_token("123", "456").unwrap());
        assert_ne!(client_token("12", "3456").unwrap(), client_token("123", "456").unwrap());
        let odd = client_token("12-3", "4 56").unwrap();
        assert!(odd.as_str().starts_with("hs-sha256-"));
        assert_eq!(odd.as_str().len(), 74);
        assert_ne!(client_token("1-2", "3").unwrap(), client_token("1", "2-3").unwrap());
        let long = "9".repeat(300);
        assert!(client_token("1", &long).unwrap().as_str().len() <= 255);
        assert_eq!(legacy_client_token("789"), "hs-deal-789");
    }
}
