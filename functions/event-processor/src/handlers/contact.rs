//! Contact handler: reads the contact with its deal associations in one HubSpot call, i.e. the deals whose
//! opportunities' `Customer.Contacts` a sync would update. The update rules are issue 5's `TODO(issue 5)` seam.

use std::sync::Arc;

use hubspot::ObjectType;
use sync_events::SyncEvent;

use super::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::{HUBSPOT_API, Services};

/// Contact properties feeding `Customer.Contacts`.
pub const CONTACT_PROPERTIES: &[&str] = &["email", "firstname", "lastname", "jobtitle", "phone"];

/// The contact handler.
#[derive(Debug, Clone)]
pub struct ContactHandler {
    services: Arc<Services>,
}

impl ContactHandler {
    /// A handler using the shared clients.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

impl ObjectHandler for ContactHandler {
    fn kind(&self) -> HandlerKind {
        HandlerKind::Contact
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async move {
            let s = &self.services;
            let contact = s
                .metrics
                .timed(
                    HUBSPOT_API,
                    s.hubspot.get_object(
                        ObjectType::Contacts,
                        &target.object_id,
                        CONTACT_PROPERTIES,
                        &[ObjectType::Deals],
                    ),
                )
                .await?;
            let deals = contact.associated_ids(ObjectType::Deals);
            tracing::info!(object = %target, events = events.len(), deals = deals.len(), "contact read for sync");
            // TODO(issue 5): for every in-scope deal with an opportunity: Get, replace Customer.Contacts, Update.
            Err(HandlerError::RulesNotImplemented { handler: "contact" })
        })
    }
}
