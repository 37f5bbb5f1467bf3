//! Mapping of a [`SyncEvent`] to an SQS FIFO message: group id, deduplication id and versioned JSON body.
//!
//! - `MessageGroupId` = `source:portal:objectType:objectId` (deal 123 and company 123 never share a group), with a
//!   hashed fallback when it would exceed 128 characters or contain characters SQS does not allow.
//! - `MessageDeduplicationId` = lowercase hex SHA-256 (64 chars) of a length-prefixed encoding of the event's
//!   identity: every field HubSpot repeats on redelivery, never the correlation id, a random value or attemptNumber.
//! - Body = the camelCase JSON of the event with `schemaVersion`; [`SyncEvent::from_sqs_body`] rejects other versions.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::event::{ObjectType, SCHEMA_VERSION, SyncEvent};
use crate::view::EventView;

/// SQS limit for MessageGroupId and MessageDeduplicationId.
pub const MAX_SQS_ID_LEN: usize = 128;

/// An SQS FIFO message ready for SendMessage(Batch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsMessage {
    /// MessageGroupId (<= 128 chars, printable ASCII).
    pub group_id: String,
    /// MessageDeduplicationId (64 hex chars).
    pub deduplication_id: String,
    /// MessageBody (versioned JSON).
    pub body: String,
}

/// Why a message body could not be read or written. Display never includes body content.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    /// Not valid JSON or not the SyncEvent shape.
    #[error("message body is not a SyncEvent ({category} at line {line}, column {column})")]
    Json {
        /// serde_json error category.
        category: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The body was written with a schema version this build does not read.
    #[error("message body has schemaVersion {found}, this build reads {supported}")]
    UnsupportedVersion {
        /// Version in the body.
        found: u32,
        /// [`SCHEMA_VERSION`].
        supported: u32,
    },
}

impl From<serde_json::Error> for BodyError {
    fn from(e: serde_json::Error) -> Self {
        let category = match e.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        };
        Self::Json {
            category,
            line: e.line(),
            column: e.column(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionProbe {
    schema_version: u32,
}

/// Collects length-prefixed, tagged fields into one buffer (hashed once with SHA-256), so that no two field
/// sequences encode the same bytes. The buffer is borrowed so a batch of events can reuse one allocation.
struct IdentityHasher<'b>(&'b mut Vec<u8>);

impl<'b> IdentityHasher<'b> {
    fn new(buf: &'b mut Vec<u8>) -> Self {
        buf.clear();
        Self(buf)
    }
    fn update(&mut self, b: impl AsRef<[u8]>) {
        self.0.extend_from_slice(b.as_ref());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.update((b.len() as u64).to_le_bytes());
        self.update(b);
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.update([1]);
                self.bytes(s.as_bytes());
            }
            None => self.update([0]),
        }
    }
    fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            Some(v) => {
                self.update([1]);
                self.update(v.to_le_bytes());
            }
            None => self.update([0]),
        }
    }
    fn finish_hex(&self) -> String {
        lower_hex(&Sha256::digest(&self.0[..]))
    }
}

/// Lowercase hex without per-char iterator overhead (hot path: one call per enqueued event).
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    String::from_utf8(out).unwrap_or_default()
}

fn is_valid_sqs_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SQS_ID_LEN && s.bytes().all(|b| b.is_ascii_graphic())
}

impl EventView<'_> {
    /// MessageGroupId: one group per (source, portal, object type, object id); always valid for SQS.
    pub(crate) fn message_group_id(&self, scratch: &mut Vec<u8>) -> String {
        let source = crate::body::source_name(self.source);
        let (type_name, type_id) = match (self.object_type, self.object_type_id) {
            (ObjectType::Unknown, Some(type_id)) => ("unknown-", type_id),
            (t, _) => (t.as_str(), ""),
        };
        // Built with pushes into one presized buffer (no `format!`): `source:portal:objectType:objectId`.
        let mut id = String::with_capacity(source.len() + 24 + type_name.len() + type_id.len() + self.object_id.len());
        id.push_str(source);
        id.push(':');
        crate::body::push_u64(&mut id, self.portal_id);
        id.push(':');
        let prefix_len = id.len();
        id.push_str(type_name);
        id.push_str(type_id);
        let type_end = id.len();
        id.push(':');
        id.push_str(self.object_id);
        if is_valid_sqs_id(&id) {
            return id;
        }
        let mut h = IdentityHasher::new(scratch);
        h.bytes(id.get(prefix_len..type_end).unwrap_or_default().as_bytes());
        h.bytes(self.object_id.as_bytes());
        let hex = h.finish_hex();
        id.truncate(prefix_len);
        id.push_str("h:");
        id.push_str(&hex);
        id
    }

    /// MessageDeduplicationId: stable across HubSpot redeliveries of the same event (64 lowercase hex chars).
    pub(crate) fn deduplication_id(&self, scratch: &mut Vec<u8>) -> String {
        let mut h = IdentityHasher::new(scratch);
        h.bytes(b"sync-event-identity-v1");
        h.bytes(crate::body::source_name(self.source).as_bytes());
        h.opt_u64(Some(self.portal_id));
        h.bytes(self.event_type.as_bytes());
        h.opt_str(self.object_type_id);
        h.bytes(self.object_id.as_bytes());
        h.update(self.occurred_at.to_le_bytes());
        h.opt_u64(self.event_id);
        h.opt_u64(self.subscription_id);
        h.opt_u64(self.app_id);
        h.opt_str(self.property_name);
        h.opt_str(self.property_value);
        h.opt_str(self.change_flag);
        match &self.association {
            Some(a) => {
                h.update([1]);
                h.opt_str(a.association_type);
                h.opt_str(a.from_object_id);
                h.opt_str(a.to_object_id);
                h.opt_u64(a.association_removed.map(u64::from));
                h.opt_u64(a.is_primary_association.map(u64::from));
            }
            None => h.update([0]),
        }
        match &self.merge {
            Some(m) => {
                h.update([1]);
                h.opt_str(m.primary_object_id);
                h.opt_u64(Some(m.merged_object_ids.len() as u64));
                m.merged_object_ids.for_each(|id| h.bytes(id.as_bytes()));
                h.opt_str(m.new_object_id);
            }
            None => h.update([0]),
        }
        h.finish_hex()
    }

    /// Group id, dedup id and body together (`scratch` is reused across calls).
    pub(crate) fn to_sqs_message(&self, scratch: &mut Vec<u8>) -> SqsMessage {
        SqsMessage {
            group_id: self.message_group_id(scratch),
            deduplication_id: self.deduplication_id(scratch),
            body: crate::body::write_body(self),
        }
    }
}

impl SyncEvent {
    /// MessageGroupId: one group per (source, portal, object type, object id); always valid for SQS.
    pub fn message_group_id(&self) -> String {
        self.view().message_group_id(&mut Vec::new())
    }

    /// MessageDeduplicationId: stable across HubSpot redeliveries of the same event (64 lowercase hex chars).
    pub fn deduplication_id(&self) -> String {
        self.view().deduplication_id(&mut Vec::with_capacity(320))
    }

    /// The versioned JSON message body.
    /// Written by a dedicated writer that produces exactly `serde_json::to_string(self)` (see `body.rs`); it cannot
    /// fail, the `Result` is kept for API stability.
    pub fn to_sqs_body(&self) -> Result<String, BodyError> {
        Ok(crate::body::write_body(&self.view()))
    }

    /// Group id, dedup id and body together.
    pub fn to_sqs_message(&self) -> Result<SqsMessage, BodyError> {
        Ok(self.view().to_sqs_message(&mut Vec::with_capacity(320)))
    }

    /// Reads a message body written by [`SyncEvent::to_sqs_body`]; rejects other schema versions.
    pub fn from_sqs_body(body: &str) -> Result<SyncEvent, BodyError> {
        let probe: VersionProbe = serde_json::from_str(body)?;
        if probe.schema_version != SCHEMA_VERSION {
            return Err(BodyError::UnsupportedVersion {
                found: probe.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(serde_json::from_str(body)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original `format!`-based group id, kept as the reference for the buffer-based one.
    fn reference_group_id(e: &SyncEvent) -> String {
        let source = crate::body::source_name(e.source);
        let object_type = match (e.object_type, e.object_type_id.as_deref()) {
            (ObjectType::Unknown, Some(type_id)) => format!("unknown-{type_id}"),
            (t, _) => t.as_str().to_owned(),
        };
        let id = format!("{source}:{}:{object_type}:{}", e.portal_id, e.object_id);
        if is_valid_sqs_id(&id) {
            return id;
        }
        let mut buf = Vec::new();
        let mut h = IdentityHasher::new(&mut buf);
        h.bytes(object_type.as_bytes());
        h.bytes(e.object_id.as_bytes());
        format!("{source}:{}:h:{}", e.portal_id, h.finish_hex())
    }

    #[test]
    fn group_ids_match_the_reference_including_the_hashed_fallback() {
        let body = r#"[{"subscriptionType":"deal.creation","objectId":1,"portalId":7,"occurredAt":1},
            {"subscriptionType":"object.creation","objectTypeId":"2-99","objectId":18446744073709551615,"portalId":0,"occurredAt":1},
            {"subscriptionType":"object.creation","objectTypeId":"2 with space","objectId":5,"portalId":7,"occurredAt":1},
            {"subscriptionType":"object.creation","objectTypeId":"0-46","objectId":5,"portalId":7,"occurredAt":1}]"#;
        let mut events = crate::parse_webhook(body.as_bytes(), "c").unwrap();
        let mut long = events[1].clone();
        long.object_type_id = Some("x".repeat(200));
        events.push(long);
        let mut hashed = 0;
        for e in &events {
            assert_eq!(e.message_group_id(), reference_group_id(e));
            hashed += usize::from(e.message_group_id().contains(":h:"));
        }
        assert_eq!(hashed, 2);
    }
}
