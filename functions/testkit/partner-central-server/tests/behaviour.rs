//! Service behaviour over the wire: ClientToken idempotency, full-replacement updates with LastModifiedDate
//! locking, review-status rules, listing and paging, associations, engagement start, faults and the write limit.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{call, create, create_body, update_body_from};
use partner_central_server::{FaultKind, PartnerCentralServer};
use serde_json::json;

#[tokio::test]
async fn create_get_and_client_token_idempotency() {
    let server = PartnerCentralServer::start().await.unwrap();
    let (s, first) = call(&server, "CreateOpportunity", create_body("deal-42")).await;
    assert_eq!(s, 200, "{first}");
    let id = first["Id"].as_str().unwrap();
    assert!(id.starts_with('O') && id[1..].chars().all(|c| c.is_ascii_digit()));
    let (_, again) = call(&server, "CreateOpportunity", create_body("deal-42")).await;
    assert_eq!(again, first, "same token + same body -> same result");
    let mut changed = create_body("deal-42");
    changed["Project"]["Title"] = json!("Another title");
    let (s, e) = call(&server, "CreateOpportunity", changed).await;
    assert_eq!((s, e["__type"].as_str()), (409, Some("ConflictException")));
    assert_eq!(
        e["Message"],
        "Conflicting client token submitted for a new request body."
    );
    assert_eq!(server.opportunity_count(), 1);

    let (s, rec) = call(
        &server,
        "GetOpportunity",
        json!({"Catalog": "Sandbox", "Identifier": id}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(rec["LifeCycle"]["ReviewStatus"], "Pending Submission");
    assert_eq!(rec["LifeCycle"]["NextStepsHistory"][0]["Value"], "Kickoff call");
    assert_eq!(rec["Customer"], create_body("x")["Customer"]);
    assert!(rec["CreatedDate"].is_string() && rec["LastModifiedDate"] == first["LastModifiedDate"]);
    assert!(rec["RelatedEntityIdentifiers"].is_object());
    assert!(rec.get("Origin").is_none(), "GetOpportunity has no Origin member");
    let (s, e) = call(&server, "GetOpportunity", json!({"Catalog": "AWS", "Identifier": id})).await;
    assert_eq!((s, e["__type"].as_str()), (404, Some("ResourceNotFoundException")));
}

#[tokio::test]
async fn update_replaces_whole_record_and_checks_last_modified() {
    let server = PartnerCentralServer::start().await.unwrap();
    let rec = create(&server, "t1").await;
    let id = rec["Id"].as_str().unwrap();
    let mut body = update_body_from(&rec);
    body.as_object_mut().unwrap().remove("Marketing");
    body["Project"]["Title"] = json!("Renamed");
    let (s, out) = call(&server, "UpdateOpportunity", body.clone()).await;
    assert_eq!(s, 200, "{out}");
    assert_ne!(out["LastModifiedDate"], rec["LastModifiedDate"]);
    let now = server.opportunity(id).unwrap();
    assert!(now.get("Marketing").is_none(), "omitted member became null");
    assert_eq!(now["Project"]["Title"], "Renamed");
    assert_eq!(
        now["LifeCycle"]["ReviewStatus"], "Pending Submission",
        "read-only members kept"
    );
    assert_eq!(now["OpportunityTeam"], rec["OpportunityTeam"]);
    // The same (now stale) LastModifiedDate again -> conflict.
    let (s, e) = call(&server, "UpdateOpportunity", body).await;
    assert_eq!((s, e["__type"].as_str()), (409, Some("ConflictException")));
    let (s, e) = call(
        &server,
        "UpdateOpportunity",
        json!({"Catalog": "Sandbox", "Identifier": "O9", "LastModifiedDate": "2026-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!((s, e["__type"].as_str()), (404, Some("ResourceNotFoundException")));
}

#[tokio::test]
async fn review_status_rules() {
    let server = PartnerCentralServer::start().await.unwrap();
    let rec = create(&server, "t1").await;
    let id = rec["Id"].as_str().unwrap();
    for (status, code) in [
        ("Submitted", "INVALID_RESOURCE_STATE"),
        ("In review", "INVALID_RESOURCE_STATE"),
        ("Rejected", "ACTION_NOT_PERMITTED"),
    ] {
        assert!(server.set_review_status(id, status));
        let body = update_body_from(&server.opportunity(id).unwrap());
        let (s, e) = call(&server, "UpdateOpportunity", body).await;
        assert_eq!(
            (s, e["__type"].as_str()),
            (400, Some("ValidationException")),
            "{status}"
        );
        assert_eq!(e["Reason"], "BUSINESS_VALIDATION_FAILED");
        assert_eq!(e["ErrorList"][0]["Code"], code);
    }
    server.set_review_status(id, "Action Required");
    let mut body = update_body_from(&server.opportunity(id).unwrap());
    body["Project"]["Title"] = json!("Not allowed now");
    body["Customer"]["Account"]["WebsiteUrl"] = json!("https://acme.example/new");
    let (s, e) = call(&server, "UpdateOpportunity", body).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["ErrorList"][0]["Code"], "ACTION_NOT_PERMITTED");
    assert_eq!(e["ErrorList"][0]["FieldName"], "Project.Title");
    let mut body = update_body_from(&server.opportunity(id).unwrap());
    body["Customer"]["Account"]["WebsiteUrl"] = json!("https://acme.example/new");
    body["Project"]["ExpectedCustomerSpend"][0]["Amount"] = json!("2500");
    body["LifeCycle"]["TargetCloseDate"] = json!("2031-02-01");
    let (s, e) = call(&server, "UpdateOpportunity", body).await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(
        server.opportunity(id).unwrap()["LifeCycle"]["ReviewStatus"],
        "Action Required"
    );
}

#[tokio::test]
async fn list_opportunities_filters_and_pages() {
    let server = PartnerCentralServer::start().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            create(&server, &format!("t{i}")).await["Id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    server.set_review_status(&ids[1], "Submitted");
    let (s, page1) = call(
        &server,
        "ListOpportunities",
        json!({"Catalog": "Sandbox", "MaxResults": 2, "Sort": {"SortBy": "Identifier", "SortOrder": "ASCENDING"}}),
    )
    .await;
    assert_eq!(s, 200, "{page1}");
    assert_eq!(page1["OpportunitySummaries"][0]["Id"], ids[0].as_str());
    assert_eq!(
        page1["OpportunitySummaries"][0]["Customer"]["Account"]["CompanyName"],
        "Acme Corp"
    );
    let token = page1["NextToken"].as_str().unwrap();
    let (_, page2) = call(&server, "ListOpportunities", json!({"Catalog": "Sandbox", "MaxResults": 2, "NextToken": token, "Sort": {"SortBy": "Identifier", "SortOrder": "ASCENDING"}})).await;
    assert_eq!(page2["OpportunitySummaries"][0]["Id"], ids[2].as_str());
    let (_, by_id) = call(
        &server,
        "ListOpportunities",
        json!({"Catalog": "Sandbox", "Identifier": [ids[3]]}),
    )
    .await;
    assert_eq!(by_id["OpportunitySummaries"].as_array().unwrap().len(), 1);
    let (_, submitted) = call(
        &server,
        "ListOpportunities",
        json!({"Catalog": "Sandbox", "LifeCycleReviewStatus": ["Submitted"]}),
    )
    .await;
    assert_eq!(submitted["OpportunitySummaries"][0]["Id"], ids[1].as_str());
    assert!(submitted.get("NextToken").is_none());
    let (_, aws) = call(&server, "ListOpportunities", json!({"Catalog": "AWS"})).await;
    assert_eq!(aws["OpportunitySummaries"], json!([]));
}

#[tokio::test]
async fn associate_and_start_engagement() {
    let server = PartnerCentralServer::start().await.unwrap();
    for i in 1..=11 {
        server.seed_solution(
            "Sandbox",
            &format!("S-{i:07}"),
            &format!("Solution {i}"),
            "Active",
            "Software Product",
        );
    }
    let rec = create(&server, "t1").await;
    let id = rec["Id"].as_str().unwrap();
    let start = json!({"Catalog": "Sandbox", "ClientToken": "submit-1", "Identifier": id, "AwsSubmission": {"InvolvementType": "Co-Sell", "Visibility": "Full"}});
    let (s, e) = call(&server, "StartEngagementFromOpportunityTask", start.clone()).await;
    assert_eq!(
        (s, e["ErrorList"][0]["FieldName"].as_str()),
        (400, Some("RelatedEntityIdentifiers.Solutions"))
    );
    let assoc = |sol: String| json!({"Catalog": "Sandbox", "OpportunityIdentifier": id, "RelatedEntityType": "Solutions", "RelatedEntityIdentifier": sol});
    let (s, e) = call(&server, "AssociateOpportunity", assoc("S-9999999".into())).await;
    assert_eq!((s, e["__type"].as_str()), (404, Some("ResourceNotFoundException")));
    for i in 1..=10 {
        let (s, e) = call(&server, "AssociateOpportunity", assoc(format!("S-{i:07}"))).await;
        assert_eq!(s, 200, "{e}");
    }
    let (s, _) = call(&server, "AssociateOpportunity", assoc("S-0000001".into())).await;
    assert_eq!(s, 200, "re-associating is a no-op");
    let (s, e) = call(&server, "AssociateOpportunity", assoc("S-0000011".into())).await;
    assert_eq!((s, e["ErrorList"][0]["Code"].as_str()), (400, Some("TOO_MANY_VALUES")));
    let (_, sols) = call(
        &server,
        "ListSolutions",
        json!({"Catalog": "Sandbox", "Status": ["Active"], "MaxResults": 100}),
    )
    .await;
    assert_eq!(sols["SolutionSummaries"].as_array().unwrap().len(), 11);

    let (s, task) = call(&server, "StartEngagementFromOpportunityTask", start.clone()).await;
    assert_eq!(s, 200, "{task}");
    assert_eq!(task["OpportunityId"], id);
    assert_eq!(
        server.opportunity(id).unwrap()["LifeCycle"]["ReviewStatus"],
        "Submitted"
    );
    let (_, again) = call(&server, "StartEngagementFromOpportunityTask", start.clone()).await;
    assert_eq!(again, task, "same ClientToken + body -> same task");
    let mut other = start.clone();
    other["AwsSubmission"]["Visibility"] = json!("Limited");
    let (s, e) = call(&server, "StartEngagementFromOpportunityTask", other).await;
    assert_eq!((s, e["__type"].as_str()), (409, Some("ConflictException")));
    let mut new_token = start;
    new_token["ClientToken"] = json!("submit-2");
    let (s, e) = call(&server, "StartEngagementFromOpportunityTask", new_token).await;
    assert_eq!(
        (s, e["ErrorList"][0]["Code"].as_str()),
        (400, Some("INVALID_RESOURCE_STATE"))
    );
}

#[tokio::test]
async fn faults_and_write_rate_limit() {
    let server = PartnerCentralServer::start().await.unwrap();
    let list = json!({"Catalog": "Sandbox"});
    for (kind, status, ty) in [
        (FaultKind::Throttling, 429, Some("ThrottlingException")),
        (FaultKind::Internal, 500, Some("InternalServerException")),
        (FaultKind::AccessDenied, 403, Some("AccessDeniedException")),
        (FaultKind::Unavailable, 503, Some("ServiceUnavailableException")),
    ] {
        server.inject_fault(kind, 1);
        let (s, e) = call(&server, "ListSolutions", list.clone()).await;
        assert_eq!((s, e["__type"].as_str()), (status, ty));
        let (s, _) = call(&server, "ListSolutions", list.clone()).await;
        assert_eq!(s, 200, "fault applies to the next call only");
    }
    server.inject_fault_for("GetOpportunity", FaultKind::Internal, 2);
    let (s, _) = call(&server, "ListSolutions", list.clone()).await;
    assert_eq!(s, 200, "operation-scoped fault leaves other operations alone");

    server.set_write_rate_limit(Some(Duration::from_secs(1)));
    let (s, _) = call(&server, "CreateOpportunity", create_body("a")).await;
    assert_eq!(s, 200);
    let (s, e) = call(&server, "CreateOpportunity", create_body("b")).await;
    assert_eq!((s, e["__type"].as_str()), (429, Some("ThrottlingException")));
    let (s, _) = call(&server, "ListSolutions", list.clone()).await;
    assert_eq!(s, 200, "reads are not write-limited");
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let (s, _) = call(&server, "CreateOpportunity", create_body("b")).await;
    assert_eq!(s, 200);
    assert_eq!(server.writes(), 3);
}
