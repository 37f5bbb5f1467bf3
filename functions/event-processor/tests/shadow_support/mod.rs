//! Helpers shared by the shadow-mode end-to-end tests (`shadow_mode`, `shadow_workload`, `shadow_canary_split`):
//! processor configurations differing only in `SYNC_SETTINGS` / `SHADOW_RECORDS_BUCKET`, moto S3 buckets for the
//! shadow records, the seeded local servers, readers of the writes the servers saw, and [`Pair`], which runs each
//! step first in shadow mode then live on the same state and compares the planned writes with the live writes.
//! Test crates using it also declare `mod local;` (the shared local-servers harness).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::config::{Config, vars};
use event_processor::outcome::RecordStatus;
use event_processor::runtime::App;
use event_processor::services::Services;
use event_processor::shadow::record::{KEY_PREFIX, ShadowRecord};
use event_processor::shadow::store::ShadowStore;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use moto_harness::{MotoServer, unique_name};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

use crate::local::{company_props, local_app, seed_deal_company_contact};

/// The sync's own HubSpot app id (echo suppression) in the settings the tests use.
pub const APP_ID: &str = "54321";

/// A processor configuration with `SYNC_SETTINGS = settings` and, when given, `SHADOW_RECORDS_BUCKET = bucket`.
pub fn config(settings: &str, bucket: Option<&str>) -> Config {
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

/// A fresh moto S3 bucket for shadow records, and the SDK configuration pointing at moto.
pub async fn new_bucket() -> (String, aws_config::SdkConfig) {
    let moto = MotoServer::shared();
    let sdk = moto.sdk_config().await;
    let name = unique_name("shadow").to_lowercase().replace('_', "-");
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    s3.create_bucket().bucket(&name).send().await.unwrap();
    (name, sdk)
}

/// A HubSpot write request as a planned write would describe it: (operation, target, body).
pub fn live_hubspot_writes(hubspot: &HubSpotServer) -> Vec<Value> {
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
pub fn live_pc_writes(pc: &PartnerCentralServer) -> Vec<Value> {
    pc.requests()
        .into_iter()
        .filter(|r| r.is_write())
        .map(|r| json!({"api": "PartnerCentral", "operation": r.operation, "request": r.body}))
        .collect()
}

/// Comparable form of a write: PC writes without `target` (the server log has no answer to read it from; the
/// request names the opportunity anyway), `aws_last_sync` blanked.
pub fn normalized(mut w: Value) -> String {
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

/// A live-mode and a shadow-mode app sharing one `Services` (built by the same code from configurations that differ
/// only in `SYNC_SETTINGS` / `SHADOW_RECORDS_BUCKET`), the servers they talk to, and totals over the steps run.
pub struct Pair {
    pub hubspot: HubSpotServer,
    pub pc: PartnerCentralServer,
    pub live: App,
    pub shadow: App,
    pub store: ShadowStore,
    pub seen: BTreeSet<String>,
    /// Wall time of the shadow runs (S3 puts included) and of the live runs.
    pub elapsed: (std::time::Duration, std::time::Duration),
    /// Shadow records stored, and (HubSpot, PC) reads the servers saw in shadow runs.
    pub records: usize,
    pub reads: (u64, u64),
    /// Partner Central writes planned.
    pub pc_planned: usize,
}

impl Pair {
    pub async fn new(hubspot: HubSpotServer, pc: PartnerCentralServer, settings: Value) -> Pair {
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
    pub async fn new_records(&mut self) -> Vec<ShadowRecord> {
        let mut out = Vec::new();
        for key in self.store.list_keys(KEY_PREFIX).await.unwrap() {
            if self.seen.insert(key.clone()) {
                out.push(self.store.get(&key).await.unwrap());
            }
        }
        out
    }

    /// (HubSpot, Partner Central) read requests the servers received since the logs were cleared.
    pub fn server_reads(&self) -> (u64, u64) {
        let hubspot = self.hubspot.requests().len() - live_hubspot_writes(&self.hubspot).len();
        (hubspot as u64, self.pc.reads() as u64)
    }

    pub fn clear_logs(&self) {
        self.hubspot.clear_requests();
        self.pc.clear_log();
    }

    /// Runs `event` in shadow then live on the same state (asserting zero shadow writes, equal outcomes and equal
    /// reads); returns the normalized planned writes and live writes, sorted.
    pub async fn step(&mut self, name: &str, event: &SqsEvent) -> (Vec<String>, Vec<String>) {
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

/// A property of a stored deal (`None` when the deal or the property is missing).
pub fn deal_prop_of(hubspot: &HubSpotServer, deal: &str, name: &str) -> Option<String> {
    hubspot.object(ObjectType::Deals, deal)?.properties.get(name).cloned()
}

/// Replaces one property of a stored deal (keeping the others).
/// The local servers: Partner Central with solution `S-0000001`, HubSpot with each `(deal, name)` of `deals`
/// associated with the primary company `local::COMPANY` ("Acme Corp") and contact 601 (Jane Doe).
pub async fn servers(deals: &[(&str, &str)]) -> (HubSpotServer, PartnerCentralServer) {
    let pc = PartnerCentralServer::start().await.unwrap();
    pc.seed_solution("Sandbox", "S-0000001", "Data platform", "Active", "Software Product");
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    let contact: &[(&str, &str)] = &[
        ("email", "Jane.Doe@Acme.example"),
        ("firstname", "Jane"),
        ("lastname", "Doe"),
    ];
    for (id, name) in deals {
        seed_deal_company_contact(&hubspot, id, name, &company_props("Acme Corp"), ("601", contact));
    }
    (hubspot, pc)
}

/// Shadow-mode settings with `canary_live_percent = percent`, recording into `bucket`.
pub fn shadow_config(percent: u8, bucket: &str) -> Config {
    config(
        &json!({"mode": "shadow", "canary_live_percent": percent, "hubspot_app_id": APP_ID}).to_string(),
        Some(bucket),
    )
}

/// Runs a one-record batch; returns the record's status.
pub async fn run_on(app: &App, event: &SqsEvent) -> RecordStatus {
    app.run_batch(event, None).await.unwrap().records[0].status.clone()
}

/// A batch of `records`.
pub fn event_of(records: Vec<SqsMessage>) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = records;
    e
}
