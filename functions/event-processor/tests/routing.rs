//! Fixture SQS events (lambda_events style, under `fixtures/`) through the real `SyncProcessor` and router, with a
//! recording [`ObjectHandler`] double: routing by source and event kind, skips of unsupported sources and types,
//! coalescing per object, poison bodies, and the classification of handler errors.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::engine::{BatchEngine, EngineConfig};
use event_processor::handlers::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use event_processor::outcome::{Completion, FailureClass, RecordStatus};
use event_processor::router::{Router, SyncProcessor};
use hubspot::{ApiError, ApiErrorBody, HubSpotError};
use sync_events::SyncEvent;

fn fixture(name: &str) -> SqsEvent {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

type Calls = Arc<Mutex<Vec<(ObjectRef, Vec<String>)>>>;
type FailWith = fn(&str) -> Option<HandlerError>;

/// Records (object, correlation ids of its events) and answers from `fail` by object id.
struct Recorder {
    kind: HandlerKind,
    calls: Calls,
    fail: fn(&str) -> Option<HandlerError>,
}

impl ObjectHandler for Recorder {
    fn kind(&self) -> HandlerKind {
        self.kind
    }

    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async move {
            assert!(
                events
                    .iter()
                    .all(|e| e.object_id == target.object_id && e.portal_id == target.portal_id)
            );
            self.calls.lock().unwrap().push((
                target.clone(),
                events.iter().map(|e| e.correlation_id.clone()).collect(),
            ));
            match (self.fail)(&target.object_id) {
                Some(e) => Err(e),
                None => Ok(Completion::processed("recorded")),
            }
        })
    }
}

fn never(_: &str) -> Option<HandlerError> {
    None
}

fn engine(calls: &Calls, fail: fn(&str) -> Option<HandlerError>) -> BatchEngine<SyncProcessor> {
    let mut router = Router::new();
    for kind in [
        HandlerKind::Deal,
        HandlerKind::Company,
        HandlerKind::Contact,
        HandlerKind::Note,
    ] {
        router = router.with(Arc::new(Recorder {
            kind,
            calls: calls.clone(),
            fail,
        }));
    }
    BatchEngine::new(
        SyncProcessor::new(router),
        EngineConfig {
            max_receive_count: Some(3),
            ..EngineConfig::default()
        },
    )
}

fn hubspot_error(status: u16) -> HandlerError {
    let api = Box::new(ApiError {
        status,
        body: ApiErrorBody::default(),
        retry_after: None,
        attempts: 1,
    });
    let operation = "deals.get".to_owned();
    HandlerError::HubSpot(match status {
        404 => HubSpotError::NotFound { operation, api },
        401 => HubSpotError::Auth { operation, api },
        429 => HubSpotError::RateLimited { operation, api },
        _ => HubSpotError::Server { operation, api },
    })
}

#[tokio::test]
async fn mixed_batch_routes_each_kind_and_coalesces_the_deal() {
    let calls = Calls::default();
    let report = engine(&calls, never)
        .run(&fixture("mixed-batch.json"), None)
        .await
        .unwrap();
    assert!(report.failed_ids().is_empty());
    let calls = calls.lock().unwrap().clone();
    let seen: Vec<(HandlerKind, &str, usize)> = calls
        .iter()
        .map(|(o, e)| (o.kind, o.object_id.as_str(), e.len()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (HandlerKind::Deal, "9001", 3),
            (HandlerKind::Company, "555", 1),
            (HandlerKind::Contact, "777", 1),
            (HandlerKind::Note, "31415", 1),
            (HandlerKind::Deal, "9004", 1),
        ]
    );
    assert_eq!(
        calls[0].1,
        vec!["corr-0000", "corr-0002", "corr-0005"],
        "coalesced events keep batch order"
    );
    let skipped: Vec<(&str, String)> = report
        .records
        .iter()
        .filter_map(|r| match &r.status {
            RecordStatus::Skipped { reason } => Some((r.meta.message_id.as_str(), reason.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("msg-06", "unsupported_event_type".to_owned()),
            ("msg-07", "unsupported_source".to_owned()),
            ("msg-08", "unsupported_event_type".to_owned()),
        ]
    );
    let labels: Vec<&str> = report.records.iter().map(|r| r.labels.event_type.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "deal.creation",
            "company.propertyChange",
            "deal.propertyChange",
            "contact.propertyChange",
            "note.creation",
            "deal.propertyChange",
            "unsupported",
            "unsupported",
            "unsupported",
            "deal.propertyChange"
        ]
    );
    assert_eq!(report.records[0].labels.correlation_id.as_deref(), Some("corr-0000"));
}

#[tokio::test]
async fn unsupported_sources_and_types_are_skipped_never_handled() {
    let calls = Calls::default();
    let report = engine(&calls, never)
        .run(&fixture("unsupported.json"), None)
        .await
        .unwrap();
    assert!(calls.lock().unwrap().is_empty(), "no handler is called");
    assert!(report.failed_ids().is_empty(), "skips are acknowledged");
    assert_eq!(report.records.len(), 10);
    for r in &report.records {
        assert!(matches!(r.status, RecordStatus::Skipped { .. }), "{:?}", r);
        assert_eq!(r.labels.event_type, "unsupported");
    }
    let reasons: Vec<String> = report
        .records
        .iter()
        .map(|r| match &r.status {
            RecordStatus::Skipped { reason } => reason.to_string(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(&reasons[..3], ["unsupported_source"; 3]);
    assert!(reasons[3..].iter().all(|r| r == "unsupported_event_type"));
}

#[tokio::test]
async fn handled_kinds_without_a_registered_handler_are_skipped() {
    let calls = Calls::default();
    let router = Router::new().with(Arc::new(Recorder {
        kind: HandlerKind::Deal,
        calls: calls.clone(),
        fail: never,
    }));
    let engine = BatchEngine::new(SyncProcessor::new(router), EngineConfig::default());
    let report = engine.run(&fixture("mixed-batch.json"), None).await.unwrap();
    for i in [1, 3, 4] {
        assert_eq!(
            report.records[i].status,
            RecordStatus::Skipped {
                reason: "no_handler".into()
            }
        );
    }
    assert_eq!(calls.lock().unwrap().len(), 2, "deals 9001 and 9004 only");
}

#[tokio::test]
async fn poison_bodies_fail_and_hold_their_group_until_the_last_delivery() {
    let calls = Calls::default();
    let mut batch = fixture("poison.json");
    let report = engine(&calls, never).run(&batch, None).await.unwrap();
    // msg-00 is truncated JSON, msg-03 has schemaVersion 2; both are in deal 9001's group and hold it.
    assert_eq!(report.failed_ids(), vec!["msg-00", "msg-01", "msg-03"]);
    assert!(
        matches!(&report.records[0].status, RecordStatus::Unparseable { error, holds_group: true } if error.contains("eof"))
    );
    assert_eq!(
        report.records[3].status,
        RecordStatus::Held {
            blocked_by: "msg-00".into()
        }
    );
    assert_eq!(
        calls
            .lock()
            .unwrap()
            .iter()
            .map(|(o, _)| o.object_id.clone())
            .collect::<Vec<_>>(),
        vec!["9002"]
    );

    // On the last delivery (maxReceiveCount 3) the poison records still fail (-> DLQ) but release the group.
    for r in &mut batch.records {
        r.attributes.insert("ApproximateReceiveCount".into(), "3".into());
    }
    let calls = Calls::default();
    let report = engine(&calls, never).run(&batch, None).await.unwrap();
    assert_eq!(report.failed_ids(), vec!["msg-00", "msg-03"]);
    assert!(
        matches!(&report.records[3].status, RecordStatus::Unparseable { error, holds_group: false } if error.contains("schemaVersion 2"))
    );
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn handler_error_classes_decide_retry_or_acknowledge() {
    fn fail_9001(id: &str) -> Option<HandlerError> {
        (id == "9001").then(|| hubspot_error(429))
    }
    let calls = Calls::default();
    let report = engine(&calls, fail_9001)
        .run(&fixture("mixed-batch.json"), None)
        .await
        .unwrap();
    assert_eq!(
        report.failed_ids(),
        vec!["msg-00", "msg-02", "msg-05"],
        "the coalesced deal's records fail together"
    );
    assert_eq!(
        report.records[0].status,
        RecordStatus::Failed {
            class: FailureClass::Transient,
            code: "hubspot.rate_limited".into()
        }
    );

    let cases: [(FailWith, Option<FailureClass>); 5] = [
        (
            |id| (id == "9001").then(|| hubspot_error(503)),
            Some(FailureClass::Transient),
        ),
        (
            |id| (id == "9001").then(|| hubspot_error(401)),
            Some(FailureClass::Config),
        ),
        (
            |id| (id == "9001").then_some(HandlerError::RulesNotImplemented { handler: "deal" }),
            Some(FailureClass::Config),
        ),
        (|id| (id == "9001").then(|| hubspot_error(404)), None),
        (
            |id| {
                (id == "9001").then(|| HandlerError::InvalidData {
                    object: id.into(),
                    reason: "bad".into(),
                })
            },
            None,
        ),
    ];
    for (fail, class) in cases {
        let report = engine(&Calls::default(), fail)
            .run(&fixture("mixed-batch.json"), None)
            .await
            .unwrap();
        match class {
            Some(c) => {
                assert_eq!(report.failed_ids(), vec!["msg-00", "msg-02", "msg-05"]);
                assert!(matches!(report.records[0].status, RecordStatus::Failed { class, .. } if class == c));
            }
            None => {
                assert!(report.failed_ids().is_empty(), "permanent errors are acknowledged");
                assert!(matches!(report.records[0].status, RecordStatus::FailedPermanent { .. }));
            }
        }
    }
}
