//! Cold start and the Lambda loop: configuration, SDK clients and the webhook secret are loaded once; each
//! invocation runs [`Receipt::handle`], prints one EMF metrics line and returns the API Gateway response.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_lambda_events::apigw::ApiGatewayProxyRequest;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use lambda_runtime::{LambdaEvent, service_fn};
use sync_events::WebhookVerifier;

use crate::config::{Config, ConfigError, ENV_PUBLIC_URL, ENV_SECRET_ARN, SignatureMode};
use crate::handler::{Receipt, correlation_id};
use crate::intake::Auth;
use crate::metrics::DEFAULT_NAMESPACE;

/// Why the cold start failed (the Lambda init fails with this message).
#[derive(Debug, thiserror::Error)]
pub enum ColdStartError {
    /// Bad or missing environment.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// GetSecretValue failed.
    #[error("could not read the secret named by {ENV_SECRET_ARN}: {0}")]
    Secret(String),
    /// The secret has no SecretString or it is empty.
    #[error("the secret named by {ENV_SECRET_ARN} has no (non-empty) SecretString")]
    EmptySecret,
    /// The verifier rejected the public URL.
    #[error("{ENV_PUBLIC_URL}: {0}")]
    PublicUrl(sync_events::signature::SignatureConfigError),
}

/// The SQS client: no SDK-level retries (the enqueue layer retries, bounded) and short timeouts, so one request
/// stays well inside HubSpot's 5 s delivery timeout.
pub fn sqs_client(sdk: &SdkConfig) -> aws_sdk_sqs::Client {
    let conf = aws_sdk_sqs::config::Builder::from(sdk)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_millis(500))
                .operation_attempt_timeout(Duration::from_millis(1500))
                .build(),
        )
        .build();
    aws_sdk_sqs::Client::from_conf(conf)
}

/// Builds the receipt: fetches the webhook secret (verify mode) and creates the SQS client.
pub async fn build_receipt(config: Config, sdk: &SdkConfig) -> Result<Receipt, ColdStartError> {
    let auth = match &config.signature {
        SignatureMode::Verify { secret_arn, public_url } => {
            let sm = aws_sdk_secretsmanager::Client::new(sdk);
            let out = sm
                .get_secret_value()
                .secret_id(secret_arn)
                .send()
                .await
                .map_err(|e| ColdStartError::Secret(DisplayErrorContext(&e).to_string()))?;
            let secret = out
                .secret_string()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or(ColdStartError::EmptySecret)?;
            Auth::Verify(WebhookVerifier::new(secret, public_url).map_err(ColdStartError::PublicUrl)?)
        }
        SignatureMode::UnsignedDev => Auth::UnsignedDev,
    };
    Ok(Receipt::new(config, auth, sqs_client(sdk)))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// JSON-lines logs on stdout (level from `RUST_LOG`, default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .try_init();
}

/// The whole binary: logging, cold start, Lambda loop.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    init_logging();
    let config = Config::from_env()?;
    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let receipt = Arc::new(build_receipt(config, &sdk).await?);
    if matches!(receipt.config().signature, SignatureMode::UnsignedDev) {
        tracing::warn!("HUBSPOT_WEBHOOK_UNSIGNED_DEV is set: signatures are NOT verified (local development only)");
    }
    let namespace: Arc<str> = std::env::var(crate::config::ENV_METRICS_NAMESPACE)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned())
        .into();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<ApiGatewayProxyRequest>| {
        let (receipt, namespace) = (Arc::clone(&receipt), Arc::clone(&namespace));
        async move {
            let now = now_ms();
            let outcome = receipt.handle(&event.payload, now).await;
            println!(
                "{}",
                outcome.metrics.to_emf(&namespace, now, &correlation_id(&event.payload))
            );
            Ok::<_, lambda_runtime::Error>(outcome.response)
        }
    }))
    .await
}
