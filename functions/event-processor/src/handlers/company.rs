//! Company handler: reads the company with its deal associations in one HubSpot call, i.e. the deals whose
//! opportunities' `Customer.Account` a sync would update. The update rules are issue 5's `TODO(issue 5)` seam.

use std::sync::Arc;

use hubspot::ObjectType;
use sync_events::SyncEvent;

use super::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::{HUBSPOT_API, Services};

/// Company properties feeding `Customer.Account`.
pub const COMPANY_PROPERTIES: &[&str] = &[
    "name", "domain", "website", "industry", "country", "state", "city", "zip", "address",
];

/// The company handler.
#[derive(Debug, Clone)]
pub struct CompanyHandler {
    services: Arc<Services>,
}

impl CompanyHandler {
    /// A handler using the shared clients.
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

impl ObjectHandler for CompanyHandler {
    fn kind(&self) -> HandlerKind {
        HandlerKind::Company
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async move {
            let s = &self.services;
            let company = s
                .metrics
                .timed(
                    HUBSPOT_API,
                    s.hubspot.get_object(
                        ObjectType::Companies,
                        &target.object_id,
                        COMPANY_PROPERTIES,
                        &[ObjectType::Deals],
                    ),
                )
                .await?;
            let deals = company.associated_ids(ObjectType::Deals);
            tracing::info!(object = %target, events = events.len(), deals = deals.len(),
                truncated = company.associations_truncated(ObjectType::Deals), "company read for sync");
            // TODO(issue 5): for every in-scope deal with an opportunity: Get, replace Customer.Account, Update
            // (conflict retry, review-status rules, skip no-op writes).
            Err(HandlerError::RulesNotImplemented { handler: "company" })
        })
    }
}
