//! Wire-level checks of the local HubSpot server with a plain HTTP client: HubSpot's error body shapes, rate-limit
//! headers, request validation, null properties, batch 207 answers, seeding errors and the standalone binary.

// Test helpers outside #[test] functions: a failing set-up should panic loudly.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::time::Duration;

use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType, RateLimitPolicy, SeedError, ServerConfig};
use serde_json::{Value, json};

async fn seeded() -> HubSpotServer {
    let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    server
        .seed(ObjectType::Deals, "101", [("dealname", "Acme #AWS")])
        .unwrap();
    server.seed(ObjectType::Companies, "201", [("name", "Acme")]).unwrap();
    server.associate_primary_company("101", "201").unwrap();
    server
}

async fn send(
    server: &HubSpotServer,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{}{path}", server.base_url()))
        .bearer_auth(server.token());
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn assert_error_shape(body: &Value, category: &str) {
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    let id = body["correlationId"].as_str().unwrap();
    assert_eq!(id.len(), 36, "uuid-shaped: {id}");
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_hubspot_body() {
    let server = seeded().await;
    let url = format!("{}/crm/v3/objects/deals/101", server.base_url());
    for auth in [None, Some("Bearer wrong"), Some("Basic abc")] {
        let mut request = reqwest::Client::new().get(&url);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = response.json().await.unwrap();
        assert_error_shape(&body, "INVALID_AUTHENTICATION");
    }
    assert!(server.requests().iter().all(|r| !r.authorized));
}

#[tokio::test]
async fn reads_return_requested_unset_properties_as_null() {
    let server = seeded().await;
    let (status, _, body) = send(
        &server,
        "GET",
        "/crm/v3/objects/deals/101?properties=dealname,amount,bogus&associations=companies",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["properties"]["dealname"], "Acme #AWS");
    assert_eq!(body["properties"]["amount"], Value::Null);
    assert_eq!(body["properties"]["hs_object_id"], "101");
    assert!(body["properties"].get("bogus").is_none());
    assert_eq!(
        body["associations"]["companies"]["results"],
        json!([{"id": "201", "type": "deal_to_company"}, {"id": "201", "type": "deal_to_company_unlabeled"}])
    );
    let (_, _, plain) = send(&server, "GET", "/crm/v3/objects/deals/101", None).await;
    assert!(plain.get("associations").is_none(), "not requested");
    assert!(plain["properties"].get("pipeline").is_some(), "default property set");
}

#[tokio::test]
async fn patch_validation_matches_hubspot() {
    let server = seeded().await;
    let (status, _, body) = send(
        &server,
        "PATCH",
        "/crm/v3/objects/deals/101",
        Some(r#"{"properties":{"nope":"1"}}"#),
    )
    .await;
    assert_eq!(status, 400);
    assert_error_shape(&body, "VALIDATION_ERROR");
    let message = body["message"].as_str().unwrap();
    let embedded: Value =
        serde_json::from_str(message.strip_prefix("Property values were not valid: ").unwrap()).unwrap();
    assert_eq!(embedded[0]["error"], "PROPERTY_DOESNT_EXIST");
    assert_eq!(embedded[0]["name"], "nope");

    let (status, _, body) = send(
        &server,
        "PATCH",
        "/crm/v3/objects/deals/101",
        Some(r#"{"properties":{"amount":5}}"#),
    )
    .await;
    assert_eq!(status, 400, "values must be strings: {body}");
    let (status, _, body) = send(&server, "PATCH", "/crm/v3/objects/deals/101", Some("{not json")).await;
    assert_eq!(status, 400);
    assert_error_shape(&body, "VALIDATION_ERROR");
    let (status, _, body) = send(
        &server,
        "PATCH",
        "/crm/v3/objects/deals/404",
        Some(r#"{"properties":{"amount":"5"}}"#),
    )
    .await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "OBJECT_NOT_FOUND");
    let stored = server.object(ObjectType::Deals, "101").unwrap();
    assert!(
        !stored.properties.contains_key("amount"),
        "rejected PATCHes change nothing"
    );
    let untyped = reqwest::Client::new()
        .patch(format!("{}/crm/v3/objects/deals/101", server.base_url()))
        .bearer_auth(server.token())
        .body(r#"{"properties":{"amount":"5"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        untyped.status().as_u16(),
        415,
        "a JSON body needs Content-Type: application/json"
    );
    let (status, _, body) = send(&server, "GET", "/crm/v3/objects/widgets/1", None).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn note_creation_is_validated() {
    let server = seeded().await;
    let assoc = |type_id: u32, to: &str| json!([{"to": {"id": to}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]}]);
    let cases = [
        json!({"properties": {"hs_note_body": "x"}, "associations": assoc(214, "101")}),
        json!({"properties": {"hs_note_body": "x", "hs_timestamp": "1"}, "associations": assoc(999, "101")}),
        json!({"properties": {"hs_note_body": "x", "hs_timestamp": "1"}, "associations": assoc(214, "555")}),
        json!({"properties": {"hs_note_body": "x".repeat(65_537), "hs_timestamp": "1"}}),
    ];
    for case in cases {
        let (status, _, body) = send(&server, "POST", "/crm/v3/objects/notes", Some(&case.to_string())).await;
        assert_eq!(status, 400, "{body}");
        assert_error_shape(&body, "VALIDATION_ERROR");
    }
    assert!(
        server.objects(ObjectType::Notes).is_empty(),
        "nothing created by rejected requests"
    );
    let ok = json!({"properties": {"hs_note_body": "x", "hs_timestamp": "1"}, "associations": assoc(214, "101")});
    let (status, _, body) = send(&server, "POST", "/crm/v3/objects/notes", Some(&ok.to_string())).await;
    assert_eq!(status, 201);
    let id = body["id"].as_str().unwrap();
    assert_eq!(server.associated_ids(ObjectType::Notes, id, ObjectType::Deals), ["101"]);
}

#[tokio::test]
async fn batch_read_reports_missing_ids_with_207() {
    let server = seeded().await;
    let body = json!({"inputs": [{"id": "201"}, {"id": "999"}], "properties": ["name", "industry"]}).to_string();
    let (status, _, answer) = send(&server, "POST", "/crm/v3/objects/companies/batch/read", Some(&body)).await;
    assert_eq!(status, 207);
    assert_eq!(answer["results"][0]["properties"]["industry"], Value::Null);
    assert_eq!(answer["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(answer["errors"][0]["context"]["ids"], json!(["999"]));
    let inputs: Vec<Value> = (0..101).map(|n| json!({"id": n.to_string()})).collect();
    let (status, _, _) = send(
        &server,
        "POST",
        "/crm/v3/objects/companies/batch/read",
        Some(&json!({"inputs": inputs}).to_string()),
    )
    .await;
    assert_eq!(status, 400, "more than 100 inputs");
}

#[tokio::test]
async fn rate_limits_carry_hubspot_body_and_headers() {
    let server = seeded().await;
    server.inject(FaultRule::next(
        1,
        Fault::RateLimit {
            policy: RateLimitPolicy::TenSecondly,
            retry_after_secs: Some(2),
        },
    ));
    server.inject(FaultRule::next(1, Fault::daily()));
    let (status, headers, body) = send(&server, "GET", "/crm/v3/objects/deals/101", None).await;
    assert_eq!(status, 429);
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["message"], "You have reached your ten_secondly_rolling limit.");
    assert_eq!(headers["retry-after"], "2");
    assert_eq!(headers["x-hubspot-ratelimit-interval-milliseconds"], "10000");
    assert_eq!(headers["x-hubspot-ratelimit-remaining"], "0");
    assert!(headers.contains_key("x-hubspot-ratelimit-daily-remaining"));
    let (status, headers, body) = send(&server, "GET", "/crm/v3/objects/deals/101", None).await;
    assert_eq!((status, body["policyName"].as_str()), (429, Some("DAILY")));
    assert!(!headers.contains_key("retry-after"));
    let (status, _, _) = send(&server, "GET", "/crm/v3/objects/deals/101", None).await;
    assert_eq!(status, 200, "faults are consumed");
    server.inject(FaultRule::next(1, Fault::Latency(Duration::from_millis(50))).method("GET"));
    let started = std::time::Instant::now();
    let (status, _, _) = send(&server, "GET", "/crm/v3/objects/deals/101", None).await;
    assert!(status == 200 && started.elapsed() >= Duration::from_millis(50));
}

#[tokio::test]
async fn seeding_rejects_set_up_mistakes() {
    let server = HubSpotServer::start(ServerConfig {
        extra_deal_properties: vec!["custom_x".into()],
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    assert!(matches!(
        server.seed(ObjectType::Deals, "1", [("no_such", "v")]),
        Err(SeedError::UnknownProperty { .. })
    ));
    assert!(matches!(
        server.seed(ObjectType::Deals, "abc", [("dealname", "v")]),
        Err(SeedError::BadId(_))
    ));
    server.seed(ObjectType::Deals, "1", [("custom_x", "v")]).unwrap();
    assert!(matches!(
        server.associate(ObjectType::Deals, "1", ObjectType::Companies, "2"),
        Err(SeedError::MissingObject { .. })
    ));
}

#[test]
fn standalone_binary_serves_a_seed_file() {
    let dir = std::env::temp_dir().join(format!("hubspot-server-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    let seed_json = json!({
        "objects": {"deals": {"101": {"dealname": "Acme #AWS"}}, "companies": {"201": {"name": "Acme"}}},
        "associations": [{"from": "deals", "fromId": "101", "to": "companies", "toId": "201", "primary": true}]
    });
    std::fs::write(&seed, seed_json.to_string()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hubspot-server"))
        .args(["--port", "0", "--token", "tok", "--seed"])
        .arg(&seed)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().strip_prefix("listening ").unwrap().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body: Value = runtime.block_on(async {
        let url = format!("{base}/crm/v3/objects/deals/101?associations=companies");
        reqwest::Client::new()
            .get(url)
            .bearer_auth("tok")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(body["properties"]["dealname"], "Acme #AWS");
    assert_eq!(body["associations"]["companies"]["results"][0]["id"], "201");
}
