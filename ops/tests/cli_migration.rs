//! The `sync-ops` binary's migration commands: `reconcile` against the local HubSpot and Partner Central servers
//! (summary on stdout, progress on stderr, JSON and CSV reports), settings errors, `backfill --dry-run`, and
//! `shadow list` against moto S3.

#![allow(clippy::unwrap_used)] // test code

mod support;

use std::process::{Command, Output};

use moto_harness::{MotoServer, unique_name};
use support::{create_opportunities, env, link, patch, seed_deal};

/// Runs the binary with dummy AWS credentials; `extra_env` adds variables.
async fn sync_ops(args: Vec<String>, extra_env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_sync-ops"))
            .args(["--region", "us-east-1"])
            .args(&args)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("SYNC_SETTINGS")
            .env_remove("HUBSPOT_API_BASE_URL")
            .env_remove("PARTNER_CENTRAL_ROLE_ARN")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .envs(extra_env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_prints_the_summary_and_writes_both_reports() {
    let env = env().await;
    for id in ["1", "2", "3"] {
        seed_deal(&env, id, &format!("Deal {id} #AWS"), "qualifiedtobuy");
    }
    let opps = create_opportunities(&env, &strings(&["1", "2"]), "hs").await;
    link(&env, "1", &opps["1"]).await;
    link(&env, "2", &opps["2"]).await;
    patch(&env, "2", &[("dealstage", "presentationscheduled")]).await;
    env.pc.clear_log();

    let dir = std::env::temp_dir().join(unique_name("reconcile"));
    std::fs::create_dir_all(&dir).unwrap();
    let (json_path, csv_path) = (dir.join("r.json"), dir.join("r.csv"));
    let args = vec![
        "reconcile".to_owned(),
        "--hubspot-url".into(),
        env.hubspot.base_url(),
        "--partner-central-url".into(),
        env.pc.endpoint_url(),
        "--catalog".into(),
        "Sandbox".into(),
        "--progress-every".into(),
        "1".into(),
        "--report".into(),
        json_path.display().to_string(),
        "--csv".into(),
        csv_path.display().to_string(),
    ];
    let out = sync_ops(args, vec![("HUBSPOT_ACCESS_TOKEN", env.hubspot.token().to_owned())]).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    for line in [
        "deals in scope            3",
        "in sync                   1",
        "missing opportunity       1",
        "drift (deals / fields)    1 / 2",
        "PC reads (list/get)       3 (1/2)",
    ] {
        assert!(stdout.contains(line), "{line:?} not in\n{stdout}");
    }
    assert!(
        stderr.contains("hubspot: read 3/3 in-scope deal(s), ETA 0 s"),
        "{stderr}"
    );
    assert!(
        stderr.contains("partner central: read 2/2 opportunity(ies)"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(report["summary"]["drift"], 1);
    assert_eq!(report["findings"][0]["kind"], "drift");
    assert_eq!(report["findings"][0]["fields"][0]["field"], "LifeCycle.Stage");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with("kind,deal_id,opportunity_id,field,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 2 + 1);
    assert_eq!(env.pc.writes(), 0);

    // Settings errors name the file and key; a missing token is named; both exit 1.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"mode":"shadow","canary":5}"#).unwrap();
    let out = sync_ops(
        strings(&["reconcile", "--catalog", "Sandbox", "--settings", bad.to_str().unwrap()]),
        vec![("HUBSPOT_ACCESS_TOKEN", "x".into())],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.json") && stderr.contains("unknown field `canary`"),
        "{stderr}"
    );
    let out = sync_ops(strings(&["reconcile", "--catalog", "Sandbox"]), vec![]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("HUBSPOT_ACCESS_TOKEN"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_dry_run_lists_the_deals() {
    let env = env().await;
    for id in ["5", "6"] {
        seed_deal(&env, id, &format!("Deal {id} #AWS"), "qualifiedtobuy");
    }
    seed_deal(&env, "7", "Out of scope", "qualifiedtobuy");
    let args = vec![
        "backfill".to_owned(),
        "--portal".into(),
        "62515".into(),
        "--dry-run".into(),
        "--hubspot-url".into(),
        env.hubspot.base_url(),
    ];
    let out = sync_ops(args, vec![("HUBSPOT_ACCESS_TOKEN", env.hubspot.token().to_owned())]).await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("5\t(dry run)\n6\t(dry run)\nplanned 2 event(s)"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_list_through_the_binary() {
    let moto = MotoServer::shared();
    let config = moto.sdk_config().await;
    let name = unique_name("shadowcli").to_lowercase();
    let bucket = sync_ops::shadow::Bucket::from_config(&config, &name);
    bucket.client.create_bucket().bucket(&name).send().await.unwrap();
    bucket
        .client
        .put_object()
        .bucket(&name)
        .key("shadow/62515/777/1790000000000-m-1.json")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"{}"))
        .send()
        .await
        .unwrap();
    let args = strings(&[
        "--endpoint-url",
        moto.endpoint(),
        "shadow",
        "list",
        "--bucket",
        &name,
        "--portal",
        "62515",
    ]);
    let out = sync_ops(args, vec![]).await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("2026-09-21T") && stdout.contains("shadow/62515/777/1790000000000-m-1.json"),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 record(s)\n"), "{stdout}");
    // show on a document that is not a record: a readable error.
    let args = strings(&[
        "--endpoint-url",
        moto.endpoint(),
        "shadow",
        "show",
        "--bucket",
        &name,
        "shadow/62515/777/1790000000000-m-1.json",
    ]);
    let out = sync_ops(args, vec![]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: S3 GetObject"),
        "{}",
        text(&out.stderr)
    );
}
