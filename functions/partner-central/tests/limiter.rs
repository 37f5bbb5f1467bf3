//! The client-side write limiter with real (short) runs: write starts are spaced by the 1 s interval (exactly
//! checked with paused time in the unit tests of `limiter.rs`); here writes must arrive at the server at least
//! 0.9 s apart (100 ms allowance for request latency jitter) with the server's own write limit at 0.9 s, reads are
//! not delayed, and no write is throttled.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{config, new_opportunity, sdk_config};
use partner_central::{ClientToken, PartnerCentral};
use partner_central_server::PartnerCentralServer;

#[tokio::test]
async fn writes_are_spaced_by_the_interval_under_concurrency() {
    let server = PartnerCentralServer::start().await.unwrap();
    server.set_write_rate_limit(Some(Duration::from_millis(900)));
    let mut cfg = config(&server);
    cfg.write_interval = Duration::from_millis(1000);
    cfg.max_attempts = 1; // any server-side throttle would surface as an error
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..3 {
        let pc = pc.clone();
        tasks.push(tokio::spawn(async move {
            pc.create_opportunity(
                &ClientToken::new(format!("t{i}")).unwrap(),
                &new_opportunity(&i.to_string()),
            )
            .await
        }));
    }
    // Reads go straight through while writes wait.
    pc.list_solutions(&[]).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "read was not held by the write limiter"
    );
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let writes: Vec<Instant> = server
        .requests()
        .iter()
        .filter(|r| r.is_write())
        .map(|r| r.received_at)
        .collect();
    assert_eq!(writes.len(), 3);
    for w in writes.windows(2) {
        let gap = w[1].duration_since(w[0]);
        assert!(gap >= Duration::from_millis(900), "writes {gap:?} apart");
    }
    assert!(server.requests().iter().all(|r| r.status == 200));
    let stats = pc.metrics().snapshot();
    assert!(
        stats["CreateOpportunity"].limiter_wait >= Duration::from_millis(2900),
        "{stats:?}"
    );
}
