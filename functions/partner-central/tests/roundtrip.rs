//! Create / get / update round trips through the client against the validating local server.
#![allow(clippy::unwrap_used)]

mod common;

use common::{client, new_opportunity};
use partner_central::sdk::types::{AwsSubmission, ReviewStatus, SalesInvolvementType, SolutionStatus, Visibility};
use partner_central::{ClientToken, ErrorClass, PcError};
use partner_central_server::PartnerCentralServer;
use serde_json::Value;

#[tokio::test]
async fn create_get_update_round_trip_sends_full_record() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let token = ClientToken::new("hubspot-1-deal-42-create").unwrap();
    let created = pc.create_opportunity(&token, &new_opportunity("42")).await.unwrap();
    let id = created.id.clone();
    assert_eq!(
        server.requests_for("CreateOpportunity")[0].body["ClientToken"],
        "hubspot-1-deal-42-create"
    );

    let current = pc.get_opportunity(&id).await.unwrap();
    assert_eq!(
        current.life_cycle.as_ref().unwrap().review_status,
        Some(ReviewStatus::PendingSubmission)
    );
    assert_eq!(current.last_modified_date, created.last_modified_date.unwrap());

    let result = pc
        .update_with_retry(&id, |_, mut f| {
            f.project.as_mut().unwrap().title = Some("Data platform v2".into());
            Some(f)
        })
        .await
        .unwrap();
    assert!(result.written);
    assert_eq!(result.attempts, 1);

    let sent = &server.requests_for("UpdateOpportunity")[0].body;
    let stored_before = current.last_modified_date;
    let sent_date = partner_central::sdk::primitives::DateTime::from_str(
        sent["LastModifiedDate"].as_str().unwrap(),
        aws_smithy_types::date_time::Format::DateTime,
    )
    .unwrap();
    assert_eq!(
        sent_date, stored_before,
        "update carries the LastModifiedDate from the Get"
    );
    for member in [
        "PrimaryNeedsFromAws",
        "NationalSecurity",
        "PartnerOpportunityIdentifier",
        "Customer",
        "Project",
        "OpportunityType",
        "Marketing",
        "LifeCycle",
    ] {
        assert!(sent.get(member).is_some(), "full record: {member} sent");
    }
    let lc = sent["LifeCycle"].as_object().unwrap();
    assert!(
        !lc.contains_key("ReviewStatus") && !lc.contains_key("NextStepsHistory"),
        "read-only members not sent: {lc:?}"
    );

    let after = server.opportunity(&id).unwrap();
    assert_eq!(after["Project"]["Title"], "Data platform v2");
    assert_eq!(
        after["Marketing"]["Source"], "None",
        "untouched members survive the full replacement"
    );
    assert_eq!(after["Customer"]["Contacts"][0]["Email"], "jane.doe@acme.example");
    let latest = pc.get_opportunity(&id).await.unwrap();
    assert_eq!(latest.last_modified_date, result.last_modified_date);
}

#[tokio::test]
async fn unchanged_merge_does_not_write() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let id = pc
        .create_opportunity(&ClientToken::new("t").unwrap(), &new_opportunity("1"))
        .await
        .unwrap()
        .id;
    let r = pc.update_with_retry(&id, |_, f| Some(f)).await.unwrap();
    assert!(!r.written);
    let r = pc.update_with_retry(&id, |_, _| None).await.unwrap();
    assert!(!r.written);
    assert_eq!(server.count("UpdateOpportunity"), 0);
}

#[tokio::test]
async fn client_token_idempotency_and_conflict() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let token = ClientToken::new("hubspot-1-deal-7-create").unwrap();
    let first = pc.create_opportunity(&token, &new_opportunity("7")).await.unwrap();
    let again = pc.create_opportunity(&token, &new_opportunity("7")).await.unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(server.opportunity_count(), 1);
    let mut changed = new_opportunity("7");
    changed.fields.project.as_mut().unwrap().title = Some("Changed".into());
    let err = pc.create_opportunity(&token, &changed).await.unwrap_err();
    assert!(matches!(err, PcError::ClientTokenConflict { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Permanent);
    // Recovery path: find the opportunity created earlier by its partner identifier.
    let found = pc.find_by_partner_identifier("hs-deal-7", 5).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id.as_deref(), Some(first.id.as_str()));
    assert!(ClientToken::new("").is_err() && ClientToken::new("x".repeat(256)).is_err());
}

#[tokio::test]
async fn associate_submit_then_updates_are_blocked() {
    let server = PartnerCentralServer::start().await.unwrap();
    server.seed_solution("Sandbox", "S-0000001", "Solution A", "Active", "Software Product");
    server.seed_solution("Sandbox", "S-0000002", "Solution B", "Inactive", "Software Product");
    let pc = client(&server).await;
    let active = pc.list_solutions(&[SolutionStatus::Active]).await.unwrap();
    assert_eq!(
        active.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec!["S-0000001"]
    );
    let id = pc
        .create_opportunity(&ClientToken::new("t").unwrap(), &new_opportunity("9"))
        .await
        .unwrap()
        .id;
    pc.associate_solution(&id, "S-0000001").await.unwrap();
    let submission = AwsSubmission::builder()
        .involvement_type(SalesInvolvementType::CoSell)
        .visibility(Visibility::Full)
        .build()
        .unwrap();
    let submit = ClientToken::new("hubspot-1-deal-9-submit").unwrap();
    let task = pc.start_engagement(&submit, &id, submission.clone()).await.unwrap();
    assert_eq!(task.opportunity_id.as_deref(), Some(id.as_str()));
    let again = pc.start_engagement(&submit, &id, submission).await.unwrap();
    assert_eq!(again.task_id, task.task_id);

    let err = pc.update_with_retry(&id, |_, f| Some(f)).await.unwrap_err();
    assert!(
        matches!(&err, PcError::NotEditable { review_status, .. } if review_status == "Submitted"),
        "{err:?}"
    );
    server.set_review_status(&id, "In review");
    let err = pc.update_with_retry(&id, |_, f| Some(f)).await.unwrap_err();
    assert!(
        matches!(&err, PcError::NotEditable { review_status, .. } if review_status == "In review"),
        "{err:?}"
    );
    assert_eq!(
        server.count("UpdateOpportunity"),
        0,
        "the gate prevents the doomed write"
    );
    let related: &Value = &server.opportunity(&id).unwrap()["RelatedEntityIdentifiers"];
    assert_eq!(related["Solutions"][0], "S-0000001");
}

#[tokio::test]
async fn action_required_sends_only_the_editable_subset() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let id = pc
        .create_opportunity(&ClientToken::new("t").unwrap(), &new_opportunity("5"))
        .await
        .unwrap()
        .id;
    server.set_review_status(&id, "Action Required");
    let r = pc
        .update_with_retry(&id, |_, mut f| {
            let project = f.project.as_mut().unwrap();
            project.title = Some("Not editable now".into());
            project.customer_business_problem = Some("A clearer statement of the business problem".into());
            Some(f)
        })
        .await
        .unwrap();
    assert!(r.written && r.restricted_to_action_required);
    let after = server.opportunity(&id).unwrap();
    assert_eq!(
        after["Project"]["Title"], "Data platform",
        "non-editable change left out"
    );
    assert_eq!(
        after["Project"]["CustomerBusinessProblem"],
        "A clearer statement of the business problem"
    );
}

#[tokio::test]
async fn lists_with_filters() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            pc.create_opportunity(
                &ClientToken::new(format!("t{i}")).unwrap(),
                &new_opportunity(&i.to_string()),
            )
            .await
            .unwrap()
            .id,
        );
    }
    let one = pc
        .list_opportunities(|b| b.identifier(ids[1].clone()), 3)
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id.as_deref(), Some(ids[1].as_str()));
    let paged = pc.list_opportunities(|b| b.max_results(1), 10).await.unwrap();
    assert_eq!(paged.len(), 3);
    assert_eq!(server.count("ListOpportunities"), 4);
    let stats = pc.metrics().snapshot();
    assert_eq!(stats["CreateOpportunity"].calls, 3);
    assert_eq!(stats["ListOpportunities"].calls, 4);
}
