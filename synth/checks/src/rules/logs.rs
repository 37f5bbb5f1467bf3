//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const RETENTION: &str = "LOG1";
pub(super) fn retention(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
