//! The server's in-memory state: opportunities (stored as full `GetOpportunityResponse` JSON records), seeded
//! solutions, ClientToken memory, injected faults, the optional write-rate limit and the request log.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// Operations counted as writes (the 1/s quota class in domain.md §3.6).
pub const WRITE_OPERATIONS: &[&str] = &[
    "CreateOpportunity",
    "UpdateOpportunity",
    "AssociateOpportunity",
    "DisassociateOpportunity",
    "RejectEngagementInvitation",
    "AssignOpportunity",
    "StartEngagementFromOpportunityTask",
    "StartEngagementByAcceptingInvitationTask",
    "SubmitOpportunity",
];

/// True when `operation` is in the write quota class.
pub fn is_write(operation: &str) -> bool {
    WRITE_OPERATIONS.contains(&operation)
}

/// What an injected fault does to a matching call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 ThrottlingException.
    Throttling,
    /// 500 InternalServerException.
    Internal,
    /// 503 ServiceUnavailable (untyped).
    Unavailable,
    /// 403 AccessDeniedException.
    AccessDenied,
    /// Not an error: before the call is handled, the target opportunity's LastModifiedDate is bumped, as if someone
    /// else had just edited it (so an UpdateOpportunity carrying the date read earlier gets a ConflictException).
    ConcurrentModification,
}

/// A fault applied to the next `remaining` calls of `operation` (or of any operation when `None`).
#[derive(Debug, Clone)]
pub struct Fault {
    pub kind: FaultKind,
    pub operation: Option<String>,
    pub remaining: u32,
}

/// One received request, as the test sees it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub operation: String,
    pub body: Value,
    /// HTTP status answered.
    pub status: u16,
    /// `__type` of the error answered, if any.
    pub error_type: Option<String>,
    pub authorization: Option<String>,
    pub security_token: Option<String>,
    pub received_at: Instant,
}

impl RecordedRequest {
    pub fn is_write(&self) -> bool {
        is_write(&self.operation)
    }
}

/// A stored opportunity: the full record plus members the service keeps but GetOpportunity does not return.
#[derive(Debug, Clone)]
pub struct StoredOpportunity {
    /// JSON in the `GetOpportunityResponse` shape.
    pub record: Value,
    pub origin: Option<Value>,
    pub tags: Option<Value>,
}

/// Remembered ClientToken use: the request body and the response returned for it.
#[derive(Debug, Clone)]
pub struct TokenUse {
    pub body: Value,
    pub response: Value,
}

/// All mutable server state (behind one mutex; handlers never await while holding it).
#[derive(Debug, Default)]
pub struct State {
    pub opportunities: BTreeMap<String, StoredOpportunity>,
    pub next_opportunity: u64,
    pub next_task: u64,
    pub solutions: Vec<Value>,
    /// (operation, catalog, token) -> use.
    pub tokens: BTreeMap<(String, String, String), TokenUse>,
    pub faults: VecDeque<Fault>,
    pub write_interval: Option<Duration>,
    /// Added before every answer (to exercise client timeouts).
    pub latency: Option<Duration>,
    pub last_write: Option<Instant>,
    /// Read-class calls accepted per rolling second before ThrottlingException (`None` = unlimited).
    pub read_limit: Option<u32>,
    /// Arrival times of the read-class calls accepted within the last second (for `read_limit`).
    pub recent_reads: VecDeque<Instant>,
    pub log: Vec<RecordedRequest>,
    last_timestamp: Option<DateTime<Utc>>,
}

impl State {
    /// A strictly increasing "now" with millisecond precision, so two modifications never share a LastModifiedDate.
    pub fn now(&mut self) -> DateTime<Utc> {
        let mut now = Utc::now();
        now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        if let Some(last) = self.last_timestamp
            && now <= last
        {
            now = last + chrono::Duration::milliseconds(1);
        }
        self.last_timestamp = Some(now);
        now
    }

    /// `now()` formatted as the wire's ISO-8601.
    pub fn now_string(&mut self) -> String {
        format_time(self.now())
    }

    /// Take the next fault matching `operation`, decrementing its count.
    pub fn take_fault(&mut self, operation: &str) -> Option<FaultKind> {
        let idx = self
            .faults
            .iter()
            .position(|f| f.operation.as_deref().is_none_or(|o| o == operation))?;
        let fault = self.faults.get_mut(idx)?;
        let kind = fault.kind;
        fault.remaining = fault.remaining.saturating_sub(1);
        if fault.remaining == 0 {
            self.faults.remove(idx);
        }
        Some(kind)
    }

    /// Allocate the next opportunity id (`O` + digits), skipping ids already in use (seeded records).
    pub fn allocate_opportunity_id(&mut self) -> String {
        loop {
            self.next_opportunity += 1;
            let id = format!("O{}", 1_000_000 + self.next_opportunity);
            if !self.opportunities.contains_key(&id) {
                return id;
            }
        }
    }

    /// Apply the read quota to a read-class call arriving `now`: `false` (throttle) when `read_limit` calls were
    /// already accepted in the second before `now`; accepted calls are remembered.
    pub fn admit_read(&mut self, now: Instant) -> bool {
        let Some(limit) = self.read_limit else { return true };
        while self
            .recent_reads
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.recent_reads.pop_front();
        }
        if self.recent_reads.len() >= limit as usize {
            return false;
        }
        self.recent_reads.push_back(now);
        true
    }

    /// Bump an opportunity's LastModifiedDate (a modification by someone else).
    pub fn touch(&mut self, id: &str) -> bool {
        let now = self.now_string();
        match self.opportunities.get_mut(id) {
            Some(o) => {
                o.record["LastModifiedDate"] = Value::String(now);
                true
            }
            None => false,
        }
    }
}

/// Format a time the way the service does (`2023-05-01T20:37:46.123Z`).
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parse an ISO-8601 timestamp from the wire.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_quota_is_a_rolling_second() {
        let mut st = State {
            read_limit: Some(2),
            ..State::default()
        };
        let t0 = Instant::now();
        assert!(st.admit_read(t0));
        assert!(st.admit_read(t0 + Duration::from_millis(100)));
        assert!(
            !st.admit_read(t0 + Duration::from_millis(900)),
            "third read within a second"
        );
        assert!(
            st.admit_read(t0 + Duration::from_millis(1000)),
            "the first one left the window"
        );
        assert!(!st.admit_read(t0 + Duration::from_millis(1050)));
        st.read_limit = None;
        assert!(st.admit_read(t0 + Duration::from_millis(1051)));
    }
}
