//! SQS mapping: group ids separate object types and ids, dedup ids are stable across redeliveries (attemptNumber,
//! correlation id) and differ for different events, ids respect SQS limits, and bodies are versioned.

#![allow(clippy::unwrap_used)] // test helpers may unwrap (fixtures are trusted)

use sync_events::{BodyError, EventKind, MAX_SQS_ID_LEN, SCHEMA_VERSION, SyncEvent, parse_webhook};

fn one(json: &str) -> SyncEvent {
    let mut events = parse_webhook(json.as_bytes(), "req-1").unwrap();
    assert_eq!(events.len(), 1);
    events.remove(0)
}

const DEAL: &str = r#"[{"eventId":100,"subscriptionId":7001,"portalId":62515,"appId":54321,"occurredAt":1790000000000,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM_UI"}]"#;

#[test]
fn deal_and_company_with_the_same_id_never_share_a_group() {
    let deal = one(DEAL);
    let company = one(&DEAL.replace("deal.propertyChange", "company.propertyChange"));
    assert_eq!(deal.message_group_id(), "hubspot:62515:deal:123");
    assert_eq!(company.message_group_id(), "hubspot:62515:company:123");
    let other_portal = one(&DEAL.replace("62515", "62516"));
    assert_ne!(other_portal.message_group_id(), deal.message_group_id());
}

#[test]
fn dedup_id_is_stable_across_redeliveries_and_receipts() {
    let first = one(DEAL);
    let redelivered = parse_webhook(
        DEAL.replace(r#""attemptNumber":0"#, r#""attemptNumber":3"#).as_bytes(),
        "req-2",
    )
    .unwrap()
    .remove(0);
    assert_ne!(first.correlation_id, redelivered.correlation_id);
    assert_eq!(first.deduplication_id(), redelivered.deduplication_id());
    assert_eq!(first.deduplication_id().len(), 64);
    assert!(first.deduplication_id().bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn dedup_id_differs_for_any_identity_change() {
    let base = one(DEAL).deduplication_id();
    for (from, to) in [
        (r#""eventId":100"#, r#""eventId":101"#),
        ("1790000000000", "1790000000001"),
        (r#""objectId":123"#, r#""objectId":124"#),
        ("dealstage", "amount"),
        ("closedwon", "closedlost"),
        ("62515", "62516"),
        ("deal.propertyChange", "company.propertyChange"),
    ] {
        assert_ne!(one(&DEAL.replace(from, to)).deduplication_id(), base, "{from} -> {to}");
    }
    // Field boundaries are unambiguous: moving characters between name and value changes the id.
    let a = one(&DEAL
        .replace(r#""dealstage""#, r#""dealstag""#)
        .replace(r#""closedwon""#, r#""eclosedwon""#));
    assert_ne!(a.deduplication_id(), base);
}

#[test]
fn ids_respect_sqs_limits_even_for_odd_inputs() {
    let long_type = format!("2-{}", "9".repeat(200));
    let json = format!(
        r#"[{{"portalId":18446744073709551615,"occurredAt":-5,"subscriptionType":"object.creation","objectTypeId":"{long_type}","objectId":18446744073709551615}}]"#
    );
    let e = one(&json);
    for id in [e.message_group_id(), e.deduplication_id()] {
        assert!(!id.is_empty() && id.len() <= MAX_SQS_ID_LEN, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_graphic()), "{id}");
    }
    let spaced = one(&json.replace(&long_type, "2-1 x"));
    assert!(spaced.message_group_id().bytes().all(|b| b.is_ascii_graphic()));
    assert_ne!(spaced.message_group_id(), e.message_group_id());
}

#[test]
fn body_is_versioned_and_other_versions_are_rejected() {
    let e = one(DEAL);
    let msg = e.to_sqs_message().unwrap();
    let v: serde_json::Value = serde_json::from_str(&msg.body).unwrap();
    assert_eq!(v["schemaVersion"], SCHEMA_VERSION);
    assert_eq!(v["eventType"], "deal.propertyChange");
    assert_eq!(msg.group_id, e.message_group_id());
    let v2 = msg.body.replace(r#""schemaVersion":1"#, r#""schemaVersion":2"#);
    assert_eq!(
        SyncEvent::from_sqs_body(&v2),
        Err(BodyError::UnsupportedVersion { found: 2, supported: 1 })
    );
    assert!(matches!(SyncEvent::from_sqs_body("{"), Err(BodyError::Json { .. })));
    assert!(matches!(SyncEvent::from_sqs_body("{}"), Err(BodyError::Json { .. })));
    // An unknown object type written by a newer producer reads as Unknown, i.e. unsupported, never a deal.
    let newer = msg.body.replace(r#""objectType":"deal""#, r#""objectType":"invoice""#);
    assert_eq!(SyncEvent::from_sqs_body(&newer).unwrap().kind(), EventKind::Unsupported);
}

#[test]
fn parse_errors_do_not_echo_payload_values() {
    let secret_value = "SECRET-PROPERTY-VALUE";
    for body in [
        format!(r#"[{{"portalId":"{secret_value}"}}]"#),
        format!(r#"{{"x":"{secret_value}"}}"#),
        format!(r#"["{secret_value}"]"#),
        secret_value.to_string(),
    ] {
        let err = parse_webhook(body.as_bytes(), "c").unwrap_err();
        assert!(!err.to_string().contains(secret_value), "{err}");
    }
    let missing = parse_webhook(
        br#"[{"portalId":1,"occurredAt":1,"subscriptionType":"deal.creation"}]"#,
        "c",
    );
    assert_eq!(
        missing.unwrap_err().to_string(),
        "event 0 lacks required field objectId"
    );
}
