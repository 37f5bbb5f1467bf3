//! Shadow write mode shared by the HubSpot and Partner Central clients: in [`WriteMode::Shadow`] every read is made
//! as usual, while every write is computed, recorded as a [`PlannedWrite`] in a [`WriteLog`], and not sent.
//!
//! `partner-central` re-exports these types so one log can record both clients' writes in order.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `PlannedWrite::api` of HubSpot writes.
pub const API_HUBSPOT: &str = "HubSpot";
/// `PlannedWrite::api` of Partner Central writes.
pub const API_PARTNER_CENTRAL: &str = "PartnerCentral";

/// One write a live client would have sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedWrite {
    /// `"HubSpot"` or `"PartnerCentral"`.
    pub api: String,
    /// HubSpot: `"PATCH deal"` (`"PATCH company"`, ...), `"create note"`. Partner Central: the API operation
    /// (`"CreateOpportunity"`, `"UpdateOpportunity"`, `"AssociateOpportunity"`,
    /// `"StartEngagementFromOpportunityTask"`).
    pub operation: String,
    /// The object written: HubSpot object id (the deal for a note), Partner Central opportunity id (the synthetic
    /// id for a shadow create).
    pub target: String,
    /// The exact JSON request body live mode would send.
    pub request: Value,
}

/// A shared, ordered recorder of planned writes; clones share the same log.
#[derive(Debug, Clone, Default)]
pub struct WriteLog {
    writes: Arc<Mutex<Vec<PlannedWrite>>>,
}

impl WriteLog {
    pub fn new() -> WriteLog {
        WriteLog::default()
    }

    /// Append one planned write.
    pub fn record(&self, write: PlannedWrite) {
        self.lock().push(write);
    }

    /// Remove and return everything recorded so far, in recording order.
    pub fn take(&self) -> Vec<PlannedWrite> {
        std::mem::take(&mut *self.lock())
    }

    /// A copy of what is recorded, leaving it in place.
    pub fn snapshot(&self) -> Vec<PlannedWrite> {
        self.lock().clone()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PlannedWrite>> {
        self.writes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether a client sends its writes or only records them.
#[derive(Debug, Clone, Default)]
pub enum WriteMode {
    /// Writes are sent (the normal mode).
    #[default]
    Live,
    /// Writes are recorded in the log and not sent; reads are made as usual.
    Shadow(WriteLog),
}

impl WriteMode {
    pub fn is_shadow(&self) -> bool {
        matches!(self, WriteMode::Shadow(_))
    }

    /// The log of a shadow mode.
    pub fn log(&self) -> Option<&WriteLog> {
        match self {
            WriteMode::Live => None,
            WriteMode::Shadow(log) => Some(log),
        }
    }
}

/// A stable 64-bit FNV-1a hash (synthetic ids derived from request content; not for security).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_is_shared_ordered_and_taken() {
        let log = WriteLog::new();
        let twin = log.clone();
        for i in 0..3 {
            twin.record(PlannedWrite {
                api: API_HUBSPOT.into(),
                operation: "PATCH deal".into(),
                target: i.to_string(),
                request: serde_json::json!({"properties": {"n": i.to_string()}}),
            });
        }
        assert_eq!(log.len(), 3);
        let taken = log.take();
        assert_eq!(
            taken.iter().map(|w| w.target.as_str()).collect::<Vec<_>>(),
            ["0", "1", "2"]
        );
        assert!(twin.is_empty());
        let text = serde_json::to_string(&taken[0]).unwrap();
        assert_eq!(
            text,
            r#"{"api":"HubSpot","operation":"PATCH deal","target":"0","request":{"properties":{"n":"0"}}}"#
        );
        assert_eq!(serde_json::from_str::<PlannedWrite>(&text).unwrap(), taken[0]);
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
