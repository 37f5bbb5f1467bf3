//! `backfill` against the local HubSpot server (deal selection) and moto SQS (sends): the in-scope deals, filtered,
//! are enqueued as deal-update events in their own groups; the sends are paced under Partner Central's 1 write/s
//! (checked on the queue's own SentTimestamp of every message); a dry run sends nothing; a retry with the same
//! nonce is deduplicated by SQS.

#![allow(clippy::unwrap_used)] // test code

mod support;

use aws_sdk_sqs::types::MessageSystemAttributeName;
use moto_harness::MotoServer;
use support::{PORTAL, env, seed_deal, unpaced};
use sync_events::{EventKind, SyncEvent};
use sync_ops::backfill::{self, Filter, Plan};
use sync_ops::target::Sqs;

/// Every message with its SentTimestamp (ms), deleting as it goes.
async fn drain(sqs: &Sqs, url: &str) -> Vec<(SyncEvent, String, i64)> {
    let mut out = Vec::new();
    let mut empty = 0;
    while empty < 2 {
        let r = sqs
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        if r.messages().is_empty() {
            empty += 1;
            continue;
        }
        for m in r.messages() {
            let attr = |k| m.attributes().and_then(|a| a.get(&k)).cloned().unwrap();
            out.push((
                SyncEvent::from_sqs_body(m.body().unwrap()).unwrap(),
                attr(MessageSystemAttributeName::MessageGroupId),
                attr(MessageSystemAttributeName::SentTimestamp).parse().unwrap(),
            ));
            sqs.client
                .delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    out.sort_by_key(|m| m.2);
    out
}

fn plan(ids: Vec<String>, rate: f64, nonce: &str, dry_run: bool) -> Plan {
    Plan {
        portal_id: PORTAL,
        deal_ids: ids,
        rate,
        nonce: Some(nonce.to_owned()),
        dry_run,
        progress_every: 1,
    }
}

#[tokio::test]
async fn enqueues_in_scope_deals_paced_under_the_write_quota() {
    let env = env().await;
    for id in ["11", "12", "13", "14", "15"] {
        seed_deal(&env, id, &format!("Deal {id} #AWS"), "qualifiedtobuy");
    }
    seed_deal(&env, "16", "Deal 16 #AWS", "closedwon");
    seed_deal(&env, "17", "Not synced", "qualifiedtobuy");
    let filter = Filter {
        stage: Some("qualifiedtobuy".into()),
        ..Filter::default()
    };
    let ids = backfill::select(&env.hs_client, &env.settings, &filter, &unpaced(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(ids, ["11", "12", "13", "14", "15"]);

    let moto = MotoServer::shared();
    let sqs = Sqs::from_config(&moto.sdk_config().await, moto.endpoint());
    let q = moto.create_fifo_queue("ops-backfill").await.unwrap();

    // Dry run: the same plan, nothing sent.
    let mut lines = Vec::new();
    let dry = backfill::run(&sqs, None, &plan(ids.clone(), 0.8, "n1", true), &mut |l| lines.push(l))
        .await
        .unwrap();
    assert_eq!(dry.events.len(), 5);
    assert!(dry.events.iter().all(|e| e.message_id.is_none()));
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 0);

    // The default rate, 0.8 events/s.
    let run = backfill::run(&sqs, Some(&q.url), &plan(ids.clone(), 0.8, "n1", false), &mut |l| {
        lines.push(l)
    })
    .await
    .unwrap();
    assert_eq!(run.events.len(), 5);
    assert!(run.elapsed_seconds >= 4.0 * 1.25 - 0.05, "{}", run.elapsed_seconds);
    assert!(
        lines.iter().any(|l| l.starts_with("backfill: enqueued 5/5")),
        "{lines:?}"
    );
    // A retry of the same run (same nonce) within 5 minutes is deduplicated by SQS (moto forgets the ids of
    // deleted messages, so this is checked before draining).
    backfill::run(&sqs, Some(&q.url), &plan(ids.clone(), 10.0, "n1", false), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 5);
    let got = drain(&sqs, &q.url).await;
    assert_eq!(got.len(), 5);
    let deals: Vec<&str> = got.iter().map(|(e, _, _)| e.object_id.as_str()).collect();
    assert_eq!(deals, ["11", "12", "13", "14", "15"]);
    for (e, group, _) in &got {
        assert_eq!(e.kind(), EventKind::DealPropertyChange);
        assert_eq!(group, &format!("hubspot:{PORTAL}:deal:{}", e.object_id));
        assert!(e.correlation_id.ends_with("/backfill"), "{}", e.correlation_id);
    }
    let gaps: Vec<i64> = got.windows(2).map(|w| w[1].2 - w[0].2).collect();
    eprintln!("BACKFILL send gaps at 0.8/s (ms, queue SentTimestamp): {gaps:?}");
    assert!(gaps.iter().all(|g| *g >= 1000), "faster than 1 write/s: {gaps:?}");
    assert!(
        gaps.iter().all(|g| *g >= 1200),
        "faster than the configured 0.8/s: {gaps:?}"
    );

    // A new run (new nonce) is not.
    backfill::run(&sqs, Some(&q.url), &plan(ids, 10.0, "n2", false), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 5);
}

#[tokio::test]
async fn rejects_rates_above_the_quota_range_and_bad_ids() {
    let moto = MotoServer::shared();
    let sqs = Sqs::from_config(&moto.sdk_config().await, moto.endpoint());
    let e = backfill::run(&sqs, None, &plan(vec!["1".into()], 0.0, "n", true), &mut |_| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("--rate"), "{e}");
    let e = backfill::run(&sqs, None, &plan(vec!["x1".into()], 0.8, "n", true), &mut |_| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not numeric"), "{e}");
    let e = backfill::run(&sqs, None, &plan(vec!["1".into()], 0.8, "n", false), &mut |_| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("--dry-run"), "{e}");
}
