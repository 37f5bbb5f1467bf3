//! `dlq list` / `dlq show`: decoded, redacted views of DLQ messages (read through [`crate::peek`], never consumed).
//!
//! A view carries routing and identity fields only: event type and handled kind, object type and id, portal,
//! occurred-at, receive count, group id. Personal data never appears: `propertyValue` and `sourceId` (a HubSpot user
//! id) are replaced by [`REDACTED`], and the raw body is never printed (an undecodable body shows the decode error,
//! which carries no content, and its length).

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;
use sync_events::SyncEvent;

use crate::error::OpsError;
use crate::peek::{PeekOptions, Peeked, peek};
use crate::target::{Selection, Sqs};

/// Placeholder for redacted values.
pub const REDACTED: &str = "<redacted>";

/// The decoded, redacted event of a DLQ message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// `schemaVersion`.
    pub schema_version: u32,
    /// `hubspot`, `aws`, ...
    pub source: String,
    /// Raw subscription type.
    pub event_type: String,
    /// Handled kind (`deal_property_change`, ..., `unsupported`).
    pub kind: String,
    /// Object type.
    pub object_type: String,
    /// Object id.
    pub object_id: String,
    /// HubSpot portal.
    pub portal_id: u64,
    /// Epoch ms.
    pub occurred_at_ms: i64,
    /// RFC 3339.
    pub occurred_at: String,
    /// HubSpot eventId.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u64>,
    /// Changed property name (a schema name, not a value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
    /// [`REDACTED`] when the event carried a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_value: Option<&'static str>,
    /// `CRM_UI`, `API`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_source: Option<String>,
    /// [`REDACTED`] when present (identifies a HubSpot user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<&'static str>,
    /// `associationType from -> to` (object ids only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<String>,
    /// Receipt correlation id (API Gateway request id, or `sync-ops-replay/...`).
    pub correlation_id: String,
}

/// One DLQ message, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqMessage {
    /// SQS MessageId.
    pub message_id: String,
    /// MessageGroupId.
    pub group_id: Option<String>,
    /// MessageDeduplicationId.
    pub deduplication_id: Option<String>,
    /// SequenceNumber.
    pub sequence_number: Option<String>,
    /// ApproximateReceiveCount (including this look).
    pub receive_count: Option<u32>,
    /// SentTimestamp (RFC 3339): when it entered the DLQ.
    pub sent_at: Option<String>,
    /// Seconds since `sent_at`.
    pub age_seconds: Option<i64>,
    /// Decoded event, when the body is a readable SyncEvent.
    pub event: Option<EventView>,
    /// Why the body could not be decoded (no content).
    pub decode_error: Option<String>,
    /// Body length in bytes.
    pub body_bytes: usize,
}

fn rfc3339(ms: i64) -> Option<String> {
    DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The redacted view of an event.
pub fn event_view(e: &SyncEvent) -> EventView {
    EventView {
        schema_version: e.schema_version,
        source: enum_name(&e.source),
        event_type: e.event_type.clone(),
        kind: enum_name(&e.kind()),
        object_type: e.object_type.as_str().to_owned(),
        object_id: e.object_id.clone(),
        portal_id: e.portal_id,
        occurred_at_ms: e.occurred_at,
        occurred_at: rfc3339(e.occurred_at).unwrap_or_else(|| e.occurred_at.to_string()),
        event_id: e.event_id,
        property_name: e.property_name.clone(),
        property_value: e.property_value.as_ref().map(|_| REDACTED),
        change_source: e.change_source.clone(),
        source_id: e.source_id.as_ref().map(|_| REDACTED),
        association: e.association.as_ref().map(|a| {
            format!(
                "{} {} -> {}{}",
                a.association_type.as_deref().unwrap_or("?"),
                a.from_object_id.as_deref().unwrap_or("?"),
                a.to_object_id.as_deref().unwrap_or("?"),
                if a.association_removed == Some(true) {
                    " (removed)"
                } else {
                    ""
                }
            )
        }),
        correlation_id: e.correlation_id.clone(),
    }
}

/// The view of a received message at `now_ms`.
pub fn message_view(p: &Peeked, now_ms: i64) -> DlqMessage {
    let (event, decode_error) = match SyncEvent::from_sqs_body(&p.body) {
        Ok(e) => (Some(event_view(&e)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    DlqMessage {
        message_id: p.message_id.clone(),
        group_id: p.group_id.clone(),
        deduplication_id: p.deduplication_id.clone(),
        sequence_number: p.sequence_number.clone(),
        receive_count: p.receive_count,
        sent_at: p.sent_timestamp_ms.and_then(rfc3339),
        age_seconds: p.sent_timestamp_ms.map(|s| (now_ms - s).max(0) / 1000),
        event,
        decode_error,
        body_bytes: p.body.len(),
    }
}

/// `dlq list`: up to `max` messages, not consumed. Returns the views and release warnings.
pub async fn list(
    sqs: &Sqs,
    sel: &Selection,
    opts: &PeekOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<(Vec<DlqMessage>, Vec<String>), OpsError> {
    let url = sqs.dlq_url(sel).await?;
    let result = peek(sqs, &url, opts, progress).await?;
    let now = chrono::Utc::now().timestamp_millis();
    Ok((
        result.messages.iter().map(|p| message_view(p, now)).collect(),
        result.release_failures,
    ))
}

/// `dlq show <id>`: scans up to `opts.max` messages for `message_id`.
pub async fn show(
    sqs: &Sqs,
    sel: &Selection,
    message_id: &str,
    opts: &PeekOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<(DlqMessage, Vec<String>), OpsError> {
    let url = sqs.dlq_url(sel).await?;
    let opts = PeekOptions {
        stop_at: Some(message_id.to_owned()),
        ..opts.clone()
    };
    let result = peek(sqs, &url, &opts, progress).await?;
    let now = chrono::Utc::now().timestamp_millis();
    match result.messages.iter().find(|p| p.message_id == message_id) {
        Some(p) => Ok((message_view(p, now), result.release_failures)),
        None => Err(OpsError::MessageNotFound {
            message_id: message_id.to_owned(),
            queue: url,
            scanned: result.messages.len(),
        }),
    }
}

fn dash(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}

/// The human table of `dlq list`.
pub fn render_list(messages: &[DlqMessage]) -> String {
    let mut rows = vec![
        [
            "MESSAGE ID",
            "SENT",
            "RECV",
            "EVENT",
            "OBJECT",
            "PORTAL",
            "OCCURRED",
            "GROUP",
        ]
        .map(str::to_owned),
    ];
    for m in messages {
        let (event, object, portal, occurred) = match &m.event {
            Some(e) => (
                e.event_type.clone(),
                format!("{}:{}", e.object_type, e.object_id),
                e.portal_id.to_string(),
                e.occurred_at.clone(),
            ),
            None => (
                "(undecodable)".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
            ),
        };
        rows.push([
            m.message_id.clone(),
            dash(m.sent_at.as_deref()).to_owned(),
            m.receive_count.map_or("-".to_owned(), |c| c.to_string()),
            event,
            object,
            portal,
            occurred,
            dash(m.group_id.as_deref()).to_owned(),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("{} message(s)\n", messages.len()));
    out
}

/// The human view of `dlq show`.
pub fn render_show(m: &DlqMessage) -> String {
    let mut lines: Vec<(&str, String)> = vec![
        ("message id", m.message_id.clone()),
        ("group id", dash(m.group_id.as_deref()).to_owned()),
        ("dedup id", dash(m.deduplication_id.as_deref()).to_owned()),
        ("sequence number", dash(m.sequence_number.as_deref()).to_owned()),
        (
            "receive count",
            m.receive_count.map_or("-".to_owned(), |c| c.to_string()),
        ),
        ("sent at", dash(m.sent_at.as_deref()).to_owned()),
        ("age", m.age_seconds.map_or("-".to_owned(), |a| format!("{a} s"))),
        ("body bytes", m.body_bytes.to_string()),
    ];
    if let Some(err) = &m.decode_error {
        lines.push(("decode error", err.clone()));
    }
    if let Some(e) = &m.event {
        lines.extend([
            ("schema version", e.schema_version.to_string()),
            ("source", e.source.clone()),
            ("event type", e.event_type.clone()),
            ("kind", e.kind.clone()),
            ("object", format!("{}:{}", e.object_type, e.object_id)),
            ("portal", e.portal_id.to_string()),
            ("occurred at", format!("{} ({} ms)", e.occurred_at, e.occurred_at_ms)),
            ("event id", e.event_id.map_or("-".to_owned(), |v| v.to_string())),
            ("property name", dash(e.property_name.as_deref()).to_owned()),
            ("property value", dash(e.property_value).to_owned()),
            ("change source", dash(e.change_source.as_deref()).to_owned()),
            ("source id", dash(e.source_id).to_owned()),
            ("association", dash(e.association.as_deref()).to_owned()),
            ("correlation id", e.correlation_id.clone()),
        ]);
    }
    let w = lines.iter().map(|l| l.0.len()).max().unwrap_or(0);
    lines.iter().map(|(k, v)| format!("{k:<w$}  {v}\n")).collect()
}
