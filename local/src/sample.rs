//! The sample data of a local run: a deal in scope with its primary company and a contact in the local HubSpot
//! server, a solution in the local Partner Central server, and HubSpot-shaped webhook bodies signed with HubSpot's
//! v3 scheme for the local endpoint.

use hubspot_server::{HubSpotServer, ObjectType, SeedError};
use partner_central_server::PartnerCentralServer;
use sync_events::signature::{HEADER_REQUEST_TIMESTAMP, HEADER_SIGNATURE_V3, decode_signed_uri, sign_v3};

/// Portal id of the sample webhooks.
pub const PORTAL_ID: u64 = 62515;
/// The sample deal.
pub const DEAL_ID: &str = "9001";
/// Its primary company.
pub const COMPANY_ID: &str = "501";
/// Its contact.
pub const CONTACT_ID: &str = "601";
/// A solution in the local Partner Central server.
pub const SOLUTION_ID: &str = "S-0000001";
/// The app id the sample webhooks carry (HubSpot's id of the subscribing app).
pub const APP_ID: u64 = 54321;

/// Deal properties of a deal the default mapping takes in scope (`#AWS` tag in the name).
pub fn deal_properties(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("dealname", name.to_owned()),
        ("dealstage", "qualifiedtobuy".into()),
        ("pipeline", "default".into()),
        ("amount", "120000".into()),
        ("closedate", "2027-06-30".into()),
        (
            "description",
            "Migrate the on-premises data warehouse to a managed analytics platform".into(),
        ),
    ]
}

/// Seeds deal `deal_id` named `name` with the sample company (primary) and contact.
pub fn seed_deal(hubspot: &HubSpotServer, deal_id: &str, name: &str) -> Result<(), SeedError> {
    hubspot.seed(ObjectType::Deals, deal_id, deal_properties(name))?;
    if hubspot.object(ObjectType::Companies, COMPANY_ID).is_none() {
        hubspot.seed(
            ObjectType::Companies,
            COMPANY_ID,
            [
                ("name", "Acme Corp"),
                ("domain", "acme.example"),
                ("industry", "COMPUTER_SOFTWARE"),
                ("country", "United States"),
                ("state", "WA"),
                ("city", "Seattle"),
                ("zip", "98101"),
            ],
        )?;
        hubspot.seed(
            ObjectType::Contacts,
            CONTACT_ID,
            [
                ("email", "Jane.Doe@Acme.example"),
                ("firstname", "Jane"),
                ("lastname", "Doe"),
                ("jobtitle", "CTO"),
            ],
        )?;
    }
    hubspot.associate_primary_company(deal_id, COMPANY_ID)?;
    hubspot.associate(ObjectType::Deals, deal_id, ObjectType::Contacts, CONTACT_ID)
}

/// Seeds the sample deal and the sample solution.
pub fn seed(hubspot: &HubSpotServer, pc: &PartnerCentralServer) -> Result<(), SeedError> {
    seed_deal(hubspot, DEAL_ID, "Acme data platform #AWS")?;
    pc.seed_solution(
        "Sandbox",
        SOLUTION_ID,
        "Acme analytics on AWS",
        "Active",
        "Software Product",
    );
    Ok(())
}

/// A webhook body with one `deal.creation` event (HubSpot's shape) for `deal_id`; `event_id` identifies the event,
/// `attempt` is HubSpot's `attemptNumber` (0 on the first delivery).
pub fn deal_creation_body(portal_id: u64, deal_id: &str, event_id: u64, occurred_at_ms: i64, attempt: u32) -> String {
    let object_id: serde_json::Value = deal_id
        .parse::<u64>()
        .map_or_else(|_| serde_json::json!(deal_id), |n| serde_json::json!(n));
    serde_json::json!([{
        "eventId": event_id,
        "subscriptionId": 7001,
        "portalId": portal_id,
        "appId": APP_ID,
        "occurredAt": occurred_at_ms,
        "subscriptionType": "deal.creation",
        "attemptNumber": attempt,
        "objectId": object_id,
        "changeFlag": "CREATED",
        "changeSource": "CRM_UI",
    }])
    .to_string()
}

/// The two v3 signature headers HubSpot sends for `body` posted to `url` at `timestamp_ms`.
pub fn signature_headers(secret: &str, url: &str, body: &str, timestamp_ms: i64) -> [(&'static str, String); 2] {
    let ts = timestamp_ms.to_string();
    let signature = sign_v3(secret, "POST", &decode_signed_uri(url), body.as_bytes(), &ts);
    [(HEADER_SIGNATURE_V3, signature), (HEADER_REQUEST_TIMESTAMP, ts)]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn body_parses_as_a_hubspot_webhook() {
        let body = deal_creation_body(PORTAL_ID, DEAL_ID, 7, 1_790_000_000_000, 2);
        let events = sync_events::parse_webhook(body.as_bytes(), "corr").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].object_id, DEAL_ID);
        assert_eq!(events[0].portal_id, PORTAL_ID);
    }
}
