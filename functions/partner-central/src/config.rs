//! Client configuration: catalog, endpoint override, optional assume-role (role ARN + external id), retry and
//! timeout settings, write spacing and the conflict-retry bound; and building the SDK client from an `SdkConfig`
//! (always in us-east-1, whatever region the caller runs in).

use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_partnercentralselling::config::Region;

use crate::error::PcError;
use hubspot::shadow::WriteMode;

/// Partner Central is only served from us-east-1.
pub const PARTNER_CENTRAL_REGION: &str = "us-east-1";

/// The Partner Central catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Catalog {
    Aws,
    Sandbox,
}

impl Catalog {
    pub fn as_str(self) -> &'static str {
        match self {
            Catalog::Aws => "AWS",
            Catalog::Sandbox => "Sandbox",
        }
    }
}

impl std::str::FromStr for Catalog {
    type Err = PcError;
    fn from_str(s: &str) -> Result<Catalog, PcError> {
        match s {
            "AWS" => Ok(Catalog::Aws),
            "Sandbox" => Ok(Catalog::Sandbox),
            other => Err(PcError::InvalidArgument(format!(
                "catalog must be AWS or Sandbox, got {other:?}"
            ))),
        }
    }
}

/// A caller-chosen, deterministic idempotency token (1-255 characters). The SDK's random default is never used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientToken(String);

impl ClientToken {
    /// Validate a token (1..=255 characters).
    pub fn new(token: impl Into<String>) -> Result<ClientToken, PcError> {
        let token = token.into();
        let n = token.chars().count();
        if (1..=255).contains(&n) {
            Ok(ClientToken(token))
        } else {
            Err(PcError::InvalidArgument(format!(
                "ClientToken must be 1-255 characters, got {n}"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Assume-role settings for cross-account access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    /// Defaults to `hubspot-partner-central-sync`.
    pub session_name: Option<String>,
}

/// Environment variable: `AWS` or `Sandbox` (required).
pub const ENV_CATALOG: &str = "PARTNER_CENTRAL_CATALOG";
/// Environment variable: role to assume for Partner Central calls (optional).
pub const ENV_ROLE_ARN: &str = "PARTNER_CENTRAL_ROLE_ARN";
/// Environment variable: external id for the assume-role call (optional; only with the role ARN).
pub const ENV_EXTERNAL_ID: &str = "PARTNER_CENTRAL_EXTERNAL_ID";

/// Settings of a [`crate::PartnerCentral`] client.
#[derive(Debug, Clone)]
pub struct PartnerCentralConfig {
    pub catalog: Catalog,
    /// Explicit endpoint (tests, local servers). Without it the SDK resolves the endpoint, honouring
    /// `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING` / `AWS_ENDPOINT_URL` through the `SdkConfig`.
    pub endpoint_url: Option<String>,
    pub assume_role: Option<AssumeRole>,
    /// Attempts per call, first included, for throttling, 5xx, timeouts and network errors. The client retries
    /// itself (the SDK's retry is off) so every attempt of a write passes the write limiter. Default 3.
    pub max_attempts: u32,
    /// Initial backoff between attempts (doubling, with jitter, capped at 20 s). Default 1 s.
    pub initial_backoff: Duration,
    /// Minimum spacing between write attempts of this instance (retried attempts included); the limiter adds 5 %
    /// for latency jitter. Default 1 s.
    pub write_interval: Duration,
    /// Optional minimum spacing between read attempts (Get/List*), e.g. 100 ms for 10 reads/s in reconciliation.
    /// Default `None`: reads are not limited.
    pub read_interval: Option<Duration>,
    /// Live (default) or shadow: writes recorded in a [`crate::WriteLog`] instead of being sent.
    pub write_mode: WriteMode,
    /// Extra UpdateOpportunity attempts after a ConflictException (re-get, re-merge). Default 3.
    pub conflict_retries: u32,
    /// Per-attempt timeout. Default 10 s.
    pub attempt_timeout: Duration,
    /// Timeout of one SDK call (one attempt, since the client retries itself). Default 30 s.
    pub operation_timeout: Duration,
}

impl PartnerCentralConfig {
    pub fn new(catalog: Catalog) -> PartnerCentralConfig {
        PartnerCentralConfig {
            catalog,
            endpoint_url: None,
            assume_role: None,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            write_interval: Duration::from_secs(1),
            read_interval: None,
            write_mode: WriteMode::Live,
            conflict_retries: 3,
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
        }
    }
}

impl PartnerCentralConfig {
    /// Settings from the process environment (see [`PartnerCentralConfig::from_lookup`]).
    pub fn from_env() -> Result<PartnerCentralConfig, PcError> {
        PartnerCentralConfig::from_lookup(|k| std::env::var(k).ok())
    }

    /// Settings from `PARTNER_CENTRAL_CATALOG` (required), `PARTNER_CENTRAL_ROLE_ARN` and
    /// `PARTNER_CENTRAL_EXTERNAL_ID` (optional) read through `get`; empty values count as unset. Endpoint overrides
    /// come from the standard `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING` via the `SdkConfig`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<PartnerCentralConfig, PcError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let catalog: Catalog = get(ENV_CATALOG).ok_or(PcError::MissingSetting(ENV_CATALOG))?.parse()?;
        let mut cfg = PartnerCentralConfig::new(catalog);
        match (get(ENV_ROLE_ARN), get(ENV_EXTERNAL_ID)) {
            (Some(role_arn), external_id) => {
                cfg.assume_role = Some(AssumeRole {
                    role_arn,
                    external_id,
                    session_name: None,
                });
            }
            (None, Some(_)) => return Err(PcError::MissingSetting(ENV_ROLE_ARN)),
            (None, None) => {}
        }
        Ok(cfg)
    }
}

/// Build the SDK client: region forced to us-east-1, SDK retry off (the client retries), timeouts, optional endpoint override, and
/// optional assume-role credentials. The assume-role provider is wrapped by the SDK's default lazy identity cache,
/// which reuses credentials until shortly before they expire and then refreshes them.
pub async fn build_sdk_client(sdk: &SdkConfig, cfg: &PartnerCentralConfig) -> aws_sdk_partnercentralselling::Client {
    let mut builder = aws_sdk_partnercentralselling::config::Builder::from(sdk)
        .region(Region::from_static(PARTNER_CENTRAL_REGION))
        // Retries are made by `PartnerCentral` itself (each write attempt takes a write-limiter slot).
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(cfg.attempt_timeout)
                .operation_timeout(cfg.operation_timeout)
                .build(),
        );
    if let Some(url) = &cfg.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    if let Some(role) = &cfg.assume_role {
        let mut provider = AssumeRoleProvider::builder(role.role_arn.clone())
            .session_name(
                role.session_name
                    .clone()
                    .unwrap_or_else(|| "hubspot-partner-central-sync".to_string()),
            )
            .configure(sdk);
        if let Some(ext) = &role.external_id {
            provider = provider.external_id(ext.clone());
        }
        builder = builder.credentials_provider(provider.build().await);
    }
    aws_sdk_partnercentralselling::Client::from_conf(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn settings_from_environment() {
        let cfg = PartnerCentralConfig::from_lookup(lookup(&[(ENV_CATALOG, "AWS")])).unwrap();
        assert_eq!(cfg.catalog, Catalog::Aws);
        assert!(cfg.assume_role.is_none());
        let cfg = PartnerCentralConfig::from_lookup(lookup(&[
            (ENV_CATALOG, "Sandbox"),
            (ENV_ROLE_ARN, "arn:aws:iam::123456789012:role/pc"),
            (ENV_EXTERNAL_ID, "ext"),
        ]))
        .unwrap();
        let role = cfg.assume_role.unwrap();
        assert_eq!(
            (role.role_arn.as_str(), role.external_id.as_deref()),
            ("arn:aws:iam::123456789012:role/pc", Some("ext"))
        );
    }

    #[test]
    fn missing_or_bad_settings_are_named() {
        let err = PartnerCentralConfig::from_lookup(lookup(&[(ENV_CATALOG, " ")])).unwrap_err();
        assert!(err.to_string().contains(ENV_CATALOG), "{err}");
        let err = PartnerCentralConfig::from_lookup(lookup(&[(ENV_CATALOG, "aws")])).unwrap_err();
        assert!(err.to_string().contains("AWS or Sandbox"), "{err}");
        let err =
            PartnerCentralConfig::from_lookup(lookup(&[(ENV_CATALOG, "AWS"), (ENV_EXTERNAL_ID, "x")])).unwrap_err();
        assert!(err.to_string().contains(ENV_ROLE_ARN), "{err}");
        assert_eq!(err.class(), crate::ErrorClass::Config);
    }
}
