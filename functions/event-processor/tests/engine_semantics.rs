//! FIFO partial-batch semantics of the engine, driven through a scripted test double: every failure position in a
//! mixed-group batch for each error class, pairs of failures, coalescing, poison bodies, skips and deadlines.
//! Expected failures are computed by an independent oracle ("the failing record and every later record of its
//! group"), not written down by hand.

#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Double, Script, body, event, record};
use event_processor::engine::{BatchEngine, EngineConfig};
use event_processor::outcome::{FailureClass, RecordStatus};

/// Ten records over three groups, each record its own object (no coalescing).
const GROUPS: [&str; 10] = ["A", "B", "A", "C", "B", "A", "C", "A", "B", "C"];

fn mixed_batch() -> aws_lambda_events::event::sqs::SqsEvent {
    event(
        GROUPS
            .iter()
            .enumerate()
            .map(|(i, g)| record(&format!("m{i}"), g, &body(&format!("k{i}"), &format!("m{i}")), 1))
            .collect(),
    )
}

/// Oracle: record i is reported failed iff some failing record f has the same group and f <= i.
fn expected_failed(failing: &[usize]) -> Vec<String> {
    (0..GROUPS.len())
        .filter(|&i| failing.iter().any(|&f| GROUPS[f] == GROUPS[i] && f <= i))
        .map(|i| format!("m{i}"))
        .collect()
}

/// Oracle: record i is attempted iff no failing record f of its group comes strictly before it.
fn expected_attempted(failing: &[usize]) -> Vec<String> {
    (0..GROUPS.len())
        .filter(|&i| !failing.iter().any(|&f| GROUPS[f] == GROUPS[i] && f < i))
        .map(|i| format!("m{i}"))
        .collect()
}

fn engine(double: Double) -> BatchEngine<Double> {
    BatchEngine::new(
        double,
        EngineConfig {
            max_receive_count: Some(5),
            ..EngineConfig::default()
        },
    )
}

#[tokio::test]
async fn every_failure_position_for_every_retried_class() {
    for class in [FailureClass::Transient, FailureClass::Config] {
        for pos in 0..GROUPS.len() {
            let engine = engine(Double::new().script(&format!("k{pos}"), vec![Script::Fail(class)]));
            let report = engine.run(&mixed_batch(), None).await.unwrap();
            assert_eq!(
                report.failed_ids(),
                expected_failed(&[pos]),
                "class {class}, position {pos}"
            );
            assert_eq!(
                engine.processor().called_messages(),
                expected_attempted(&[pos]),
                "class {class}, position {pos}"
            );
            let failing = &report.records[pos].status;
            assert!(
                matches!(failing, RecordStatus::Failed { class: c, .. } if *c == class),
                "{failing:?}"
            );
            for r in &report.records[pos + 1..] {
                if r.meta.group == GROUPS[pos] {
                    assert_eq!(
                        r.status,
                        RecordStatus::Held {
                            blocked_by: format!("m{pos}")
                        }
                    );
                }
            }
            let response = serde_json::to_value(report.response()).unwrap();
            let ids: Vec<&str> = response["batchItemFailures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["itemIdentifier"].as_str().unwrap())
                .collect();
            assert_eq!(ids, expected_failed(&[pos]));
        }
    }
}

#[tokio::test]
async fn permanent_failure_at_any_position_is_acknowledged_and_surfaced() {
    for pos in 0..GROUPS.len() {
        let engine = engine(Double::new().script(&format!("k{pos}"), vec![Script::Fail(FailureClass::Permanent)]));
        let report = engine.run(&mixed_batch(), None).await.unwrap();
        assert!(report.failed_ids().is_empty(), "position {pos}");
        assert_eq!(engine.processor().called_messages().len(), GROUPS.len());
        assert!(matches!(
            report.records[pos].status,
            RecordStatus::FailedPermanent { .. }
        ));
        assert_eq!(*engine.processor().surfaced.lock().unwrap(), vec![format!("k{pos}")]);
    }
}

#[tokio::test]
async fn every_pair_of_failure_positions() {
    for a in 0..GROUPS.len() {
        for b in a + 1..GROUPS.len() {
            let double = Double::new()
                .script(&format!("k{a}"), vec![Script::Fail(FailureClass::Transient)])
                .script(&format!("k{b}"), vec![Script::Fail(FailureClass::Config)]);
            let engine = engine(double);
            let report = engine.run(&mixed_batch(), None).await.unwrap();
            assert_eq!(report.failed_ids(), expected_failed(&[a, b]), "positions {a},{b}");
            assert_eq!(
                engine.processor().called_messages(),
                expected_attempted(&[a, b]),
                "positions {a},{b}"
            );
        }
    }
}

#[tokio::test]
async fn coalesces_events_of_one_object_into_one_call() {
    let batch = event(vec![
        record("m0", "deal-1", &body("deal-1", "m0"), 1),
        record("m1", "deal-2", &body("deal-2", "m1"), 1),
        record("m2", "deal-1", &body("deal-1", "m2"), 1),
        record("m3", "deal-1", &body("deal-1", "m3"), 1),
    ]);
    let engine = engine(Double::new());
    let report = engine.run(&batch, None).await.unwrap();
    assert_eq!(
        engine.processor().calls(),
        vec![
            ("deal-1".to_owned(), vec!["m0".into(), "m2".into(), "m3".into()]),
            ("deal-2".to_owned(), vec!["m1".into()])
        ]
    );
    assert_eq!(report.units_run, 2);
    assert!(report.failed_ids().is_empty());
    for i in [0, 2, 3] {
        assert_eq!(
            report.records[i].status,
            RecordStatus::Processed {
                action: "synced".into(),
                coalesced: 3
            }
        );
    }
}

#[tokio::test]
async fn failed_coalesced_sync_fails_all_its_records_and_later_group_records() {
    let batch = event(vec![
        record("m0", "g", &body("deal-1", "m0"), 1),
        record("m1", "h", &body("deal-2", "m1"), 1),
        record("m2", "g", &body("deal-1", "m2"), 1),
        record("m3", "g", &body("deal-3", "m3"), 1),
        record("m4", "g", &body("deal-1", "m4"), 1),
    ]);
    let engine = engine(Double::new().script("deal-1", vec![Script::Fail(FailureClass::Transient)]));
    let report = engine.run(&batch, None).await.unwrap();
    assert_eq!(report.failed_ids(), vec!["m0", "m2", "m3", "m4"]);
    // deal-1 is fetched once for m0+m2; deal-3 breaks the run so m4 is a separate (held) unit.
    assert_eq!(
        engine.processor().calls(),
        vec![
            ("deal-1".into(), vec!["m0".into(), "m2".into()]),
            ("deal-2".into(), vec!["m1".into()])
        ]
    );
}

#[tokio::test]
async fn handler_skip_is_acknowledged_for_all_coalesced_records() {
    let batch = event(vec![
        record("m0", "g", &body("deal-1", "m0"), 1),
        record("m1", "g", &body("deal-1", "m1"), 1),
    ]);
    let engine = engine(Double::new().script("deal-1", vec![Script::SkipObject]));
    let report = engine.run(&batch, None).await.unwrap();
    assert!(report.failed_ids().is_empty());
    assert!(report.records.iter().all(|r| r.status
        == RecordStatus::Skipped {
            reason: "not_in_scope".into()
        }));
}

#[tokio::test]
async fn unsupported_types_are_skipped_without_processing() {
    let unsupported = serde_json::json!({"key": "x", "type": "unsupported.thing", "m": "m1"}).to_string();
    let batch = event(vec![
        record("m0", "g", &body("deal-1", "m0"), 1),
        record("m1", "g", &unsupported, 1),
    ]);
    let engine = engine(Double::new());
    let report = engine.run(&batch, None).await.unwrap();
    assert!(report.failed_ids().is_empty());
    assert_eq!(
        report.records[1].status,
        RecordStatus::Skipped {
            reason: "unsupported_type".into()
        }
    );
    assert_eq!(engine.processor().called_messages(), vec!["m0"]);
}

#[tokio::test]
async fn poison_body_holds_its_group_while_deliveries_remain() {
    for receive_count in 1..5 {
        let batch = event(vec![
            record("m0", "g", "not json", receive_count),
            record("m1", "h", &body("deal-2", "m1"), receive_count),
            record("m2", "g", &body("deal-1", "m2"), receive_count),
        ]);
        let engine = engine(Double::new());
        let report = engine.run(&batch, None).await.unwrap();
        assert_eq!(report.failed_ids(), vec!["m0", "m2"], "receive count {receive_count}");
        assert!(matches!(
            report.records[0].status,
            RecordStatus::Unparseable { holds_group: true, .. }
        ));
        assert_eq!(report.records[0].labels.event_type, "unparseable");
        assert_eq!(engine.processor().called_messages(), vec!["m1"]);
    }
}

#[tokio::test]
async fn poison_body_on_its_last_delivery_goes_to_the_dlq_without_dragging_its_group() {
    for receive_count in [5, 6] {
        let batch = event(vec![
            record("m0", "g", "{\"no_key\":1}", receive_count),
            record("m1", "g", &body("deal-1", "m1"), receive_count),
        ]);
        let engine = engine(Double::new());
        let report = engine.run(&batch, None).await.unwrap();
        assert_eq!(
            report.failed_ids(),
            vec!["m0"],
            "the poison record is still failed, so SQS moves it to the DLQ"
        );
        assert!(matches!(
            report.records[0].status,
            RecordStatus::Unparseable { holds_group: false, .. }
        ));
        assert_eq!(engine.processor().called_messages(), vec!["m1"]);
    }
}

#[tokio::test]
async fn poison_always_holds_when_max_receive_count_is_unknown() {
    let batch = event(vec![
        record("m0", "g", "", 50),
        record("m1", "g", &body("deal-1", "m1"), 50),
    ]);
    let engine = BatchEngine::new(Double::new(), EngineConfig::default());
    let report = engine.run(&batch, None).await.unwrap();
    assert_eq!(report.failed_ids(), vec!["m0", "m1"]);
}

#[tokio::test]
async fn record_without_body_is_unparseable() {
    let mut r = record("m0", "g", "", 1);
    r.body = None;
    let report = engine(Double::new()).run(&event(vec![r]), None).await.unwrap();
    assert!(
        matches!(&report.records[0].status, RecordStatus::Unparseable { error, .. } if error == "record has no body")
    );
}

#[tokio::test]
async fn record_without_message_id_fails_the_invocation() {
    let mut r = record("m0", "g", &body("a", "m0"), 1);
    r.message_id = None;
    assert!(engine(Double::new()).run(&event(vec![r]), None).await.is_err());
}

#[tokio::test]
async fn empty_batch_reports_nothing() {
    let report = engine(Double::new()).run(&event(vec![]), None).await.unwrap();
    assert!(report.records.is_empty());
    assert!(report.response().batch_item_failures.is_empty());
}

#[tokio::test(start_paused = true)]
async fn deadline_cancels_the_running_unit_and_leaves_the_rest_unprocessed() {
    let batch = event(vec![
        record("m0", "g", &body("fast", "m0"), 1),
        record("m1", "h", &body("slow", "m1"), 1),
        record("m2", "g", &body("later", "m2"), 1),
        record("m3", "i", &body("other", "m3"), 1),
    ]);
    let double = Double::new().script("slow", vec![Script::Sleep(Duration::from_secs(60))]);
    let engine = BatchEngine::new(
        double,
        EngineConfig {
            max_receive_count: Some(5),
            deadline_margin: Duration::from_secs(1),
        },
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let report = engine.run(&batch, Some(deadline)).await.unwrap();
    assert_eq!(
        report.records[0].status,
        RecordStatus::Processed {
            action: "synced".into(),
            coalesced: 1
        }
    );
    assert_eq!(
        report.records[1].status,
        RecordStatus::Failed {
            class: FailureClass::Transient,
            code: "deadline".into()
        }
    );
    assert_eq!(report.records[2].status, RecordStatus::Unprocessed);
    assert_eq!(report.records[3].status, RecordStatus::Unprocessed);
    assert_eq!(report.failed_ids(), vec!["m1", "m2", "m3"]);
}

#[tokio::test]
async fn order_within_each_group_is_batch_order() {
    let engine = engine(Double::new());
    engine.run(&mixed_batch(), None).await.unwrap();
    let called = engine.processor().called_messages();
    let all: Vec<String> = (0..GROUPS.len()).map(|i| format!("m{i}")).collect();
    assert_eq!(called, all, "sequential engine keeps global batch order");
    let distinct: BTreeSet<&String> = called.iter().collect();
    assert_eq!(distinct.len(), called.len());
}

#[tokio::test]
async fn a_panicking_handler_fails_its_records_not_the_invocation() {
    let engine = engine(Double::new().script("k2", vec![Script::Panic]));
    let report = engine.run(&mixed_batch(), None).await.unwrap();
    assert_eq!(report.failed_ids(), expected_failed(&[2]));
    assert_eq!(
        report.records[2].status,
        RecordStatus::Failed {
            class: FailureClass::Config,
            code: "handler_panic".into()
        }
    );
    assert_eq!(engine.processor().called_messages(), expected_attempted(&[2]));
}
