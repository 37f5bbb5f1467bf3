//! [`ShadowRecording`]: the decorator the runtime puts around every handler in shadow mode. Around each call it opens
//! a [`SyncSession`] (so `services_for` hands out shadow twins with their own write logs), runs the handler, then
//! takes every log and stores one [`ShadowRecord`] per deal that ran in shadow (see [`Recorder`]).
//!
//! - `sync`: the record's outcome is the handler's result. When a record cannot be stored, the unit fails with the
//!   transient [`HandlerError::ShadowStore`], so SQS redelivers the events and the record is made again: nothing
//!   planned is lost.
//! - `surface_permanent_failure`: the writes the failure hook plans (the error written onto the deal) get their own
//!   record (`failure_surfaced`); a store failure there is logged and counted (the hook cannot fail the batch).
//!
//! A sync skipped with nothing planned (e.g. a deal out of scope) stores no record: most HubSpot deals are out of
//! scope and would otherwise get one object per event. Deals inside the canary run live through the same call and
//! produce no record. A company/contact/note target gets
//! a record only when something was planned through its own services (fan-outs plan through each deal's services).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sync_events::SyncEvent;

use super::metrics::ShadowMetrics;
use super::record::{CanaryDecision, ObjectKey, SHADOW_RECORD_SCHEMA_VERSION, ShadowOutcome, ShadowRecord};
use super::session::{Recorded, SyncSession, current_message_ids};
use super::store::{ShadowStore, StoreError};
use super::{HUBSPOT, PARTNER_CENTRAL};
use crate::handlers::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::{Classify, Completion};
use crate::services::Services;

/// Stores the records of object syncs (shared by the decorators of one runtime).
#[derive(Debug)]
pub struct Recorder {
    store: ShadowStore,
    metrics: ShadowMetrics,
    live_percent: u8,
}

impl Recorder {
    /// A recorder putting into `store`, counting into a [`ShadowMetrics`] of `namespace`.
    pub fn new(store: ShadowStore, namespace: impl Into<String>, live_percent: u8) -> Self {
        Self {
            store,
            metrics: ShadowMetrics::new(namespace),
            live_percent,
        }
    }

    /// The shadow metrics (flushed by the runtime after each invocation).
    pub fn metrics(&self) -> &ShadowMetrics {
        &self.metrics
    }

    /// The store.
    pub fn store(&self) -> &ShadowStore {
        &self.store
    }

    /// Builds and stores one record per recorded target; stops at the first failed put.
    async fn store_all(
        &self,
        object: &ObjectRef,
        events: &[&SyncEvent],
        recorded: BTreeMap<ObjectRef, Recorded>,
        reads: &BTreeMap<String, u64>,
        outcome: &ShadowOutcome,
    ) -> Result<usize, StoreError> {
        let message_ids = current_message_ids(events);
        let mut correlation_ids: Vec<String> = Vec::new();
        for e in events {
            if !correlation_ids.contains(&e.correlation_id) {
                correlation_ids.push(e.correlation_id.clone());
            }
        }
        let mut records = Vec::with_capacity(recorded.len());
        for (target, rec) in recorded {
            let planned_writes = rec.log.take();
            if planned_writes.is_empty() && matches!(outcome, ShadowOutcome::Skipped { .. }) {
                // Deliberately nothing to do and nothing planned (out of scope, ...): not worth an object per event.
                continue;
            }
            let deal_id = match target.kind {
                HandlerKind::Deal => target.object_id.clone(),
                // A write planned through a non-deal target's own services (not expected: fan-outs plan through
                // the deals' services); kept under a key naming the object.
                _ if planned_writes.is_empty() => continue,
                kind => format!("{kind}-{}", target.object_id),
            };
            let record = ShadowRecord {
                schema_version: SHADOW_RECORD_SCHEMA_VERSION,
                portal_id: target.portal_id,
                deal_id,
                object: ObjectKey {
                    object_type: object.kind.as_str().to_owned(),
                    id: object.object_id.clone(),
                },
                message_ids: message_ids.clone(),
                correlation_ids: correlation_ids.clone(),
                events: events.iter().map(|e| (*e).clone()).collect(),
                reads: reads.clone(),
                planned_writes,
                outcome: outcome.clone(),
                canary: CanaryDecision {
                    bucket: rec.bucket.unwrap_or(u8::MAX),
                    live_percent: self.live_percent,
                },
                recorded_at: now_ms(),
            };
            records.push(record);
        }
        self.put_all(records).await
    }

    /// Puts the records, up to [`PUT_CONCURRENCY`] at a time (a fan-out over many deals does not wait for one put
    /// after another); every put is awaited, the first failure is returned.
    async fn put_all(&self, records: Vec<ShadowRecord>) -> Result<usize, StoreError> {
        let mut puts = tokio::task::JoinSet::new();
        let mut first_error = None;
        let mut stored = 0;
        let mut settle = |joined: Result<PutResult, tokio::task::JoinError>| match joined {
            Ok((Ok(_), writes)) => {
                self.metrics.record_stored(&writes);
                stored += 1;
            }
            Ok((Err(e), _)) => {
                self.metrics.store_failed();
                first_error.get_or_insert(e);
            }
            Err(e) => {
                self.metrics.store_failed();
                first_error.get_or_insert(StoreError::Put {
                    bucket: self.store.bucket().to_owned(),
                    key: String::new(),
                    detail: format!("put task failed: {e}"),
                });
            }
        };
        for record in records {
            while puts.len() >= PUT_CONCURRENCY {
                if let Some(joined) = puts.join_next().await {
                    settle(joined);
                }
            }
            let store = self.store.clone();
            puts.spawn(async move {
                let result = store.put(&record).await;
                (result, record.writes_by_operation())
            });
        }
        while let Some(joined) = puts.join_next().await {
            settle(joined);
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(stored),
        }
    }
}

/// What one put task returns: the put's result and the record's planned writes per operation.
type PutResult = (Result<String, StoreError>, BTreeMap<String, u64>);

/// Most record puts in flight at once.
pub const PUT_CONCURRENCY: usize = 16;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Read calls made so far through the (shared) client stats: HubSpot operations other than `*.update` /
/// `*.create`, Partner Central `Get*` / `List*`.
fn reads(services: &Services) -> [u64; 2] {
    let hubspot = services
        .hubspot
        .stats()
        .snapshot()
        .into_iter()
        .filter(|(op, _)| !(op.ends_with(".update") || op.ends_with(".create")))
        .map(|(_, s)| s.calls)
        .sum();
    let partner_central = services
        .partner_central
        .metrics()
        .snapshot()
        .into_iter()
        .filter(|(op, _)| op.starts_with("Get") || op.starts_with("List"))
        .map(|(_, s)| s.calls)
        .sum();
    [hubspot, partner_central]
}

fn reads_since(services: &Services, before: [u64; 2]) -> BTreeMap<String, u64> {
    let after = reads(services);
    BTreeMap::from([
        (HUBSPOT.to_owned(), after[0].saturating_sub(before[0])),
        (PARTNER_CENTRAL.to_owned(), after[1].saturating_sub(before[1])),
    ])
}

/// A handler wrapped for shadow mode.
pub struct ShadowRecording {
    inner: Arc<dyn ObjectHandler>,
    live: Arc<Services>,
    recorder: Arc<Recorder>,
}

impl std::fmt::Debug for ShadowRecording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShadowRecording")
            .field("kind", &self.inner.kind())
            .finish_non_exhaustive()
    }
}

impl ShadowRecording {
    /// Wraps `inner`; `live` are the live services the handler's context holds.
    pub fn new(inner: Arc<dyn ObjectHandler>, live: Arc<Services>, recorder: Arc<Recorder>) -> Self {
        Self { inner, live, recorder }
    }
}

impl ObjectHandler for ShadowRecording {
    fn kind(&self) -> HandlerKind {
        self.inner.kind()
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async move {
            let session = Arc::new(SyncSession::new(self.live.clone()));
            let before = reads(&self.live);
            let result = session.scope(self.inner.sync(target, events)).await;
            let read_counts = reads_since(&self.live, before);
            let outcome = match &result {
                Ok(Completion::Processed { action }) => ShadowOutcome::Processed {
                    action: action.to_string(),
                },
                Ok(Completion::Skipped { reason }) => ShadowOutcome::Skipped {
                    reason: reason.to_string(),
                },
                Err(e) => ShadowOutcome::Failed {
                    class: e.class().as_str().to_owned(),
                    code: e.code().into_owned(),
                },
            };
            let recorded = session.take();
            if let Err(e) = self
                .recorder
                .store_all(target, events, recorded, &read_counts, &outcome)
                .await
            {
                tracing::warn!(object = %target, error = %e, "shadow record not stored; the events will be retried");
                return Err(HandlerError::ShadowStore { detail: e.to_string() });
            }
            result
        })
    }

    fn surface_permanent_failure<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
        error: &'a HandlerError,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let session = Arc::new(SyncSession::new(self.live.clone()));
            let before = reads(&self.live);
            session
                .scope(self.inner.surface_permanent_failure(target, events, error))
                .await;
            let read_counts = reads_since(&self.live, before);
            let outcome = ShadowOutcome::FailureSurfaced {
                code: error.code().into_owned(),
            };
            if let Err(e) = self
                .recorder
                .store_all(target, events, session.take(), &read_counts, &outcome)
                .await
            {
                tracing::error!(object = %target, error = %e, "shadow record of the surfaced failure not stored");
            }
        })
    }
}
