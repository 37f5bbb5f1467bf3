//! Company fan-out end to end: SQS `company.propertyChange` events through the real engine, router and company
//! handler, against the local HubSpot server and the local Partner Central server (which validates every request
//! against the published model). The opportunities are created first through the deal handler.
//! Covers: only the in-scope linked deals whose account comes from the company (primary company, or the first
//! company of a deal without primary) are updated (Account only, every other field kept), unlinked / out-of-scope /
//! other-primary deals untouched, no-op repeat (zero writes), echo
//! suppression, and per-deal failures (review lock and a missing opportunity surfaced on that deal while the other
//! deal is still updated; a transient failure fails the record). Each test asserts the calls made per event.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::outcome::RecordStatus;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central_server::FaultKind;
use serde_json::{Value, json};

/// In scope, primary company 501, linked.
const ALPHA: &str = "9101";
/// In scope, primary company 501, linked.
const BETA: &str = "9102";
/// In scope, primary company 501, never synced (unlinked).
const GAMMA: &str = "9103";
/// Out of scope (no tag), primary company 501, carries an opportunity id anyway.
const DELTA: &str = "9104";
/// In scope, linked, primary company 502; 501 is only a secondary company.
const EPSILON: &str = "9105";
/// In scope, linked, no primary company; 501 is its only (so first) company.
const ETA: &str = "9107";

async fn env() -> Env {
    env_with(ServerConfig::default()).await
}

async fn env_with(config: ServerConfig) -> Env {
    // Besides the four deals: EPSILON (primary company 502, also associated with COMPANY) and ETA (associated with
    // COMPANY, no primary), both linked.
    let seed_more = |hubspot: &HubSpotServer| {
        for (id, name) in [(EPSILON, "Epsilon ML #AWS"), (ETA, "Eta streaming #AWS")] {
            hubspot.seed(ObjectType::Deals, id, deal_props(name)).unwrap();
        }
        hubspot
            .seed(ObjectType::Companies, "502", company_props("Other Corp"))
            .unwrap();
        hubspot.associate_primary_company(EPSILON, "502").unwrap();
        hubspot
            .associate(ObjectType::Deals, EPSILON, ObjectType::Companies, COMPANY)
            .unwrap();
        hubspot
            .associate(ObjectType::Deals, ETA, ObjectType::Companies, COMPANY)
            .unwrap();
    };
    four_deals_env_with(config, seed_more, &[EPSILON, ETA]).await
}

fn company_change(message_id: &str) -> SqsEvent {
    event(record(
        "company",
        COMPANY,
        message_id,
        Some(("name", "Acme Holdings")),
        None,
    ))
}

/// The record without the members an Account update may change.
fn without_account(mut record: Value) -> Value {
    let o = record.as_object_mut().unwrap();
    o.remove("LastModifiedDate");
    o["Customer"].as_object_mut().unwrap().remove("Account");
    record
}

#[tokio::test]
async fn company_change_updates_the_account_of_linked_in_scope_deals_only() {
    let env = env().await;
    let before: Vec<Value> = [ALPHA, BETA, ETA, EPSILON]
        .iter()
        .map(|d| opportunity_of(&env, d))
        .collect();
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();

    let status = run(&env, &company_change("c-1")).await;
    assert_eq!(
        status,
        RecordStatus::Processed {
            action: "updated".into(),
            coalesced: 1
        }
    );
    // Two linked in-scope deals have 501 as primary company, a third has no primary company and 501 as its only
    // company: one Get + one Update each.
    assert_eq!(env.pc.count("UpdateOpportunity"), 3);
    assert_eq!(
        (env.pc.reads(), env.pc.writes()),
        (3, 3),
        "PC reads/writes per company event"
    );
    // Company read + one deal batch read + one company-association read for each linked in-scope deal 501 is not
    // the primary company of (ETA, EPSILON); no HubSpot write.
    assert_eq!(hubspot_calls(&env), (4, 0), "HubSpot reads/writes per company event");
    for (i, deal) in [ALPHA, BETA, ETA].iter().enumerate() {
        let after = opportunity_of(&env, deal);
        assert_eq!(after["Customer"]["Account"]["CompanyName"], "Acme Holdings");
        assert_eq!(
            after["Customer"]["Account"]["Address"],
            before[i]["Customer"]["Account"]["Address"]
        );
        assert_eq!(
            after["Customer"]["Account"]["Industry"],
            before[i]["Customer"]["Account"]["Industry"]
        );
        assert_eq!(
            without_account(after),
            without_account(before[i].clone()),
            "every other field kept"
        );
    }
    // 501 is only a secondary company of EPSILON: its account stays its primary company's.
    assert_eq!(opportunity_of(&env, EPSILON), before[3]);
    // The unlinked deal is left to the deal handler; nothing was created.
    assert_eq!(env.pc.opportunity_count(), 4);
    assert_eq!(deal_prop(&env, GAMMA, "aws_opportunity_id"), None);
    // The out-of-scope deal was never touched (its opportunity id was not even read).
    assert!(
        env.pc
            .requests()
            .iter()
            .all(|r| !r.body.to_string().contains("O1999999"))
    );
    assert_eq!(deal_prop(&env, DELTA, "aws_sync_status"), None);

    // The same event again: nothing changed, so no write anywhere.
    env.hubspot.clear_requests();
    env.pc.clear_log();
    let status = run(&env, &company_change("c-2")).await;
    assert_eq!(
        status,
        RecordStatus::Processed {
            action: "unchanged".into(),
            coalesced: 1
        }
    );
    assert_eq!((env.pc.reads(), env.pc.writes()), (3, 0), "no-op repeat: reads only");
    assert_eq!(hubspot_calls(&env), (4, 0));
}

#[tokio::test]
async fn echo_of_the_sync_app_makes_no_call() {
    let env = env().await;
    let status = run(
        &env,
        &event(record("company", COMPANY, "c-echo", Some(("name", "X")), Some("54321"))),
    )
    .await;
    // Without a configured app id only the write-back property rule applies: a company `name` change by an
    // integration is processed (and is a no-op here).
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    assert_eq!(env.pc.writes(), 0);
    env.hubspot.clear_requests();
    env.pc.clear_log();
    let status = run(
        &env,
        &event(record(
            "company",
            COMPANY,
            "c-own",
            Some(("aws_sync_status", "synced")),
            None,
        )),
    )
    .await;
    assert_eq!(status, RecordStatus::Skipped { reason: "echo".into() });
    assert_eq!(hubspot_calls(&env), (0, 0));
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
}

#[tokio::test]
async fn one_deals_permanent_failure_is_surfaced_there_and_the_other_deal_is_updated() {
    let env = env().await;
    // ALPHA's opportunity is under review (locked); BETA points to an opportunity that no longer exists.
    let alpha_opportunity = deal_prop(&env, ALPHA, "aws_opportunity_id").unwrap();
    assert!(env.pc.set_review_status(&alpha_opportunity, "Submitted"));
    env.hubspot
        .seed(ObjectType::Deals, BETA, {
            let mut p = deal_props("Beta analytics #AWS");
            p.push(("aws_opportunity_id", "O1888888".into()));
            p
        })
        .unwrap();
    env.hubspot.associate_primary_company(BETA, COMPANY).unwrap();
    // A third linked deal that updates fine.
    env.hubspot
        .seed(ObjectType::Deals, "9106", deal_props("Zeta #AWS"))
        .unwrap();
    env.hubspot.associate_primary_company("9106", COMPANY).unwrap();
    run(&env, &event(record("deal", "9106", "create-9106", None, None))).await;
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    env.hubspot.clear_requests();
    env.pc.clear_log();

    let status = run(&env, &company_change("c-fail")).await;
    assert_eq!(
        status,
        RecordStatus::Processed {
            action: "updated".into(),
            coalesced: 1
        }
    );
    assert_eq!(
        opportunity_of(&env, "9106")["Customer"]["Account"]["CompanyName"],
        "Acme Holdings"
    );
    assert_eq!(env.pc.count("UpdateOpportunity"), 2, "9106 and ETA");
    assert_eq!(deal_prop(&env, ALPHA, "aws_sync_status").as_deref(), Some("blocked"));
    assert_eq!(
        deal_prop(&env, ALPHA, "aws_review_status").as_deref(),
        Some("Submitted")
    );
    assert_eq!(deal_prop(&env, BETA, "aws_sync_status").as_deref(), Some("error"));
    assert!(deal_prop(&env, BETA, "aws_sync_error").unwrap().contains("O1888888"));
    // Company read, deal batch read, ETA's and EPSILON's company associations, then one status write per failed
    // deal and one note explaining ALPHA's new review lock.
    assert_eq!(hubspot_calls(&env), (4, 3));
    let notes = deal_notes(&env, ALPHA);
    assert_eq!(notes.len(), 1, "one lock note: {notes:?}");
    assert!(notes[0].starts_with(deal_mapping::SYNC_NOTE_MARKER) && notes[0].contains("'Submitted'"));

    // Again: the deals already show their status, so no HubSpot write (and no second note).
    env.hubspot.clear_requests();
    run(&env, &company_change("c-fail-2")).await;
    assert_eq!(hubspot_calls(&env), (4, 0));
    assert_eq!(deal_notes(&env, ALPHA).len(), 1);

    // AWS approves ALPHA's opportunity (CompanyName stays editable): the next company change goes through and the
    // deal shows it is in sync again.
    assert!(env.pc.set_review_status(&alpha_opportunity, "Approved"));
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Group"))
        .unwrap();
    run(&env, &company_change("c-approved")).await;
    assert_eq!(
        env.pc.opportunity(&alpha_opportunity).unwrap()["Customer"]["Account"]["CompanyName"],
        "Acme Group"
    );
    assert_eq!(deal_prop(&env, ALPHA, "aws_sync_status").as_deref(), Some("synced"));
    assert_eq!(deal_prop(&env, ALPHA, "aws_sync_error"), None);
    assert_eq!(deal_prop(&env, ALPHA, "aws_review_status").as_deref(), Some("Approved"));
}

#[tokio::test]
async fn transient_failure_fails_the_record_after_every_deal_was_tried() {
    let env = env().await;
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    // Both attempts of the first UpdateOpportunity throttle; the second deal's update goes through.
    env.pc.inject_fault_for("UpdateOpportunity", FaultKind::Throttling, 2);
    let status = run(&env, &company_change("c-throttle")).await;
    assert_transient(&status);
    let names: Vec<Value> = [ALPHA, BETA]
        .iter()
        .map(|d| opportunity_of(&env, d)["Customer"]["Account"]["CompanyName"].clone())
        .collect();
    assert!(
        names.contains(&json!("Acme Holdings")),
        "the other deal was updated: {names:?}"
    );
    // The redelivery finishes the job; the deal already updated is a no-op.
    let status = run(&env, &company_change("c-throttle")).await;
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    for deal in [ALPHA, BETA] {
        assert_eq!(
            opportunity_of(&env, deal)["Customer"]["Account"]["CompanyName"],
            "Acme Holdings"
        );
    }
}

#[tokio::test]
async fn conflict_is_retried_and_action_required_sends_only_the_editable_subset() {
    let env = env().await;
    // Someone else edits the first opportunity between our Get and Update: re-get, re-merge, retry.
    env.pc
        .inject_fault_for("UpdateOpportunity", FaultKind::ConcurrentModification, 1);
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    assert_eq!(
        run(&env, &company_change("c-conflict")).await,
        RecordStatus::Processed {
            action: "updated".into(),
            coalesced: 1
        }
    );
    for deal in [ALPHA, BETA, ETA] {
        assert_eq!(
            opportunity_of(&env, deal)["Customer"]["Account"]["CompanyName"],
            "Acme Holdings"
        );
    }
    // One conflicting Update, then Get + Update again: 4 Gets, 4 Updates for the three deals.
    assert_eq!(
        (env.pc.count("GetOpportunity"), env.pc.count("UpdateOpportunity")),
        (4, 4)
    );

    // In Action Required only the address (and website) may change: the new city goes out, the new name does not.
    let alpha_opportunity = deal_prop(&env, ALPHA, "aws_opportunity_id").unwrap();
    assert!(env.pc.set_review_status(&alpha_opportunity, "Action Required"));
    let mut moved = company_props("Acme Renamed");
    moved.retain(|(k, _)| *k != "city");
    moved.push(("city", "Tacoma"));
    env.hubspot.seed(ObjectType::Companies, COMPANY, moved).unwrap();
    run(&env, &company_change("c-action-required")).await;
    let alpha = env.pc.opportunity(&alpha_opportunity).unwrap();
    assert_eq!(alpha["Customer"]["Account"]["Address"]["City"], "Tacoma");
    assert_eq!(alpha["Customer"]["Account"]["CompanyName"], "Acme Holdings");
    assert_eq!(
        opportunity_of(&env, BETA)["Customer"]["Account"]["CompanyName"],
        "Acme Renamed"
    );
}

#[tokio::test]
async fn company_with_more_deals_than_one_read_lists_pages_them_all() {
    let env = env_with(ServerConfig {
        association_page_limit: 2,
        ..ServerConfig::default()
    })
    .await;
    env.hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    let status = run(&env, &company_change("c-paged")).await;
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    for deal in [ALPHA, BETA, ETA] {
        assert_eq!(
            opportunity_of(&env, deal)["Customer"]["Account"]["CompanyName"],
            "Acme Holdings",
            "deal {deal}"
        );
    }
    assert_ne!(
        opportunity_of(&env, EPSILON)["Customer"]["Account"]["CompanyName"],
        "Acme Holdings"
    );
    assert_eq!(env.pc.count("UpdateOpportunity"), 3);
    assert!(
        env.hubspot
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/crm/v4/objects/companies/501/associations/deals"))
    );
}
