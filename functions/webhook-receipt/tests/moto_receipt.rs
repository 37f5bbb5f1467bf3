//! The receipt against moto's SQS and Secrets Manager (via moto-harness): 100 events -> 100 messages in 10
//! requests with the right group/dedup ids and per-group order; a redelivery adds nothing; ignored, malformed,
//! unsigned and oversized inputs enqueue nothing; SQS down or a missing queue gives 503.

#![allow(clippy::unwrap_used)] // test code

use std::collections::BTreeMap;
use std::time::Duration;

use moto_harness::{FifoQueue, MotoServer, sdk_config_for};
use sync_events::{SyncEvent, WebhookVerifier, parse_webhook};
use webhook_receipt::config::{Config, SignatureMode};
use webhook_receipt::enqueue::RetryPolicy;
use webhook_receipt::intake::{Auth, MAX_BODY_BYTES};
use webhook_receipt::runtime::{ColdStartError, build_receipt, sqs_client};
use webhook_receipt::sample::{deal_events_body, request, signed_request};
use webhook_receipt::{Outcome, Receipt};

const SECRET: &str = "moto-test-client-secret";
const URL: &str = "https://hooks.example.com/prod/async/webhook";
const PORTAL: u64 = 62515;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn config(queue_url: &str, secret_arn: &str) -> Config {
    Config {
        queue_url: queue_url.into(),
        signature: SignatureMode::Verify {
            secret_arn: secret_arn.into(),
            public_url: URL.into(),
        },
        portal_ids: Some([PORTAL].into()),
    }
}

async fn setup(prefix: &str) -> (FifoQueue, Receipt) {
    let moto = MotoServer::shared();
    let queue = moto.create_fifo_queue(prefix).await.unwrap();
    let secret = moto.create_secret(prefix, SECRET).await.unwrap();
    let receipt = build_receipt(config(&queue.url, &secret.arn), &moto.sdk_config().await)
        .await
        .unwrap();
    (queue, receipt)
}

fn body_json(o: &Outcome) -> serde_json::Value {
    match &o.response.body {
        Some(aws_lambda_events::encodings::Body::Text(t)) => serde_json::from_str(t).unwrap(),
        other => panic!("unexpected body {other:?}"),
    }
}

async fn depth(queue: &FifoQueue) -> u64 {
    MotoServer::shared().queue_depth(&queue.url).await.unwrap()
}

async fn hundred_events_case(objects: usize) {
    let (queue, receipt) = setup(&format!("hundred{objects}")).await;
    let body = deal_events_body(100, objects, PORTAL, 0);
    let out = receipt
        .handle(&signed_request(&body, SECRET, URL, now(), "req-1"), now())
        .await;
    assert_eq!(out.status, 200, "{:?}", out.response.body);
    assert_eq!(
        body_json(&out),
        serde_json::json!({"received": 100, "enqueued": 100, "ignored": 0})
    );
    assert_eq!(out.metrics.sqs_requests, 10);
    assert_eq!(depth(&queue).await, 100);

    // HubSpot redelivers the same events with attemptNumber bumped (new signature, new request id): no new message.
    let again = deal_events_body(100, objects, PORTAL, 1);
    let out = receipt
        .handle(&signed_request(&again, SECRET, URL, now(), "req-2"), now())
        .await;
    assert_eq!(out.status, 200);
    assert_eq!(depth(&queue).await, 100, "redelivery must be deduplicated");

    let expected = parse_webhook(body.as_bytes(), "x").unwrap();
    let received = MotoServer::shared().drain_queue(&queue.url).await.unwrap();
    assert_eq!(received.len(), 100);
    let mut per_group: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for m in &received {
        let event = SyncEvent::from_sqs_body(&m.body).unwrap();
        let original = expected.iter().find(|e| e.event_id == event.event_id).unwrap();
        assert_eq!(m.group_id.as_deref(), Some(original.message_group_id().as_str()));
        assert_eq!(
            m.deduplication_id.as_deref(),
            Some(original.deduplication_id().as_str())
        );
        assert_eq!(event.correlation_id, "req-1");
        per_group
            .entry(m.group_id.clone().unwrap())
            .or_default()
            .push(event.occurred_at);
    }
    assert_eq!(per_group.len(), objects);
    for (group, times) in per_group {
        assert!(
            times.windows(2).all(|w| w[0] < w[1]),
            "group {group} out of order: {times:?}"
        );
    }
}

#[tokio::test]
async fn hundred_events_over_forty_deals_land_in_order() {
    hundred_events_case(40).await;
}

#[tokio::test]
async fn hundred_independent_events_land_in_order() {
    hundred_events_case(100).await;
}

#[tokio::test]
async fn ignored_types_and_other_portals_are_answered_200_and_not_enqueued() {
    let (queue, receipt) = setup("ignored").await;
    let fixture = include_str!("../../sync-events/fixtures/hubspot/unsupported-types.json");
    let other_portal = deal_events_body(3, 3, PORTAL + 1, 0);
    for (body, received) in [(fixture.to_owned(), 14), (other_portal, 3), ("[]".to_owned(), 0)] {
        let out = receipt
            .handle(&signed_request(&body, SECRET, URL, now(), "r"), now())
            .await;
        assert_eq!(out.status, 200);
        assert_eq!(
            body_json(&out),
            serde_json::json!({"received": received, "enqueued": 0, "ignored": received})
        );
        assert_eq!(out.metrics.sqs_requests, 0);
    }
    assert_eq!(depth(&queue).await, 0);
}

#[tokio::test]
async fn malformed_unsigned_forged_stale_and_oversized_requests_enqueue_nothing() {
    let (queue, receipt) = setup("rejects").await;
    let good = deal_events_body(2, 2, PORTAL, 0);
    let t = now();
    let cases: Vec<(&str, aws_lambda_events::apigw::ApiGatewayProxyRequest, i64, &str)> = vec![
        (
            "not json",
            signed_request("{not json", SECRET, URL, t, "r"),
            400,
            "invalid_body",
        ),
        (
            "object",
            signed_request(r#"{"a":1}"#, SECRET, URL, t, "r"),
            400,
            "invalid_body",
        ),
        (
            "strings",
            signed_request(r#"["x"]"#, SECRET, URL, t, "r"),
            400,
            "invalid_body",
        ),
        ("empty", signed_request("", SECRET, URL, t, "r"), 400, "invalid_body"),
        (
            "no objectId",
            signed_request(
                r#"[{"portalId":62515,"occurredAt":1,"subscriptionType":"deal.creation"}]"#,
                SECRET,
                URL,
                t,
                "r",
            ),
            400,
            "invalid_body",
        ),
        ("unsigned", request(&good, "r"), 401, "unauthorized"),
        (
            "wrong secret",
            signed_request(&good, "other-secret", URL, t, "r"),
            401,
            "unauthorized",
        ),
        (
            "wrong url",
            signed_request(&good, SECRET, "https://hooks.example.com/async/webhook", t, "r"),
            401,
            "unauthorized",
        ),
        (
            "stale",
            signed_request(&good, SECRET, URL, t - 301_000, "r"),
            401,
            "unauthorized",
        ),
        (
            "future",
            signed_request(&good, SECRET, URL, t + 120_000, "r"),
            401,
            "unauthorized",
        ),
        (
            "too large",
            signed_request(&" ".repeat(MAX_BODY_BYTES + 1), SECRET, URL, t, "r"),
            413,
            "payload_too_large",
        ),
    ];
    for (name, req, status, error) in cases {
        let out = receipt.handle(&req, t).await;
        assert_eq!(i64::from(out.status), status, "{name}");
        assert_eq!(body_json(&out)["error"], error, "{name}");
        assert_eq!(out.metrics.sqs_requests, 0, "{name}");
    }
    let mut tampered = signed_request(&good, SECRET, URL, t, "r");
    tampered.body = Some(good.replace("stage-0", "stage-X"));
    assert_eq!(receipt.handle(&tampered, t).await.status, 401);
    assert_eq!(depth(&queue).await, 0);
}

#[tokio::test]
async fn base64_bodies_are_verified_after_decoding() {
    use base64::Engine as _;
    let (queue, receipt) = setup("b64").await;
    let body = deal_events_body(3, 3, PORTAL, 0);
    let mut req = signed_request(&body, SECRET, URL, now(), "r");
    req.body = Some(base64::engine::general_purpose::STANDARD.encode(&body));
    req.is_base64_encoded = true;
    assert_eq!(receipt.handle(&req, now()).await.status, 200);
    req.body = Some("***".into());
    assert_eq!(receipt.handle(&req, now()).await.status, 400);
    assert_eq!(depth(&queue).await, 3);
}

#[tokio::test]
async fn unavailable_sqs_and_missing_queue_give_503() {
    let verifier = || Auth::Verify(WebhookVerifier::new(SECRET, URL).unwrap());
    let fast = RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(5),
        max_in_flight: 4,
    };
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = sdk_config_for(&format!("http://127.0.0.1:{closed}")).await;
    let moto = MotoServer::shared();
    let missing = format!(
        "{}/123456789012/does-not-exist-{}.fifo",
        moto.endpoint(),
        std::process::id()
    );
    let up = moto.sdk_config().await;
    for (name, sdk, url) in [
        ("closed port", &down, "http://127.0.0.1:9/q.fifo".to_owned()),
        ("missing queue", &up, missing),
    ] {
        let receipt = Receipt::new(config(&url, "arn"), verifier(), sqs_client(sdk)).with_retry(fast);
        let body = deal_events_body(25, 25, PORTAL, 0);
        let out = receipt
            .handle(&signed_request(&body, SECRET, URL, now(), "r"), now())
            .await;
        assert_eq!(out.status, 503, "{name}");
        assert_eq!(
            body_json(&out),
            serde_json::json!({"error": "enqueue_failed", "enqueued": 0, "failed": 25}),
            "{name}"
        );
        assert_eq!(out.metrics.rejected, Some("enqueue_failed"));
        assert_eq!(
            out.metrics.sqs_requests, 9,
            "{name}: 3 independent batches x 3 attempts"
        );
    }
}

#[tokio::test]
async fn unsigned_dev_mode_accepts_unsigned_requests() {
    let moto = MotoServer::shared();
    let queue = moto.create_fifo_queue("unsigned").await.unwrap();
    let config = Config {
        queue_url: queue.url.clone(),
        signature: SignatureMode::UnsignedDev,
        portal_ids: None,
    };
    let receipt = build_receipt(config, &moto.sdk_config().await).await.unwrap();
    let out = receipt
        .handle(&request(&deal_events_body(2, 2, 1, 0), "r"), now())
        .await;
    assert_eq!(out.status, 200);
    assert_eq!(depth(&queue).await, 2);
}

#[tokio::test]
async fn cold_start_fails_on_a_missing_secret() {
    let moto = MotoServer::shared();
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf";
    let err = build_receipt(config("http://q", arn), &moto.sdk_config().await)
        .await
        .unwrap_err();
    assert!(matches!(err, ColdStartError::Secret(_)), "{err}");
    assert!(err.to_string().contains("HUBSPOT_WEBHOOK_SECRET_ARN"));
    let empty = moto.create_secret("empty", " ").await.unwrap();
    let err = build_receipt(config("http://q", &empty.arn), &moto.sdk_config().await)
        .await
        .unwrap_err();
    assert!(matches!(err, ColdStartError::EmptySecret), "{err}");
}
