//! Property test of the whole intake (size check, base64, signature, parse, filter, batching): arbitrary bodies,
//! headers, methods and flags never panic, never pass verification without the secret, and every accepted
//! request's batches respect the SQS limits.

#![allow(clippy::unwrap_used)] // test code

use aws_lambda_events::apigw::ApiGatewayProxyRequest;
use aws_lambda_events::http::{HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use sync_events::WebhookVerifier;
use webhook_receipt::batch::{MAX_BATCH_BYTES, MAX_BATCH_ENTRIES};
use webhook_receipt::config::{Config, SignatureMode};
use webhook_receipt::intake::{Auth, intake};

const URL: &str = "https://hooks.example.com/async/webhook";

fn config() -> Config {
    Config {
        queue_url: "http://q".into(),
        signature: SignatureMode::Verify {
            secret_arn: "arn".into(),
            public_url: URL.into(),
        },
        portal_ids: None,
    }
}

fn header_names() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "x-hubspot-signature-v3",
        "x-hubspot-request-timestamp",
        "x-hubspot-signature",
        "x-hubspot-signature-version",
        "content-type",
    ])
    .prop_map(str::to_owned)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn intake_never_panics(
        body in prop::option::of(prop::collection::vec(any::<u8>(), 0..300)),
        b64 in any::<bool>(),
        headers in prop::collection::vec((header_names(), prop::collection::vec(any::<u8>(), 0..60)), 0..6),
        method in prop::sample::select(vec!["POST", "GET", "PUT"]),
        now in any::<i64>(),
    ) {
        let mut req = ApiGatewayProxyRequest::default();
        req.http_method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST);
        req.body = body.map(|b| String::from_utf8_lossy(&b).into_owned());
        req.is_base64_encoded = b64;
        for (name, value) in headers {
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(&value)) {
                req.headers.insert(n, v);
            }
        }
        let verify = Auth::Verify(WebhookVerifier::new("secret", URL).unwrap());
        prop_assert!(intake(&config(), &verify, &req, "c", now).is_err());
        if let Ok(accepted) = intake(&config(), &Auth::UnsignedDev, &req, "c", now) {
            for batch in &accepted.batches {
                prop_assert!(batch.len() <= MAX_BATCH_ENTRIES);
                prop_assert!(batch.iter().map(|e| e.size()).sum::<usize>() <= MAX_BATCH_BYTES);
            }
        }
    }
}
