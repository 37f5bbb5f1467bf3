//! Shadow write mode against the validating local server: the same workload (create, update_with_retry, associate,
//! start engagement) runs live against one server and in shadow against an identically seeded second one. The
//! shadow log must hold exactly the JSON bodies the live server received (same operations, same order), the shadow
//! server must receive zero writes and the same reads.
#![allow(clippy::unwrap_used)]

mod common;

use common::{client, new_opportunity};
use partner_central::sdk::types::{AwsSubmission, SalesInvolvementType, Visibility};
use partner_central::{ClientToken, PartnerCentral, PlannedWrite, WriteLog, WriteMode, shadow_opportunity_id};
use partner_central_server::PartnerCentralServer;
use serde_json::Value;

const SOLUTION: &str = "S-0000001";

/// A stored opportunity record made by a real create on a scratch server.
async fn existing_record() -> Value {
    let scratch = PartnerCentralServer::start().await.unwrap();
    let pc = client(&scratch).await;
    let token = ClientToken::new("hubspot-1-deal-6-create").unwrap();
    let id = pc.create_opportunity(&token, &new_opportunity("6")).await.unwrap().id;
    scratch.opportunity(&id).unwrap()
}

async fn seeded_server(record: &Value) -> PartnerCentralServer {
    let server = PartnerCentralServer::start().await.unwrap();
    server.seed_solution("Sandbox", SOLUTION, "Data platform", "Active", "Software Product");
    server.seed_opportunity("Sandbox", record.clone());
    server
}

/// The workload; returns the created id and whether the update wrote.
async fn workload(pc: &PartnerCentral, existing: &str) -> (String, bool) {
    let created = pc
        .create_opportunity(
            &ClientToken::new("hubspot-1-deal-7-create").unwrap(),
            &new_opportunity("7"),
        )
        .await
        .unwrap();
    let updated = pc
        .update_with_retry(existing, |_, mut f| {
            f.project.as_mut()?.title = Some("Data platform v2".into());
            Some(f)
        })
        .await
        .unwrap();
    pc.associate_solution(existing, SOLUTION).await.unwrap();
    let submission = AwsSubmission::builder()
        .involvement_type(SalesInvolvementType::CoSell)
        .visibility(Visibility::Full)
        .build()
        .unwrap();
    let task = pc
        .start_engagement(
            &ClientToken::new("hubspot-1-deal-6-submit").unwrap(),
            existing,
            submission,
        )
        .await
        .unwrap();
    assert_eq!(task.opportunity_id.as_deref(), Some(existing));
    (created.id, updated.written)
}

#[tokio::test]
async fn shadow_records_exactly_the_live_writes_and_sends_none() {
    let record = existing_record().await;
    let existing = record["Id"].as_str().unwrap().to_string();

    let live_server = seeded_server(&record).await;
    let live = client(&live_server).await;
    let (live_created, live_written) = workload(&live, &existing).await;

    let shadow_server = seeded_server(&record).await;
    let log = WriteLog::new();
    let mut cfg = common::config(&shadow_server);
    cfg.write_mode = WriteMode::Shadow(log.clone());
    let shadow = PartnerCentral::new(&common::sdk_config().await, cfg).await;
    let (shadow_created, shadow_written) = workload(&shadow, &existing).await;

    assert_eq!(
        shadow_created,
        shadow_opportunity_id("Sandbox", "hubspot-1-deal-7-create")
    );
    assert_ne!(shadow_created, live_created);
    assert!(live_written && shadow_written);

    let planned = log.take();
    let live_writes: Vec<_> = live_server.requests().into_iter().filter(|r| r.is_write()).collect();
    assert_eq!(
        planned.iter().map(|p| p.operation.as_str()).collect::<Vec<_>>(),
        [
            "CreateOpportunity",
            "UpdateOpportunity",
            "AssociateOpportunity",
            "StartEngagementFromOpportunityTask"
        ]
    );
    assert_eq!(planned.len(), live_writes.len());
    for (p, w) in planned.iter().zip(&live_writes) {
        assert_eq!(
            (p.api.as_str(), p.operation.as_str()),
            ("PartnerCentral", w.operation.as_str())
        );
        assert_eq!(
            p.request, w.body,
            "{}: shadow body equals the body the live server received",
            p.operation
        );
        assert_eq!(w.status, 200, "{} accepted by the validating server", w.operation);
    }
    let targets: Vec<&str> = planned.iter().map(|p| p.target.as_str()).collect();
    assert_eq!(targets, [shadow_created.as_str(), &existing, &existing, &existing]);

    assert_eq!(shadow_server.writes(), 0, "no write reached the shadow server");
    assert_eq!(shadow_server.reads(), live_server.reads(), "every read is still made");
    assert_eq!(shadow_server.count("GetOpportunity"), 1);
    assert_eq!(shadow_server.opportunity(&existing).unwrap(), record, "nothing changed");
    assert_eq!(shadow_server.opportunity_count(), 1);
}

#[tokio::test]
async fn shadow_twin_shares_reads_and_records_into_its_log() {
    let record = existing_record().await;
    let existing = record["Id"].as_str().unwrap().to_string();
    let server = seeded_server(&record).await;
    let live = client(&server).await;
    let log = WriteLog::new();
    let twin = live.shadow(log.clone());
    assert!(twin.write_mode().is_shadow() && !live.write_mode().is_shadow());

    twin.associate_solution(&existing, SOLUTION).await.unwrap();
    // A no-op merge makes no write, in shadow as live.
    let result = twin.update_with_retry(&existing, |_, f| Some(f)).await.unwrap();
    assert!(!result.written);
    assert_eq!(server.writes(), 0);
    assert_eq!(server.count("GetOpportunity"), 1);
    assert_eq!(
        live.metrics().snapshot()["GetOpportunity"].calls,
        1,
        "metrics are shared"
    );
    assert!(
        !live.metrics().snapshot().contains_key("AssociateOpportunity"),
        "shadow writes are not calls"
    );
    let expected = PlannedWrite {
        api: "PartnerCentral".into(),
        operation: "AssociateOpportunity".into(),
        target: existing.clone(),
        request: serde_json::json!({
            "Catalog": "Sandbox", "OpportunityIdentifier": existing,
            "RelatedEntityType": "Solutions", "RelatedEntityIdentifier": SOLUTION,
        }),
    };
    assert_eq!(log.take(), vec![expected]);

    // The live client still writes.
    live.associate_solution(&existing, SOLUTION).await.unwrap();
    assert_eq!(server.writes(), 1);
    assert!(log.is_empty());
}
