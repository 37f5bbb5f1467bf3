//! API Gateway (REST): RestApi, Resource, Method, Deployment, Stage.

use serde::Serialize;

use super::Tag;
use crate::cfn::expr::{Expr, Val};
use crate::cfn::template::Handle;

/// `EndpointConfiguration`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointConfiguration {
    /// `[REGIONAL]`
    pub types: Vec<&'static str>,
}

/// `AWS::ApiGateway::RestApi`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestApi {
    /// Description.
    pub description: String,
    /// Endpoint type.
    pub endpoint_configuration: EndpointConfiguration,
    /// Name.
    pub name: String,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Handle<RestApi> {
    /// API id (`Ref`).
    pub fn api_id(&self) -> Expr {
        self.r#ref()
    }
    /// Root resource id.
    pub fn root_resource_id(&self) -> Expr {
        self.get_att("RootResourceId")
    }
}

/// `AWS::ApiGateway::Resource`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiResource {
    /// Parent resource id.
    pub parent_id: Expr,
    /// Path segment.
    pub path_part: String,
    /// API id.
    pub rest_api_id: Expr,
}

impl Handle<ApiResource> {
    /// Resource id (`Ref`).
    pub fn resource_id(&self) -> Expr {
        self.r#ref()
    }
}

/// Method integration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Integration {
    /// `POST` for Lambda.
    pub integration_http_method: &'static str,
    /// `AWS_PROXY`
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Lambda invocation URI.
    pub uri: Expr,
}

/// `AWS::ApiGateway::Method`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Method {
    /// `NONE` (callers are verified by signature in the function) or an authorizer type.
    pub authorization_type: &'static str,
    /// HTTP method.
    pub http_method: &'static str,
    /// Integration.
    pub integration: Integration,
    /// Resource id.
    pub resource_id: Expr,
    /// API id.
    pub rest_api_id: Expr,
}

/// `AWS::ApiGateway::Deployment`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deployment {
    /// Description.
    pub description: String,
    /// API id.
    pub rest_api_id: Expr,
}

impl Handle<Deployment> {
    /// Deployment id (`Ref`).
    pub fn deployment_id(&self) -> Expr {
        self.r#ref()
    }
}

/// `AccessLogSetting`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessLogSetting {
    /// Log group ARN.
    pub destination_arn: Expr,
    /// Log line format (JSON with `$context.requestId`).
    pub format: String,
}

/// One `MethodSettings` entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MethodSetting {
    /// `*` for all.
    pub http_method: &'static str,
    /// Detailed CloudWatch metrics.
    pub metrics_enabled: Val<bool>,
    /// `/*` for all.
    pub resource_path: &'static str,
    /// Burst.
    pub throttling_burst_limit: Val<u32>,
    /// Steady-state rate (requests per second).
    pub throttling_rate_limit: Val<f64>,
}

/// `AWS::ApiGateway::Stage`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stage {
    /// Access logging.
    pub access_log_setting: AccessLogSetting,
    /// Deployment id.
    pub deployment_id: Expr,
    /// Description.
    pub description: String,
    /// Throttling and metrics.
    pub method_settings: Vec<MethodSetting>,
    /// API id.
    pub rest_api_id: Expr,
    /// Stage name (the URL path segment).
    pub stage_name: String,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}
