//! Lambda: `AWS::Lambda::Function`, `AWS::Lambda::EventSourceMapping`, `AWS::Lambda::Permission`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Tag;
use crate::cfn::expr::{Expr, Val};
use crate::cfn::template::Handle;

/// Code location in S3.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Code {
    /// Bucket.
    pub s3_bucket: Expr,
    /// Key.
    pub s3_key: Expr,
}

/// `Environment`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    /// Variables, sorted by name.
    pub variables: BTreeMap<String, Expr>,
}

/// `LoggingConfig`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfig {
    /// `JSON` or `Text`.
    pub log_format: &'static str,
    /// Log group name.
    pub log_group: Expr,
}

/// `AWS::Lambda::Function`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    /// `[arm64]`
    pub architectures: Vec<&'static str>,
    /// Code location.
    pub code: Code,
    /// Description.
    pub description: String,
    /// Environment variables.
    pub environment: Environment,
    /// Physical name.
    pub function_name: String,
    /// `bootstrap` for custom runtimes.
    pub handler: &'static str,
    /// Logging.
    pub logging_config: LoggingConfig,
    /// Memory in MB.
    pub memory_size: Val<u32>,
    /// Reserved concurrency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrent_executions: Option<Val<u32>>,
    /// Execution role ARN.
    pub role: Expr,
    /// `provided.al2023`
    pub runtime: &'static str,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Timeout in seconds.
    pub timeout: Val<u32>,
}

impl Handle<Function> {
    /// Function ARN.
    pub fn arn(&self) -> Expr {
        self.get_att("Arn")
    }
    /// Function name (`Ref`).
    pub fn name(&self) -> Expr {
        self.r#ref()
    }
}

/// `ScalingConfig`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingConfig {
    /// 2..=1000
    pub maximum_concurrency: Val<u32>,
}

/// `AWS::Lambda::EventSourceMapping`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSourceMapping {
    /// Records per batch.
    pub batch_size: Val<u32>,
    /// Enabled.
    pub enabled: Val<bool>,
    /// Queue ARN.
    pub event_source_arn: Expr,
    /// Function name or ARN.
    pub function_name: Expr,
    /// `[ReportBatchItemFailures]`
    pub function_response_types: Vec<&'static str>,
    /// Batching window (never for FIFO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_batching_window_in_seconds: Option<Val<u32>>,
    /// Concurrency cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling_config: Option<ScalingConfig>,
}

/// `AWS::Lambda::Permission`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Permission {
    /// `lambda:InvokeFunction`
    pub action: &'static str,
    /// Function ARN.
    pub function_name: Expr,
    /// Service principal.
    pub principal: &'static str,
    /// Source ARN the permission is scoped to.
    pub source_arn: Expr,
}

/// Sets an environment variable on a function already in `t` (used when the value references a resource that
/// itself needs the function, e.g. the API that invokes it).
pub fn set_env(t: &mut crate::cfn::Template, f: &Handle<Function>, key: &str, value: Expr) {
    if let Some(super::AnyResource::Function(func)) = t.props_mut(f) {
        func.environment.variables.insert(key.to_owned(), value);
    }
}
