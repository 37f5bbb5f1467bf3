//! Criterion benchmarks of the HubSpot client: decoding a deal read (30 properties, associations) and a full
//! `get_deal` round trip plus a contacts batch read against the local HubSpot server on loopback.

#![allow(clippy::unwrap_used)] // benchmark set-up

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hubspot::{ClientConfig, CrmObject, HubSpotClient, ObjectType, RetryPolicy};
use hubspot_server::{HubSpotServer, ObjectType as ServerType, ServerConfig};
use serde_json::{Value, json};

const DEAL_PROPERTIES: &[&str] = &[
    "dealname",
    "amount",
    "dealstage",
    "pipeline",
    "closedate",
    "description",
    "dealtype",
    "hubspot_owner_id",
    "hs_next_step",
    "notes_next_activity_description",
    "deal_currency_code",
    "aws_opportunity_id",
    "aws_opportunity_title",
    "aws_review_status",
    "aws_sync_status",
    "aws_industry",
    "aws_delivery_models",
    "aws_primary_needs",
    "aws_use_case",
    "aws_expected_spend",
    "aws_involvement_type",
    "aws_visibility",
    "aws_solution_ids",
    "aws_next_steps",
    "aws_psm_name",
    "aws_psm_email",
    "aws_psm_phone",
    "aws_seller_name",
    "aws_submission_date",
    "aws_invitation_id",
];

fn deal_json() -> Value {
    let properties: serde_json::Map<String, Value> = DEAL_PROPERTIES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                (*p).to_owned(),
                if i % 3 == 0 {
                    Value::Null
                } else {
                    json!(format!("value of {p}"))
                },
            )
        })
        .collect();
    let contacts: Vec<Value> = (0..10)
        .map(|n| json!({"id": (301 + n).to_string(), "type": "deal_to_contact"}))
        .collect();
    json!({
        "id": "101", "properties": properties, "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-28T10:00:00.000Z", "archived": false,
        "associations": {
            "companies": {"results": [{"id": "201", "type": "deal_to_company"}, {"id": "201", "type": "deal_to_company_unlabeled"}]},
            "contacts": {"results": contacts},
        }
    })
}

fn decode(c: &mut Criterion) {
    let bytes = deal_json().to_string().into_bytes();
    c.bench_function("decode_deal_30_props_11_assocs", |b| {
        b.iter(|| {
            let deal: CrmObject = serde_json::from_slice(black_box(&bytes)).unwrap();
            black_box(deal.associated_ids(ObjectType::Contacts).len())
        })
    });
}

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (server, client) = runtime.block_on(async {
        let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
        server
            .seed(
                ServerType::Deals,
                "101",
                [("dealname", "Acme #AWS"), ("amount", "1000")],
            )
            .unwrap();
        server.seed(ServerType::Companies, "201", [("name", "Acme")]).unwrap();
        server.associate_primary_company("101", "201").unwrap();
        for n in 0..10u32 {
            let id = (301 + n).to_string();
            server
                .seed(ServerType::Contacts, &id, [("email", format!("c{n}@acme.example"))])
                .unwrap();
            server
                .associate(ServerType::Deals, "101", ServerType::Contacts, &id)
                .unwrap();
        }
        let config = ClientConfig::new(server.token())
            .with_base_url(server.base_url())
            .with_retry(RetryPolicy::none());
        (server, HubSpotClient::new(config).unwrap())
    });
    c.bench_function("loopback_get_deal_then_batch_read_contacts", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let deal = client.get_deal("101", DEAL_PROPERTIES).await.unwrap();
                let ids = deal.associated_ids(ObjectType::Contacts);
                let contacts = client
                    .batch_read(ObjectType::Contacts, &ids, &["email", "firstname"])
                    .await
                    .unwrap();
                black_box(contacts.results.len())
            })
        })
    });
    server.clear_requests(); // keep the recorded-request log from growing across benchmark groups
    drop(server);
}

criterion_group!(benches, decode, round_trip);
criterion_main!(benches);
