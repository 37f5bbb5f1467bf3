//! Sending planned batches with SendMessageBatch: per-entry `Failed[]` checked, retryable failures (and whole
//! request errors) retried a bounded number of times with backoff. Batches sharing a message group are sent one
//! after the other (a batch starts only after its predecessors fully succeeded); independent batches may be in
//! flight together, bounded by `max_in_flight`. A batch whose predecessor failed is not sent at all, so a later
//! event of a group never overtakes an earlier one that HubSpot will redeliver.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use tokio::task::JoinSet;

use crate::batch::{Entry, predecessors};

/// Retry and concurrency bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per batch (first try included).
    pub max_attempts: u32,
    /// Backoff before the 2nd attempt; multiplied by 4 for each further one.
    pub base_backoff: Duration,
    /// Batches in flight at once (only across disjoint message groups).
    pub max_in_flight: usize,
}

impl Default for RetryPolicy {
    /// 3 attempts, 25 ms then 100 ms backoff, 4 batches in flight: bounded well inside HubSpot's 5 s timeout.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_backoff: Duration::from_millis(25),
            max_in_flight: 4,
        }
    }
}

/// Result of sending all batches of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnqueueReport {
    /// Entries SQS accepted.
    pub enqueued: usize,
    /// Entries not enqueued (failed after retries, permanent failures, or skipped behind a failed batch).
    pub failed: usize,
    /// SendMessageBatch calls made.
    pub requests: usize,
}

#[derive(Debug, Default)]
struct BatchResult {
    enqueued: usize,
    failed: usize,
    requests: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// Sends every batch; see the module docs for ordering. Never panics; errors are counted in the report.
pub async fn send_batches(
    client: &Client,
    queue_url: &str,
    batches: Vec<Vec<Entry>>,
    policy: RetryPolicy,
) -> EnqueueReport {
    let preds = predecessors(&batches);
    let mut state = vec![State::Pending; batches.len()];
    let mut slots: Vec<Option<Vec<Entry>>> = batches.into_iter().map(Some).collect();
    let mut report = EnqueueReport::default();
    let mut running: JoinSet<(usize, BatchResult)> = JoinSet::new();
    loop {
        for i in 0..state.len() {
            if state[i] != State::Pending {
                continue;
            }
            if preds[i].iter().any(|&p| state[p] == State::Failed) {
                state[i] = State::Failed;
                report.failed += slots[i].take().map_or(0, |b| b.len());
                continue;
            }
            let ready = preds[i].iter().all(|&p| state[p] == State::Succeeded);
            if ready
                && running.len() < policy.max_in_flight.max(1)
                && let Some(batch) = slots[i].take()
            {
                state[i] = State::Running;
                let (client, url) = (client.clone(), queue_url.to_owned());
                running.spawn(async move { (i, send_one(&client, &url, batch, policy).await) });
            }
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        match joined {
            Ok((i, result)) => {
                state[i] = if result.failed == 0 {
                    State::Succeeded
                } else {
                    State::Failed
                };
                report.enqueued += result.enqueued;
                report.failed += result.failed;
                report.requests += result.requests;
            }
            Err(e) => {
                // A panicked or cancelled task: its batch index is unknown, so fail everything still open.
                tracing::error!(error = %e, "enqueue task ended abnormally");
                for (i, s) in state.iter_mut().enumerate() {
                    if matches!(*s, State::Pending | State::Running) {
                        *s = State::Failed;
                        report.failed += slots[i].take().map_or(0, |b| b.len());
                    }
                }
            }
        }
    }
    // Defensive: a batch that never started is not enqueued.
    report.failed += state
        .iter()
        .zip(&slots)
        .filter(|(s, b)| **s == State::Pending && b.is_some())
        .count();
    report
}

fn request_entry(e: &Entry) -> Option<SendMessageBatchRequestEntry> {
    SendMessageBatchRequestEntry::builder()
        .id(e.entry_id())
        .message_body(&e.message.body)
        .message_group_id(&e.message.group_id)
        .message_deduplication_id(&e.message.deduplication_id)
        .build()
        .ok()
}

async fn send_one(client: &Client, queue_url: &str, batch: Vec<Entry>, policy: RetryPolicy) -> BatchResult {
    let mut result = BatchResult::default();
    let mut pending = batch;
    let mut backoff = policy.base_backoff;
    for attempt in 0..policy.max_attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(4);
        }
        let entries: Vec<SendMessageBatchRequestEntry> = pending.iter().filter_map(request_entry).collect();
        result.requests += 1;
        match client
            .send_message_batch()
            .queue_url(queue_url)
            .set_entries(Some(entries))
            .send()
            .await
        {
            Ok(out) => {
                let ok: Vec<&str> = out.successful().iter().map(|s| s.id()).collect();
                let mut retry = Vec::new();
                for entry in pending {
                    let id = entry.entry_id();
                    if ok.contains(&id.as_str()) {
                        result.enqueued += 1;
                    } else if let Some(f) = out.failed().iter().find(|f| f.id() == id) {
                        tracing::warn!(
                            code = f.code(),
                            sender_fault = f.sender_fault(),
                            attempt,
                            "SQS rejected a batch entry"
                        );
                        if f.sender_fault() {
                            result.failed += 1
                        } else {
                            retry.push(entry)
                        }
                    } else {
                        retry.push(entry); // neither listed: treat as not enqueued
                    }
                }
                pending = retry;
            }
            Err(e) => {
                tracing::warn!(error = %DisplayErrorContext(&e), attempt, entries = pending.len(), "SendMessageBatch failed");
            }
        }
        if pending.is_empty() {
            break;
        }
    }
    result.failed += pending.len();
    result
}
