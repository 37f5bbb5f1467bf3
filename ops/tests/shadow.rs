//! `shadow list|show|replay` against moto S3 and SQS. Records are written by the processor's own store
//! (`event_processor::shadow::store::ShadowStore::put`), so keys and layout are the real ones.

#![allow(clippy::unwrap_used)] // test code

use std::collections::BTreeMap;

use event_processor::shadow::record::{
    CanaryDecision, ObjectKey, PlannedWrite, SHADOW_RECORD_SCHEMA_VERSION, ShadowOutcome, ShadowRecord,
};
use event_processor::shadow::store::ShadowStore;
use moto_harness::{MotoServer, unique_name};
use sync_events::SyncEvent;
use sync_ops::shadow::{self, Bucket, Query};
use sync_ops::target::Sqs;

const PORTAL: u64 = 62515;
const EMAIL: &str = "jane.doe@acme.example";

fn event(deal: &str, n: u64) -> SyncEvent {
    let body = format!(
        r#"[{{"subscriptionType":"deal.propertyChange","portalId":{PORTAL},"objectId":{deal},"occurredAt":{},
             "eventId":{n},"propertyName":"dealstage","propertyValue":"presentationscheduled"}}]"#,
        1_790_000_000_000_u64 + n
    );
    sync_events::parse_webhook(body.as_bytes(), &format!("corr-{n}"))
        .unwrap()
        .remove(0)
}

fn record(deal: &str, at: u64, n: u64) -> ShadowRecord {
    ShadowRecord {
        schema_version: SHADOW_RECORD_SCHEMA_VERSION,
        portal_id: PORTAL,
        deal_id: deal.into(),
        object: ObjectKey {
            object_type: "deal".into(),
            id: deal.into(),
        },
        message_ids: vec![format!("m-{n}")],
        correlation_ids: vec![format!("corr-{n}")],
        events: vec![event(deal, n)],
        reads: BTreeMap::from([("HubSpot".into(), 3), ("PartnerCentral".into(), 1)]),
        planned_writes: vec![
            PlannedWrite {
                api: "PartnerCentral".into(),
                operation: "UpdateOpportunity".into(),
                target: "O1234567".into(),
                request: serde_json::json!({"Catalog":"Sandbox","Identifier":"O1234567",
                    "Customer":{"Contacts":[{"Email":EMAIL}]},"LifeCycle":{"Stage":"Technical Validation"}}),
            },
            PlannedWrite {
                api: "HubSpot".into(),
                operation: "PATCH deal".into(),
                target: deal.into(),
                request: serde_json::json!({"properties":{"aws_sync_status":"synced"}}),
            },
        ],
        outcome: ShadowOutcome::Processed {
            action: "updated".into(),
        },
        canary: CanaryDecision {
            bucket: 42,
            live_percent: 10,
        },
        recorded_at: at,
    }
}

#[tokio::test]
async fn list_show_and_replay_records() {
    let moto = MotoServer::shared();
    let config = moto.sdk_config().await;
    let name = unique_name("shadow").to_lowercase();
    let bucket = Bucket::from_config(&config, &name);
    bucket.client.create_bucket().bucket(&name).send().await.unwrap();
    let store = ShadowStore::with_client(bucket.client.clone(), &name);
    let t0 = 1_790_000_000_000_u64;
    let records = [
        record("777", t0, 1),
        record("777", t0 + 60_000, 2),
        record("888", t0 + 30_000, 3),
    ];
    for r in &records {
        store.put(r).await.unwrap();
    }

    // list: all (time order), by deal, by time range, max.
    let all = shadow::list(&bucket, &Query::default()).await.unwrap();
    let keys: Vec<&str> = all.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, [records[0].key(), records[2].key(), records[1].key()]);
    assert_eq!(
        (
            all[0].portal_id,
            all[0].deal_id.as_str(),
            all[0].first_message_id.as_str()
        ),
        (PORTAL, "777", "m-1")
    );
    let deal = Query {
        portal_id: Some(PORTAL),
        deal_id: Some("777".into()),
        ..Query::default()
    };
    assert_eq!(shadow::list(&bucket, &deal).await.unwrap().len(), 2);
    let range = Query {
        from_ms: Some(t0 + 1),
        to_ms: Some(t0 + 60_000),
        ..Query::default()
    };
    let in_range = shadow::list(&bucket, &range).await.unwrap();
    assert_eq!(in_range.iter().map(|l| l.deal_id.as_str()).collect::<Vec<_>>(), ["888"]);
    let first = Query {
        max: Some(1),
        ..Query::default()
    };
    assert_eq!(shadow::list(&bucket, &first).await.unwrap()[0].key, records[0].key());
    let e = shadow::list(
        &bucket,
        &Query {
            deal_id: Some("1".into()),
            ..Query::default()
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("--portal"), "{e}");

    // show: planned writes by member name, never the values.
    let got = shadow::get(&bucket, &records[0].key()).await.unwrap();
    assert_eq!(got, records[0]);
    let v = shadow::view(&got);
    assert_eq!(v.outcome, "processed action=updated");
    assert_eq!(v.planned_writes.len(), 2);
    assert_eq!(
        v.planned_writes[0].members,
        ["Catalog", "Customer.Contacts[0].Email", "Identifier", "LifeCycle.Stage"]
    );
    let text = shadow::render(&v);
    let json = serde_json::to_string(&v).unwrap();
    for shown in [&text, &json] {
        assert!(!shown.contains(EMAIL) && !shown.contains("presentationscheduled") && !shown.contains("Technical"));
    }
    assert!(text.contains("PartnerCentral UpdateOpportunity O1234567"), "{text}");
    assert!(text.contains("DealPropertyChange"), "{text}");

    // replay: the events go back to the queue in their groups, with nonce-derived dedup ids.
    let sqs = Sqs::from_config(&config, moto.endpoint());
    let q = moto.create_fifo_queue("ops-shadow").await.unwrap();
    let chosen: Vec<(String, ShadowRecord)> = vec![
        (records[0].key(), records[0].clone()),
        (records[1].key(), records[1].clone()),
    ];
    let dry = shadow::replay(&sqs, None, &chosen, "n1", &mut |_| {}).await.unwrap();
    assert_eq!(dry.len(), 2);
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 0);
    let sent = shadow::replay(&sqs, Some(&q.url), &chosen, "n1", &mut |_| {})
        .await
        .unwrap();
    assert!(sent.iter().all(|r| r.message_id.is_some()));
    // The same replay again (same nonce) is deduplicated; another nonce is not.
    shadow::replay(&sqs, Some(&q.url), &chosen, "n1", &mut |_| {})
        .await
        .unwrap();
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 2);
    let drained = moto.drain_queue(&q.url).await.unwrap();
    let events: Vec<SyncEvent> = drained
        .iter()
        .map(|m| SyncEvent::from_sqs_body(&m.body).unwrap())
        .collect();
    assert_eq!(events, [records[0].events[0].clone(), records[1].events[0].clone()]);
    assert!(
        drained
            .iter()
            .all(|m| m.group_id.as_deref() == Some("hubspot:62515:deal:777"))
    );
    assert_ne!(
        drained[0].deduplication_id.as_deref(),
        Some(records[0].events[0].deduplication_id().as_str()),
        "replay dedup id differs from the original's"
    );
    shadow::replay(&sqs, Some(&q.url), &chosen[..1], "n2", &mut |_| {})
        .await
        .unwrap();
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 1);
}
