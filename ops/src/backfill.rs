//! `sync-ops backfill`: enqueue a synthetic deal-update event (the `replay-deal` event, [`crate::replay::build`]) for
//! every in-scope deal, or a filtered set, paced so the processor stays within Partner Central's 1 write/s.
//!
//! Each event causes at most one Partner Central write (create or update; none when nothing changed), so sending at
//! `--rate` events per second (default 0.8) keeps the processor's writes below the quota even when every deal needs
//! a write, leaving headroom for live traffic. Sends are spaced by a [`Pacer`] (one at a time, start to start).
//! All events of one run share a nonce (`--nonce`, random by default): every deal's dedup id is derived from its own
//! group and the nonce, so re-running a failed backfill with the same nonce within SQS's 5-minute deduplication
//! window does not enqueue a deal twice.

use serde::Serialize;

use crate::error::{OpsError, classify};
use crate::quota::{Pacer, eta_seconds};
use crate::replay::{self, ReplayRequest};
use crate::target::Sqs;

/// Default events per second.
pub const DEFAULT_RATE: f64 = 0.8;

/// Filters applied to the in-scope deals listed from HubSpot.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only deals modified at or after this time (`hs_lastmodifieddate`).
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only deals in this HubSpot stage id (`dealstage`).
    pub stage: Option<String>,
    /// At most this many deals (after the other filters, in id order).
    pub limit: Option<usize>,
}

impl Filter {
    /// Extra properties the filter reads from the deal listing.
    pub const PROPERTIES: &'static [&'static str] = &["dealstage", "hs_lastmodifieddate"];

    /// Whether a listed deal passes `since` and `stage` (`limit` is applied by [`Filter::apply`]).
    pub fn accepts(&self, deal: &hubspot::CrmObject) -> bool {
        let stage_ok = self
            .stage
            .as_deref()
            .is_none_or(|s| deal.property("dealstage") == Some(s));
        let since_ok = self.since.is_none_or(|since| {
            deal.property("hs_lastmodifieddate")
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t >= since)
        });
        stage_ok && since_ok
    }

    /// The accepted deal ids, in numeric id order, at most `limit`.
    pub fn apply(&self, deals: &[hubspot::CrmObject]) -> Vec<String> {
        let mut ids: Vec<&str> = deals
            .iter()
            .filter(|d| self.accepts(d))
            .map(|d| d.id.as_str())
            .collect();
        ids.sort_by_key(|id| (id.len(), *id));
        ids.truncate(self.limit.unwrap_or(usize::MAX));
        ids.into_iter().map(str::to_owned).collect()
    }
}

/// The in-scope deals (HubSpot deal listing pages, scope checked locally) passing `filter`, in id order.
pub async fn select(
    hs: &hubspot::HubSpotClient,
    settings: &crate::settings::SyncSettings,
    filter: &Filter,
    pacers: &crate::reconcile::Pacers,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<String>, OpsError> {
    let deals = crate::reconcile::source::scope_candidates(hs, settings, Filter::PROPERTIES, pacers, progress).await?;
    let in_scope: Vec<hubspot::CrmObject> = deals
        .into_iter()
        .filter(|d| deal_mapping::in_scope(d, &settings.mapping))
        .collect();
    Ok(filter.apply(&in_scope))
}

/// One enqueued (or, in a dry run, planned) event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enqueued {
    /// Deal id.
    pub deal_id: String,
    /// SQS message id (`None` in a dry run).
    pub message_id: Option<String>,
    /// Message group id.
    pub group_id: String,
    /// Deduplication id.
    pub deduplication_id: String,
}

/// The run's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backfill {
    /// Whether nothing was sent.
    pub dry_run: bool,
    /// The run's nonce (pass it again to retry idempotently within 5 minutes).
    pub nonce: String,
    /// Events per second.
    pub rate: f64,
    /// Queue URL (`None` in a dry run without a queue).
    pub queue_url: Option<String>,
    /// The events.
    pub events: Vec<Enqueued>,
    /// Seconds taken.
    pub elapsed_seconds: f64,
}

/// What to send.
#[derive(Debug, Clone)]
pub struct Plan {
    /// HubSpot portal id.
    pub portal_id: u64,
    /// Deal ids (numeric strings).
    pub deal_ids: Vec<String>,
    /// Events per second.
    pub rate: f64,
    /// Run nonce (random when `None`).
    pub nonce: Option<String>,
    /// Build but do not send.
    pub dry_run: bool,
    /// Progress line every this many events.
    pub progress_every: usize,
}

/// Builds every event, then (unless a dry run) sends them paced to `queue_url`.
pub async fn run(
    sqs: &Sqs,
    queue_url: Option<&str>,
    plan: &Plan,
    progress: &mut dyn FnMut(String),
) -> Result<Backfill, OpsError> {
    if !(plan.rate.is_finite() && plan.rate > 0.0 && plan.rate <= 10.0) {
        return Err(OpsError::InvalidArgument {
            argument: "--rate",
            reason: "events per second must be in (0, 10]; Partner Central allows 1 write/s".into(),
        });
    }
    let nonce = plan.nonce.clone().unwrap_or_else(replay::random_nonce);
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut built = Vec::with_capacity(plan.deal_ids.len());
    for id in &plan.deal_ids {
        let deal_id: u64 = id.parse().map_err(|_| OpsError::InvalidArgument {
            argument: "--deal",
            reason: format!("deal id {id:?} is not numeric"),
        })?;
        let req = ReplayRequest {
            portal_id: plan.portal_id,
            deal_id,
            reason: Some("backfill".into()),
            nonce: Some(nonce.clone()),
            now_ms,
        };
        built.push((id.clone(), replay::build(&req)?.1));
    }
    let started = std::time::Instant::now();
    let mut events = Vec::with_capacity(built.len());
    let total = built.len();
    let sending = match (plan.dry_run, queue_url) {
        (true, _) => None,
        (false, Some(url)) => Some(url),
        (false, None) => {
            return Err(OpsError::InvalidArgument {
                argument: "--queue-url/--env",
                reason: "a backfill needs the source queue (or --dry-run)".into(),
            });
        }
    };
    let pacer = Pacer::new("backfill sends", plan.rate, None);
    for (i, (deal_id, message)) in built.into_iter().enumerate() {
        let message_id = match sending {
            None => None,
            Some(url) => {
                pacer.acquire().await?;
                let out = sqs
                    .client
                    .send_message()
                    .queue_url(url)
                    .message_group_id(&message.group_id)
                    .message_deduplication_id(&message.deduplication_id)
                    .message_body(&message.body)
                    .send()
                    .await
                    .map_err(|e| classify("SendMessage", url, &sqs.endpoint, e))?;
                out.message_id().map(str::to_owned)
            }
        };
        events.push(Enqueued {
            deal_id,
            message_id,
            group_id: message.group_id,
            deduplication_id: message.deduplication_id,
        });
        let done = i + 1;
        if sending.is_some() && (done % plan.progress_every.max(1) == 0 || done == total) {
            progress(format!(
                "backfill: enqueued {done}/{total}, ETA {:.0} s",
                eta_seconds((total - done) as u64, plan.rate)
            ));
        }
    }
    Ok(Backfill {
        dry_run: plan.dry_run,
        nonce,
        rate: plan.rate,
        queue_url: sending.map(str::to_owned),
        events,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn deal(id: &str, stage: &str, modified: &str) -> hubspot::CrmObject {
        hubspot::CrmObject {
            id: id.into(),
            properties: BTreeMap::from([
                ("dealstage".to_owned(), Some(stage.to_owned())),
                ("hs_lastmodifieddate".to_owned(), Some(modified.to_owned())),
            ]),
            created_at: None,
            updated_at: None,
            archived: false,
            associations: BTreeMap::new(),
        }
    }

    #[test]
    fn filters_by_stage_since_and_limit_in_id_order() {
        let deals = [
            deal("30", "qualifiedtobuy", "2026-11-02T00:00:00Z"),
            deal("4", "qualifiedtobuy", "2026-11-03T00:00:00.000Z"),
            deal("100", "closedwon", "2026-11-03T00:00:00Z"),
            deal("5", "qualifiedtobuy", "2026-10-01T00:00:00Z"),
        ];
        let since = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let f = Filter {
            since: Some(since),
            stage: Some("qualifiedtobuy".into()),
            limit: None,
        };
        assert_eq!(f.apply(&deals), ["4", "30"]);
        let f = Filter {
            limit: Some(2),
            ..Filter::default()
        };
        assert_eq!(f.apply(&deals), ["4", "5"]);
    }
}
