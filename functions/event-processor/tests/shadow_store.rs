//! Shadow records in S3 (moto, path-style addressing): a record is stored under the contract's key
//! (`shadow/{portal}/{deal}/{unix_millis}-{first message id}.json`), listed per deal in time order, read back equal,
//! and serialized deterministically. A missing bucket is a typed error naming bucket and key.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use event_processor::shadow::PlannedWrite;
use event_processor::shadow::record::*;
use event_processor::shadow::store::{ShadowStore, StoreError};
use moto_harness::{MotoServer, unique_name};
use serde_json::json;
use sync_events::SyncEvent;

fn event(deal: &str) -> SyncEvent {
    let body = json!({
        "schemaVersion": 1, "source": "hubspot", "eventType": "deal.propertyChange", "objectType": "deal",
        "action": "propertyChange", "objectId": deal, "portalId": 62515, "occurredAt": 1_790_000_000_000_u64,
        "propertyName": "amount", "propertyValue": "5", "correlationId": "corr-1",
    });
    SyncEvent::from_sqs_body(&body.to_string()).unwrap()
}

fn sample(deal: &str, at: u64, message: &str) -> ShadowRecord {
    ShadowRecord {
        schema_version: SHADOW_RECORD_SCHEMA_VERSION,
        portal_id: 62515,
        deal_id: deal.into(),
        object: ObjectKey {
            object_type: "deal".into(),
            id: deal.into(),
        },
        message_ids: vec![message.into(), "m-2".into()],
        correlation_ids: vec!["corr-1".into()],
        events: vec![event(deal)],
        reads: BTreeMap::from([("HubSpot".into(), 2), ("PartnerCentral".into(), 1)]),
        planned_writes: vec![
            PlannedWrite {
                api: "PartnerCentral".into(),
                operation: "UpdateOpportunity".into(),
                target: "O1234567890".into(),
                request: json!({"Identifier": "O1234567890", "Catalog": "Sandbox", "Project": {"Title": "x"}}),
            },
            PlannedWrite {
                api: "HubSpot".into(),
                operation: "PATCH deal".into(),
                target: deal.into(),
                request: json!({"properties": {"aws_sync_status": "synced", "aws_last_sync": "2026-11-29T02:00:00Z"}}),
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

async fn store() -> ShadowStore {
    let moto = MotoServer::shared();
    let sdk = moto.sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    let bucket = unique_name("shadow").to_lowercase().replace('_', "-");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    ShadowStore::new(&sdk, bucket)
}

#[tokio::test]
async fn put_list_get_round_trip_under_the_contract_key() {
    let store = store().await;
    let first = sample("9001", 1_790_000_000_123, "m-1");
    let later = sample("9001", 1_790_000_005_000, "m-9");
    let other = sample("9002", 1_790_000_001_000, "m-5");
    for r in [&later, &other, &first] {
        store.put(r).await.unwrap();
    }
    assert_eq!(first.key(), "shadow/62515/9001/1790000000123-m-1.json");
    let keys = store.list_keys(&deal_prefix(62515, "9001")).await.unwrap();
    assert_eq!(keys, vec![first.key(), later.key()], "one deal's records in time order");
    assert_eq!(store.list_keys(KEY_PREFIX).await.unwrap().len(), 3);
    let back = store.get(&first.key()).await.unwrap();
    assert_eq!(back, first);
    assert_eq!(
        back.writes_by_operation(),
        BTreeMap::from([
            ("HubSpot:PATCH deal".into(), 1),
            ("PartnerCentral:UpdateOpportunity".into(), 1)
        ])
    );
}

#[test]
fn json_is_deterministic_and_versioned() {
    let r = sample("9001", 5, "m-1");
    let a = r.to_json().unwrap();
    assert_eq!(a, sample("9001", 5, "m-1").to_json().unwrap());
    let text = String::from_utf8(a.clone()).unwrap();
    // Request bodies keep sorted keys; the outcome is tagged.
    assert!(
        text.contains(r#"{"Catalog":"Sandbox","Identifier":"O1234567890","Project":{"Title":"x"}}"#),
        "{text}"
    );
    assert!(
        text.contains(r#""outcome":{"status":"processed","action":"updated"}"#),
        "{text}"
    );
    assert_eq!(ShadowRecord::from_json(&a).unwrap(), r);
    let mut v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    v["schema_version"] = json!(2);
    let err = ShadowRecord::from_json(v.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
}

#[tokio::test]
async fn missing_bucket_is_a_typed_error() {
    let moto = MotoServer::shared();
    let store = ShadowStore::new(&moto.sdk_config().await, "no-such-shadow-bucket");
    let err = store.put(&sample("9001", 1, "m-1")).await.unwrap_err();
    assert!(matches!(err, StoreError::Put { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("s3://no-such-shadow-bucket/shadow/62515/9001/1-m-1.json"),
        "{err}"
    );
}
