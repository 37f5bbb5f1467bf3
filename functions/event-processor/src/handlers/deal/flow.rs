//! The deal sync flow: echo check, the deal read, scope, then update (linked deal) or adopt/create (unlinked), then the
//! status write-back and the solution associations.
//!
//! Reads: the deal is read first and the scope checked before anything else, so an out-of-scope deal costs one
//! HubSpot read. A linked deal whose events are only property changes of properties that do not feed
//! `Customer.Account` (and no association change) is updated from the deal alone ([`deal_only`]): GetOpportunity,
//! merge the deal-owned fields outside `Customer` ([`OwnedFields::deal_only`]) and carry Account/Contacts over
//! unchanged (company and contact events own them) — 1 HubSpot read. Creations, association changes and
//! account-property changes also read the primary company and up to [`MAX_CONTACTS`] contacts (two concurrent batch
//! reads: 3 HubSpot reads).
//!
//! Create: one ListOpportunities filtered by the customer's company name looks for an opportunity already carrying
//! this deal's id as PartnerOpportunityIdentifier (created by the previous system, or by us with a lost write-back)
//! and adopts it; otherwise CreateOpportunity with the deterministic ClientToken, then the write-back (the link is
//! saved before anything else can fail), then one AssociateOpportunity per configured solution. Solutions missing
//! from an opportunity (an association failed after the write-back) are added by the next update of the deal, which
//! reads `RelatedEntityIdentifiers.Solutions` from the GetOpportunity it does anyway.
//!
//! Review lock: the status properties say `blocked` with the reason, and one HubSpot note explains it on the deal —
//! only when the deal's sync status changes into `blocked` (not on every event; echoes never get here).
//!
//! Calls per event are listed in the crate README and asserted in `tests/deal_sync.rs` and `tests/workload.rs`.

use std::collections::BTreeMap;

use deal_mapping::{
    COMPANY_PROPERTIES, CONTACT_PROPERTIES, DealInput, OwnedFields, account_deal_properties, changed, in_scope,
    lock_note_body, map_deal_fields, map_fields,
};
use hubspot::{BatchRead, CrmObject, ObjectType};
use partner_central::sdk::operation::get_opportunity::GetOpportunityOutput;
use partner_central::{OpportunityFields, PcError};
use sync_events::{EventKind, SyncEvent};

use super::DealHandler;
use super::plan::MAX_CONTACTS;
use super::writeback::{
    self, STATUS_BLOCKED, all_echoes, blocked_properties, diff, is_echo, linked_opportunity, synced_properties,
};
use crate::handlers::{HandlerContext, HandlerError, ObjectRef};
use crate::outcome::{Classify, Completion, FailureClass};
use crate::services::{HUBSPOT_API, PARTNER_CENTRAL_API, Services};

/// True when the events can be applied from the deal alone: every event that is not the sync's own echo is a
/// property change of a property that does not feed `Customer.Account` (no creation, no association change).
pub fn deal_only(events: &[&SyncEvent], ctx: &HandlerContext) -> bool {
    let account = account_deal_properties(ctx.mapping());
    events.iter().filter(|e| !is_echo(e, ctx)).all(|e| {
        e.kind() == EventKind::DealPropertyChange
            && e.property_name.as_deref().is_some_and(|p| !account.contains(&p.trim()))
    })
}

/// What an update merges into the current record.
pub(super) enum Wanted<'a> {
    /// Everything the deal mapping produces (deal, company, contacts were read).
    Full(Box<OpportunityFields>),
    /// The deal's own fields outside `Customer`, mapped from the deal alone inside the merge (the current record's
    /// CompanyName fills the business-problem padding).
    DealOnly(&'a CrmObject),
}

/// What an update did.
#[derive(Debug, Default)]
struct UpdateOutcome {
    written: bool,
    review_status: Option<String>,
    title: Option<String>,
    locked: Option<String>,
    solutions: Vec<String>,
    mapping_error: Option<deal_mapping::MappingErrors>,
}

fn current_company_name(current: &GetOpportunityOutput) -> &str {
    current
        .customer
        .as_ref()
        .and_then(|c| c.account.as_ref())
        .map_or("", |a| a.company_name.as_str())
}

impl DealHandler {
    /// The deal properties one sync reads ([`deal_mapping::deal_properties`] under the handler's settings).
    fn deal_properties(&self) -> Vec<&str> {
        deal_mapping::deal_properties(self.mapping(), self.ctx.properties())
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
        let deal = &deal;
        let linked = linked_opportunity(self.ctx.properties(), deal).map(str::to_owned);
        let result = match linked {
            Some(id) if deal_only(events, &self.ctx) => {
                self.update(&s, target, deal, Wanted::DealOnly(deal), &id, false).await
            }
            linked => {
                let (companies, contacts) = self.read_related(&s, deal).await?;
                let input = DealInput {
                    deal,
                    company: companies.results.first(),
                    contacts: &contacts.results,
                };
                match linked {
                    Some(id) => {
                        let today = chrono::Utc::now().date_naive();
                        match map_fields(input, self.mapping(), today) {
                            Ok(mapped) => {
                                self.update(&s, target, deal, Wanted::Full(Box::new(mapped)), &id, false)
                                    .await
                            }
                            Err(e) => Err(Self::invalid(target, &e)),
                        }
                    }
                    None => self.create(&s, target, input).await,
                }
            }
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
            read(ObjectType::Companies, company_ids, COMPANY_PROPERTIES),
            read(ObjectType::Contacts, contact_ids, CONTACT_PROPERTIES),
        )?)
    }

    pub(super) fn invalid(target: &ObjectRef, errors: &deal_mapping::MappingErrors) -> HandlerError {
        HandlerError::InvalidData {
            object: target.to_string(),
            reason: errors.to_string(),
        }
    }

    /// Get -> merge -> Update (only when something changes), then the missing solutions, then the status
    /// write-back. `relink` also writes the opportunity id (an adopted opportunity).
    pub(super) async fn update(
        &self,
        s: &Services,
        target: &ObjectRef,
        deal: &CrmObject,
        wanted: Wanted<'_>,
        id: &str,
        relink: bool,
    ) -> Result<Completion, HandlerError> {
        let today = chrono::Utc::now().date_naive();
        let owned = match &wanted {
            Wanted::Full(_) => OwnedFields::deal(),
            Wanted::DealOnly(deal) => {
                // Mapping problems do not depend on the company name: report them before any Partner Central call.
                map_deal_fields(deal, "", self.mapping(), today).map_err(|e| Self::invalid(target, &e))?;
                OwnedFields::deal_only()
            }
        };
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
                    outcome.solutions = current
                        .related_entity_identifiers
                        .as_ref()
                        .and_then(|r| r.solutions.clone())
                        .unwrap_or_default();
                    let mapped = match &wanted {
                        Wanted::Full(m) => (**m).clone(),
                        Wanted::DealOnly(deal) => {
                            match map_deal_fields(deal, current_company_name(current), self.mapping(), today) {
                                Ok(m) => m,
                                Err(e) => {
                                    outcome.mapping_error = Some(e);
                                    return None;
                                }
                            }
                        }
                    };
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
        if let Some(e) = &outcome.mapping_error {
            return Err(Self::invalid(target, e));
        }
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
            if deal.property(&p.sync_status) != Some(STATUS_BLOCKED) {
                self.lock_note(s, target, id, status).await?;
            }
            tracing::info!(object = %target, opportunity = id, review_status = %status, "opportunity locked by review");
            return Ok(Completion::skipped("review_locked"));
        }
        self.associate_solutions(s, target, id, &outcome.solutions).await?;
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

    /// The one note explaining a review lock (written when the deal's status changes into `blocked`).
    async fn lock_note(&self, s: &Services, target: &ObjectRef, id: &str, status: &str) -> Result<(), HandlerError> {
        let body = lock_note_body(id, status);
        s.metrics
            .timed(
                HUBSPOT_API,
                s.hubspot
                    .create_deal_note(&target.object_id, &body, &writeback::now_iso()),
            )
            .await?;
        Ok(())
    }

    /// One AssociateOpportunity per configured solution not in `associated` (an already-associated solution is
    /// not sent again; Partner Central also accepts a repeat).
    pub(super) async fn associate_solutions(
        &self,
        s: &Services,
        target: &ObjectRef,
        id: &str,
        associated: &[String],
    ) -> Result<(), HandlerError> {
        for solution in &self.ctx.settings().solutions {
            if associated.contains(solution) {
                continue;
            }
            s.metrics
                .timed(PARTNER_CENTRAL_API, s.partner_central.associate_solution(id, solution))
                .await?;
            tracing::info!(object = %target, opportunity = id, solution = %solution, "solution associated");
        }
        Ok(())
    }

    pub(super) async fn write_back(
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
