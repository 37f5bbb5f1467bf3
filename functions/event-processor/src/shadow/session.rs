//! Which services a handler gets for a target, and the recording scope of one object sync.
//!
//! [`select`] is the body of `HandlerContext::services_for`:
//! - live mode, or a deal whose canary bucket is inside `canary_live_percent`: the live services;
//! - a deal outside the canary: the shadow twin ([`crate::services::Services::shadow`]) recording into that deal's
//!   own [`WriteLog`], created once per object sync and deal (asking again returns the same twin);
//! - a non-deal target (company, contact, note: fan-out handlers read through it and write through the services of
//!   each deal they touch, so every deal a fan-out reaches is decided by its own bucket): live when every deal runs
//!   live (live mode or 100%), else a shadow twin, so that a write made through it is recorded, never sent.
//!
//! The logs live in a [`SyncSession`], a task-local scope opened by [`super::handler::ShadowRecording`] around one
//! handler call; afterwards the decorator takes the logs and stores one record per deal. Outside such a scope (a
//! handler called directly, e.g. by a unit test) shadow services still never write, but their log is not stored
//! (logged as a warning).
//!
//! The batch scope ([`with_batch`]) maps each event of the running SQS batch to its message id, so records are named
//! after the first message id of their events.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use aws_lambda_events::event::sqs::SqsEvent;
use deal_mapping::SyncSettings;
use sync_events::SyncEvent;

use super::WriteLog;
use super::canary;
use crate::handlers::{HandlerKind, ObjectRef};
use crate::services::Services;

tokio::task_local! {
    static SESSION: Arc<SyncSession>;
    static BATCH: Arc<BatchMessageIds>;
}

/// The services a handler uses for `target` (see the module docs).
pub fn select(live: &Arc<Services>, settings: &SyncSettings, target: &ObjectRef) -> Arc<Services> {
    if !settings.is_shadow() {
        return live.clone();
    }
    let percent = settings.canary_live_percent;
    let bucket = match target.kind {
        HandlerKind::Deal => {
            if canary::runs_live(settings.mode, percent, target.portal_id, &target.object_id) {
                return live.clone();
            }
            Some(canary::bucket(target.portal_id, &target.object_id))
        }
        _ if percent >= 100 => return live.clone(),
        _ => None,
    };
    match SESSION.try_with(|s| s.shadow_services(target, bucket)) {
        Ok(services) => services,
        Err(_) => {
            tracing::warn!(object = %target, "shadow services outside a recording scope: writes are not sent and not stored");
            Arc::new(live.shadow(WriteLog::new()))
        }
    }
}

/// The shadow twin made for one target during one object sync.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its write log.
    pub log: WriteLog,
    /// The twin.
    pub services: Arc<Services>,
    /// The canary bucket (deal targets).
    pub bucket: Option<u8>,
}

/// The recording scope of one object sync: shadow twins per target, created on demand.
#[derive(Debug)]
pub struct SyncSession {
    live: Arc<Services>,
    recorded: Mutex<BTreeMap<ObjectRef, Recorded>>,
}

impl SyncSession {
    /// An empty session over the live services.
    pub fn new(live: Arc<Services>) -> Self {
        Self {
            live,
            recorded: Mutex::default(),
        }
    }

    fn shadow_services(&self, target: &ObjectRef, bucket: Option<u8>) -> Arc<Services> {
        let mut recorded = self.recorded.lock().unwrap_or_else(PoisonError::into_inner);
        recorded
            .entry(target.clone())
            .or_insert_with(|| {
                let log = WriteLog::new();
                Recorded {
                    services: Arc::new(self.live.shadow(log.clone())),
                    log,
                    bucket,
                }
            })
            .services
            .clone()
    }

    /// Every target that got a shadow twin, with its twin (in target order); the session is left empty.
    pub fn take(&self) -> BTreeMap<ObjectRef, Recorded> {
        std::mem::take(&mut *self.recorded.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs `future` with this session as the current recording scope.
    pub async fn scope<F: Future>(self: &Arc<Self>, future: F) -> F::Output {
        SESSION.scope(self.clone(), future).await
    }
}

/// Message ids of the running batch by event identity (the event's deduplication id).
#[derive(Debug, Default)]
pub struct BatchMessageIds {
    by_identity: BTreeMap<String, Vec<String>>,
}

impl BatchMessageIds {
    /// Decodes every record body of `event` (records that do not decode are left out: they never reach a handler).
    pub fn from_event(event: &SqsEvent) -> Self {
        let mut by_identity: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for record in &event.records {
            let (Some(id), Some(body)) = (record.message_id.as_deref(), record.body.as_deref()) else {
                continue;
            };
            if let Ok(e) = SyncEvent::from_sqs_body(body) {
                by_identity.entry(e.deduplication_id()).or_default().push(id.to_owned());
            }
        }
        Self { by_identity }
    }

    /// The message ids of `events`, in order (identical events in one unit get their ids in batch order).
    pub fn message_ids(&self, events: &[&SyncEvent]) -> Vec<String> {
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        let mut ids = Vec::with_capacity(events.len());
        for e in events {
            let identity = e.deduplication_id();
            let n = used.entry(identity.clone()).or_insert(0);
            if let Some(id) = self.by_identity.get(&identity).and_then(|ids| ids.get(*n)) {
                ids.push(id.clone());
            }
            *n += 1;
        }
        ids
    }
}

/// Runs `future` (one batch) with the batch's message ids available to [`current_message_ids`].
pub async fn with_batch<F: Future>(event: &SqsEvent, future: F) -> F::Output {
    BATCH.scope(Arc::new(BatchMessageIds::from_event(event)), future).await
}

/// The message ids of `events` in the running batch (empty outside [`with_batch`]).
pub fn current_message_ids(events: &[&SyncEvent]) -> Vec<String> {
    BATCH.try_with(|b| b.message_ids(events)).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;
    use deal_mapping::SyncMode;
    use partner_central::{Catalog, PartnerCentral, PartnerCentralConfig};

    async fn live() -> Arc<Services> {
        // Nothing is sent: the tests only look at which clients are handed out.
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build();
        let hubspot =
            hubspot::HubSpotClient::new(hubspot::ClientConfig::new("t").with_base_url("http://127.0.0.1:9")).unwrap();
        Arc::new(Services {
            hubspot,
            partner_central: PartnerCentral::new(&sdk, PartnerCentralConfig::new(Catalog::Sandbox)).await,
            metrics: Arc::new(Metrics::default()),
        })
    }

    fn settings(mode: SyncMode, percent: u8) -> SyncSettings {
        SyncSettings {
            mode,
            canary_live_percent: percent,
            ..SyncSettings::default()
        }
    }

    fn target(kind: HandlerKind, id: &str) -> ObjectRef {
        ObjectRef {
            kind,
            portal_id: 62515,
            object_id: id.to_owned(),
        }
    }

    /// A deal id with a bucket below / at least `pct`.
    fn deal_in(pct: u8, below: bool) -> String {
        (1..10_000)
            .map(|i| i.to_string())
            .find(|d| (canary::bucket(62515, d) < pct) == below)
            .unwrap()
    }

    #[tokio::test]
    async fn live_mode_hands_out_the_live_services_only() {
        let live = live().await;
        let s = settings(SyncMode::Live, 0);
        for t in [target(HandlerKind::Deal, "1"), target(HandlerKind::Company, "2")] {
            assert!(Arc::ptr_eq(&select(&live, &s, &t), &live));
        }
    }

    #[tokio::test]
    async fn shadow_mode_decides_per_deal_and_records_per_target() {
        let live = live().await;
        let s = settings(SyncMode::Shadow, 50);
        let (live_deal, shadow_deal) = (deal_in(50, true), deal_in(50, false));
        let session = Arc::new(SyncSession::new(live.clone()));
        let company = target(HandlerKind::Company, "501");
        session
            .scope(async {
                let l = select(&live, &s, &target(HandlerKind::Deal, &live_deal));
                assert!(Arc::ptr_eq(&l, &live) && !l.is_shadow());
                let a = select(&live, &s, &target(HandlerKind::Deal, &shadow_deal));
                let b = select(&live, &s, &target(HandlerKind::Deal, &shadow_deal));
                assert!(
                    a.is_shadow() && Arc::ptr_eq(&a, &b),
                    "one twin per deal and object sync"
                );
                assert!(
                    select(&live, &s, &company).is_shadow(),
                    "a non-deal target is shadow below 100%"
                );
            })
            .await;
        let recorded = session.take();
        let keys: Vec<&str> = recorded.keys().map(|t| t.object_id.as_str()).collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.contains(&shadow_deal.as_str()) && keys.contains(&"501"));
        let deal = &recorded[&target(HandlerKind::Deal, &shadow_deal)];
        assert_eq!(deal.bucket, Some(canary::bucket(62515, &shadow_deal)));
        assert!(session.take().is_empty(), "taken");

        // 100%: every target is live, also non-deal ones.
        let all = settings(SyncMode::Shadow, 100);
        assert!(Arc::ptr_eq(&select(&live, &all, &company), &live));
        assert!(Arc::ptr_eq(
            &select(&live, &all, &target(HandlerKind::Deal, &shadow_deal)),
            &live
        ));
        // Outside a scope a shadow deal still never gets the live clients.
        assert!(select(&live, &s, &target(HandlerKind::Deal, &shadow_deal)).is_shadow());
    }

    #[test]
    fn message_ids_follow_batch_order_for_identical_events() {
        let body = |value: &str| {
            serde_json::json!({
                "schemaVersion": 1, "source": "hubspot", "eventType": "deal.propertyChange", "objectType": "deal",
                "action": "propertyChange", "objectId": "9", "portalId": 1, "occurredAt": 5,
                "propertyName": "amount", "propertyValue": value, "correlationId": "c",
            })
            .to_string()
        };
        let mut batch = SqsEvent::default();
        for (id, value) in [("m1", "1"), ("m2", "2"), ("m3", "1"), ("bad", "")] {
            let mut m = aws_lambda_events::event::sqs::SqsMessage::default();
            m.message_id = Some(id.into());
            m.body = Some(if id == "bad" { "{".into() } else { body(value) });
            batch.records.push(m);
        }
        let ids = BatchMessageIds::from_event(&batch);
        let one = SyncEvent::from_sqs_body(&body("1")).unwrap();
        let two = SyncEvent::from_sqs_body(&body("2")).unwrap();
        assert_eq!(ids.message_ids(&[&one, &two, &one]), ["m1", "m2", "m3"]);
        assert!(current_message_ids(&[&one]).is_empty(), "outside a batch scope");
    }
}
