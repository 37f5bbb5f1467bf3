//! The receipt's hot path `webhook_sqs_messages` (borrowed parse straight into SQS messages) against the owned
//! pipeline it replaces: the pre-change parser kept in `tests/reference` (owned wire struct -> `SyncEvent`), then
//! `SyncEvent::to_sqs_message` on the kept events. Same received count, same messages byte for byte, same errors,
//! on random event arrays (every field present or absent, right or wrong JSON types, ids as numbers or digit
//! strings, escaped and non-ASCII strings, unknown fields) and on truncated or corrupted bodies. `parse_webhook`
//! (now also borrowed) is compared with the reference too. Bodies are compact and pretty-printed, so both the
//! fast scanner and the serde_json fallback of `webhook_sqs_messages` are exercised.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod reference;

use proptest::prelude::*;
use serde_json::{Value, json};
use sync_events::{EventKind, ParseError, SqsMessage, parse_webhook, webhook_fast_path_accepts, webhook_sqs_messages};

type Outcome = Result<(usize, Vec<SqsMessage>), ParseError>;

fn keep(kind: EventKind, portal: u64) -> bool {
    kind.is_handled() && !portal.is_multiple_of(3)
}

fn via_reference(body: &[u8]) -> Outcome {
    let events = reference::parse_webhook(body, "corr-\"id\"")?;
    let messages = events
        .iter()
        .filter(|e| keep(e.kind(), e.portal_id))
        .map(|e| e.to_sqs_message().unwrap())
        .collect();
    Ok((events.len(), messages))
}

fn via_fused(body: &[u8]) -> Outcome {
    webhook_sqs_messages(body, "corr-\"id\"", keep).map(|w| (w.received, w.messages))
}

fn check(body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert_eq!(via_fused(body), via_reference(body));
    prop_assert_eq!(parse_webhook(body, "c"), reference::parse_webhook(body, "c"));
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => "[a-zA-Z0-9_:. -]{0,12}",
        10 => "[^\\\\\"\\x00-\\x1f]{0,8}",
        2 => any::<String>(),
        1 => Just("with \"quotes\" \\ back\nslash\u{1}\u{7f} é 😀".to_owned()),
    ]
}

/// A JSON value for an id field: usually a number, sometimes a digit string, rarely something invalid.
fn id() -> impl Strategy<Value = Value> {
    prop_oneof![
        150 => any::<u64>().prop_map(Value::from),
        50 => (0u64..10_000).prop_map(|v| Value::from(v.to_string())),
        1 => prop_oneof![Just(json!(-1)), Just(json!("12a")), Just(json!(1.5)), Just(json!(null)), Just(json!(""))],
    ]
}

fn string_field() -> impl Strategy<Value = Value> {
    prop_oneof![150 => text().prop_map(Value::from), 10 => Just(json!(null)), 1 => Just(json!(7))]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        100 => text().prop_map(Value::from),
        5 => any::<i64>().prop_map(Value::from),
        20 => any::<u64>().prop_map(Value::from),
        5 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        20 => any::<bool>().prop_map(Value::from),
        20 => Just(json!(null)),
        1 => Just(json!([1])),
    ]
}

fn bool_field() -> impl Strategy<Value = Value> {
    prop_oneof![150 => any::<bool>().prop_map(Value::from), 10 => Just(json!(null)), 1 => Just(json!("true"))]
}

fn subscription_type() -> impl Strategy<Value = Value> {
    prop_oneof![
        150 => prop::sample::select(vec![
            "deal.creation", "deal.propertyChange", "deal.associationChange", "company.propertyChange",
            "contact.propertyChange", "object.creation", "object.propertyChange", "deal.merge", "contact.deletion",
            "ticket.creation", "x.y", "", "deal.", "nodot",
        ])
        .prop_map(Value::from),
        10 => text().prop_map(Value::from),
        1 => Just(json!(3)),
    ]
}

/// One event object: each field present with probability 0.2-0.99 (the required ones more often); a wrong JSON
/// type is rare per field (about 1 in 150) so that most arrays are accepted; broken bodies are covered separately.
fn event() -> impl Strategy<Value = Value> {
    let opt = |p: f64, s: BoxedStrategy<Value>| prop::option::weighted(p, s);
    let core = (
        opt(0.99, subscription_type().boxed()),
        opt(0.2, subscription_type().boxed()),
        opt(0.97, id().boxed()),
        opt(
            0.4,
            prop_oneof![
                8 => prop::sample::select(vec!["0-1", "0-2", "0-3", "0-46", "2-99", "bad id"]).prop_map(Value::from),
                1 => string_field()
            ]
            .boxed(),
        ),
        opt(0.99, id().boxed()),
        opt(
            0.99,
            prop_oneof![150 => (0..i64::MAX).prop_map(Value::from), 5 => any::<i64>().prop_map(Value::from), 1 => Just(json!("1"))].boxed(),
        ),
        opt(0.6, id().boxed()),
        opt(0.6, id().boxed()),
        opt(0.6, id().boxed()),
        opt(0.6, string_field().boxed()),
        opt(0.6, scalar().boxed()),
        opt(0.5, string_field().boxed()),
    );
    let extra = (
        opt(0.3, string_field().boxed()),
        opt(0.3, string_field().boxed()),
        opt(0.2, bool_field().boxed()),
        opt(0.3, string_field().boxed()),
        opt(0.3, id().boxed()),
        opt(0.3, id().boxed()),
        opt(0.3, bool_field().boxed()),
        opt(0.3, bool_field().boxed()),
        opt(0.2, id().boxed()),
        opt(0.2, prop::collection::vec(id(), 0..4).prop_map(Value::from).boxed()),
        opt(0.2, id().boxed()),
        opt(
            0.2,
            prop_oneof![50 => any::<u64>().prop_map(Value::from), 1 => Just(json!(-3))].boxed(),
        ),
    );
    let unknown = prop::option::of(any::<u32>());
    (core, extra, unknown).prop_map(|(core, extra, unknown)| {
        let (st, et, oid, otid, portal, at, app, sub, eid, pname, pval, csrc) = core;
        let (flag, src, sens, atype, from, to, removed, primary, pid, merged, new, moved) = extra;
        let mut m = serde_json::Map::new();
        let fields = [
            ("subscriptionType", st),
            ("eventType", et),
            ("objectId", oid),
            ("objectTypeId", otid),
            ("portalId", portal),
            ("occurredAt", at),
            ("appId", app),
            ("subscriptionId", sub),
            ("eventId", eid),
            ("propertyName", pname),
            ("propertyValue", pval),
            ("changeSource", csrc),
            ("changeFlag", flag),
            ("sourceId", src),
            ("isSensitive", sens),
            ("associationType", atype),
            ("fromObjectId", from),
            ("toObjectId", to),
            ("associationRemoved", removed),
            ("isPrimaryAssociation", primary),
            ("primaryObjectId", pid),
            ("mergedObjectIds", merged),
            ("newObjectId", new),
            ("numberOfPropertiesMoved", moved),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        }
        if let Some(n) = unknown {
            m.insert("attemptNumber".to_owned(), json!(n));
            m.insert("messageId".to_owned(), json!({"nested": [n, "x"]}));
        }
        Value::Object(m)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn fused_path_equals_the_owned_reference(events in prop::collection::vec(event(), 0..12)) {
        let value = Value::from(events);
        check(value.to_string().as_bytes())?;
        check(serde_json::to_string_pretty(&value).unwrap().as_bytes())?;
    }

    #[test]
    fn fused_path_equals_the_owned_reference_on_broken_bodies(
        events in prop::collection::vec(event(), 1..6),
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        mode in 0u8..3,
    ) {
        let mut body = Value::from(events).to_string().into_bytes();
        let at = cut.index(body.len());
        match mode {
            0 => body.truncate(at),
            1 => body[at] = byte,
            _ => body.insert(at, byte),
        }
        check(&body)?;
    }
}

#[test]
fn the_bench_body_and_the_fixtures_match_the_reference() {
    let events: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"eventId":{},"subscriptionId":7001,"portalId":62515,"appId":54321,"occurredAt":{},"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":{},"propertyName":"dealstage","propertyValue":"stage-{i}","changeSource":"CRM_UI"}}"#,
                5_000 + i,
                1_790_000_000_000_u64 + i,
                1_000 + i % 40
            )
        })
        .collect();
    let body = format!("[{}]", events.join(","));
    assert!(webhook_fast_path_accepts(body.as_bytes()));
    let fused = via_fused(body.as_bytes()).unwrap();
    assert_eq!((fused.0, fused.1.len()), (100, 100));
    assert_eq!(Ok(fused), via_reference(body.as_bytes()));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hubspot");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert_eq!(via_fused(&bytes), via_reference(&bytes));
        seen += 1;
    }
    assert!(seen >= 10);
}

/// The generator must mostly produce accepted bodies with kept messages (the interesting case), not only errors,
/// and a good share of them must be read by the fast scanner (not only by the serde_json fallback).
#[test]
fn the_generator_produces_mostly_accepted_bodies_with_messages() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(event(), 1..12);
    let (mut accepted, mut messages, mut fast) = (0, 0, 0);
    for _ in 0..400 {
        let body = Value::from(strategy.new_tree(&mut runner).unwrap().current()).to_string();
        if let Ok((_, m)) = via_reference(body.as_bytes()) {
            accepted += 1;
            messages += m.len();
            fast += usize::from(webhook_fast_path_accepts(body.as_bytes()));
        }
    }
    assert!(
        accepted >= 120 && messages >= 200 && fast >= accepted / 3,
        "accepted {accepted} of 400, {messages} messages, {fast} by the fast scanner"
    );
}
