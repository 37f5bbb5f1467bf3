//! Shadow mode end to end against the local HubSpot and Partner Central servers and moto S3 (helpers in
//! `shadow_support`; issue 5's scripted workload is in `shadow_workload.rs`, the 50% canary in
//! `shadow_canary_split.rs`).
//!
//! - `shadow_records_exactly_the_writes_live_mode_makes`: a scripted workload (creations, a property change, a
//!   company fan-out, a note, a redelivery, an echo, a mapping error surfaced on the deal). Each step runs first
//!   through a shadow-mode app, then through a live-mode app, on the same servers and the same state: the shadow
//!   run must send zero writes, and its stored records' planned writes must equal the write requests the live run
//!   makes on that state (compared as sets per step). Two substitutions are applied, and only these: the synthetic
//!   opportunity id of a shadow create is replaced by the id the live create got, and the `aws_last_sync`
//!   timestamp (the wall clock of the write) is blanked in both.
//!   Both apps share one `Services` and are built by the same code from a `Config` that differs only in
//!   `SYNC_SETTINGS` / `SHADOW_RECORDS_BUCKET`: switching mode is configuration only.
//! - `failed_record_store_fails_the_record_and_the_retry_stores_it`: a missing bucket makes the unit fail transiently
//!   (nothing acknowledged, nothing written); once the bucket exists the redelivery stores the record.
//! - `cold_start_in_shadow_mode_sends_no_write`: the Lambda's own cold start with shadow settings records the
//!   failure write-back instead of sending it; the shadow metrics count it.

#![allow(clippy::unwrap_used)]

mod local;
mod shadow_support;

use std::collections::{BTreeMap, BTreeSet};

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::config::{Config, vars};
use event_processor::outcome::{FailureClass, RecordStatus};
use event_processor::runtime::App;
use event_processor::shadow::record::{KEY_PREFIX, ShadowRecord};
use event_processor::shadow::store::ShadowStore;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use local::*;
use moto_harness::{MotoServer, unique_name};
use serde_json::json;
use shadow_support::*;

#[tokio::test]
async fn shadow_records_exactly_the_writes_live_mode_makes() {
    let (hubspot, pc) = servers(&[
        ("9001", "Alpha data platform #AWS"),
        ("9002", "Beta analytics #AWS"),
        ("9003", "Gamma lake #AWS"),
    ])
    .await;
    let settings = json!({"hubspot_app_id": APP_ID, "solutions": ["S-0000001"]});
    let mut pair = Pair::new(hubspot, pc, settings).await;
    let mut total = (0, 0);
    let mut check = |name: &str, (planned, live): (Vec<String>, Vec<String>)| {
        assert_eq!(planned, live, "{name}: planned writes differ from the live writes");
        total.0 += planned.len();
        total.1 += live.len();
        planned.len()
    };

    let create = |deal: &str, m: &str| event(record("deal", deal, m, None, None));
    let n = check("create 9001", pair.step("create 9001", &create("9001", "m-1")).await);
    assert!(n >= 2, "a create plans at least the opportunity and the write-back");
    check("create 9002", pair.step("create 9002", &create("9002", "m-2")).await);

    set_deal_prop(&pair.hubspot, "9001", "amount", "150000");
    let change = event(record("deal", "9001", "m-3", Some(("amount", "150000")), None));
    let n = check("amount change 9001", pair.step("amount change 9001", &change).await);
    assert!(n >= 1, "the amount change plans an update");

    let n = check("redelivered change", pair.step("redelivered change", &change).await);
    assert_eq!(n, 0, "a redelivery plans nothing");

    let echo = event(record(
        "deal",
        "9001",
        "m-4",
        Some(("aws_sync_status", "synced")),
        Some(APP_ID),
    ));
    assert_eq!(check("echo", pair.step("echo", &echo).await), 0);

    pair.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    let company = event(record("company", COMPANY, "m-5", Some(("name", "Acme Holdings")), None));
    let n = check("company fan-out", pair.step("company fan-out", &company).await);
    assert!(n >= 2, "the fan-out updates both linked deals");

    pair.hubspot
        .seed(
            ObjectType::Notes,
            "701",
            [
                ("hs_note_body", "<p>Call Jane on Monday</p>".to_owned()),
                ("hs_timestamp", chrono::Utc::now().timestamp_millis().to_string()),
            ],
        )
        .unwrap();
    pair.hubspot
        .associate(ObjectType::Notes, "701", ObjectType::Deals, "9001")
        .unwrap();
    check("note", pair.step("note", &event(note_created("701", "m-6"))).await);

    // A mapping error: surfaced on the deal by the permanent-failure hook (its own record in shadow mode).
    pair.hubspot
        .seed(
            ObjectType::Companies,
            COMPANY,
            [("name", "Acme Corp"), ("country", "Narnia")],
        )
        .unwrap();
    let n = check(
        "mapping error 9003",
        pair.step("mapping error 9003", &create("9003", "m-7")).await,
    );
    assert_eq!(n, 1, "the error is written onto the deal once");
    println!("workload: {} planned writes == {} live writes", total.0, total.1);
}

#[tokio::test]
async fn failed_record_store_fails_the_record_and_the_retry_stores_it() {
    let (hubspot, pc) = servers(&[("9301", "Delta #AWS")]).await;
    let services = local_app(&hubspot, &pc).await.services().clone();
    let sdk = MotoServer::shared().sdk_config().await;
    let name = unique_name("shadow-late").to_lowercase().replace('_', "-");
    let app = App::configure(services, &shadow_config(0, &name), &sdk);
    let create = event(record("deal", "9301", "m-1", None, None));
    assert_eq!(
        run_on(&app, &create).await,
        RecordStatus::Failed {
            class: FailureClass::Transient,
            code: "shadow.store".into()
        }
    );
    assert_eq!(pc.writes(), 0);
    assert!(hubspot.requests().iter().all(|r| r.method != "PATCH"));
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    s3.create_bucket().bucket(&name).send().await.unwrap();
    assert_eq!(run_on(&app, &create).await, processed("created"));
    let store = ShadowStore::new(&sdk, name);
    let keys = store.list_keys(KEY_PREFIX).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].starts_with(&format!("shadow/{PORTAL}/9301/")) && keys[0].ends_with("-m-1.json"));
    assert_eq!(pc.writes(), 0);
}

/// The Lambda's own cold start (token from moto's Secrets Manager) with shadow settings: the configuration alone
/// makes the HubSpot error write-back of a mapping failure a recorded write, never a request.
#[tokio::test]
async fn cold_start_in_shadow_mode_sends_no_write() {
    let moto = MotoServer::shared();
    let sdk = moto.sdk_config().await;
    let (bucket_name, _) = new_bucket().await;
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    hubspot
        .seed(ObjectType::Deals, "9001", [("dealname", "Acme #AWS")])
        .unwrap();
    let secret = moto.create_secret("shadow-token", hubspot.token()).await.unwrap();
    let vars: BTreeMap<&str, String> = BTreeMap::from([
        (vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN, secret.arn.clone()),
        (vars::HUBSPOT_API_BASE_URL, hubspot.base_url()),
        (vars::PARTNER_CENTRAL_CATALOG, "Sandbox".to_owned()),
        (vars::SYNC_SETTINGS, r#"{"mode":"shadow"}"#.to_owned()),
        (vars::SHADOW_RECORDS_BUCKET, bucket_name.clone()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let app = event_processor::runtime::cold_start_with(&sdk, config).await.unwrap();
    assert!(app.shadow_recorder().is_some());
    let path = format!("{}/fixtures/coalesce-one-deal.json", env!("CARGO_MANIFEST_DIR"));
    let batch: SqsEvent = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let report = app.run_batch(&batch, None).await.unwrap();
    assert!(
        report.records.iter().all(|r| r.status.label() == "failed_permanent"),
        "{report:?}"
    );
    let methods: Vec<String> = hubspot.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(
        methods,
        vec!["GET"],
        "the deal is read; the error write-back is not sent"
    );
    let store = ShadowStore::new(&sdk, bucket_name);
    let records: Vec<ShadowRecord> = {
        let mut out = Vec::new();
        for key in store.list_keys(KEY_PREFIX).await.unwrap() {
            out.push(store.get(&key).await.unwrap());
        }
        out
    };
    let outcomes: BTreeSet<&str> = records.iter().map(|r| r.outcome.label()).collect();
    assert_eq!(outcomes, BTreeSet::from(["failed", "failure_surfaced"]));
    let surfaced = records
        .iter()
        .find(|r| r.outcome.label() == "failure_surfaced")
        .unwrap();
    assert_eq!(surfaced.planned_writes.len(), 1);
    assert_eq!(surfaced.planned_writes[0].operation, "PATCH deal");
    assert_eq!(
        surfaced.planned_writes[0].request["properties"]["aws_sync_status"],
        "error"
    );
    assert_eq!(
        surfaced.message_ids.len(),
        batch.records.len(),
        "every coalesced message is named"
    );
    let recorder = app.shadow_recorder().unwrap();
    assert_eq!(recorder.metrics().records(), 2);
    assert_eq!(recorder.metrics().writes("HubSpot:PATCH deal"), 1);
}
