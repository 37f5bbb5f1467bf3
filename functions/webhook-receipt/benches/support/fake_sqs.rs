//! A fixed-latency SQS endpoint (awsJson1_0) for latency benchmarks: it validates SendMessageBatch requests like
//! SQS does (target header, 1-10 entries, unique well-formed ids, group and dedup ids on a FIFO queue, 1 MiB batch
//! limit), sleeps a fixed time, and answers with correct MD5OfMessageBody values. moto is far too slow to time against.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use md5::{Digest, Md5};
use serde_json::{Value, json};

/// Counters of a running fake.
#[derive(Debug, Default)]
pub struct Stats {
    /// SendMessageBatch requests served.
    pub requests: AtomicUsize,
    /// Entries accepted.
    pub entries: AtomicUsize,
}

/// An SQS error: `__type` suffix and message.
type SqsError = (&'static str, &'static str);

fn error(kind: &'static str, message: &'static str) -> SqsError {
    (kind, message)
}

fn error_response((kind, message): SqsError) -> Response {
    let body = json!({"__type": format!("com.amazonaws.sqs#{kind}"), "message": message}).to_string();
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/x-amz-json-1.0")],
        body,
    )
        .into_response()
}

fn valid_entry_id(id: &str) -> bool {
    (1..=80).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn validate(headers: &HeaderMap, body: &[u8]) -> Result<Value, SqsError> {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    if target != "AmazonSQS.SendMessageBatch" {
        return Err(error("InvalidAction", "only SendMessageBatch is served"));
    }
    let req: Value = serde_json::from_slice(body).map_err(|_| error("InvalidParameterValue", "body is not JSON"))?;
    if !req["QueueUrl"].as_str().is_some_and(|u| u.ends_with(".fifo")) {
        return Err(error("QueueDoesNotExist", "FIFO queue url required"));
    }
    let entries = req["Entries"]
        .as_array()
        .ok_or_else(|| error("EmptyBatchRequest", "no entries"))?;
    if entries.is_empty() {
        return Err(error("EmptyBatchRequest", "no entries"));
    }
    if entries.len() > 10 {
        return Err(error("TooManyEntriesInBatchRequest", "more than 10 entries"));
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut total = 0;
    let mut successful = Vec::new();
    for e in entries {
        let id = e["Id"]
            .as_str()
            .filter(|id| valid_entry_id(id))
            .ok_or_else(|| error("InvalidBatchEntryId", "bad id"))?;
        if !ids.insert(id.to_owned()) {
            return Err(error("BatchEntryIdsNotDistinct", "duplicate id"));
        }
        let body = e["MessageBody"]
            .as_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| error("MissingParameter", "MessageBody"))?;
        for key in ["MessageGroupId", "MessageDeduplicationId"] {
            if !e[key].as_str().is_some_and(|v| (1..=128).contains(&v.len())) {
                return Err(error("MissingParameter", key));
            }
        }
        total += body.len();
        successful.push(json!({
            "Id": id,
            "MessageId": format!("00000000-0000-4000-8000-{:012}", successful.len()),
            "MD5OfMessageBody": hex::encode(Md5::digest(body.as_bytes())),
            "SequenceNumber": "18849496460467696128",
        }));
    }
    if total > 1_048_576 {
        return Err(error("BatchRequestTooLong", "batch above 1 MiB"));
    }
    Ok(json!({"Successful": successful, "Failed": []}))
}

/// Starts the fake on a free loopback port; returns its endpoint and counters.
pub async fn start(latency: Duration) -> (String, Arc<Stats>) {
    let stats = Arc::new(Stats::default());
    let shared = Arc::clone(&stats);
    let app = Router::new().route(
        "/",
        post(move |headers: HeaderMap, body: Bytes| {
            let stats = Arc::clone(&shared);
            async move {
                tokio::time::sleep(latency).await;
                match validate(&headers, &body) {
                    Ok(out) => {
                        stats.requests.fetch_add(1, Ordering::Relaxed);
                        let n = out["Successful"].as_array().map_or(0, Vec::len);
                        stats.entries.fetch_add(n, Ordering::Relaxed);
                        ([(header::CONTENT_TYPE, "application/x-amz-json-1.0")], out.to_string()).into_response()
                    }
                    Err(e) => error_response(e),
                }
            }
        }),
    );
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let endpoint = match listener.local_addr() {
        Ok(a) => format!("http://{a}"),
        Err(e) => panic!("local_addr: {e}"),
    };
    tokio::spawn(async move { axum::serve(listener, app).await });
    (endpoint, stats)
}
