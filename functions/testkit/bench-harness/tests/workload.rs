//! The workloads are what the Lambdas expect: the webhook event is a valid API Gateway REST proxy event whose v3
//! signature verifies with `sync-events`' verifier, and the SQS batch is a valid SQS event with distinct ids and
//! correct MD5s.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use aws_lambda_events::apigw::ApiGatewayProxyRequest;
use aws_lambda_events::sqs::SqsEvent;
use bench_harness::aws::sqs::md5_hex;
use bench_harness::workload::{PORTAL_ID, deal_webhook_body, signed_webhook_event, skipped_sqs_batch};
use serde_json::Value;
use sync_events::{SignatureHeaders, SignatureVersion, WebhookVerifier};

const URL: &str = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/async/webhook";

#[test]
fn the_signed_webhook_event_deserializes_and_verifies() {
    let body = deal_webhook_body(100, 20, 5_000);
    let events: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(events.len(), 100);
    let ids: BTreeSet<u64> = events.iter().map(|e| e["eventId"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 100);
    let objects: BTreeSet<u64> = events.iter().map(|e| e["objectId"].as_u64().unwrap()).collect();
    assert_eq!(objects.len(), 20);
    assert!(events.iter().all(|e| e["portalId"] == PORTAL_ID));

    let now = 1_790_000_000_000;
    let event = signed_webhook_event(&body, "s3cr3t", URL, now, "req-1");
    let req: ApiGatewayProxyRequest = serde_json::from_value(event).unwrap();
    assert_eq!(req.body.as_deref(), Some(body.as_str()));
    assert_eq!(req.request_context.request_id.as_deref(), Some("req-1"));
    let headers = SignatureHeaders::from_lookup(|name| req.headers.get(name).and_then(|v| v.to_str().ok()));
    let verifier = WebhookVerifier::new("s3cr3t", URL).unwrap();
    assert_eq!(
        verifier.verify("POST", body.as_bytes(), &headers, now + 1_000),
        Ok(SignatureVersion::V3)
    );
    let wrong = WebhookVerifier::new("other", URL).unwrap();
    assert!(wrong.verify("POST", body.as_bytes(), &headers, now + 1_000).is_err());
}

#[test]
fn the_skipped_batch_is_a_valid_sqs_event() {
    let event: SqsEvent = serde_json::from_value(skipped_sqs_batch(10, 20)).unwrap();
    assert_eq!(event.records.len(), 10);
    let ids: BTreeSet<_> = event.records.iter().map(|r| r.message_id.clone().unwrap()).collect();
    assert_eq!(ids.len(), 10);
    for r in &event.records {
        let body = r.body.as_deref().unwrap();
        assert_eq!(r.md5_of_body.as_deref(), Some(md5_hex(body.as_bytes()).as_str()));
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["schemaVersion"], 1);
        let handled_hubspot_deal = v["source"] == "hubspot" && v["eventType"] == "deal.propertyChange";
        assert!(
            !handled_hubspot_deal,
            "every record must be one the processor skips: {v}"
        );
    }
}
