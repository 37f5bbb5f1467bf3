//! Note handler: a HubSpot note created on an in-scope deal (`object.creation`, objectTypeId `0-46`) sets the
//! opportunity's `LifeCycle.NextSteps` to a plain-text excerpt of the note within 255 characters. Partner Central
//! keeps the history itself (NextStepsHistory), so nothing is appended; a note older than the newest history entry
//! never overwrites it ([`next_steps_from_note`] decides, per opportunity, from the record just read).
//!
//! Flow: notes created by the sync's own app are skipped (zero calls) -> one note read (body, timestamp, deal
//! associations) -> one batch read of those deals (scope, link) -> per in-scope linked deal: Get, set NextSteps
//! only, Update when it changes ([`fanout::update_owned`]). Per-deal failures are settled by [`fanout::settle`].
//!
//! Calls per event (measured in `tests/note_sync.rs`): HubSpot 2 reads (1 when the note has no deal), Partner
//! Central 1 read per linked in-scope deal + 1 write per deal whose next steps change.

use deal_mapping::{EchoVerdict, OwnedFields, classify_echo, next_steps_from_note};
use hubspot::ObjectType;
use partner_central::OpportunityFields;
use partner_central::sdk::types::LifeCycle;
use sync_events::SyncEvent;

use super::fanout;
use super::{BoxFuture, HandlerContext, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::HUBSPOT_API;

/// The note handler.
#[derive(Debug, Clone)]
pub struct NoteHandler {
    ctx: HandlerContext,
}

impl NoteHandler {
    /// A handler over the shared context (services, settings).
    pub fn new(ctx: HandlerContext) -> Self {
        Self { ctx }
    }

    fn own_notes(&self, events: &[&SyncEvent]) -> bool {
        !events.is_empty()
            && events.iter().all(|e| {
                classify_echo(
                    None,
                    e.change_source.as_deref(),
                    e.source_id.as_deref(),
                    self.ctx.app_id(),
                ) == EchoVerdict::OwnApp
            })
    }

    async fn sync_note(&self, target: &ObjectRef, events: &[&SyncEvent]) -> Result<Completion, HandlerError> {
        if self.own_notes(events) {
            return Ok(Completion::skipped("echo"));
        }
        let s = self.ctx.services_for(target);
        let note = s
            .metrics
            .timed(HUBSPOT_API, s.hubspot.get_note(&target.object_id))
            .await?;
        if deal_mapping::is_sync_note(&note) {
            // The sync's own note (review-lock explanation), recognised by its text even without an app id.
            return Ok(Completion::skipped("echo"));
        }
        let deal_ids = note.associated_ids(ObjectType::Deals);
        let deals = fanout::linked_deals(&s, &self.ctx, &deal_ids).await?;
        tracing::info!(object = %target, events = events.len(), deals = deal_ids.len(), linked = deals.len(),
            "note read for sync");
        let owned = OwnedFields::next_steps();
        let mut results = Vec::with_capacity(deals.len());
        for deal in &deals {
            let id = fanout::linked_opportunity(self.ctx.properties(), deal).unwrap_or_default();
            let ds = self.ctx.services_for(&HandlerContext::deal_ref(target, &deal.id));
            let result = fanout::update_owned(&ds, id, &owned, |current| {
                let history = current
                    .life_cycle
                    .as_ref()
                    .and_then(|l| l.next_steps_history.as_deref())
                    .unwrap_or_default();
                let steps = next_steps_from_note(&note, history)?;
                Some(OpportunityFields {
                    life_cycle: Some(LifeCycle::builder().next_steps(steps).build()),
                    ..OpportunityFields::default()
                })
            })
            .await;
            results.push((deal, result));
        }
        fanout::settle(&self.ctx, target, results).await
    }
}

impl ObjectHandler for NoteHandler {
    fn kind(&self) -> HandlerKind {
        HandlerKind::Note
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(self.sync_note(target, events))
    }
}
