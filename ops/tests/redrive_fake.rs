//! `dlq redrive` against a local SQS-protocol server that implements the message-move-task API (moto 5.2.5 does
//! not). The server validates requests like SQS (awsJson1_0 content type, SigV4 header, `AmazonSQS.*` target,
//! required fields, known ARNs, rate 1..=500, MaxResults 1..=10, one active task per source queue) and moves a fixed
//! number of messages at the task's rate per `ListMessageMoveTasks` poll, optionally failing part-way.

#![allow(clippy::unwrap_used)] // test code

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sync_ops::OpsError;
use sync_ops::redrive;
use sync_ops::target::{Selection, Sqs};

const SOURCE_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:hubspot-sync-events-test.fifo";
const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:hubspot-sync-events-dlq-test.fifo";

struct Task {
    handle: String,
    rate: Option<i64>,
    destination: Option<String>,
    moved: i64,
    status: &'static str,
    failure: Option<String>,
}

struct Fake {
    /// Messages in the DLQ when a task starts.
    total: i64,
    /// Fail the task once this many messages have moved.
    fail_at: Option<i64>,
    task: Mutex<Option<Task>>,
    requests: Mutex<Vec<(String, Value)>>,
}

fn url(base: &str, arn: &str) -> String {
    format!("{base}/123456789012/{}", arn.rsplit(':').next().unwrap())
}

fn error(code: &str, message: &str) -> Response {
    let body = json!({"__type": format!("com.amazonaws.sqs#{code}"), "message": message});
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/x-amz-json-1.0")],
        body.to_string(),
    )
        .into_response()
}

fn ok(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-amz-json-1.0")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(State(fake): State<Arc<Fake>>, headers: HeaderMap, body: String) -> Response {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    if h("content-type") != "application/x-amz-json-1.0" {
        return error(
            "InvalidParameterValue",
            "content type must be application/x-amz-json-1.0",
        );
    }
    if !h("authorization").starts_with("AWS4-HMAC-SHA256 Credential=") {
        return error("MissingAuthenticationToken", "request is not SigV4-signed");
    }
    let Some(op) = h("x-amz-target").strip_prefix("AmazonSQS.").map(str::to_owned) else {
        return error(
            "UnknownOperationException",
            "x-amz-target must be AmazonSQS.<Operation>",
        );
    };
    let Ok(input) = serde_json::from_str::<Value>(&body) else {
        return error("InvalidParameterValue", "body is not JSON");
    };
    fake.requests.lock().unwrap().push((op.clone(), input.clone()));
    let source_arn = input["SourceArn"].as_str();
    match op.as_str() {
        "GetQueueAttributes" => {
            let queue = input["QueueUrl"].as_str().unwrap_or("");
            let arn = [SOURCE_ARN, DLQ_ARN]
                .into_iter()
                .find(|a| queue.ends_with(a.rsplit(':').next().unwrap()));
            let Some(arn) = arn else {
                return error("QueueDoesNotExist", "The specified queue does not exist.");
            };
            let waiting = match &*fake.task.lock().unwrap() {
                Some(t) => fake.total - t.moved,
                None => fake.total,
            };
            let visible = if arn == DLQ_ARN { waiting } else { 0 };
            ok(json!({"Attributes": {"QueueArn": arn, "FifoQueue": "true",
                "ApproximateNumberOfMessages": visible.to_string(),
                "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0"}}))
        }
        "StartMessageMoveTask" => {
            if source_arn != Some(DLQ_ARN) {
                return error(
                    "ResourceNotFoundException",
                    "The resource that you specified for the SourceArn parameter doesn't exist.",
                );
            }
            let destination = input["DestinationArn"].as_str();
            if destination.is_some_and(|d| d != SOURCE_ARN) {
                return error("ResourceNotFoundException", "The DestinationArn does not exist.");
            }
            let rate = input["MaxNumberOfMessagesPerSecond"].as_i64();
            if rate.is_some_and(|r| !(1..=500).contains(&r)) {
                return error(
                    "InvalidParameterValue",
                    "MaxNumberOfMessagesPerSecond must be between 1 and 500.",
                );
            }
            let mut task = fake.task.lock().unwrap();
            if task.as_ref().is_some_and(|t| t.status == "RUNNING") {
                return error(
                    "UnsupportedOperation",
                    "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
                );
            }
            let handle = format!("handle-{}", fake.requests.lock().unwrap().len());
            *task = Some(Task {
                handle: handle.clone(),
                rate,
                destination: destination.map(str::to_owned),
                moved: 0,
                status: "RUNNING",
                failure: None,
            });
            ok(json!({"TaskHandle": handle}))
        }
        "ListMessageMoveTasks" => {
            if source_arn != Some(DLQ_ARN) {
                return error(
                    "ResourceNotFoundException",
                    "The resource that you specified for the SourceArn parameter doesn't exist.",
                );
            }
            if input["MaxResults"].as_i64().is_some_and(|m| !(1..=10).contains(&m)) {
                return error("InvalidParameterValue", "MaxResults must be between 1 and 10.");
            }
            let mut task = fake.task.lock().unwrap();
            let Some(t) = task.as_mut() else {
                return ok(json!({"Results": []}));
            };
            if t.status == "RUNNING" {
                let step = t.rate.unwrap_or(10);
                t.moved = (t.moved + step).min(fake.total);
                if let Some(limit) = fake.fail_at.filter(|l| t.moved >= *l) {
                    t.moved = limit;
                    t.status = "FAILED";
                    t.failure = Some("AWS.SimpleQueueService.NonExistentQueue".to_owned());
                } else if t.moved == fake.total {
                    t.status = "COMPLETED";
                }
            }
            let mut entry = json!({"Status": t.status, "SourceArn": DLQ_ARN,
                "ApproximateNumberOfMessagesMoved": t.moved, "ApproximateNumberOfMessagesToMove": fake.total,
                "StartedTimestamp": 1_700_000_000_000_i64});
            if t.status == "RUNNING" {
                entry["TaskHandle"] = json!(t.handle);
            }
            if let Some(d) = &t.destination {
                entry["DestinationArn"] = json!(d);
            }
            if let Some(r) = t.rate {
                entry["MaxNumberOfMessagesPerSecond"] = json!(r);
            }
            if let Some(f) = &t.failure {
                entry["FailureReason"] = json!(f);
            }
            ok(json!({"Results": [entry]}))
        }
        _ => error(
            "UnknownOperationException",
            "operation not implemented by this test server",
        ),
    }
}

async fn start_fake(total: i64, fail_at: Option<i64>) -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake {
        total,
        fail_at,
        task: Mutex::new(None),
        requests: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .route("/", axum::routing::post(handle))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (endpoint, fake)
}

async fn client(endpoint: &str) -> (Sqs, Selection) {
    let sqs = Sqs::from_config(&moto_harness::sdk_config_for(endpoint).await, endpoint);
    let sel = Selection {
        queue_url: Some(url(endpoint, SOURCE_ARN)),
        dlq_url: Some(url(endpoint, DLQ_ARN)),
        ..Selection::default()
    };
    (sqs, sel)
}

#[tokio::test]
async fn redrive_starts_a_fifo_to_fifo_task_and_follows_it_to_completion() {
    let (endpoint, fake) = start_fake(10, None).await;
    let (sqs, sel) = client(&endpoint).await;
    let started = redrive::start(&sqs, &sel, Some(4)).await.unwrap();
    assert_eq!(
        (started.source_arn.as_str(), started.destination_arn.as_str()),
        (DLQ_ARN, SOURCE_ARN)
    );
    assert_eq!(started.dlq_depth_at_start, 10);
    let start_request = fake
        .requests
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.0 == "StartMessageMoveTask")
        .unwrap()
        .1
        .clone();
    assert_eq!(
        start_request,
        json!({"SourceArn": DLQ_ARN, "DestinationArn": SOURCE_ARN, "MaxNumberOfMessagesPerSecond": 4})
    );

    // Only one active task per queue: the second start is a service error, not "unsupported by the endpoint".
    match redrive::start(&sqs, &sel, None).await {
        Err(OpsError::Aws { operation, message, .. }) => {
            assert_eq!(operation, "StartMessageMoveTask");
            assert!(
                message.starts_with("UnsupportedOperation: There is already a task running"),
                "{message}"
            );
        }
        other => panic!("expected a service error, got {other:?}"),
    }

    let mut lines = Vec::new();
    let done = redrive::wait(&sqs, DLQ_ARN, Duration::from_millis(10), &mut |p| lines.push(p.line()))
        .await
        .unwrap();
    assert_eq!(
        lines,
        [
            "redrive RUNNING: 4/10 moved",
            "redrive RUNNING: 8/10 moved",
            "redrive COMPLETED: 10/10 moved"
        ]
    );
    assert_eq!(
        (done.status.as_str(), done.moved, done.to_move),
        ("COMPLETED", 10, Some(10))
    );
}

#[tokio::test]
async fn a_failed_task_is_an_error_with_the_reason() {
    let (endpoint, _fake) = start_fake(30, Some(12)).await;
    let (sqs, sel) = client(&endpoint).await;
    assert!(redrive::latest(&sqs, DLQ_ARN).await.unwrap().is_none());
    redrive::start(&sqs, &sel, None).await.unwrap();
    match redrive::wait(&sqs, DLQ_ARN, Duration::from_millis(10), &mut |_| {}).await {
        Err(e @ OpsError::RedriveFailed { moved: 12, .. }) => {
            assert_eq!(
                e.to_string(),
                "redrive task FAILED after moving 12 message(s): AWS.SimpleQueueService.NonExistentQueue"
            );
        }
        other => panic!("expected RedriveFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_rates_and_unknown_queues_are_refused() {
    let (endpoint, fake) = start_fake(3, None).await;
    let (sqs, sel) = client(&endpoint).await;
    assert!(matches!(
        redrive::start(&sqs, &sel, Some(501)).await,
        Err(OpsError::InvalidArgument { argument: "--rate", .. })
    ));
    assert!(fake.requests.lock().unwrap().is_empty(), "validated before any request");
    let wrong = Selection {
        dlq_url: Some(format!("{endpoint}/123456789012/other-dlq.fifo")),
        ..sel
    };
    assert!(matches!(
        redrive::start(&sqs, &wrong, None).await,
        Err(OpsError::QueueNotFound {
            operation: "GetQueueAttributes",
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_progress_on_stderr_and_the_result_on_stdout() {
    let (endpoint, _fake) = start_fake(12, None).await;
    let args: Vec<String> = [
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--queue-url",
        &url(&endpoint, SOURCE_ARN),
        "--dlq-url",
        &url(&endpoint, DLQ_ARN),
        "dlq",
        "redrive",
        "--rate",
        "5",
        "--poll-seconds",
        "1",
    ]
    .map(str::to_owned)
    .to_vec();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sync-ops"))
            .args(&args)
            .env_remove("AWS_PROFILE")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "started move task from {DLQ_ARN} to {SOURCE_ARN} (12 message(s)"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("redrive RUNNING: 5/12 moved\nredrive RUNNING: 10/12 moved\n"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "redrive COMPLETED: 12/12 moved\n");
}
