//! Failure handling against injected faults: 401, ten-secondly and daily 429s, Retry-After, 5xx bounds,
//! non-idempotent note creation, timeouts, connection failures, and the stats that record them.

mod common;

use std::time::{Duration, Instant};

use common::*;
use hubspot::{ClientConfig, ErrorClass, HubSpotClient, HubSpotError, RetryPolicy};
use hubspot_server::{Fault, FaultRule, RateLimitPolicy};

#[tokio::test]
async fn wrong_token_is_an_auth_error_and_not_retried() {
    let server = server().await;
    let client = HubSpotClient::new(config(&server).with_retry(RetryPolicy::fast_for_tests())).unwrap();
    let bad = HubSpotClient::new(ClientConfig {
        token: hubspot::AccessToken::new("pat-wrong"),
        ..config(&server)
    })
    .unwrap();
    let error = bad.get_deal(DEAL, &["dealname"]).await.unwrap_err();
    let HubSpotError::Auth { api, .. } = &error else {
        panic!("expected Auth, got {error:?}")
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.body.category.as_deref(), Some("INVALID_AUTHENTICATION"));
    assert_eq!(error.class(), ErrorClass::Config);
    assert!(!error.to_string().contains("pat-wrong"), "{error}");
    assert_eq!(server.request_count(), 1);
    assert!(!server.requests()[0].authorized);
    client.get_deal(DEAL, &[]).await.unwrap();
}

#[tokio::test]
async fn ten_secondly_429_is_retried_then_succeeds() {
    let server = server().await;
    server.inject(FaultRule::next(2, Fault::ten_secondly()));
    let client = client(&server);
    let started = Instant::now();
    let deal = client.get_deal(DEAL, &["dealname"]).await.unwrap();
    assert_eq!(deal.property("dealname"), Some("Acme migration #AWS"));
    assert_eq!(server.request_count(), 3);
    // fast_for_tests: at least 20 ms after the first 429 and 40 ms after the second.
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "{:?}",
        started.elapsed()
    );
    let stats = &client.stats().snapshot()["deals.get"];
    assert_eq!(
        (
            stats.calls,
            stats.requests,
            stats.retries,
            stats.rate_limited,
            stats.failures
        ),
        (1, 3, 2, 2, 0)
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = server().await;
    server.inject(FaultRule::next(
        1,
        Fault::RateLimit {
            policy: RateLimitPolicy::TenSecondly,
            retry_after_secs: Some(1),
        },
    ));
    let client = client(&server);
    let started = Instant::now();
    client.get_deal(DEAL, &[]).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_ends_the_call_as_transient() {
    let server = server().await;
    server.inject(FaultRule::next(
        1,
        Fault::RateLimit {
            policy: RateLimitPolicy::TenSecondly,
            retry_after_secs: Some(30),
        },
    ));
    let client = client(&server);
    let started = Instant::now();
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait the 30 s: {:?}",
        started.elapsed()
    );
    assert!(matches!(error, HubSpotError::RateLimited { .. }));
    assert_eq!(error.api().unwrap().retry_after, Some(Duration::from_secs(30)));
    assert!(error.is_transient());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn daily_429_is_not_retried() {
    let server = server().await;
    server.inject(FaultRule::next(5, Fault::daily()));
    let client = client(&server);
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::RateLimited { .. }), "{error:?}");
    assert_eq!(error.policy_name(), Some("DAILY"));
    assert_eq!(error.attempts(), 1);
    assert!(
        error.is_transient(),
        "fail the record; SQS retries after the limit resets"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn secondly_search_429_is_retried() {
    let server = server().await;
    server.inject(
        FaultRule::next(
            1,
            Fault::RateLimit {
                policy: RateLimitPolicy::Secondly,
                retry_after_secs: None,
            },
        )
        .path_contains("/search"),
    );
    let client = client(&server);
    let request = hubspot::SearchRequest::property_equals("dealname", "Acme migration #AWS", &["dealname"]);
    let page = client.search(hubspot::ObjectType::Deals, &request).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_up_to_the_bound() {
    let server = server().await;
    server.inject(FaultRule::next(10, Fault::status(502)));
    let client = client(&server);
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::Server { .. }), "{error:?}");
    assert_eq!(error.attempts(), 4);
    assert!(error.is_transient());
    assert_eq!(server.request_count(), 4, "max_attempts = 4");
    let stats = &client.stats().snapshot()["deals.get"];
    assert_eq!((stats.requests, stats.retries, stats.failures), (4, 3, 1));

    server.clear_faults();
    server.clear_requests();
    for status in [503, 504, 423, 477] {
        server.inject(FaultRule::next(1, Fault::status(status)).method("PATCH"));
    }
    let updates = [("aws_sync_status".to_owned(), "synced".to_owned())].into();
    client.update_deal(DEAL, &updates).await.unwrap_err();
    assert_eq!(
        server.request_count(),
        4,
        "503, 504, 423 retried; the 4th attempt got 477 and the bound ended it"
    );
    server.clear_requests();
    client.update_deal(DEAL, &updates).await.unwrap();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = server().await;
    server.inject(FaultRule::next(3, Fault::status(500)));
    let client = client(&server);
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(
        error.is_transient(),
        "500 fails the record (SQS retries) but is not retried in the call"
    );
    assert_eq!(server.request_count(), 1);
    server.clear_faults();
    server.inject(FaultRule::next(3, Fault::status(409)));
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::Rejected { .. }));
    assert_eq!(error.class(), ErrorClass::Permanent);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn note_creation_is_retried_only_when_nothing_was_created() {
    let server = server().await;
    let client = client(&server);
    server.inject(FaultRule::next(1, Fault::status(502)).path_contains("/notes"));
    let error = client
        .create_deal_note(DEAL, "body", "2026-11-28T00:00:00Z")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert_eq!(
        server.request_count(),
        1,
        "a 502 may hide a created note: no blind retry"
    );

    server.inject(FaultRule::next(1, Fault::ten_secondly()).path_contains("/notes"));
    server.inject(FaultRule::next(1, Fault::status(503)).path_contains("/notes"));
    client
        .create_deal_note(DEAL, "body", "2026-11-28T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(server.request_count(), 4);
    assert_eq!(
        server.objects(hubspot_server::ObjectType::Notes).len(),
        2,
        "the seeded note and exactly one new one"
    );
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let server = server().await;
    server.inject(FaultRule::next(10, Fault::Latency(Duration::from_millis(400))));
    let client = HubSpotClient::new(config(&server).with_request_timeout(Duration::from_millis(100))).unwrap();
    let started = Instant::now();
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::Timeout { attempts: 4, .. }), "{error:?}");
    assert!(error.is_transient());
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.request_count(), 4);

    server.clear_faults();
    server.inject(FaultRule::next(1, Fault::Latency(Duration::from_millis(30))));
    client.get_deal(DEAL, &[]).await.unwrap();
}

#[tokio::test]
async fn total_time_is_bounded() {
    let server = server().await;
    server.inject(FaultRule::next(100, Fault::status(503)));
    let retry = RetryPolicy {
        max_attempts: 100,
        max_elapsed: Duration::from_millis(150),
        ..RetryPolicy::fast_for_tests()
    };
    let client = HubSpotClient::new(config(&server).with_retry(retry)).unwrap();
    let started = Instant::now();
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(error.is_transient());
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(server.request_count() < 100);
}

#[tokio::test]
async fn connection_refused_is_a_transient_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = ClientConfig::new("t")
        .with_base_url(format!("http://127.0.0.1:{port}"))
        .with_retry(RetryPolicy::fast_for_tests());
    let client = HubSpotClient::new(config).unwrap();
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::Network { attempts: 4, .. }), "{error:?}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_slow_answer_cannot_overrun_the_call_budget() {
    let server = server().await;
    server.inject(FaultRule::next(10, Fault::Latency(Duration::from_millis(1500))));
    let retry = RetryPolicy {
        max_elapsed: Duration::from_millis(300),
        ..RetryPolicy::fast_for_tests()
    };
    let config = config(&server)
        .with_retry(retry)
        .with_request_timeout(Duration::from_secs(5));
    let client = HubSpotClient::new(config).unwrap();
    let started = Instant::now();
    let error = client.get_deal(DEAL, &[]).await.unwrap_err();
    assert!(matches!(error, HubSpotError::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "the 1.5 s answer was awaited: {:?}",
        started.elapsed()
    );
}
