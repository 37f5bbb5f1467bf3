//! The SQS operations of the fixed-latency endpoint: `SendMessageBatch`, `SendMessage` and `GetQueueUrl`, validated
//! the way SQS validates them:
//! - batches: 1..=10 entries (`EmptyBatchRequest`, `TooManyEntriesInBatchRequest`), distinct ids
//!   (`BatchEntryIdsNotDistinct`) of 1..=80 alphanumerics, `-` and `_` (`InvalidBatchEntryId`), at most 1 MiB of
//!   bodies and attributes in total (`BatchRequestTooLong`);
//! - FIFO queues: `MessageGroupId` and `MessageDeduplicationId` required (content-based deduplication is off),
//!   1..=128 printable ASCII characters, no per-message `DelaySeconds`; standard queues refuse a deduplication id;
//! - bodies: non-empty, at most 1 MiB, only the characters SQS allows (`InvalidMessageContents` per entry);
//! - unknown queue URLs: `QueueDoesNotExist` (query code `AWS.SimpleQueueService.NonExistentQueue`).
//!
//! Successful entries carry a message id, the real MD5 of the body (and of the attributes, when present) and, on
//! FIFO queues, an increasing 20-digit sequence number. A FIFO deduplication id seen before is answered with the
//! original message's id and not stored again, as SQS does within its 5-minute window.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::{AwsError, EndpointState, lock};

/// Largest batch (and message) size SQS accepts.
pub const MAX_BYTES: usize = 1_048_576;
/// Most entries in a batch.
pub const MAX_ENTRIES: usize = 10;

/// A message accepted by a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Message id returned to the sender.
    pub message_id: String,
    /// Body.
    pub body: String,
    /// FIFO group id.
    pub group_id: Option<String>,
    /// FIFO deduplication id.
    pub dedup_id: Option<String>,
    /// FIFO sequence number.
    pub sequence_number: Option<String>,
}

#[derive(Debug, Default)]
struct Queue {
    messages: Vec<StoredMessage>,
    dedup: BTreeMap<String, (String, String)>,
    next_sequence: u128,
}

/// All queues of the endpoint.
#[derive(Debug, Default)]
pub(crate) struct Queues {
    queues: BTreeMap<String, Queue>,
    next_message: u64,
}

impl Queues {
    pub(crate) fn new(names: &[String]) -> Self {
        let queues = names
            .iter()
            .map(|n| {
                let q = Queue {
                    next_sequence: 18_849_496_460_467_696_128,
                    ..Queue::default()
                };
                (n.clone(), q)
            })
            .collect();
        Self {
            queues,
            next_message: 0,
        }
    }

    pub(crate) fn messages(&self, name: &str) -> Vec<StoredMessage> {
        self.queues.get(name).map(|q| q.messages.clone()).unwrap_or_default()
    }
}

/// Lowercase hex MD5, as SQS reports it.
pub fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// MD5 of message attributes in SQS's encoding: attributes sorted by name, each as length-prefixed (4-byte
/// big-endian) name and data type, a transport byte (1 = string, 2 = binary) and the length-prefixed value.
pub fn attributes_md5(attrs: &serde_json::Map<String, Value>) -> String {
    let mut buf = Vec::new();
    let sorted: BTreeMap<&String, &Value> = attrs.iter().collect();
    let put = |buf: &mut Vec<u8>, bytes: &[u8]| {
        buf.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
        buf.extend_from_slice(bytes);
    };
    for (name, attr) in sorted {
        let data_type = attr["DataType"].as_str().unwrap_or("");
        put(&mut buf, name.as_bytes());
        put(&mut buf, data_type.as_bytes());
        if let Some(s) = attr["StringValue"].as_str() {
            buf.push(1);
            put(&mut buf, s.as_bytes());
        } else if let Some(b) = attr["BinaryValue"].as_str() {
            use base64::Engine as _;
            buf.push(2);
            let bytes = base64::engine::general_purpose::STANDARD.decode(b).unwrap_or_default();
            put(&mut buf, &bytes);
        }
    }
    md5_hex(&buf)
}

fn message_id(n: u64) -> String {
    let h = md5_hex(format!("bench-harness-message-{n}").as_bytes());
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

pub(crate) fn dispatch(state: &EndpointState, operation: &str, req: &Value) -> Result<Value, AwsError> {
    match operation {
        "SendMessageBatch" => send_batch(state, req),
        "SendMessage" => send_one(state, req),
        "GetQueueUrl" => get_queue_url(state, req),
        _ => Err(AwsError::client(
            "UnsupportedOperation",
            format!("operation {operation} is not served here"),
        )
        .query("AWS.SimpleQueueService.UnsupportedOperation")),
    }
}

fn missing(name: &str) -> AwsError {
    AwsError::client(
        "MissingParameter",
        format!("The request must contain the parameter {name}."),
    )
    .query("MissingParameter")
}

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterValue", message).query("InvalidParameterValue")
}

/// The queue name a URL addresses, if it is one of ours.
fn queue_name(state: &EndpointState, req: &Value) -> Result<String, AwsError> {
    let url = req["QueueUrl"].as_str().ok_or_else(|| missing("QueueUrl"))?;
    let mut parts = url.trim_end_matches('/').rsplit('/');
    let (name, account) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let known = lock(&state.sqs).queues.contains_key(name);
    if account == state.config.account_id && known {
        Ok(name.to_owned())
    } else {
        Err(
            AwsError::client("QueueDoesNotExist", "The specified queue does not exist.")
                .query("AWS.SimpleQueueService.NonExistentQueue"),
        )
    }
}

fn get_queue_url(state: &EndpointState, req: &Value) -> Result<Value, AwsError> {
    let name = req["QueueName"].as_str().ok_or_else(|| missing("QueueName"))?;
    if lock(&state.sqs).queues.contains_key(name) {
        Ok(json!({"QueueUrl": format!("{}/{}/{name}", state.base_url, state.config.account_id)}))
    } else {
        Err(
            AwsError::client("QueueDoesNotExist", "The specified queue does not exist.")
                .query("AWS.SimpleQueueService.NonExistentQueue"),
        )
    }
}

/// A validated message ready to store.
struct Message {
    body: String,
    group_id: Option<String>,
    dedup_id: Option<String>,
    attributes_md5: Option<String>,
}

fn valid_fifo_id(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic())
}

fn valid_body_chars(body: &str) -> bool {
    body.chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

/// Bytes SQS counts against the size limit: body plus attribute names, types and values.
fn size_of(entry: &Value) -> usize {
    let body = entry["MessageBody"].as_str().map_or(0, str::len);
    let attrs = entry["MessageAttributes"].as_object().map_or(0, |m| {
        m.iter()
            .map(|(k, v)| {
                let s = |f: &str| v[f].as_str().map_or(0, str::len);
                k.len() + s("DataType") + s("StringValue") + s("BinaryValue")
            })
            .sum()
    });
    body + attrs
}

/// Request-level checks of one message (errors fail the whole request, as in SQS).
fn check_message(fifo: bool, entry: &Value) -> Result<Message, AwsError> {
    let body = entry["MessageBody"]
        .as_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| missing("MessageBody"))?;
    if body.len() > MAX_BYTES {
        return Err(invalid(format!(
            "One or more parameters are invalid. Reason: Message must be shorter than {MAX_BYTES} bytes."
        )));
    }
    let group_id = entry["MessageGroupId"].as_str().map(str::to_owned);
    let dedup_id = entry["MessageDeduplicationId"].as_str().map(str::to_owned);
    if fifo {
        let g = group_id.as_deref().ok_or_else(|| missing("MessageGroupId"))?;
        if !valid_fifo_id(g) {
            return Err(invalid("Value for parameter MessageGroupId is invalid."));
        }
        let d = dedup_id.as_deref().ok_or_else(|| {
            invalid("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
        })?;
        if !valid_fifo_id(d) {
            return Err(invalid("Value for parameter MessageDeduplicationId is invalid."));
        }
        if !entry["DelaySeconds"].is_null() {
            return Err(invalid(
                "Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
            ));
        }
    } else if dedup_id.is_some() {
        return Err(invalid(
            "The request include parameter MessageDeduplicationId that is not valid for this queue type",
        ));
    }
    let attributes_md5 = entry["MessageAttributes"]
        .as_object()
        .filter(|m| !m.is_empty())
        .map(attributes_md5);
    Ok(Message {
        body: body.to_owned(),
        group_id,
        dedup_id,
        attributes_md5,
    })
}

/// Stores (or deduplicates) a message and builds its success entry.
fn store(queues: &mut Queues, name: &str, fifo: bool, m: Message) -> Value {
    queues.next_message += 1;
    let fresh_id = message_id(queues.next_message);
    let Some(q) = queues.queues.get_mut(name) else {
        return Value::Null;
    };
    let md5 = md5_hex(m.body.as_bytes());
    let mut out = json!({"MD5OfMessageBody": md5});
    if let Some(a) = &m.attributes_md5 {
        out["MD5OfMessageAttributes"] = json!(a);
    }
    if !fifo {
        out["MessageId"] = json!(fresh_id);
        q.messages.push(StoredMessage {
            message_id: fresh_id,
            body: m.body,
            group_id: m.group_id,
            dedup_id: None,
            sequence_number: None,
        });
        return out;
    }
    let dedup = m.dedup_id.clone().unwrap_or_default();
    let (id, seq) = match q.dedup.get(&dedup) {
        Some(prev) => prev.clone(),
        None => {
            let seq = format!("{:020}", q.next_sequence);
            q.next_sequence += 1;
            q.dedup.insert(dedup, (fresh_id.clone(), seq.clone()));
            q.messages.push(StoredMessage {
                message_id: fresh_id.clone(),
                body: m.body,
                group_id: m.group_id,
                dedup_id: m.dedup_id,
                sequence_number: Some(seq.clone()),
            });
            (fresh_id, seq)
        }
    };
    out["MessageId"] = json!(id);
    out["SequenceNumber"] = json!(seq);
    out
}

fn send_one(state: &EndpointState, req: &Value) -> Result<Value, AwsError> {
    let name = queue_name(state, req)?;
    let fifo = name.ends_with(".fifo");
    let m = check_message(fifo, req)?;
    if !valid_body_chars(&m.body) {
        return Err(
            AwsError::client("InvalidMessageContents", "Invalid characters found.").query("InvalidMessageContents")
        );
    }
    Ok(store(&mut lock(&state.sqs), &name, fifo, m))
}

fn send_batch(state: &EndpointState, req: &Value) -> Result<Value, AwsError> {
    let name = queue_name(state, req)?;
    let fifo = name.ends_with(".fifo");
    let entries = req["Entries"].as_array().ok_or_else(|| missing("Entries"))?;
    if entries.is_empty() {
        return Err(AwsError::client(
            "EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
        )
        .query("AWS.SimpleQueueService.EmptyBatchRequest"));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(AwsError::client(
            "TooManyEntriesInBatchRequest",
            format!(
                "Maximum number of entries per request are {MAX_ENTRIES}. You have sent {}.",
                entries.len()
            ),
        )
        .query("AWS.SimpleQueueService.TooManyEntriesInBatchRequest"));
    }
    let mut ids = BTreeSet::new();
    for e in entries {
        let id = e["Id"].as_str().ok_or_else(|| missing("Id"))?;
        let valid =
            (1..=80).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(AwsError::client("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
                .query("AWS.SimpleQueueService.InvalidBatchEntryId"));
        }
        if !ids.insert(id) {
            return Err(
                AwsError::client("BatchEntryIdsNotDistinct", format!("Id {id} repeated."))
                    .query("AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
            );
        }
    }
    let total: usize = entries.iter().map(size_of).sum();
    if total > MAX_BYTES {
        return Err(AwsError::client(
            "BatchRequestTooLong",
            format!("Batch requests cannot be longer than {MAX_BYTES} bytes. You have sent {total} bytes."),
        )
        .query("AWS.SimpleQueueService.BatchRequestTooLong"));
    }
    let checked = entries
        .iter()
        .map(|e| check_message(fifo, e).map(|m| (e["Id"].as_str().unwrap_or_default().to_owned(), m)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut queues = lock(&state.sqs);
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for (id, m) in checked {
        if valid_body_chars(&m.body) {
            let mut ok = store(&mut queues, &name, fifo, m);
            ok["Id"] = json!(id);
            successful.push(ok);
        } else {
            failed.push(json!({"Id": id, "Code": "InvalidMessageContents", "SenderFault": true, "Message": "Invalid characters found."}));
        }
    }
    Ok(json!({"Successful": successful, "Failed": failed}))
}
