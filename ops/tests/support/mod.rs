//! Shared set-up of the migration tests: the local HubSpot and Partner Central servers, clients wired to them, and
//! seeding of in-scope deals (company + contact) and of the opportunities the sync would have created for them
//! (mapped with deal_mapping from the deal as read, created through the Partner Central client, linked on the deal).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use hubspot::{ClientConfig, HubSpotClient, RetryPolicy};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central::{Catalog, PartnerCentral, PartnerCentralConfig};
use partner_central_server::PartnerCentralServer;
use sync_ops::quota::Pacer;
use sync_ops::reconcile::Pacers;
use sync_ops::reconcile::compare::DealRecords;
use sync_ops::settings::SyncSettings;

pub const PORTAL: u64 = 62515;
pub const COMPANY: &str = "501";
pub const CONTACT: &str = "601";

pub struct Env {
    pub hubspot: HubSpotServer,
    pub pc: PartnerCentralServer,
    pub hs_client: HubSpotClient,
    pub pc_client: PartnerCentral,
    pub settings: SyncSettings,
}

/// Pacers that do not pace (the rate is checked by dedicated tests).
pub fn unpaced() -> Pacers {
    Pacers {
        hubspot: Arc::new(Pacer::new("HubSpot requests", 0.0, None)),
        partner_central: Arc::new(Pacer::new("Partner Central reads", 0.0, Some(100_000))),
    }
}

pub async fn env() -> Env {
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    for p in [
        "aws_opportunity_id",
        "aws_opportunity_title",
        "aws_review_status",
        "aws_sync_status",
        "aws_sync_error",
        "aws_last_sync",
    ] {
        hubspot.define_property(ObjectType::Deals, p);
    }
    let pc = PartnerCentralServer::start().await.unwrap();
    let hs_client = HubSpotClient::new(
        ClientConfig::new(hubspot.token())
            .with_base_url(hubspot.base_url())
            .with_retry(RetryPolicy::fast_for_tests()),
    )
    .unwrap();
    let mut cfg = PartnerCentralConfig::new(Catalog::Sandbox);
    cfg.endpoint_url = Some(pc.endpoint_url());
    cfg.max_attempts = 2;
    cfg.initial_backoff = Duration::from_millis(1);
    cfg.write_interval = Duration::ZERO;
    let pc_client = PartnerCentral::new(&moto_harness::sdk_config_for(&pc.endpoint_url()).await, cfg).await;
    hubspot
        .seed(
            ObjectType::Companies,
            COMPANY,
            [
                ("name", "Acme Analytics"),
                ("domain", "acme.example"),
                ("industry", "COMPUTER_SOFTWARE"),
                ("country", "United States"),
                ("state", "WA"),
                ("city", "Seattle"),
                ("zip", "98101"),
            ],
        )
        .unwrap();
    hubspot
        .seed(
            ObjectType::Contacts,
            CONTACT,
            [
                ("email", "jane.doe@acme.example"),
                ("firstname", "Jane"),
                ("lastname", "Doe"),
            ],
        )
        .unwrap();
    Env {
        hubspot,
        pc,
        hs_client,
        pc_client,
        settings: SyncSettings::default(),
    }
}

/// A deal with a company and a contact; `name` decides scope (`#AWS`).
pub fn seed_deal(env: &Env, id: &str, name: &str, stage: &str) {
    env.hubspot
        .seed(
            ObjectType::Deals,
            id,
            [
                ("dealname", name.to_owned()),
                ("dealstage", stage.to_owned()),
                ("pipeline", "default".to_owned()),
                ("amount", "120000".to_owned()),
                ("closedate", "2027-06-30".to_owned()),
                (
                    "description",
                    "Migrate the on-premises data warehouse to a managed analytics platform".to_owned(),
                ),
            ],
        )
        .unwrap();
    env.hubspot.associate_primary_company(id, COMPANY).unwrap();
    env.hubspot
        .associate(ObjectType::Deals, id, ObjectType::Contacts, CONTACT)
        .unwrap();
}

/// The deals as reconcile reads them.
pub async fn records(env: &Env, ids: &[String]) -> Vec<DealRecords> {
    sync_ops::reconcile::source::deal_records(&env.hs_client, &env.settings, ids, &unpaced(), 1000, &mut |_| {})
        .await
        .unwrap()
}

/// Creates the opportunity the mapping gives for each deal (token `token_prefix-{deal}`); returns deal -> opp id.
pub async fn create_opportunities(env: &Env, ids: &[String], token_prefix: &str) -> BTreeMap<String, String> {
    let today = chrono::Utc::now().date_naive();
    let mut out = BTreeMap::new();
    for r in records(env, ids).await {
        let input = deal_mapping::DealInput {
            deal: &r.deal,
            company: r.company.as_ref(),
            contacts: &r.contacts,
        };
        let new = deal_mapping::map_new_opportunity(input, &env.settings.mapping, today).unwrap();
        let token = partner_central::ClientToken::new(format!("{token_prefix}-{}", r.deal.id)).unwrap();
        let created = env.pc_client.create_opportunity(&token, &new).await.unwrap();
        out.insert(r.deal.id.clone(), created.id);
    }
    out
}

/// Writes the link (and `synced`) onto the deal, as the sync's write-back does.
pub async fn link(env: &Env, deal: &str, opportunity: &str) {
    patch(
        env,
        deal,
        &[("aws_opportunity_id", opportunity), ("aws_sync_status", "synced")],
    )
    .await;
}

pub async fn patch(env: &Env, deal: &str, props: &[(&str, &str)]) {
    let props: BTreeMap<String, String> = props.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    env.hs_client.update_deal(deal, &props).await.unwrap();
}
