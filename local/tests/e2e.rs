//! End to end on the local pipeline: a signed webhook through the local API Gateway and the real receipt, SQS FIFO
//! in moto, the event-source-mapping emulator and the processor built by its real cold start (secrets read from
//! moto's Secrets Manager), against the local HubSpot and Partner Central servers.
//!
//! Needs moto (`MOTO_ENDPOINT`, as `scripts/test.sh` exports it, or a `moto_server` the harness can start); without
//! one every test prints why and passes without running.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use hubspot_server::ObjectType;
use local_pipeline::esm::EsmConfig;
use local_pipeline::{Options, Pipeline, Progress, Sink, sample};
use partner_central_server::FaultKind;

/// Visibility timeout = function timeout: a failed record is redelivered after this long.
const VISIBILITY_SECS: u32 = 6;
const MAX_RECEIVES: u32 = 3;

async fn pipeline() -> Option<Pipeline> {
    pipeline_with(None).await
}

async fn pipeline_with(sync_settings: Option<&str>) -> Option<Pipeline> {
    let moto = match moto_harness::MotoServer::try_shared() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("SKIPPED: the local end-to-end test needs moto (run scripts/test.sh or set MOTO_ENDPOINT): {e}");
            return None;
        }
    };
    let mut o = Options::local(moto.endpoint());
    o.name = "e2e".to_owned();
    o.visibility_timeout_secs = VISIBILITY_SECS;
    o.max_receive_count = MAX_RECEIVES;
    o.esm = EsmConfig {
        function_timeout: Duration::from_secs(u64::from(VISIBILITY_SECS)),
        ..EsmConfig::default()
    };
    o.sink = Sink::collecting(std::env::var_os("E2E_PRINT").is_some());
    o.sync_settings = sync_settings.map(str::to_owned);
    Some(Pipeline::start(o).await.unwrap())
}

fn deal_prop(p: &Pipeline, deal: &str, name: &str) -> Option<String> {
    p.hubspot
        .as_ref()
        .unwrap()
        .object(ObjectType::Deals, deal)
        .unwrap()
        .properties
        .get(name)
        .cloned()
}

fn hubspot_writes(p: &Pipeline) -> usize {
    p.hubspot
        .as_ref()
        .unwrap()
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && !r.path.ends_with("/search") && !r.path.ends_with("/batch/read"))
        .count()
}

/// Records of the given group, in the order they were processed: (receive count, outcome label).
fn deliveries(p: &Pipeline, group_suffix: &str) -> Vec<(u32, &'static str)> {
    p.sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Progress::Record {
                group,
                receive_count,
                outcome,
                ..
            } if group.ends_with(group_suffix) => Some((receive_count, outcome)),
            _ => None,
        })
        .collect()
}

/// (opportunity id on the deal, action) of every processed record of `deal`.
fn synced(p: &Pipeline, deal: &str) -> Vec<(String, String)> {
    p.sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Progress::DealSynced {
                deal_id,
                opportunity_id,
                action,
            } if deal_id == deal => Some((opportunity_id, action)),
            _ => None,
        })
        .collect()
}

/// Waits until `done` holds (checked every 100 ms), failing after `secs`.
async fn until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_webhook_ends_as_an_opportunity_written_back_and_duplicates_change_nothing() {
    let Some(mut p) = pipeline().await else { return };
    let pc = p.partner_central.clone().unwrap();

    let first = p
        .post_deal_creation(sample::PORTAL_ID, sample::DEAL_ID, 1, 0)
        .await
        .unwrap();
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body, r#"{"enqueued":1,"ignored":0,"received":1}"#);
    // HubSpot redelivers the same event (attemptNumber bumped) while the first is still queued.
    let again = p
        .post_deal_creation(sample::PORTAL_ID, sample::DEAL_ID, 1, 1)
        .await
        .unwrap();
    assert_eq!(again.status, 200, "{}", again.body);

    until(20, "the opportunity written back", || {
        !synced(&p, sample::DEAL_ID).is_empty()
    })
    .await;
    let opportunity = deal_prop(&p, sample::DEAL_ID, "aws_opportunity_id").unwrap();
    assert_eq!(
        synced(&p, sample::DEAL_ID),
        vec![(opportunity.clone(), "created".to_owned())]
    );
    let stored = pc
        .opportunity(&opportunity)
        .expect("the written-back id exists in Partner Central");
    assert_eq!(stored["Catalog"], "Sandbox");
    assert_eq!(pc.opportunity_count(), 1);
    assert_eq!(
        deal_prop(&p, sample::DEAL_ID, "aws_sync_status").as_deref(),
        Some("synced")
    );
    let status = p.wait_drained(Duration::from_secs(10)).await.unwrap();
    assert_eq!((status.visible, status.in_flight, status.dlq), (0, 0, 0), "{status}");
    let (pc_writes, hs_writes) = (pc.writes(), hubspot_writes(&p));

    // A later redelivery (attempt 2) after the sync: accepted, and nothing is written anywhere.
    let late = p
        .post_deal_creation(sample::PORTAL_ID, sample::DEAL_ID, 1, 2)
        .await
        .unwrap();
    assert_eq!(late.status, 200, "{}", late.body);
    tokio::time::sleep(Duration::from_secs(2)).await;
    p.wait_drained(Duration::from_secs(10)).await.unwrap();
    assert_eq!(pc.opportunity_count(), 1, "one opportunity");
    assert_eq!(pc.count("CreateOpportunity"), 1);
    assert_eq!(pc.writes(), pc_writes, "no Partner Central write for duplicates");
    assert_eq!(hubspot_writes(&p), hs_writes, "no HubSpot write for duplicates");
    for (count, outcome) in deliveries(&p, &format!(":deal:{}", sample::DEAL_ID)) {
        assert_eq!((count, outcome), (1, "processed"), "no record failed or was retried");
    }
    // SQS drops the redelivery queued next to the first (same deduplication id). moto forgets a deduplication id
    // once its message is deleted (real SQS keeps it 5 minutes), so the late one may arrive: then it changes nothing.
    let actions: Vec<String> = synced(&p, sample::DEAL_ID).into_iter().map(|(_, a)| a).collect();
    assert_eq!(actions[0], "created");
    assert!(actions[1..].iter().all(|a| a == "unchanged"), "{actions:?}");
    assert!(
        actions.len() <= 2,
        "the simultaneous redelivery was deduplicated: {actions:?}"
    );

    let events = p.sink.events();
    assert!(events.iter().any(|e| matches!(e, Progress::Batch { .. })));
    assert!(events.iter().any(|e| matches!(
        e,
        Progress::Acknowledged {
            deleted: 1,
            retried: 0,
            ..
        }
    )));
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_message_ends_in_the_dlq_while_other_groups_proceed() {
    let Some(mut p) = pipeline().await else { return };
    let pc = p.partner_central.clone().unwrap();
    let hubspot = p.hubspot.clone().unwrap();
    sample::seed_deal(&hubspot, "9002", "Globex lakehouse #AWS").unwrap();

    // Not a SyncEvent, sent straight to the queue in its own group.
    let poison = r#"{"schemaVersion":1,"source":"#;
    let sqs = aws_sdk_sqs::Client::new(&p.sdk);
    sqs.send_message()
        .queue_url(&p.queues.url)
        .message_body(poison)
        .message_group_id("hubspot:62515:deal:poison")
        .message_deduplication_id("poison-1")
        .send()
        .await
        .unwrap();
    let ok = p.post_deal_creation(sample::PORTAL_ID, "9002", 2, 0).await.unwrap();
    assert_eq!(ok.status, 200, "{}", ok.body);

    until(10, "deal 9002 synced", || !synced(&p, "9002").is_empty()).await;
    assert!(
        deliveries(&p, ":deal:poison").len() < MAX_RECEIVES as usize,
        "the healthy group did not wait for the poison message to be dead-lettered"
    );
    let moved = tokio::time::Instant::now();
    let deadline = moved + Duration::from_secs(u64::from(VISIBILITY_SECS * (MAX_RECEIVES + 2)));
    loop {
        let status = p.queue_status().await.unwrap();
        if status.dlq == 1 && status.visible == 0 && status.in_flight == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "poison not dead-lettered: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let poison_deliveries = deliveries(&p, ":deal:poison");
    assert_eq!(
        poison_deliveries,
        (1..=MAX_RECEIVES).map(|n| (n, "unparseable")).collect::<Vec<_>>(),
        "delivered maxReceiveCount times, then moved by SQS"
    );
    let dead = moto_harness::MotoServer::shared()
        .drain_queue(&p.queues.dlq_url)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].body, poison);
    assert_eq!(dead[0].group_id.as_deref(), Some("hubspot:62515:deal:poison"));
    assert_eq!(pc.opportunity_count(), 1, "deal 9002's opportunity, once");
    assert_eq!(deliveries(&p, ":deal:9002"), vec![(1, "processed")]);
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_central_outage_heals_without_loss() {
    let Some(mut p) = pipeline().await else { return };
    let pc = p.partner_central.clone().unwrap();
    // Every Partner Central call fails for a while: three 503s (the SDK's three attempts of the first delivery),
    // then a throttle (retried within the second delivery).
    pc.inject_fault(FaultKind::Unavailable, 3);
    pc.inject_fault(FaultKind::Throttling, 1);

    let r = p
        .post_deal_creation(sample::PORTAL_ID, sample::DEAL_ID, 3, 0)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    until(
        u64::from(VISIBILITY_SECS) * 4,
        "the opportunity written back after the outage",
        || !synced(&p, sample::DEAL_ID).is_empty(),
    )
    .await;
    let status = p.wait_drained(Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        (status.visible, status.in_flight, status.dlq),
        (0, 0, 0),
        "nothing lost: {status}"
    );

    let seen = deliveries(&p, &format!(":deal:{}", sample::DEAL_ID));
    assert_eq!(
        seen,
        vec![(1, "failed_transient"), (2, "processed")],
        "failed, redelivered, healed"
    );
    let failures: Vec<u16> = pc.requests().iter().map(|r| r.status).filter(|s| *s >= 400).collect();
    assert_eq!(failures, vec![503, 503, 503, 429]);
    assert_eq!(pc.opportunity_count(), 1, "exactly one opportunity despite the retries");
    let opportunity = deal_prop(&p, sample::DEAL_ID, "aws_opportunity_id").unwrap();
    assert!(pc.opportunity(&opportunity).is_some());
    assert_eq!(
        deal_prop(&p, sample::DEAL_ID, "aws_sync_status").as_deref(),
        Some("synced")
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_mode_records_the_planned_writes_and_sends_none() {
    let Some(mut p) = pipeline_with(Some(r#"{"mode":"shadow"}"#)).await else {
        return;
    };
    let pc = p.partner_central.clone().unwrap();
    let bucket = p
        .shadow_bucket
        .clone()
        .expect("shadow mode creates the shadow records bucket");

    let r = p
        .post_deal_creation(sample::PORTAL_ID, sample::DEAL_ID, 4, 0)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let group = format!(":deal:{}", sample::DEAL_ID);
    until(15, "the deal record processed", || !deliveries(&p, &group).is_empty()).await;
    assert_eq!(deliveries(&p, &group), vec![(1, "processed")]);
    p.wait_drained(Duration::from_secs(10)).await.unwrap();

    assert_eq!(pc.opportunity_count(), 0, "nothing created in Partner Central");
    assert_eq!(pc.writes(), 0, "no Partner Central write sent");
    assert_eq!(hubspot_writes(&p), 0, "no HubSpot write sent");
    assert_eq!(deal_prop(&p, sample::DEAL_ID, "aws_opportunity_id"), None);
    let prefix = format!("shadow/{}/{}/", sample::PORTAL_ID, sample::DEAL_ID);
    let keys = local_pipeline::aws_setup::list_keys(&p.sdk, &bucket, &prefix)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "one shadow record for the deal: {keys:?}");
    assert!(keys[0].ends_with(".json"), "{}", keys[0]);
    p.stop().await;
}
