//! The deal properties the sync writes back: echo detection of its own writes, the status diff (only values that
//! differ from what the deal shows are sent, so a repeated event causes no HubSpot write), and the readable error
//! written onto a deal after a permanent failure.

use std::collections::BTreeMap;

use deal_mapping::classify_echo;
use hubspot::CrmObject;
use sync_events::{EventKind, SyncEvent};

use crate::handlers::HandlerError;

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
pub fn all_echoes(events: &[&SyncEvent], app_id: Option<&str>) -> bool {
    !events.is_empty()
        && events.iter().all(|e| {
            e.kind() == EventKind::DealPropertyChange
                && classify_echo(
                    e.property_name.as_deref(),
                    e.change_source.as_deref(),
                    e.source_id.as_deref(),
                    app_id,
                )
                .is_echo()
        })
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

/// `aws_sync_status=error` + `aws_sync_error=<message>` (one PATCH).
pub fn error_properties(error: &HandlerError) -> BTreeMap<String, String> {
    let message = clip(&error_message(error), ERROR_MAX_CHARS);
    props([("aws_sync_status", STATUS_ERROR), ("aws_sync_error", &message)])
}
