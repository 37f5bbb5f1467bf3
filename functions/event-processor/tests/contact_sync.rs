//! Contact fan-out end to end: SQS `contact.propertyChange` events through the real engine, router and contact
//! handler, against the local HubSpot server and the local Partner Central server (which validates every request
//! against the published model). The opportunities are created first through the deal handler. Covers: the
//! contact's linked in-scope deals get their `Customer.Contacts` re-mapped (every contact of the deal, in order;
//! all other fields kept), unlinked and out-of-scope deals untouched, no-op repeat (zero writes), calls per event.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::config::{Config, vars};
use event_processor::metrics::Metrics;
use event_processor::outcome::{FailureClass, RecordStatus};
use event_processor::runtime::App;
use event_processor::services::Services;
use hubspot::{ClientConfig, HubSpotClient, RetryPolicy};
use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType, ServerConfig};
use partner_central::{Catalog, PartnerCentral, PartnerCentralConfig};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

const PORTAL: u64 = 62515;
const COMPANY: &str = "501";
/// In scope, linked.
const ALPHA: &str = "9101";
/// In scope, linked.
const BETA: &str = "9102";
/// In scope, never synced (unlinked).
const GAMMA: &str = "9103";
/// Out of scope (no tag), carries an opportunity id anyway.
const DELTA: &str = "9104";

struct Env {
    hubspot: HubSpotServer,
    pc: PartnerCentralServer,
    app: App,
}

fn deal_props(name: &str) -> Vec<(&'static str, String)> {
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

fn company_props(name: &str) -> Vec<(&'static str, &str)> {
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

async fn env(seed_more: impl FnOnce(&HubSpotServer)) -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
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
    pc_config.write_interval = Duration::ZERO;
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
    ]);
    let config = Config::from_lookup(|k| vars.get(k).map(|v| (*v).to_owned())).unwrap();
    let env = Env {
        hubspot,
        pc,
        app: App::new(Arc::new(services), &config),
    };
    // The deal handler creates the opportunities of the linked deals.
    for deal in [ALPHA, BETA] {
        let status = run(
            &env,
            &event(record("deal", deal, &format!("create-{deal}"), None, None)),
        )
        .await;
        assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    }
    assert_eq!(env.pc.opportunity_count(), 2);
    env.hubspot.clear_requests();
    env.pc.clear_log();
    env
}

fn event(record: SqsMessage) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = vec![record];
    e
}

/// One SQS record: a `{kind}.propertyChange` when `property` is set, else a `{kind}.creation`.
fn record(
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

async fn run(env: &Env, event: &SqsEvent) -> RecordStatus {
    let report = env.app.run_batch(event, None).await.unwrap();
    report.records[0].status.clone()
}

fn processed(action: &'static str) -> RecordStatus {
    RecordStatus::Processed {
        action: action.into(),
        coalesced: 1,
    }
}

fn deal_prop(env: &Env, deal: &str, name: &str) -> Option<String> {
    env.hubspot
        .object(ObjectType::Deals, deal)
        .unwrap()
        .properties
        .get(name)
        .cloned()
}

fn opportunity_of(env: &Env, deal: &str) -> Value {
    env.pc
        .opportunity(&deal_prop(env, deal, "aws_opportunity_id").unwrap())
        .unwrap()
}

fn hubspot_calls(env: &Env) -> (usize, usize) {
    let requests = env.hubspot.requests();
    let writes = requests.iter().filter(|r| r.method == "PATCH").count();
    (requests.len() - writes, writes)
}

fn reset_logs(env: &Env) {
    env.hubspot.clear_requests();
    env.pc.clear_log();
}

fn contact_props(first: &str, last: &str, email: &str, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("firstname", first.to_owned()),
        ("lastname", last.to_owned()),
        ("email", email.to_owned()),
        ("jobtitle", title.to_owned()),
    ]
}

fn seed_contacts(hubspot: &HubSpotServer) {
    hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Doe", "jane@acme.example", "CTO"),
        )
        .unwrap();
    hubspot
        .seed(
            ObjectType::Contacts,
            "602",
            contact_props("Bob", "Roe", "bob@acme.example", "CFO"),
        )
        .unwrap();
    for deal in [ALPHA, BETA, GAMMA, DELTA] {
        hubspot
            .associate(ObjectType::Deals, deal, ObjectType::Contacts, "601")
            .unwrap();
    }
    hubspot
        .associate(ObjectType::Deals, ALPHA, ObjectType::Contacts, "602")
        .unwrap();
}

fn contact_change(message_id: &str) -> SqsEvent {
    event(record("contact", "601", message_id, Some(("lastname", "Smith")), None))
}

fn without_contacts(mut record: Value) -> Value {
    let o = record.as_object_mut().unwrap();
    o.remove("LastModifiedDate");
    o["Customer"].as_object_mut().unwrap().remove("Contacts");
    record
}

#[tokio::test]
async fn contact_change_updates_the_contacts_of_linked_in_scope_deals() {
    let env = env(seed_contacts).await;
    let before: Vec<Value> = [ALPHA, BETA].iter().map(|d| opportunity_of(&env, d)).collect();
    assert_eq!(before[0]["Customer"]["Contacts"][1]["LastName"], "Roe");
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Smith", "jane@acme.example", "Chief Technology Officer"),
        )
        .unwrap();

    assert_eq!(run(&env, &contact_change("k-1")).await, processed("updated"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 2);
    assert_eq!(
        (env.pc.reads(), env.pc.writes()),
        (2, 2),
        "PC reads/writes per contact event"
    );
    // Contact read, deal batch read, one contact-association read per linked deal, one contact batch read.
    assert_eq!(hubspot_calls(&env), (5, 0), "HubSpot reads/writes per contact event");
    for (i, deal) in [ALPHA, BETA].iter().enumerate() {
        let after = opportunity_of(&env, deal);
        let jane = &after["Customer"]["Contacts"][0];
        assert_eq!(jane["LastName"], "Smith");
        assert_eq!(jane["BusinessTitle"], "Chief Technology Officer");
        assert_eq!(jane["Email"], "jane@acme.example");
        assert_eq!(
            without_contacts(after.clone()),
            without_contacts(before[i].clone()),
            "every other field kept"
        );
    }
    // ALPHA's other contact is still sent, unchanged and in place.
    let alpha = opportunity_of(&env, ALPHA);
    assert_eq!(alpha["Customer"]["Contacts"].as_array().unwrap().len(), 2);
    assert_eq!(alpha["Customer"]["Contacts"][1], before[0]["Customer"]["Contacts"][1]);
    // Unlinked and out-of-scope deals: nothing created, nothing written onto them.
    assert_eq!(env.pc.opportunity_count(), 2);
    assert_eq!(deal_prop(&env, GAMMA, "aws_opportunity_id"), None);
    assert_eq!(deal_prop(&env, DELTA, "aws_sync_status"), None);

    reset_logs(&env);
    assert_eq!(run(&env, &contact_change("k-2")).await, processed("unchanged"));
    assert_eq!((env.pc.reads(), env.pc.writes()), (2, 0), "no-op repeat: reads only");
    assert_eq!(hubspot_calls(&env), (5, 0));
}

#[tokio::test]
async fn contact_without_linked_deals_costs_two_reads() {
    let env = env(seed_contacts).await;
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "603",
            contact_props("Al", "Lone", "al@acme.example", "CEO"),
        )
        .unwrap();
    env.hubspot
        .associate(ObjectType::Deals, GAMMA, ObjectType::Contacts, "603")
        .unwrap();
    let status = run(
        &env,
        &event(record("contact", "603", "k-3", Some(("lastname", "Lone")), None)),
    )
    .await;
    assert_eq!(
        status,
        RecordStatus::Skipped {
            reason: "no_linked_deals".into()
        }
    );
    assert_eq!(hubspot_calls(&env), (2, 0));
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
}

#[tokio::test]
async fn one_deal_vanishing_does_not_lose_the_other_and_a_transient_read_fails_the_record() {
    let env = env(seed_contacts).await;
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Smith", "jane@acme.example", "CTO"),
        )
        .unwrap();
    // ALPHA is deleted between the deal batch read and its association read.
    env.hubspot
        .inject(FaultRule::next(1, Fault::status(404)).path_contains(&format!("/deals/{ALPHA}")));
    assert_eq!(run(&env, &contact_change("k-404")).await, processed("updated"));
    assert_eq!(
        opportunity_of(&env, BETA)["Customer"]["Contacts"][0]["LastName"],
        "Smith"
    );
    assert_eq!(
        opportunity_of(&env, ALPHA)["Customer"]["Contacts"][0]["LastName"],
        "Doe"
    );
    assert_eq!(env.pc.count("UpdateOpportunity"), 1);

    // A HubSpot outage on that read instead: the record fails (retried), nothing is lost.
    env.hubspot
        .inject(FaultRule::next(20, Fault::status(503)).path_contains(&format!("/deals/{ALPHA}")));
    let status = run(&env, &contact_change("k-503")).await;
    assert!(
        matches!(
            status,
            RecordStatus::Failed {
                class: FailureClass::Transient,
                ..
            }
        ),
        "{status:?}"
    );
    env.hubspot.clear_faults();
    assert_eq!(run(&env, &contact_change("k-503")).await, processed("updated"));
    assert_eq!(
        opportunity_of(&env, ALPHA)["Customer"]["Contacts"][0]["LastName"],
        "Smith"
    );
}
