//! Looking at queue messages without consuming them.
//!
//! Messages are received with a short visibility timeout (the *hold*, default 20 s) and never deleted; when the
//! scan ends (or fails part-way) every held message is made visible again with `ChangeMessageVisibilityBatch`
//! (timeout 0). Consequences an operator should know:
//! - each look increments the message's `ApproximateReceiveCount` (harmless on a DLQ without its own redrive policy);
//! - while held, the messages are invisible to other consumers (for at most the hold time, even if this tool dies);
//! - on a FIFO queue a message group with a held message yields no further messages until it is released, so one
//!   scan sees at most the first 10 messages of each group (SQS returns up to 10 per receive).

use std::collections::BTreeSet;

use aws_sdk_sqs::types::{ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName as M};

use crate::error::{OpsError, classify};
use crate::target::Sqs;

/// Default hold (visibility timeout while looking), seconds.
pub const DEFAULT_HOLD_SECONDS: i32 = 20;

/// A received (held) message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peeked {
    /// SQS MessageId.
    pub message_id: String,
    /// Body (never printed raw by this crate).
    pub body: String,
    /// ApproximateReceiveCount, including this look.
    pub receive_count: Option<u32>,
    /// MessageGroupId.
    pub group_id: Option<String>,
    /// MessageDeduplicationId.
    pub deduplication_id: Option<String>,
    /// SequenceNumber.
    pub sequence_number: Option<String>,
    /// SentTimestamp (epoch ms).
    pub sent_timestamp_ms: Option<i64>,
    /// ApproximateFirstReceiveTimestamp (epoch ms).
    pub first_receive_ms: Option<i64>,
    receipt_handle: Option<String>,
}

/// What to look at.
#[derive(Debug, Clone)]
pub struct PeekOptions {
    /// Stop after this many messages.
    pub max: usize,
    /// Visibility timeout while held (1..=43200 s).
    pub hold_seconds: i32,
    /// Stop as soon as this message id is seen.
    pub stop_at: Option<String>,
    /// Long-poll wait per receive (0..=20 s); an empty receive ends the scan.
    pub wait_seconds: i32,
}

impl Default for PeekOptions {
    fn default() -> Self {
        Self {
            max: 10,
            hold_seconds: DEFAULT_HOLD_SECONDS,
            stop_at: None,
            wait_seconds: 1,
        }
    }
}

/// The messages seen, and release problems (ids whose visibility could not be reset; they reappear after the hold).
#[derive(Debug, Clone, Default)]
pub struct PeekResult {
    /// Messages in receive order (distinct message ids).
    pub messages: Vec<Peeked>,
    /// `message id: reason` of failed releases.
    pub release_failures: Vec<String>,
}

fn from_sqs(m: &Message) -> Peeked {
    let attr = |k: M| m.attributes().and_then(|a| a.get(&k)).cloned();
    let ms = |k: M| attr(k).and_then(|v| v.parse::<i64>().ok());
    Peeked {
        message_id: m.message_id().unwrap_or_default().to_owned(),
        body: m.body().unwrap_or_default().to_owned(),
        receive_count: attr(M::ApproximateReceiveCount).and_then(|v| v.parse().ok()),
        group_id: attr(M::MessageGroupId),
        deduplication_id: attr(M::MessageDeduplicationId),
        sequence_number: attr(M::SequenceNumber),
        sent_timestamp_ms: ms(M::SentTimestamp),
        first_receive_ms: ms(M::ApproximateFirstReceiveTimestamp),
        receipt_handle: m.receipt_handle().map(str::to_owned),
    }
}

/// Receives up to `opts.max` messages of `url` without consuming them, then releases them all.
/// `progress` is called with the running count after each receive.
pub async fn peek(
    sqs: &Sqs,
    url: &str,
    opts: &PeekOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<PeekResult, OpsError> {
    if !(1..=43_200).contains(&opts.hold_seconds) {
        return Err(OpsError::InvalidArgument {
            argument: "--hold-seconds",
            reason: "must be in 1..=43200".to_owned(),
        });
    }
    let mut held = Vec::new();
    let scan = receive_all(sqs, url, opts, &mut held, progress).await;
    // Release even when the scan failed part-way.
    let release_failures = release(sqs, url, &held).await;
    scan?;
    Ok(PeekResult {
        messages: held,
        release_failures,
    })
}

async fn receive_all(
    sqs: &Sqs,
    url: &str,
    opts: &PeekOptions,
    held: &mut Vec<Peeked>,
    progress: &mut dyn FnMut(usize),
) -> Result<(), OpsError> {
    let mut seen = BTreeSet::new();
    while held.len() < opts.max {
        let want = (opts.max - held.len()).min(10) as i32;
        let out = sqs
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(want)
            .visibility_timeout(opts.hold_seconds)
            .wait_time_seconds(opts.wait_seconds.clamp(0, 20))
            .message_system_attribute_names(M::All)
            .send()
            .await
            .map_err(|e| classify("ReceiveMessage", url, &sqs.endpoint, e))?;
        let mut new = 0;
        let mut found = false;
        // Every received message is kept (and so released later), including those after the one looked for.
        for m in out.messages() {
            let p = from_sqs(m);
            if !seen.insert(p.message_id.clone()) {
                // Seen before: the hold expired during a long scan. Keep the newer handle for the release.
                if let Some(old) = held.iter_mut().find(|h| h.message_id == p.message_id) {
                    old.receipt_handle = p.receipt_handle;
                }
                continue;
            }
            new += 1;
            found |= opts.stop_at.as_deref() == Some(p.message_id.as_str());
            held.push(p);
        }
        if new == 0 {
            break;
        }
        progress(held.len());
        if found {
            break;
        }
    }
    Ok(())
}

async fn release(sqs: &Sqs, url: &str, held: &[Peeked]) -> Vec<String> {
    let mut failures = Vec::new();
    let with_handle: Vec<(usize, &Peeked, &str)> = held
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.receipt_handle.as_deref().map(|h| (i, p, h)))
        .collect();
    for chunk in with_handle.chunks(10) {
        let entries = chunk
            .iter()
            .map(|(i, _, h)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(format!("m{i}"))
                    .receipt_handle(*h)
                    .visibility_timeout(0)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>();
        let entries = match entries {
            Ok(e) => e,
            Err(e) => {
                failures.extend(chunk.iter().map(|(_, p, _)| format!("{}: {e}", p.message_id)));
                continue;
            }
        };
        let sent = sqs
            .client
            .change_message_visibility_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await;
        match sent {
            Ok(out) => {
                for f in out.failed() {
                    let id = f.id().trim_start_matches('m').parse::<usize>().ok();
                    let message_id = id.and_then(|i| held.get(i)).map_or("?", |p| p.message_id.as_str());
                    failures.push(format!(
                        "{message_id}: {} {}",
                        f.code(),
                        f.message().unwrap_or_default()
                    ));
                }
            }
            Err(e) => {
                let err = classify("ChangeMessageVisibilityBatch", url, &sqs.endpoint, e);
                failures.extend(chunk.iter().map(|(_, p, _)| format!("{}: {err}", p.message_id)));
            }
        }
    }
    failures
}
