//! The deal handler with both real clients: a deal linked to an opportunity (`aws_opportunity_id`) is read from the
//! local HubSpot server and its opportunity from the local, model-validating Partner Central server (one read
//! each); Partner Central failures map to record outcomes (not found -> permanent, AccessDenied -> config,
//! persistent throttling -> transient).

#![allow(clippy::unwrap_used)]

mod local;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::handlers::HandlerContext;
use event_processor::handlers::deal::{DealHandler, LinkedOpportunity};
use event_processor::outcome::{FailureClass, RecordStatus};
use event_processor::runtime::App;
use event_processor::services::{HUBSPOT_API, PARTNER_CENTRAL_API};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central::{Catalog, PartnerCentralConfig};
use partner_central_server::{FaultKind, PartnerCentralServer};
use serde_json::json;

struct Env {
    hubspot: HubSpotServer,
    pc: PartnerCentralServer,
    app: App,
    opportunity: String,
}

async fn env() -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let opportunity = pc.seed_opportunity(
        "Sandbox",
        json!({"Project": {"Title": "Acme data platform"}, "LifeCycle": {"Stage": "Qualified"}}),
    );
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_deal(&hubspot, &opportunity);
    // The Lambda's write spacing (1 s), as these tests always ran with.
    let app = local::local_app_with(
        &hubspot,
        &pc,
        "",
        PartnerCentralConfig::new(Catalog::Sandbox).write_interval,
    )
    .await;
    Env {
        hubspot,
        pc,
        app,
        opportunity,
    }
}

/// A deal the mapping accepts (stage, future close date, a primary company with a country), linked to `opportunity`.
fn seed_deal(hubspot: &HubSpotServer, opportunity: &str) {
    hubspot
        .seed(
            ObjectType::Deals,
            "9001",
            [
                ("dealname", "Acme #AWS"),
                ("dealstage", "qualifiedtobuy"),
                ("closedate", "2027-06-30"),
                ("aws_opportunity_id", opportunity),
            ],
        )
        .unwrap();
    hubspot
        .seed(ObjectType::Companies, "501", [("name", "Acme Corp"), ("country", "DE")])
        .unwrap();
    hubspot.associate_primary_company("9001", "501").unwrap();
}

fn fixture() -> SqsEvent {
    let path = format!("{}/fixtures/coalesce-one-deal.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn linked_deal_reads_its_opportunity_once() {
    let env = env().await;
    env.pc.set_review_status(&env.opportunity, "In review");
    let ctx = HandlerContext::with_defaults(env.app.services().clone());
    let plan = DealHandler::new(ctx).plan(62515, "9001").await.unwrap();
    let stored = env.pc.opportunity(&env.opportunity).unwrap();
    assert_eq!(plan.opportunity_id.as_deref(), Some(env.opportunity.as_str()));
    let LinkedOpportunity {
        review_status,
        last_modified,
    } = plan.opportunity.unwrap();
    assert_eq!(review_status.as_deref(), Some("In review"));
    let stored_date = chrono_free_seconds(stored["LastModifiedDate"].as_str().unwrap());
    assert_eq!(chrono_free_seconds(&last_modified), stored_date);
    assert_eq!(env.pc.count("GetOpportunity"), 1);
    assert_eq!(env.pc.writes(), 0);
    assert_eq!(env.hubspot.request_count(), 1);
}

/// `2026-11-29T00:00:00.123Z` -> `2026-11-29T00:00:00` (the SDK re-renders fractional seconds).
fn chrono_free_seconds(date: &str) -> String {
    date.chars().take(19).collect()
}

#[tokio::test]
async fn three_events_make_one_read_per_api() {
    let env = env().await;
    let report = env.app.run_batch(&fixture(), None).await.unwrap();
    // Three `amount` changes of a linked deal: the deal read alone (no company/contact read: amount does not feed
    // the account), then the write-back PATCH (the seeded opportunity lacked the mapped fields, so one
    // UpdateOpportunity after one GetOpportunity).
    let methods: Vec<String> = env.hubspot.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, vec!["GET", "PATCH"]);
    assert_eq!(env.pc.reads(), 1);
    assert_eq!(env.pc.writes(), 1);
    assert_eq!(env.pc.count("UpdateOpportunity"), 1);
    // Timed calls: deal, write-back; update_with_retry (Get + Update) counts as one.
    assert_eq!(env.app.services().metrics.api_calls(HUBSPOT_API), 2);
    assert_eq!(env.app.services().metrics.api_calls(PARTNER_CENTRAL_API), 1);
    let expected = RecordStatus::Processed {
        action: "updated".into(),
        coalesced: 3,
    };
    assert!(report.records.iter().all(|r| r.status == expected), "{report:?}");
}

#[tokio::test]
async fn partner_central_failures_map_to_record_outcomes() {
    // Opportunity gone: permanent, acknowledged.
    let env = env().await;
    seed_deal(&env.hubspot, "O9999999");
    let report = env.app.run_batch(&fixture(), None).await.unwrap();
    assert!(report.failed_ids().is_empty());
    assert!(report.records.iter().all(|r| r.status
        == RecordStatus::FailedPermanent {
            code: "pc.not_found".into()
        }));

    // AccessDenied: config, retried by SQS.
    let env = self::env().await;
    env.pc.inject_fault(FaultKind::AccessDenied, 10);
    let report = env.app.run_batch(&fixture(), None).await.unwrap();
    assert_eq!(report.failed_ids().len(), 3);
    assert!(report.records.iter().all(|r| r.status
        == RecordStatus::Failed {
            class: FailureClass::Config,
            code: "pc.access_denied".into()
        }));

    // Throttling beyond the SDK's retries: transient.
    let env = self::env().await;
    env.pc.inject_fault(FaultKind::Throttling, 10);
    let report = env.app.run_batch(&fixture(), None).await.unwrap();
    assert_eq!(report.failed_ids().len(), 3);
    assert!(report.records.iter().all(|r| r.status
        == RecordStatus::Failed {
            class: FailureClass::Transient,
            code: "pc.throttled".into()
        }));
    assert_eq!(
        env.pc.count("GetOpportunity"),
        2,
        "the SDK retried once (max_attempts 2)"
    );
}
