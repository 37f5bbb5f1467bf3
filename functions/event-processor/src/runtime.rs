//! Cold start and invocation entry point: builds the SDK configuration, reads the HubSpot token from Secrets
//! Manager and creates the clients once ([`cold_start`]); [`App::handle`] then serves every invocation of the
//! execution environment with them.
//!
//! Shadow mode (`SYNC_SETTINGS.mode = "shadow"`) is wired here, from configuration only ([`App::configure`]): the
//! same handlers, each wrapped in [`ShadowRecording`] with one shared [`Recorder`] (S3 store of
//! `SHADOW_RECORDS_BUCKET`, shadow metrics), and each batch runs inside the scope that maps its events to their
//! message ids (record keys). The handlers' `services_for` picks live or shadow clients per deal by the canary.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use hubspot::{ClientConfig, HubSpotClient, HubSpotError};
use lambda_runtime::LambdaEvent;
use partner_central::{AssumeRole, PartnerCentral, PartnerCentralConfig};
use tokio::time::Instant;

use crate::config::{Config, ConfigError};
use crate::engine::{BatchEngine, BatchReport, EngineConfig, RecordError};
use crate::error_text::error_chain;
use crate::handlers::Handlers;
use crate::metrics::Metrics;
use crate::router::{Router, SyncProcessor};
use crate::services::Services;
use crate::shadow::handler::{Recorder, ShadowRecording};
use crate::shadow::session;
use crate::shadow::store::ShadowStore;

/// Why the cold start failed (the runtime reports it and Lambda retries the init; no record is consumed).
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A missing or invalid environment variable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HubSpot token secret could not be read.
    #[error("cannot read the HubSpot token secret {arn}: {detail}")]
    Secret {
        /// Secret ARN (not secret itself).
        arn: String,
        /// What went wrong (never the secret value).
        detail: String,
    },
    /// The HubSpot client could not be built.
    #[error("cannot build the HubSpot client: {0}")]
    HubSpot(#[from] HubSpotError),
}

/// Reads the HubSpot token: the secret's SecretString, trimmed. The call goes to the region named in the secret
/// ARN (a secret can only be read in its own region), falling back to the SDK configuration's region.
pub async fn read_token(sdk: &aws_config::SdkConfig, arn: &str) -> Result<String, StartupError> {
    let mut builder = aws_sdk_secretsmanager::config::Builder::from(sdk);
    if let Some(region) = arn_region(arn) {
        builder = builder.region(aws_sdk_secretsmanager::config::Region::new(region.to_owned()));
    }
    let client = aws_sdk_secretsmanager::Client::from_conf(builder.build());
    let secret_error = |detail: String| StartupError::Secret {
        arn: arn.to_owned(),
        detail,
    };
    let output = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| secret_error(error_chain(&e)))?;
    match output.secret_string().map(str::trim) {
        Some(token) if !token.is_empty() => Ok(token.to_owned()),
        _ => Err(secret_error(
            "the secret has no SecretString (a binary or empty secret)".to_owned(),
        )),
    }
}

/// The region field of an ARN (`arn:partition:service:region:account:resource`), if present.
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// Builds everything an execution environment needs, once, from the standard AWS SDK environment (region,
/// credentials, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` overrides).
pub async fn cold_start(config: Config) -> Result<App, StartupError> {
    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
    cold_start_with(&sdk, config).await
}

/// [`cold_start`] with a given SDK configuration: reads the token secret, builds the HubSpot client and the
/// Partner Central client (us-east-1; with `PARTNER_CENTRAL_ROLE_ARN` an assume-role provider whose credentials
/// the SDK caches and refreshes before expiry).
pub async fn cold_start_with(sdk: &aws_config::SdkConfig, config: Config) -> Result<App, StartupError> {
    let token = read_token(sdk, &config.hubspot_token_secret_arn).await?;
    let hubspot = HubSpotClient::new(ClientConfig::new(token).with_base_url(config.hubspot_api_base_url.clone()))?;
    let mut pc_config = PartnerCentralConfig::new(config.catalog);
    pc_config.assume_role = config.partner_central_role_arn.clone().map(|role_arn| AssumeRole {
        role_arn,
        external_id: config.partner_central_external_id.clone(),
        session_name: None,
    });
    let partner_central = PartnerCentral::new(sdk, pc_config).await;
    let metrics = Arc::new(Metrics::new(config.metrics_namespace.clone()));
    let services = Services {
        hubspot,
        partner_central,
        metrics,
    };
    let app = App::configure(Arc::new(services), &config, sdk);
    let settings = &config.sync_settings;
    tracing::info!(mode = ?settings.mode, canary_live_percent = settings.canary_live_percent,
        shadow_records_bucket = config.shadow_records_bucket.as_deref().unwrap_or(""), "cold start complete");
    Ok(app)
}

/// The router with every handler of this build, with the default settings.
pub fn default_router(services: &Arc<Services>) -> Router {
    Handlers::from_settings(services.clone(), Arc::default())
}

/// The warm part of the function: engine plus shared services.
#[derive(Debug)]
pub struct App {
    engine: BatchEngine<SyncProcessor>,
    services: Arc<Services>,
    shadow: Option<Arc<Recorder>>,
}

impl App {
    /// An app with every handler, configured by `config.sync_settings`, without a shadow record store: in shadow
    /// mode deals outside the canary still never write, but their planned writes are not stored (use
    /// [`App::configure`] for a complete shadow mode).
    pub fn new(services: Arc<Services>, config: &Config) -> Self {
        let router = Handlers::from_settings(services.clone(), config.sync_settings.clone());
        Self::with_router(services, router, config)
    }

    /// The app as the Lambda runs it, from configuration only: live mode is [`App::new`]; shadow mode wraps every
    /// handler in [`ShadowRecording`] storing into `SHADOW_RECORDS_BUCKET` through an S3 client built from `sdk`
    /// (no network at construction).
    pub fn configure(services: Arc<Services>, config: &Config, sdk: &aws_config::SdkConfig) -> Self {
        let settings = config.sync_settings.clone();
        let bucket = config.shadow_records_bucket.as_deref().filter(|_| settings.is_shadow());
        let Some(bucket) = bucket else {
            return Self::new(services, config);
        };
        let recorder = Arc::new(Recorder::new(
            ShadowStore::new(sdk, bucket),
            config.metrics_namespace.clone(),
            settings.canary_live_percent,
        ));
        let live = services.clone();
        let shared = recorder.clone();
        let router = Handlers::from_settings(services.clone(), settings)
            .map_handlers(move |handler| Arc::new(ShadowRecording::new(handler, live.clone(), shared.clone())));
        let mut app = Self::with_router(services, router, config);
        app.shadow = Some(recorder);
        app
    }

    /// An app with a custom router (tests, or issue 5 swapping handlers).
    pub fn with_router(services: Arc<Services>, router: Router, config: &Config) -> Self {
        let engine = BatchEngine::new(
            SyncProcessor::new(router),
            EngineConfig {
                max_receive_count: config.max_receive_count,
                ..EngineConfig::default()
            },
        );
        Self {
            engine,
            services,
            shadow: None,
        }
    }

    /// The shared services.
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// The shadow recorder (store and shadow metrics) when the app runs in shadow mode.
    pub fn shadow_recorder(&self) -> Option<&Arc<Recorder>> {
        self.shadow.as_ref()
    }

    /// Runs a batch, records its metrics, and returns the report (metrics are left in the collector).
    pub async fn run_batch(&self, event: &SqsEvent, deadline: Option<Instant>) -> Result<BatchReport, RecordError> {
        let run = self.engine.run(event, deadline);
        let report = match self.shadow {
            Some(_) => session::with_batch(event, run).await?,
            None => run.await?,
        };
        self.services.metrics.record_batch(&report);
        Ok(report)
    }

    /// The Lambda handler: runs the batch within the invocation deadline, prints the EMF metrics, answers with the
    /// failed message ids. Only a record without a messageId fails the invocation.
    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, lambda_runtime::Error> {
        let remaining = event
            .context
            .deadline()
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO);
        let deadline = Instant::now() + remaining;
        let result = self.run_batch(&event.payload, Some(deadline)).await;
        emit(&self.services.metrics.flush());
        if let Some(recorder) = &self.shadow {
            emit(&recorder.metrics().flush_at(now_ms()));
        }
        match result {
            Ok(report) => Ok(report.response()),
            Err(e) => {
                tracing::error!(request_id = %event.context.request_id, error = %e, "invalid batch; failing the invocation");
                Err(e.into())
            }
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Writes EMF lines to stdout (CloudWatch Logs extracts the metrics).
pub fn emit(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        // Metrics are best effort: a closed stdout must not fail the invocation.
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// JSON log lines (`RUST_LOG` filter, default `info`), flattened so fields are top-level keys.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_secret_arn() {
        assert_eq!(
            arn_region("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:secretsmanager::123456789012:secret:x"), None);
        assert_eq!(arn_region("not-an-arn"), None);
    }
}
