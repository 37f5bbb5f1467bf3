//! The `sync-ops` binary against moto: exit codes, stdout results, stderr errors and progress.

#![allow(clippy::unwrap_used)] // test code

use std::process::{Command, Output};

use moto_harness::{MotoServer, unique_name};

/// Runs the binary with dummy credentials (no profile, no IMDS) against moto.
fn sync_ops(moto: &MotoServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sync-ops"))
        .args(["--endpoint-url", moto.endpoint(), "--region", "us-east-1"])
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SQS")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn missing_queue_exits_1_and_names_it() {
    let moto = MotoServer::shared();
    let env = unique_name("nosuchenv");
    let out = sync_ops(moto, &["--env", &env, "status"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.starts_with("error: queue not found: "), "{stderr}");
    assert!(stderr.contains(&format!("hubspot-sync-events-{env}.fifo")), "{stderr}");
}

#[test]
fn missing_selection_is_a_usage_error() {
    let moto = MotoServer::shared();
    let out = sync_ops(moto, &["status"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("invalid --env: give --env (with --region) or --queue-url"),
        "{stderr}"
    );
    // clap rejects a non-numeric deal id with its own usage exit code.
    let out = sync_ops(moto, &["replay-deal", "--portal", "1", "--deal", "abc"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn status_json_replay_and_dlq_list_through_the_binary() {
    let moto = MotoServer::shared();
    let q = moto.create_fifo_queue("ops-cli").await.unwrap();
    let sel = ["--queue-url", q.url.as_str(), "--dlq-url", q.dlq_url.as_str()];

    let out = sync_ops(
        moto,
        &[&sel[..], &["replay-deal", "--portal", "7", "--deal", "99", "--json"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replayed["groupId"], "hubspot:7:deal:99");

    let out = sync_ops(moto, &[&sel[..], &["status", "--json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["queue"]["visible"], 1);
    assert_eq!(status["dlq"]["visible"], 0);
    assert_eq!(
        status["queue"]["redrivePolicy"]["deadLetterTargetArn"],
        q.dlq_arn.as_str()
    );

    let out = sync_ops(moto, &[&sel[..], &["status"]].concat());
    let table = text(&out.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().eq(["depth", "(visible)", "1", "0"])),
        "{table}"
    );

    // The replayed message, moved to the DLQ by hand, is listed (progress on stderr, table on stdout).
    let drained = moto.drain_queue(&q.url).await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let m = &drained[0];
    sqs.send_message()
        .queue_url(&q.dlq_url)
        .message_group_id(m.group_id.clone().unwrap())
        .message_deduplication_id(m.deduplication_id.clone().unwrap())
        .message_body(&m.body)
        .send()
        .await
        .unwrap();
    let out = sync_ops(moto, &[&sel[..], &["dlq", "list"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("received 1 message(s)"),
        "{}",
        text(&out.stderr)
    );
    let listing = text(&out.stdout);
    assert!(
        listing.contains("deal.propertyChange") && listing.contains("deal:99"),
        "{listing}"
    );
    assert!(listing.ends_with("1 message(s)\n"), "{listing}");
    assert_eq!(moto.queue_depth(&q.dlq_url).await.unwrap(), 1);
}

#[tokio::test]
async fn redrive_on_moto_fails_clearly() {
    let moto = MotoServer::shared();
    let q = moto.create_fifo_queue("ops-cli-redrive").await.unwrap();
    let out = sync_ops(
        moto,
        &["--queue-url", &q.url, "--dlq-url", &q.dlq_url, "dlq", "redrive"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: StartMessageMoveTask is not supported by the SQS endpoint"),
        "{stderr}"
    );
}
