//! Logs rules: every log group sets a retention (CloudWatch's default keeps logs forever, at a cost).

use serde_json::Value;

use super::RawFinding;
use crate::template::resources_of_type;

pub(super) const RETENTION: &str = "LOG1";

/// LOG1: `AWS::Logs::LogGroup` sets `RetentionInDays`.
pub(super) fn retention(template: &Value) -> Vec<RawFinding> {
    resources_of_type(template, "AWS::Logs::LogGroup")
        .into_iter()
        .filter(|g| g.prop("RetentionInDays").is_none())
        .map(|g| {
            (
                g.logical_id.to_owned(),
                "log group has no RetentionInDays (logs are kept forever)".to_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn retention_fires_and_passes() {
        let t = json!({"Resources": {
            "A": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "a"}},
            "B": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": {"Ref": "Days"}}},
            "C": {"Type": "AWS::Logs::LogGroup"}
        }});
        assert_eq!(retention(&t).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["A", "C"]);
    }
}
