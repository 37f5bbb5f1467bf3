//! `replay-deal`: enqueue a synthetic `deal.propertyChange` event for one HubSpot deal, so the processor re-syncs it.
//!
//! The event is built by `sync_events::parse_webhook` from a one-event HubSpot payload (`subscriptionType
//! deal.propertyChange`, the portal and deal, `occurredAt` = now, `changeSource` = `SYNC_OPS_REPLAY`, no property
//! name or value), so it is exactly what the receipt would enqueue for a real change and classifies as
//! `DealPropertyChange`; echo suppression never matches it (no write-back property, no app source id).
//!
//! - `MessageGroupId` = the event's `message_group_id()` (`hubspot:<portal>:deal:<deal>`): the deal's own group,
//!   ordered with its real events.
//! - `MessageDeduplicationId` = hex SHA-256 of (`sync-ops-replay-v1`, the group id, the replay nonce), not the
//!   event's own content hash. The nonce is random per run, so a deliberate replay is never dropped by SQS's
//!   5-minute deduplication; pass the same `--nonce` to make retries of one replay idempotent within those 5 minutes
//!   (the retry's later `occurredAt` does not change the id).
//! - `correlationId` = `sync-ops-replay/<nonce>[/<reason>]` (reason reduced to `[A-Za-z0-9._-]`, <= 64 chars), so the
//!   processor's logs show the replay and why.

use std::hash::{BuildHasher, Hasher};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sync_events::{EventKind, SqsMessage, SyncEvent};

use crate::error::{OpsError, classify};
use crate::target::{Selection, Sqs};

/// `changeSource` of replay events.
pub const REPLAY_CHANGE_SOURCE: &str = "SYNC_OPS_REPLAY";

/// What to replay.
#[derive(Debug, Clone)]
pub struct ReplayRequest {
    /// HubSpot portal (account) id.
    pub portal_id: u64,
    /// HubSpot deal id.
    pub deal_id: u64,
    /// Free-text reason (sanitized into the correlation id).
    pub reason: Option<String>,
    /// Replay nonce (random when `None`).
    pub nonce: Option<String>,
    /// `occurredAt` (epoch ms).
    pub now_ms: i64,
}

/// The enqueued replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replayed {
    /// SQS MessageId.
    pub message_id: String,
    /// SequenceNumber.
    pub sequence_number: Option<String>,
    /// MessageGroupId (the deal's group).
    pub group_id: String,
    /// MessageDeduplicationId (nonce-derived).
    pub deduplication_id: String,
    /// The nonce used.
    pub nonce: String,
    /// The event's correlation id.
    pub correlation_id: String,
    /// Queue URL.
    pub queue_url: String,
}

/// A fresh random nonce: 128 bits from the std hasher's per-process random keys plus the clock (no extra crate).
pub fn random_nonce() -> String {
    let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let word = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_i64(nanos);
        h.write_u32(std::process::id());
        h.finish()
    };
    format!("{:016x}{:016x}", word(1), word(2))
}

fn sanitize(s: &str, max: usize) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(max)
        .collect()
}

/// The replay event and its SQS message (group id of the deal, nonce-derived dedup id).
pub fn build(req: &ReplayRequest) -> Result<(SyncEvent, SqsMessage, String), OpsError> {
    let nonce = match &req.nonce {
        Some(n) if n.is_empty() || n.len() > 64 || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            return Err(OpsError::InvalidArgument {
                argument: "--nonce",
                reason: "use 1-64 characters of [A-Za-z0-9-]".to_owned(),
            });
        }
        Some(n) => n.clone(),
        None => random_nonce(),
    };
    let mut correlation_id = format!("sync-ops-replay/{nonce}");
    if let Some(reason) = req
        .reason
        .as_deref()
        .map(|r| sanitize(r.trim(), 64))
        .filter(|r| !r.is_empty())
    {
        correlation_id.push('/');
        correlation_id.push_str(&reason);
    }
    let webhook = serde_json::json!([{
        "subscriptionType": "deal.propertyChange",
        "portalId": req.portal_id,
        "objectId": req.deal_id,
        "occurredAt": req.now_ms,
        "changeSource": REPLAY_CHANGE_SOURCE,
    }]);
    let bad = |reason: String| OpsError::InvalidArgument {
        argument: "--portal/--deal",
        reason,
    };
    let events = sync_events::parse_webhook(webhook.to_string().as_bytes(), &correlation_id)
        .map_err(|e| bad(format!("the replay event does not parse: {e}")))?;
    let [event] = <[SyncEvent; 1]>::try_from(events).map_err(|_| bad("expected exactly one event".to_owned()))?;
    if event.kind() != EventKind::DealPropertyChange {
        return Err(bad(format!("replay event classified as {:?}", event.kind())));
    }
    let mut message = event.to_sqs_message()?;
    let mut h = Sha256::new();
    for part in ["sync-ops-replay-v1", message.group_id.as_str(), nonce.as_str()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    message.deduplication_id = hex::encode(h.finalize());
    Ok((event, message, nonce))
}

/// Builds and sends the replay to the source queue of `sel`.
pub async fn replay_deal(sqs: &Sqs, sel: &Selection, req: &ReplayRequest) -> Result<Replayed, OpsError> {
    let (event, message, nonce) = build(req)?;
    let queue_url = sqs.source_url(sel).await?;
    let out = sqs
        .client
        .send_message()
        .queue_url(&queue_url)
        .message_group_id(&message.group_id)
        .message_deduplication_id(&message.deduplication_id)
        .message_body(&message.body)
        .send()
        .await
        .map_err(|e| classify("SendMessage", &queue_url, &sqs.endpoint, e))?;
    Ok(Replayed {
        message_id: out.message_id().unwrap_or_default().to_owned(),
        sequence_number: out.sequence_number().map(str::to_owned),
        group_id: message.group_id,
        deduplication_id: message.deduplication_id,
        nonce,
        correlation_id: event.correlation_id,
        queue_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(nonce: Option<&str>) -> ReplayRequest {
        ReplayRequest {
            portal_id: 62515,
            deal_id: 1234567,
            reason: Some("fix PC sync (ticket #42)".to_owned()),
            nonce: nonce.map(str::to_owned),
            now_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn replay_event_is_a_deal_update_in_the_deals_group() {
        let (event, msg, nonce) = build(&req(Some("abc"))).unwrap();
        assert_eq!(nonce, "abc");
        assert_eq!(event.kind(), EventKind::DealPropertyChange);
        assert_eq!(msg.group_id, "hubspot:62515:deal:1234567");
        assert_eq!(event.correlation_id, "sync-ops-replay/abc/fix-PC-sync--ticket--42-");
        assert_eq!(SyncEvent::from_sqs_body(&msg.body).unwrap(), event);
        assert_eq!(msg.deduplication_id.len(), 64);
        assert_ne!(msg.deduplication_id, event.deduplication_id());
    }

    #[test]
    fn dedup_id_depends_on_the_deal_and_nonce_only() {
        let a = build(&req(Some("n1"))).unwrap().1.deduplication_id;
        let later = ReplayRequest {
            now_ms: 1_800_000_000_000,
            reason: None,
            ..req(Some("n1"))
        };
        let b = build(&later).unwrap().1.deduplication_id;
        let other_deal = ReplayRequest {
            deal_id: 1,
            ..req(Some("n1"))
        };
        assert_ne!(a, build(&other_deal).unwrap().1.deduplication_id);
        let c = build(&req(Some("n2"))).unwrap().1.deduplication_id;
        assert_eq!(a, b);
        assert_ne!(a, c);
        let r1 = build(&req(None)).unwrap();
        let r2 = build(&req(None)).unwrap();
        assert_ne!(r1.2, r2.2, "random nonces differ");
        assert_ne!(r1.1.deduplication_id, r2.1.deduplication_id);
    }

    #[test]
    fn bad_nonce_is_rejected() {
        assert!(build(&req(Some(""))).is_err());
        assert!(build(&req(Some("a b"))).is_err());
    }
}
