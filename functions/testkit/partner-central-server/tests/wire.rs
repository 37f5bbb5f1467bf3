//! Wire-level behaviour: routing on X-Amz-Target, Content-Type, Authorization, JSON errors with the right status and
//! body (including a ValidationException with Reason and ErrorList), and the request log.
#![allow(clippy::unwrap_used)]

mod common;

use common::{call, create_body};
use partner_central_server::PartnerCentralServer;
use serde_json::json;

async fn raw(
    server: &PartnerCentralServer,
    target: &str,
    ctype: &str,
    auth: bool,
    body: &str,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .post(server.endpoint_url())
        .header("content-type", ctype)
        .header("x-amz-target", target)
        .body(body.to_string());
    if auth {
        req = req.header("authorization", "AWS4-HMAC-SHA256 Credential=x");
    }
    let resp = req.send().await.unwrap();
    (
        resp.status().as_u16(),
        serde_json::from_str(&resp.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn protocol_errors() {
    let server = PartnerCentralServer::start().await.unwrap();
    let ok_body = r#"{"Catalog":"Sandbox"}"#;
    let t = "AWSPartnerCentralSelling.ListSolutions";
    let (s, b) = raw(&server, t, "application/x-amz-json-1.0", false, ok_body).await;
    assert_eq!(
        (s, b["__type"].as_str()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    let (s, b) = raw(
        &server,
        "AWSPartnerCentralSelling.Bogus",
        "application/x-amz-json-1.0",
        true,
        ok_body,
    )
    .await;
    assert_eq!((s, b["__type"].as_str()), (400, Some("UnknownOperationException")));
    let (s, b) = raw(
        &server,
        "OtherService.ListSolutions",
        "application/x-amz-json-1.0",
        true,
        ok_body,
    )
    .await;
    assert_eq!((s, b["__type"].as_str()), (400, Some("UnknownOperationException")));
    let (s, b) = raw(&server, t, "application/json", true, ok_body).await;
    assert_eq!((s, b["__type"].as_str()), (400, Some("SerializationException")));
    let (s, b) = raw(&server, t, "application/x-amz-json-1.0", true, "{not json").await;
    assert_eq!((s, b["__type"].as_str()), (400, Some("SerializationException")));
    let (s, b) = raw(&server, t, "application/x-amz-json-1.0", true, ok_body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        server.count("ListSolutions"),
        4,
        "log has every ListSolutions request, rejected or not"
    );
}

#[tokio::test]
async fn validation_exception_body() {
    let server = PartnerCentralServer::start().await.unwrap();
    let mut body = create_body("tok-1");
    body["Customer"]["Account"]["Industry"] = json!("Software & Internet");
    body["Project"]["Title"] = json!("x".repeat(256));
    body["Customer"]["Contacts"][0]["Email"] = json!("Jane.Doe@Acme.example");
    body["Customer"]["Account"]
        .as_object_mut()
        .unwrap()
        .remove("CompanyName");
    body["Surprise"] = json!(true);
    let (status, err) = call(&server, "CreateOpportunity", body).await;
    assert_eq!(status, 400);
    assert_eq!(err["__type"], "ValidationException");
    assert_eq!(err["Reason"], "REQUEST_VALIDATION_FAILED");
    let mut got: Vec<(String, String)> = err["ErrorList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["FieldName"].as_str().unwrap().to_string(),
                e["Code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (
            "Customer.Account.Industry".to_string(),
            "INVALID_ENUM_VALUE".to_string(),
        ),
        ("Project.Title".into(), "INVALID_STRING_FORMAT".into()),
        ("Customer.Contacts[0].Email".into(), "INVALID_STRING_FORMAT".into()),
        ("Customer.Account.CompanyName".into(), "REQUIRED_FIELD_MISSING".into()),
        ("Surprise".into(), "INVALID_VALUE".into()),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(
        err["Message"]
            .as_str()
            .unwrap()
            .starts_with("5 validation errors detected")
    );
    assert_eq!(server.opportunity_count(), 0, "nothing stored");
}

#[tokio::test]
async fn missing_required_on_update_and_bad_timestamp() {
    let server = PartnerCentralServer::start().await.unwrap();
    let (s, e) = call(
        &server,
        "UpdateOpportunity",
        json!({"Catalog": "Sandbox", "Identifier": "O1"}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(e["ErrorList"][0]["FieldName"], "LastModifiedDate");
    assert_eq!(e["ErrorList"][0]["Code"], "REQUIRED_FIELD_MISSING");
    let (s, e) = call(
        &server,
        "UpdateOpportunity",
        json!({"Catalog": "Sandbox", "Identifier": "O1", "LastModifiedDate": "28/11/2026"}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(e["ErrorList"][0]["Code"], "INVALID_STRING_FORMAT");
}
