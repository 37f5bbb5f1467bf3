//! Shadow mode and the canary by deal (issue 7).
//!
//! In shadow mode (`SYNC_SETTINGS.mode = "shadow"`) the processor makes every read and computes every write, but the
//! writes to Partner Central and HubSpot are recorded (as the clients' [`PlannedWrite`]s) instead of sent, and stored
//! as one [`record::ShadowRecord`] per deal and object sync in the `SHADOW_RECORDS_BUCKET` S3 bucket, with a
//! `shadow_write` log line and `ShadowWrites` metrics. Deals whose stable [`canary::bucket`] is below
//! `canary_live_percent` run live. Switching is configuration only: the same handlers run in both modes; only the
//! clients they are given differ.
//!
//! What a record means: shadow mode writes nothing, so every object sync is planned from the state it reads, and its
//! planned writes are exactly the requests live mode would send from that state (tests/shadow_mode.rs checks this
//! request for request against the local servers). Work that depends on an earlier write differs: after a shadow
//! create, the next event of that deal plans a create again (the link was never written back), and two units of
//! one batch touching the same deal (two companies' fan-outs) are both planned from the state before the batch.
//! Canary deals run live and produce no record; neither does a skipped sync with nothing planned (an echo, a deal out
//! of scope).
//!
//! - [`canary`]: the stable bucket and [`canary::runs_live`].
//! - [`record`]: the stored record (light dependencies; the operator CLI reads it).
//! - [`store`]: S3 put/get/list of records and the `shadow_write` log line.
//! - [`metrics`]: `ShadowWrites` per operation, `ShadowRecords`, `ShadowStoreErrors` (EMF).
//! - [`session`]: which services a handler gets for a target ([`session::select`], called by
//!   `HandlerContext::services_for`), and the per-object-sync recording scope.
//! - [`handler`]: [`handler::ShadowRecording`], the decorator around every handler that opens the scope, runs the
//!   handler, and stores the records of the deals that ran in shadow.

pub mod canary;
pub mod handler;
pub mod metrics;
pub mod record;
pub mod session;
pub mod store;

pub use hubspot::shadow::{API_HUBSPOT as HUBSPOT, API_PARTNER_CENTRAL as PARTNER_CENTRAL, PlannedWrite, WriteLog};

/// The API a planned write goes to (`HubSpot`, `PartnerCentral`).
pub fn write_api(write: &PlannedWrite) -> &str {
    &write.api
}

/// Metric/record label of a planned write's operation: `{api}:{operation}` (e.g. `PartnerCentral:CreateOpportunity`,
/// `HubSpot:PATCH deal`); a bounded set.
pub fn operation_label(write: &PlannedWrite) -> String {
    format!("{}:{}", write.api, write.operation)
}
