//! The clients and shared state handlers use, built once per cold start (see [`crate::runtime`]) and shared by
//! every invocation of the execution environment.

use std::sync::Arc;

use crate::metrics::Metrics;
use hubspot::HubSpotClient;
use partner_central::PartnerCentral;

/// Metric name of HubSpot API calls.
pub const HUBSPOT_API: &str = "HubSpot";
/// Metric name of Partner Central API calls.
pub const PARTNER_CENTRAL_API: &str = "PartnerCentral";

/// Long-lived clients and settings.
#[derive(Debug, Clone)]
pub struct Services {
    /// HubSpot CRM client (token from Secrets Manager).
    pub hubspot: HubSpotClient,
    /// Partner Central client (us-east-1, optional assumed role with cached credentials, write limiter).
    pub partner_central: PartnerCentral,
    /// Metric collector (API calls and latency are recorded through [`Metrics::timed`]).
    pub metrics: Arc<Metrics>,
}
