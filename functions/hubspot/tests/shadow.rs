//! Shadow write mode: the same workload run live against one server and in shadow against an identically seeded
//! second server. The shadow log must hold exactly the write requests the live server received (same order, same
//! targets, same JSON bodies), the shadow server must receive no write, and every read must still be made.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::*;
use hubspot::{HubSpotClient, ObjectType, PlannedWrite, WriteLog, WriteMode};
use hubspot_server::RecordedRequest;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Reads, a deal PATCH, a note, a company PATCH, and the result of each write.
async fn workload(client: &HubSpotClient) -> Vec<(String, Option<String>)> {
    let deal = client.get_deal(DEAL, &["dealname", "amount"]).await.unwrap();
    client
        .batch_read(
            ObjectType::Contacts,
            &deal.associated_ids(ObjectType::Contacts),
            &["email"],
        )
        .await
        .unwrap();
    let updated = client
        .update_deal(
            DEAL,
            &props(&[
                ("aws_opportunity_id", "O1234567890"),
                ("aws_sync_status", "synced"),
                ("amount", ""),
            ]),
        )
        .await
        .unwrap();
    let note = client
        .create_deal_note(DEAL, "<p>Submitted to AWS</p>", "2026-11-29T02:00:00Z")
        .await
        .unwrap();
    client
        .update_object(ObjectType::Companies, COMPANY, &props(&[("name", "Acme GmbH")]))
        .await
        .unwrap();
    vec![
        (
            updated.id.clone(),
            updated.property("aws_opportunity_id").map(str::to_owned),
        ),
        (
            note.id.is_empty().to_string(),
            note.property("hs_note_body").map(str::to_owned),
        ),
    ]
}

fn writes(requests: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    requests
        .iter()
        .filter(|r| r.method != "GET" && !r.path.ends_with("/batch/read"))
        .collect()
}

#[tokio::test]
async fn shadow_records_exactly_the_live_writes_and_sends_none() {
    let live_server = server().await;
    let live = client(&live_server);
    let live_results = workload(&live).await;

    let shadow_server = server().await;
    let log = WriteLog::new();
    let shadow = HubSpotClient::new(config(&shadow_server).with_write_mode(WriteMode::Shadow(log.clone()))).unwrap();
    let shadow_results = workload(&shadow).await;

    assert_eq!(shadow_results, live_results, "shadow writes answer like live ones");
    let live_requests = live_server.requests();
    let live_writes = writes(&live_requests);
    let planned = log.take();
    assert_eq!(planned.len(), 3);
    assert_eq!(planned.len(), live_writes.len());
    for (p, w) in planned.iter().zip(&live_writes) {
        assert_eq!(p.api, "HubSpot");
        assert_eq!(Some(&p.request), w.json().as_ref(), "{} body", p.operation);
        let expected_path = match p.operation.as_str() {
            "PATCH deal" => format!("/crm/v3/objects/deals/{}", p.target),
            "PATCH company" => format!("/crm/v3/objects/companies/{}", p.target),
            "create note" => "/crm/v3/objects/notes".to_owned(),
            other => panic!("unexpected operation {other}"),
        };
        assert_eq!(w.path, expected_path);
    }
    assert_eq!(
        planned
            .iter()
            .map(|p| (p.operation.as_str(), p.target.as_str()))
            .collect::<Vec<_>>(),
        [("PATCH deal", DEAL), ("create note", DEAL), ("PATCH company", COMPANY)]
    );

    let shadow_requests = shadow_server.requests();
    assert!(writes(&shadow_requests).is_empty(), "no write reached the server");
    let reads = |rs: &[RecordedRequest]| {
        rs.iter()
            .filter(|r| !writes(rs).contains(r))
            .map(|r| (r.method.clone(), r.path.clone(), r.body.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reads(&shadow_requests),
        reads(&live_requests),
        "every read is still made"
    );
    let deal = shadow_server.object(hubspot_server::ObjectType::Deals, DEAL).unwrap();
    assert!(!deal.properties.contains_key("aws_opportunity_id"), "nothing stored");
}

#[tokio::test]
async fn shadow_twin_shares_the_client_and_records_into_its_log() {
    let server = server().await;
    let live = client(&server);
    let log = WriteLog::new();
    let twin = live.shadow(log.clone());
    assert!(twin.write_mode().is_shadow() && !live.write_mode().is_shadow());
    let updated = twin
        .update_deal(DEAL, &props(&[("aws_sync_status", "shadow")]))
        .await
        .unwrap();
    assert_eq!(updated.property("aws_sync_status"), Some("shadow"));
    assert_eq!(updated.property("hs_object_id"), Some(DEAL));
    twin.get_deal(DEAL, &["dealname"]).await.unwrap();
    assert_eq!(server.requests().len(), 1, "only the read was sent");
    assert_eq!(
        live.stats().take().get("deals.get").map(|s| s.calls),
        Some(1),
        "stats are shared"
    );
    let expected = PlannedWrite {
        api: "HubSpot".into(),
        operation: "PATCH deal".into(),
        target: DEAL.into(),
        request: serde_json::json!({"properties": {"aws_sync_status": "shadow"}}),
    };
    assert_eq!(log.take(), vec![expected]);
    // Input validation still applies in shadow mode.
    assert!(twin.update_deal("abc", &props(&[("x", "y")])).await.is_err());
    assert!(log.is_empty());
}
