//! [`ShadowRecord`]: what one object sync in shadow mode would have written, stored as one JSON document per deal
//! and object sync (S3 key [`record_key`]) so an operator can list, read and replay it.
//!
//! The record carries the [`SyncEvent`]s it was computed from (so it is replayable: re-enqueue them and the live
//! sync does the same work), the number of API calls the sync made, and the exact requests live mode would have
//! sent ([`PlannedWrite`]s, recorded by the HubSpot and Partner Central clients in shadow write mode). It holds ids,
//! counts and request bodies only; the logs and metrics derived from it never carry bodies.
//!
//! This module depends only on serde, serde_json, `sync-events` and the clients' `PlannedWrite` type, so the
//! operator CLI can use it (`event_processor::shadow::record`) without the Lambda runtime's concerns.
//! Serialization is deterministic: struct fields in declaration order, maps are `BTreeMap`s, and JSON objects inside
//! request bodies are sorted (serde_json without `preserve_order`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sync_events::SyncEvent;

pub use hubspot::shadow::PlannedWrite;

/// Version of the record layout; readers reject others.
pub const SHADOW_RECORD_SCHEMA_VERSION: u32 = 1;

/// Key prefix of every shadow record.
pub const KEY_PREFIX: &str = "shadow/";

/// The S3 key of a record: `shadow/{portal_id}/{deal_id}/{unix_millis}-{first message id}.json`. Keys of one deal
/// sort by time (unix millis have 13 digits from 2001 to 2286).
pub fn record_key(portal_id: u64, deal_id: &str, recorded_at_ms: u64, first_message_id: &str) -> String {
    format!("{KEY_PREFIX}{portal_id}/{deal_id}/{recorded_at_ms}-{first_message_id}.json")
}

/// The prefix listing every record of one deal (`shadow/{portal_id}/{deal_id}/`).
pub fn deal_prefix(portal_id: u64, deal_id: &str) -> String {
    format!("{KEY_PREFIX}{portal_id}/{deal_id}/")
}

/// The HubSpot object whose events the sync processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectKey {
    /// `deal`, `company`, `contact` or `note`.
    #[serde(rename = "type")]
    pub object_type: String,
    /// HubSpot object id.
    pub id: String,
}

/// How the object sync ended (what the live sync would have reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ShadowOutcome {
    /// The object would have been brought in sync with the planned writes.
    Processed {
        /// The handler's action label (e.g. `created`, `updated`, `unchanged`).
        action: String,
    },
    /// Deliberately nothing to do (out of scope, echo, ...).
    Skipped {
        /// The handler's reason label.
        reason: String,
    },
    /// The sync failed; `class` says whether live mode would retry (`transient`, `config`) or acknowledge
    /// (`permanent`). Planned writes made before the failure are still listed.
    Failed {
        /// `transient`, `permanent` or `config`.
        class: String,
        /// Stable error code (e.g. `pc.validation`).
        code: String,
    },
    /// Writes planned by the permanent-failure hook (the error written onto the deal), after a `Failed` record.
    FailureSurfaced {
        /// The error code that was surfaced.
        code: String,
    },
}

impl ShadowOutcome {
    /// Stable label (`processed`, `skipped`, `failed`, `failure_surfaced`).
    pub fn label(&self) -> &'static str {
        match self {
            Self::Processed { .. } => "processed",
            Self::Skipped { .. } => "skipped",
            Self::Failed { .. } => "failed",
            Self::FailureSurfaced { .. } => "failure_surfaced",
        }
    }
}

/// The canary decision behind the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CanaryDecision {
    /// The deal's stable bucket (0..=99); 255 for a record of a non-deal target (not expected, see
    /// `shadow::handler`).
    pub bucket: u8,
    /// `canary_live_percent` at the time (deals with a lower bucket run live).
    pub live_percent: u8,
}

/// One object sync in shadow mode, for one deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowRecord {
    /// [`SHADOW_RECORD_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// HubSpot portal id.
    pub portal_id: u64,
    /// The deal the planned writes belong to (the record's key). For a deal sync it is the object itself; for a
    /// company or contact fan-out it is one of the object's deals.
    pub deal_id: String,
    /// The object whose events were processed.
    pub object: ObjectKey,
    /// SQS message ids of the events, in batch order (the first one names the record).
    pub message_ids: Vec<String>,
    /// Correlation ids of the events (unique, in batch order).
    pub correlation_ids: Vec<String>,
    /// The events themselves, so the record can be replayed by re-enqueueing them.
    pub events: Vec<SyncEvent>,
    /// Read calls the object sync made, per API (`HubSpot`, `PartnerCentral`): client calls of read operations
    /// (gets, batch reads, searches, association lists; Get*/List*), retries not counted. Shadow mode makes every
    /// read live mode makes, so these are real requests. Covers the whole object sync, also for fan-outs that
    /// produce one record per deal.
    pub reads: BTreeMap<String, u64>,
    /// The writes live mode would have sent for this deal, in order.
    pub planned_writes: Vec<PlannedWrite>,
    /// How the object sync ended.
    pub outcome: ShadowOutcome,
    /// The canary decision for this deal.
    pub canary: CanaryDecision,
    /// When the record was made (unix milliseconds; also in the key).
    pub recorded_at: u64,
}

/// A record that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Not a shadow record document.
    #[error("not a shadow record: {0}")]
    Json(#[from] serde_json::Error),
    /// A record of another layout version.
    #[error("shadow record schema version {found} is not supported (this build reads {supported})")]
    UnsupportedVersion {
        /// Version in the document.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
}

impl ShadowRecord {
    /// The record's S3 key ([`record_key`]); the first message id, or `no-message` for a record made outside a
    /// batch (tests calling a handler directly).
    pub fn key(&self) -> String {
        let first = self.message_ids.first().map_or("no-message", String::as_str);
        record_key(self.portal_id, &self.deal_id, self.recorded_at, first)
    }

    /// Compact, deterministic JSON.
    pub fn to_json(&self) -> Result<Vec<u8>, RecordError> {
        Ok(serde_json::to_vec(self)?)
    }

    /// Reads a record, checking its layout version.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RecordError> {
        #[derive(Deserialize)]
        struct Probe {
            schema_version: u32,
        }
        let probe: Probe = serde_json::from_slice(bytes)?;
        if probe.schema_version != SHADOW_RECORD_SCHEMA_VERSION {
            return Err(RecordError::UnsupportedVersion {
                found: probe.schema_version,
                supported: SHADOW_RECORD_SCHEMA_VERSION,
            });
        }
        Ok(serde_json::from_slice(bytes)?)
    }

    /// Planned writes per `{api}:{operation}` (e.g. `PartnerCentral:UpdateOpportunity` -> 1).
    pub fn writes_by_operation(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for w in &self.planned_writes {
            *counts.entry(format!("{}:{}", w.api, w.operation)).or_insert(0) += 1;
        }
        counts
    }
}
