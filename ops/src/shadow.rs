//! `sync-ops shadow list|show|replay`: the shadow records the processor stores in shadow mode (S3 bucket
//! `SHADOW_RECORDS_BUCKET`, keys `shadow/{portal_id}/{deal_id}/{unix_millis}-{first message id}.json`, type
//! `event_processor::shadow::record::ShadowRecord`).
//!
//! - list: ListObjectsV2 under `shadow/`, `shadow/{portal}/` or `shadow/{portal}/{deal}/`, filtered by the time in
//!   the key (`--from`/`--to`), newest last. Keys only: no record is read.
//! - show: one record, rendered without personal data: ids, event kinds, read counts, outcome, and per planned write
//!   its API, operation, target and the *paths* of the request members (values are never printed).
//! - replay: re-enqueue the record's events to the source queue (their own message group, so ordering per object
//!   holds), with deduplication ids derived from the original ones and a replay nonce, so a replay inside SQS's
//!   5-minute window is not dropped as a duplicate and a retried replay with the same nonce is.

use aws_sdk_s3::Client;
use event_processor::shadow::record::{KEY_PREFIX, ShadowRecord, deal_prefix};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{OpsError, classify};
use crate::target::Sqs;

/// The bucket and its client.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// S3 client (path-style addressing, so emulators work).
    pub client: Client,
    /// Bucket name.
    pub name: String,
}

impl Bucket {
    /// A client from the SDK config chain (region/endpoint overrides), path-style addressing.
    pub async fn connect(name: &str, region: Option<String>, endpoint_url: Option<String>) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(aws_config::Region::new(region));
        }
        if let Some(url) = endpoint_url {
            loader = loader.endpoint_url(url);
        }
        Self::from_config(&loader.load().await, name)
    }

    /// A client for an existing SDK config.
    pub fn from_config(config: &aws_config::SdkConfig, name: &str) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(config).force_path_style(true).build();
        Self {
            client: Client::from_conf(s3),
            name: name.to_owned(),
        }
    }
}

fn s3_err(operation: &str, e: impl std::error::Error + 'static) -> OpsError {
    OpsError::Remote {
        service: "S3",
        operation: operation.to_owned(),
        message: crate::error::error_chain(&e),
    }
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Portal id.
    pub portal_id: Option<u64>,
    /// Deal id (needs the portal).
    pub deal_id: Option<String>,
    /// Records at or after this time (unix ms).
    pub from_ms: Option<u64>,
    /// Records before this time (unix ms).
    pub to_ms: Option<u64>,
    /// At most this many (the oldest first).
    pub max: Option<usize>,
}

/// One listed record (from its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    /// S3 key.
    pub key: String,
    /// Portal id.
    pub portal_id: u64,
    /// Deal id.
    pub deal_id: String,
    /// Recorded at (unix ms).
    pub recorded_at: u64,
    /// First SQS message id.
    pub first_message_id: String,
    /// Object size in bytes.
    pub size: i64,
}

/// Parses `shadow/{portal}/{deal}/{millis}-{message id}.json`.
pub fn parse_key(key: &str) -> Option<(u64, String, u64, String)> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let mut parts = rest.splitn(3, '/');
    let portal = parts.next()?.parse().ok()?;
    let deal = parts.next()?.to_owned();
    let file = parts.next()?.strip_suffix(".json")?;
    let (millis, message) = file.split_once('-')?;
    Some((portal, deal, millis.parse().ok()?, message.to_owned()))
}

/// Lists records matching `q`, ordered by time then key.
pub async fn list(bucket: &Bucket, q: &Query) -> Result<Vec<Listed>, OpsError> {
    let prefix = match (q.portal_id, &q.deal_id) {
        (Some(p), Some(d)) => deal_prefix(p, d),
        (Some(p), None) => format!("{KEY_PREFIX}{p}/"),
        (None, Some(_)) => {
            return Err(OpsError::InvalidArgument {
                argument: "--deal",
                reason: "give --portal with --deal".into(),
            });
        }
        (None, None) => KEY_PREFIX.to_owned(),
    };
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = bucket
            .client
            .list_objects_v2()
            .bucket(&bucket.name)
            .prefix(&prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| s3_err(&format!("ListObjectsV2 {}/{prefix}", bucket.name), e))?;
        for o in page.contents() {
            let Some(key) = o.key() else { continue };
            let Some((portal_id, deal_id, recorded_at, first_message_id)) = parse_key(key) else {
                continue;
            };
            if q.from_ms.is_some_and(|f| recorded_at < f) || q.to_ms.is_some_and(|t| recorded_at >= t) {
                continue;
            }
            out.push(Listed {
                key: key.to_owned(),
                portal_id,
                deal_id,
                recorded_at,
                first_message_id,
                size: o.size().unwrap_or_default(),
            });
        }
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a, b| (a.recorded_at, &a.key).cmp(&(b.recorded_at, &b.key)));
    out.truncate(q.max.unwrap_or(usize::MAX));
    Ok(out)
}

/// Reads one record.
pub async fn get(bucket: &Bucket, key: &str) -> Result<ShadowRecord, OpsError> {
    let op = format!("GetObject {}/{key}", bucket.name);
    let out = bucket
        .client
        .get_object()
        .bucket(&bucket.name)
        .key(key)
        .send()
        .await
        .map_err(|e| s3_err(&op, e))?;
    let bytes = out.body.collect().await.map_err(|e| s3_err(&op, e))?.into_bytes();
    ShadowRecord::from_json(&bytes).map_err(|e| s3_err(&op, e))
}

/// A record as shown: no property values, no request values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    /// S3 key.
    pub key: String,
    /// Portal id.
    pub portal_id: u64,
    /// Deal id.
    pub deal_id: String,
    /// `type:id` of the synced object.
    pub object: String,
    /// Recorded at (RFC 3339).
    pub recorded_at: String,
    /// Outcome label and detail (`processed: updated`).
    pub outcome: String,
    /// Canary bucket / live percent.
    pub canary: String,
    /// SQS message ids.
    pub message_ids: Vec<String>,
    /// Correlation ids.
    pub correlation_ids: Vec<String>,
    /// Events: `kind object_type:object_id [property name]` (never the value).
    pub events: Vec<String>,
    /// Reads per API the sync made.
    pub reads: std::collections::BTreeMap<String, u64>,
    /// Planned writes: `api operation target` and the request member paths.
    pub planned_writes: Vec<WriteView>,
}

/// One planned write without values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteView {
    /// `HubSpot` / `PartnerCentral`.
    pub api: String,
    /// Operation.
    pub operation: String,
    /// Target id.
    pub target: String,
    /// Request member paths (`Customer.Account.CompanyName`, `properties.aws_sync_status`), sorted.
    pub members: Vec<String>,
}

fn paths(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                paths(child, &p, out);
            }
        }
        serde_json::Value::Array(a) if !a.is_empty() => {
            for (i, child) in a.iter().enumerate() {
                paths(child, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

/// The shown form of a record.
pub fn view(r: &ShadowRecord) -> RecordView {
    let outcome = serde_json::to_value(&r.outcome).unwrap_or_default();
    let detail: Vec<String> = outcome
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "status")
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    RecordView {
        key: r.key(),
        portal_id: r.portal_id,
        deal_id: r.deal_id.clone(),
        object: format!("{}:{}", r.object.object_type, r.object.id),
        recorded_at: i64::try_from(r.recorded_at)
            .ok()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default(),
        outcome: format!("{} {}", r.outcome.label(), detail.join(" ")).trim().to_owned(),
        canary: format!("bucket {} / live below {}", r.canary.bucket, r.canary.live_percent),
        message_ids: r.message_ids.clone(),
        correlation_ids: r.correlation_ids.clone(),
        events: r
            .events
            .iter()
            .map(|e| {
                let mut s = format!("{:?} {:?}:{}", e.kind(), e.object_type, e.object_id);
                if let Some(p) = &e.property_name {
                    s.push_str(&format!(" [{p}]"));
                }
                s
            })
            .collect(),
        reads: r.reads.clone(),
        planned_writes: r
            .planned_writes
            .iter()
            .map(|w| {
                let mut members = Vec::new();
                paths(&w.request, "", &mut members);
                members.sort();
                WriteView {
                    api: w.api.clone(),
                    operation: w.operation.clone(),
                    target: w.target.clone(),
                    members,
                }
            })
            .collect(),
    }
}

/// Text rendering of [`view`].
pub fn render(v: &RecordView) -> String {
    let mut out = format!(
        "key:          {}\nportal/deal:  {} / {}\nobject:       {}\nrecorded at:  {}\noutcome:      {}\ncanary:       \
         {}\nmessages:     {}\ncorrelation:  {}\n",
        v.key,
        v.portal_id,
        v.deal_id,
        v.object,
        v.recorded_at,
        v.outcome,
        v.canary,
        v.message_ids.join(" "),
        v.correlation_ids.join(" ")
    );
    out.push_str("events:\n");
    for e in &v.events {
        out.push_str(&format!("  {e}\n"));
    }
    let reads: Vec<String> = v.reads.iter().map(|(k, n)| format!("{k}={n}")).collect();
    out.push_str(&format!("reads:        {}\n", reads.join(" ")));
    out.push_str(&format!("planned writes ({}):\n", v.planned_writes.len()));
    for w in &v.planned_writes {
        out.push_str(&format!("  {} {} {}\n", w.api, w.operation, w.target));
        out.push_str(&format!("    members: {}\n", w.members.join(", ")));
    }
    out
}

/// One re-enqueued event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requeued {
    /// Record key.
    pub key: String,
    /// New SQS message id (`None` in a dry run).
    pub message_id: Option<String>,
    /// Message group id (the event's own).
    pub group_id: String,
    /// Deduplication id (original id + nonce).
    pub deduplication_id: String,
}

/// The replay deduplication id: SHA-256 of (`sync-ops-shadow-replay-v1`, the event's own dedup id, nonce).
pub fn replay_dedup_id(original: &str, nonce: &str) -> String {
    let mut h = Sha256::new();
    for part in ["sync-ops-shadow-replay-v1", original, nonce] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Re-enqueues the events of `records` (in the given order) to `queue_url`; `None` = dry run.
pub async fn replay(
    sqs: &Sqs,
    queue_url: Option<&str>,
    records: &[(String, ShadowRecord)],
    nonce: &str,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<Requeued>, OpsError> {
    let mut out = Vec::new();
    for (key, record) in records {
        for event in &record.events {
            let message = event.to_sqs_message()?;
            let dedup = replay_dedup_id(&message.deduplication_id, nonce);
            let message_id = match queue_url {
                None => None,
                Some(url) => {
                    let sent = sqs
                        .client
                        .send_message()
                        .queue_url(url)
                        .message_group_id(&message.group_id)
                        .message_deduplication_id(&dedup)
                        .message_body(&message.body)
                        .send()
                        .await
                        .map_err(|e| classify("SendMessage", url, &sqs.endpoint, e))?;
                    sent.message_id().map(str::to_owned)
                }
            };
            out.push(Requeued {
                key: key.clone(),
                message_id,
                group_id: message.group_id,
                deduplication_id: dedup,
            });
        }
        progress(format!("shadow replay: {} event(s) from {key}", record.events.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parsing() {
        assert_eq!(
            parse_key("shadow/62515/777/1700000000000-abc-def.json"),
            Some((62515, "777".into(), 1_700_000_000_000, "abc-def".into()))
        );
        assert_eq!(parse_key("shadow/x/777/1-a.json"), None);
        assert_eq!(parse_key("other/1/2/3-a.json"), None);
        assert_eq!(parse_key("shadow/1/2/3-a.txt"), None);
    }

    #[test]
    fn member_paths_without_values() {
        let v = serde_json::json!({"Customer":{"Contacts":[{"Email":"a@b.c"}]},"properties":{"x":"1"}});
        let mut p = Vec::new();
        paths(&v, "", &mut p);
        assert_eq!(p, ["Customer.Contacts[0].Email", "properties.x"]);
        assert_ne!(replay_dedup_id("d", "n1"), replay_dedup_id("d", "n2"));
        assert_eq!(replay_dedup_id("d", "n1").len(), 64);
    }
}
