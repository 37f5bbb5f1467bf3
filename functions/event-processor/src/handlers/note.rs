//! Note handler: reads the note (body, timestamp) with its deal associations in one HubSpot call. Setting the
//! opportunity's `LifeCycle.NextSteps` from it is issue 5's `TODO(issue 5)` seam.

use std::sync::Arc;

use hubspot::ObjectType;
use sync_events::SyncEvent;

use super::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::{HUBSPOT_API, Services};

/// The note handler.
#[derive(Debug, Clone)]
pub struct NoteHandler {
    services: Arc<Services>,
}

impl NoteHandler {
    /// A handler using the shared clients.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
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
        Box::pin(async move {
            let s = &self.services;
            let note = s
                .metrics
                .timed(HUBSPOT_API, s.hubspot.get_note(&target.object_id))
                .await?;
            let deals = note.associated_ids(ObjectType::Deals);
            tracing::info!(object = %target, events = events.len(), deals = deals.len(), "note read for sync");
            // TODO(issue 5): for each in-scope deal with an opportunity: plain-text excerpt (<= 255 chars) into
            // LifeCycle.NextSteps, never overwriting newer steps with an older note.
            Err(HandlerError::RulesNotImplemented { handler: "note" })
        })
    }
}
