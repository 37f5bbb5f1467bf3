//! Criterion benchmark of the batch engine: records/s for 10-record SQS FIFO batches through the real
//! `SyncProcessor` (body decoding, routing, planning, reporting) with no-op handlers, for a batch of ten different
//! deals in five groups and for a batch of ten events of one deal (coalesced into one sync).

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use event_processor::engine::{BatchEngine, EngineConfig};
use event_processor::handlers::{BoxFuture, HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use event_processor::outcome::Completion;
use event_processor::router::{Router, SyncProcessor};
use sync_events::SyncEvent;

struct Noop(HandlerKind);

impl ObjectHandler for Noop {
    fn kind(&self) -> HandlerKind {
        self.0
    }
    fn sync<'a>(&'a self, _: &'a ObjectRef, _: &'a [&'a SyncEvent]) -> BoxFuture<'a, Result<Completion, HandlerError>> {
        Box::pin(async { Ok(Completion::processed("noop")) })
    }
}

fn body(deal: u32, n: u32) -> String {
    serde_json::json!({
        "schemaVersion": 1, "source": "hubspot", "eventType": "deal.propertyChange", "objectType": "deal",
        "action": "propertyChange", "objectId": deal.to_string(), "portalId": 62515, "occurredAt": 1790000000000u64 + u64::from(n),
        "appId": 54321, "subscriptionId": 7001, "eventId": 100 + n, "propertyName": "amount", "propertyValue": "1000",
        "changeSource": "CRM_UI", "correlationId": format!("corr-{n}")
    })
    .to_string()
}

fn batch(deal_of: impl Fn(u32) -> u32) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = (0..10)
        .map(|n| {
            let deal = deal_of(n);
            let mut m = SqsMessage::default();
            m.message_id = Some(format!("msg-{n}"));
            m.body = Some(body(deal, n));
            m.attributes = [
                ("MessageGroupId".to_owned(), format!("hubspot:62515:deal:{}", deal % 5)),
                ("ApproximateReceiveCount".to_owned(), "1".to_owned()),
            ]
            .into_iter()
            .collect();
            m
        })
        .collect();
    event
}

fn engine() -> BatchEngine<SyncProcessor> {
    let router = Router::new().with(Arc::new(Noop(HandlerKind::Deal)));
    BatchEngine::new(
        SyncProcessor::new(router),
        EngineConfig {
            max_receive_count: Some(3),
            ..EngineConfig::default()
        },
    )
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let engine = engine();
    let mut group = c.benchmark_group("engine_10_record_batch");
    group.throughput(Throughput::Elements(10));
    // Ten different deals; deal % 5 as group id gives five groups of two different objects (no coalescing).
    let distinct = batch(|n| 9000 + n);
    assert_eq!(rt.block_on(engine.run(&distinct, None)).unwrap().units_run, 10);
    group.bench_function("noop_distinct_objects", |b| {
        b.iter(|| rt.block_on(engine.run(black_box(&distinct), None)).unwrap())
    });
    // Ten events of one deal: one unit.
    let same = batch(|_| 9000);
    assert_eq!(rt.block_on(engine.run(&same, None)).unwrap().units_run, 1);
    group.bench_function("noop_coalesced_one_object", |b| {
        b.iter(|| rt.block_on(engine.run(black_box(&same), None)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
