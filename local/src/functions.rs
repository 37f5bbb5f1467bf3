//! The two functions of a local run, configured exactly as the stack configures them: their environment
//! variables are read by their real configuration code and cold start. The receipt is served behind the local
//! API Gateway; the processor is returned for the event source mapping emulator.

use std::collections::HashMap;

use aws_config::SdkConfig;
use event_processor::runtime::{App, cold_start_with};

use crate::gateway::Gateway;
use crate::options::{Options, PartnerCentralTarget, StartError};

/// Binds the local API Gateway and serves the receipt behind it; returns it with the URL signatures are
/// verified against (the configured public URL, else the local one).
pub(crate) async fn start_receipt(
    options: &Options,
    sdk: &SdkConfig,
    queue_url: &str,
    webhook_secret_arn: String,
) -> Result<(Gateway, String), StartError> {
    // Bind first, because the signed public URL contains the port.
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
        (webhook_receipt::config::ENV_QUEUE_URL, queue_url.to_owned()),
        (webhook_receipt::config::ENV_SECRET_ARN, webhook_secret_arn),
        (webhook_receipt::config::ENV_PUBLIC_URL, public_url.clone()),
        (webhook_receipt::config::ENV_PORTAL_IDS, portal_ids),
    ]);
    let receipt_config = webhook_receipt::Config::from_lookup(|k| receipt_env.get(k).cloned())
        .map_err(|e| StartError::Receipt(e.to_string()))?;
    let receipt = webhook_receipt::runtime::build_receipt(receipt_config, sdk)
        .await
        .map_err(|e| StartError::Receipt(e.to_string()))?;
    let gateway = Gateway::serve(listener, receipt, options.sink.clone())?;
    Ok((gateway, public_url))
}

/// Cold-starts the processor with the variables the stack sets.
pub(crate) async fn start_processor(
    options: &Options,
    sdk: &SdkConfig,
    token_arn: String,
    hubspot_base_url: String,
    shadow_bucket: Option<&str>,
) -> Result<App, StartError> {
    let mut processor_env: HashMap<&str, String> = HashMap::from([
        ("HUBSPOT_ACCESS_TOKEN_SECRET_ARN", token_arn),
        ("HUBSPOT_API_BASE_URL", hubspot_base_url),
        ("PARTNER_CENTRAL_CATALOG", "Sandbox".to_owned()),
        ("SYNC_QUEUE_MAX_RECEIVE_COUNT", options.max_receive_count.to_string()),
    ]);
    if let Some(s) = &options.sync_settings {
        processor_env.insert("SYNC_SETTINGS", s.clone());
    }
    if let Some(b) = shadow_bucket {
        processor_env.insert("SHADOW_RECORDS_BUCKET", b.to_owned());
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
    cold_start_with(sdk, processor_config)
        .await
        .map_err(|e| StartError::Processor(e.to_string()))
}
