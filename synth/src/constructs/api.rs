//! A REST API exposing one Lambda-proxy route, with a content-hashed Deployment (new id whenever the API model
//! changes, `DependsOn` every method), a Stage with throttling, metrics and JSON access logs in its own log group,
//! and a Lambda permission scoped to exactly that method. Rules: `access-log-format`, `api-throttling`.

use sha2::{Digest, Sha256};

use super::function::FunctionParts;
use crate::cfn::expr::Expr;
use crate::cfn::resources::Tag;
use crate::cfn::resources::apigateway::{
    AccessLogSetting, ApiResource, Deployment, EndpointConfiguration, Integration, Method, MethodSetting, RestApi,
    Stage,
};
use crate::cfn::resources::lambda::Permission;
use crate::cfn::resources::logs::LogGroup;
use crate::cfn::{Handle, Template};

/// Access-log line: one JSON object per request.
pub const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationStatus":"$context.integration.status","integrationLatency":"$context.integration.latency","errorMessage":"$context.error.message"}"#;

/// Inputs of [`lambda_route_api`].
#[derive(Debug, Clone)]
pub struct ApiProps {
    /// Logical-id stem (`<id>`, `<id>Stage`, `<id>AccessLogs`, ...).
    pub id: String,
    /// API name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Path segments, e.g. `["async", "webhook"]`.
    pub path: Vec<String>,
    /// HTTP method.
    pub http_method: &'static str,
    /// Stage name.
    pub stage_name: String,
    /// Requests per second.
    pub rate_limit: f64,
    /// Burst.
    pub burst_limit: u32,
    /// Access-log group name.
    pub access_log_group: String,
    /// Access-log retention.
    pub log_retention_days: u32,
    /// Access-log format.
    pub access_log_format: String,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// What [`lambda_route_api`] created.
#[derive(Debug, Clone)]
pub struct ApiParts {
    /// The API.
    pub api: Handle<RestApi>,
    /// The stage.
    pub stage: Handle<Stage>,
    /// The method.
    pub method: Handle<Method>,
    /// The stage's access-log group.
    pub access_logs: Handle<LogGroup>,
    /// `https://<api>.execute-api.<region>.<suffix>/<stage>/<path>`
    pub url: Expr,
}

fn pascal(seg: &str) -> String {
    seg.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Creates the API, its route to `target` and the stage.
pub fn lambda_route_api(t: &mut Template, p: &ApiProps, target: &FunctionParts) -> ApiParts {
    if !p.access_log_format.contains("$context.requestId")
        && !p.access_log_format.contains("$context.extendedRequestId")
    {
        t.violation(
            &format!("{}Stage", p.id),
            "access-log-format",
            "access-log format must contain $context.requestId or $context.extendedRequestId",
        );
    }
    if p.rate_limit <= 0.0 || p.burst_limit == 0 {
        t.violation(
            &format!("{}Stage", p.id),
            "api-throttling",
            "throttling rate and burst must be positive",
        );
    }
    let api_props = RestApi {
        description: p.description.clone(),
        endpoint_configuration: EndpointConfiguration {
            types: vec!["REGIONAL"],
        },
        name: p.name.clone(),
        tags: p.tags.clone(),
    };
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(&api_props).unwrap_or_default());
    let api = t.add(&p.id, api_props);
    let mut parent = api.root_resource_id();
    let mut res_id = p.id.clone();
    for seg in &p.path {
        res_id.push_str(&pascal(seg));
        let r = ApiResource {
            parent_id: parent,
            path_part: seg.clone(),
            rest_api_id: api.api_id(),
        };
        hasher.update(serde_json::to_vec(&r).unwrap_or_default());
        parent = t.add(&res_id, r).resource_id();
    }
    let uri = Expr::sub_with(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations",
        [("FunctionArn", target.function.arn())],
    );
    let m = Method {
        authorization_type: "NONE",
        http_method: p.http_method,
        integration: Integration {
            integration_http_method: "POST",
            kind: "AWS_PROXY",
            uri,
        },
        resource_id: parent,
        rest_api_id: api.api_id(),
    };
    hasher.update(serde_json::to_vec(&m).unwrap_or_default());
    let method = t.add(&format!("{res_id}{}", pascal(&p.http_method.to_ascii_lowercase())), m);
    t.suppress(&method, "CKV_AWS_59", "HubSpot cannot sign requests for IAM or Cognito; the receipt function verifies the HubSpot v3 signature and answers 401 otherwise.");

    let hash = hex::encode_upper(hasher.finalize());
    let deployment = t.add(
        &format!("{}Deployment{}", p.id, &hash[..8]),
        Deployment {
            description: format!("{} (model hash {})", p.name, &hash[..16]),
            rest_api_id: api.api_id(),
        },
    );
    t.depends_on(&deployment, [method.id().clone()]);

    let access_logs = t.add(
        &format!("{}AccessLogs", p.id),
        LogGroup {
            log_group_name: p.access_log_group.clone(),
            retention_in_days: p.log_retention_days.into(),
            tags: p.tags.clone(),
        },
    );
    t.suppress(
        &access_logs,
        "CKV_AWS_158",
        "Access logs hold request metadata only; encrypted at rest with CloudWatch Logs service keys.",
    );
    t.suppress(
        &access_logs,
        "CKV_AWS_338",
        "Operational logs; retention is set per environment to limit cost and data kept.",
    );
    let stage = t.add(
        &format!("{}Stage", p.id),
        Stage {
            access_log_setting: AccessLogSetting {
                destination_arn: access_logs.arn(),
                format: p.access_log_format.clone(),
            },
            deployment_id: deployment.deployment_id(),
            description: format!("{} stage of {}", p.stage_name, p.name),
            method_settings: vec![MethodSetting {
                http_method: "*",
                metrics_enabled: true.into(),
                resource_path: "/*",
                throttling_burst_limit: p.burst_limit.into(),
                throttling_rate_limit: p.rate_limit.into(),
            }],
            rest_api_id: api.api_id(),
            stage_name: p.stage_name.clone(),
            tags: p.tags.clone(),
        },
    );
    t.suppress(
        &stage,
        "CKV_AWS_120",
        "Webhook POSTs must reach the function every time; a cache would drop events.",
    );
    t.suppress(
        &stage,
        "CKV_AWS_73",
        "X-Ray is not used; requests are traced by requestId in access and function logs.",
    );

    let path = p.path.join("/");
    let source_arn = Expr::sub_with(
        format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{ApiId}}/{}/{}/{path}",
            p.stage_name, p.http_method
        ),
        [("ApiId", api.api_id())],
    );
    t.add(
        &format!("{}Invoke{}", p.id, pascal(&target.function.id().to_string())),
        Permission {
            action: "lambda:InvokeFunction",
            function_name: target.function.arn(),
            principal: "apigateway.amazonaws.com",
            source_arn,
        },
    );
    let url = Expr::sub_with(
        format!(
            "https://${{ApiId}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{}/{path}",
            p.stage_name
        ),
        [("ApiId", api.api_id())],
    );
    ApiParts {
        api,
        stage,
        method,
        access_logs,
        url,
    }
}
