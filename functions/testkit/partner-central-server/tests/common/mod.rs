//! Shared helpers for the server's wire tests: raw AWS JSON 1.0 calls with reqwest and a valid sample opportunity.
#![allow(dead_code, clippy::unwrap_used)]

use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

/// POST one operation; returns (status, body JSON, x-amzn-errortype header).
pub async fn call(server: &PartnerCentralServer, op: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(server.endpoint_url())
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AWSPartnerCentralSelling.{op}"))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261128/us-east-1/partnercentral-selling/aws4_request",
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    assert_eq!(resp.headers()["content-type"], "application/x-amz-json-1.0");
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

/// A complete, model-valid CreateOpportunity body.
pub fn create_body(token: &str) -> Value {
    json!({
        "Catalog": "Sandbox",
        "ClientToken": token,
        "Origin": "Partner Referral",
        "OpportunityType": "Net New Business",
        "NationalSecurity": "No",
        "PartnerOpportunityIdentifier": "hs-deal-42",
        "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
        "Customer": {
            "Account": {
                "CompanyName": "Acme Corp", "Industry": "Software and Internet", "WebsiteUrl": "https://acme.example",
                "Address": {"City": "Seattle", "PostalCode": "98101", "StateOrRegion": "Washington", "CountryCode": "US",
                            "StreetAddress": "1 Main St"}
            },
            "Contacts": [{"Email": "jane.doe@acme.example", "FirstName": "Jane", "LastName": "Doe", "Phone": "+12065550100"}]
        },
        "Project": {
            "Title": "Data platform", "CustomerBusinessProblem": "Needs a modern data platform for analytics",
            "DeliveryModels": ["SaaS or PaaS"], "CustomerUseCase": "Migration/Database Migration",
            "ExpectedCustomerSpend": [{"Amount": "1000", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}]
        },
        "LifeCycle": {"Stage": "Prospect", "TargetCloseDate": "2030-01-15", "NextSteps": "Kickoff call"},
        "Marketing": {"Source": "None", "AwsFundingUsed": "No"},
        "OpportunityTeam": [{"Email": "owner@partner.example", "FirstName": "Olly", "LastName": "Owner", "BusinessTitle": "OpportunityOwner"}]
    })
}

/// The UpdateOpportunity body that re-sends the record's editable members unchanged.
pub fn update_body_from(record: &Value) -> Value {
    let mut body = json!({
        "Catalog": record["Catalog"], "Identifier": record["Id"], "LastModifiedDate": record["LastModifiedDate"],
    });
    for m in [
        "PrimaryNeedsFromAws",
        "NationalSecurity",
        "PartnerOpportunityIdentifier",
        "Customer",
        "Project",
        "OpportunityType",
        "Marketing",
        "SoftwareRevenue",
        "LifeCycle",
    ] {
        if let Some(v) = record.get(m) {
            body[m] = v.clone();
        }
    }
    if let Some(lc) = body.get_mut("LifeCycle").and_then(Value::as_object_mut) {
        for ro in [
            "ReviewStatus",
            "ReviewComments",
            "ReviewStatusReason",
            "NextStepsHistory",
        ] {
            lc.remove(ro);
        }
    }
    body
}

pub async fn create(server: &PartnerCentralServer, token: &str) -> Value {
    let (status, out) = call(server, "CreateOpportunity", create_body(token)).await;
    assert_eq!(status, 200, "{out}");
    let (status, record) = call(
        server,
        "GetOpportunity",
        json!({"Catalog": "Sandbox", "Identifier": out["Id"]}),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    record
}
