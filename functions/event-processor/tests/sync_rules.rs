//! Issue 5/7 sync rules against the local HubSpot and Partner Central servers (both validate requests like the real
//! services; the PC server checks every request against the botocore model): solution association on create
//! (idempotent, completed by the next event after a failure), adopting the opportunity of the previous system instead
//! of creating a duplicate, the previous system's link being updated (never recreated), HubSpot reads per deal event
//! kind, and the SYNC_SETTINGS property names and app id.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::outcome::RecordStatus;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central_server::{FaultKind, PartnerCentralServer};
use serde_json::{Value, json};

const DEAL: &str = "9301";
const SOLUTIONS: [&str; 2] = ["S-0000001", "S-0000002"];

async fn env_with(settings: &str, extra_deal_properties: &[&str]) -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    for p in extra_deal_properties {
        hubspot.define_property(ObjectType::Deals, p);
    }
    seed_deal_company_contact(
        &hubspot,
        DEAL,
        "Acme data platform #AWS",
        &company_props("Acme Corp"),
        (
            "601",
            &[
                ("email", "jane.doe@acme.example"),
                ("firstname", "Jane"),
                ("lastname", "Doe"),
            ],
        ),
    );
    for s in SOLUTIONS {
        pc.seed_solution("Sandbox", s, "Data platform", "Active", "Software Product");
    }
    let app = local_app_with_settings(&hubspot, &pc, settings).await;
    Env { hubspot, pc, app }
}

fn creation(message_id: &str) -> SqsEvent {
    event(record("deal", DEAL, message_id, None, None))
}

fn change(message_id: &str, property: &str, value: &str) -> SqsEvent {
    event(record("deal", DEAL, message_id, Some((property, value)), None))
}

fn association_change(message_id: &str) -> SqsEvent {
    let mut m: SqsMessage = record("deal", DEAL, message_id, None, None);
    let mut body: Value = serde_json::from_str(m.body.as_deref().unwrap()).unwrap();
    body["eventType"] = json!("deal.associationChange");
    body["action"] = json!("associationChange");
    body["association"] = json!({"associationType": "DEAL_TO_CONTACT", "fromObjectId": DEAL, "toObjectId": "602",
        "associationRemoved": false, "isPrimaryAssociation": false});
    m.body = Some(body.to_string());
    event(m)
}

fn solutions_of(env: &Env, id: &str) -> Vec<String> {
    let record = env.pc.opportunity(id).unwrap();
    let mut s: Vec<String> = record["RelatedEntityIdentifiers"]["Solutions"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    s.sort();
    s
}

/// An opportunity as the previous (Python) system created it: PartnerOpportunityIdentifier = the deal id.
fn legacy_opportunity(env: &Env, partner_id: &str, company: &str) -> String {
    env.pc.seed_opportunity(
        "Sandbox",
        json!({
            "PartnerOpportunityIdentifier": partner_id,
            "OpportunityType": "Net New Business",
            "Customer": {"Account": {"CompanyName": company, "WebsiteUrl": "https://acme.example"}},
            "Project": {"Title": "Created by the previous sync", "CustomerBusinessProblem":
                "The customer wants to migrate its data warehouse to AWS analytics services."},
            "LifeCycle": {"Stage": "Prospect", "TargetCloseDate": "2027-06-30"},
        }),
    )
}

#[tokio::test]
async fn solutions_are_associated_after_the_write_back_and_completed_by_the_next_event() {
    let env = env_with(r#"{"solutions":["S-0000001","S-0000002"]}"#, &[]).await;
    // The first association fails (both attempts of the client's retry): the record fails, the link is kept.
    env.pc
        .inject_fault_for("AssociateOpportunity", FaultKind::Unavailable, 2);
    let status = run(&env, &creation("m-1")).await;
    assert_transient(&status);
    let id = deal_prop(&env, DEAL, "aws_opportunity_id").expect("the write-back came before the association");
    assert!(solutions_of(&env, &id).is_empty());

    // The redelivery finds the deal linked: the update reads the opportunity (as it always does) and associates
    // what is missing.
    reset_logs(&env);
    let status = run(&env, &creation("m-1")).await;
    assert_eq!(status, processed("unchanged"));
    assert_eq!(solutions_of(&env, &id), SOLUTIONS);
    assert_eq!(env.pc.count("AssociateOpportunity"), 2);
    assert_eq!(env.pc.count("CreateOpportunity"), 0);
    assert_eq!(env.pc.opportunity_count(), 1);

    // Later events: the solutions are there, nothing is associated again.
    reset_logs(&env);
    let status = run(&env, &change("m-2", "amount", "150000")).await;
    assert_eq!(status, processed("unchanged"));
    assert_eq!(env.pc.count("AssociateOpportunity"), 0);
    assert_eq!(solutions_of(&env, &id), SOLUTIONS);
}

#[tokio::test]
async fn create_associates_every_configured_solution_once() {
    let env = env_with(r#"{"solutions":["S-0000001","S-0000002"]}"#, &[]).await;
    let status = run(&env, &creation("m-1")).await;
    assert_eq!(status, processed("created"));
    let id = deal_prop(&env, DEAL, "aws_opportunity_id").unwrap();
    assert_eq!(solutions_of(&env, &id), SOLUTIONS);
    // ListOpportunities (adopt check) + Create + 2 x Associate.
    assert_eq!((env.pc.reads(), env.pc.writes()), (1, 3));
    let sent: Vec<Value> = env
        .pc
        .requests_for("AssociateOpportunity")
        .iter()
        .map(|r| r.body.clone())
        .collect();
    for (r, s) in sent.iter().zip(SOLUTIONS) {
        assert_eq!(r["RelatedEntityType"], "Solutions");
        assert_eq!(r["RelatedEntityIdentifier"], s);
        assert_eq!(r["OpportunityIdentifier"], id.as_str());
    }
    // A solution that does not exist in the catalog is a permanent failure surfaced on the deal (not a silent skip).
    let env = env_with(r#"{"solutions":["S-0000009"]}"#, &[]).await;
    let status = run(&env, &creation("m-1")).await;
    assert!(matches!(status, RecordStatus::FailedPermanent { .. }), "{status:?}");
    assert!(
        deal_prop(&env, DEAL, "aws_opportunity_id").is_some(),
        "the link is never lost"
    );
    assert_eq!(deal_prop(&env, DEAL, "aws_sync_status").as_deref(), Some("error"));
}

#[tokio::test]
async fn previous_systems_opportunity_is_adopted_not_duplicated() {
    let env = env_with("", &[]).await;
    let other = legacy_opportunity(&env, "9399", "Acme Corp");
    let legacy = legacy_opportunity(&env, DEAL, "Acme Corp");
    reset_logs(&env);
    let status = run(&env, &creation("m-1")).await;
    assert_eq!(status, processed("adopted"));
    assert_eq!(env.pc.count("CreateOpportunity"), 0);
    assert_eq!(env.pc.opportunity_count(), 2);
    assert_eq!(
        deal_prop(&env, DEAL, "aws_opportunity_id").as_deref(),
        Some(legacy.as_str())
    );
    assert_eq!(deal_prop(&env, DEAL, "aws_sync_status").as_deref(), Some("synced"));
    let stored = env.pc.opportunity(&legacy).unwrap();
    assert_eq!(
        stored["LifeCycle"]["Stage"], "Qualified",
        "the adopted opportunity follows the deal"
    );
    assert_eq!(env.pc.opportunity(&other).unwrap()["LifeCycle"]["Stage"], "Prospect");
    // Cost of the adopt check: one ListOpportunities filtered by the customer's company name.
    let list = env.pc.requests_for("ListOpportunities");
    assert_eq!(list.len(), 1);
    let body = &list[0].body;
    assert_eq!(body["CustomerCompanyName"], json!(["Acme Corp"]));
    // Then it is an ordinary linked deal.
    reset_logs(&env);
    let status = run(&env, &change("m-2", "amount", "150000")).await;
    assert_eq!(status, processed("unchanged"));
    assert_eq!(env.pc.count("ListOpportunities") + env.pc.count("CreateOpportunity"), 0);
}

#[tokio::test]
async fn deal_linked_by_the_previous_system_is_updated_never_recreated() {
    let env = env_with("", &[]).await;
    let legacy = legacy_opportunity(&env, DEAL, "Acme Corp (renamed since)");
    let mut props = deal_props("Acme data platform #AWS");
    props.push(("aws_opportunity_id", legacy.clone()));
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
    reset_logs(&env);
    for (i, e) in [
        creation("m-1"),
        change("m-2", "amount", "99000"),
        association_change("m-3"),
    ]
    .iter()
    .enumerate()
    {
        let status = run(&env, e).await;
        assert!(matches!(status, RecordStatus::Processed { .. }), "{i}: {status:?}");
    }
    assert_eq!(env.pc.count("CreateOpportunity"), 0);
    assert_eq!(env.pc.count("ListOpportunities"), 0);
    assert_eq!(env.pc.opportunity_count(), 1);
    assert_eq!(deal_prop(&env, DEAL, "aws_opportunity_id"), Some(legacy.clone()));
    let stored = env.pc.opportunity(&legacy).unwrap();
    assert_eq!(stored["Customer"]["Account"]["CompanyName"], "Acme Corp");
}

#[tokio::test]
async fn hubspot_reads_per_deal_event_kind() {
    let env = env_with("", &[]).await;
    assert_eq!(run(&env, &creation("m-1")).await, processed("created"));
    // The write-back is on the server; later events see a linked deal.
    let cases: [(&str, SqsEvent, usize); 5] = [
        ("amount change (deal-owned)", change("a", "amount", "130000"), 1),
        ("stage change (deal-owned)", change("b", "dealstage", "contractsent"), 1),
        ("close date change", change("c", "closedate", "2027-07-31"), 1),
        (
            "country change (feeds the account)",
            change("d", "country", "Canada"),
            3,
        ),
        ("association change", association_change("e"), 3),
    ];
    for (what, e, reads) in cases {
        reset_logs(&env);
        let status = run(&env, &e).await;
        assert!(matches!(status, RecordStatus::Processed { .. }), "{what}: {status:?}");
        let (r, _) = hubspot_calls(&env);
        assert_eq!(r, reads, "{what}");
        assert_eq!(env.pc.reads(), 1, "{what}: one GetOpportunity");
    }
}

#[tokio::test]
async fn property_names_and_app_id_come_from_the_settings() {
    let settings = r#"{"hubspot_app_id":"1160452","properties":{"opportunity_id":"pc_opportunity_id",
        "sync_status":"pc_sync_status","last_sync":"pc_last_sync"}}"#;
    let env = env_with(settings, &["pc_opportunity_id", "pc_sync_status", "pc_last_sync"]).await;
    assert_eq!(run(&env, &creation("m-1")).await, processed("created"));
    let id = deal_prop(&env, DEAL, "pc_opportunity_id").unwrap();
    assert_eq!(deal_prop(&env, DEAL, "pc_sync_status").as_deref(), Some("synced"));
    assert!(deal_prop(&env, DEAL, "pc_last_sync").is_some());
    assert_eq!(deal_prop(&env, DEAL, "aws_opportunity_id"), None);
    assert_eq!(deal_prop(&env, DEAL, "aws_sync_status"), None);
    assert!(deal_prop(&env, DEAL, "aws_opportunity_title").is_some());

    // Echoes: a configured write-back property, and any change made by the configured app: zero calls.
    reset_logs(&env);
    let own = event(record("deal", DEAL, "e-1", Some(("pc_sync_status", "synced")), None));
    assert_eq!(run(&env, &own).await, RecordStatus::Skipped { reason: "echo".into() });
    let by_app = event(record("deal", DEAL, "e-2", Some(("amount", "1")), Some("1160452")));
    assert_eq!(
        run(&env, &by_app).await,
        RecordStatus::Skipped { reason: "echo".into() }
    );
    assert_eq!(env.hubspot.request_count() + env.pc.requests().len(), 0);
    // The default name is an ordinary property now: a change to it is processed (and finds the deal linked).
    let status = run(&env, &change("m-2", "aws_sync_status", "x")).await;
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    assert_eq!(env.pc.count("CreateOpportunity"), 0);
    assert_eq!(deal_prop(&env, DEAL, "pc_opportunity_id"), Some(id));
}

#[tokio::test]
async fn adopt_check_missing_after_a_rename_falls_back_to_the_token_conflict_recovery() {
    let env = env_with("", &[]).await;
    // The create succeeds but its write-back is lost.
    env.hubspot
        .inject(hubspot_server::FaultRule::next(20, hubspot_server::Fault::status(503)).method("PATCH"));
    let status = run(&env, &creation("m-1")).await;
    assert!(matches!(status, RecordStatus::Failed { .. }), "{status:?}");
    env.hubspot.clear_faults();
    assert_eq!(deal_prop(&env, DEAL, "aws_opportunity_id"), None);
    // The customer is renamed before the retry: the adopt check (by company name) cannot see the opportunity, and the
    // ClientToken now comes with a different body, so CreateOpportunity is refused and the opportunity is found by
    // its PartnerOpportunityIdentifier instead.
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Renamed"))
        .unwrap();
    reset_logs(&env);
    let status = run(&env, &creation("m-1")).await;
    assert_eq!(status, processed("updated"));
    assert_eq!(env.pc.count("CreateOpportunity"), 1, "refused: token conflict");
    assert_eq!(env.pc.opportunity_count(), 1);
    let id = deal_prop(&env, DEAL, "aws_opportunity_id").unwrap();
    assert_eq!(
        env.pc.opportunity(&id).unwrap()["Customer"]["Account"]["CompanyName"],
        "Acme Renamed"
    );
}
