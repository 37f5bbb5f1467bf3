//! The write limiter covers retried attempts: with the server answering ThrottlingException, every attempt of a
//! write (first and retried, over concurrent writers) arrives at the server at least one write interval after the
//! previous write attempt; reads are not held by the write limiter; the optional read limiter paces reads.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{config, new_opportunity, sdk_config};
use partner_central::{ClientToken, PartnerCentral};
use partner_central_server::{FaultKind, PartnerCentralServer};

fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1].duration_since(w[0])).collect()
}

#[tokio::test]
async fn retried_write_attempts_take_limiter_slots() {
    let server = PartnerCentralServer::start().await.unwrap();
    // The server throttles any write closer than 1 s to the previous one (the real quota).
    server.set_write_rate_limit(Some(Duration::from_secs(1)));
    server.inject_fault_for("CreateOpportunity", FaultKind::Throttling, 2);
    let mut cfg = config(&server);
    cfg.write_interval = Duration::from_secs(1);
    cfg.initial_backoff = Duration::from_millis(5); // far shorter than the limiter: the limiter must hold retries
    cfg.max_attempts = 4;
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    let mut tasks = Vec::new();
    for i in 0..2 {
        let pc = pc.clone();
        tasks.push(tokio::spawn(async move {
            let token = ClientToken::new(format!("hubspot-1-deal-{i}-create")).unwrap();
            pc.create_opportunity(&token, &new_opportunity(&i.to_string())).await
        }));
    }
    let started = Instant::now();
    pc.list_solutions(&[]).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "read not held by the write limiter"
    );
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let writes: Vec<_> = server.requests().into_iter().filter(|r| r.is_write()).collect();
    let statuses: Vec<u16> = writes.iter().map(|r| r.status).collect();
    let times: Vec<Instant> = writes.iter().map(|r| r.received_at).collect();
    eprintln!("write attempts: {statuses:?}, gaps {:?}", gaps(&times));
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    let times: Vec<Instant> = writes.iter().map(|r| r.received_at).collect();
    for gap in gaps(&times) {
        assert!(
            gap >= Duration::from_secs(1),
            "write attempts {gap:?} apart: {:?}",
            gaps(&times)
        );
    }
    let stats = pc.metrics().snapshot();
    assert_eq!(stats["CreateOpportunity"].calls, 2);
    assert_eq!(stats["CreateOpportunity"].retries, 2);
    assert_eq!(
        stats["CreateOpportunity"].throttled, 0,
        "both calls succeeded after retrying"
    );
}

#[tokio::test]
async fn throttling_exhausts_attempts_and_each_attempt_waits() {
    let server = PartnerCentralServer::start().await.unwrap();
    server.inject_fault_for("CreateOpportunity", FaultKind::Throttling, 10);
    let mut cfg = config(&server);
    cfg.write_interval = Duration::from_millis(300);
    cfg.max_attempts = 3;
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    let err = pc
        .create_opportunity(&ClientToken::new("t-1").unwrap(), &new_opportunity("1"))
        .await
        .unwrap_err();
    assert_eq!(err.class(), partner_central::ErrorClass::Transient, "{err}");
    assert_eq!(server.count("CreateOpportunity"), 3);
    let times: Vec<Instant> = server.requests().iter().map(|r| r.received_at).collect();
    for gap in gaps(&times) {
        assert!(gap >= Duration::from_millis(300), "{:?}", gaps(&times));
    }
}

#[tokio::test]
async fn read_limiter_keeps_reads_at_ten_per_second() {
    let server = PartnerCentralServer::start().await.unwrap();
    let mut cfg = config(&server);
    cfg.read_interval = Some(Duration::from_millis(100)); // 10 reads/s
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    let mut tasks = Vec::new();
    for _ in 0..21 {
        let pc = pc.clone();
        tasks.push(tokio::spawn(async move { pc.list_solutions(&[]).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let times: Vec<Instant> = server.requests().iter().map(|r| r.received_at).collect();
    assert_eq!(times.len(), 21);
    // No 1 s window holds more than 10 reads (single gaps may be shorter: new connections add arrival jitter).
    for w in times.windows(11) {
        let span = w[10].duration_since(w[0]);
        assert!(span >= Duration::from_secs(1), "11 reads within {span:?}");
    }
    // Writes are not held by the read limiter.
    let t = Instant::now();
    pc.create_opportunity(&ClientToken::new("t-2").unwrap(), &new_opportunity("2"))
        .await
        .unwrap();
    assert!(t.elapsed() < Duration::from_millis(100));
}
