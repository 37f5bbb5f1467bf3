//! Configuration from the environment, read once per cold start. A missing required variable fails with its name.
//!
//! | variable | required | meaning |
//! |---|---|---|
//! | `SYNC_QUEUE_URL` | yes | URL of the SQS FIFO queue |
//! | `HUBSPOT_WEBHOOK_SECRET_ARN` | yes, unless unsigned dev mode | Secrets Manager secret; SecretString = HubSpot client secret |
//! | `WEBHOOK_PUBLIC_URL` | yes, unless unsigned dev mode | the exact URL HubSpot calls (signed URI) |
//! | `HUBSPOT_PORTAL_IDS` | no | comma-separated portal allow-list; events of other portals are ignored |
//! | `METRICS_NAMESPACE` | no | CloudWatch namespace of the EMF metrics (default `HubSpotPartnerCentralSync`; synth sets `HubSpotPartnerCentralSync/<env>`); read by the runtime |
//! | `HUBSPOT_WEBHOOK_UNSIGNED_DEV` | no | `1` = accept unsigned requests (local development only; warns per request) |
//!
//! The AWS SDK reads its standard variables itself (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL`).

use std::collections::BTreeSet;

/// Name of the queue URL variable.
pub const ENV_QUEUE_URL: &str = "SYNC_QUEUE_URL";
/// Name of the secret ARN variable.
pub const ENV_SECRET_ARN: &str = "HUBSPOT_WEBHOOK_SECRET_ARN";
/// Name of the public URL variable.
pub const ENV_PUBLIC_URL: &str = "WEBHOOK_PUBLIC_URL";
/// Name of the portal allow-list variable.
pub const ENV_PORTAL_IDS: &str = "HUBSPOT_PORTAL_IDS";
/// Name of the metrics namespace variable (read by the runtime, not part of [`Config`]).
pub const ENV_METRICS_NAMESPACE: &str = "METRICS_NAMESPACE";
/// Name of the unsigned development-mode switch.
pub const ENV_UNSIGNED_DEV: &str = "HUBSPOT_WEBHOOK_UNSIGNED_DEV";

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureMode {
    /// Verify HubSpot signatures with the secret from Secrets Manager against the public URL.
    Verify {
        /// ARN of the secret holding the HubSpot client secret.
        secret_arn: String,
        /// The exact URL HubSpot calls.
        public_url: String,
    },
    /// Local development only: no verification, a warning on every request.
    UnsignedDev,
}

/// The receipt's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// SQS FIFO queue URL.
    pub queue_url: String,
    /// Signature handling.
    pub signature: SignatureMode,
    /// Allowed portals; `None` = all.
    pub portal_ids: Option<BTreeSet<u64>>,
}

/// A configuration problem; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is unset or empty.
    #[error("required environment variable {0} is not set")]
    Missing(&'static str),
    /// A variable has an invalid value.
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid {
        /// Variable name.
        name: &'static str,
        /// What is wrong (never the value itself).
        reason: &'static str,
    },
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `lookup` (testable without touching the process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let require = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let queue_url = require(ENV_QUEUE_URL)?;
        let unsigned = match get(ENV_UNSIGNED_DEV).as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: ENV_UNSIGNED_DEV,
                    reason: "expected 1/true or 0/false",
                });
            }
        };
        let signature = if unsigned {
            if get(ENV_SECRET_ARN).is_some() {
                return Err(ConfigError::Invalid {
                    name: ENV_UNSIGNED_DEV,
                    reason: "unsigned dev mode cannot be combined with HUBSPOT_WEBHOOK_SECRET_ARN",
                });
            }
            SignatureMode::UnsignedDev
        } else {
            SignatureMode::Verify {
                secret_arn: require(ENV_SECRET_ARN)?,
                public_url: require(ENV_PUBLIC_URL)?,
            }
        };
        let portal_ids = match get(ENV_PORTAL_IDS) {
            None => None,
            Some(list) => {
                let ids = list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<u64>())
                    .collect::<Result<BTreeSet<u64>, _>>()
                    .map_err(|_| ConfigError::Invalid {
                        name: ENV_PORTAL_IDS,
                        reason: "expected comma-separated integers",
                    })?;
                if ids.is_empty() {
                    return Err(ConfigError::Invalid {
                        name: ENV_PORTAL_IDS,
                        reason: "empty allow-list",
                    });
                }
                Some(ids)
            }
        };
        Ok(Self {
            queue_url,
            signature,
            portal_ids,
        })
    }

    /// True when events of `portal_id` are accepted.
    pub fn portal_allowed(&self, portal_id: u64) -> bool {
        self.portal_ids.as_ref().is_none_or(|ids| ids.contains(&portal_id))
    }
}
