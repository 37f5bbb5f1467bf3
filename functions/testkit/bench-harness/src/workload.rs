//! The benchmark workloads as Lambda event documents: HubSpot webhooks wrapped in API Gateway REST proxy events,
//! signed with HubSpot's v3 scheme (via `sync-events`), and SQS event-source batches for the processor.

use serde_json::{Value, json};
use sync_events::signature::{HEADER_REQUEST_TIMESTAMP, HEADER_SIGNATURE_V3, decode_signed_uri, sign_v3};

/// The portal the workload's events belong to.
pub const PORTAL_ID: u64 = 62515;

/// A HubSpot webhook body of `n` `deal.propertyChange` events over `objects` deals; `first_event_id` makes the
/// events of different webhooks distinct (HubSpot's eventId is unique per event).
pub fn deal_webhook_body(n: usize, objects: usize, first_event_id: u64) -> String {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            let i64_ = i as u64;
            json!({
                "eventId": first_event_id + i64_,
                "subscriptionId": 7001,
                "portalId": PORTAL_ID,
                "appId": 54321,
                "occurredAt": 1_790_000_000_000_u64 + i64_,
                "subscriptionType": "deal.propertyChange",
                "attemptNumber": 0,
                "objectId": 1_000 + i64_ % objects.max(1) as u64,
                "propertyName": "dealstage",
                "propertyValue": format!("stage-{}", i % 7),
                "changeSource": "CRM_UI",
            })
        })
        .collect();
    Value::Array(events).to_string()
}

/// An API Gateway REST proxy event (POST `/async/webhook`, stage `prod`) carrying `body`, signed with HubSpot v3
/// for `public_url` at `timestamp_ms`.
pub fn signed_webhook_event(body: &str, secret: &str, public_url: &str, timestamp_ms: i64, request_id: &str) -> Value {
    let ts = timestamp_ms.to_string();
    let signature = sign_v3(secret, "POST", &decode_signed_uri(public_url), body.as_bytes(), &ts);
    let headers = json!({
        "Content-Type": "application/json",
        "User-Agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        HEADER_SIGNATURE_V3: signature,
        HEADER_REQUEST_TIMESTAMP: ts,
    });
    let multi: serde_json::Map<String, Value> = headers
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), json!([v]))).collect())
        .unwrap_or_default();
    json!({
        "resource": "/async/webhook",
        "path": "/async/webhook",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": null,
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "resourceId": "r35ou1",
            "resourcePath": "/async/webhook",
            "httpMethod": "POST",
            "path": "/prod/async/webhook",
            "stage": "prod",
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTimeEpoch": timestamp_ms,
            "protocol": "HTTP/1.1",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "identity": {"sourceIp": "54.174.0.10", "userAgent": "HubSpot Connect 2.0"},
        },
        "body": body,
        "isBase64Encoded": false,
    })
}

/// Message bodies (version-1 sync events) the processor skips without any external call: foreign sources and
/// HubSpot kinds it does not handle.
fn skipped_body(i: usize) -> Value {
    let (source, event_type, object_type) = match i % 5 {
        0 => ("gcp", "deal.propertyChange", "deal"),
        1 => ("microsoft", "deal.propertyChange", "deal"),
        2 => ("aws", "deal.propertyChange", "deal"),
        3 => ("hubspot", "deal.deletion", "deal"),
        _ => ("hubspot", "ticket.propertyChange", "ticket"),
    };
    let action = event_type.split_once('.').map_or("", |(_, a)| a);
    json!({
        "schemaVersion": 1,
        "source": source,
        "eventType": event_type,
        "objectType": object_type,
        "action": action,
        "objectId": (9_100 + i).to_string(),
        "portalId": PORTAL_ID,
        "occurredAt": 1_790_000_000_000_u64 + i as u64 * 1_000,
        "appId": 54321,
        "subscriptionId": 7_000 + i,
        "eventId": 100 + i,
        "correlationId": format!("corr-{i:04}"),
    })
}

/// An SQS event-source batch of `n` records whose events the processor skips (see [`skipped_body`]); `offset`
/// keeps message ids distinct between batches.
pub fn skipped_sqs_batch(n: usize, offset: usize) -> Value {
    let records: Vec<Value> = (0..n)
        .map(|k| {
            let i = offset + k;
            let body = skipped_body(i);
            let group = format!(
                "{}:{PORTAL_ID}:{}:{}",
                body["source"].as_str().unwrap_or(""),
                body["objectType"].as_str().unwrap_or(""),
                body["objectId"].as_str().unwrap_or("")
            );
            let body = body.to_string();
            json!({
                "messageId": format!("msg-{i:06}"),
                "receiptHandle": format!("AQEB-receipt-{i:06}"),
                "md5OfBody": crate::aws::sqs::md5_hex(body.as_bytes()),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1790000000200",
                    "SequenceNumber": format!("{:020}", 18_849_496_460_467_696_128_u128 + i as u128),
                    "MessageGroupId": group,
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "MessageDeduplicationId": format!("{i:064x}"),
                    "ApproximateFirstReceiveTimestamp": "1790000000250",
                },
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:hubspot-sync.fifo",
                "awsRegion": "us-east-1",
            })
        })
        .collect();
    json!({ "Records": records })
}
