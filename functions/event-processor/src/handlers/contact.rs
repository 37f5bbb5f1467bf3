//! Contact handler: a contact property change updates `Customer.Contacts` of the opportunities of the contact's
//! deals (each deal's first [`MAX_CONTACTS`] contacts, re-read and mapped like the deal handler maps them).
//!
//! Flow: echo check (zero calls) -> one contact read with its deal associations -> one batch read of those deals
//! (scope, link) -> per in-scope linked deal one read of its contact associations -> one batch read of all those
//! contacts -> per deal: Get, merge the contact-owned fields only, Update when something changed
//! ([`fanout::update_owned`]). Unlinked deals are left to the deal handler. Per-deal failures are settled by
//! [`fanout::settle`].
//!
//! Calls per event (measured in `tests/contact_sync.rs`): HubSpot 2 reads + 1 per linked in-scope deal + 1 contact
//! batch read; Partner Central 1 read per linked in-scope deal + 1 write per deal whose contacts changed.

use std::collections::BTreeMap;

use deal_mapping::{OwnedFields, map_contacts};
use hubspot::{BatchRead, CrmObject, ObjectType};
use partner_central::OpportunityFields;
use partner_central::sdk::types::Customer;
use sync_events::SyncEvent;

use super::deal::MAX_CONTACTS;
use super::fanout;
use super::{BoxFuture, HandlerContext, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::HUBSPOT_API;

/// Contact properties feeding `Customer.Contacts` (the mapping's list).
pub use deal_mapping::CONTACT_PROPERTIES;

/// The contact handler.
#[derive(Debug, Clone)]
pub struct ContactHandler {
    ctx: HandlerContext,
}

impl ContactHandler {
    /// A handler over the shared context (services, settings).
    pub fn new(ctx: HandlerContext) -> Self {
        Self { ctx }
    }

    async fn sync_contact(&self, target: &ObjectRef, events: &[&SyncEvent]) -> Result<Completion, HandlerError> {
        if fanout::all_echoes(events, &self.ctx) {
            return Ok(Completion::skipped("echo"));
        }
        let s = self.ctx.services_for(target);
        let contact = s
            .metrics
            .timed(
                HUBSPOT_API,
                s.hubspot
                    .get_object(ObjectType::Contacts, &target.object_id, &[], &[ObjectType::Deals]),
            )
            .await?;
        let deal_ids = contact.associated_ids(ObjectType::Deals);
        let deals = fanout::linked_deals(&s, &self.ctx, &deal_ids).await?;
        tracing::info!(object = %target, events = events.len(), deals = deal_ids.len(), linked = deals.len(),
            "contact read for sync");
        // Each linked deal's contact list, in the deal's association order (as the deal handler reads it).
        let mut lists: Vec<(&CrmObject, Vec<String>)> = Vec::with_capacity(deals.len());
        for deal in &deals {
            let read = s
                .metrics
                .timed(
                    HUBSPOT_API,
                    s.hubspot
                        .get_object(ObjectType::Deals, &deal.id, &[], &[ObjectType::Contacts]),
                )
                .await
                .map_err(HandlerError::from);
            if let Some(with_contacts) = fanout::per_deal(target, &deal.id, read)? {
                let mut ids = with_contacts.associated_ids(ObjectType::Contacts);
                ids.truncate(MAX_CONTACTS);
                lists.push((deal, ids));
            }
        }
        let mut all: Vec<String> = lists.iter().flat_map(|(_, ids)| ids.iter().cloned()).collect();
        all.sort_unstable();
        all.dedup();
        let read = if all.is_empty() {
            BatchRead::default()
        } else {
            s.metrics
                .timed(
                    HUBSPOT_API,
                    s.hubspot.batch_read(ObjectType::Contacts, &all, CONTACT_PROPERTIES),
                )
                .await?
        };
        let by_id: BTreeMap<&str, &CrmObject> = read.results.iter().map(|c| (c.id.as_str(), c)).collect();
        let owned = OwnedFields::contacts();
        let mut results = Vec::with_capacity(lists.len());
        for &(deal, ref ids) in &lists {
            let contacts: Vec<CrmObject> = ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).map(|c| (*c).clone()))
                .collect();
            let mapped = map_contacts(&contacts);
            let id = fanout::linked_opportunity(self.ctx.properties(), deal).unwrap_or_default();
            let result = if mapped.is_empty() {
                // Nothing usable to send: an empty list never wipes the opportunity's contacts.
                Ok(fanout::DealOutcome::Unchanged(None))
            } else {
                let fields = OpportunityFields {
                    customer: Some(Customer::builder().set_contacts(Some(mapped)).build()),
                    ..OpportunityFields::default()
                };
                let ds = self.ctx.services_for(&HandlerContext::deal_ref(target, &deal.id));
                fanout::update_owned(&ds, id, &owned, |_| Some(fields.clone())).await
            };
            results.push((deal, result));
        }
        fanout::settle(&self.ctx, target, results).await
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
        Box::pin(self.sync_contact(target, events))
    }
}
