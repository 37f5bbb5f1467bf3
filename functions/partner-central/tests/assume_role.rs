//! Assume-role against moto's STS: the Partner Central calls carry the assumed session credentials (the server sees
//! `x-amz-security-token`), signed for us-east-1 whatever the SdkConfig region, and the credentials are cached.
//! Uses `MOTO_ENDPOINT` when set (scripts/test.sh), else starts /tmp/venv-tools/bin/moto_server on a free port.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use common::config;
use partner_central::sdk::config::Region;
use partner_central::{AssumeRole, PartnerCentral};
use partner_central_server::PartnerCentralServer;

/// A moto server this test started (killed on drop), or an external one.
struct Moto {
    endpoint: String,
    child: Option<Child>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn moto() -> Moto {
    if let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") {
        return Moto { endpoint, child: None };
    }
    let bin = [
        "/work/main/.venv-tools/bin/moto_server",
        "/tmp/venv-tools/bin/moto_server",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .expect("moto_server not found: set MOTO_ENDPOINT or create the tools venv");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto {
        endpoint: format!("http://127.0.0.1:{port}"),
        child: Some(child),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

#[tokio::test]
async fn assumed_role_credentials_are_used_and_cached() {
    let moto = moto();
    let server = PartnerCentralServer::start().await.unwrap();
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static("eu-central-1"))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(Credentials::new("AKIDBASE", "base-secret", None, None, "base"))
        .load()
        .await;
    let mut cfg = config(&server);
    cfg.assume_role = Some(AssumeRole {
        role_arn: "arn:aws:iam::123456789012:role/partner-central-sync".into(),
        external_id: Some("ext-id-123".into()),
        session_name: None,
    });
    let pc = PartnerCentral::new(&sdk, cfg).await;
    pc.list_solutions(&[]).await.unwrap();
    pc.list_opportunities(|b| b, 1).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let token0 = reqs[0].security_token.clone().expect("session token from AssumeRole");
    assert!(!token0.is_empty());
    assert_eq!(
        reqs[1].security_token.as_deref(),
        Some(token0.as_str()),
        "credentials cached between calls"
    );
    for r in &reqs {
        let auth = r.authorization.as_deref().unwrap();
        assert!(
            !auth.contains("AKIDBASE"),
            "signed with assumed, not base, credentials: {auth}"
        );
        assert!(
            auth.contains("/us-east-1/partnercentral-selling/aws4_request"),
            "{auth}"
        );
    }
}
