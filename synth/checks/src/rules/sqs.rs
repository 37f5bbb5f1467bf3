//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const SSE: &str = "SQS1";
pub(super) const TLS_ONLY: &str = "SQS2";
pub(super) const REDRIVE: &str = "SQS3";
pub(super) const FIFO_DLQ: &str = "SQS4";
pub(super) fn sse(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn tls_only(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn redrive(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn fifo_dlq(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
