//! A fixed-latency endpoint speaking the AWS JSON protocols the Lambdas use: SQS (awsJson1_0,
//! `X-Amz-Target: AmazonSQS.*`) and Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.*`) on one port,
//! so `AWS_ENDPOINT_URL` can point both SDK clients at it.
//!
//! Unlike moto it answers after a configured, fixed delay (per service, adjustable at runtime), which makes
//! latency measurements meaningful. It still behaves like the services: every request must be SigV4-signed for
//! the right service and region with the right content type, SQS batches are validated as SQS does
//! ([`sqs`]), FIFO deduplication holds, and responses carry real MD5 digests and increasing sequence numbers.
//! Every request is counted and logged with its arrival time.

pub mod secrets;
pub mod sqs;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::oneshot;

pub use sqs::StoredMessage;

/// Which service a request addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    /// Amazon SQS.
    Sqs,
    /// AWS Secrets Manager.
    SecretsManager,
}

/// One request as the endpoint saw it.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// Arrival time.
    pub at: Instant,
    /// Addressed service (`None` when the target was not recognized).
    pub service: Option<Service>,
    /// Operation name (`SendMessageBatch`, `GetSecretValue`, ...).
    pub operation: String,
    /// HTTP status answered.
    pub status: u16,
}

/// What the endpoint serves.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// Account id used in queue URLs and ARNs.
    pub account_id: String,
    /// Region the requests must be signed for.
    pub region: String,
    /// FIFO and standard queue names (FIFO names end in `.fifo`).
    pub queues: Vec<String>,
    /// Secrets by name (the SecretString values).
    pub secrets: BTreeMap<String, String>,
    /// Delay before every SQS answer.
    pub sqs_delay: Duration,
    /// Delay before every Secrets Manager answer.
    pub secrets_delay: Duration,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            account_id: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
            queues: Vec::new(),
            secrets: BTreeMap::new(),
            sqs_delay: Duration::ZERO,
            secrets_delay: Duration::ZERO,
        }
    }
}

/// An AWS protocol error: status, error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// HTTP status.
    pub status: StatusCode,
    /// Modeled error code (`TooManyEntriesInBatchRequest`, `ResourceNotFoundException`, ...).
    pub code: &'static str,
    /// SQS query-compatible code for `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue`, ...).
    pub query_code: Option<&'static str>,
    /// Human-readable message.
    pub message: String,
}

impl AwsError {
    /// A 400 client error.
    pub fn client(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            query_code: None,
            message: message.into(),
        }
    }

    /// Sets the SQS query-compatible code.
    pub fn query(mut self, query_code: &'static str) -> Self {
        self.query_code = Some(query_code);
        self
    }
}

/// State shared by the request handlers.
pub(crate) struct EndpointState {
    pub(crate) config: EndpointConfig,
    pub(crate) base_url: String,
    pub(crate) sqs: Mutex<sqs::Queues>,
    log: Mutex<Vec<RequestRecord>>,
    sqs_delay_us: AtomicU64,
    secrets_delay_us: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Errors starting the endpoint.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The listener could not be bound.
    #[error("cannot bind the AWS endpoint listener: {0}")]
    Bind(#[source] std::io::Error),
}

/// A running endpoint on 127.0.0.1 (stopped when dropped).
pub struct AwsEndpoint {
    state: Arc<EndpointState>,
    _shutdown: oneshot::Sender<()>,
}

impl AwsEndpoint {
    /// Starts the endpoint on an ephemeral loopback port.
    pub async fn start(config: EndpointConfig) -> Result<Self, EndpointError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(EndpointError::Bind)?;
        let addr: SocketAddr = listener.local_addr().map_err(EndpointError::Bind)?;
        let base_url = format!("http://{addr}");
        let state = Arc::new(EndpointState {
            sqs: Mutex::new(sqs::Queues::new(&config.queues)),
            sqs_delay_us: AtomicU64::new(micros(config.sqs_delay)),
            secrets_delay_us: AtomicU64::new(micros(config.secrets_delay)),
            config,
            base_url,
            log: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(handle).with_state(Arc::clone(&state));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self { state, _shutdown: tx })
    }

    /// The endpoint URL (`AWS_ENDPOINT_URL`).
    pub fn url(&self) -> &str {
        &self.state.base_url
    }

    /// The URL of queue `name`.
    pub fn queue_url(&self, name: &str) -> String {
        format!("{}/{}/{name}", self.state.base_url, self.state.config.account_id)
    }

    /// The ARN of secret `name` (with the random-looking suffix real ARNs have).
    pub fn secret_arn(&self, name: &str) -> String {
        secrets::arn(&self.state.config, name)
    }

    /// Changes the SQS answer delay.
    pub fn set_sqs_delay(&self, delay: Duration) {
        self.state.sqs_delay_us.store(micros(delay), Ordering::Relaxed);
    }

    /// Changes the Secrets Manager answer delay.
    pub fn set_secrets_delay(&self, delay: Duration) {
        self.state.secrets_delay_us.store(micros(delay), Ordering::Relaxed);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.log).clone()
    }

    /// Number of requests for `operation` (any status).
    pub fn count(&self, operation: &str) -> usize {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.operation == operation)
            .count()
    }

    /// Messages enqueued on queue `name` (deduplicated), in send order.
    pub fn messages(&self, name: &str) -> Vec<StoredMessage> {
        lock(&self.state.sqs).messages(name)
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

async fn handle(
    State(state): State<Arc<EndpointState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let (service, operation) = match target.split_once('.') {
        Some(("AmazonSQS", op)) => (Some(Service::Sqs), op.to_owned()),
        Some(("secretsmanager", op)) => (Some(Service::SecretsManager), op.to_owned()),
        _ => (None, target.to_owned()),
    };
    let result = match service {
        None => Err(AwsError::client(
            "UnknownOperationException",
            format!("unknown X-Amz-Target {target:?}"),
        )),
        Some(service) => check_envelope(&state.config, service, &method, &uri, &headers)
            .and_then(|()| parse_body(&body))
            .and_then(|req| match service {
                Service::Sqs => sqs::dispatch(&state, &operation, &req),
                Service::SecretsManager => secrets::dispatch(&state.config, &operation, &req),
            }),
    };
    let status = result.as_ref().map_or_else(|e| e.status.as_u16(), |_| 200);
    lock(&state.log).push(RequestRecord {
        at,
        service,
        operation,
        status,
    });
    let delay_us = match service {
        Some(Service::Sqs) => state.sqs_delay_us.load(Ordering::Relaxed),
        Some(Service::SecretsManager) => state.secrets_delay_us.load(Ordering::Relaxed),
        None => 0,
    };
    let remaining = Duration::from_micros(delay_us).saturating_sub(at.elapsed());
    if !remaining.is_zero() {
        tokio::time::sleep(remaining).await;
    }
    render(service.unwrap_or(Service::Sqs), result)
}

/// Checks what every real request carries: POST to `/`, the protocol's content type, and a SigV4 authorization
/// header scoped to the service and region.
pub(crate) fn check_envelope(
    config: &EndpointConfig,
    service: Service,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), AwsError> {
    let (content_type, signing_name) = match service {
        Service::Sqs => ("application/x-amz-json-1.0", "sqs"),
        Service::SecretsManager => ("application/x-amz-json-1.1", "secretsmanager"),
    };
    if method != Method::POST || uri.path() != "/" {
        return Err(AwsError::client(
            "InvalidAction",
            format!("expected POST /, got {method} {}", uri.path()),
        ));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    if header("content-type") != content_type {
        return Err(AwsError::client(
            "SerializationException",
            format!("expected content-type {content_type}"),
        ));
    }
    let scope = format!("/{}/{signing_name}/aws4_request", config.region);
    let auth = header("authorization");
    if !auth.starts_with("AWS4-HMAC-SHA256 Credential=") || !auth.contains(&scope) || header("x-amz-date").is_empty() {
        return Err(AwsError {
            status: StatusCode::FORBIDDEN,
            code: "IncompleteSignature",
            query_code: None,
            message: format!("request must be SigV4-signed with scope {scope}"),
        });
    }
    Ok(())
}

fn parse_body(body: &[u8]) -> Result<Value, AwsError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(AwsError::client("SerializationException", "body is not a JSON object")),
    }
}

fn render(service: Service, result: Result<Value, AwsError>) -> Response {
    let content_type = match service {
        Service::Sqs => "application/x-amz-json-1.0",
        Service::SecretsManager => "application/x-amz-json-1.1",
    };
    let (status, body, query) = match result {
        Ok(v) => (StatusCode::OK, v, None),
        Err(e) => {
            let body = match service {
                Service::Sqs => {
                    serde_json::json!({"__type": format!("com.amazonaws.sqs#{}", e.code), "message": e.message})
                }
                Service::SecretsManager => serde_json::json!({"__type": e.code, "Message": e.message}),
            };
            (e.status, body, e.query_code.map(|q| format!("{q};Sender")))
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    headers.insert(
        "x-amzn-requestid",
        HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
    );
    if let Some(q) = query.and_then(|q| HeaderValue::from_str(&q).ok()) {
        headers.insert("x-amzn-query-error", q);
    }
    (status, headers, body.to_string()).into_response()
}
