//! Shared steps of the company, contact and note handlers, which all fan out from one HubSpot object to the
//! Partner Central opportunities of its deals: echo check, the deal properties read for scope and linking, one
//! owned-fields update per linked deal (through `update_with_retry`: conflict retry, review-status rules, no-op
//! updates skipped), and settling the per-deal results so one deal's failure never loses the others.
//!
//! Settling: a review lock writes `sync_status=blocked` onto that deal (and a later successful fan-out to a deal
//! showing `blocked` sets it back to `synced`), a permanent failure writes
//! `sync_status=error` + `sync_error` onto that deal (property names from `SYNC_SETTINGS.properties`) (both only when the deal does not already show exactly
//! that), and the other deals go on. A transient or config failure of any deal fails the record after every deal
//! was tried; the redelivery repeats the fan-out, which is safe because unchanged opportunities are not written.
//!
//! Services: the fan-out's own reads use `services_for(target)`; everything done for one deal (its opportunity
//! update, its status write-back) uses `services_for(deal)`, so shadow/canary decisions are per deal.

use std::collections::BTreeMap;

use deal_mapping::{OwnedFields, SyncProperties, changed, in_scope, merge_current_record};
use hubspot::{BatchRead, CrmObject, ObjectType};
use partner_central::OpportunityFields;
use partner_central::PcError;
use partner_central::sdk::operation::get_opportunity::GetOpportunityOutput;
use sync_events::{EventKind, SyncEvent};

pub use super::deal::writeback::linked_opportunity;
use super::deal::writeback::{STATUS_BLOCKED, blocked_properties, diff, error_properties, is_echo, synced_properties};
use super::{HandlerContext, HandlerError, ObjectRef};
use crate::outcome::{Classify, Completion, FailureClass};
use crate::services::{HUBSPOT_API, PARTNER_CENTRAL_API, Services};

/// The deal properties to read for a fan-out under `ctx`'s settings (sorted, unique): `dealname` and the deal-level
/// fallbacks of `Customer.Account` ([`deal_mapping::account_deal_properties`]) for scope and the account, the scope
/// property, and the link and status properties of the settings.
pub fn deal_properties(ctx: &HandlerContext) -> Vec<&str> {
    let w = ctx.properties();
    let mut p: Vec<&str> = deal_mapping::account_deal_properties(ctx.mapping());
    p.push("dealname");
    p.extend(ctx.mapping().scope_property.as_deref());
    p.extend([
        w.opportunity_id.as_str(),
        w.review_status.as_str(),
        w.sync_status.as_str(),
        w.sync_error.as_str(),
    ]);
    p.sort_unstable();
    p.dedup();
    p
}

/// True when every event is a property change the sync itself caused (its app or a write-back property).
/// Creations are never echoes.
pub fn all_echoes(events: &[&SyncEvent], ctx: &HandlerContext) -> bool {
    !events.is_empty()
        && events.iter().all(|e| {
            matches!(
                e.kind(),
                EventKind::CompanyPropertyChange | EventKind::ContactPropertyChange | EventKind::DealPropertyChange
            ) && is_echo(e, ctx)
        })
}

/// The deals of `ids` that are in scope and linked, read in one batch read (none when `ids` is empty).
pub async fn linked_deals(
    services: &Services,
    ctx: &HandlerContext,
    ids: &[String],
) -> Result<Vec<CrmObject>, HandlerError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let properties = deal_properties(ctx);
    let read: BatchRead = services
        .metrics
        .timed(
            HUBSPOT_API,
            services.hubspot.batch_read(ObjectType::Deals, ids, &properties),
        )
        .await?;
    Ok(read
        .results
        .into_iter()
        .filter(|d| in_scope(d, ctx.mapping()) && linked_opportunity(ctx.properties(), d).is_some())
        .collect())
}

/// A per-deal HubSpot read that failed: transient and config failures fail the record (`Err`, retried); a
/// permanent one (e.g. the deal was deleted since the batch read) only drops that deal (`Ok(None)`), so it cannot
/// lose the other deals' updates.
pub fn per_deal<T>(
    target: &ObjectRef,
    deal_id: &str,
    result: Result<T, HandlerError>,
) -> Result<Option<T>, HandlerError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.class() == FailureClass::Permanent => {
            tracing::warn!(object = %target, deal = deal_id, code = %e.code(), error = %e, "deal dropped from the fan-out");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// What one deal's update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DealOutcome {
    /// UpdateOpportunity was sent; carries the opportunity's review status.
    Written(Option<String>),
    /// Nothing to change (no write); carries the opportunity's review status.
    Unchanged(Option<String>),
    /// The review status does not allow updates (no write).
    Locked(String),
}

/// Get -> merge the `owned` fields of `mapped(current)` -> Update (only when something changes). `mapped` returning
/// `None` means nothing to apply.
pub async fn update_owned<F>(
    services: &Services,
    opportunity_id: &str,
    owned: &OwnedFields,
    mut mapped: F,
) -> Result<DealOutcome, HandlerError>
where
    F: FnMut(&GetOpportunityOutput) -> Option<OpportunityFields> + Send,
{
    let mut locked: Option<String> = None;
    let mut review_status: Option<String> = None;
    let result = services
        .metrics
        .timed(
            PARTNER_CENTRAL_API,
            services
                .partner_central
                .update_with_retry(opportunity_id, |current, current_fields| {
                    review_status = current
                        .life_cycle
                        .as_ref()
                        .and_then(|l| l.review_status.as_ref())
                        .map(|r| r.as_str().to_owned());
                    let wanted = mapped(current)?;
                    match merge_current_record(current, &wanted, owned) {
                        Ok(merged) => changed(&current_fields, &merged.fields).then_some(merged.fields),
                        Err(l) => {
                            locked = Some(l.review_status);
                            None
                        }
                    }
                }),
        )
        .await;
    match result {
        Ok(_) if locked.is_some() => Ok(DealOutcome::Locked(locked.unwrap_or_default())),
        Ok(r) if r.written => Ok(DealOutcome::Written(review_status)),
        Ok(_) => Ok(DealOutcome::Unchanged(review_status)),
        Err(PcError::NotEditable { review_status, .. }) => Ok(DealOutcome::Locked(review_status)),
        Err(e) => Err(e.into()),
    }
}

/// Writes the properties of `desired` that differ from what `deal` shows (no call when none differ). Best effort:
/// a failure is logged, never returned (the fan-out result of the other deals must not be lost).
async fn show_on_deal(services: &Services, deal: &CrmObject, desired: BTreeMap<String, String>) {
    let changes = diff(deal, desired);
    if changes.is_empty() {
        return;
    }
    let result = services
        .metrics
        .timed(HUBSPOT_API, services.hubspot.update_deal(&deal.id, &changes))
        .await;
    if let Err(e) = result {
        tracing::warn!(deal = %deal.id, error = %e, "could not write the sync status onto the deal");
    }
}

/// The one note explaining a review lock, when the deal's status changes into `blocked`. Best effort, like
/// [`show_on_deal`].
async fn lock_note(services: &Services, p: &SyncProperties, deal: &CrmObject, status: &str) {
    let id = linked_opportunity(p, deal).unwrap_or_default();
    let body = deal_mapping::lock_note_body(id, status);
    let result = services
        .metrics
        .timed(
            HUBSPOT_API,
            services
                .hubspot
                .create_deal_note(&deal.id, &body, &super::deal::writeback::now_iso()),
        )
        .await;
    if let Err(e) = result {
        tracing::warn!(deal = %deal.id, error = %e, "could not write the review-lock note onto the deal");
    }
}

/// After a successful update of a deal that shows `blocked`: the review lock is gone, the deal is in sync again.
async fn clear_blocked(services: &Services, p: &SyncProperties, deal: &CrmObject, review_status: Option<String>) {
    // `None` = the opportunity was not read (nothing to send), so its lock state is unknown.
    let Some(status) = review_status else { return };
    if deal.property(&p.sync_status) != Some(STATUS_BLOCKED) {
        return;
    }
    show_on_deal(services, deal, synced_properties(p, Some(&status))).await;
}

/// Settles the per-deal results of one fan-out (see the module docs) into the record's outcome.
pub async fn settle(
    ctx: &HandlerContext,
    target: &ObjectRef,
    results: Vec<(&CrmObject, Result<DealOutcome, HandlerError>)>,
) -> Result<Completion, HandlerError> {
    if results.is_empty() {
        return Ok(Completion::skipped("no_linked_deals"));
    }
    let (mut written, mut retry): (usize, Option<HandlerError>) = (0, None);
    let p = ctx.properties();
    for (deal, result) in results {
        let services = ctx.services_for(&HandlerContext::deal_ref(target, &deal.id));
        let services = &*services;
        match result {
            Ok(DealOutcome::Written(status)) => {
                written += 1;
                clear_blocked(services, p, deal, status).await;
            }
            Ok(DealOutcome::Unchanged(status)) => clear_blocked(services, p, deal, status).await,
            Ok(DealOutcome::Locked(status)) => {
                let newly_blocked = deal.property(&p.sync_status) != Some(STATUS_BLOCKED);
                show_on_deal(services, deal, blocked_properties(p, &status)).await;
                if newly_blocked {
                    lock_note(services, p, deal, &status).await;
                }
            }
            Err(e) if e.class() == FailureClass::Permanent => {
                tracing::warn!(object = %target, deal = %deal.id, code = %e.code(), error = %e,
                    "fan-out update failed permanently for one deal");
                show_on_deal(services, deal, error_properties(p, &e)).await;
            }
            Err(e) => {
                tracing::warn!(object = %target, deal = %deal.id, code = %e.code(), error = %e,
                    "fan-out update failed for one deal; the record will be retried");
                retry.get_or_insert(e);
            }
        }
    }
    if let Some(e) = retry {
        return Err(e);
    }
    tracing::info!(object = %target, written, "fan-out done");
    Ok(Completion::processed(if written > 0 { "updated" } else { "unchanged" }))
}
