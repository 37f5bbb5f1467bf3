//! API Gateway stage rules: default throttling on every method and access logging. Covers `AWS::ApiGateway::Stage`
//! and the stage a `AWS::ApiGateway::Deployment` creates through `StageName` + `StageDescription`.

use serde_json::Value;

use super::RawFinding;
use crate::template::{as_list, is_intrinsic, resources, sub_text};

pub(super) const THROTTLING: &str = "APIG1";
pub(super) const ACCESS_LOG: &str = "APIG2";

/// Each stage: (logical id, its settings object: Stage `Properties` or Deployment `StageDescription`).
fn stages(template: &Value) -> Vec<(&str, Option<&Value>)> {
    resources(template)
        .into_iter()
        .filter_map(|r| match r.resource_type {
            "AWS::ApiGateway::Stage" => Some((r.logical_id, r.raw.get("Properties"))),
            "AWS::ApiGateway::Deployment" if r.prop("StageName").is_some() => {
                Some((r.logical_id, r.prop("StageDescription")))
            }
            _ => None,
        })
        .collect()
}

/// Whether the settings throttle `/*/*` with both a rate and a burst limit.
fn throttled(settings: &Value) -> bool {
    // A Deployment's StageDescription carries the /*/* throttling directly.
    if settings.get("ThrottlingRateLimit").is_some() && settings.get("ThrottlingBurstLimit").is_some() {
        return true;
    }
    match settings.get("MethodSettings") {
        Some(v) if is_intrinsic(v) => true,
        Some(v) => as_list(v).iter().any(|m| {
            m.get("HttpMethod").and_then(Value::as_str) == Some("*")
                && m.get("ResourcePath").and_then(Value::as_str) == Some("/*")
                && m.get("ThrottlingRateLimit").is_some()
                && m.get("ThrottlingBurstLimit").is_some()
        }),
        None => false,
    }
}

/// APIG1: the stage sets `MethodSettings` for `HttpMethod: "*"`, `ResourcePath: "/*"` with `ThrottlingRateLimit` and
/// `ThrottlingBurstLimit` (otherwise only the account-wide limit applies).
pub(super) fn throttling(template: &Value) -> Vec<RawFinding> {
    stages(template)
        .into_iter()
        .filter(|(_, settings)| !settings.is_some_and(throttled))
        .map(|(id, _)| {
            let msg = "stage has no default throttling (MethodSettings HttpMethod \"*\" ResourcePath \"/*\" with \
                       ThrottlingRateLimit and ThrottlingBurstLimit)";
            (id.to_owned(), msg.to_owned())
        })
        .collect()
}

/// APIG2: the stage has `AccessLogSetting` with a `DestinationArn` and a `Format` containing `$context.requestId`
/// (or `$context.extendedRequestId`).
pub(super) fn access_log(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for (id, settings) in stages(template) {
        let setting = settings.and_then(|s| s.get("AccessLogSetting"));
        let problem = match setting {
            None => Some("stage has no AccessLogSetting"),
            Some(s) if is_intrinsic(s) => None,
            Some(s) if s.get("DestinationArn").is_none() => Some("AccessLogSetting has no DestinationArn"),
            Some(s) => match s.get("Format") {
                None => Some("AccessLogSetting has no Format"),
                Some(f) => sub_text(f)
                    .filter(|f| !f.contains("$context.requestId") && !f.contains("$context.extendedRequestId"))
                    .map(|_| "access log Format lacks $context.requestId (needed to correlate requests)"),
            },
        };
        if let Some(problem) = problem {
            out.push((id.to_owned(), problem.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn stage(props: Value) -> Value {
        json!({"Resources": {"S": {"Type": "AWS::ApiGateway::Stage", "Properties": props}}})
    }

    #[test]
    fn throttling_fires_and_passes() {
        assert_eq!(throttling(&stage(json!({}))).len(), 1);
        let partial = json!({"MethodSettings": [{"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 10}]});
        assert_eq!(throttling(&stage(partial)).len(), 1);
        let one_path = json!({"MethodSettings": [{"HttpMethod": "POST", "ResourcePath": "/~1async~1webhook", "ThrottlingRateLimit": 1, "ThrottlingBurstLimit": 2}]});
        assert_eq!(throttling(&stage(one_path)).len(), 1);
        let ok = json!({"MethodSettings": [{"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20}]});
        assert_eq!(throttling(&stage(ok)), []);
        let deployment = json!({"Resources": {"D": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"StageName": "v1",
            "StageDescription": {"ThrottlingRateLimit": 1, "ThrottlingBurstLimit": 2}}}}});
        assert_eq!(throttling(&deployment), []);
        let bare =
            json!({"Resources": {"D": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"StageName": "v1"}}}});
        assert_eq!(throttling(&bare).len(), 1);
    }

    #[test]
    fn access_log_fires_and_passes() {
        let dest = json!({"Fn::GetAtt": ["L", "Arn"]});
        assert_eq!(access_log(&stage(json!({})))[0].1, "stage has no AccessLogSetting");
        assert_eq!(
            access_log(&stage(json!({"AccessLogSetting": {"Format": "$context.requestId"}}))).len(),
            1
        );
        assert_eq!(
            access_log(&stage(
                json!({"AccessLogSetting": {"DestinationArn": dest, "Format": "$context.status"}})
            ))
            .len(),
            1
        );
        assert_eq!(
            access_log(&stage(
                json!({"AccessLogSetting": {"DestinationArn": dest, "Format": "{\"id\":\"$context.requestId\"}"}})
            )),
            []
        );
    }
}
