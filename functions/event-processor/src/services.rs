//! The clients and shared state handlers use, built once per cold start (see [`crate::runtime`]) and shared by
//! every invocation of the execution environment.

use std::sync::Arc;

use hubspot::HubSpotClient;

use crate::config::Catalog;
use crate::metrics::Metrics;

/// Metric name of HubSpot API calls.
pub const HUBSPOT_API: &str = "HubSpot";
/// Metric name of Partner Central API calls.
pub const PARTNER_CENTRAL_API: &str = "PartnerCentral";

/// Long-lived clients and settings.
#[derive(Debug, Clone)]
pub struct Services {
    /// HubSpot CRM client (token from Secrets Manager).
    pub hubspot: HubSpotClient,
    /// Partner Central catalog in use.
    pub catalog: Catalog,
    /// Metric collector (API calls and latency are recorded through [`Metrics::timed`]).
    pub metrics: Arc<Metrics>,
}
