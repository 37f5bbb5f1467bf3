//! stub
use super::RawFinding;
use serde_json::Value;
pub(super) const LOG_GROUP: &str = "LAMBDA1";
pub(super) const MEMORY_TIMEOUT: &str = "LAMBDA2";
pub(super) const PLAINTEXT_SECRET: &str = "LAMBDA3";
pub(super) const ESM_BATCH_FAILURES: &str = "ESM1";
pub(super) const ESM_VISIBILITY: &str = "ESM2";
pub(super) fn log_group(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn memory_timeout(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn plaintext_secret(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn esm_batch_failures(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
pub(super) fn esm_visibility(_t: &Value) -> Vec<RawFinding> {
    Vec::new()
}
