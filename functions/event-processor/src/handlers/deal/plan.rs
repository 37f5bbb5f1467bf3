//! A diagnostic view of a deal: [`DealHandler::plan`] reads the deal with its company/contact/note associations in
//! one HubSpot call and, when it is linked to an opportunity, that opportunity's review status and LastModifiedDate
//! in one Partner Central read, and summarises them as a [`DealSyncPlan`]. The sync itself does not use it (see
//! [`super::flow`]).

use hubspot::{CrmObject, ObjectType};

use deal_mapping::SyncProperties;

use super::DealHandler;
use super::writeback::linked_opportunity;
use crate::handlers::{HandlerError, HandlerKind, ObjectRef};
use crate::services::{HUBSPOT_API, PARTNER_CENTRAL_API};

/// Deal properties the plan reads besides the link and sync status properties of the settings (unknown properties
/// are ignored by HubSpot; null values are normal).
pub const DEAL_PROPERTIES: &[&str] = &[
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "closedate",
    "description",
    "hs_lastmodifieddate",
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
    /// The linked Partner Central opportunity (the `opportunity_id` property), when the deal was synced before.
    pub opportunity_id: Option<String>,
    /// Its current state, once read from Partner Central ([`DealHandler::plan`] fills it).
    pub opportunity: Option<LinkedOpportunity>,
    /// Whether HubSpot truncated an association list (more than one read returns).
    pub associations_truncated: bool,
}

impl DealSyncPlan {
    /// Derives the plan from a deal read with [`DEAL_PROPERTIES`] and associations; `properties` names the link.
    pub fn from_deal(deal: &CrmObject, properties: &SyncProperties) -> Self {
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
            opportunity_id: linked_opportunity(properties, deal).map(str::to_owned),
            opportunity: None,
            associations_truncated,
        }
    }

    /// HubSpot reads a full sync needs: this deal read, plus one company read and one contact batch read.
    pub fn hubspot_reads(&self) -> usize {
        1 + usize::from(self.company_id.is_some()) + usize::from(!self.contact_ids.is_empty())
    }
}

/// The state of the opportunity a deal is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedOpportunity {
    /// `LifeCycle.ReviewStatus` (exact API spelling, e.g. `In review`), if set.
    pub review_status: Option<String>,
    /// `LastModifiedDate` (RFC 3339), the optimistic-lock token an update must carry.
    pub last_modified: String,
}

impl DealHandler {
    /// Reads the deal (one HubSpot call) and, if linked, its opportunity (one Partner Central read).
    pub async fn plan(&self, portal_id: u64, deal_id: &str) -> Result<DealSyncPlan, HandlerError> {
        let target = ObjectRef {
            kind: HandlerKind::Deal,
            portal_id,
            object_id: deal_id.to_owned(),
        };
        let s = self.ctx.services_for(&target);
        let p = self.ctx.properties();
        let mut properties = DEAL_PROPERTIES.to_vec();
        properties.extend([p.opportunity_id.as_str(), p.sync_status.as_str()]);
        let deal = s
            .metrics
            .timed(HUBSPOT_API, s.hubspot.get_deal(deal_id, &properties))
            .await?;
        let mut plan = DealSyncPlan::from_deal(&deal, p);
        if let Some(id) = &plan.opportunity_id {
            let current = s
                .metrics
                .timed(PARTNER_CENTRAL_API, s.partner_central.get_opportunity(id))
                .await?;
            plan.opportunity = Some(LinkedOpportunity {
                review_status: current
                    .life_cycle()
                    .and_then(|l| l.review_status())
                    .map(|r| r.as_str().to_owned()),
                last_modified: current
                    .last_modified_date()
                    .fmt(aws_smithy_types::date_time::Format::DateTime)
                    .unwrap_or_default(),
            });
        }
        Ok(plan)
    }
}
