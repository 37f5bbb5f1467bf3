//! Deal handler: reads the deal with its properties and company/contact/note associations in one HubSpot call and
//! derives the [`DealSyncPlan`] (which objects a sync would read and whether an opportunity is linked). The sync
//! rules themselves (scope, mapping, create/update, write-back) are issue 5's `TODO(issue 5)` seam: until then the
//! handler fails with [`HandlerError::RulesNotImplemented`] (records retried, then DLQ) instead of faking success.

use std::sync::Arc;

use hubspot::{CrmObject, ObjectType};
use sync_events::SyncEvent;

use super::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::{HUBSPOT_API, Services};

/// Deal properties read for a sync (unknown properties are ignored by HubSpot; null values are normal).
pub const DEAL_PROPERTIES: &[&str] = &[
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "closedate",
    "description",
    "hs_lastmodifieddate",
    "aws_opportunity_id",
    "aws_sync_status",
];

/// Contacts a sync considers (issue 5: the primary company and up to 10 contacts).
pub const MAX_CONTACTS: usize = 10;

/// What a sync of this deal would work from, derived from the one deal read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealSyncPlan {
    /// Deal id.
    pub deal_id: String,
    /// The primary company (or the first associated one), if any.
    pub company_id: Option<String>,
    /// Up to [`MAX_CONTACTS`] associated contacts, in HubSpot's order.
    pub contact_ids: Vec<String>,
    /// Associated notes.
    pub note_count: usize,
    /// The linked Partner Central opportunity, when the deal was synced before.
    pub opportunity_id: Option<String>,
    /// Whether HubSpot truncated an association list (more than one read returns).
    pub associations_truncated: bool,
}

impl DealSyncPlan {
    /// Derives the plan from a deal read with [`DEAL_PROPERTIES`] and associations.
    pub fn from_deal(deal: &CrmObject) -> Self {
        let companies = deal.associated_ids(ObjectType::Companies);
        let company_id = deal
            .primary_company_id()
            .map(str::to_owned)
            .or_else(|| companies.first().cloned());
        let mut contact_ids = deal.associated_ids(ObjectType::Contacts);
        contact_ids.truncate(MAX_CONTACTS);
        let associations_truncated = [ObjectType::Companies, ObjectType::Contacts, ObjectType::Notes]
            .into_iter()
            .any(|t| deal.associations_truncated(t));
        Self {
            deal_id: deal.id.clone(),
            company_id,
            contact_ids,
            note_count: deal.associated_ids(ObjectType::Notes).len(),
            opportunity_id: deal.property("aws_opportunity_id").map(str::to_owned),
            associations_truncated,
        }
    }

    /// HubSpot reads a full sync needs: this deal read, plus one company read and one contact batch read.
    pub fn hubspot_reads(&self) -> usize {
        1 + usize::from(self.company_id.is_some()) + usize::from(!self.contact_ids.is_empty())
    }
}

/// The deal handler.
#[derive(Debug, Clone)]
pub struct DealHandler {
    services: Arc<Services>,
}

impl DealHandler {
    /// A handler using the shared clients.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }

    /// Reads the deal (one HubSpot call) and derives its plan.
    pub async fn plan(&self, deal_id: &str) -> Result<DealSyncPlan, HandlerError> {
        let s = &self.services;
        let deal = s
            .metrics
            .timed(HUBSPOT_API, s.hubspot.get_deal(deal_id, DEAL_PROPERTIES))
            .await?;
        Ok(DealSyncPlan::from_deal(&deal))
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
        Box::pin(async move {
            let plan = self.plan(&target.object_id).await?;
            tracing::info!(
                object = %target, events = events.len(), company = plan.company_id.as_deref().unwrap_or(""),
                contacts = plan.contact_ids.len(), notes = plan.note_count,
                linked_opportunity = plan.opportunity_id.as_deref().unwrap_or(""),
                truncated = plan.associations_truncated, "deal read for sync"
            );
            // TODO(issue 5): scope check (tag / boolean property), echo suppression (changeSource/appId + owned
            // properties), company + contact reads, mapping, Create (deterministic ClientToken) or Get/merge/Update
            // with the review-status rules, solution association, HubSpot write-back.
            Err(HandlerError::RulesNotImplemented { handler: "deal" })
        })
    }
}
