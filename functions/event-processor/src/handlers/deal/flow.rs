//! The deal sync flow: echo check, one context read, scope, then create or update, then the status write-back.
//!
//! The deal is read first and the scope checked before anything else is read, so an out-of-scope deal (most deals of
//! a portal) costs one HubSpot read; in-scope deals then read their primary company and contacts as two concurrent
//! batch reads (the same requests as `HubSpotClient::get_deal_context`, which would read them before the scope is
//! known).
//!
//! Calls per event (steady state, measured in `tests/deal_sync.rs`): a create costs HubSpot 3 reads (deal, company
//! batch, contact batch; fewer without associations) + 1 write (write-back), and Partner Central 1 write
//! (CreateOpportunity). An update costs the same HubSpot reads, Partner Central 1 read (GetOpportunity) + at most 1
//! write (none when nothing changed), and a HubSpot write only when a sync property differs.

use std::collections::BTreeMap;

use deal_mapping::{DealInput, OwnedFields, changed, client_token, in_scope, map_fields, map_new_opportunity};
use hubspot::{BatchRead, CrmObject, ObjectType};
use partner_central::PcError;
use sync_events::SyncEvent;

use super::DealHandler;
use super::plan::MAX_CONTACTS;
use super::writeback::{self, all_echoes, blocked_properties, diff, linked_opportunity, synced_properties};
use crate::handlers::{HandlerError, ObjectRef};
use crate::outcome::{Classify, Completion, FailureClass};
use crate::services::Services;
use crate::services::{HUBSPOT_API, PARTNER_CENTRAL_API};

/// Deal properties the mapping and scope check read (plus the write-back properties of the settings and the
/// mapping's configured properties).
pub const SYNC_DEAL_PROPERTIES: &[&str] = &[
    "dealname",
    "dealstage",
    "pipeline",
    "dealtype",
    "amount",
    "closedate",
    "description",
    "deal_currency_code",
    "hs_next_step",
    "company",
    "industry",
    "website",
    "country",
    "state",
    "city",
    "zip",
    "address",
];

/// Company properties feeding `Customer.Account`.
pub const SYNC_COMPANY_PROPERTIES: &[&str] = &[
    "name", "domain", "website", "industry", "country", "state", "city", "zip", "address",
];

/// Contact properties feeding `Customer.Contacts`.
pub const SYNC_CONTACT_PROPERTIES: &[&str] = &["email", "firstname", "lastname", "jobtitle", "phone", "mobilephone"];

/// Review status of a freshly created opportunity (CreateOpportunity does not return it; AWS sets it until the
/// opportunity is submitted for review).
pub const NEW_REVIEW_STATUS: &str = "Pending Submission";

/// ListOpportunities pages searched to recover an opportunity after a ClientToken conflict.
const RECOVERY_PAGES: usize = 20;

/// What an update did.
#[derive(Debug, Default)]
struct UpdateOutcome {
    written: bool,
    review_status: Option<String>,
    title: Option<String>,
    locked: Option<String>,
}

impl DealHandler {
    fn deal_properties(&self) -> Vec<&str> {
        let m = self.mapping();
        let mut p: Vec<&str> = SYNC_DEAL_PROPERTIES.to_vec();
        p.extend([
            m.closed_lost_reason_property.as_str(),
            m.delivery_models_property.as_str(),
            m.primary_needs_property.as_str(),
            m.use_case_property.as_str(),
            m.industry_override_property.as_str(),
            m.monthly_spend_property.as_str(),
            m.contract_months_property.as_str(),
        ]);
        p.extend(m.scope_property.as_deref());
        let w = self.ctx.properties();
        p.extend([
            w.opportunity_id.as_str(),
            w.opportunity_title.as_str(),
            w.review_status.as_str(),
            w.sync_status.as_str(),
            w.sync_error.as_str(),
        ]);
        p.sort_unstable();
        p.dedup();
        p
    }

    /// The whole flow for one deal.
    pub(super) async fn sync_deal(
        &self,
        target: &ObjectRef,
        events: &[&SyncEvent],
    ) -> Result<Completion, HandlerError> {
        if all_echoes(events, &self.ctx) {
            tracing::info!(object = %target, events = events.len(), "deal events are the sync's own write-back");
            return Ok(Completion::skipped("echo"));
        }
        let s = self.ctx.services_for(target);
        let deal_properties = self.deal_properties();
        let deal = s
            .metrics
            .timed(HUBSPOT_API, s.hubspot.get_deal(&target.object_id, &deal_properties))
            .await?;
        if !in_scope(&deal, self.mapping()) {
            return Ok(Completion::skipped("not_in_scope"));
        }
        let (companies, contacts) = self.read_related(&s, &deal).await?;
        let deal = &deal;
        let input = DealInput {
            deal,
            company: companies.results.first(),
            contacts: &contacts.results,
        };
        let linked = linked_opportunity(self.ctx.properties(), deal).map(str::to_owned);
        let result = match linked {
            Some(id) => self.update(&s, target, input, &id, false).await,
            None => self.create(&s, target, input).await,
        };
        if let Err(e) = &result
            && e.class() == FailureClass::Permanent
            && diff(deal, writeback::error_properties(self.ctx.properties(), e)).is_empty()
        {
            // The deal already shows exactly this error: the surfacing hook must not write it again.
            self.mark_already_shown(target);
        }
        result
    }

    /// The deal's primary company (else its first company) and up to [`MAX_CONTACTS`] contacts, read concurrently
    /// (one batch read each, skipped when there is nothing to read).
    async fn read_related(&self, s: &Services, deal: &CrmObject) -> Result<(BatchRead, BatchRead), HandlerError> {
        let company_ids: Vec<String> = deal
            .primary_company_id()
            .map(str::to_owned)
            .or_else(|| deal.associated_ids(ObjectType::Companies).into_iter().next())
            .into_iter()
            .collect();
        let mut contact_ids = deal.associated_ids(ObjectType::Contacts);
        contact_ids.truncate(MAX_CONTACTS);
        let read = |t: ObjectType, ids: Vec<String>, properties: &'static [&'static str]| async move {
            if ids.is_empty() {
                return Ok(BatchRead::default());
            }
            s.metrics
                .timed(HUBSPOT_API, s.hubspot.batch_read(t, &ids, properties))
                .await
        };
        Ok(tokio::try_join!(
            read(ObjectType::Companies, company_ids, SYNC_COMPANY_PROPERTIES),
            read(ObjectType::Contacts, contact_ids, SYNC_CONTACT_PROPERTIES),
        )?)
    }

    fn invalid(target: &ObjectRef, errors: &deal_mapping::MappingErrors) -> HandlerError {
        HandlerError::InvalidData {
            object: target.to_string(),
            reason: errors.to_string(),
        }
    }

    async fn create(&self, s: &Services, target: &ObjectRef, input: DealInput<'_>) -> Result<Completion, HandlerError> {
        let today = chrono::Utc::now().date_naive();
        let new = map_new_opportunity(input, self.mapping(), today).map_err(|e| Self::invalid(target, &e))?;
        let token = client_token(&target.portal_id.to_string(), &input.deal.id)?;
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
                        s.partner_central
                            .find_by_partner_identifier(&input.deal.id, RECOVERY_PAGES),
                    )
                    .await?;
                let Some(existing) = found.into_iter().find_map(|o| o.id) else {
                    return Err(HandlerError::InvalidData {
                        object: target.to_string(),
                        reason: "ClientToken already used but no opportunity carries this deal's id".into(),
                    });
                };
                tracing::info!(object = %target, opportunity = %existing, "recovered opportunity after token conflict");
                return self.update(s, target, input, &existing, true).await;
            }
            Err(e) => return Err(e.into()),
        };
        // TODO(issue 5): associate the configured solution(s) (AssociateOpportunity) once the solution config exists.
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
        tracing::info!(object = %target, opportunity = %id, "opportunity created");
        Ok(Completion::processed("created"))
    }

    async fn update(
        &self,
        s: &Services,
        target: &ObjectRef,
        input: DealInput<'_>,
        id: &str,
        relink: bool,
    ) -> Result<Completion, HandlerError> {
        let today = chrono::Utc::now().date_naive();
        let mapped = map_fields(input, self.mapping(), today).map_err(|e| Self::invalid(target, &e))?;
        let owned = OwnedFields::deal();
        let mut outcome = UpdateOutcome::default();
        let result = s
            .metrics
            .timed(
                PARTNER_CENTRAL_API,
                s.partner_central.update_with_retry(id, |current, current_fields| {
                    outcome.review_status = current
                        .life_cycle
                        .as_ref()
                        .and_then(|l| l.review_status.as_ref())
                        .map(|r| r.as_str().to_owned());
                    match deal_mapping::merge_current_record(current, &mapped, &owned) {
                        Ok(merged) => {
                            outcome.title = merged
                                .fields
                                .project
                                .as_ref()
                                .and_then(|p| p.title.clone())
                                .or_else(|| current.project.as_ref().and_then(|p| p.title.clone()));
                            changed(&current_fields, &merged.fields).then_some(merged.fields)
                        }
                        Err(locked) => {
                            outcome.locked = Some(locked.review_status);
                            None
                        }
                    }
                }),
            )
            .await;
        match result {
            Ok(r) => outcome.written = r.written,
            Err(PcError::NotEditable { review_status, .. }) => outcome.locked = Some(review_status),
            Err(e) => return Err(e.into()),
        }
        let deal = input.deal;
        let p = self.ctx.properties();
        let mut desired = BTreeMap::new();
        if relink {
            desired.insert(p.opportunity_id.clone(), id.to_owned());
        }
        if let Some(status) = &outcome.locked {
            desired.extend(blocked_properties(p, status));
            let changes = diff(deal, desired);
            if !changes.is_empty() {
                self.write_back(s, target, &changes).await?;
            }
            tracing::info!(object = %target, opportunity = id, review_status = %status, "opportunity locked by review");
            return Ok(Completion::skipped("review_locked"));
        }
        desired.extend(synced_properties(p, outcome.review_status.as_deref()));
        if let Some(title) = &outcome.title {
            desired.insert(p.opportunity_title.clone(), title.clone());
        }
        let mut changes = diff(deal, desired);
        if outcome.written || !changes.is_empty() {
            changes.insert(p.last_sync.clone(), writeback::now_iso());
            self.write_back(s, target, &changes).await?;
        }
        tracing::info!(object = %target, opportunity = id, written = outcome.written, "opportunity update checked");
        Ok(Completion::processed(if outcome.written {
            "updated"
        } else {
            "unchanged"
        }))
    }

    async fn write_back(
        &self,
        s: &Services,
        target: &ObjectRef,
        properties: &BTreeMap<String, String>,
    ) -> Result<CrmObject, HandlerError> {
        Ok(s.metrics
            .timed(HUBSPOT_API, s.hubspot.update_deal(&target.object_id, properties))
            .await?)
    }
}
