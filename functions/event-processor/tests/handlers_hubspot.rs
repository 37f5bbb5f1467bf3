//! The real handlers and HubSpot client against the local HubSpot server, through the whole `App` (engine, router,
//! metrics): one HubSpot context read per coalesced object (the deal handler adds its company/contact batch reads
//! and writes mapping errors onto the deal), and each HubSpot failure class mapped to the right record
//! outcome (429 daily / 5xx -> transient, 401 -> config, 404 -> permanent, ten-secondly 429 retried by the client).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::config::{Config, vars};
use event_processor::handlers::HandlerContext;
use event_processor::handlers::deal::{DealHandler, DealSyncPlan};
use event_processor::metrics::Metrics;
use event_processor::outcome::{FailureClass, RecordStatus};
use event_processor::runtime::App;
use event_processor::services::{HUBSPOT_API, Services};
use hubspot::{ClientConfig, HubSpotClient, RetryPolicy};
use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType, ServerConfig};
use partner_central::{Catalog, PartnerCentral, PartnerCentralConfig};
use serde_json::Value;

fn fixture(name: &str) -> SqsEvent {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn config() -> Config {
    let env: HashMap<&str, &str> = HashMap::from([
        (
            vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:hubspot-AbCdEf",
        ),
        (vars::PARTNER_CENTRAL_CATALOG, "Sandbox"),
        (vars::SYNC_QUEUE_MAX_RECEIVE_COUNT, "3"),
    ]);
    Config::from_lookup(|k| env.get(k).map(|v| (*v).to_owned())).unwrap()
}

/// The app wired to the HubSpot server; Partner Central points at a closed port (no handler calls it yet).
async fn app(server: &HubSpotServer, token: &str) -> App {
    let hubspot = HubSpotClient::new(
        ClientConfig::new(token)
            .with_base_url(server.base_url())
            .with_retry(RetryPolicy::fast_for_tests()),
    )
    .unwrap();
    let mut pc = PartnerCentralConfig::new(Catalog::Sandbox);
    pc.endpoint_url = Some("http://127.0.0.1:9".to_owned());
    let partner_central = PartnerCentral::new(&moto_harness::sdk_config_for("http://127.0.0.1:9").await, pc).await;
    let services = Services {
        hubspot,
        partner_central,
        metrics: Arc::new(Metrics::new("Test")),
    };
    App::new(Arc::new(services), &config())
}

async fn seeded_server() -> HubSpotServer {
    let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    server
        .seed(
            ObjectType::Deals,
            "9001",
            [("dealname", "Acme #AWS"), ("amount", "1000")],
        )
        .unwrap();
    server
        .seed(ObjectType::Deals, "9004", [("dealname", "Globex #AWS")])
        .unwrap();
    server
        .seed(ObjectType::Companies, "555", [("name", "Acme"), ("country", "Germany")])
        .unwrap();
    server
        .seed(ObjectType::Companies, "556", [("name", "Acme Holding")])
        .unwrap();
    server
        .seed(
            ObjectType::Contacts,
            "777",
            [("email", "cto@acme.example"), ("jobtitle", "CTO")],
        )
        .unwrap();
    server
        .seed(ObjectType::Contacts, "778", [("email", "cfo@acme.example")])
        .unwrap();
    server
        .seed(ObjectType::Notes, "31415", [("hs_note_body", "<p>Call next week</p>")])
        .unwrap();
    server
        .associate(ObjectType::Deals, "9001", ObjectType::Companies, "556")
        .unwrap();
    server.associate_primary_company("9001", "555").unwrap();
    server
        .associate(ObjectType::Deals, "9001", ObjectType::Contacts, "777")
        .unwrap();
    server
        .associate(ObjectType::Deals, "9001", ObjectType::Contacts, "778")
        .unwrap();
    server
        .associate(ObjectType::Notes, "31415", ObjectType::Deals, "9001")
        .unwrap();
    server
        .associate(ObjectType::Companies, "555", ObjectType::Deals, "9004")
        .unwrap();
    server
}

fn statuses(report: &event_processor::engine::BatchReport) -> Vec<RecordStatus> {
    report.records.iter().map(|r| r.status.clone()).collect()
}

#[tokio::test]
async fn three_events_of_one_deal_make_one_hubspot_read() {
    let server = seeded_server().await;
    let app = app(&server, server.token()).await;
    let report = app.run_batch(&fixture("coalesce-one-deal.json"), None).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/crm/v3/objects/deals/9001")
    );
    assert_eq!(
        requests[0].query_list("associations"),
        vec!["companies", "contacts", "notes"]
    );
    // Then the primary company and the contacts (one batch read each) and, because the deal has no stage (a
    // mapping error), one PATCH writing the error onto the deal.
    let mut rest: Vec<(String, String)> = requests[1..]
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    rest.sort();
    assert_eq!(
        rest,
        vec![
            ("PATCH".to_owned(), "/crm/v3/objects/deals/9001".to_owned()),
            ("POST".to_owned(), "/crm/v3/objects/companies/batch/read".to_owned()),
            ("POST".to_owned(), "/crm/v3/objects/contacts/batch/read".to_owned()),
        ]
    );
    // Deal, company batch, contact batch and the error write-back.
    assert_eq!(app.services().metrics.api_calls(HUBSPOT_API), 4);
    let expected = RecordStatus::FailedPermanent {
        code: "invalid_data".into(),
    };
    assert_eq!(statuses(&report), vec![expected; 3]);
    assert!(report.failed_ids().is_empty());
    let stored = server.object(ObjectType::Deals, "9001").unwrap();
    assert_eq!(stored.properties["aws_sync_status"], "error");
    assert!(stored.properties["aws_sync_error"].contains("LifeCycle.Stage"));

    let lines = app.services().metrics.flush_at(1);
    let docs: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let deal = docs.iter().find(|d| d["EventType"] == "deal.propertyChange").unwrap();
    assert_eq!(deal["FailedPermanent"], 3);
    let api = docs.iter().find(|d| d["Api"] == "HubSpot").unwrap();
    assert_eq!(api["ApiCalls"], 4);
}

#[tokio::test]
async fn deal_plan_comes_from_the_single_read() {
    let server = seeded_server().await;
    let app = app(&server, server.token()).await;
    let ctx = HandlerContext::with_defaults(app.services().clone());
    let plan = DealHandler::new(ctx).plan(62515, "9001").await.unwrap();
    assert_eq!(
        plan,
        DealSyncPlan {
            deal_id: "9001".into(),
            company_id: Some("555".into()),
            contact_ids: vec!["777".into(), "778".into()],
            note_count: 1,
            opportunity_id: None,
            opportunity: None,
            associations_truncated: false,
        }
    );
    assert_eq!(plan.hubspot_reads(), 3);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn mixed_batch_reads_each_object_once_and_skips_unsupported() {
    let server = seeded_server().await;
    let app = app(&server, server.token()).await;
    let report = app.run_batch(&fixture("mixed-batch.json"), None).await.unwrap();
    let mut paths: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    paths.sort();
    let expected: Vec<(String, String)> = [
        ("GET", "/crm/v3/objects/companies/555"),
        ("GET", "/crm/v3/objects/contacts/777"),
        ("GET", "/crm/v3/objects/deals/9001"),
        ("GET", "/crm/v3/objects/deals/9004"),
        ("GET", "/crm/v3/objects/notes/31415"),
        // Both deals lack a stage: the mapping error is written onto each (one PATCH per deal).
        ("PATCH", "/crm/v3/objects/deals/9001"),
        ("PATCH", "/crm/v3/objects/deals/9004"),
        // Each deal's primary company; only 9001 has contacts.
        ("POST", "/crm/v3/objects/companies/batch/read"),
        ("POST", "/crm/v3/objects/companies/batch/read"),
        ("POST", "/crm/v3/objects/contacts/batch/read"),
        // The company, contact and note fan-outs each read their candidate deals in one batch.
        ("POST", "/crm/v3/objects/deals/batch/read"),
        ("POST", "/crm/v3/objects/deals/batch/read"),
        ("POST", "/crm/v3/objects/deals/batch/read"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p.to_owned()))
    .collect();
    assert_eq!(paths, expected);
    assert!(server.requests().iter().all(|r| r.authorized));
    for i in [6, 7, 8] {
        assert!(matches!(report.records[i].status, RecordStatus::Skipped { .. }));
    }
    for i in [0, 2, 5, 9] {
        assert_eq!(
            report.records[i].status,
            RecordStatus::FailedPermanent {
                code: "invalid_data".into()
            }
        );
    }
    for i in [1, 3, 4] {
        assert_eq!(
            report.records[i].status,
            RecordStatus::Skipped {
                reason: "no_linked_deals".into()
            },
            "record {i}: company, contact and note events touch only linked in-scope deals"
        );
    }
    assert!(report.failed_ids().is_empty(), "{:?}", report.failed_ids());
}

#[tokio::test]
async fn deleted_deal_is_a_permanent_failure_and_acknowledged() {
    let server = seeded_server().await;
    let app = app(&server, server.token()).await;
    let mut batch = fixture("coalesce-one-deal.json");
    for r in &mut batch.records {
        let body = r
            .body
            .take()
            .unwrap()
            .replace("\"objectId\":\"9001\"", "\"objectId\":\"424242\"");
        r.body = Some(body);
    }
    let report = app.run_batch(&batch, None).await.unwrap();
    assert!(report.failed_ids().is_empty());
    assert_eq!(
        statuses(&report),
        vec![
            RecordStatus::FailedPermanent {
                code: "hubspot.not_found".into()
            };
            3
        ]
    );
}

#[tokio::test]
async fn hubspot_failures_map_to_record_outcomes() {
    let cases: Vec<(&str, Option<Fault>, bool, RecordStatus, usize)> = vec![
        (
            "daily limit: not retried by the client, transient for SQS",
            Some(Fault::daily()),
            true,
            RecordStatus::Failed {
                class: FailureClass::Transient,
                code: "hubspot.rate_limited".into(),
            },
            1,
        ),
        (
            "ten-secondly limit once: retried by the client, then the deal context is read (deal, company and \
             contact batches) and its mapping error (no stage) written onto it",
            Some(Fault::ten_secondly()),
            true,
            RecordStatus::FailedPermanent {
                code: "invalid_data".into(),
            },
            5,
        ),
        (
            "persistent 503: transient",
            Some(Fault::status(503)),
            true,
            RecordStatus::Failed {
                class: FailureClass::Transient,
                code: "hubspot.server".into(),
            },
            RetryPolicy::fast_for_tests().max_attempts as usize,
        ),
        (
            "wrong token: config",
            None,
            false,
            RecordStatus::Failed {
                class: FailureClass::Config,
                code: "hubspot.auth".into(),
            },
            1,
        ),
    ];
    for (name, fault, good_token, expected, requests) in cases {
        let server = seeded_server().await;
        if let Some(fault) = fault {
            let count = if matches!(fault, Fault::Status { .. }) { 100 } else { 1 };
            server.inject(FaultRule::next(count, fault));
        }
        let token = if good_token {
            server.token().to_owned()
        } else {
            "pat-wrong".to_owned()
        };
        let app = app(&server, &token).await;
        let report = app.run_batch(&fixture("coalesce-one-deal.json"), None).await.unwrap();
        assert_eq!(statuses(&report), vec![expected.clone(); 3], "{name}");
        let failed = if expected.is_reported_failed() { 3 } else { 0 };
        assert_eq!(report.failed_ids().len(), failed, "{name}");
        assert_eq!(server.request_count(), requests, "{name}");
    }
}
