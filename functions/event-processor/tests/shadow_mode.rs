//! Shadow mode end to end against the local HubSpot and Partner Central servers and moto S3.
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
//! - `canary_at_50_percent_splits_exactly_by_bucket`: 20 deals created in shadow mode with
//!   `canary_live_percent = 50`; exactly the deals whose bucket is below 50 get an opportunity and a write-back, the
//!   others get a shadow record and no write; a company fan-out then updates the live deals and records the others.
//!   Each step also checks the reads: the servers see the same reads in both modes, and the records' `reads` equal
//!   what the servers saw.
//! - `failed_record_store_fails_the_record_and_the_retry_stores_it`: a missing bucket makes the unit fail transiently
//!   (nothing acknowledged, nothing written); once the bucket exists the redelivery stores the record.
//! - `cold_start_in_shadow_mode_sends_no_write`: the Lambda's own cold start with shadow settings records the
//!   failure write-back instead of sending it; the shadow metrics count it.

#![allow(clippy::unwrap_used)]

mod local;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::config::{Config, vars};
use event_processor::outcome::{FailureClass, RecordStatus};
use event_processor::runtime::App;
use event_processor::services::Services;
use event_processor::shadow::canary::bucket;
use event_processor::shadow::record::{KEY_PREFIX, ShadowOutcome, ShadowRecord};
use event_processor::shadow::store::ShadowStore;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use local::*;
use moto_harness::{MotoServer, unique_name};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

const APP_ID: &str = "54321";

fn config(settings: &str, bucket: Option<&str>) -> Config {
    let mut vars: BTreeMap<&str, String> = BTreeMap::from([
        (
            vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf".to_owned(),
        ),
        (vars::PARTNER_CENTRAL_CATALOG, "Sandbox".to_owned()),
        (vars::SYNC_SETTINGS, settings.to_owned()),
    ]);
    if let Some(b) = bucket {
        vars.insert(vars::SHADOW_RECORDS_BUCKET, b.to_owned());
    }
    Config::from_lookup(|k| vars.get(k).cloned()).unwrap()
}

async fn new_bucket() -> (String, aws_config::SdkConfig) {
    let moto = MotoServer::shared();
    let sdk = moto.sdk_config().await;
    let name = unique_name("shadow").to_lowercase().replace('_', "-");
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    s3.create_bucket().bucket(&name).send().await.unwrap();
    (name, sdk)
}

/// A HubSpot write request as a planned write would describe it: (operation, target, body).
fn live_hubspot_writes(hubspot: &HubSpotServer) -> Vec<Value> {
    hubspot
        .requests()
        .into_iter()
        .filter_map(|r| {
            let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
            // PATCH /crm/v3/objects/{type}/{id}; POST /crm/v3/objects/notes (a note create). Batch reads and
            // searches are POSTs too, but reads.
            let body = r.json().unwrap_or(Value::Null);
            match (r.method.as_str(), segments.as_slice()) {
                ("PATCH", ["crm", "v3", "objects", kind, id]) => Some(json!({
                    "api": "HubSpot", "operation": format!("PATCH {}", kind.trim_end_matches('s').replace("companie", "company")),
                    "target": id, "request": body,
                })),
                ("POST", ["crm", "v3", "objects", "notes"]) => {
                    let deal = body["associations"][0]["to"]["id"].as_str().unwrap_or_default().to_owned();
                    Some(json!({"api": "HubSpot", "operation": "create note", "target": deal, "request": body}))
                }
                ("GET", _) => None,
                ("POST", [.., "search"]) | ("POST", [.., "batch", "read"]) => None,
                (m, p) => panic!("unclassified HubSpot request {m} {p:?}: extend the test"),
            }
        })
        .collect()
}

/// Partner Central write requests: (operation, body).
fn live_pc_writes(pc: &PartnerCentralServer) -> Vec<Value> {
    pc.requests()
        .into_iter()
        .filter(|r| r.is_write())
        .map(|r| json!({"api": "PartnerCentral", "operation": r.operation, "request": r.body}))
        .collect()
}

/// Comparable form of a write: PC writes without `target` (the server log has no answer to read it from; the
/// request names the opportunity anyway), `aws_last_sync` blanked.
fn normalized(mut w: Value) -> String {
    if w["api"] == "PartnerCentral" {
        w.as_object_mut().unwrap().remove("target");
    }
    if let Some(props) = w["request"]["properties"].as_object_mut()
        && props.contains_key("aws_last_sync")
    {
        props.insert("aws_last_sync".into(), json!("<now>"));
    }
    w.to_string()
}

struct Pair {
    hubspot: HubSpotServer,
    pc: PartnerCentralServer,
    live: App,
    shadow: App,
    store: ShadowStore,
    seen: BTreeSet<String>,
    /// Wall time of the shadow runs (S3 puts included) and of the live runs.
    elapsed: (std::time::Duration, std::time::Duration),
    /// Shadow records stored, and (HubSpot, PC) reads the servers saw in shadow runs.
    records: usize,
    reads: (u64, u64),
    /// Partner Central writes planned.
    pc_planned: usize,
}

impl Pair {
    async fn new(hubspot: HubSpotServer, pc: PartnerCentralServer, settings: Value) -> Pair {
        let services: Arc<Services> = local_app(&hubspot, &pc).await.services().clone();
        let (bucket, sdk) = new_bucket().await;
        let mut shadow_settings = settings.clone();
        shadow_settings["mode"] = json!("shadow");
        let live = App::configure(services.clone(), &config(&settings.to_string(), None), &sdk);
        let shadow = App::configure(services, &config(&shadow_settings.to_string(), Some(&bucket)), &sdk);
        let store = ShadowStore::new(&sdk, bucket);
        Pair {
            hubspot,
            pc,
            live,
            shadow,
            store,
            seen: BTreeSet::new(),
            elapsed: Default::default(),
            records: 0,
            reads: (0, 0),
            pc_planned: 0,
        }
    }

    /// Records stored since the last call, in key order.
    async fn new_records(&mut self) -> Vec<ShadowRecord> {
        let mut out = Vec::new();
        for key in self.store.list_keys(KEY_PREFIX).await.unwrap() {
            if self.seen.insert(key.clone()) {
                out.push(self.store.get(&key).await.unwrap());
            }
        }
        out
    }

    /// (HubSpot, Partner Central) read requests the servers received since the logs were cleared.
    fn server_reads(&self) -> (u64, u64) {
        let hubspot = self.hubspot.requests().len() - live_hubspot_writes(&self.hubspot).len();
        (hubspot as u64, self.pc.reads() as u64)
    }

    fn clear_logs(&self) {
        self.hubspot.clear_requests();
        self.pc.clear_log();
    }

    /// Runs `event` in shadow then live on the same state (asserting zero shadow writes, equal outcomes and equal
    /// reads); returns the normalized planned writes and live writes, sorted.
    async fn step(&mut self, name: &str, event: &SqsEvent) -> (Vec<String>, Vec<String>) {
        self.clear_logs();
        let started = std::time::Instant::now();
        let shadow_report = self.shadow.run_batch(event, None).await.unwrap();
        self.elapsed.0 += started.elapsed();
        assert!(
            live_pc_writes(&self.pc).is_empty(),
            "{name}: shadow sent a Partner Central write"
        );
        assert!(
            live_hubspot_writes(&self.hubspot).is_empty(),
            "{name}: shadow sent a HubSpot write"
        );
        let shadow_reads = self.server_reads();
        let records = self.new_records().await;
        if std::env::var_os("SHADOW_PRINT_RECORDS").is_some() {
            for r in &records {
                println!("{}", String::from_utf8(r.to_json().unwrap()).unwrap());
            }
        }
        let planned: Vec<Value> = records
            .iter()
            .flat_map(|r| r.planned_writes.iter().map(|w| serde_json::to_value(w).unwrap()))
            .collect();

        self.clear_logs();
        let started = std::time::Instant::now();
        let live_report = self.live.run_batch(event, None).await.unwrap();
        self.elapsed.1 += started.elapsed();
        self.records += records.len();
        self.pc_planned += planned.iter().filter(|w| w["api"] == "PartnerCentral").count();
        self.reads.0 += shadow_reads.0;
        self.reads.1 += shadow_reads.1;
        let statuses = |r: &event_processor::engine::BatchReport| -> Vec<String> {
            r.records.iter().map(|r| r.status.label().to_owned()).collect()
        };
        assert_eq!(
            statuses(&shadow_report),
            statuses(&live_report),
            "{name}: same outcome in both modes"
        );
        let mut live: Vec<Value> = live_pc_writes(&self.pc);
        live.extend(live_hubspot_writes(&self.hubspot));
        assert_eq!(
            shadow_reads,
            self.server_reads(),
            "{name}: shadow makes the reads live mode makes"
        );
        // The records' read counts are per object sync (one value shared by a fan-out's records; the failure
        // hook's record counts its own reads).
        let mut recorded = BTreeMap::new();
        for r in &records {
            recorded
                .entry((
                    r.object.object_type.clone(),
                    r.object.id.clone(),
                    r.outcome.label() == "failure_surfaced",
                ))
                .or_insert(r.reads.clone());
        }
        // Skipped syncs with nothing planned store no record, so only a batch without skips must add up exactly.
        let sum = |api: &str| recorded.values().map(|m| m.get(api).copied().unwrap_or(0)).sum::<u64>();
        let counted = (sum("HubSpot"), sum("PartnerCentral"));
        if shadow_report.records.iter().all(|r| r.status.label() != "skipped") {
            assert_eq!(counted, shadow_reads, "{name}: records count the reads the servers saw");
        } else {
            assert!(
                counted.0 <= shadow_reads.0 && counted.1 <= shadow_reads.1,
                "{name}: {counted:?}"
            );
        }

        // The synthetic ids of shadow creates -> the ids the live creates got (read from the deal's link).
        let mut substitutions = Vec::new();
        for w in planned.iter().filter(|w| w["operation"] == "CreateOpportunity") {
            let deal = w["request"]["PartnerOpportunityIdentifier"].as_str().unwrap();
            let real = deal_prop_of(&self.hubspot, deal, "aws_opportunity_id").unwrap();
            substitutions.push((w["target"].as_str().unwrap().to_owned(), real));
        }
        let mut planned: Vec<String> = planned
            .into_iter()
            .map(|w| {
                let mut text = w.to_string();
                for (synthetic, real) in &substitutions {
                    text = text.replace(synthetic.as_str(), real);
                }
                normalized(serde_json::from_str(&text).unwrap())
            })
            .collect();
        let mut live: Vec<String> = live.into_iter().map(normalized).collect();
        planned.sort();
        live.sort();
        println!(
            "{name:<20} shadow records {:>2}  reads HubSpot/PC {:>2}/{:>2}  planned writes {:>2}  live writes {:>2}",
            records.len(),
            shadow_reads.0,
            shadow_reads.1,
            planned.len(),
            live.len()
        );
        (planned, live)
    }
}

fn deal_prop_of(hubspot: &HubSpotServer, deal: &str, name: &str) -> Option<String> {
    hubspot.object(ObjectType::Deals, deal)?.properties.get(name).cloned()
}

/// Replaces one property of a stored deal (keeping the others).
fn set_deal_prop(hubspot: &HubSpotServer, deal: &str, name: &str, value: &str) {
    let mut props = hubspot.object(ObjectType::Deals, deal).unwrap().properties;
    props.insert(name.to_owned(), value.to_owned());
    hubspot.seed(ObjectType::Deals, deal, props).unwrap();
}

async fn servers(deals: &[(&str, &str)]) -> (HubSpotServer, PartnerCentralServer) {
    let pc = PartnerCentralServer::start().await.unwrap();
    pc.seed_solution("Sandbox", "S-0000001", "Data platform", "Active", "Software Product");
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Corp"))
        .unwrap();
    hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            [
                ("email", "Jane.Doe@Acme.example"),
                ("firstname", "Jane"),
                ("lastname", "Doe"),
            ],
        )
        .unwrap();
    for (id, name) in deals {
        hubspot.seed(ObjectType::Deals, id, deal_props(name)).unwrap();
        hubspot.associate_primary_company(id, COMPANY).unwrap();
        hubspot
            .associate(ObjectType::Deals, id, ObjectType::Contacts, "601")
            .unwrap();
    }
    (hubspot, pc)
}

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
    let mut note = record("note", "701", "m-6", None, None);
    let mut body: Value = serde_json::from_str(note.body.as_deref().unwrap()).unwrap();
    body["eventType"] = json!("object.creation");
    body["objectTypeId"] = json!("0-46");
    note.body = Some(body.to_string());
    check("note", pair.step("note", &event(note)).await);

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

fn shadow_config(percent: u8, bucket: &str) -> Config {
    config(
        &json!({"mode": "shadow", "canary_live_percent": percent, "hubspot_app_id": APP_ID}).to_string(),
        Some(bucket),
    )
}

#[tokio::test]
async fn canary_at_50_percent_splits_exactly_by_bucket() {
    let linked: Vec<String> = (9101..9121).map(|i| i.to_string()).collect();
    let fresh: Vec<String> = (9201..9221).map(|i| i.to_string()).collect();
    let named: Vec<(String, String)> = linked
        .iter()
        .chain(&fresh)
        .map(|d| (d.clone(), format!("Deal {d} #AWS")))
        .collect();
    let refs: Vec<(&str, &str)> = named.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (hubspot, pc) = servers(&refs).await;
    let services = local_app(&hubspot, &pc).await.services().clone();
    let (bucket_name, sdk) = new_bucket().await;
    let store = ShadowStore::new(&sdk, bucket_name.clone());
    let is_live = |d: &str| bucket(PORTAL, d) < 50;
    let live_linked: Vec<&String> = linked.iter().filter(|d| is_live(d)).collect();
    let live_fresh: Vec<&String> = fresh.iter().filter(|d| is_live(d)).collect();
    assert!(
        !live_linked.is_empty() && live_linked.len() < linked.len(),
        "both sides are represented"
    );
    assert!(
        !live_fresh.is_empty() && live_fresh.len() < fresh.len(),
        "both sides are represented"
    );

    // Before the canary: every linked deal synced live.
    let live = App::configure(
        services.clone(),
        &config(&json!({"hubspot_app_id": APP_ID}).to_string(), None),
        &sdk,
    );
    for d in &linked {
        let status = run_on(&live, &event(record("deal", d, &format!("c-{d}"), None, None))).await;
        assert_eq!(status, processed("created"));
    }
    // Configuration change only: shadow mode, 50% live.
    let canary = App::configure(services, &shadow_config(50, &bucket_name), &sdk);

    // New deals: exactly the ones below the bucket get an opportunity.
    pc.clear_log();
    for d in &fresh {
        let status = run_on(&canary, &event(record("deal", d, &format!("n-{d}"), None, None))).await;
        assert_eq!(status, processed("created"), "deal {d}");
    }
    for d in &fresh {
        let link = deal_prop_of(&hubspot, d, "aws_opportunity_id");
        let records = store.list_keys(&format!("shadow/{PORTAL}/{d}/")).await.unwrap();
        if is_live(d) {
            assert!(link.is_some(), "live deal {d} is linked");
            assert!(records.is_empty(), "live deal {d} has no shadow record");
        } else {
            assert_eq!(link, None, "shadow deal {d} was not written back");
            assert_eq!(records.len(), 1, "shadow deal {d}");
            let r = store.get(&records[0]).await.unwrap();
            assert_eq!(
                r.outcome,
                ShadowOutcome::Processed {
                    action: "created".into()
                }
            );
            assert!(u32::from(r.canary.bucket) >= 50 && r.canary.live_percent == 50);
            assert_eq!(r.message_ids, vec![format!("n-{d}")]);
            assert!(r.planned_writes.iter().any(|w| w.operation == "CreateOpportunity"));
        }
    }
    assert_eq!(pc.count("CreateOpportunity"), live_fresh.len());
    assert_eq!(pc.opportunity_count(), linked.len() + live_fresh.len());

    // A company change fans out to every linked deal: the live half is updated, the shadow half recorded.
    hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    pc.clear_log();
    let before = store.list_keys(KEY_PREFIX).await.unwrap().len();
    let status = run_on(
        &canary,
        &event(record(
            "company",
            COMPANY,
            "co-1",
            Some(("name", "Acme Holdings")),
            None,
        )),
    )
    .await;
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    let all_live_linked = live_linked.len() + live_fresh.len();
    assert_eq!(pc.count("UpdateOpportunity"), all_live_linked);
    for d in &linked {
        let id = deal_prop_of(&hubspot, d, "aws_opportunity_id").unwrap();
        let name = pc.opportunity(&id).unwrap()["Customer"]["Account"]["CompanyName"].clone();
        let keys = store.list_keys(&format!("shadow/{PORTAL}/{d}/")).await.unwrap();
        if is_live(d) {
            assert_eq!(name, "Acme Holdings", "live deal {d} updated");
            assert!(keys.is_empty());
        } else {
            assert_eq!(name, "Acme Corp", "shadow deal {d} untouched");
            assert_eq!(keys.len(), 1, "shadow deal {d} recorded");
            let r = store.get(&keys[0]).await.unwrap();
            assert_eq!(r.object.object_type, "company");
            assert_eq!(r.object.id, COMPANY);
            let ops: Vec<&str> = r.planned_writes.iter().map(|w| w.operation.as_str()).collect();
            assert!(ops.contains(&"UpdateOpportunity"), "{ops:?}");
            assert!(r.planned_writes.iter().any(|w| w.target == id));
        }
    }
    let shadow_linked = linked.len() - live_linked.len();
    assert_eq!(store.list_keys(KEY_PREFIX).await.unwrap().len(), before + shadow_linked);
    let metrics = canary.shadow_recorder().unwrap().metrics();
    let shadow_fresh = fresh.len() - live_fresh.len();
    assert_eq!(metrics.records() as usize, shadow_fresh + shadow_linked);
    assert_eq!(
        metrics.writes("PartnerCentral:CreateOpportunity") as usize,
        shadow_fresh
    );
    assert_eq!(
        metrics.writes("PartnerCentral:UpdateOpportunity") as usize,
        shadow_linked
    );
}

async fn run_on(app: &App, event: &SqsEvent) -> RecordStatus {
    app.run_batch(event, None).await.unwrap().records[0].status.clone()
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

/// Issue 5's scripted workload (the script of `tests/workload.rs`: 100 webhook events over 20 deals, deals 18 and 19
/// out of scope, primary company 701 + i % 4; A 20 creations, B 20 link echoes, C 20 amount changes, D 10
/// redeliveries, E 4 company renames, F 6 notes, G 10 stage changes, H 10 last-sync echoes), in SQS batches of 10,
/// each batch run in shadow then live on the same state, with the equality checks of `Pair::step`. Prints the
/// per-phase comparison with `--nocapture`.
#[tokio::test]
async fn scripted_workload_of_100_events_shadow_vs_live() {
    const DEALS: usize = 20;
    let deal_id = |i: usize| (9500 + i).to_string();
    let company_id = |i: usize| (701 + i % 4).to_string();
    let in_scope = |i: usize| i < 18;
    let pc = PartnerCentralServer::start().await.unwrap();
    pc.seed_solution("Sandbox", "S-0000001", "Data platform", "Active", "Software Product");
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    for c in 0..4 {
        let id = company_id(c);
        hubspot
            .seed(ObjectType::Companies, &id, company_props(&format!("Customer {id}")))
            .unwrap();
        hubspot
            .seed(
                ObjectType::Contacts,
                &(801 + c).to_string(),
                [
                    ("email", format!("buyer{c}@customer.example")),
                    ("firstname", "Pat".into()),
                ],
            )
            .unwrap();
    }
    for i in 0..DEALS {
        let name = if in_scope(i) {
            format!("Deal {i} #AWS")
        } else {
            format!("Deal {i}")
        };
        let d = deal_id(i);
        hubspot.seed(ObjectType::Deals, &d, deal_props(&name)).unwrap();
        hubspot.associate_primary_company(&d, &company_id(i)).unwrap();
        hubspot
            .associate(ObjectType::Deals, &d, ObjectType::Contacts, &(801 + i % 4).to_string())
            .unwrap();
    }
    // The default settings, as tests/workload.rs runs the script.
    let mut pair = Pair::new(hubspot, pc, json!({})).await;
    let deal_event =
        |i: usize, m: String, property: Option<(&str, &str)>| record("deal", &deal_id(i), &m, property, None);
    let mut events = 0;
    let mut summary: Vec<(String, usize, usize)> = Vec::new();

    let phases: Vec<(&str, Vec<aws_lambda_events::event::sqs::SqsMessage>)> = vec![
        (
            "A creations",
            (0..DEALS).map(|i| deal_event(i, format!("create-{i}"), None)).collect(),
        ),
        (
            "B echoes (link)",
            (0..DEALS)
                .map(|i| deal_event(i, format!("echo-id-{i}"), Some(("aws_opportunity_id", "O1"))))
                .collect(),
        ),
        (
            "C amount changes",
            (0..DEALS)
                .map(|i| deal_event(i, format!("amount-{i}"), Some(("amount", "changed"))))
                .collect(),
        ),
        (
            "D redeliveries",
            (0..10)
                .map(|i| {
                    let mut m = deal_event(i, format!("amount-{i}"), Some(("amount", "changed")));
                    m.attributes.insert("ApproximateReceiveCount".into(), "2".into());
                    m
                })
                .collect(),
        ),
        (
            "E company changes",
            (0..4)
                .map(|c| {
                    record(
                        "company",
                        &company_id(c),
                        &format!("company-{c}"),
                        Some(("name", "renamed")),
                        None,
                    )
                })
                .collect(),
        ),
        (
            "F notes",
            (0..6)
                .map(|i| {
                    let id = (901 + i).to_string();
                    let mut r = record("note", &id, &format!("note-{id}"), None, None);
                    let mut body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
                    body["eventType"] = json!("object.creation");
                    body["objectTypeId"] = json!("0-46");
                    r.body = Some(body.to_string());
                    r
                })
                .collect(),
        ),
        (
            "G stage changes",
            (8..18)
                .map(|i| deal_event(i, format!("stage-{i}"), Some(("dealstage", "contractsent"))))
                .collect(),
        ),
        (
            "H echoes (last sync)",
            (0..10)
                .map(|i| deal_event(i, format!("echo-sync-{i}"), Some(("aws_last_sync", "x"))))
                .collect(),
        ),
    ];
    for (name, records) in phases {
        // The HubSpot changes each phase's events report.
        match name {
            "C amount changes" => {
                for i in 0..DEALS {
                    set_deal_prop(&pair.hubspot, &deal_id(i), "amount", &(200_000 + i * 1000).to_string());
                }
            }
            "E company changes" => {
                for c in 0..4 {
                    let id = company_id(c);
                    pair.hubspot
                        .seed(
                            ObjectType::Companies,
                            &id,
                            company_props(&format!("Renamed customer {id}")),
                        )
                        .unwrap();
                }
            }
            "F notes" => {
                let now = chrono::Utc::now().timestamp_millis().to_string();
                for i in 0..6 {
                    let id = (901 + i).to_string();
                    pair.hubspot
                        .seed(
                            ObjectType::Notes,
                            &id,
                            [
                                ("hs_note_body", format!("<p>Workshop {i} booked</p>")),
                                ("hs_timestamp", now.clone()),
                            ],
                        )
                        .unwrap();
                    pair.hubspot
                        .associate(ObjectType::Notes, &id, ObjectType::Deals, &deal_id(i))
                        .unwrap();
                }
            }
            "G stage changes" => {
                for i in 8..18 {
                    set_deal_prop(&pair.hubspot, &deal_id(i), "dealstage", "contractsent");
                }
            }
            _ => {}
        }
        events += records.len();
        let mut planned_in_phase = 0;
        for (k, chunk) in records.chunks(10).enumerate() {
            let (planned, live) = pair.step(&format!("{name} #{k}"), &event_of(chunk.to_vec())).await;
            assert_eq!(planned, live, "{name}: planned writes differ from the live writes");
            planned_in_phase += planned.len();
        }
        summary.push((name.to_owned(), records.len(), planned_in_phase));
    }
    assert_eq!(events, 100);
    let planned_total: usize = summary.iter().map(|(_, _, p)| p).sum();
    println!("\nshadow vs live, issue 5 script (per phase: events, planned writes == live writes)");
    for (name, n, planned) in &summary {
        println!("  {name:<22} {n:>3} events  {planned:>3} writes");
    }
    let (shadow_t, live_t) = pair.elapsed;
    println!(
        "100 events / 20 deals: planned writes {planned_total} (Partner Central {}) == live writes; shadow records {}; reads per mode \
         HubSpot {} / Partner Central {} (identical in both modes); wall time shadow {:.0} ms (S3 puts included), \
         live {:.0} ms (debug build, local servers, moto S3)",
        pair.pc_planned,
        pair.records,
        pair.reads.0,
        pair.reads.1,
        shadow_t.as_secs_f64() * 1000.0,
        live_t.as_secs_f64() * 1000.0
    );
    // Partner Central: 18 creates, 18 amount updates, 18 fan-out updates, 6 notes, 10 stage updates (the script's
    // minimum, 70); HubSpot: at least the 18 link write-backs.
    let pc_planned: usize = pair.pc_planned;
    assert_eq!(pc_planned, 70);
    assert!(planned_total >= 70 + 18, "{planned_total}");
}

fn event_of(records: Vec<aws_lambda_events::event::sqs::SqsMessage>) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = records;
    e
}
