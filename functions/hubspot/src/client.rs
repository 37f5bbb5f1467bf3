//! The HubSpot HTTP transport: one reqwest (rustls) client per process, bearer auth, per-attempt timeouts, the retry
//! loop driven by [`RetryPolicy`], status-to-error mapping and per-call stats. Operations live in `ops.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::config::ClientConfig;
use crate::error::{ApiError, ApiErrorBody, HubSpotError};
use crate::retry::{Outcome, RetryPolicy};
use crate::shadow::{WriteLog, WriteMode};
use crate::stats::ClientStats;

/// A HubSpot CRM client; cheap to clone (clones share the connection pool and stats). Build it once per cold start.
/// In [`WriteMode::Shadow`] reads are sent as usual and writes are only recorded (see [`HubSpotClient::shadow`]).
#[derive(Clone)]
pub struct HubSpotClient {
    inner: Arc<Inner>,
    mode: WriteMode,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: HeaderValue,
    retry: RetryPolicy,
    request_timeout: Duration,
    stats: ClientStats,
}

impl std::fmt::Debug for HubSpotClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubSpotClient")
            .field("base_url", &self.inner.base_url)
            .field("shadow", &self.mode.is_shadow())
            .finish_non_exhaustive()
    }
}

/// One logical API call.
pub(crate) struct Call {
    pub operation: String,
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    pub body: Option<Vec<u8>>,
    /// Whether repeating the request after an ambiguous failure is safe.
    pub idempotent: bool,
}

/// A 2xx answer.
pub(crate) struct Success {
    pub status: u16,
    pub body: Vec<u8>,
}

enum Transport {
    Timeout,
    Connect(String),
    Other(String),
}

fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    text.parse::<u64>().ok().map(Duration::from_secs)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl HubSpotClient {
    /// Builds the client. Fails on an unusable base URL or token.
    pub fn new(config: ClientConfig) -> Result<Self, HubSpotError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(HubSpotError::Config(format!(
                "base URL {base_url:?} must start with http:// or https://"
            )));
        }
        let token = config.token.expose().trim();
        if token.is_empty() {
            return Err(HubSpotError::Config("the access token is empty".into()));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| HubSpotError::Config("the access token contains characters not allowed in a header".into()))?;
        auth.set_sensitive(true);
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent)
            .build()
            .map_err(|e| HubSpotError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                retry: config.retry,
                request_timeout: config.request_timeout,
                stats: ClientStats::default(),
            }),
            mode: config.write_mode,
        })
    }

    /// A shadow twin of this client: same connection pool, token and stats; reads are sent, writes are recorded
    /// into `log` instead.
    pub fn shadow(&self, log: WriteLog) -> HubSpotClient {
        HubSpotClient {
            inner: Arc::clone(&self.inner),
            mode: WriteMode::Shadow(log),
        }
    }

    /// The write mode of this client.
    pub fn write_mode(&self) -> &WriteMode {
        &self.mode
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Call counters and latency, shared by all clones.
    pub fn stats(&self) -> &ClientStats {
        &self.inner.stats
    }

    /// Sends one request; its timeout is the per-request timeout, shortened to what is left of the call's budget
    /// (at least 50 ms) so a call never runs much past `max_elapsed`.
    async fn send_once(&self, call: &Call, elapsed: Duration) -> Result<(u16, HeaderMap, Vec<u8>), Transport> {
        let url = format!("{}{}", self.inner.base_url, call.path);
        let remaining = self
            .inner
            .retry
            .max_elapsed
            .saturating_sub(elapsed)
            .max(Duration::from_millis(50));
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(AUTHORIZATION, self.inner.auth.clone())
            .timeout(self.inner.request_timeout.min(remaining));
        if let Some(body) = &call.body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.clone());
        }
        let classify = |e: reqwest::Error| {
            let e = e.without_url();
            if e.is_connect() {
                Transport::Connect(e.to_string())
            } else if e.is_timeout() {
                Transport::Timeout
            } else {
                Transport::Other(e.to_string())
            }
        };
        let response = request.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(classify)?;
        Ok((status, headers, body.to_vec()))
    }

    /// Runs a call with retries; returns the 2xx answer or the final typed error.
    pub(crate) async fn execute(&self, call: Call) -> Result<Success, HubSpotError> {
        let start = Instant::now();
        let retry = &self.inner.retry;
        let stats = &self.inner.stats;
        let op = call.operation.as_str();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let failure = match self.send_once(&call, start.elapsed()).await {
                Ok((status, headers, body)) => {
                    stats.record_request(op, Some(status));
                    if (200..300).contains(&status) {
                        stats.record_call(op, attempt, start.elapsed(), true);
                        return Ok(Success { status, body });
                    }
                    let api = ApiError {
                        status,
                        body: ApiErrorBody::parse(&body),
                        retry_after: parse_retry_after(&headers),
                        attempts: attempt,
                    };
                    let outcome = Outcome::Status {
                        status,
                        policy_name: api.body.policy_name.as_deref(),
                        message: api.body.message.as_deref(),
                        retry_after: api.retry_after,
                    };
                    if let Some(delay) = retry.next_delay(&outcome, attempt, start.elapsed(), call.idempotent) {
                        tracing::warn!(
                            operation = op,
                            status,
                            attempt,
                            delay_ms = millis(delay),
                            correlation_id = api.body.correlation_id.as_deref().unwrap_or(""),
                            policy = api.body.policy_name.as_deref().unwrap_or(""),
                            "HubSpot request failed; retrying"
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    map_status(op, api)
                }
                Err(transport) => {
                    stats.record_request(op, None);
                    let (outcome, error) = match transport {
                        Transport::Timeout => (
                            Outcome::Timeout,
                            HubSpotError::Timeout {
                                operation: op.to_owned(),
                                attempts: attempt,
                            },
                        ),
                        Transport::Connect(message) => (
                            Outcome::Connect,
                            HubSpotError::Network {
                                operation: op.to_owned(),
                                attempts: attempt,
                                message,
                            },
                        ),
                        Transport::Other(message) => (
                            Outcome::Network,
                            HubSpotError::Network {
                                operation: op.to_owned(),
                                attempts: attempt,
                                message,
                            },
                        ),
                    };
                    if let Some(delay) = retry.next_delay(&outcome, attempt, start.elapsed(), call.idempotent) {
                        tracing::warn!(operation = op, attempt, delay_ms = millis(delay), error = %error, "HubSpot request failed; retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    error
                }
            };
            stats.record_call(op, attempt, start.elapsed(), false);
            return Err(failure);
        }
    }

    /// Runs a call and decodes its JSON answer.
    pub(crate) async fn execute_json<T: DeserializeOwned>(&self, call: Call) -> Result<(u16, T), HubSpotError> {
        let operation = call.operation.clone();
        let success = self.execute(call).await?;
        let value = serde_json::from_slice(&success.body).map_err(|e| HubSpotError::Decode {
            operation,
            status: success.status,
            message: format!("response body does not match the expected shape: {e}"),
        })?;
        Ok((success.status, value))
    }
}

fn map_status(op: &str, api: ApiError) -> HubSpotError {
    let operation = op.to_owned();
    let status = api.status;
    let api = Box::new(api);
    match status {
        404 => HubSpotError::NotFound { operation, api },
        401 | 403 => HubSpotError::Auth { operation, api },
        429 => HubSpotError::RateLimited { operation, api },
        423 | 477 | 500..=599 => HubSpotError::Server { operation, api },
        400..=499 => HubSpotError::Rejected { operation, api },
        _ => HubSpotError::Decode {
            operation,
            status,
            message: format!("unexpected HTTP status {status}"),
        },
    }
}

/// Percent-encodes one path or query component (RFC 3986 unreserved characters pass through).
pub(crate) fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for b in component.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_only_with_a_usable_url_and_token() {
        assert!(HubSpotClient::new(ClientConfig::new("t").with_base_url("ftp://x")).is_err());
        assert!(HubSpotClient::new(ClientConfig::new("  ")).is_err());
        assert!(HubSpotClient::new(ClientConfig::new("bad\ntoken")).is_err());
        let client = HubSpotClient::new(ClientConfig::new("t").with_base_url("http://127.0.0.1:1/")).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1");
        assert!(!format!("{client:?}").contains("Bearer"));
    }

    #[test]
    fn client_is_shareable_across_tasks() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<HubSpotClient>();
    }

    #[test]
    fn encodes_components() {
        assert_eq!(encode("aws_opportunity_id"), "aws_opportunity_id");
        assert_eq!(encode("a b/c?"), "a%20b%2Fc%3F");
    }
}
