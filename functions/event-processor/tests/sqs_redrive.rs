//! The poison-message rule against a real FIFO queue with a FIFO DLQ (moto, maxReceiveCount 3): a small poller
//! plays the Lambda event source mapping (receive up to 10 with system attributes, run the engine, delete the
//! acknowledged records, make the reported failures visible again at once). The unparseable body ends in the DLQ
//! after its third delivery, the valid record behind it in the same group is held until then and processed exactly
//! once, never dead-lettered, and another group is not delayed at all.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use event_processor::engine::{BatchEngine, EngineConfig};
use event_processor::handlers::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use event_processor::outcome::Completion;
use event_processor::router::{Router, SyncProcessor};
use moto_harness::MotoServer;
use sync_events::SyncEvent;

/// Records (round, object id) of every sync.
struct Recorder(Arc<Mutex<Vec<(usize, String)>>>, Arc<Mutex<usize>>);

impl ObjectHandler for Recorder {
    fn kind(&self) -> HandlerKind {
        HandlerKind::Deal
    }
    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        _: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async move {
            let round = *self.1.lock().unwrap();
            self.0.lock().unwrap().push((round, target.object_id.clone()));
            Ok(Completion::processed("recorded"))
        })
    }
}

/// Truncated JSON: never a SyncEvent.
const POISON: &str = "{\"schemaVersion\":1,\"source\":";

fn deal_event(deal: &str, n: u64) -> String {
    serde_json::json!({
        "schemaVersion": 1, "source": "hubspot", "eventType": "deal.propertyChange", "objectType": "deal",
        "action": "propertyChange", "objectId": deal, "portalId": 62515, "occurredAt": 1790000000000u64 + n,
        "propertyName": "amount", "propertyValue": "1", "correlationId": format!("corr-{n}")
    })
    .to_string()
}

struct Outcome {
    poison_deliveries: Vec<u32>,
    synced: Vec<(usize, String)>,
    dead_letters: Vec<String>,
}

/// Sends [poison, deal 9001] in one group and [deal 9002] in another, then polls until the queue is empty.
async fn scenario(max_receive_count: Option<u32>) -> Outcome {
    let moto = MotoServer::shared();
    let queue = moto.create_fifo_queue("ep-poison").await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let group_g = "hubspot:62515:deal:9001";
    let group_h = "hubspot:62515:deal:9002";
    for (i, (group, body)) in [
        (group_g, POISON.to_owned()),
        (group_g, deal_event("9001", 1)),
        (group_h, deal_event("9002", 2)),
    ]
    .into_iter()
    .enumerate()
    {
        sqs.send_message()
            .queue_url(&queue.url)
            .message_body(body)
            .message_group_id(group)
            .message_deduplication_id(format!("dedup-{i}"))
            .send()
            .await
            .unwrap();
    }

    let synced = Arc::new(Mutex::new(Vec::new()));
    let round = Arc::new(Mutex::new(0));
    let router = Router::new().with(Arc::new(Recorder(synced.clone(), round.clone())));
    let engine = BatchEngine::new(
        SyncProcessor::new(router),
        EngineConfig {
            max_receive_count,
            ..EngineConfig::default()
        },
    );

    let mut poison_deliveries = Vec::new();
    for r in 1..=8 {
        *round.lock().unwrap() = r;
        let received = sqs
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        let messages = received.messages();
        if messages.is_empty() {
            break;
        }
        let mut event = SqsEvent::default();
        event.records = messages
            .iter()
            .map(|m| {
                let mut record = SqsMessage::default();
                record.message_id = m.message_id().map(str::to_owned);
                record.body = m.body().map(str::to_owned);
                record.attributes = m
                    .attributes()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                    .collect();
                record
            })
            .collect();
        let report = engine.run(&event, None).await.unwrap();
        for (m, r) in messages.iter().zip(&report.records) {
            if m.body() == Some(POISON) {
                poison_deliveries.push(r.meta.receive_count);
            }
            let handle = m.receipt_handle().unwrap();
            if r.status.is_reported_failed() {
                sqs.change_message_visibility()
                    .queue_url(&queue.url)
                    .receipt_handle(handle)
                    .visibility_timeout(0)
                    .send()
                    .await
                    .unwrap();
            } else {
                sqs.delete_message()
                    .queue_url(&queue.url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    assert_eq!(moto.queue_depth(&queue.url).await.unwrap(), 0);
    let dead_letters = moto
        .drain_queue(&queue.dlq_url)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    let synced = synced.lock().unwrap().clone();
    Outcome {
        poison_deliveries,
        synced,
        dead_letters,
    }
}

#[tokio::test]
async fn poison_reaches_the_dlq_and_its_group_continues() {
    let out = scenario(Some(3)).await;
    assert_eq!(out.poison_deliveries, vec![1, 2, 3], "delivered maxReceiveCount times");
    let expected = vec![(1, "9002".to_owned()), (3, "9001".to_owned())];
    assert_eq!(
        out.synced, expected,
        "9002 at once; 9001 held, then processed on the poison's last delivery"
    );
    assert_eq!(
        out.dead_letters,
        vec![POISON.to_owned()],
        "only the poison message is dead-lettered"
    );
}

/// Why the rule exists: holding the group on the poison's last delivery (Powertools' behaviour, used when the
/// queue's maxReceiveCount is not configured) drags the healthy record behind it into the DLQ as well.
#[tokio::test]
async fn without_the_rule_the_healthy_record_is_dead_lettered_too() {
    let out = scenario(None).await;
    assert_eq!(out.poison_deliveries, vec![1, 2, 3]);
    assert_eq!(out.synced, vec![(1, "9002".to_owned())]);
    assert_eq!(out.dead_letters.len(), 2);
    assert_eq!(out.dead_letters[0], POISON);
}
