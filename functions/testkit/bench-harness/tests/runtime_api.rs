//! The Runtime API server, on the wire (what a runtime client sees) and with a real `lambda_runtime` function
//! (`echo-lambda`, built by cargo for this test) exec'd against it.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use bench_harness::process::{FunctionProcess, lambda_env};
use bench_harness::runtime_api::{Outcome, RuntimeApi, RuntimeApiError};
use serde_json::{Value, json};

const NEXT: &str = "2018-06-01/runtime/invocation/next";

#[tokio::test]
async fn next_hands_out_the_event_with_lambda_headers_and_response_completes_it() {
    let api = RuntimeApi::start("fn-a").await.unwrap();
    let base = format!("http://{}", api.host_port());
    let invoke = api.invoke(r#"{"n":1}"#, Duration::from_secs(5));
    let client = async {
        let http = reqwest::Client::new();
        let next = http.get(format!("{base}/{NEXT}")).send().await.unwrap();
        assert_eq!(next.status(), 200);
        let h = next.headers().clone();
        let id = h["lambda-runtime-aws-request-id"].to_str().unwrap().to_owned();
        let deadline: u128 = h["lambda-runtime-deadline-ms"].to_str().unwrap().parse().unwrap();
        assert!(deadline > 1_700_000_000_000, "{deadline}");
        assert_eq!(
            h["lambda-runtime-invoked-function-arn"],
            "arn:aws:lambda:us-east-1:123456789012:function:fn-a"
        );
        assert!(h["lambda-runtime-trace-id"].to_str().unwrap().starts_with("Root=1-"));
        assert_eq!(next.text().await.unwrap(), r#"{"n":1}"#);
        let unknown = http
            .post(format!("{base}/2018-06-01/runtime/invocation/nope/response"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 400);
        let ok = http
            .post(format!("{base}/2018-06-01/runtime/invocation/{id}/response"))
            .body(r#"{"ok":true}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 202);
        let again = http
            .post(format!("{base}/2018-06-01/runtime/invocation/{id}/response"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 400, "an invocation completes once");
        id
    };
    let (inv, id) = tokio::join!(invoke, client);
    let inv = inv.unwrap();
    assert_eq!(inv.request_id, id);
    assert_eq!(inv.outcome, Outcome::Response(r#"{"ok":true}"#.into()));
    assert!(inv.queued_at <= inv.delivered_at && inv.delivered_at <= inv.completed_at);
    assert_eq!(api.polls(), 1);
    assert!(api.first_poll().is_some());
}

#[tokio::test]
async fn an_answer_for_an_undelivered_invocation_is_refused_and_unanswered_ones_time_out() {
    let api = RuntimeApi::start("fn-b").await.unwrap();
    let base = format!("http://{}", api.host_port());
    let invoke = api.invoke("{}", Duration::from_millis(300));
    let early = async {
        let http = reqwest::Client::new();
        let id = "00000000-0000-4000-8000-000000000001";
        http.post(format!("{base}/2018-06-01/runtime/invocation/{id}/response"))
            .body("{}")
            .send()
            .await
            .unwrap()
            .status()
    };
    let (inv, status) = tokio::join!(invoke, early);
    assert_eq!(status, 400, "not yet delivered through /next");
    assert!(matches!(inv, Err(RuntimeApiError::Timeout { .. })), "{inv:?}");
}

#[tokio::test]
async fn an_init_error_fails_the_pending_and_later_invocations() {
    let api = RuntimeApi::start("fn-c").await.unwrap();
    let base = format!("http://{}", api.host_port());
    let invoke = api.invoke("{}", Duration::from_secs(5));
    let report = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        reqwest::Client::new()
            .post(format!("{base}/2018-06-01/runtime/init/error"))
            .header("lambda-runtime-function-error-type", "Runtime.InitError")
            .body(r#"{"errorType":"Config","errorMessage":"missing X"}"#)
            .send()
            .await
            .unwrap()
            .status()
    };
    let (inv, status) = tokio::join!(invoke, report);
    assert_eq!(status, 202);
    assert!(
        matches!(&inv, Err(RuntimeApiError::InitError(m)) if m.contains("missing X")),
        "{inv:?}"
    );
    assert!(matches!(
        api.invoke("{}", Duration::from_secs(1)).await,
        Err(RuntimeApiError::InitError(_))
    ));
}

#[tokio::test]
async fn a_lambda_runtime_function_runs_through_the_api() {
    let api = RuntimeApi::start("echo").await.unwrap();
    let log = std::env::temp_dir().join(format!("bench-harness-echo-{}.log", std::process::id()));
    let env = lambda_env("echo", &api.host_port(), 128);
    let proc = FunctionProcess::spawn(Path::new(env!("CARGO_BIN_EXE_echo-lambda")), &env, &log).unwrap();

    let inv = api
        .invoke(r#"{"hello":"world"}"#, Duration::from_secs(20))
        .await
        .unwrap();
    let Outcome::Response(body) = &inv.outcome else {
        panic!("{inv:?}: {}", proc.log_tail(2000))
    };
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["echo"], json!({"hello": "world"}));
    assert_eq!(v["requestId"], inv.request_id);
    assert_eq!(v["functionArn"], "arn:aws:lambda:us-east-1:123456789012:function:echo");
    assert!(v["deadlineMs"].as_u64().unwrap() > 1_700_000_000_000);

    let failed = api.invoke(r#"{"fail":true}"#, Duration::from_secs(20)).await.unwrap();
    let Outcome::Error { body, .. } = &failed.outcome else {
        panic!("{failed:?}")
    };
    assert!(String::from_utf8_lossy(body).contains("asked to fail"));

    let again = api.invoke(r#"{"n":3}"#, Duration::from_secs(20)).await.unwrap();
    assert!(matches!(again.outcome, Outcome::Response(_)));
    assert!(api.polls() >= 3, "{}", api.polls());
    assert!(proc.peak_rss_kib().unwrap() > 100);
    proc.stop().await;
    let _ = std::fs::remove_file(log);
}
