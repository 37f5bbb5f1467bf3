//! Write paths against the local HubSpot server: deal PATCH and note creation as the server sees them, and the
//! validation errors HubSpot returns for undefined properties (not retried, classified as configuration).

mod common;

use std::collections::BTreeMap;

use common::*;
use hubspot::{ErrorClass, HubSpotError, ObjectType};
use hubspot_server::ObjectType as ServerType;
use serde_json::json;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test]
async fn patch_writes_back_the_opportunity() {
    let server = server().await;
    let client = client(&server);
    let updates = props(&[
        ("aws_opportunity_id", "O1234567"),
        ("aws_sync_status", "synced"),
        ("aws_review_status", "Pending Submission"),
        ("amount", ""),
    ]);
    let updated = client.update_deal(DEAL, &updates).await.unwrap();
    assert_eq!(updated.property("aws_opportunity_id"), Some("O1234567"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("PATCH", "/crm/v3/objects/deals/101")
    );
    assert_eq!(
        requests[0].json().unwrap(),
        json!({"properties": {"aws_opportunity_id": "O1234567", "aws_sync_status": "synced", "aws_review_status": "Pending Submission", "amount": ""}})
    );
    let stored = server.object(ServerType::Deals, DEAL).unwrap();
    assert_eq!(
        stored.properties.get("aws_opportunity_id").map(String::as_str),
        Some("O1234567")
    );
    assert_eq!(
        stored.properties.get("dealname").map(String::as_str),
        Some("Acme migration #AWS"),
        "untouched"
    );
    assert!(
        !stored.properties.contains_key("amount"),
        "an empty string clears the value"
    );
}

#[tokio::test]
async fn patch_of_an_undefined_property_is_a_config_error_and_not_retried() {
    let server = server().await;
    let client = client(&server);
    let error = client
        .update_deal(DEAL, &props(&[("aws_not_defined", "x"), ("aws_sync_status", "synced")]))
        .await
        .unwrap_err();
    let HubSpotError::Rejected { api, .. } = &error else {
        panic!("expected Rejected, got {error:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.body.category.as_deref(), Some("VALIDATION_ERROR"));
    assert!(
        api.body
            .message
            .as_deref()
            .unwrap_or("")
            .contains("PROPERTY_DOESNT_EXIST")
    );
    assert!(api.body.correlation_id.is_some());
    assert_eq!(error.class(), ErrorClass::Config);
    assert_eq!(server.request_count(), 1, "400 is not retried");
    let stored = server.object(ServerType::Deals, DEAL).unwrap();
    assert!(
        !stored.properties.contains_key("aws_sync_status"),
        "a rejected PATCH changes nothing"
    );
}

#[tokio::test]
async fn patch_of_a_read_only_property_is_rejected() {
    let server = server().await;
    let client = client(&server);
    let error = client
        .update_deal(DEAL, &props(&[("hs_object_id", "5")]))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Config);
    let empty = client.update_deal(DEAL, &BTreeMap::new()).await.unwrap_err();
    assert_eq!(empty.class(), ErrorClass::Permanent);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn patch_of_a_deleted_deal_is_not_found() {
    let server = server().await;
    let client = client(&server);
    let error = client
        .update_deal("998", &props(&[("aws_sync_status", "synced")]))
        .await
        .unwrap_err();
    assert!(error.is_not_found());
}

#[tokio::test]
async fn note_is_created_with_its_deal_association_in_one_request() {
    let server = server().await;
    let client = client(&server);
    let note = client
        .create_deal_note(DEAL, "Title change blocked: <b>Acme</b>", "1764370800000")
        .await
        .unwrap();
    assert_eq!(note.property("hs_note_body"), Some("Title change blocked: <b>Acme</b>"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/crm/v3/objects/notes")
    );
    assert_eq!(
        requests[0].json().unwrap(),
        json!({
            "properties": {"hs_timestamp": "1764370800000", "hs_note_body": "Title change blocked: <b>Acme</b>"},
            "associations": [{"to": {"id": "101"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}]}]
        })
    );
    assert_eq!(
        server.associated_ids(ServerType::Notes, &note.id, ServerType::Deals),
        [DEAL]
    );
    assert!(
        server
            .associated_ids(ServerType::Deals, DEAL, ServerType::Notes)
            .contains(&note.id)
    );
    let reread = client.get_deal(DEAL, &[]).await.unwrap();
    assert!(reread.associated_ids(ObjectType::Notes).contains(&note.id));
}

#[tokio::test]
async fn note_on_a_missing_deal_is_rejected_and_creates_nothing() {
    let server = server().await;
    let client = client(&server);
    let before = server.objects(ServerType::Notes).len();
    let error = client
        .create_deal_note("997", "body", "2026-11-28T00:00:00Z")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.category(), Some("VALIDATION_ERROR"));
    assert_eq!(server.objects(ServerType::Notes).len(), before, "no orphan note");
    let too_long = "x".repeat(hubspot::NOTE_BODY_MAX_CHARS + 1);
    let error = client
        .create_deal_note(DEAL, &too_long, "2026-11-28T00:00:00Z")
        .await
        .unwrap_err();
    assert!(matches!(error, HubSpotError::InvalidInput { .. }));
    assert_eq!(server.request_count(), 1);
}
