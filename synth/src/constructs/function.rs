//! A Rust Lambda function (`provided.al2023`, arm64, `bootstrap`), its explicit log group with retention, and an
//! execution role with least-privilege inline policies (no managed policies). Code comes from S3 parameters so a
//! code-only change leaves the template unchanged. Rules: `function-range`, `log-retention`, `env-var`.

use std::collections::BTreeMap;

use crate::cfn::expr::Expr;
use crate::cfn::resources::Tag;
use crate::cfn::resources::iam::{InlinePolicy, PolicyDocument, Principal, Role, Statement};
use crate::cfn::resources::lambda::{Code, Environment, Function, LoggingConfig};
use crate::cfn::resources::logs::{LogGroup, RETENTION_DAYS};
use crate::cfn::{Handle, Template};

/// Inputs of [`rust_function`].
#[derive(Debug, Clone)]
pub struct FunctionProps {
    /// Logical-id stem: `<id>Function`, `<id>Role`, `<id>LogGroup`.
    pub id: String,
    /// Physical function name.
    pub name: String,
    /// Physical role name.
    pub role_name: String,
    /// Description.
    pub description: String,
    /// Memory in MB.
    pub memory_mb: u32,
    /// Timeout in seconds.
    pub timeout_seconds: u32,
    /// Reserved concurrency.
    pub reserved_concurrency: Option<u32>,
    /// Environment variables.
    pub env: BTreeMap<String, Expr>,
    /// Extra least-privilege statements (logs are added automatically).
    pub statements: Vec<Statement>,
    /// Code bucket.
    pub code_bucket: Expr,
    /// Code key.
    pub code_key: Expr,
    /// Log retention in days.
    pub log_retention_days: u32,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// What [`rust_function`] created.
#[derive(Debug, Clone)]
pub struct FunctionParts {
    /// The function.
    pub function: Handle<Function>,
    /// Its role.
    pub role: Handle<Role>,
    /// Its log group.
    pub log_group: Handle<LogGroup>,
    /// Its timeout (for consumer checks).
    pub timeout_seconds: u32,
}

fn check(t: &mut Template, p: &FunctionProps) {
    let id = format!("{}Function", p.id);
    if !(128..=10_240).contains(&p.memory_mb) {
        t.violation(
            &id,
            "function-range",
            format!("MemorySize {} is outside 128..=10240", p.memory_mb),
        );
    }
    if !(1..=900).contains(&p.timeout_seconds) {
        t.violation(
            &id,
            "function-range",
            format!("Timeout {} is outside 1..=900", p.timeout_seconds),
        );
    }
    if !RETENTION_DAYS.contains(&p.log_retention_days) {
        t.violation(
            &format!("{}LogGroup", p.id),
            "log-retention",
            format!("{} days is not an allowed retention", p.log_retention_days),
        );
    }
    for k in p.env.keys() {
        let ok = k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !k.starts_with("AWS_");
        if !ok {
            t.violation(
                &id,
                "env-var",
                format!("environment variable name {k:?} is invalid or reserved"),
            );
        }
    }
}

/// Creates the log group, role and function.
pub fn rust_function(t: &mut Template, p: FunctionProps) -> FunctionParts {
    check(t, &p);
    let log_group = t.add(
        &format!("{}LogGroup", p.id),
        LogGroup {
            log_group_name: format!("/aws/lambda/{}", p.name),
            retention_in_days: p.log_retention_days.into(),
            tags: p.tags.clone(),
        },
    );
    let trust = Statement::allow("LambdaAssume", &["sts:AssumeRole"], vec![])
        .principal(Principal::Service("lambda.amazonaws.com".to_owned()));
    let logs = Statement::allow(
        "WriteOwnLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![log_group.arn()],
    );
    let mut policies = vec![InlinePolicy {
        policy_document: PolicyDocument::new(vec![logs]),
        policy_name: "logs".to_owned(),
    }];
    if !p.statements.is_empty() {
        policies.push(InlinePolicy {
            policy_document: PolicyDocument::new(p.statements),
            policy_name: "access".to_owned(),
        });
    }
    let role = t.add(
        &format!("{}Role", p.id),
        Role {
            assume_role_policy_document: PolicyDocument::new(vec![trust]),
            description: format!("Execution role of {}", p.name),
            max_session_duration: None,
            policies,
            role_name: Some(Expr::lit(p.role_name)),
            tags: p.tags.clone(),
        },
    );
    let function = t.add(
        &format!("{}Function", p.id),
        Function {
            architectures: vec!["arm64"],
            code: Code {
                s3_bucket: p.code_bucket,
                s3_key: p.code_key,
            },
            description: p.description,
            environment: Environment { variables: p.env },
            function_name: p.name,
            handler: "bootstrap",
            logging_config: LoggingConfig {
                log_format: "JSON",
                log_group: log_group.name(),
            },
            memory_size: p.memory_mb.into(),
            reserved_concurrent_executions: p.reserved_concurrency.map(Into::into),
            role: role.arn(),
            runtime: "provided.al2023",
            tags: p.tags,
            timeout: p.timeout_seconds.into(),
        },
    );
    t.suppress(
        &function,
        "CKV_AWS_117",
        "Calls only public AWS and HubSpot endpoints; there is no VPC resource to reach.",
    );
    t.suppress(
        &function,
        "CKV_AWS_173",
        "Variables hold ARNs, URLs and ids only; secrets are read from Secrets Manager at cold start.",
    );
    t.suppress(
        &log_group,
        "CKV_AWS_158",
        "Functions log no secrets or personal data; encrypted at rest with CloudWatch Logs service keys.",
    );
    t.suppress(
        &log_group,
        "CKV_AWS_338",
        "Operational logs; retention is set per environment to limit cost and data kept.",
    );
    FunctionParts {
        function,
        role,
        log_group,
        timeout_seconds: p.timeout_seconds,
    }
}
