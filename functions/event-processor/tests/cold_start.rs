//! Cold start against moto's Secrets Manager and the local HubSpot server: the token is read once from the secret
//! and used by the HubSpot client; an unreadable or empty secret fails the cold start naming the secret.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::config::{Config, vars};
use event_processor::runtime::{StartupError, cold_start_with};
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use moto_harness::MotoServer;

fn config(secret_arn: &str, base_url: &str) -> Config {
    let env: HashMap<&str, String> = HashMap::from([
        (vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN, secret_arn.to_owned()),
        (vars::HUBSPOT_API_BASE_URL, base_url.to_owned()),
        (vars::PARTNER_CENTRAL_CATALOG, "Sandbox".to_owned()),
        (
            vars::PARTNER_CENTRAL_ROLE_ARN,
            "arn:aws:iam::123456789012:role/PartnerCentralSync".to_owned(),
        ),
        (vars::PARTNER_CENTRAL_EXTERNAL_ID, "external-id-1".to_owned()),
    ]);
    Config::from_lookup(|k| env.get(k).cloned()).unwrap()
}

fn fixture(name: &str) -> SqsEvent {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn token_comes_from_secrets_manager_and_is_used_by_the_hubspot_client() {
    let moto = MotoServer::shared();
    let server = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    server
        .seed(ObjectType::Deals, "9001", [("dealname", "Acme #AWS")])
        .unwrap();
    let secret = moto
        .create_secret("processor-token", &format!("  {}\n", server.token()))
        .await
        .unwrap();
    let app = cold_start_with(&moto.sdk_config().await, config(&secret.arn, &server.base_url()))
        .await
        .unwrap();
    for _ in 0..2 {
        app.run_batch(&fixture("coalesce-one-deal.json"), None).await.unwrap();
    }
    let requests = server.requests();
    // Per invocation one deal read; the deal has no company or stage, so the first invocation writes that mapping
    // error onto it and the second finds it already shown.
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, vec!["GET", "PATCH", "GET"], "same client for both invocations");
    assert!(
        requests.iter().all(|r| r.authorized),
        "the trimmed secret value is the bearer token"
    );
}

#[tokio::test]
async fn missing_or_empty_secret_fails_the_cold_start_by_name() {
    let moto = MotoServer::shared();
    let sdk = moto.sdk_config().await;
    let missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf";
    match cold_start_with(&sdk, config(missing, "http://127.0.0.1:9")).await {
        Err(e @ StartupError::Secret { .. }) => assert!(e.to_string().contains(missing), "{e}"),
        other => panic!("expected a secret error, got {other:?}"),
    }
    let blank = moto.create_secret("processor-blank", "   ").await.unwrap();
    match cold_start_with(&sdk, config(&blank.arn, "http://127.0.0.1:9")).await {
        Err(StartupError::Secret { detail, .. }) => assert!(detail.contains("no SecretString"), "{detail}"),
        other => panic!("expected a secret error, got {other:?}"),
    }
}
