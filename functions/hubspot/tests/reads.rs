//! Read paths against the local HubSpot server: one-request deal reads with associations, null properties, batch
//! reads (missing ids, chunking), note reads, company-to-deal associations with paging, and deal search paging.

mod common;

use common::*;
use hubspot::{ObjectType, SearchRequest};
use hubspot_server::ObjectType as ServerType;

#[tokio::test]
async fn deal_with_associations_is_one_request() {
    let server = server().await;
    let client = client(&server);
    let deal = client
        .get_deal(DEAL, &["dealname", "amount", "closedate", "aws_opportunity_id"])
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/crm/v3/objects/deals/101")
    );
    assert_eq!(
        request.query_list("properties"),
        ["dealname", "amount", "closedate", "aws_opportunity_id"]
    );
    assert_eq!(request.query_list("associations"), ["companies", "contacts", "notes"]);
    assert!(request.authorized);

    assert_eq!(deal.id, DEAL);
    assert_eq!(deal.property("dealname"), Some("Acme migration #AWS"));
    assert_eq!(deal.property("amount"), Some("120000"));
    // The primary company is listed twice by HubSpot (labelled + unlabeled); ids are de-duplicated.
    assert_eq!(deal.associated_ids(ObjectType::Companies), [COMPANY, OTHER_COMPANY]);
    assert_eq!(deal.primary_company_id(), Some(COMPANY));
    assert_eq!(
        deal.associated_ids(ObjectType::Contacts),
        [CONTACT_FULL, CONTACT_SPARSE]
    );
    assert_eq!(deal.associated_ids(ObjectType::Notes), [NOTE]);
    assert!(!deal.associations_truncated(ObjectType::Contacts));
    let stats = client.stats().snapshot();
    assert_eq!((stats["deals.get"].calls, stats["deals.get"].requests), (1, 1));
}

#[tokio::test]
async fn null_properties_are_none_not_errors() {
    let server = server().await;
    let client = client(&server);
    let deal = client
        .get_deal(DEAL, &["closedate", "aws_opportunity_id", "no_such_property"])
        .await
        .unwrap();
    // Requested-but-unset properties arrive as null; unknown names are ignored by HubSpot.
    assert_eq!(deal.properties.get("closedate"), Some(&None));
    assert_eq!(deal.properties.get("aws_opportunity_id"), Some(&None));
    assert!(!deal.properties.contains_key("no_such_property"));
    assert_eq!(deal.property("closedate"), None);

    let ids = vec![CONTACT_SPARSE.to_owned()];
    let batch = client
        .batch_read(
            ObjectType::Contacts,
            &ids,
            &["firstname", "lastname", "email", "jobtitle"],
        )
        .await
        .unwrap();
    let contact = &batch.results[0];
    assert_eq!(contact.property("email"), Some("ops@acme.example"));
    for name in ["firstname", "lastname", "jobtitle"] {
        assert_eq!(contact.properties.get(name), Some(&None), "{name}");
    }
}

#[tokio::test]
async fn batch_reads_companies_and_contacts_reporting_missing_ids() {
    let server = server().await;
    let client = client(&server);
    let deal = client.get_deal(DEAL, &["dealname"]).await.unwrap();
    let companies = client
        .batch_read(
            ObjectType::Companies,
            &deal.associated_ids(ObjectType::Companies),
            &["name", "domain"],
        )
        .await
        .unwrap();
    let names: Vec<_> = companies
        .results
        .iter()
        .map(|c| c.property("name").unwrap_or_default())
        .collect();
    assert_eq!(names, ["Acme", "Acme Holding"]);
    assert!(companies.missing_ids.is_empty());

    let ids = vec![CONTACT_FULL.to_owned(), "999".to_owned(), CONTACT_FULL.to_owned()];
    let contacts = client.batch_read(ObjectType::Contacts, &ids, &["email"]).await.unwrap();
    assert_eq!(contacts.results.len(), 1);
    assert_eq!(contacts.missing_ids, ["999"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let body = requests[2].json().unwrap();
    assert_eq!(requests[2].path, "/crm/v3/objects/contacts/batch/read");
    assert_eq!(
        body["inputs"],
        serde_json::json!([{"id": "301"}, {"id": "999"}]),
        "duplicates removed"
    );
    assert_eq!(body["properties"], serde_json::json!(["email"]));
}

#[tokio::test]
async fn batch_read_chunks_at_the_hubspot_limit() {
    let server = server().await;
    let ids: Vec<String> = (1000..1150).map(|n| n.to_string()).collect();
    for id in &ids {
        server
            .seed(ServerType::Contacts, id, [("email", format!("c{id}@example.com"))])
            .unwrap();
    }
    let client = client(&server);
    let batch = client.batch_read(ObjectType::Contacts, &ids, &["email"]).await.unwrap();
    assert_eq!(batch.results.len(), 150);
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| r.json().unwrap()["inputs"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 50]);
    assert!(
        client
            .batch_read(ObjectType::Contacts, &[], &["email"])
            .await
            .unwrap()
            .results
            .is_empty()
    );
    assert_eq!(server.request_count(), 2, "an empty batch sends nothing");
}

#[tokio::test]
async fn note_is_read_with_its_deals() {
    let server = server().await;
    let client = client(&server);
    let note = client.get_note(NOTE).await.unwrap();
    assert_eq!(note.property("hs_note_body"), Some("<p>Kick-off done</p>"));
    assert_eq!(note.property("hs_timestamp"), Some("2026-11-01T10:00:00Z"));
    assert_eq!(note.associated_ids(ObjectType::Deals), [DEAL]);
    assert_eq!(server.requests()[0].query_list("associations"), ["deals"]);
}

#[tokio::test]
async fn company_deals_follow_v4_paging() {
    let server = server().await;
    for n in 0..620u32 {
        let id = (5000 + n).to_string();
        server.seed(ServerType::Deals, &id, [("dealname", "bulk")]).unwrap();
        server
            .associate(ServerType::Companies, COMPANY, ServerType::Deals, &id)
            .unwrap();
    }
    let client = client(&server);
    let deals = client.company_deal_ids(COMPANY).await.unwrap();
    assert_eq!(deals.len(), 621);
    assert_eq!(deals[0], DEAL);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "500 per page");
    assert_eq!(requests[0].path, "/crm/v4/objects/companies/201/associations/deals");
    assert_eq!(requests[1].query_list("after"), ["500"]);
    assert_eq!(client.company_deal_ids(OTHER_COMPANY).await.unwrap(), [DEAL]);
}

#[tokio::test]
async fn deal_search_pages() {
    let server = server().await;
    for n in 0..5u32 {
        let id = (700 + n).to_string();
        server
            .seed(
                ServerType::Deals,
                &id,
                [("dealname", "synced"), ("aws_sync_status", "synced")],
            )
            .unwrap();
    }
    let client = client(&server);
    let mut request = SearchRequest::property_equals("aws_sync_status", "synced", &["dealname", "aws_opportunity_id"]);
    request.limit = 2;
    let deals = client.search_deals_all(&request, 100).await.unwrap();
    let ids: Vec<&str> = deals.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["700", "701", "702", "703", "704"]);
    assert_eq!(server.request_count(), 3);
    let first = server.requests()[0].json().unwrap();
    assert_eq!(
        first["filterGroups"][0]["filters"][0],
        serde_json::json!({"propertyName": "aws_sync_status", "operator": "EQ", "value": "synced"})
    );
    let capped = client.search_deals_all(&request, 3).await.unwrap();
    assert_eq!(capped.len(), 3);
}

#[tokio::test]
async fn missing_deal_is_not_found_and_permanent() {
    let server = server().await;
    let client = client(&server);
    let error = client.get_deal("999", &["dealname"]).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.class(), hubspot::ErrorClass::Permanent);
    assert_eq!(error.status(), Some(404));
    assert!(error.correlation_id().is_some());
    assert_eq!(server.request_count(), 1, "404 is not retried");
    let invalid = client.get_deal("../contacts/1", &[]).await.unwrap_err();
    assert!(matches!(invalid, hubspot::HubSpotError::InvalidInput { .. }));
    assert_eq!(server.request_count(), 1, "invalid ids never reach the wire");
}

#[tokio::test]
async fn deal_context_needs_at_most_three_requests_in_two_round_trips() {
    let server = server().await;
    let client = client(&server);
    let request = hubspot::DealContextRequest {
        deal_properties: &["dealname", "amount"],
        company_properties: &["name", "country"],
        contact_properties: &["email", "jobtitle"],
        max_contacts: 10,
        primary_company_only: true,
    };
    let context = client.get_deal_context(DEAL, &request).await.unwrap();
    assert_eq!(context.deal.property("dealname"), Some("Acme migration #AWS"));
    assert_eq!(context.primary_company().and_then(|c| c.property("name")), Some("Acme"));
    assert_eq!(context.companies.results.len(), 1, "primary only");
    assert_eq!(context.contacts.results.len(), 2);
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 3);
    assert_eq!(paths[0], "/crm/v3/objects/deals/101");
    assert!(paths.contains(&"/crm/v3/objects/companies/batch/read".to_owned()));
    assert!(paths.contains(&"/crm/v3/objects/contacts/batch/read".to_owned()));

    server
        .seed(ServerType::Deals, "102", [("dealname", "Lonely deal")])
        .unwrap();
    server.clear_requests();
    let lonely = client.get_deal_context("102", &request).await.unwrap();
    assert!(lonely.primary_company().is_none() && lonely.contacts.results.is_empty());
    assert_eq!(server.request_count(), 1, "nothing associated: no batch reads");
}
