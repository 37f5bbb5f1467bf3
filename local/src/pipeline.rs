//! The whole pipeline on one machine: queues and secrets in moto, the local (or real) HubSpot and Partner Central,
//! the receipt behind the local API Gateway, the processor built by its real cold start and fed by the event
//! source mapping emulator. [`Pipeline::start`] wires it; the methods post webhooks and observe the result.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use hubspot_server::{HubSpotServer, ServerConfig};
use partner_central_server::PartnerCentralServer;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::aws_setup::{QueueSpec, Queues, SetupError, create_bucket, create_queues, put_secret, queue_counts};
use crate::endpoints::{
    CredentialSource, SERVICE_PARTNER_CENTRAL, SERVICE_S3, SERVICE_SECRETS_MANAGER, SERVICE_SQS, ServiceEndpoints,
    sdk_config,
};
use crate::esm::Esm;
use crate::functions::{start_processor, start_receipt};
use crate::gateway::Gateway;
pub use crate::options::{HubSpotTarget, Options, PartnerCentralTarget, REGION, StartError};
use crate::progress::Sink;
use crate::sample;
use crate::writeback::{WritebackCheck, opportunity_id_property};

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

        let (gateway, public_url) = start_receipt(&options, &sdk, &queues.url, webhook_secret_arn).await?;
        let app =
            Arc::new(start_processor(&options, &sdk, token_arn, hubspot_base_url, shadow_bucket.as_deref()).await?);

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
