//! CloudWatch rules: an alarm that notifies nobody is a graph, not an alarm.

use serde_json::Value;

use super::RawFinding;
use crate::template::{is_intrinsic, literal_bool, resources_of_type};

pub(super) const ALARM_ACTIONS: &str = "CW1";

/// CW1: every alarm has at least one `AlarmActions` entry and does not set `ActionsEnabled: false`.
pub(super) fn alarm_actions(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm") {
        let actions = alarm.prop("AlarmActions");
        let has_actions = actions.is_some_and(|a| is_intrinsic(a) || a.as_array().is_some_and(|a| !a.is_empty()));
        if !has_actions {
            out.push((
                alarm.logical_id.to_owned(),
                "alarm has no AlarmActions: nobody is notified".to_owned(),
            ));
        }
        if alarm.prop("ActionsEnabled").and_then(literal_bool) == Some(false) {
            out.push((
                alarm.logical_id.to_owned(),
                "alarm sets ActionsEnabled false: nobody is notified".to_owned(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn alarm_actions_fires_and_passes() {
        let t = json!({"Resources": {
            "None": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}},
            "Empty": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": []}},
            "Disabled": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"Ref": "T"}], "ActionsEnabled": false}},
            "Ok": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"Ref": "T"}]}},
            "Conditional": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": {"Fn::If": ["C", [{"Ref": "T"}], []]}}}
        }});
        let ids: Vec<String> = alarm_actions(&t).into_iter().map(|f| f.0).collect();
        assert_eq!(ids, ["Disabled", "Empty", "None"]);
    }
}
