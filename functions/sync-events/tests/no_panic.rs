//! Property tests: the webhook parser, the signature verifier, the URI decoder and the SQS body reader never
//! panic on arbitrary input, and every parsed event maps to SQS ids within the limits.

#![allow(clippy::unwrap_used)] // test helpers may unwrap (fixtures are trusted)

use proptest::prelude::*;
use sync_events::signature::decode_signed_uri;
use sync_events::{MAX_SQS_ID_LEN, SignatureHeaders, SyncEvent, WebhookVerifier, parse_webhook};

fn event_json() -> impl Strategy<Value = String> {
    let types = prop::sample::select(vec![
        "deal.creation",
        "deal.propertyChange",
        "company.propertyChange",
        "object.creation",
        "x.y",
        "",
        "deal.",
    ]);
    (
        types,
        any::<u64>(),
        any::<i64>(),
        prop::option::of("[0-9a-z -]{0,12}"),
        prop::option::of(any::<u64>()),
        ".{0,20}",
    )
        .prop_map(|(t, portal, at, type_id, object, value)| {
            serde_json::json!({"subscriptionType": t, "portalId": portal, "occurredAt": at, "objectTypeId": type_id,
                "objectId": object, "propertyName": "p", "propertyValue": value})
            .to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&body, "c");
        let _ = SyncEvent::from_sqs_body(&String::from_utf8_lossy(&body));
    }

    #[test]
    fn parsed_events_always_have_valid_sqs_ids(events in prop::collection::vec(event_json(), 0..8)) {
        let body = format!("[{}]", events.join(","));
        if let Ok(parsed) = parse_webhook(body.as_bytes(), "c") {
            for e in parsed {
                let msg = e.to_sqs_message().unwrap();
                prop_assert!(msg.group_id.len() <= MAX_SQS_ID_LEN && msg.group_id.bytes().all(|b| b.is_ascii_graphic()));
                prop_assert_eq!(msg.deduplication_id.len(), 64);
                prop_assert_eq!(SyncEvent::from_sqs_body(&msg.body).unwrap(), e);
            }
        }
    }

    #[test]
    fn verifier_never_panics(
        body in prop::collection::vec(any::<u8>(), 0..256),
        method in ".{0,8}",
        url in ".{0,40}",
        sig_v3 in prop::option::of(".{0,64}"),
        ts in prop::option::of(".{0,24}"),
        sig in prop::option::of(".{0,80}"),
        version in prop::option::of(".{0,4}"),
        now in any::<i64>(),
    ) {
        let _ = decode_signed_uri(&url);
        let full_url = format!("https://h/{url}");
        let v = WebhookVerifier::new("s", &full_url).unwrap();
        let headers = SignatureHeaders {
            signature_v3: sig_v3.as_deref(),
            request_timestamp: ts.as_deref(),
            signature: sig.as_deref(),
            signature_version: version.as_deref(),
        };
        prop_assert!(v.verify(&method, &body, &headers, now).is_err());
        let _ = WebhookVerifier::new("s", &url);
    }
}
