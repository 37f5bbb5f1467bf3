//! sync-ops against moto (moto-harness: a shared server, uniquely named queues per test, never reset).
//!
//! Covers status counts, DLQ list/show without consuming and with redaction, replay-deal, queue resolution by
//! environment name, and redrive (moto 5.2.5 lacks StartMessageMoveTask: the test pins the clear error).

#![allow(clippy::unwrap_used)] // test code

use aws_sdk_sqs::types::QueueAttributeName;
use moto_harness::{FifoQueue, MotoServer, unique_name};
use sync_events::{EventKind, SyncEvent};
use sync_ops::OpsError;
use sync_ops::peek::PeekOptions;
use sync_ops::replay::ReplayRequest;
use sync_ops::target::{QueueNames, Selection, Sqs};
use sync_ops::{dlq, redrive, replay, status};

const EMAIL: &str = "jane.doe@example.com";

async fn setup(prefix: &str) -> (&'static MotoServer, Sqs, FifoQueue) {
    let moto = MotoServer::shared();
    let sqs = Sqs::from_config(&moto.sdk_config().await, moto.endpoint());
    let queue = moto.create_fifo_queue(prefix).await.unwrap();
    (moto, sqs, queue)
}

fn urls(q: &FifoQueue) -> Selection {
    Selection {
        queue_url: Some(q.url.clone()),
        dlq_url: Some(q.dlq_url.clone()),
        ..Selection::default()
    }
}

/// A contact e-mail change and a deal stage change (portal 62515): carries personal data in `propertyValue`.
fn events() -> Vec<SyncEvent> {
    let body = format!(
        r#"[{{"subscriptionType":"contact.propertyChange","portalId":62515,"objectId":901,"occurredAt":1700000000000,
             "eventId":11,"propertyName":"email","propertyValue":"{EMAIL}","sourceId":"userId:45678","changeSource":"CRM_UI"}},
            {{"subscriptionType":"deal.propertyChange","portalId":62515,"objectId":777,"occurredAt":1700000001000,
             "eventId":12,"propertyName":"dealstage","propertyValue":"Jane Doe's big deal"}},
            {{"subscriptionType":"deal.propertyChange","portalId":62515,"objectId":777,"occurredAt":1700000002000,
             "eventId":13,"propertyName":"amount","propertyValue":"1000"}}]"#
    );
    sync_events::parse_webhook(body.as_bytes(), "req-1").unwrap()
}

async fn send_events(sqs: &Sqs, url: &str, events: &[SyncEvent]) -> Vec<String> {
    let mut ids = Vec::new();
    for e in events {
        let m = e.to_sqs_message().unwrap();
        let out = sqs
            .client
            .send_message()
            .queue_url(url)
            .message_group_id(m.group_id)
            .message_deduplication_id(m.deduplication_id)
            .message_body(m.body)
            .send()
            .await
            .unwrap();
        ids.push(out.message_id().unwrap().to_owned());
    }
    ids
}

#[tokio::test]
async fn status_counts_visible_in_flight_and_dlq_depth() {
    let (_moto, sqs, q) = setup("ops-status").await;
    let evs = events();
    send_events(&sqs, &q.url, &evs).await;
    send_events(&sqs, &q.dlq_url, &evs[..2]).await;
    // One receive: the contact group's message (and possibly the deal group's first) become in flight.
    let received = sqs
        .client
        .receive_message()
        .queue_url(&q.url)
        .max_number_of_messages(1)
        .send()
        .await
        .unwrap();
    assert_eq!(received.messages().len(), 1);

    let s = status::status(&sqs, &urls(&q)).await.unwrap();
    assert_eq!((s.queue.visible, s.queue.in_flight, s.queue.delayed), (2, 1, 0));
    assert_eq!((s.dlq.visible, s.dlq.in_flight), (2, 0));
    assert!(s.queue.fifo && s.dlq.fifo);
    let policy = s.queue.redrive_policy.as_ref().unwrap();
    assert_eq!(policy.dead_letter_target_arn, q.dlq_arn);
    assert_eq!(policy.max_receive_count, 3);
    assert_eq!(s.oldest_message_age_seconds, None);
    let table = status::render(&s);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("in flight") && l.split_whitespace().eq(["in", "flight", "1", "0"]))
    );

    // Without --dlq-url the DLQ comes from the source queue's RedrivePolicy.
    let by_policy = Selection {
        queue_url: Some(q.url.clone()),
        ..Selection::default()
    };
    let s2 = status::status(&sqs, &by_policy).await.unwrap();
    assert_eq!(s2.dlq.arn.as_deref(), Some(q.dlq_arn.as_str()));
    assert_eq!(s2.dlq.visible, 2);
}

#[tokio::test]
async fn queues_resolve_by_environment_name() {
    let moto = MotoServer::shared();
    let sqs = Sqs::from_config(&moto.sdk_config().await, moto.endpoint());
    let env = unique_name("e");
    let names = QueueNames::new("hubspot-sync", &env);
    for name in [&names.dlq, &names.queue] {
        sqs.client
            .create_queue()
            .queue_name(name)
            .attributes(QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .unwrap();
    }
    let sel = Selection {
        env: Some(env.clone()),
        ..Selection::default()
    };
    let s = status::status(&sqs, &sel).await.unwrap();
    assert!(
        s.queue.url.ends_with(&format!("/hubspot-sync-events-{env}.fifo")),
        "{}",
        s.queue.url
    );
    assert!(
        s.dlq.url.ends_with(&format!("/hubspot-sync-events-dlq-{env}.fifo")),
        "{}",
        s.dlq.url
    );

    let missing = Selection {
        env: Some(unique_name("absent")),
        ..Selection::default()
    };
    match status::status(&sqs, &missing).await {
        Err(OpsError::QueueNotFound { operation, queue }) => {
            assert_eq!(operation, "GetQueueUrl");
            assert!(queue.starts_with("hubspot-sync-events-absent-"), "{queue}");
        }
        other => panic!("expected QueueNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn dlq_list_shows_redacted_messages_without_consuming_them() {
    let (moto, sqs, q) = setup("ops-dlq-list").await;
    let evs = events();
    let ids = send_events(&sqs, &q.dlq_url, &evs).await;
    let opts = PeekOptions {
        max: 10,
        ..PeekOptions::default()
    };
    let mut counts = Vec::new();
    let (messages, failures) = dlq::list(&sqs, &urls(&q), &opts, &mut |n| counts.push(n))
        .await
        .unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(counts.last(), Some(&3));
    let mut seen: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    seen.sort_unstable();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(seen, expected);

    let contact = messages.iter().find(|m| m.message_id == ids[0]).unwrap();
    let event = contact.event.as_ref().unwrap();
    assert_eq!(event.event_type, "contact.propertyChange");
    assert_eq!(event.kind, "contact_property_change");
    assert_eq!(
        (event.object_type.as_str(), event.object_id.as_str()),
        ("contact", "901")
    );
    assert_eq!(event.portal_id, 62515);
    assert_eq!(event.occurred_at, "2023-11-14T22:13:20.000Z");
    assert_eq!(event.property_name.as_deref(), Some("email"));
    assert_eq!(event.property_value, Some(dlq::REDACTED));
    assert_eq!(event.source_id, Some(dlq::REDACTED));
    assert_eq!(contact.group_id.as_deref(), Some(evs[0].message_group_id().as_str()));
    assert_eq!(contact.receive_count, Some(1));

    // Neither rendering leaks property values or the user id.
    let text = dlq::render_list(&messages);
    let json = serde_json::to_string(&messages).unwrap();
    for out in [&text, &json] {
        for secret in [EMAIL, "Jane Doe", "45678", "1000\""] {
            assert!(!out.contains(secret), "{secret} leaked in {out}");
        }
    }
    assert!(
        text.contains("contact.propertyChange") && text.contains("deal:777"),
        "{text}"
    );

    // Still there, visible again, and a second look sees them all (receive count 2).
    assert_eq!(moto.queue_depth(&q.dlq_url).await.unwrap(), 3);
    let s = status::queue_stats(&sqs, &q.dlq_url).await.unwrap();
    assert_eq!((s.visible, s.in_flight), (3, 0));
    let (again, _) = dlq::list(&sqs, &urls(&q), &opts, &mut |_| {}).await.unwrap();
    assert_eq!(again.len(), 3);
    assert!(again.iter().all(|m| m.receive_count == Some(2)));

    // --max limits the listing.
    let one = PeekOptions {
        max: 1,
        ..PeekOptions::default()
    };
    let (first, _) = dlq::list(&sqs, &urls(&q), &one, &mut |_| {}).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(moto.drain_queue(&q.dlq_url).await.unwrap().len(), 3);
}

#[tokio::test]
async fn dlq_show_finds_one_message_and_reports_missing_ids() {
    let (moto, sqs, q) = setup("ops-dlq-show").await;
    let evs = events();
    let ids = send_events(&sqs, &q.dlq_url, &evs).await;
    let (m, _) = dlq::show(&sqs, &urls(&q), &ids[2], &PeekOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(m.message_id, ids[2]);
    let e = m.event.as_ref().unwrap();
    assert_eq!(
        (e.event_type.as_str(), e.object_id.as_str(), e.property_name.as_deref()),
        ("deal.propertyChange", "777", Some("amount"))
    );
    let text = dlq::render_show(&m);
    assert!(text.contains("property value   <redacted>"), "{text}");
    assert!(!text.lines().any(|l| l.trim_end().ends_with(" 1000")), "{text}");
    assert!(
        text.contains(&format!("group id         {}", evs[2].message_group_id())),
        "{text}"
    );

    // Stopping at the first message still releases the rest of its receive batch.
    let (first, _) = dlq::show(&sqs, &urls(&q), &ids[0], &PeekOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(first.message_id, ids[0]);
    let s = status::queue_stats(&sqs, &q.dlq_url).await.unwrap();
    assert_eq!((s.visible, s.in_flight), (3, 0));

    match dlq::show(&sqs, &urls(&q), "no-such-id", &PeekOptions::default(), &mut |_| {}).await {
        Err(OpsError::MessageNotFound { scanned, .. }) => assert_eq!(scanned, 3),
        other => panic!("expected MessageNotFound, got {other:?}"),
    }
    assert_eq!(moto.queue_depth(&q.dlq_url).await.unwrap(), 3);
}

#[tokio::test]
async fn dlq_list_reports_undecodable_bodies_without_their_content() {
    let (_moto, sqs, q) = setup("ops-dlq-bad").await;
    sqs.client
        .send_message()
        .queue_url(&q.dlq_url)
        .message_group_id("g")
        .message_deduplication_id("d")
        .message_body(format!(r#"{{"schemaVersion":9,"email":"{EMAIL}"}}"#))
        .send()
        .await
        .unwrap();
    let (messages, _) = dlq::list(&sqs, &urls(&q), &PeekOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].event.is_none());
    let err = messages[0].decode_error.as_deref().unwrap();
    assert!(err.contains("schemaVersion 9"), "{err}");
    assert!(!dlq::render_show(&messages[0]).contains(EMAIL));
}

#[tokio::test]
async fn replay_deal_enqueues_a_deal_update_in_the_deals_group() {
    let (moto, sqs, q) = setup("ops-replay").await;
    let req = |nonce: Option<&str>| ReplayRequest {
        portal_id: 62515,
        deal_id: 4242,
        reason: Some("PC write failed".to_owned()),
        nonce: nonce.map(str::to_owned),
        now_ms: chrono::Utc::now().timestamp_millis(),
    };
    let sel = urls(&q);
    let a = replay::replay_deal(&sqs, &sel, &req(None)).await.unwrap();
    let b = replay::replay_deal(&sqs, &sel, &req(None)).await.unwrap();
    // A retry with the same nonce (and thus the same dedup id) is dropped by SQS deduplication.
    let retry = ReplayRequest {
        now_ms: 1,
        ..req(Some(&a.nonce))
    };
    let c = replay::replay_deal(&sqs, &sel, &retry).await.unwrap();
    assert_eq!(c.deduplication_id, a.deduplication_id);
    assert_ne!(a.deduplication_id, b.deduplication_id);

    let drained = moto.drain_queue(&q.url).await.unwrap();
    assert_eq!(drained.len(), 2, "two deliberate replays, one deduplicated retry");
    for (m, r) in drained.iter().zip([&a, &b]) {
        assert_eq!(m.group_id.as_deref(), Some("hubspot:62515:deal:4242"));
        assert_eq!(m.deduplication_id.as_deref(), Some(r.deduplication_id.as_str()));
        let event = SyncEvent::from_sqs_body(&m.body).unwrap();
        assert_eq!(event.kind(), EventKind::DealPropertyChange);
        assert_eq!((event.portal_id, event.object_id.as_str()), (62515, "4242"));
        assert_eq!(event.message_group_id(), "hubspot:62515:deal:4242");
        assert_eq!(
            event.correlation_id,
            format!("sync-ops-replay/{}/PC-write-failed", r.nonce)
        );
        assert_eq!(event.change_source.as_deref(), Some(replay::REPLAY_CHANGE_SOURCE));
        assert_eq!(event.property_value, None);
    }
}

#[tokio::test]
async fn redrive_reports_that_moto_lacks_message_move_tasks() {
    let (moto, sqs, q) = setup("ops-redrive").await;
    send_events(&sqs, &q.dlq_url, &events()).await;
    match redrive::start(&sqs, &urls(&q), Some(10)).await {
        Err(e @ OpsError::Unsupported { .. }) => {
            let text = e.to_string();
            assert!(text.starts_with("StartMessageMoveTask is not supported"), "{text}");
            assert!(text.contains(moto.endpoint()), "{text}");
        }
        Ok(started) => {
            // A moto that implements it: follow the task to completion and check the messages moved.
            let done = redrive::wait(
                &sqs,
                &started.source_arn,
                std::time::Duration::from_millis(200),
                &mut |_| {},
            )
            .await
            .unwrap();
            assert_eq!(done.moved, 3);
            assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 3);
        }
        Err(other) => panic!("expected Unsupported or success, got {other:?}"),
    }
    match redrive::latest(&sqs, &q.dlq_arn).await {
        Err(OpsError::Unsupported { operation, .. }) => assert_eq!(operation, "ListMessageMoveTasks"),
        Ok(_) => {}
        Err(other) => panic!("expected Unsupported or success, got {other:?}"),
    }
    // Nothing was lost by the failed attempt.
    assert_eq!(moto.queue_depth(&q.dlq_url).await.unwrap(), 3);
}
