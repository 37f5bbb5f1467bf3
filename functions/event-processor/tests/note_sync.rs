//! Note events end to end: SQS `object.creation` (objectTypeId `0-46`) events through the real engine, router and
//! note handler, against the local HubSpot server and the local Partner Central server (which validates every
//! request against the published model, including NextSteps' 255-character limit, and keeps NextStepsHistory).
//! Covers: a note sets `LifeCycle.NextSteps` to its plain-text excerpt (every other field kept), an older note never
//! overwrites newer next steps, a long HTML note is clipped to 255 characters, redelivery is a no-op, and notes on
//! unlinked / out-of-scope deals cost no Partner Central call.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::outcome::RecordStatus;
use hubspot_server::HubSpotServer;
use serde_json::Value;

async fn env(seed_more: impl FnOnce(&HubSpotServer)) -> Env {
    four_deals_env(seed_more).await
}

/// Creates note `id` on `deals` with `body` at `timestamp` (epoch ms).
fn note(env: &Env, id: &str, body: &str, timestamp: i64, deals: &[&str]) {
    seed_note(&env.hubspot, id, body, timestamp, deals);
}

/// The SQS event of note `id`'s creation.
fn note_created_event(id: &str) -> SqsEvent {
    event(note_created(id, &format!("note-{id}")))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn next_steps(env: &Env, deal: &str) -> Value {
    opportunity_of(env, deal)["LifeCycle"]["NextSteps"].clone()
}

fn without_next_steps(mut record: Value) -> Value {
    let o = record.as_object_mut().unwrap();
    o.remove("LastModifiedDate");
    let lc = o["LifeCycle"].as_object_mut().unwrap();
    lc.remove("NextSteps");
    lc.remove("NextStepsHistory");
    record
}

#[tokio::test]
async fn note_sets_next_steps_excerpt_and_redelivery_is_a_no_op() {
    let env = env(|_| {}).await;
    let before = opportunity_of(&env, ALPHA);
    note(
        &env,
        "701",
        "<p>Call <b>Jane</b> on Monday &amp; send the TCO model</p>",
        now_ms(),
        &[ALPHA, GAMMA, DELTA],
    );
    assert_eq!(run(&env, &note_created_event("701")).await, processed("updated"));
    assert_eq!(next_steps(&env, ALPHA), "Call Jane on Monday & send the TCO model");
    let after = opportunity_of(&env, ALPHA);
    assert_eq!(after["LifeCycle"]["NextStepsHistory"].as_array().unwrap().len(), 1);
    assert_eq!(
        without_next_steps(after),
        without_next_steps(before),
        "every other field kept"
    );
    // Note read + deal batch read; one Get + one Update for the one linked in-scope deal.
    assert_eq!(hubspot_calls(&env), (2, 0), "HubSpot reads/writes per note event");
    assert_eq!(
        (env.pc.reads(), env.pc.writes()),
        (1, 1),
        "PC reads/writes per note event"
    );
    assert_eq!(
        env.pc.opportunity_count(),
        2,
        "the unlinked deal is left to the deal handler"
    );
    assert_eq!(deal_prop(&env, DELTA, "aws_sync_status"), None);

    reset_logs(&env);
    assert_eq!(run(&env, &note_created_event("701")).await, processed("unchanged"));
    assert_eq!((env.pc.reads(), env.pc.writes()), (1, 0), "redelivery: reads only");
    assert_eq!(hubspot_calls(&env), (2, 0));
}

#[tokio::test]
async fn older_note_does_not_overwrite_newer_next_steps() {
    let env = env(|_| {}).await;
    note(&env, "702", "<p>Newest plan</p>", now_ms(), &[BETA]);
    assert_eq!(run(&env, &note_created_event("702")).await, processed("updated"));
    reset_logs(&env);
    // A note written a day earlier arrives late.
    note(&env, "703", "<p>Stale plan</p>", now_ms() - 86_400_000, &[BETA]);
    assert_eq!(run(&env, &note_created_event("703")).await, processed("unchanged"));
    assert_eq!(next_steps(&env, BETA), "Newest plan");
    assert_eq!((env.pc.reads(), env.pc.writes()), (1, 0));
}

#[tokio::test]
async fn long_html_note_is_clipped_to_255_characters() {
    let env = env(|_| {}).await;
    let sentence = "Workshop with the <i>data team</i> about the migration &amp; cut-over plan. ";
    let body = format!("<div>{}</div><script>ignored()</script>", sentence.repeat(12));
    note(&env, "704", &body, now_ms(), &[ALPHA, BETA]);
    assert_eq!(run(&env, &note_created_event("704")).await, processed("updated"));
    assert_eq!(
        (env.pc.reads(), env.pc.writes()),
        (2, 2),
        "one Get + one Update per linked deal"
    );
    for deal in [ALPHA, BETA] {
        let steps = next_steps(&env, deal);
        let steps = steps.as_str().unwrap();
        assert!(steps.chars().count() <= 255, "{} chars", steps.chars().count());
        assert!(steps.chars().count() > 200, "clipped near the limit, not emptied");
        assert!(steps.starts_with("Workshop with the data team about the migration & cut-over plan."));
        assert!(steps.ends_with('\u{2026}'));
        assert!(!steps.contains('<') && !steps.contains("ignored"));
    }
}

#[tokio::test]
async fn note_without_linked_in_scope_deal_costs_no_partner_central_call() {
    let env = env(|_| {}).await;
    note(&env, "705", "<p>Internal only</p>", now_ms(), &[GAMMA, DELTA]);
    let status = run(&env, &note_created_event("705")).await;
    assert_eq!(
        status,
        RecordStatus::Skipped {
            reason: "no_linked_deals".into()
        }
    );
    assert_eq!(hubspot_calls(&env), (2, 0));
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
    note(&env, "706", "<p>No deal</p>", now_ms(), &[]);
    reset_logs(&env);
    run(&env, &note_created_event("706")).await;
    assert_eq!(
        hubspot_calls(&env),
        (1, 0),
        "a note without deals costs its own read only"
    );
}
