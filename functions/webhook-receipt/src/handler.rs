//! The request handler: intake (verify, parse, filter, plan) then enqueue, mapped to the response contract.
//!
//! | status | body | when |
//! |---|---|---|
//! | 200 | `{"received":n,"enqueued":n,"ignored":n}` | every accepted event is durably enqueued (ignored ones included in `received`) |
//! | 400 | `{"error":"invalid_body","detail":…}` | not a JSON array of events, or base64 flag with a non-base64 body |
//! | 401 | `{"error":"unauthorized"}` | missing, forged, malformed or stale/future signature; nothing enqueued |
//! | 413 | `{"error":"payload_too_large","limitBytes":…}` | body above `MAX_BODY_BYTES`, or one event above SQS's 1 MiB |
//! | 503 | `{"error":"enqueue_failed","enqueued":n,"failed":n}` | some accepted event is not enqueued: HubSpot redelivers, the stable dedup ids make that safe |
//!
//! Bodies, signatures, secrets and property values never appear in responses or logs.

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};
use serde_json::json;

use crate::batch::MAX_BATCH_BYTES;
use crate::config::Config;
use crate::enqueue::{RetryPolicy, send_batches};
use crate::intake::{Auth, MAX_BODY_BYTES, Rejection, intake};
use crate::metrics::RequestMetrics;

/// Everything a warm Lambda keeps between requests (built once per cold start).
#[derive(Debug, Clone)]
pub struct Receipt {
    config: Config,
    auth: Auth,
    sqs: aws_sdk_sqs::Client,
    retry: RetryPolicy,
}

/// The response plus what happened, for metrics and logs.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The API Gateway response.
    pub response: ApiGatewayProxyResponse,
    /// Counts and rejection reason.
    pub metrics: RequestMetrics,
    /// HTTP status (same as `response.status_code`).
    pub status: u16,
}

/// The correlation id of a request: API Gateway's request id, else `unknown`.
pub fn correlation_id(req: &ApiGatewayProxyRequest) -> String {
    req.request_context
        .request_id
        .clone()
        .unwrap_or_else(|| "unknown".to_owned())
}

fn response(status: u16, body: serde_json::Value) -> ApiGatewayProxyResponse {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut r = ApiGatewayProxyResponse::default();
    r.status_code = i64::from(status);
    r.headers = headers;
    r.body = Some(Body::Text(body.to_string()));
    r
}

fn rejection_body(rejection: &Rejection) -> serde_json::Value {
    match rejection {
        Rejection::Unauthorized(_) => json!({"error": "unauthorized"}),
        Rejection::TooLarge { .. } => json!({"error": "payload_too_large", "limitBytes": MAX_BODY_BYTES}),
        Rejection::EventTooLarge(_) => json!({"error": "payload_too_large", "limitBytes": MAX_BATCH_BYTES}),
        // ParseError messages carry only positions and field names, never values.
        Rejection::InvalidBody(e) => json!({"error": "invalid_body", "detail": e.to_string()}),
        Rejection::BadBase64 => {
            json!({"error": "invalid_body", "detail": "body is flagged base64 but does not decode"})
        }
        Rejection::Internal => json!({"error": "internal"}),
    }
}

impl Receipt {
    /// Assembles a receipt from its cold-start parts.
    pub fn new(config: Config, auth: Auth, sqs: aws_sdk_sqs::Client) -> Self {
        Self {
            config,
            auth,
            sqs,
            retry: RetryPolicy::default(),
        }
    }

    /// Overrides the retry policy (tests).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Handles one API Gateway request at `now_ms` (epoch milliseconds).
    pub async fn handle(&self, req: &ApiGatewayProxyRequest, now_ms: i64) -> Outcome {
        let correlation_id = correlation_id(req);
        if matches!(self.auth, Auth::UnsignedDev) {
            tracing::warn!(
                correlation_id,
                "HUBSPOT_WEBHOOK_UNSIGNED_DEV is set: request accepted WITHOUT signature verification (local development only)"
            );
        }
        let accepted = match intake(&self.config, &self.auth, req, &correlation_id, now_ms) {
            Ok(a) => a,
            Err(rejection) => {
                let status = rejection.status();
                tracing::warn!(correlation_id, status, reason = rejection.reason(), error = %rejection, "webhook rejected");
                let metrics = RequestMetrics {
                    rejected: Some(rejection.reason()),
                    ..Default::default()
                };
                return Outcome {
                    response: response(status, rejection_body(&rejection)),
                    metrics,
                    status,
                };
            }
        };
        let report = send_batches(&self.sqs, &self.config.queue_url, accepted.batches, self.retry).await;
        let mut metrics = RequestMetrics {
            received: accepted.received,
            enqueued: report.enqueued,
            ignored: accepted.ignored,
            failed: report.failed,
            sqs_requests: report.requests,
            rejected: None,
        };
        let (status, body) = if report.failed == 0 {
            (
                200,
                json!({"received": accepted.received, "enqueued": report.enqueued, "ignored": accepted.ignored}),
            )
        } else {
            metrics.rejected = Some("enqueue_failed");
            (
                503,
                json!({"error": "enqueue_failed", "enqueued": report.enqueued, "failed": report.failed}),
            )
        };
        let signature = accepted.signature.map(|v| format!("{v:?}"));
        tracing::info!(
            correlation_id,
            status,
            received = metrics.received,
            enqueued = metrics.enqueued,
            ignored = metrics.ignored,
            failed = metrics.failed,
            sqs_requests = metrics.sqs_requests,
            signature,
            "webhook handled"
        );
        Outcome {
            response: response(status, body),
            metrics,
            status,
        }
    }
}
