//! Processor configuration, read once per cold start from the environment. A missing or invalid setting fails the
//! cold start with an error naming the variable.
//!
//! | variable | required | meaning |
//! |---|---|---|
//! | `HUBSPOT_ACCESS_TOKEN_SECRET_ARN` | yes | Secrets Manager secret whose SecretString is the private-app token |
//! | `HUBSPOT_API_BASE_URL` | no | HubSpot API base URL (default `https://api.hubapi.com`) |
//! | `PARTNER_CENTRAL_CATALOG` | yes | `AWS` or `Sandbox` |
//! | `PARTNER_CENTRAL_ROLE_ARN` | no | role to assume for Partner Central (credentials cached and refreshed) |
//! | `PARTNER_CENTRAL_EXTERNAL_ID` | no | external id for that role (only with a role) |
//! | `SYNC_QUEUE_MAX_RECEIVE_COUNT` | no | the source queue's maxReceiveCount (lets a poison record stop holding its group on its last delivery) |
//! | `METRICS_NAMESPACE` | no | CloudWatch namespace of the EMF metrics (default `HubSpotPartnerCentralSync`; synth sets `HubSpotPartnerCentralSync/<env>`) |
//! | `SYNC_SETTINGS` | no | compact JSON [`SyncSettings`] (mode, canary, app id, solutions, property names, mapping); absent = defaults |
//! | `SHADOW_RECORDS_BUCKET` | in shadow mode | S3 bucket of the shadow records |
//!
//! Empty values count as unset. The standard AWS SDK variables (`AWS_REGION`, credentials,
//! `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`) are read by the SDK itself.

use std::sync::Arc;

pub use deal_mapping::{SyncMode, SyncProperties, SyncSettings};
pub use partner_central::Catalog;

use crate::metrics::DEFAULT_NAMESPACE;

/// Default HubSpot API base URL.
pub const DEFAULT_HUBSPOT_API_BASE_URL: &str = "https://api.hubapi.com";

/// Variable names.
pub mod vars {
    /// Secrets Manager secret holding the HubSpot token.
    pub const HUBSPOT_ACCESS_TOKEN_SECRET_ARN: &str = "HUBSPOT_ACCESS_TOKEN_SECRET_ARN";
    /// HubSpot API base URL.
    pub const HUBSPOT_API_BASE_URL: &str = "HUBSPOT_API_BASE_URL";
    /// Partner Central catalog.
    pub const PARTNER_CENTRAL_CATALOG: &str = "PARTNER_CENTRAL_CATALOG";
    /// Role to assume for Partner Central.
    pub const PARTNER_CENTRAL_ROLE_ARN: &str = "PARTNER_CENTRAL_ROLE_ARN";
    /// External id of that role.
    pub const PARTNER_CENTRAL_EXTERNAL_ID: &str = "PARTNER_CENTRAL_EXTERNAL_ID";
    /// The source queue's maxReceiveCount.
    pub const SYNC_QUEUE_MAX_RECEIVE_COUNT: &str = "SYNC_QUEUE_MAX_RECEIVE_COUNT";
    /// Metrics namespace.
    pub const METRICS_NAMESPACE: &str = "METRICS_NAMESPACE";
    /// The sync settings (compact JSON, see `deal_mapping::SyncSettings`).
    pub const SYNC_SETTINGS: &str = "SYNC_SETTINGS";
    /// S3 bucket of shadow records (required in shadow mode).
    pub const SHADOW_RECORDS_BUCKET: &str = "SHADOW_RECORDS_BUCKET";
}

/// A configuration problem, naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is unset or empty.
    #[error("missing required environment variable {name}")]
    Missing {
        /// Variable name.
        name: &'static str,
    },
    /// A variable has an unusable value (the value itself is not echoed).
    #[error("invalid environment variable {name}: {reason}")]
    Invalid {
        /// Variable name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// The processor settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// ARN of the secret holding the HubSpot token.
    pub hubspot_token_secret_arn: String,
    /// HubSpot API base URL, without a trailing slash.
    pub hubspot_api_base_url: String,
    /// Partner Central catalog.
    pub catalog: Catalog,
    /// Role to assume for Partner Central calls.
    pub partner_central_role_arn: Option<String>,
    /// External id for that role.
    pub partner_central_external_id: Option<String>,
    /// The source queue's maxReceiveCount, when known.
    pub max_receive_count: Option<u32>,
    /// CloudWatch namespace for metrics.
    pub metrics_namespace: String,
    /// The sync settings (`SYNC_SETTINGS`; defaults when unset).
    pub sync_settings: Arc<SyncSettings>,
    /// S3 bucket of shadow records (`SHADOW_RECORDS_BUCKET`); always set in shadow mode.
    pub shadow_records_bucket: Option<String>,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing { name });

        let hubspot_token_secret_arn = required(vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN)?;
        check_arn(
            vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN,
            &hubspot_token_secret_arn,
            ":secretsmanager:",
        )?;

        let hubspot_api_base_url = get(vars::HUBSPOT_API_BASE_URL)
            .unwrap_or_else(|| DEFAULT_HUBSPOT_API_BASE_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        if !(hubspot_api_base_url.starts_with("https://") || hubspot_api_base_url.starts_with("http://"))
            || hubspot_api_base_url.contains(char::is_whitespace)
        {
            return Err(invalid(vars::HUBSPOT_API_BASE_URL, "must be an http(s) URL"));
        }

        let catalog = match required(vars::PARTNER_CENTRAL_CATALOG)?.as_str() {
            "AWS" => Catalog::Aws,
            "Sandbox" => Catalog::Sandbox,
            _ => return Err(invalid(vars::PARTNER_CENTRAL_CATALOG, "must be AWS or Sandbox")),
        };

        let partner_central_role_arn = get(vars::PARTNER_CENTRAL_ROLE_ARN);
        if let Some(arn) = &partner_central_role_arn {
            check_arn(vars::PARTNER_CENTRAL_ROLE_ARN, arn, ":iam::")?;
            if !arn.contains(":role/") {
                return Err(invalid(vars::PARTNER_CENTRAL_ROLE_ARN, "must be an IAM role ARN"));
            }
        }
        let partner_central_external_id = get(vars::PARTNER_CENTRAL_EXTERNAL_ID);
        if partner_central_external_id.is_some() && partner_central_role_arn.is_none() {
            return Err(invalid(
                vars::PARTNER_CENTRAL_EXTERNAL_ID,
                "is set but PARTNER_CENTRAL_ROLE_ARN is not",
            ));
        }
        if let Some(id) = &partner_central_external_id
            && !(2..=1224).contains(&id.len())
        {
            return Err(invalid(
                vars::PARTNER_CENTRAL_EXTERNAL_ID,
                "must be 2 to 1224 characters",
            ));
        }

        let max_receive_count = match get(vars::SYNC_QUEUE_MAX_RECEIVE_COUNT) {
            None => None,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Some(n),
                _ => {
                    return Err(invalid(
                        vars::SYNC_QUEUE_MAX_RECEIVE_COUNT,
                        "must be an integer in 1..=1000",
                    ));
                }
            },
        };
        let metrics_namespace = get(vars::METRICS_NAMESPACE).unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());

        let sync_settings =
            SyncSettings::parse(get(vars::SYNC_SETTINGS).as_deref()).map_err(|e| ConfigError::Invalid {
                name: vars::SYNC_SETTINGS,
                reason: e.to_string(),
            })?;
        let shadow_records_bucket = get(vars::SHADOW_RECORDS_BUCKET);
        if let Some(bucket) = &shadow_records_bucket
            && !is_bucket_name(bucket)
        {
            return Err(invalid(
                vars::SHADOW_RECORDS_BUCKET,
                "must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-')",
            ));
        }
        if sync_settings.is_shadow() && shadow_records_bucket.is_none() {
            return Err(ConfigError::Missing {
                name: vars::SHADOW_RECORDS_BUCKET,
            });
        }

        Ok(Self {
            hubspot_token_secret_arn,
            hubspot_api_base_url,
            catalog,
            partner_central_role_arn,
            partner_central_external_id,
            max_receive_count,
            metrics_namespace,
            sync_settings: Arc::new(sync_settings),
            shadow_records_bucket,
        })
    }
}

/// An S3 bucket name: 3-63 characters, lowercase letters, digits, `.` and `-`, starting and ending alphanumeric.
fn is_bucket_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge(name.chars().next())
        && edge(name.chars().last())
}

fn invalid(name: &'static str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.to_owned(),
    }
}

fn check_arn(name: &'static str, value: &str, service: &str) -> Result<(), ConfigError> {
    if value.starts_with("arn:") && value.contains(service) {
        Ok(())
    } else {
        Err(invalid(name, &format!("must be an ARN containing {service:?}")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hubspot-token-AbCdEf";
    const ROLE: &str = "arn:aws:iam::123456789012:role/PartnerCentralSync";

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![
            (vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN, SECRET),
            (vars::PARTNER_CENTRAL_CATALOG, "Sandbox"),
        ]
    }

    #[test]
    fn minimal_config_uses_defaults() {
        let c = load(&minimal()).unwrap();
        assert_eq!(c.hubspot_api_base_url, DEFAULT_HUBSPOT_API_BASE_URL);
        assert_eq!(c.catalog, Catalog::Sandbox);
        assert_eq!(c.partner_central_role_arn, None);
        assert_eq!(c.max_receive_count, None);
        assert_eq!(c.metrics_namespace, DEFAULT_NAMESPACE);
    }

    #[test]
    fn full_config() {
        let mut pairs = minimal();
        pairs.extend([
            (vars::HUBSPOT_API_BASE_URL, "http://127.0.0.1:8080/"),
            (vars::PARTNER_CENTRAL_CATALOG, "AWS"),
            (vars::PARTNER_CENTRAL_ROLE_ARN, ROLE),
            (vars::PARTNER_CENTRAL_EXTERNAL_ID, "ext-123"),
            (vars::SYNC_QUEUE_MAX_RECEIVE_COUNT, "5"),
            (vars::METRICS_NAMESPACE, "Sync/Test"),
        ]);
        let c = load(&pairs).unwrap();
        assert_eq!(c.hubspot_api_base_url, "http://127.0.0.1:8080");
        assert_eq!(c.catalog, Catalog::Aws);
        assert_eq!(c.partner_central_role_arn.as_deref(), Some(ROLE));
        assert_eq!(c.partner_central_external_id.as_deref(), Some("ext-123"));
        assert_eq!(c.max_receive_count, Some(5));
        assert_eq!(c.metrics_namespace, "Sync/Test");
    }

    #[test]
    fn each_missing_required_variable_is_named() {
        for name in [vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN, vars::PARTNER_CENTRAL_CATALOG] {
            for value in [None, Some(""), Some("   ")] {
                let mut pairs: Vec<_> = minimal().into_iter().filter(|(k, _)| *k != name).collect();
                if let Some(v) = value {
                    pairs.push((name, v));
                }
                let err = load(&pairs).unwrap_err();
                assert_eq!(err, ConfigError::Missing { name });
                assert!(err.to_string().contains(name));
            }
        }
    }

    #[test]
    fn invalid_values_are_named_without_echoing_them() {
        let cases: [(&str, &str); 8] = [
            (vars::PARTNER_CENTRAL_CATALOG, "aws"),
            (vars::PARTNER_CENTRAL_CATALOG, "Production"),
            (vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN, "pat-na1-secret-token"),
            (vars::HUBSPOT_API_BASE_URL, "api.hubapi.com"),
            (vars::PARTNER_CENTRAL_ROLE_ARN, "arn:aws:iam::123456789012:user/someone"),
            (vars::SYNC_QUEUE_MAX_RECEIVE_COUNT, "-1"),
            (vars::SYNC_QUEUE_MAX_RECEIVE_COUNT, "three"),
            (vars::METRICS_NAMESPACE, ""),
        ];
        for (name, value) in cases {
            let mut pairs: Vec<_> = minimal().into_iter().filter(|(k, _)| *k != name).collect();
            pairs.push((name, value));
            let result = load(&pairs);
            if name == vars::METRICS_NAMESPACE {
                assert!(result.is_ok(), "empty optional values count as unset");
                continue;
            }
            let err = result.unwrap_err();
            assert!(
                matches!(&err, ConfigError::Invalid { name: n, .. } if *n == name),
                "{name}={value}: {err}"
            );
            assert!(!err.to_string().contains(value), "the value is not echoed: {err}");
        }
    }

    #[test]
    fn sync_settings_default_and_parsed() {
        let c = load(&minimal()).unwrap();
        assert_eq!(*c.sync_settings, SyncSettings::default());
        assert_eq!(c.shadow_records_bucket, None);
        let mut pairs = minimal();
        pairs.push((
            vars::SYNC_SETTINGS,
            r#"{"mode":"shadow","canary_live_percent":10,"solutions":["S-0000001"]}"#,
        ));
        pairs.push((vars::SHADOW_RECORDS_BUCKET, "sync-shadow-records"));
        let c = load(&pairs).unwrap();
        assert_eq!(c.sync_settings.mode, SyncMode::Shadow);
        assert_eq!(c.sync_settings.canary_live_percent, 10);
        assert_eq!(c.sync_settings.solutions, ["S-0000001"]);
        assert_eq!(c.shadow_records_bucket.as_deref(), Some("sync-shadow-records"));
    }

    #[test]
    fn sync_settings_errors_name_the_variable_and_key() {
        for (text, key) in [
            (r#"{"mood":"live"}"#, "mood"),
            (r#"{"canary_live_percent":150}"#, "canary_live_percent"),
            (r#"{"mapping":{"default_currency":"XXX"}}"#, "mapping.default_currency"),
        ] {
            let mut pairs = minimal();
            pairs.push((vars::SYNC_SETTINGS, text));
            let err = load(&pairs).unwrap_err();
            assert!(
                matches!(&err, ConfigError::Invalid { name, .. } if *name == vars::SYNC_SETTINGS),
                "{err}"
            );
            assert!(err.to_string().contains(key), "{err}");
        }
    }

    #[test]
    fn shadow_mode_needs_the_records_bucket() {
        let mut pairs = minimal();
        pairs.push((vars::SYNC_SETTINGS, r#"{"mode":"shadow"}"#));
        assert_eq!(
            load(&pairs).unwrap_err(),
            ConfigError::Missing {
                name: vars::SHADOW_RECORDS_BUCKET
            }
        );
        pairs.push((vars::SHADOW_RECORDS_BUCKET, "Not_A_Bucket"));
        assert!(matches!(
            load(&pairs),
            Err(ConfigError::Invalid {
                name: vars::SHADOW_RECORDS_BUCKET,
                ..
            })
        ));
        // Live mode does not need it (but accepts one, e.g. left over from a shadow run).
        let mut live = minimal();
        live.push((vars::SHADOW_RECORDS_BUCKET, "sync-shadow-records"));
        assert!(load(&live).is_ok());
    }

    #[test]
    fn external_id_requires_a_role() {
        let mut pairs = minimal();
        pairs.push((vars::PARTNER_CENTRAL_EXTERNAL_ID, "ext-123"));
        assert!(matches!(
            load(&pairs),
            Err(ConfigError::Invalid {
                name: vars::PARTNER_CENTRAL_EXTERNAL_ID,
                ..
            })
        ));
    }
}
