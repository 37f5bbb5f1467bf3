//! The Secrets Manager part of the fixed-latency endpoint: `GetSecretValue` by name or full ARN, answered like the
//! service (ARN, Name, VersionId, VersionStages, CreatedDate, SecretString). An unknown secret, a partial ARN of
//! another account or region, or a version other than `AWSCURRENT` gets `ResourceNotFoundException`.

use serde_json::{Value, json};

use super::{AwsError, EndpointConfig};

/// Fixed six-character suffix, standing in for the random one real secret ARNs end with.
const ARN_SUFFIX: &str = "AbCdEf";

/// The full ARN of secret `name`.
pub fn arn(config: &EndpointConfig, name: &str) -> String {
    format!(
        "arn:aws:secretsmanager:{}:{}:secret:{name}-{ARN_SUFFIX}",
        config.region, config.account_id
    )
}

fn not_found() -> AwsError {
    AwsError::client(
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    )
}

pub(crate) fn dispatch(config: &EndpointConfig, operation: &str, req: &Value) -> Result<Value, AwsError> {
    if operation != "GetSecretValue" {
        return Err(AwsError::client(
            "UnknownOperationException",
            format!("operation {operation} is not served here"),
        ));
    }
    let id = req["SecretId"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AwsError::client("InvalidParameterException", "SecretId is required."))?;
    if req["VersionStage"].as_str().is_some_and(|s| s != "AWSCURRENT") || !req["VersionId"].is_null() {
        return Err(not_found());
    }
    let (name, value) = config
        .secrets
        .iter()
        .find(|(name, _)| id == name.as_str() || id == arn(config, name))
        .ok_or_else(not_found)?;
    Ok(json!({
        "ARN": arn(config, name),
        "Name": name,
        "VersionId": "00000000-0000-4000-8000-00000000000a",
        "SecretString": value,
        "VersionStages": ["AWSCURRENT"],
        "CreatedDate": 1_790_000_000.0,
    }))
}
