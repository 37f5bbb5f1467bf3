//! The clients and shared state handlers use, built once per cold start (see [`crate::runtime`]) and shared by
//! every invocation of the execution environment. [`Services::shadow`] makes the shadow twin used for deals that run
//! in shadow mode (see [`crate::shadow`]).

use std::sync::Arc;

use crate::metrics::Metrics;
use crate::shadow::WriteLog;
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

impl Services {
    /// The shadow twin: the same clients (same connection pools, credentials, limiters and metrics) in shadow
    /// write mode, recording every write into `log` instead of sending it. Reads are sent as usual. Cheap: no new
    /// connection or credential lookup.
    pub fn shadow(&self, log: WriteLog) -> Services {
        Services {
            hubspot: self.hubspot.shadow(log.clone()),
            partner_central: self.partner_central.shadow(log),
            metrics: self.metrics.clone(),
        }
    }

    /// True when these services only record writes.
    pub fn is_shadow(&self) -> bool {
        self.hubspot.write_mode().is_shadow()
    }
}
