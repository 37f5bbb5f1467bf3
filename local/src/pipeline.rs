//! The whole pipeline on one machine: queues and secrets in moto, the local (or real) HubSpot and Partner Central,
//! the receipt behind the local API Gateway, the processor built by its real cold start and fed by the event
//! source mapping emulator. [`Pipeline::start`] wires it; the methods post webhooks and observe the result.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use event_processor::runtime::cold_start_with;
use hubspot_server::{HubSpotServer, ServerConfig};
use partner_central_server::PartnerCentralServer;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::aws_setup::{QueueSpec, Queues, SetupError, create_bucket, create_queues, put_secret, queue_counts};
use crate::endpoints::{
    CredentialSource, SERVICE_PARTNER_CENTRAL, SERVICE_S3, SERVICE_SECRETS_MANAGER, SERVICE_SQS, ServiceEndpoints,
    sdk_config,
};
use crate::esm::{Esm, EsmConfig};
use crate::gateway::Gateway;
use crate::progress::Sink;
use crate::sample;
use crate::writeback::{WritebackCheck, opportunity_id_property};

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

/// What a posted webhook got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: u16,
    /// Response body.
    pub body: String,
}

/// A running pipeline. [`Pipeline::stop`] ends the poller; dropping it stops the servers.
pub struct Pipeline {
    /// Progress sink (collected events in tests).
    pub sink: Sink,
    /// The local HubSpot server, when used.
    pub hubspot: Option<Arc<HubSpotServer>>,
    /// The local Partner Central server, when used.
    pub partner_central: Option<Arc<PartnerCentralServer>>,
    /// The queues.
    pub queues: Queues,
    /// SDK configuration (moto for SQS, Secrets Manager and S3).
    pub sdk: SdkConfig,
    /// The shadow records bucket in moto (shadow mode only).
    pub shadow_bucket: Option<String>,
    gateway: Gateway,
    public_url: String,
    webhook_secret: String,
    stop: watch::Sender<bool>,
    poller: Option<JoinHandle<()>>,
    http: reqwest::Client,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("webhook_url", &self.gateway.webhook_url())
            .field("queues", &self.queues)
            .finish()
    }
}

/// True when `SYNC_SETTINGS` selects shadow mode.
fn is_shadow(sync_settings: Option<&str>) -> bool {
    sync_settings
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .is_some_and(|v| v.get("mode").and_then(serde_json::Value::as_str) == Some("shadow"))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Pipeline {
    /// Creates the resources, starts the servers, cold-starts both functions and starts polling.
    pub async fn start(options: Options) -> Result<Self, StartError> {
        let name = moto_harness::unique_name(&options.name);
        let (hubspot, hubspot_base_url, hubspot_token) = match &options.hubspot {
            HubSpotTarget::Local => {
                let server = HubSpotServer::start(ServerConfig::default())
                    .await
                    .map_err(|e| StartError::HubSpot(e.to_string()))?;
                let (url, token) = (server.base_url(), server.token().to_owned());
                (Some(Arc::new(server)), url, token)
            }
            HubSpotTarget::Real { base_url, token } => (None, base_url.clone(), token.clone()),
        };
        let partner_central = match &options.partner_central {
            PartnerCentralTarget::Local => Some(Arc::new(PartnerCentralServer::start().await?)),
            PartnerCentralTarget::Sandbox { .. } => None,
        };
        if let (Some(h), Some(pc)) = (&hubspot, &partner_central) {
            sample::seed(h, pc).map_err(|e| StartError::HubSpot(e.to_string()))?;
        }

        let mut endpoints = ServiceEndpoints::default()
            .with(SERVICE_SQS, &options.moto_endpoint)
            .with(SERVICE_SECRETS_MANAGER, &options.moto_endpoint)
            .with(SERVICE_S3, &options.moto_endpoint);
        let credentials = match &partner_central {
            Some(pc) => {
                endpoints = endpoints.with(SERVICE_PARTNER_CENTRAL, &pc.endpoint_url());
                CredentialSource::Dummy
            }
            None => CredentialSource::DefaultChain,
        };
        let sdk = sdk_config(REGION, credentials, endpoints).await;

        let queues = create_queues(
            &sdk,
            &QueueSpec {
                name: name.clone(),
                visibility_timeout_secs: options.visibility_timeout_secs,
                max_receive_count: options.max_receive_count,
            },
        )
        .await?;
        let webhook_secret_arn =
            put_secret(&sdk, &format!("{name}/hubspot-webhook-secret"), &options.webhook_secret).await?;
        let token_arn = put_secret(&sdk, &format!("{name}/hubspot-token"), &hubspot_token).await?;
        let shadow_bucket = if is_shadow(options.sync_settings.as_deref()) {
            let bucket = format!("{}-shadow", name.to_ascii_lowercase());
            create_bucket(&sdk, &bucket).await?;
            Some(bucket)
        } else {
            None
        };

        // The receipt: bind first, because the signed public URL contains the port.
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.webhook_port)).await?;
        let public_url = match &options.public_url {
            Some(url) => url.clone(),
            None => format!("http://{}{}", listener.local_addr()?, crate::gateway::WEBHOOK_PATH),
        };
        let portal_ids = options
            .portal_ids
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let receipt_env = HashMap::from([
            (webhook_receipt::config::ENV_QUEUE_URL, queues.url.clone()),
            (webhook_receipt::config::ENV_SECRET_ARN, webhook_secret_arn),
            (webhook_receipt::config::ENV_PUBLIC_URL, public_url.clone()),
            (webhook_receipt::config::ENV_PORTAL_IDS, portal_ids),
        ]);
        let receipt_config = webhook_receipt::Config::from_lookup(|k| receipt_env.get(k).cloned())
            .map_err(|e| StartError::Receipt(e.to_string()))?;
        let receipt = webhook_receipt::runtime::build_receipt(receipt_config, &sdk)
            .await
            .map_err(|e| StartError::Receipt(e.to_string()))?;
        let gateway = Gateway::serve(listener, receipt, options.sink.clone())?;

        // The processor: the same variables the stack sets, read by its real configuration and cold start.
        let mut processor_env: HashMap<&str, String> = HashMap::from([
            ("HUBSPOT_ACCESS_TOKEN_SECRET_ARN", token_arn),
            ("HUBSPOT_API_BASE_URL", hubspot_base_url),
            ("PARTNER_CENTRAL_CATALOG", "Sandbox".to_owned()),
            ("SYNC_QUEUE_MAX_RECEIVE_COUNT", options.max_receive_count.to_string()),
        ]);
        if let Some(s) = &options.sync_settings {
            processor_env.insert("SYNC_SETTINGS", s.clone());
        }
        if let Some(b) = &shadow_bucket {
            processor_env.insert("SHADOW_RECORDS_BUCKET", b.clone());
        }
        if let PartnerCentralTarget::Sandbox { role_arn, external_id } = &options.partner_central {
            if let Some(r) = role_arn {
                processor_env.insert("PARTNER_CENTRAL_ROLE_ARN", r.clone());
            }
            if let Some(x) = external_id {
                processor_env.insert("PARTNER_CENTRAL_EXTERNAL_ID", x.clone());
            }
        }
        let processor_config = event_processor::config::Config::from_lookup(|k| processor_env.get(k).cloned())
            .map_err(|e| StartError::Processor(e.to_string()))?;
        let app = Arc::new(
            cold_start_with(&sdk, processor_config)
                .await
                .map_err(|e| StartError::Processor(e.to_string()))?,
        );

        let property = opportunity_id_property(options.sync_settings.as_deref());
        let writeback = match &hubspot {
            Some(server) => WritebackCheck::Local {
                server: server.clone(),
                property,
            },
            None => WritebackCheck::Api {
                client: app.services().hubspot.clone(),
                property,
            },
        };
        let (stop, stop_rx) = watch::channel(false);
        let esm = Esm {
            sqs: aws_sdk_sqs::Client::new(&sdk),
            queue_url: queues.url.clone(),
            queue_arn: queues.arn.clone(),
            app,
            sink: options.sink.clone(),
            writeback,
            config: options.esm.clone(),
        };
        let poller = tokio::spawn(esm.run(stop_rx));
        Ok(Self {
            sink: options.sink,
            hubspot,
            partner_central,
            queues,
            sdk,
            shadow_bucket,
            gateway,
            public_url,
            webhook_secret: options.webhook_secret,
            stop,
            poller: Some(poller),
            http: reqwest::Client::new(),
        })
    }

    /// The URL webhooks are posted to.
    pub fn webhook_url(&self) -> String {
        self.gateway.webhook_url()
    }

    /// The URL signatures are computed over (the local URL unless a public URL was configured).
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Posts `body` to the local endpoint, signed with the webhook secret for the public URL (HubSpot v3,
    /// timestamp now), as HubSpot does.
    pub async fn post_signed(&self, body: &str) -> Result<WebhookResponse, reqwest::Error> {
        let url = self.webhook_url();
        let mut request = self.http.post(&url).header("content-type", "application/json").header(
            "user-agent",
            "HubSpot Connect 2.0 (http://dev.hubspot.com/) (local-pipeline)",
        );
        for (name, value) in sample::signature_headers(&self.webhook_secret, &self.public_url, body, now_ms()) {
            request = request.header(name, value);
        }
        let response = request.body(body.to_owned()).send().await?;
        let status = response.status().as_u16();
        Ok(WebhookResponse {
            status,
            body: response.text().await?,
        })
    }

    /// Posts the sample `deal.creation` webhook for `deal_id` (event id `event_id`, delivery attempt `attempt`).
    pub async fn post_deal_creation(
        &self,
        portal_id: u64,
        deal_id: &str,
        event_id: u64,
        attempt: u32,
    ) -> Result<WebhookResponse, reqwest::Error> {
        let occurred_at = 1_790_000_000_000 + i64::try_from(event_id % 1_000_000).unwrap_or(0);
        self.post_signed(&sample::deal_creation_body(
            portal_id,
            deal_id,
            event_id,
            occurred_at,
            attempt,
        ))
        .await
    }

    /// (visible, in flight) of the source queue and visible messages of the DLQ.
    pub async fn queue_status(&self) -> Result<QueueStatus, SetupError> {
        let (visible, in_flight) = queue_counts(&self.sdk, &self.queues.url).await?;
        let (dlq, _) = queue_counts(&self.sdk, &self.queues.dlq_url).await?;
        Ok(QueueStatus {
            visible,
            in_flight,
            dlq,
        })
    }

    /// Waits until the source queue is empty (nothing visible, nothing in flight) or `timeout` passes; returns the
    /// last status seen.
    pub async fn wait_drained(&self, timeout: Duration) -> Result<QueueStatus, SetupError> {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            let status = self.queue_status().await?;
            if (status.visible == 0 && status.in_flight == 0) || tokio::time::Instant::now() >= until {
                return Ok(status);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Stops the poller (waits for the current invocation to finish).
    pub async fn stop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(p) = self.poller.take() {
            let _ = p.await;
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Queue depths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueStatus {
    /// Visible messages in the source queue.
    pub visible: u64,
    /// In-flight messages in the source queue.
    pub in_flight: u64,
    /// Messages in the DLQ.
    pub dlq: u64,
}

impl std::fmt::Display for QueueStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "queue: {} visible, {} in flight; DLQ: {}",
            self.visible, self.in_flight, self.dlq
        )
    }
}
