//! The fixed-latency endpoint as the AWS SDK for Rust sees it: SQS batches validated like SQS (the SDK maps each
//! refusal to its modeled error), real MD5 digests, FIFO sequence numbers and deduplication, Secrets Manager
//! lookups, SigV4 and content-type checks on raw requests, and the configured delay.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sqs::config::Credentials;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchError;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry as Entry;
use bench_harness::aws::{AwsEndpoint, EndpointConfig};

const FIFO: &str = "work.fifo";
const STANDARD: &str = "plain";

async fn endpoint(sqs_delay: Duration) -> AwsEndpoint {
    AwsEndpoint::start(EndpointConfig {
        queues: vec![FIFO.to_owned(), STANDARD.to_owned()],
        secrets: BTreeMap::from([("hook-secret".to_owned(), "s3cr3t".to_owned())]),
        sqs_delay,
        ..EndpointConfig::default()
    })
    .await
    .unwrap()
}

async fn sdk(ep: &AwsEndpoint) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(ep.url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "static"))
        .load()
        .await
}

fn fifo_entry(i: usize, group: &str) -> Entry {
    Entry::builder()
        .id(format!("e{i}"))
        .message_body(format!("body {i}"))
        .message_group_id(group)
        .message_deduplication_id(format!("dedup-{group}-{i}"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_fifo_batch_of_ten_is_accepted_with_real_md5_and_increasing_sequence_numbers() {
    let ep = endpoint(Duration::ZERO).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk(&ep).await);
    let entries: Vec<Entry> = (0..10)
        .map(|i| fifo_entry(i, if i % 2 == 0 { "a" } else { "b" }))
        .collect();
    let out = sqs
        .send_message_batch()
        .queue_url(ep.queue_url(FIFO))
        .set_entries(Some(entries))
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 10);
    assert!(out.failed().is_empty());
    // md5("body 0"), computed independently with coreutils' md5sum.
    assert_eq!(
        out.successful()[0].md5_of_message_body(),
        "2c2f1edb5aac06c6c201d1fe8916de7d"
    );
    let seqs: Vec<u128> = out
        .successful()
        .iter()
        .map(|s| s.sequence_number().unwrap().parse().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(
        out.successful()
            .iter()
            .all(|s| s.sequence_number().unwrap().len() == 20)
    );
    let stored = ep.messages(FIFO);
    assert_eq!(stored.len(), 10);
    assert_eq!(stored[3].group_id.as_deref(), Some("b"));
    assert_eq!(stored[3].body, "body 3");
    assert_eq!(ep.count("SendMessageBatch"), 1);
}

#[tokio::test]
async fn a_redelivered_deduplication_id_returns_the_original_message_and_stores_nothing() {
    let ep = endpoint(Duration::ZERO).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk(&ep).await);
    let send = || {
        sqs.send_message_batch()
            .queue_url(ep.queue_url(FIFO))
            .entries(fifo_entry(1, "g"))
            .send()
    };
    let first = send().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(first.successful()[0].message_id(), second.successful()[0].message_id());
    assert_eq!(ep.messages(FIFO).len(), 1);
}

async fn batch_error(ep: &AwsEndpoint, queue_url: String, entries: Vec<Entry>) -> SendMessageBatchError {
    let sqs = aws_sdk_sqs::Client::new(&sdk(ep).await);
    let err = sqs
        .send_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .unwrap_err();
    err.into_service_error()
}

#[tokio::test]
async fn eleven_entries_are_rejected() {
    let ep = endpoint(Duration::ZERO).await;
    let entries = (0..11).map(|i| fifo_entry(i, "g")).collect();
    let err = batch_error(&ep, ep.queue_url(FIFO), entries).await;
    assert!(
        matches!(err, SendMessageBatchError::TooManyEntriesInBatchRequest(_)),
        "{err:?}"
    );
    assert!(ep.messages(FIFO).is_empty());
}

#[tokio::test]
async fn repeated_and_malformed_entry_ids_are_rejected() {
    let ep = endpoint(Duration::ZERO).await;
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![fifo_entry(1, "g"), fifo_entry(1, "h")]).await;
    assert!(
        matches!(err, SendMessageBatchError::BatchEntryIdsNotDistinct(_)),
        "{err:?}"
    );
    let bad = Entry::builder()
        .id("has space")
        .message_body("x")
        .message_group_id("g")
        .message_deduplication_id("d")
        .build()
        .unwrap();
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![bad]).await;
    assert!(matches!(err, SendMessageBatchError::InvalidBatchEntryId(_)), "{err:?}");
    assert!(ep.messages(FIFO).is_empty());
}

#[tokio::test]
async fn fifo_entries_need_group_and_deduplication_ids() {
    let ep = endpoint(Duration::ZERO).await;
    let no_group = Entry::builder()
        .id("a")
        .message_body("x")
        .message_deduplication_id("d")
        .build()
        .unwrap();
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![no_group]).await;
    assert_eq!(err.code(), Some("MissingParameter"), "{err:?}");
    let no_dedup = Entry::builder()
        .id("a")
        .message_body("x")
        .message_group_id("g")
        .build()
        .unwrap();
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![no_dedup]).await;
    assert_eq!(err.code(), Some("InvalidParameterValue"), "{err:?}");
    let delayed = Entry::builder()
        .id("a")
        .message_body("x")
        .message_group_id("g")
        .message_deduplication_id("d")
        .delay_seconds(5)
        .build()
        .unwrap();
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![delayed]).await;
    assert_eq!(err.code(), Some("InvalidParameterValue"), "{err:?}");
    assert!(ep.messages(FIFO).is_empty());
}

#[tokio::test]
async fn batches_above_one_mib_and_unknown_queues_are_rejected() {
    let ep = endpoint(Duration::ZERO).await;
    let big = |i: usize| {
        Entry::builder()
            .id(format!("b{i}"))
            .message_body("x".repeat(400 * 1024))
            .message_group_id("g")
            .message_deduplication_id(format!("d{i}"))
            .build()
            .unwrap()
    };
    let err = batch_error(&ep, ep.queue_url(FIFO), (0..3).map(big).collect()).await;
    assert!(matches!(err, SendMessageBatchError::BatchRequestTooLong(_)), "{err:?}");
    let err = batch_error(&ep, ep.queue_url("missing.fifo"), vec![fifo_entry(0, "g")]).await;
    assert!(matches!(err, SendMessageBatchError::QueueDoesNotExist(_)), "{err:?}");
    let err = batch_error(&ep, ep.queue_url(FIFO), vec![]).await;
    assert!(matches!(err, SendMessageBatchError::EmptyBatchRequest(_)), "{err:?}");
}

#[tokio::test]
async fn invalid_characters_fail_only_their_entry() {
    let ep = endpoint(Duration::ZERO).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk(&ep).await);
    let bad = Entry::builder()
        .id("bad")
        .message_body("nul \u{0} here")
        .message_group_id("g")
        .message_deduplication_id("d-bad")
        .build()
        .unwrap();
    let out = sqs
        .send_message_batch()
        .queue_url(ep.queue_url(FIFO))
        .entries(fifo_entry(0, "g"))
        .entries(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 1);
    assert_eq!(out.failed()[0].id(), "bad");
    assert_eq!(out.failed()[0].code(), "InvalidMessageContents");
    assert!(out.failed()[0].sender_fault());
}

#[tokio::test]
async fn send_message_and_get_queue_url_on_a_standard_queue() {
    let ep = endpoint(Duration::ZERO).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk(&ep).await);
    let url = sqs.get_queue_url().queue_name(STANDARD).send().await.unwrap();
    assert_eq!(url.queue_url(), Some(ep.queue_url(STANDARD).as_str()));
    let out = sqs
        .send_message()
        .queue_url(ep.queue_url(STANDARD))
        .message_body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(out.md5_of_message_body(), Some("5d41402abc4b2a76b9719d911017c592"));
    assert_eq!(out.sequence_number(), None);
    let err = sqs
        .send_message()
        .queue_url(ep.queue_url(STANDARD))
        .message_body("x")
        .message_deduplication_id("d")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn answers_wait_for_the_configured_delay() {
    let ep = endpoint(Duration::from_millis(40)).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk(&ep).await);
    let t = Instant::now();
    sqs.send_message_batch()
        .queue_url(ep.queue_url(FIFO))
        .entries(fifo_entry(0, "g"))
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(40), "{:?}", t.elapsed());
    ep.set_sqs_delay(Duration::ZERO);
    let t = Instant::now();
    sqs.send_message_batch()
        .queue_url(ep.queue_url(FIFO))
        .entries(fifo_entry(1, "g"))
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() < Duration::from_millis(40), "{:?}", t.elapsed());
}

#[tokio::test]
async fn secrets_are_found_by_name_or_arn_and_unknown_ones_are_not() {
    let ep = endpoint(Duration::ZERO).await;
    let sm = aws_sdk_secretsmanager::Client::new(&sdk(&ep).await);
    let arn = ep.secret_arn("hook-secret");
    for id in ["hook-secret", arn.as_str()] {
        let out = sm.get_secret_value().secret_id(id).send().await.unwrap();
        assert_eq!(out.secret_string(), Some("s3cr3t"));
        assert_eq!(out.arn(), Some(arn.as_str()));
        assert_eq!(out.version_stages(), ["AWSCURRENT"]);
    }
    let err = sm
        .get_secret_value()
        .secret_id("other")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(ep.count("GetSecretValue"), 3);
}

#[tokio::test]
async fn unsigned_or_mistyped_raw_requests_are_refused() {
    let ep = endpoint(Duration::ZERO).await;
    let http = reqwest::Client::new();
    let body = format!(r#"{{"QueueUrl":"{}","Entries":[]}}"#, ep.queue_url(FIFO));
    let send = |ct: &'static str, auth: &'static str| {
        http.post(ep.url())
            .header("x-amz-target", "AmazonSQS.SendMessageBatch")
            .header("content-type", ct)
            .header("authorization", auth)
            .header("x-amz-date", "20261129T000000Z")
            .body(body.clone())
            .send()
    };
    let signed =
        "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0";
    let unsigned = send("application/x-amz-json-1.0", "").await.unwrap();
    assert_eq!(unsigned.status(), 403);
    let wrong_service = send(
        "application/x-amz-json-1.0",
        "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sns/aws4_request",
    )
    .await
    .unwrap();
    assert_eq!(wrong_service.status(), 403);
    let wrong_type = send("application/json", signed).await.unwrap();
    assert_eq!(wrong_type.status(), 400);
    let ok_envelope = send("application/x-amz-json-1.0", signed).await.unwrap();
    assert_eq!(ok_envelope.status(), 400);
    assert_eq!(
        ok_envelope.headers()["x-amzn-query-error"],
        "AWS.SimpleQueueService.EmptyBatchRequest;Sender"
    );
    let unknown = http
        .post(ep.url())
        .header("x-amz-target", "DynamoDB_20120810.GetItem")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
}
