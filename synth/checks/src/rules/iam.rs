//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const WILDCARD_ACTION: &str = "IAM1";
pub(super) const WILDCARD_RESOURCE: &str = "IAM2";
pub(super) fn wildcard_action(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn wildcard_resource(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
