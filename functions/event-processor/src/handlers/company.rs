//! Company handler: a company property change updates `Customer.Account` (and NationalSecurity, which follows the
//! industry) of the opportunities of the deals whose account comes from it: the deals whose primary company it is,
//! and deals without a primary company whose first company it is (the deal handler's rule).
//!
//! Flow: echo check (zero calls) -> one company read with its deal associations -> one batch read of those deals
//! (scope, link, deal-level account fallbacks) -> per in-scope linked deal: Get, merge the company-owned fields only,
//! Update when something changed ([`fanout::update_owned`]). Unlinked deals are left to the deal handler (their
//! creation maps the account). Per-deal failures are settled by [`fanout::settle`].
//!
//! Calls per event (measured in `tests/company_sync.rs`): HubSpot 2 reads (company, deal batch; 1 when the company
//! has no deals) + 1 read per in-scope linked deal it is not the primary company of; Partner Central 1 read per
//! updated deal + 1 write per deal whose account changed.

use deal_mapping::{DealInput, OwnedFields, map_account};
use hubspot::{CrmObject, ObjectType};
use partner_central::OpportunityFields;
use partner_central::sdk::types::{Customer, Industry, NationalSecurity};
use sync_events::SyncEvent;

use super::fanout;
use super::{BoxFuture, HandlerContext, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;
use crate::services::HUBSPOT_API;

/// Company properties feeding `Customer.Account` (the mapping's list).
pub use deal_mapping::COMPANY_PROPERTIES;

/// The company handler.
#[derive(Debug, Clone)]
pub struct CompanyHandler {
    ctx: HandlerContext,
}

impl CompanyHandler {
    /// A handler over the shared context (services, settings).
    pub fn new(ctx: HandlerContext) -> Self {
        Self { ctx }
    }

    async fn sync_company(&self, target: &ObjectRef, events: &[&SyncEvent]) -> Result<Completion, HandlerError> {
        if fanout::all_echoes(events, &self.ctx) {
            return Ok(Completion::skipped("echo"));
        }
        let s = self.ctx.services_for(target);
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
        let primary = primary_deal_ids(&company);
        let ids = if company.associations_truncated(ObjectType::Deals) {
            // More deals than one read lists: page them all (v4, without labels; the deals not listed above are
            // checked one by one below, only when in scope and linked).
            s.metrics
                .timed(HUBSPOT_API, s.hubspot.company_deal_ids(&target.object_id))
                .await?
        } else {
            company.associated_ids(ObjectType::Deals)
        };
        let mut deals = Vec::new();
        for deal in fanout::linked_deals(&s, &self.ctx, &ids).await? {
            let source = primary.contains(&deal.id)
                || fanout::per_deal(target, &deal.id, self.account_source_is(target, &deal.id).await)?.unwrap_or(false);
            if source {
                deals.push(deal);
            }
        }
        tracing::info!(object = %target, events = events.len(), deals = ids.len(), primary_deals = primary.len(),
            linked = deals.len(), "company read for sync");
        let owned = OwnedFields::account();
        let mut results = Vec::with_capacity(deals.len());
        for deal in &deals {
            let result = match self.mapped(target, deal, &company) {
                Ok(mapped) => {
                    let id = fanout::linked_opportunity(self.ctx.properties(), deal).unwrap_or_default();
                    let ds = self.ctx.services_for(&HandlerContext::deal_ref(target, &deal.id));
                    fanout::update_owned(&ds, id, &owned, |_| Some(mapped.clone())).await
                }
                Err(e) => Err(e),
            };
            results.push((deal, result));
        }
        fanout::settle(&self.ctx, target, results).await
    }

    /// Whether a deal not listed with this company as primary takes its account from it, as the deal handler
    /// decides: this is its primary company, or it has none and this is its first company (one read of the deal's
    /// company associations; only for in-scope linked deals).
    async fn account_source_is(&self, target: &ObjectRef, deal_id: &str) -> Result<bool, HandlerError> {
        let company_id = target.object_id.as_str();
        let s = self.ctx.services_for(target);
        let deal = s
            .metrics
            .timed(
                HUBSPOT_API,
                s.hubspot
                    .get_object(ObjectType::Deals, deal_id, &[], &[ObjectType::Companies]),
            )
            .await?;
        Ok(match deal.primary_company_id() {
            Some(primary) => primary == company_id,
            None => deal.associated_ids(ObjectType::Companies).first().map(String::as_str) == Some(company_id),
        })
    }

    /// `Customer.Account` (+ NationalSecurity) of `deal` with `company` as its primary company.
    fn mapped(
        &self,
        target: &ObjectRef,
        deal: &CrmObject,
        company: &CrmObject,
    ) -> Result<OpportunityFields, HandlerError> {
        let input = DealInput {
            deal,
            company: Some(company),
            contacts: &[],
        };
        let account = map_account(input, self.ctx.mapping()).map_err(|e| HandlerError::InvalidData {
            object: format!("{target} (deal {})", deal.id),
            reason: e.to_string(),
        })?;
        let government = account.industry.as_ref() == Some(&Industry::Government);
        Ok(OpportunityFields {
            national_security: Some(if government {
                NationalSecurity::Yes
            } else {
                NationalSecurity::No
            }),
            customer: Some(Customer::builder().account(account).build()),
            ..OpportunityFields::default()
        })
    }
}

/// The deals whose primary company this is. HubSpot lists a primary association twice (the labelled type and the
/// `_unlabeled` one); a deal listed only once has another primary company (or none).
pub fn primary_deal_ids(company: &CrmObject) -> Vec<String> {
    let Some(list) = company.associations.get(ObjectType::Deals.as_str()) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = Vec::new();
    for r in &list.results {
        let unlabeled = r.kind.ends_with("_unlabeled");
        let pair = list
            .results
            .iter()
            .any(|o| o.id == r.id && o.kind.ends_with("_unlabeled") != unlabeled);
        if pair && !ids.contains(&r.id) {
            ids.push(r.id.clone());
        }
    }
    ids
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
        Box::pin(self.sync_company(target, events))
    }
}
