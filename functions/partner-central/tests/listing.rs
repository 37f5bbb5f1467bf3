//! Paging ListOpportunities over thousands of opportunities seeded straight into the local server's state, with the
//! model's filters; per-operation request counts; and the server's read quota (10/s) against the client's optional
//! read limiter: unpaced bursts are throttled, paced reads never are.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{config, sdk_config};
use partner_central::sdk::types::{OpportunitySort, OpportunitySortName, SortOrder, Stage};
use partner_central::{ErrorClass, PartnerCentral, PcError};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

const STAGES: [&str; 3] = ["Prospect", "Qualified", "Technical Validation"];

fn record(i: usize) -> Value {
    json!({
        "PartnerOpportunityIdentifier": format!("hs-deal-{i}"),
        "Customer": {"Account": {"CompanyName": format!("Company {}", i % 7), "WebsiteUrl": "https://acme.example",
            "Address": {"CountryCode": "US", "PostalCode": "98101"}, "Industry": "Software and Internet"}},
        "Project": {"Title": format!("Project {i}"), "DeliveryModels": ["SaaS or PaaS"],
            "CustomerBusinessProblem": "Needs a modern data platform for analytics"},
        "LifeCycle": {"Stage": STAGES[i % 3], "TargetCloseDate": format!("2030-01-{:02}", 1 + i % 28)},
        "OpportunityType": "Net New Business",
    })
}

async fn seeded(n: usize) -> PartnerCentralServer {
    let server = PartnerCentralServer::start().await.unwrap();
    let started = Instant::now();
    let ids = server.seed_opportunities("Sandbox", (0..n).map(record));
    eprintln!("seeded {n} opportunities in {:?}", started.elapsed());
    assert_eq!(ids.len(), n);
    server.seed_opportunities("AWS", (0..5).map(record)); // another catalog, never listed
    server
}

#[tokio::test]
async fn list_pages_over_thousands_with_filters() {
    let server = seeded(2_500).await;
    let pc = PartnerCentral::new(&sdk_config().await, config(&server)).await;
    let sort = OpportunitySort::builder()
        .sort_by(OpportunitySortName::Identifier)
        .sort_order(SortOrder::Ascending)
        .build()
        .unwrap();
    let started = Instant::now();
    let all = pc
        .list_opportunities(|b| b.max_results(100).sort(sort.clone()), usize::MAX)
        .await
        .unwrap();
    eprintln!("listed {} in {:?}", all.len(), started.elapsed());
    assert_eq!(all.len(), 2_500);
    let ids: Vec<u64> = all
        .iter()
        .map(|s| s.id.as_deref().unwrap()[1..].parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ascending by identifier, no duplicates"
    );
    assert_eq!(server.count("ListOpportunities"), 25);

    server.clear_log();
    let qualified = pc
        .list_opportunities(
            |b| {
                b.max_results(100)
                    .life_cycle_stage(Stage::Qualified)
                    .customer_company_name("Company 3")
            },
            usize::MAX,
        )
        .await
        .unwrap();
    let expected = (0..2_500).filter(|i| i % 3 == 1 && i % 7 == 3).count();
    assert_eq!(qualified.len(), expected);
    assert!(
        qualified
            .iter()
            .all(|s| s.life_cycle.as_ref().unwrap().stage == Some(Stage::Qualified))
    );
    assert_eq!(
        server.counts(),
        [("ListOpportunities".to_string(), expected.div_ceil(100))].into()
    );
    assert_eq!((server.reads(), server.writes()), (expected.div_ceil(100), 0));

    let found = pc.find_by_partner_identifier("hs-deal-2042", 100).await.unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn read_quota_throttles_bursts_and_the_read_limiter_stays_under_it() {
    let server = seeded(50).await;
    server.set_read_rate_limit(Some(10));
    let id = server.seed_opportunity("Sandbox", record(99));

    let mut unpaced = config(&server);
    unpaced.max_attempts = 1;
    let pc = PartnerCentral::new(&sdk_config().await, unpaced).await;
    let mut throttled = 0;
    for _ in 0..15 {
        match pc.get_opportunity(&id).await {
            Ok(_) => {}
            Err(e @ PcError::Throttled { .. }) => {
                assert_eq!(e.class(), ErrorClass::Transient);
                throttled += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(throttled, 5, "10 reads per second accepted, the rest throttled");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    server.clear_log();
    let mut paced = config(&server);
    paced.max_attempts = 1;
    paced.read_interval = Some(Duration::from_millis(100));
    let pc = PartnerCentral::new(&sdk_config().await, paced).await;
    let started = Instant::now();
    for _ in 0..25 {
        pc.get_opportunity(&id).await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(2400));
    assert!(server.requests().iter().all(|r| r.status == 200));
    assert_eq!(server.counts(), [("GetOpportunity".to_string(), 25)].into());
}
