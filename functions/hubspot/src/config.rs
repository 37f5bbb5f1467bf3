//! Client configuration: base URL, private-app token (never printed), timeouts and retry policy.

use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::shadow::WriteMode;

/// The public HubSpot API.
pub const DEFAULT_BASE_URL: &str = "https://api.hubapi.com";

/// The environment variable the processor reads the base URL from (set by the stack; local servers in tests).
pub const BASE_URL_ENV: &str = "HUBSPOT_API_BASE_URL";

/// A bearer token whose `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token text, for building the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// Everything needed to build a [`crate::HubSpotClient`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash (default [`DEFAULT_BASE_URL`]).
    pub base_url: String,
    /// Private-app or OAuth access token.
    pub token: AccessToken,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of one request (each attempt), response body included.
    pub request_timeout: Duration,
    /// Retry rules.
    pub retry: RetryPolicy,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Live (default) or shadow (writes recorded in a [`crate::WriteLog`], not sent).
    pub write_mode: WriteMode,
}

impl ClientConfig {
    /// Defaults for the public API with this token: 3 s connect, 10 s per request, [`RetryPolicy::default`].
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: AccessToken::new(token),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: concat!("hubspot-ace-sync/", env!("CARGO_PKG_VERSION")).to_owned(),
            write_mode: WriteMode::Live,
        }
    }

    /// Uses another base URL (a local server, a proxy).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses the base URL from `HUBSPOT_API_BASE_URL` when set and non-empty.
    pub fn with_base_url_from_env(self) -> Self {
        match std::env::var(BASE_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => self.with_base_url(url.trim()),
            _ => self,
        }
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the per-request timeout.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the write mode (live, or shadow recording into a [`crate::WriteLog`]).
    pub fn with_write_mode(mut self, mode: WriteMode) -> Self {
        self.write_mode = mode;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let config = ClientConfig::new("pat-na1-secret");
        assert!(!format!("{config:?}").contains("secret"));
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
    }
}
