//! Shared fixtures for the client tests: a local HubSpot server seeded with one deal, its primary company, a second
//! company, two contacts (one with null properties) and a note, plus a client with millisecond backoff.

#![allow(dead_code, clippy::unwrap_used)] // test fixture helpers: a failing set-up should panic loudly

use std::time::Duration;

use hubspot::{ClientConfig, HubSpotClient, RetryPolicy};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};

pub const DEAL: &str = "101";
pub const COMPANY: &str = "201";
pub const OTHER_COMPANY: &str = "202";
pub const CONTACT_FULL: &str = "301";
pub const CONTACT_SPARSE: &str = "302";
pub const NOTE: &str = "401";

pub async fn server() -> HubSpotServer {
    let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    server
        .seed(
            ObjectType::Deals,
            DEAL,
            [
                ("dealname", "Acme migration #AWS"),
                ("amount", "120000"),
                ("dealstage", "qualifiedtobuy"),
            ],
        )
        .unwrap();
    server
        .seed(
            ObjectType::Companies,
            COMPANY,
            [("name", "Acme"), ("domain", "acme.example"), ("country", "Germany")],
        )
        .unwrap();
    server
        .seed(ObjectType::Companies, OTHER_COMPANY, [("name", "Acme Holding")])
        .unwrap();
    server
        .seed(
            ObjectType::Contacts,
            CONTACT_FULL,
            [
                ("firstname", "Ada"),
                ("lastname", "Lovelace"),
                ("email", "ada@acme.example"),
                ("jobtitle", "CTO"),
            ],
        )
        .unwrap();
    server
        .seed(ObjectType::Contacts, CONTACT_SPARSE, [("email", "ops@acme.example")])
        .unwrap();
    server
        .seed(
            ObjectType::Notes,
            NOTE,
            [
                ("hs_note_body", "<p>Kick-off done</p>"),
                ("hs_timestamp", "2026-11-01T10:00:00Z"),
            ],
        )
        .unwrap();
    server.associate_primary_company(DEAL, COMPANY).unwrap();
    server
        .associate(ObjectType::Deals, DEAL, ObjectType::Companies, OTHER_COMPANY)
        .unwrap();
    server
        .associate(ObjectType::Deals, DEAL, ObjectType::Contacts, CONTACT_FULL)
        .unwrap();
    server
        .associate(ObjectType::Deals, DEAL, ObjectType::Contacts, CONTACT_SPARSE)
        .unwrap();
    server
        .associate(ObjectType::Notes, NOTE, ObjectType::Deals, DEAL)
        .unwrap();
    server
}

pub fn config(server: &HubSpotServer) -> ClientConfig {
    ClientConfig::new(server.token())
        .with_base_url(server.base_url())
        .with_retry(RetryPolicy::fast_for_tests())
        .with_request_timeout(Duration::from_secs(2))
}

pub fn client(server: &HubSpotServer) -> HubSpotClient {
    HubSpotClient::new(config(server)).unwrap()
}
