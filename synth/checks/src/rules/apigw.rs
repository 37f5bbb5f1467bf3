//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const THROTTLING: &str = "APIG1";
pub(super) const ACCESS_LOG: &str = "APIG2";
pub(super) fn throttling(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn access_log(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
