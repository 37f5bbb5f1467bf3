//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const ALARM_ACTIONS: &str = "CW1";
pub(super) fn alarm_actions(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
