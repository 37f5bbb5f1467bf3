//! Splitting the accepted events' SQS messages into SendMessageBatch requests (<= 10 entries, <= 1 MiB of
//! payload each, delivery order kept) and computing which batches must wait for which (shared message groups).

use std::collections::BTreeMap;

use sync_events::SqsMessage;

/// SendMessageBatch entry limit.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// SQS payload limit per message and per batch (1 MiB).
pub const MAX_BATCH_BYTES: usize = 1_048_576;

/// One batch entry: the message and its position in the webhook (also the batch entry Id `e<index>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index among the accepted events (unique per request).
    pub index: usize,
    /// The message.
    pub message: SqsMessage,
}

impl Entry {
    /// The SendMessageBatch entry id (`[A-Za-z0-9_-]{1,80}`).
    pub fn entry_id(&self) -> String {
        format!("e{}", self.index)
    }

    /// Bytes SQS counts against the size limits (body; no message attributes are sent).
    pub fn size(&self) -> usize {
        self.message.body.len()
    }
}

/// A message too large for SQS (a single event above 1 MiB).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {index} is {size} bytes, above the SQS limit of {MAX_BATCH_BYTES} bytes")]
pub struct OversizedMessage {
    /// Index of the event.
    pub index: usize,
    /// Its body size.
    pub size: usize,
}

/// Packs messages in order into batches of at most 10 entries and 1 MiB.
pub fn plan_batches(messages: Vec<SqsMessage>) -> Result<Vec<Vec<Entry>>, OversizedMessage> {
    let mut batches: Vec<Vec<Entry>> = Vec::with_capacity(messages.len().div_ceil(MAX_BATCH_ENTRIES));
    let mut current: Vec<Entry> = Vec::with_capacity(MAX_BATCH_ENTRIES);
    let mut current_bytes = 0;
    for (index, message) in messages.into_iter().enumerate() {
        let entry = Entry { index, message };
        let size = entry.size();
        if size > MAX_BATCH_BYTES {
            return Err(OversizedMessage { index, size });
        }
        if current.len() == MAX_BATCH_ENTRIES || current_bytes + size > MAX_BATCH_BYTES {
            batches.push(std::mem::replace(&mut current, Vec::with_capacity(MAX_BATCH_ENTRIES)));
            current_bytes = 0;
        }
        current_bytes += size;
        current.push(entry);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    Ok(batches)
}

/// For each batch, the earlier batches it must wait for: the latest earlier batch of each message group it
/// contains. Batches without such predecessors may be in flight concurrently without reordering any group.
pub fn predecessors(batches: &[Vec<Entry>]) -> Vec<Vec<usize>> {
    let mut last_batch_of_group: BTreeMap<&str, usize> = BTreeMap::new();
    batches
        .iter()
        .enumerate()
        .map(|(i, batch)| {
            let mut preds: Vec<usize> = batch
                .iter()
                .filter_map(|e| last_batch_of_group.get(e.message.group_id.as_str()).copied())
                .filter(|&p| p != i)
                .collect();
            preds.sort_unstable();
            preds.dedup();
            for e in batch {
                last_batch_of_group.insert(e.message.group_id.as_str(), i);
            }
            preds
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(group: &str, size: usize) -> SqsMessage {
        SqsMessage {
            group_id: group.into(),
            deduplication_id: "d".into(),
            body: "x".repeat(size),
        }
    }

    #[test]
    fn hundred_small_messages_make_ten_batches_in_order() {
        let batches = plan_batches((0..100).map(|i| msg(&format!("g{i}"), 10)).collect()).unwrap();
        assert_eq!(batches.len(), 10);
        let order: Vec<usize> = batches.iter().flatten().map(|e| e.index).collect();
        assert_eq!(order, (0..100).collect::<Vec<_>>());
        assert!(batches.iter().all(|b| b.len() == 10));
    }

    #[test]
    fn byte_limit_splits_batches_and_oversized_messages_are_rejected() {
        let batches = plan_batches(vec![msg("a", 600_000), msg("b", 600_000), msg("c", 448_576)]).unwrap();
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2]);
        assert!(
            batches
                .iter()
                .all(|b| b.iter().map(Entry::size).sum::<usize>() <= MAX_BATCH_BYTES)
        );
        assert_eq!(
            plan_batches(vec![msg("a", 1), msg("b", MAX_BATCH_BYTES + 1)]),
            Err(OversizedMessage {
                index: 1,
                size: MAX_BATCH_BYTES + 1
            })
        );
        assert_eq!(plan_batches(vec![]).unwrap().len(), 0);
    }

    #[test]
    fn predecessors_link_batches_sharing_a_group() {
        let mut messages: Vec<SqsMessage> = (0..30).map(|i| msg(&format!("g{i}"), 1)).collect();
        messages[25] = msg("g3", 1); // batch 2 shares g3 with batch 0
        messages[15] = msg("g3", 1); // and batch 1 too: batch 2 waits for batch 1 only (the latest)
        let batches = plan_batches(messages).unwrap();
        assert_eq!(predecessors(&batches), vec![vec![], vec![0], vec![1]]);
        let independent = plan_batches((0..30).map(|i| msg(&format!("g{i}"), 1)).collect()).unwrap();
        assert_eq!(predecessors(&independent), vec![Vec::<usize>::new(); 3]);
    }
}
