//! The local-servers harness shared by the sync tests (deal, company, contact, note): the local HubSpot and Partner
//! Central servers, an [`App`] wired to them exactly as the Lambda wires its clients (fast retries, no write
//! spacing), SQS record builders, and small readers of what the servers saw.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::config::{Config, vars};
use event_processor::metrics::Metrics;
use event_processor::outcome::RecordStatus;
use event_processor::runtime::App;
use event_processor::services::Services;
use hubspot::{ClientConfig, HubSpotClient, RetryPolicy};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central::{Catalog, PartnerCentral, PartnerCentralConfig};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

pub mod workload;
pub use workload::*;

/// An [`App`] whose HubSpot and Partner Central clients point at the local servers.
pub async fn local_app(hubspot: &HubSpotServer, pc: &PartnerCentralServer) -> App {
    local_app_with_settings(hubspot, pc, "").await
}

/// [`local_app`] with a `SYNC_SETTINGS` value (empty = defaults).
pub async fn local_app_with_settings(hubspot: &HubSpotServer, pc: &PartnerCentralServer, settings: &str) -> App {
    local_app_with(hubspot, pc, settings, Duration::ZERO).await
}

/// [`local_app_with_settings`] with Partner Central writes spaced by `write_interval` (the Lambda's is 1 s, the
/// service's quota; the tests use zero).
pub async fn local_app_with(
    hubspot: &HubSpotServer,
    pc: &PartnerCentralServer,
    settings: &str,
    write_interval: Duration,
) -> App {
    let hubspot_client = HubSpotClient::new(
        ClientConfig::new(hubspot.token())
            .with_base_url(hubspot.base_url())
            .with_retry(RetryPolicy::fast_for_tests()),
    )
    .unwrap();
    let mut pc_config = PartnerCentralConfig::new(Catalog::Sandbox);
    pc_config.endpoint_url = Some(pc.endpoint_url());
    pc_config.max_attempts = 2;
    pc_config.initial_backoff = Duration::from_millis(1);
    pc_config.write_interval = write_interval;
    let partner_central = PartnerCentral::new(&moto_harness::sdk_config_for(&pc.endpoint_url()).await, pc_config).await;
    let services = Services {
        hubspot: hubspot_client,
        partner_central,
        metrics: Arc::new(Metrics::new("Test")),
    };
    let vars: HashMap<&str, &str> = HashMap::from([
        (
            vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf",
        ),
        (vars::PARTNER_CENTRAL_CATALOG, "Sandbox"),
        (vars::SYNC_SETTINGS, settings),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).map(|v| (*v).to_owned())).unwrap();
    App::new(Arc::new(services), &config)
}

pub const PORTAL: u64 = 62515;

pub const COMPANY: &str = "501";

pub struct Env {
    pub hubspot: HubSpotServer,
    pub pc: PartnerCentralServer,
    pub app: App,
}

pub fn deal_props(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("dealname", name.to_owned()),
        ("dealstage", "qualifiedtobuy".into()),
        ("pipeline", "default".into()),
        ("amount", "120000".into()),
        ("closedate", "2027-06-30".into()),
        (
            "description",
            "Migrate the on-premises data warehouse to a managed analytics platform".into(),
        ),
    ]
}

pub fn company_props(name: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("name", name),
        ("domain", "acme.example"),
        ("industry", "COMPUTER_SOFTWARE"),
        ("country", "United States"),
        ("state", "WA"),
        ("city", "Seattle"),
        ("zip", "98101"),
    ]
}

pub fn event(record: SqsMessage) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = vec![record];
    e
}

/// One SQS record: a `{kind}.propertyChange` when `property` is set, else a `{kind}.creation`.
pub fn record(
    kind: &str,
    id: &str,
    message_id: &str,
    property: Option<(&str, &str)>,
    source_id: Option<&str>,
) -> SqsMessage {
    let mut body = json!({
        "schemaVersion": 1, "source": "hubspot", "objectType": kind, "objectId": id, "portalId": PORTAL,
        "occurredAt": 1_790_000_000_000_u64, "appId": 54321, "subscriptionId": 7000, "eventId": 100,
        "correlationId": format!("corr-{message_id}"),
    });
    match property {
        Some((name, value)) => {
            body["eventType"] = json!(format!("{kind}.propertyChange"));
            body["action"] = json!("propertyChange");
            body["propertyName"] = json!(name);
            body["propertyValue"] = json!(value);
            body["changeSource"] = json!(if source_id.is_some() { "INTEGRATION" } else { "CRM_UI" });
            if let Some(s) = source_id {
                body["sourceId"] = json!(s);
            }
        }
        None => {
            body["eventType"] = json!(format!("{kind}.creation"));
            body["action"] = json!("creation");
        }
    }
    let mut m = SqsMessage::default();
    m.message_id = Some(message_id.to_owned());
    m.body = Some(body.to_string());
    m.attributes = [
        ("MessageGroupId".to_owned(), format!("hubspot:{PORTAL}:{kind}:{id}")),
        ("ApproximateReceiveCount".to_owned(), "1".to_owned()),
    ]
    .into_iter()
    .collect();
    m
}

/// An SQS record of a note `object.creation` event (objectTypeId `0-46`).
pub fn note_created(id: &str, message_id: &str) -> SqsMessage {
    let mut note = record("note", id, message_id, None, None);
    let mut body: Value = serde_json::from_str(note.body.as_deref().unwrap()).unwrap();
    body["eventType"] = json!("object.creation");
    body["objectTypeId"] = json!("0-46");
    note.body = Some(body.to_string());
    note
}

/// Seeds note `id` with `body` at `timestamp_ms`, associated with each of `deals`.
pub fn seed_note(hubspot: &HubSpotServer, id: &str, body: &str, timestamp_ms: i64, deals: &[&str]) {
    hubspot
        .seed(
            ObjectType::Notes,
            id,
            [
                ("hs_note_body", body.to_owned()),
                ("hs_timestamp", timestamp_ms.to_string()),
            ],
        )
        .unwrap();
    for deal in deals {
        hubspot
            .associate(ObjectType::Notes, id, ObjectType::Deals, deal)
            .unwrap();
    }
}

/// Sets one property of deal `deal`, keeping the others.
pub fn set_deal_prop(hubspot: &HubSpotServer, deal: &str, name: &str, value: &str) {
    let mut props = hubspot.object(ObjectType::Deals, deal).unwrap().properties;
    props.insert(name.to_owned(), value.to_owned());
    hubspot.seed(ObjectType::Deals, deal, props).unwrap();
}

pub async fn run(env: &Env, event: &SqsEvent) -> RecordStatus {
    let report = env.app.run_batch(event, None).await.unwrap();
    report.records[0].status.clone()
}

pub fn processed(action: &'static str) -> RecordStatus {
    RecordStatus::Processed {
        action: action.into(),
        coalesced: 1,
    }
}

/// Seeds deal `deal` (`deal_props(name)`) with its primary company [`COMPANY`] and one contact, associated.
pub fn seed_deal_company_contact(
    hubspot: &HubSpotServer,
    deal: &str,
    name: &str,
    company: &[(&str, &str)],
    contact: (&str, &[(&str, &str)]),
) {
    hubspot.seed(ObjectType::Deals, deal, deal_props(name)).unwrap();
    hubspot
        .seed(ObjectType::Companies, COMPANY, company.iter().copied())
        .unwrap();
    hubspot
        .seed(ObjectType::Contacts, contact.0, contact.1.iter().copied())
        .unwrap();
    hubspot.associate_primary_company(deal, COMPANY).unwrap();
    hubspot
        .associate(ObjectType::Deals, deal, ObjectType::Contacts, contact.0)
        .unwrap();
}

/// Asserts the record failed as transient (retried by SQS).
#[track_caller]
pub fn assert_transient(status: &RecordStatus) {
    assert!(
        matches!(
            status,
            RecordStatus::Failed {
                class: event_processor::outcome::FailureClass::Transient,
                ..
            }
        ),
        "{status:?}"
    );
}

pub fn deal_prop(env: &Env, deal: &str, name: &str) -> Option<String> {
    env.hubspot
        .object(ObjectType::Deals, deal)
        .unwrap()
        .properties
        .get(name)
        .cloned()
}

pub fn opportunity_of(env: &Env, deal: &str) -> Value {
    env.pc
        .opportunity(&deal_prop(env, deal, "aws_opportunity_id").unwrap())
        .unwrap()
}

/// A HubSpot request that changes data: a PATCH, or a POST that is not a batch read or a search (a note create).
pub fn is_hubspot_write(r: &hubspot_server::RecordedRequest) -> bool {
    r.method == "PATCH" || (r.method == "POST" && !r.path.ends_with("/batch/read") && !r.path.ends_with("/search"))
}

/// (reads, writes) the local HubSpot server saw.
pub fn hubspot_calls(env: &Env) -> (usize, usize) {
    let seen = Calls::seen(&env.hubspot, &env.pc);
    (seen.hs_reads, seen.hs_writes)
}

/// The notes the sync created on `deal` (their bodies).
pub fn deal_notes(env: &Env, deal: &str) -> Vec<String> {
    env.hubspot
        .associated_ids(ObjectType::Deals, deal, ObjectType::Notes)
        .into_iter()
        .filter_map(|n| env.hubspot.object(ObjectType::Notes, &n))
        .filter_map(|n| n.properties.get("hs_note_body").cloned())
        .collect()
}

pub fn reset_logs(env: &Env) {
    env.hubspot.clear_requests();
    env.pc.clear_log();
}

// --- The four-deal fixture of the contact and note fan-out tests -------------------------------------------------

/// In scope, linked.
pub const ALPHA: &str = "9101";
/// In scope, linked.
pub const BETA: &str = "9102";
/// In scope, never synced (unlinked).
pub const GAMMA: &str = "9103";
/// Out of scope (no tag), carries an opportunity id anyway.
pub const DELTA: &str = "9104";

/// Four deals on one company: [`ALPHA`] and [`BETA`] in scope and linked (their opportunities created by the deal
/// handler), [`GAMMA`] in scope and unlinked, [`DELTA`] out of scope carrying an opportunity id; `seed_more` adds
/// objects before the app starts; the servers' request logs are cleared.
pub async fn four_deals_env(seed_more: impl FnOnce(&HubSpotServer)) -> Env {
    four_deals_env_with(ServerConfig::default(), seed_more, &[]).await
}

/// [`four_deals_env`] on a HubSpot server with `config`, where the deal handler also creates the opportunities of
/// `more_linked` (deals `seed_more` added).
pub async fn four_deals_env_with(
    config: ServerConfig,
    seed_more: impl FnOnce(&HubSpotServer),
    more_linked: &[&str],
) -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(config).await.unwrap();
    for (id, name) in [
        (ALPHA, "Alpha data platform #AWS"),
        (BETA, "Beta analytics #AWS"),
        (GAMMA, "Gamma lake #AWS"),
    ] {
        hubspot.seed(ObjectType::Deals, id, deal_props(name)).unwrap();
    }
    let mut delta = deal_props("Delta internal deal");
    delta.push(("aws_opportunity_id", "O1999999".into()));
    hubspot.seed(ObjectType::Deals, DELTA, delta).unwrap();
    hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Corp"))
        .unwrap();
    for deal in [ALPHA, BETA, GAMMA, DELTA] {
        hubspot.associate_primary_company(deal, COMPANY).unwrap();
    }
    seed_more(&hubspot);
    let app = local_app(&hubspot, &pc).await;
    let env = Env { hubspot, pc, app };
    // The deal handler creates the opportunities of the linked deals.
    let linked: Vec<&str> = [ALPHA, BETA].iter().chain(more_linked).copied().collect();
    for deal in &linked {
        let status = run(
            &env,
            &event(record("deal", deal, &format!("create-{deal}"), None, None)),
        )
        .await;
        assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    }
    assert_eq!(env.pc.opportunity_count(), linked.len());
    env.hubspot.clear_requests();
    env.pc.clear_log();
    env
}
