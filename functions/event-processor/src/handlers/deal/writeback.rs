//! The deal properties the sync writes back: echo detection of its own writes, the status diff (only values that
//! differ from what the deal shows are sent, so a repeated event causes no HubSpot write), and the readable error
//! written onto a deal after a permanent failure. Property names come from `SYNC_SETTINGS.properties`
//! ([`SyncProperties`]; defaults = the previous system's `aws_*` names).

use std::collections::BTreeMap;

use deal_mapping::{SyncProperties, classify_echo_with};
use hubspot::CrmObject;
use sync_events::{EventKind, SyncEvent};

use crate::handlers::{HandlerContext, HandlerError};

/// `aws_sync_status` after a successful sync.
pub const STATUS_SYNCED: &str = "synced";
/// `aws_sync_status` while the opportunity's review status does not allow updates.
pub const STATUS_BLOCKED: &str = "blocked";
/// `aws_sync_status` after a permanent failure.
pub const STATUS_ERROR: &str = "error";
/// `aws_sync_error` is clipped to this many characters (HubSpot text properties hold far more; this keeps it
/// readable).
pub const ERROR_MAX_CHARS: usize = 1000;

/// True when every event is a property change the sync itself caused (write-back property or the sync's app).
/// Creations and association changes are never echoes.
pub fn all_echoes(events: &[&SyncEvent], ctx: &HandlerContext) -> bool {
    !events.is_empty()
        && events
            .iter()
            .all(|e| e.kind() == EventKind::DealPropertyChange && is_echo(e, ctx))
}

/// True when this property-change event is the sync's own write (write-back property or the sync's app).
pub fn is_echo(e: &SyncEvent, ctx: &HandlerContext) -> bool {
    classify_echo_with(
        ctx.properties(),
        e.property_name.as_deref(),
        e.change_source.as_deref(),
        e.source_id.as_deref(),
        ctx.app_id(),
    )
    .is_echo()
}

/// The entries of `desired` whose value differs from the deal's current one (absent counts as empty).
pub fn diff(deal: &CrmObject, desired: BTreeMap<String, String>) -> BTreeMap<String, String> {
    desired
        .into_iter()
        .filter(|(k, v)| deal.property(k).unwrap_or("") != v.as_str())
        .collect()
}

/// A map from string pairs.
pub fn props<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// Now as HubSpot datetime text (ISO-8601 UTC, milliseconds).
pub fn now_iso() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `s` clipped to `max` characters (on a char boundary).
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The readable message for a permanent failure: mapping problems list every field; Partner Central validation
/// errors carry their field list in the error text.
pub fn error_message(error: &HandlerError) -> String {
    match error {
        HandlerError::InvalidData { reason, .. } => format!("Cannot sync to AWS Partner Central: {reason}"),
        other => format!("AWS Partner Central sync failed: {other}"),
    }
}

/// `sync_status=error` + `sync_error=<message>` (one PATCH).
pub fn error_properties(p: &SyncProperties, error: &HandlerError) -> BTreeMap<String, String> {
    let message = clip(&error_message(error), ERROR_MAX_CHARS);
    props([(p.sync_status.as_str(), STATUS_ERROR), (&p.sync_error, &message)])
}

/// The reason shown on a deal whose opportunity's review status does not allow the update.
pub fn blocked_reason(review_status: &str) -> String {
    format!(
        "Partner Central review status '{review_status}' does not allow updates; HubSpot changes are sent once \
         AWS's review allows edits again"
    )
}

/// `sync_status=blocked` + the reason + `review_status`.
pub fn blocked_properties(p: &SyncProperties, review_status: &str) -> BTreeMap<String, String> {
    let reason = blocked_reason(review_status);
    props([
        (p.sync_status.as_str(), STATUS_BLOCKED),
        (&p.sync_error, &reason),
        (&p.review_status, review_status),
    ])
}

/// `sync_status=synced`, empty `sync_error` (and `review_status` when known).
pub fn synced_properties(p: &SyncProperties, review_status: Option<&str>) -> BTreeMap<String, String> {
    let mut desired = props([(p.sync_status.as_str(), STATUS_SYNCED), (&p.sync_error, "")]);
    if let Some(status) = review_status {
        desired.insert(p.review_status.clone(), status.to_owned());
    }
    desired
}

/// The opportunity a deal is linked to (the `opportunity_id` property), if any.
pub fn linked_opportunity<'d>(p: &SyncProperties, deal: &'d CrmObject) -> Option<&'d str> {
    deal.property(&p.opportunity_id)
        .map(str::trim)
        .filter(|id| !id.is_empty())
}
