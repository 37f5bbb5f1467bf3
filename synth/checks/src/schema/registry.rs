//! The vendored registry schemas (`synth/checks/schemas/<Type_Name>.json`), embedded with `include_str!` and parsed
//! once on first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// (type name, schema text). Keep in sync with `schemas/vendor.py`.
const SCHEMAS: &[(&str, &str)] = &[
    (
        "AWS::ApiGateway::Account",
        include_str!("../../schemas/AWS_ApiGateway_Account.json"),
    ),
    (
        "AWS::ApiGateway::Deployment",
        include_str!("../../schemas/AWS_ApiGateway_Deployment.json"),
    ),
    (
        "AWS::ApiGateway::Method",
        include_str!("../../schemas/AWS_ApiGateway_Method.json"),
    ),
    (
        "AWS::ApiGateway::Resource",
        include_str!("../../schemas/AWS_ApiGateway_Resource.json"),
    ),
    (
        "AWS::ApiGateway::RestApi",
        include_str!("../../schemas/AWS_ApiGateway_RestApi.json"),
    ),
    (
        "AWS::ApiGateway::Stage",
        include_str!("../../schemas/AWS_ApiGateway_Stage.json"),
    ),
    (
        "AWS::CloudWatch::Alarm",
        include_str!("../../schemas/AWS_CloudWatch_Alarm.json"),
    ),
    (
        "AWS::CloudWatch::Dashboard",
        include_str!("../../schemas/AWS_CloudWatch_Dashboard.json"),
    ),
    (
        "AWS::IAM::ManagedPolicy",
        include_str!("../../schemas/AWS_IAM_ManagedPolicy.json"),
    ),
    ("AWS::IAM::Policy", include_str!("../../schemas/AWS_IAM_Policy.json")),
    ("AWS::IAM::Role", include_str!("../../schemas/AWS_IAM_Role.json")),
    (
        "AWS::Lambda::EventSourceMapping",
        include_str!("../../schemas/AWS_Lambda_EventSourceMapping.json"),
    ),
    (
        "AWS::Lambda::Function",
        include_str!("../../schemas/AWS_Lambda_Function.json"),
    ),
    (
        "AWS::Lambda::Permission",
        include_str!("../../schemas/AWS_Lambda_Permission.json"),
    ),
    (
        "AWS::Logs::LogGroup",
        include_str!("../../schemas/AWS_Logs_LogGroup.json"),
    ),
    (
        "AWS::SNS::Subscription",
        include_str!("../../schemas/AWS_SNS_Subscription.json"),
    ),
    ("AWS::SNS::Topic", include_str!("../../schemas/AWS_SNS_Topic.json")),
    (
        "AWS::SNS::TopicPolicy",
        include_str!("../../schemas/AWS_SNS_TopicPolicy.json"),
    ),
    ("AWS::S3::Bucket", include_str!("../../schemas/AWS_S3_Bucket.json")),
    (
        "AWS::S3::BucketPolicy",
        include_str!("../../schemas/AWS_S3_BucketPolicy.json"),
    ),
    ("AWS::SQS::Queue", include_str!("../../schemas/AWS_SQS_Queue.json")),
    (
        "AWS::SQS::QueuePolicy",
        include_str!("../../schemas/AWS_SQS_QueuePolicy.json"),
    ),
    (
        "AWS::SecretsManager::Secret",
        include_str!("../../schemas/AWS_SecretsManager_Secret.json"),
    ),
];

fn parsed() -> &'static BTreeMap<&'static str, Value> {
    static PARSED: OnceLock<BTreeMap<&'static str, Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SCHEMAS
            .iter()
            .filter_map(|(name, text)| serde_json::from_str(text).ok().map(|schema| (*name, schema)))
            .collect()
    })
}

/// Resource types with a vendored schema, sorted.
pub fn supported_types() -> Vec<&'static str> {
    SCHEMAS.iter().map(|(name, _)| *name).collect()
}

/// The parsed registry schema of a resource type.
pub fn resource_schema(resource_type: &str) -> Option<&'static Value> {
    parsed().get(resource_type)
}

/// Entries of a schema's pointer list (`createOnlyProperties`, `readOnlyProperties`, ...) as paths relative to
/// `Properties`: `"/properties/Code/S3Bucket"` -> `"Code/S3Bucket"`.
pub(crate) fn property_paths(resource_type: &str, key: &str) -> Vec<String> {
    let Some(list) = resource_schema(resource_type)
        .and_then(|s| s.get(key))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = list
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| p.strip_prefix("/properties/"))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

/// The type's `createOnlyProperties` as property paths relative to `Properties`, e.g. `["FifoQueue", "QueueName"]`
/// (nested ones as `"Code/S3Bucket"`). Empty for unknown types.
pub fn create_only_properties(resource_type: &str) -> Vec<String> {
    property_paths(resource_type, "createOnlyProperties")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_schema_parses_and_names_its_type() {
        for (name, _) in SCHEMAS {
            let schema = resource_schema(name).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(schema["typeName"], *name);
        }
        assert_eq!(parsed().len(), SCHEMAS.len());
    }

    #[test]
    fn create_only_properties_come_from_the_schema() {
        assert_eq!(create_only_properties("AWS::SQS::Queue"), ["FifoQueue", "QueueName"]);
        assert!(create_only_properties("AWS::Lambda::Function").contains(&"FunctionName".to_owned()));
        assert!(create_only_properties("AWS::IAM::Role").contains(&"RoleName".to_owned()));
        assert!(create_only_properties("AWS::Nope::Nope").is_empty());
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    fn patterns(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("pattern", Value::String(p)) => out.push(p.clone()),
                        ("patternProperties", Value::Object(props)) => out.extend(props.keys().cloned()),
                        _ => {}
                    }
                    patterns(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| patterns(i, out)),
            _ => {}
        }
    }

    /// The validator skips patterns the `regex` crate cannot compile (look-around); keep that set known and small.
    #[test]
    fn every_vendored_pattern_compiles() {
        let mut all = Vec::new();
        for (name, _) in SCHEMAS {
            patterns(resource_schema(name).unwrap(), &mut all);
        }
        let failing: Vec<&str> = all
            .iter()
            .filter(|p| super::super::validator::compile(p).is_none())
            .map(String::as_str)
            .collect();
        assert!(all.len() > 40);
        assert_eq!(
            failing,
            [
                r"^(^(?!(system\x2e)))(^[_a-zA-Z0-9])([^$]*)$",
                r"^[0-9A-Za-z\.\-_]*(?<!\.)$"
            ]
        );
    }
}
