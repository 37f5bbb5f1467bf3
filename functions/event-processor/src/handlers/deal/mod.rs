//! Deal handler: syncs one HubSpot deal (all its coalesced events of a batch) to a Partner Central opportunity.
//!
//! Flow ([`flow`]): echo suppression (events that only report the sync's own write-back are skipped with zero
//! calls) -> the deal read -> scope check -> company/contacts only when the opportunity's account/contacts are needed ->
//! create (deterministic ClientToken) or Get/merge/Update (review-status rules, no-op writes skipped) -> write-back of
//! the sync properties onto the deal, sending only values that differ from what the deal already shows.
//! Mapping errors are permanent: [`ObjectHandler::surface_permanent_failure`] writes them onto the deal
//! ([`writeback`]). [`plan`] is a read-only diagnostic view used by tooling and tests.

pub mod create;
pub mod flow;
pub mod plan;
pub mod writeback;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use deal_mapping::MappingConfig;
use sync_events::SyncEvent;

use super::{BoxFuture, HandlerContext, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
pub use create::NEW_REVIEW_STATUS;
pub use plan::{DEAL_PROPERTIES, DealSyncPlan, LinkedOpportunity, MAX_CONTACTS};

/// The deal handler.
#[derive(Debug, Clone)]
pub struct DealHandler {
    ctx: HandlerContext,
    /// Objects whose permanent failure the deal already shows (set by `sync`, taken by the surfacing hook), so a
    /// repeated failure is not written again.
    already_shown: Arc<Mutex<BTreeSet<ObjectRef>>>,
}

impl DealHandler {
    /// A handler over the shared context (services, settings).
    pub fn new(ctx: HandlerContext) -> Self {
        Self {
            ctx,
            already_shown: Arc::default(),
        }
    }

    fn mark_already_shown(&self, target: &ObjectRef) {
        if let Ok(mut set) = self.already_shown.lock() {
            set.insert(target.clone());
        }
    }

    fn take_already_shown(&self, target: &ObjectRef) -> bool {
        self.already_shown
            .lock()
            .map(|mut set| set.remove(target))
            .unwrap_or(false)
    }

    /// The mapping configuration in use.
    pub fn mapping(&self) -> &MappingConfig {
        self.ctx.mapping()
    }

    /// The shared context.
    pub fn context(&self) -> &HandlerContext {
        &self.ctx
    }
}

impl ObjectHandler for DealHandler {
    fn kind(&self) -> HandlerKind {
        HandlerKind::Deal
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(self.sync_deal(target, events))
    }

    fn surface_permanent_failure<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
        error: &'a HandlerError,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if matches!(error, HandlerError::HubSpot(e) if e.is_not_found()) {
                tracing::info!(object = %target, "deal not found: nothing to write the failure onto");
                return;
            }
            if self.take_already_shown(target) {
                tracing::info!(object = %target, "the deal already shows this failure");
                return;
            }
            let props = writeback::error_properties(self.ctx.properties(), error);
            let s = self.ctx.services_for(target);
            let result = s
                .metrics
                .timed(
                    crate::services::HUBSPOT_API,
                    s.hubspot.update_deal(&target.object_id, &props),
                )
                .await;
            match result {
                Ok(_) => tracing::info!(object = %target, events = events.len(),
                    code = %crate::outcome::Classify::code(error), "permanent failure written onto the deal"),
                Err(e) => tracing::warn!(object = %target, error = %e, "could not write the failure onto the deal"),
            }
        })
    }
}
