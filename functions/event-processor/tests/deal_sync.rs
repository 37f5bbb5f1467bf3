//! The deal sync end to end: SQS events through the real engine, router and deal handler, against the local HubSpot
//! server and the local Partner Central server (which validates every request against the published model).
//! Covers create + write-back, redelivery and write-back failure (never a second opportunity), update merge
//! (fields the sync does not own survive), no-op updates (zero writes), review locks, echo suppression, scope, and
//! mapping errors written onto the deal. Each test also asserts the calls made per event.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::outcome::RecordStatus;
use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType, ServerConfig};
use partner_central_server::{FaultKind, PartnerCentralServer};
use serde_json::json;

const DEAL: &str = "9001";

async fn env() -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_deal_company_contact(
        &hubspot,
        DEAL,
        "Acme data platform #AWS",
        &[
            ("name", "Acme Corp"),
            ("domain", "acme.example"),
            ("industry", "COMPUTER_SOFTWARE"),
            ("country", "United States"),
            ("state", "WA"),
            ("city", "Seattle"),
            ("zip", "98101"),
        ],
        (
            "601",
            &[
                ("email", "Jane.Doe@Acme.example"),
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("jobtitle", "CTO"),
            ],
        ),
    );
    let app = local_app(&hubspot, &pc).await;
    Env { hubspot, pc, app }
}

/// An SQS event with one deal event; `property` = None makes it a `deal.creation`.
fn deal_event(message_id: &str, property: Option<(&str, &str)>, source_id: Option<&str>) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = vec![deal_record(DEAL, message_id, property, source_id)];
    e
}

/// One SQS record of a deal event (the shared builder, `local::record`).
fn deal_record(deal: &str, message_id: &str, property: Option<(&str, &str)>, source_id: Option<&str>) -> SqsMessage {
    record("deal", deal, message_id, property, source_id)
}

fn prop(env: &Env, name: &str) -> Option<String> {
    env.hubspot
        .object(ObjectType::Deals, DEAL)
        .unwrap()
        .properties
        .get(name)
        .cloned()
}

fn hubspot_writes(env: &Env) -> usize {
    env.hubspot.requests().iter().filter(|r| is_hubspot_write(r)).count()
}

fn hubspot_reads(env: &Env) -> usize {
    env.hubspot.requests().iter().filter(|r| !is_hubspot_write(r)).count()
}

fn skipped(reason: &'static str) -> RecordStatus {
    RecordStatus::Skipped { reason: reason.into() }
}

/// Creates the opportunity through the flow and resets both request logs' baselines.
async fn created(env: &Env) -> String {
    assert_eq!(
        run(env, &deal_event("m-create", None, None)).await,
        processed("created")
    );
    prop(env, "aws_opportunity_id").unwrap()
}

#[tokio::test]
async fn create_writes_back_and_costs_one_partner_central_write() {
    let env = env().await;
    let status = run(&env, &deal_event("m-1", None, None)).await;
    assert_eq!(status, processed("created"));
    assert_eq!(env.pc.count("CreateOpportunity"), 1);
    assert_eq!(env.pc.opportunity_count(), 1);
    // One ListOpportunities (is there an opportunity carrying this deal's id to adopt?) + CreateOpportunity.
    assert_eq!((env.pc.reads(), env.pc.writes()), (1, 1), "PC reads/writes per create");
    assert_eq!(env.pc.count("ListOpportunities"), 1);
    // deal read + company batch + contact batch, then one write-back PATCH.
    assert_eq!(
        (hubspot_reads(&env), hubspot_writes(&env)),
        (3, 1),
        "HubSpot reads/writes per create"
    );
    let id = prop(&env, "aws_opportunity_id").unwrap();
    let stored = env.pc.opportunity(&id).unwrap();
    assert_eq!(stored["PartnerOpportunityIdentifier"], DEAL);
    assert_eq!(stored["Customer"]["Account"]["CompanyName"], "Acme Corp");
    assert_eq!(stored["Customer"]["Account"]["Address"]["CountryCode"], "US");
    assert_eq!(stored["Customer"]["Contacts"][0]["Email"], "jane.doe@acme.example");
    assert_eq!(stored["LifeCycle"]["Stage"], "Qualified");
    assert_eq!(
        prop(&env, "aws_opportunity_title").as_deref(),
        stored["Project"]["Title"].as_str()
    );
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("synced"));
    assert_eq!(prop(&env, "aws_review_status").as_deref(), Some("Pending Submission"));
    assert!(prop(&env, "aws_last_sync").is_some());
    let patch = env
        .hubspot
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(patch.path, format!("/crm/v3/objects/deals/{DEAL}"));
    assert_eq!(patch.json().unwrap()["properties"]["aws_opportunity_id"], id.as_str());
}

#[tokio::test]
async fn redelivered_create_is_a_no_op_update() {
    let env = env().await;
    let id = created(&env).await;
    env.hubspot.clear_requests();
    let before = (env.pc.reads(), env.pc.writes());
    let status = run(&env, &deal_event("m-create", None, None)).await;
    assert_eq!(status, processed("unchanged"));
    assert_eq!(env.pc.opportunity_count(), 1);
    assert_eq!(env.pc.count("CreateOpportunity"), 1);
    assert_eq!(env.pc.count("UpdateOpportunity"), 0);
    // No-op update: one GetOpportunity, zero writes anywhere.
    assert_eq!((env.pc.reads() - before.0, env.pc.writes() - before.1), (1, 0));
    assert_eq!((hubspot_reads(&env), hubspot_writes(&env)), (3, 0));
    assert_eq!(prop(&env, "aws_opportunity_id"), Some(id));
}

#[tokio::test]
async fn write_back_failure_then_retry_creates_one_opportunity() {
    let env = env().await;
    env.hubspot
        .inject(FaultRule::next(20, Fault::status(503)).method("PATCH"));
    let status = run(&env, &deal_event("m-1", None, None)).await;
    assert_transient(&status);
    assert_eq!(env.pc.opportunity_count(), 1);
    assert_eq!(prop(&env, "aws_opportunity_id"), None);
    env.hubspot.clear_faults();
    let status = run(&env, &deal_event("m-1", None, None)).await;
    // The retry finds the opportunity carrying this deal's id before creating and adopts it.
    assert_eq!(status, processed("adopted"));
    assert_eq!(env.pc.count("CreateOpportunity"), 1, "no second CreateOpportunity");
    assert_eq!(env.pc.opportunity_count(), 1);
    let id = prop(&env, "aws_opportunity_id").unwrap();
    assert!(env.pc.opportunity(&id).is_some());
}

#[tokio::test]
async fn update_merges_and_keeps_fields_the_sync_does_not_own() {
    let env = env().await;
    let id = created(&env).await;
    // Someone (AWS or the partner console) adds a member the sync does not own.
    let mut record = env.pc.opportunity(&id).unwrap();
    record["Project"]["AdditionalComments"] = json!("Added in the Partner Central console");
    let seeded = env.pc.seed_opportunity("Sandbox", record);
    let mut props = deal_props("Acme data platform #AWS");
    props[1].1 = "presentationscheduled".into();
    props.push(("aws_opportunity_id", seeded.clone()));
    props.push(("aws_sync_status", "synced".into()));
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
    env.hubspot.clear_requests();
    let (reads0, writes0) = (env.pc.reads(), env.pc.writes());

    let status = run(
        &env,
        &deal_event("m-2", Some(("dealstage", "presentationscheduled")), None),
    )
    .await;
    assert_eq!(status, processed("updated"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 1);
    assert_eq!(
        (env.pc.reads() - reads0, env.pc.writes() - writes0),
        (1, 1),
        "PC reads/writes per update"
    );
    let stored = env.pc.opportunity(&seeded).unwrap();
    assert_eq!(stored["LifeCycle"]["Stage"], "Technical Validation");
    assert_eq!(
        stored["Project"]["AdditionalComments"],
        "Added in the Partner Central console"
    );
    // A deal property change touching no account property: the deal is the only HubSpot read. One write-back
    // PATCH (title/review status/last sync differ from the re-seeded deal).
    assert_eq!(
        (hubspot_reads(&env), hubspot_writes(&env)),
        (1, 1),
        "HubSpot reads/writes per update"
    );
    assert_eq!(
        stored["Customer"]["Account"]["CompanyName"], "Acme Corp",
        "the account is carried over unchanged"
    );
    assert_eq!(stored["Customer"]["Contacts"][0]["Email"], "jane.doe@acme.example");

    // The same event again: nothing changed, so zero writes anywhere.
    env.hubspot.clear_requests();
    let (reads1, writes1) = (env.pc.reads(), env.pc.writes());
    let status = run(
        &env,
        &deal_event("m-3", Some(("dealstage", "presentationscheduled")), None),
    )
    .await;
    assert_eq!(status, processed("unchanged"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 1);
    assert_eq!((env.pc.reads() - reads1, env.pc.writes() - writes1), (1, 0));
    assert_eq!(hubspot_writes(&env), 0);
}

#[tokio::test]
async fn review_lock_blocks_updates_and_tells_the_deal_once() {
    let env = env().await;
    let id = created(&env).await;
    assert!(env.pc.set_review_status(&id, "In review"));
    let mut props = deal_props("Acme data platform #AWS");
    props[1].1 = "contractsent".into();
    props.push(("aws_opportunity_id", id.clone()));
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
    env.hubspot.clear_requests();
    let status = run(&env, &deal_event("m-2", Some(("dealstage", "contractsent")), None)).await;
    assert_eq!(status, skipped("review_locked"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 0);
    // The status PATCH and one note explaining the lock.
    assert_eq!(hubspot_writes(&env), 2);
    let notes = deal_notes(&env, DEAL);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with(deal_mapping::SYNC_NOTE_MARKER), "{}", notes[0]);
    assert!(
        notes[0].contains(&id) && notes[0].contains("'In review'"),
        "{}",
        notes[0]
    );
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("blocked"));
    assert_eq!(prop(&env, "aws_review_status").as_deref(), Some("In review"));
    assert!(prop(&env, "aws_sync_error").unwrap().contains("In review"));
    // Another change while still in review: no second write-back, no second note.
    let status = run(&env, &deal_event("m-3", Some(("amount", "5")), None)).await;
    assert_eq!(status, skipped("review_locked"));
    assert_eq!(hubspot_writes(&env), 2);
    assert_eq!(deal_notes(&env, DEAL).len(), 1);
    assert_eq!(env.pc.count("UpdateOpportunity"), 0);
}

#[tokio::test]
async fn echo_events_cause_no_calls() {
    let env = env().await;
    let status = run(
        &env,
        &deal_event("m-1", Some(("aws_opportunity_id", "O123")), Some("1160452")),
    )
    .await;
    assert_eq!(status, skipped("echo"));
    let status = run(&env, &deal_event("m-2", Some(("aws_sync_status", "synced")), None)).await;
    assert_eq!(status, skipped("echo"));
    assert_eq!(env.hubspot.request_count(), 0);
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
}

#[tokio::test]
async fn out_of_scope_deal_is_skipped_without_writes() {
    let env = env().await;
    env.hubspot
        .seed(ObjectType::Deals, DEAL, deal_props("Acme data platform #AWSOME"))
        .unwrap();
    let status = run(&env, &deal_event("m-1", Some(("dealname", "x")), None)).await;
    assert_eq!(status, skipped("not_in_scope"));
    assert_eq!(hubspot_reads(&env), 1, "only the deal is read");
    assert_eq!(hubspot_writes(&env), 0);
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
    // Tagged later: created then.
    env.hubspot
        .seed(ObjectType::Deals, DEAL, deal_props("Acme data platform #aws"))
        .unwrap();
    let status = run(&env, &deal_event("m-2", Some(("dealname", "x")), None)).await;
    assert_eq!(status, processed("created"));
}

#[tokio::test]
async fn mapping_error_is_acknowledged_written_onto_the_deal_and_cleared_later() {
    let env = env().await;
    env.hubspot
        .seed(
            ObjectType::Companies,
            "501",
            [("name", "Acme Corp"), ("country", "Narnia")],
        )
        .unwrap();
    let status = run(&env, &deal_event("m-1", None, None)).await;
    assert_eq!(
        status,
        RecordStatus::FailedPermanent {
            code: "invalid_data".into()
        }
    );
    assert_eq!(env.pc.writes(), 0);
    assert_eq!(hubspot_writes(&env), 1, "one PATCH surfaces the error");
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("error"));
    let error = prop(&env, "aws_sync_error").unwrap();
    assert!(error.contains("Customer.Account.Address.CountryCode"), "{error}");
    assert!(error.contains("Narnia"), "{error}");
    // Another edit while the error persists: acknowledged again, the deal already shows it, no second write.
    let status = run(&env, &deal_event("m-1b", Some(("amount", "125000")), None)).await;
    assert_eq!(
        status,
        RecordStatus::FailedPermanent {
            code: "invalid_data".into()
        }
    );
    assert_eq!(hubspot_writes(&env), 1);

    env.hubspot
        .seed(ObjectType::Companies, "501", [("name", "Acme Corp"), ("country", "UK")])
        .unwrap();
    let status = run(&env, &deal_event("m-2", Some(("amount", "130000")), None)).await;
    assert_eq!(status, processed("created"));
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("synced"));
    assert_eq!(prop(&env, "aws_sync_error").as_deref().unwrap_or(""), "");
}

#[tokio::test]
async fn lost_write_back_then_changed_deal_recovers_the_opportunity() {
    let env = env().await;
    env.hubspot
        .inject(FaultRule::next(20, Fault::status(503)).method("PATCH"));
    let status = run(&env, &deal_event("m-1", None, None)).await;
    assert!(matches!(status, RecordStatus::Failed { .. }), "{status:?}");
    env.hubspot.clear_faults();
    // The deal changes before the retry: the same ClientToken now comes with a different body (a token conflict),
    // so the handler finds the opportunity by PartnerOpportunityIdentifier and updates it instead.
    let mut props = deal_props("Acme data platform #AWS");
    props[1].1 = "decisionmakerboughtin".into();
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
    let status = run(
        &env,
        &deal_event("m-2", Some(("dealstage", "decisionmakerboughtin")), None),
    )
    .await;
    // The retry finds the opportunity carrying this deal's id (ListOpportunities by company name) and adopts it:
    // no second CreateOpportunity, no token conflict.
    assert_eq!(status, processed("adopted"));
    assert_eq!(env.pc.count("CreateOpportunity"), 1);
    assert_eq!(
        env.pc.count("ListOpportunities"),
        2,
        "one adopt check per create attempt"
    );
    assert_eq!(env.pc.opportunity_count(), 1);
    let id = prop(&env, "aws_opportunity_id").unwrap();
    assert_eq!(
        env.pc.opportunity(&id).unwrap()["LifeCycle"]["Stage"],
        "Business Validation"
    );
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("synced"));
}

#[tokio::test]
async fn update_conflict_is_retried_with_a_fresh_read() {
    let env = env().await;
    let id = created(&env).await;
    let mut props = deal_props("Acme data platform #AWS");
    props[1].1 = "contractsent".into();
    props.push(("aws_opportunity_id", id.clone()));
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
    env.pc
        .inject_fault_for("UpdateOpportunity", FaultKind::ConcurrentModification, 1);
    let status = run(&env, &deal_event("m-2", Some(("dealstage", "contractsent")), None)).await;
    assert_eq!(status, processed("updated"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 2, "conflict, then the retry");
    assert_eq!(env.pc.count("GetOpportunity"), 2, "re-read after the conflict");
    assert_eq!(env.pc.opportunity(&id).unwrap()["LifeCycle"]["Stage"], "Committed");
}

/// Re-seeds the deal linked to `id` with a new name, stage and close date (the deal shows the last sync's status).
fn edit_linked_deal(env: &Env, id: &str, name: &str, stage: &str, close: &str) {
    let mut props = deal_props(name);
    props[1].1 = stage.into();
    props[4].1 = close.into();
    props.push(("aws_opportunity_id", id.to_owned()));
    env.hubspot.seed(ObjectType::Deals, DEAL, props).unwrap();
}

#[tokio::test]
async fn each_review_status_gets_its_edit_rule() {
    for locked in ["Submitted", "In review", "Rejected"] {
        let env = env().await;
        let id = created(&env).await;
        assert!(env.pc.set_review_status(&id, locked));
        edit_linked_deal(&env, &id, "Acme data platform #AWS", "contractsent", "2027-06-30");
        let status = run(&env, &deal_event("m-2", Some(("dealstage", "contractsent")), None)).await;
        assert_eq!(status, skipped("review_locked"), "{locked}");
        assert_eq!(env.pc.count("UpdateOpportunity"), 0, "{locked}");
        assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("blocked"), "{locked}");
        assert_eq!(prop(&env, "aws_review_status").as_deref(), Some(locked));
    }

    // Approved: the stage follows the deal, the title (locked after approval) keeps its value; the earlier
    // blocked status is cleared.
    let env = env().await;
    let id = created(&env).await;
    let title = env.pc.opportunity(&id).unwrap()["Project"]["Title"].clone();
    assert!(env.pc.set_review_status(&id, "Approved"));
    edit_linked_deal(&env, &id, "Renamed platform #AWS", "contractsent", "2027-06-30");
    let status = run(
        &env,
        &deal_event("m-2", Some(("dealname", "Renamed platform #AWS")), None),
    )
    .await;
    assert_eq!(status, processed("updated"));
    let stored = env.pc.opportunity(&id).unwrap();
    assert_eq!(stored["LifeCycle"]["Stage"], "Committed");
    assert_eq!(stored["Project"]["Title"], title);
    assert_eq!(prop(&env, "aws_review_status").as_deref(), Some("Approved"));
    assert_eq!(prop(&env, "aws_sync_status").as_deref(), Some("synced"));

    // Action Required: only the editable subset (TargetCloseDate is in it, the title is not).
    let env = self::env().await;
    let id = created(&env).await;
    let title = env.pc.opportunity(&id).unwrap()["Project"]["Title"].clone();
    assert!(env.pc.set_review_status(&id, "Action Required"));
    edit_linked_deal(&env, &id, "Renamed platform #AWS", "qualifiedtobuy", "2027-09-30");
    let status = run(&env, &deal_event("m-2", Some(("closedate", "2027-09-30")), None)).await;
    assert_eq!(status, processed("updated"));
    let stored = env.pc.opportunity(&id).unwrap();
    assert_eq!(stored["LifeCycle"]["TargetCloseDate"], "2027-09-30");
    assert_eq!(stored["Project"]["Title"], title);
}

/// A scripted deal workload: 20 deals x 5 events (creation; two echoes of the write-back; an amount change; the
/// same change redelivered) = 100 events in SQS batches of 10. Prints the calls made beside the minimum.
#[tokio::test]
async fn workload_of_100_deal_events_over_20_deals() {
    let env = env().await;
    let deals: Vec<String> = (0..20).map(|i| format!("{}", 9100 + i)).collect();
    for d in &deals {
        env.hubspot
            .seed(ObjectType::Deals, d, deal_props(&format!("Deal {d} #AWS")))
            .unwrap();
        env.hubspot.associate_primary_company(d, "501").unwrap();
        env.hubspot
            .associate(ObjectType::Deals, d, ObjectType::Contacts, "601")
            .unwrap();
    }
    let run_phase = |records: Vec<SqsMessage>| {
        let app = &env.app;
        async move {
            let mut statuses = Vec::new();
            for chunk in records.chunks(10) {
                let mut e = SqsEvent::default();
                e.records = chunk.to_vec();
                let report = app.run_batch(&e, None).await.unwrap();
                assert!(report.failed_ids().is_empty(), "{report:?}");
                statuses.extend(report.records.into_iter().map(|r| r.status));
            }
            statuses
        }
    };
    let phase = |tag: &str, property: Option<(&str, &str)>, source: Option<&str>| -> Vec<SqsMessage> {
        deals
            .iter()
            .map(|d| deal_record(d, &format!("{tag}-{d}"), property, source))
            .collect()
    };
    run_phase(phase("create", None, None)).await;
    let mut echoes = phase("echo-id", Some(("aws_opportunity_id", "O1")), Some("1160452"));
    echoes.extend(phase("echo-status", Some(("aws_sync_status", "synced")), None));
    run_phase(echoes).await;
    for d in &deals {
        let mut props = deal_props(&format!("Deal {d} #AWS"));
        props[3].1 = "240000".into();
        let mut current = env.hubspot.object(ObjectType::Deals, d).unwrap().properties;
        current.extend(props.into_iter().map(|(k, v)| (k.to_owned(), v)));
        env.hubspot.seed(ObjectType::Deals, d, current).unwrap();
    }
    let statuses = run_phase(phase("amount", Some(("amount", "240000")), None)).await;
    assert!(statuses.iter().all(|s| *s == processed("updated")), "{statuses:?}");
    let statuses = run_phase(phase("amount-again", Some(("amount", "240000")), None)).await;
    assert!(statuses.iter().all(|s| *s == processed("unchanged")), "{statuses:?}");

    let (pc_reads, pc_writes) = (env.pc.reads(), env.pc.writes());
    let (hs_reads, hs_writes) = (hubspot_reads(&env), hubspot_writes(&env));
    eprintln!(
        "workload 100 events / 20 deals: Partner Central writes {pc_writes} (minimum 40), reads {pc_reads} \
         (minimum 20 + 20 adopt checks); HubSpot reads {hs_reads}, writes {hs_writes} (minimum 20 write-backs + 20 \
         last-sync)"
    );
    assert_eq!(env.pc.opportunity_count(), 20);
    assert_eq!(env.pc.count("CreateOpportunity"), 20);
    assert_eq!(env.pc.count("UpdateOpportunity"), 20);
    assert_eq!(pc_writes, 40);
    assert_eq!(env.pc.count("ListOpportunities"), 20, "one adopt check per create");
    assert_eq!(
        pc_reads, 60,
        "the adopt checks + one GetOpportunity per update event (changed or not)"
    );
    assert_eq!(
        hs_reads,
        3 * 20 + 40,
        "deal + company + contacts per creation, the deal alone per amount change"
    );
    assert_eq!(hs_writes, 40);
}
