//! The SDK configuration the two functions get locally: one `SdkConfig` whose per-service endpoints point SQS and
//! Secrets Manager at moto and Partner Central Selling at the local server (or, when unset, at the real service),
//! exactly as `AWS_ENDPOINT_URL_<SERVICE>` would in a Lambda environment, without touching the process environment.

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};

/// SDK service id of SQS (as the generated clients ask for it).
pub const SERVICE_SQS: &str = "SQS";
/// SDK service id of Secrets Manager.
pub const SERVICE_SECRETS_MANAGER: &str = "Secrets Manager";
/// SDK service id of Partner Central Selling.
pub const SERVICE_PARTNER_CENTRAL: &str = "PartnerCentral Selling";
/// SDK service id of S3 (shadow records).
pub const SERVICE_S3: &str = "S3";
/// SDK service id of STS (Partner Central assume-role).
pub const SERVICE_STS: &str = "STS";

/// Endpoint URL per SDK service id; services not listed resolve normally (real AWS).
#[derive(Debug, Clone, Default)]
pub struct ServiceEndpoints(BTreeMap<String, String>);

impl ServiceEndpoints {
    /// Routes `service_id` (e.g. [`SERVICE_SQS`]) to `url`.
    pub fn with(mut self, service_id: &str, url: &str) -> Self {
        self.0
            .insert(service_id.to_owned(), url.trim_end_matches('/').to_owned());
        self
    }

    /// The endpoint of `service_id`, if overridden.
    pub fn get(&self, service_id: &str) -> Option<&str> {
        self.0.get(service_id).map(String::as_str)
    }
}

impl LoadServiceConfig for ServiceEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        if key.env() == "AWS_ENDPOINT_URL" {
            self.0.get(key.service_id()).cloned()
        } else {
            None
        }
    }
}

/// Where credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// Static dummy keys (moto and the local servers accept anything).
    Dummy,
    /// The SDK's default chain (environment, profile, SSO...): needed for the real Partner Central Sandbox.
    DefaultChain,
}

/// An `SdkConfig` in `region` with the given per-service endpoints.
pub async fn sdk_config(region: &str, credentials: CredentialSource, endpoints: ServiceEndpoints) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned()));
    if credentials == CredentialSource::Dummy {
        loader = loader.credentials_provider(Credentials::new("local", "local", None, None, "local-pipeline"));
    }
    loader.load().await.into_builder().service_config(endpoints).build()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key<'a>(service: &'a str, env: &'a str) -> ServiceConfigKey<'a> {
        ServiceConfigKey::builder()
            .service_id(service)
            .env(env)
            .profile("endpoint_url")
            .build()
            .unwrap()
    }

    #[test]
    fn each_service_gets_its_own_endpoint() {
        let endpoints = ServiceEndpoints::default()
            .with(SERVICE_SQS, "http://127.0.0.1:1/")
            .with(SERVICE_PARTNER_CENTRAL, "http://127.0.0.1:2");
        assert_eq!(
            endpoints.load_config(key(SERVICE_SQS, "AWS_ENDPOINT_URL")).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            endpoints
                .load_config(key(SERVICE_PARTNER_CENTRAL, "AWS_ENDPOINT_URL"))
                .as_deref(),
            Some("http://127.0.0.1:2")
        );
        assert_eq!(
            endpoints.load_config(key(SERVICE_SECRETS_MANAGER, "AWS_ENDPOINT_URL")),
            None
        );
        assert_eq!(endpoints.load_config(key(SERVICE_SQS, "AWS_OTHER_SETTING")), None);
    }
}
