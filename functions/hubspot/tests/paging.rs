//! Paging over many deals, seeded in bulk: the object listing (100 per page, cursor) and search with
//! CONTAINS_TOKEN (200 per page) return every deal exactly once in id order, with the expected request counts, and
//! search stops at HubSpot's 10,000-result cap with a 400 (narrow the filter or use the listing).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use common::*;
use hubspot::{ErrorClass, ObjectType, SearchRequest};
use hubspot_server::{HubSpotServer, ObjectType as ServerType, ServerConfig};

/// Deals 1_000_001.. ; every third one carries the `#AWS` tag in its name.
async fn seeded(n: u64) -> HubSpotServer {
    let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    let started = Instant::now();
    let stored = server
        .seed_many(
            ServerType::Deals,
            (0..n).map(|i| {
                let tag = if i % 3 == 0 { " #AWS" } else { "" };
                let name = format!("Deal {i}{tag}");
                (
                    (1_000_001 + i).to_string(),
                    [("dealname", name), ("amount", (i * 10).to_string())],
                )
            }),
        )
        .unwrap();
    assert_eq!(stored as u64, n);
    eprintln!("seeded {n} deals in {:?}", started.elapsed());
    server
}

#[tokio::test]
async fn listing_pages_through_every_deal_once_in_id_order() {
    let server = seeded(2_345).await;
    let client = client(&server);
    let all = client
        .list_all(ObjectType::Deals, &["dealname", "amount"], usize::MAX)
        .await
        .unwrap();
    assert_eq!(all.len(), 2_345);
    let ids: Vec<u64> = all.iter().map(|d| d.id.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "id order, no duplicates");
    assert_eq!(all[5].property("dealname"), Some("Deal 5"));
    assert_eq!(all[6].property("amount"), Some("60"));
    let requests = server.requests();
    assert_eq!(requests.len(), 24, "ceil(2345 / 100) pages");
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" && r.path == "/crm/v3/objects/deals")
    );
    assert_eq!(requests[1].query_list("after"), ["1000101"]);
    assert_eq!(requests[0].query_list("limit"), ["100"]);

    let capped = client.list_all(ObjectType::Deals, &["dealname"], 150).await.unwrap();
    assert_eq!(capped.len(), 150);
    assert!(
        client.list_page(ObjectType::Deals, &[], 101, None).await.is_err(),
        "limit > 100 refused"
    );
}

#[tokio::test]
async fn search_contains_token_finds_every_tagged_deal() {
    let server = seeded(3_000).await;
    let client = client(&server);
    let request = SearchRequest::property_contains_token("dealname", "#AWS", &["dealname"]);
    let found = client.search_deals_all(&request, usize::MAX).await.unwrap();
    assert_eq!(found.len(), 1_000);
    assert!(found.iter().all(|d| d.property("dealname").unwrap().ends_with(" #AWS")));
    assert_eq!(server.requests().len(), 5, "ceil(1000 / 200) pages");
    let page = client.search(ObjectType::Deals, &request).await.unwrap();
    assert_eq!((page.total, page.results.len()), (1_000, 200));
    // A word must match a whole token: "AW" is not "AWS", but the wildcard "AW*" is.
    let partial = SearchRequest::property_contains_token("dealname", "AW", &[]);
    assert_eq!(client.search(ObjectType::Deals, &partial).await.unwrap().total, 0);
    let wildcard = SearchRequest::property_contains_token("dealname", "aw*", &[]);
    assert_eq!(client.search(ObjectType::Deals, &wildcard).await.unwrap().total, 1_000);
}

#[tokio::test]
async fn search_stops_at_the_ten_thousand_result_cap() {
    let server = seeded(10_050).await;
    let client = client(&server);
    let mut request = SearchRequest::property_contains_token("dealname", "deal", &[]);
    let mut seen = 0;
    let error = loop {
        match client.search(ObjectType::Deals, &request).await {
            Ok(page) => {
                assert_eq!(page.total, 10_050);
                seen += page.results.len();
                request.after = Some(page.next_after().unwrap().to_owned());
            }
            Err(e) => break e,
        }
    };
    assert_eq!(seen, 10_000);
    assert_eq!(request.after.as_deref(), Some("10000"));
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Permanent, "{error}");
    // The listing has no such cap.
    let all = client.list_all(ObjectType::Deals, &[], usize::MAX).await.unwrap();
    assert_eq!(all.len(), 10_050);
}
