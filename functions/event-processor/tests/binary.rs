//! The `event-processor` binary as Lambda runs it: configuration from the environment (a missing variable fails
//! the cold start by name), the token secret from Secrets Manager through `AWS_ENDPOINT_URL_SECRETS_MANAGER`
//! (moto), HubSpot through `HUBSPOT_API_BASE_URL` (local server), Partner Central through
//! `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING` (local server) with a role assumed through moto's STS, and two
//! invocations through a fake Lambda Runtime API answering with the partial-batch response. The assumed-role
//! credentials are reused across invocations and Partner Central is signed for us-east-1 while the function runs in
//! eu-west-1; stdout carries JSON logs and EMF metrics, never the token.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use moto_harness::MotoServer;
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};
use tokio::sync::mpsc;

const BIN: &str = env!("CARGO_BIN_EXE_event-processor");

fn base_command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null());
    cmd
}

#[test]
fn missing_variables_fail_the_cold_start_by_name() {
    let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf";
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[], "HUBSPOT_ACCESS_TOKEN_SECRET_ARN"),
        (
            &[("HUBSPOT_ACCESS_TOKEN_SECRET_ARN", secret)],
            "PARTNER_CENTRAL_CATALOG",
        ),
        (
            &[
                ("HUBSPOT_ACCESS_TOKEN_SECRET_ARN", secret),
                ("PARTNER_CENTRAL_CATALOG", "Prod"),
            ],
            "PARTNER_CENTRAL_CATALOG",
        ),
    ];
    for (env, named) in cases {
        let mut cmd = base_command();
        cmd.envs(env.iter().copied());
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(named), "stderr names {named}: {stderr}");
    }
}

#[derive(Clone)]
struct RuntimeApi {
    events: Arc<Mutex<Vec<String>>>,
    results: mpsc::UnboundedSender<(String, String, String)>,
}

async fn next(State(api): State<RuntimeApi>) -> (HeaderMap, String) {
    let event = api.events.lock().unwrap().pop();
    match event {
        Some(body) => {
            let mut headers = HeaderMap::new();
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 30_000;
            let id = format!("req-{}", api.events.lock().unwrap().len());
            headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
            headers.insert("lambda-runtime-deadline-ms", deadline.to_string().parse().unwrap());
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:eu-west-1:123456789012:function:event-processor"
                    .parse()
                    .unwrap(),
            );
            headers.insert(
                "lambda-runtime-trace-id",
                "Root=1-5759e988-bd862e3fe1be46a994272793".parse().unwrap(),
            );
            (headers, body)
        }
        // No more invocations: park the runtime until the test kills it.
        None => std::future::pending().await,
    }
}

async fn result(State(api): State<RuntimeApi>, Path((id, kind)): Path<(String, String)>, body: String) -> &'static str {
    let _ = api.results.send((id, kind, body));
    "{}"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_invocations_through_the_runtime_api() {
    let moto = MotoServer::shared();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    let pc = PartnerCentralServer::start().await.unwrap();
    let opportunity = pc.seed_opportunity("Sandbox", json!({"Project": {"Title": "Acme"}}));
    let deal = [
        ("dealname", "Acme #AWS"),
        ("dealstage", "qualifiedtobuy"),
        ("closedate", "2027-06-30"),
        ("aws_opportunity_id", opportunity.as_str()),
    ];
    hubspot.seed(ObjectType::Deals, "9001", deal).unwrap();
    hubspot
        .seed(ObjectType::Companies, "501", [("name", "Acme Corp"), ("country", "DE")])
        .unwrap();
    hubspot.associate_primary_company("9001", "501").unwrap();
    let secret = moto.create_secret("processor-bin", hubspot.token()).await.unwrap();

    let path = format!("{}/fixtures/mixed-batch.json", env!("CARGO_MANIFEST_DIR"));
    let event = std::fs::read_to_string(path).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let api = RuntimeApi {
        events: Arc::new(Mutex::new(vec![event.clone(), event])),
        results: tx,
    };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/{kind}", post(result))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let runtime_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let pc_url = pc.endpoint_url();
    let hubspot_url = hubspot.base_url();
    let runtime_api = runtime_addr.to_string();
    let mut cmd = base_command();
    cmd.envs([
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.as_str()),
        ("AWS_LAMBDA_FUNCTION_NAME", "event-processor"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint()),
        ("AWS_ENDPOINT_URL_STS", moto.endpoint()),
        ("AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING", pc_url.as_str()),
        (
            "PARTNER_CENTRAL_ROLE_ARN",
            "arn:aws:iam::123456789012:role/PartnerCentralSync",
        ),
        ("PARTNER_CENTRAL_EXTERNAL_ID", "external-id-1"),
        ("HUBSPOT_ACCESS_TOKEN_SECRET_ARN", secret.arn.as_str()),
        ("HUBSPOT_API_BASE_URL", hubspot_url.as_str()),
        ("PARTNER_CENTRAL_CATALOG", "Sandbox"),
        ("SYNC_QUEUE_MAX_RECEIVE_COUNT", "3"),
        ("RUST_LOG", "info"),
    ]);
    let mut child = cmd.spawn().unwrap();
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
            Ok(Some(result)) => outcomes.push(result),
            _ => break,
        }
    }
    // The runtime now waits for a third event forever: stop it (this test started it) and collect its output.
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(outcomes.len(), 2, "two results; stderr: {stderr}\nstdout: {stdout}");
    for (i, (id, kind, body)) in outcomes.iter().enumerate() {
        let expected_id = format!("req-{}", 1 - i);
        assert_eq!(
            (id.as_str(), kind.as_str()),
            (expected_id.as_str(), "response"),
            "{body}"
        );
        let response: Value = serde_json::from_str(body).unwrap();
        let failures = response["batchItemFailures"].as_array().unwrap();
        let failed: Vec<&str> = failures.iter().map(|f| f["itemIdentifier"].as_str().unwrap()).collect();
        // Deal 9001's coalesced records sync (an update, then a no-op); objects the server lacks are acknowledged
        // as permanent (404); the three unsupported records are acknowledged as skipped.
        assert!(failed.is_empty(), "{failed:?}");
    }

    // Partner Central: one GetOpportunity per invocation, signed for us-east-1 with the assumed role's session,
    // the same session both times (credentials cached, not re-assumed per invocation).
    let gets = pc.requests_for("GetOpportunity");
    assert_eq!(gets.len(), 2);
    for get in &gets {
        assert_eq!(get.body["Identifier"], opportunity.as_str());
        let authorization = get.authorization.as_deref().unwrap();
        assert!(
            authorization.contains("/us-east-1/partnercentral-selling/aws4_request"),
            "{authorization}"
        );
        assert!(
            !authorization.contains("Credential=testing/"),
            "not the base credentials: {authorization}"
        );
        assert!(get.security_token.is_some(), "assumed-role session token");
    }
    assert_eq!(gets[0].security_token, gets[1].security_token);

    let lines: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let records: Vec<&Value> = lines.iter().filter(|l| l["message"] == "record").collect();
    assert_eq!(records.len(), 20, "one log line per record: {stdout}");
    let keys = [
        "message_id",
        "group",
        "receive_count",
        "correlation_id",
        "event_type",
        "outcome",
    ];
    for r in &records {
        for key in keys {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
    }
    let emf: Vec<&Value> = lines.iter().filter(|l| l.get("_aws").is_some()).collect();
    let count = |f: &dyn Fn(&Value) -> bool| emf.iter().filter(|d| f(d)).count();
    assert_eq!(
        count(&|d| d["EventType"] == "unsupported" && d["Skipped"] == 3),
        2,
        "{emf:?}"
    );
    // Five objects read per invocation plus deal 9001's company batch read; the first invocation also writes the
    // sync status back onto deal 9001 (the second finds nothing to change).
    assert_eq!(count(&|d| d["Api"] == "HubSpot" && d["ApiCalls"] == 7), 1, "{emf:?}");
    assert_eq!(count(&|d| d["Api"] == "HubSpot" && d["ApiCalls"] == 6), 1, "{emf:?}");
    assert_eq!(
        count(&|d| d["Api"] == "PartnerCentral" && d["ApiCalls"] == 1),
        2,
        "{emf:?}"
    );
    assert!(
        !stdout.contains(hubspot.token()) && !stderr.contains(hubspot.token()),
        "the token is never logged"
    );
    assert!(!stdout.contains("Globex"), "property values are never logged");
}
