//! Unlinked in-scope deal: adopt the opportunity that already carries this deal's id, or create one — never a
//! second one.
//!
//! 1. Adopt: one ListOpportunities filtered by the mapped customer CompanyName (a server-side filter, so one page
//!    in practice) and matched on PartnerOpportunityIdentifier == deal id. This finds the previous system's
//!    opportunities (its ClientToken `hs-deal-{dealId}` differs from ours, so a token replay cannot) and ours after a
//!    lost write-back. Found -> linked by the write-back and updated like a linked deal. Cost: 1 Partner Central
//!    read per create. Not found when the customer's company name changed since that opportunity was created; the
//!    migration backfill links those (see issue 7).
//! 2. CreateOpportunity with the deterministic ClientToken ([`client_token`]): a redelivery replays the same token
//!    and gets the same opportunity; a token conflict (the deal changed after a lost write-back) is recovered through
//!    `find_by_partner_identifier`.
//! 3. Write-back of the link and status (before anything else can fail, so the link is never lost).
//! 4. One AssociateOpportunity per configured solution. A failure fails the record; the redelivery finds the deal
//!    linked and the update path adds the missing solutions (it reads them from its GetOpportunity).

use deal_mapping::{DealInput, client_token, map_new_opportunity};
use partner_central::PcError;

use super::DealHandler;
use super::flow::Wanted;
use super::writeback::{self, synced_properties};
use crate::handlers::{HandlerError, ObjectRef};
use crate::outcome::Completion;
use crate::services::{PARTNER_CENTRAL_API, Services};

/// Review status of a freshly created opportunity (CreateOpportunity does not return it; AWS sets it until the
/// opportunity is submitted for review).
pub const NEW_REVIEW_STATUS: &str = "Pending Submission";

/// ListOpportunities pages searched to recover an opportunity after a ClientToken conflict.
const RECOVERY_PAGES: usize = 20;

/// ListOpportunities pages (100 summaries each) read when looking for an opportunity to adopt.
const ADOPT_PAGES: usize = 2;

impl DealHandler {
    /// Adopt or create (see the module docs).
    pub(super) async fn create(
        &self,
        s: &Services,
        target: &ObjectRef,
        input: DealInput<'_>,
    ) -> Result<Completion, HandlerError> {
        let today = chrono::Utc::now().date_naive();
        let new = map_new_opportunity(input, self.mapping(), today).map_err(|e| Self::invalid(target, &e))?;
        let deal = input.deal;
        let company = new
            .fields
            .customer
            .as_ref()
            .and_then(|c| c.account.as_ref())
            .map(|a| a.company_name.clone())
            .unwrap_or_default();
        if let Some(existing) = self.find_existing(s, &company, &deal.id).await? {
            tracing::info!(object = %target, opportunity = %existing, "adopting the opportunity carrying this deal's id");
            let completion = self
                .update(s, target, deal, Wanted::Full(Box::new(new.fields)), &existing, true)
                .await?;
            return Ok(match completion {
                Completion::Processed { .. } => Completion::processed("adopted"),
                other => other,
            });
        }
        let token = client_token(&target.portal_id.to_string(), &deal.id)?;
        let created = s
            .metrics
            .timed(PARTNER_CENTRAL_API, s.partner_central.create_opportunity(&token, &new))
            .await;
        let id = match created {
            Ok(out) => out.id,
            Err(PcError::ClientTokenConflict { .. }) => {
                // The token was used with a different body: this deal's opportunity exists (its write-back was
                // lost and the deal changed since). Find it and update it instead of creating another.
                let found = s
                    .metrics
                    .timed(
                        PARTNER_CENTRAL_API,
                        s.partner_central.find_by_partner_identifier(&deal.id, RECOVERY_PAGES),
                    )
                    .await?;
                let Some(existing) = found.into_iter().find_map(|o| o.id) else {
                    return Err(HandlerError::InvalidData {
                        object: target.to_string(),
                        reason: "ClientToken already used but no opportunity carries this deal's id".into(),
                    });
                };
                tracing::info!(object = %target, opportunity = %existing, "recovered opportunity after token conflict");
                return self
                    .update(s, target, deal, Wanted::Full(Box::new(new.fields)), &existing, true)
                    .await;
            }
            Err(e) => return Err(e.into()),
        };
        let title = new
            .fields
            .project
            .as_ref()
            .and_then(|p| p.title.as_deref())
            .unwrap_or_default();
        let p = self.ctx.properties();
        let mut desired = synced_properties(p, Some(NEW_REVIEW_STATUS));
        desired.insert(p.opportunity_id.clone(), id.clone());
        desired.insert(p.opportunity_title.clone(), title.to_owned());
        desired.insert(p.last_sync.clone(), writeback::now_iso());
        self.write_back(s, target, &desired).await?;
        self.associate_solutions(s, target, &id, &[]).await?;
        tracing::info!(object = %target, opportunity = %id, "opportunity created");
        Ok(Completion::processed("created"))
    }

    /// The opportunity whose PartnerOpportunityIdentifier is `deal_id`, among those of customer `company`.
    async fn find_existing(&self, s: &Services, company: &str, deal_id: &str) -> Result<Option<String>, HandlerError> {
        if company.is_empty() {
            return Ok(None);
        }
        let found = s
            .metrics
            .timed(
                PARTNER_CENTRAL_API,
                s.partner_central
                    .list_opportunities(|b| b.customer_company_name(company).max_results(100), ADOPT_PAGES),
            )
            .await?;
        Ok(found
            .into_iter()
            .filter(|o| o.partner_opportunity_identifier.as_deref() == Some(deal_id))
            .find_map(|o| o.id))
    }
}
