//! What a local pipeline run is configured by ([`Options`], with the HubSpot and Partner Central targets) and why
//! starting it can fail ([`StartError`]).

use std::time::Duration;

use crate::aws_setup::SetupError;
use crate::esm::EsmConfig;
use crate::progress::Sink;

/// Region of the local AWS resources (Partner Central only exists in us-east-1).
pub const REGION: &str = "us-east-1";

/// Which HubSpot the processor talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubSpotTarget {
    /// The local server, seeded with the sample deal, company and contact.
    Local,
    /// A real HubSpot portal.
    Real {
        /// API base URL (`https://api.hubapi.com`).
        base_url: String,
        /// Private-app token (stored in moto's Secrets Manager, read by the processor's cold start).
        token: String,
    },
}

/// Which Partner Central the processor talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerCentralTarget {
    /// The local server (validates against the botocore model), `Sandbox` catalog.
    Local,
    /// The real Partner Central Selling API, `Sandbox` catalog, with the SDK's default credentials (optionally
    /// assuming `role_arn`).
    Sandbox {
        /// Role to assume (`PARTNER_CENTRAL_ROLE_ARN`).
        role_arn: Option<String>,
        /// External id of that role.
        external_id: Option<String>,
    },
}

/// Everything a run is configured by.
#[derive(Debug, Clone)]
pub struct Options {
    /// moto's endpoint (`MOTO_ENDPOINT`).
    pub moto_endpoint: String,
    /// Prefix of the queue and secret names (made unique per run).
    pub name: String,
    /// Source queue visibility timeout, seconds.
    pub visibility_timeout_secs: u32,
    /// Receives before SQS moves a message to the DLQ (also given to the processor).
    pub max_receive_count: u32,
    /// The HubSpot app's client secret, which signs webhooks.
    pub webhook_secret: String,
    /// Port of the local API Gateway on 127.0.0.1 (0 = any free port).
    pub webhook_port: u16,
    /// The URL HubSpot calls, when it differs from the local one (a tunnel to the local endpoint); signatures are
    /// verified against it.
    pub public_url: Option<String>,
    /// Portal allow-list of the receipt (`HUBSPOT_PORTAL_IDS`); empty = all.
    pub portal_ids: Vec<u64>,
    /// HubSpot target.
    pub hubspot: HubSpotTarget,
    /// Partner Central target.
    pub partner_central: PartnerCentralTarget,
    /// The processor's `SYNC_SETTINGS` (compact JSON), if any.
    pub sync_settings: Option<String>,
    /// Event source mapping settings.
    pub esm: EsmConfig,
    /// Progress output.
    pub sink: Sink,
}

impl Options {
    /// Local servers everywhere, with the given moto endpoint and short timeouts suited to a demo.
    pub fn local(moto_endpoint: &str) -> Self {
        Self {
            moto_endpoint: moto_endpoint.to_owned(),
            name: "hs-sync-local".to_owned(),
            visibility_timeout_secs: 10,
            max_receive_count: 3,
            webhook_secret: "local-webhook-client-secret".to_owned(),
            webhook_port: 0,
            public_url: None,
            portal_ids: Vec::new(),
            hubspot: HubSpotTarget::Local,
            partner_central: PartnerCentralTarget::Local,
            sync_settings: None,
            esm: EsmConfig {
                function_timeout: Duration::from_secs(10),
                ..EsmConfig::default()
            },
            sink: Sink::stdout(),
        }
    }
}

/// Why the pipeline could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Creating queues or secrets in moto failed.
    #[error("setting up moto: {0}")]
    Setup(#[from] SetupError),
    /// The local HubSpot server failed to start or seed.
    #[error("local HubSpot server: {0}")]
    HubSpot(String),
    /// The local Partner Central server failed to start.
    #[error("local Partner Central server: {0}")]
    PartnerCentral(#[from] partner_central_server::ServerError),
    /// Binding the local API Gateway failed.
    #[error("binding the local API gateway: {0}")]
    Bind(#[from] std::io::Error),
    /// The receipt's configuration or cold start failed.
    #[error("webhook receipt: {0}")]
    Receipt(String),
    /// The processor's configuration or cold start failed.
    #[error("event processor: {0}")]
    Processor(String),
}
