//! cdk-nag-style rule pass over a synthesized template: each rule is a small pure function over the whole template
//! with a stable id; findings can be suppressed per resource in `Metadata.synth.suppressions` with a written reason.
//!
//! ```json
//! "Metadata": { "synth": { "suppressions": [ { "rule": "IAM2", "reason": "xray:PutTraceSegments has no resource ARN" } ] } }
//! ```
//!
//! Entries for other tools' ids (checkov `CKV_*`, cfn-lint `W3011`-style) may share the list: they must carry a
//! reason too, but are otherwise left to those tools.

mod apigw;
mod cloudwatch;
mod esm;
mod iam;
mod lambda;
mod lambda_env;
mod logs;
mod sqs;
mod suppress;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use lambda_env::{ENV_LIMIT_BYTES, REFERENCE_ESTIMATE, environment_size};
pub use suppress::{AppliedSuppression, SuppressionError, SuppressionWarning, is_foreign_rule};

/// One unsuppressed finding: a rule that flagged a resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `SQS1` (see [`rules`]).
    pub rule_id: &'static str,
    /// Logical id of the flagged resource.
    pub logical_id: String,
    /// What is wrong and, where useful, what to do.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.rule_id, self.logical_id, self.message)
    }
}

/// Result of [`check_template`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    /// Findings that no suppression covers, sorted by (rule id, logical id, message).
    pub findings: Vec<Finding>,
    /// Suppressions that covered at least one finding (with the findings' messages).
    pub suppressed: Vec<AppliedSuppression>,
    /// Malformed suppressions (missing/empty reason, unknown rule id, wrong shape).
    pub errors: Vec<SuppressionError>,
    /// Suppressions that matched nothing (the rule never flags that resource).
    pub warnings: Vec<SuppressionWarning>,
}

impl RuleReport {
    /// No unsuppressed finding and no malformed suppression (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty() && self.errors.is_empty()
    }
}

impl fmt::Display for RuleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "error: {finding}")?;
        }
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        write!(
            f,
            "{} finding(s), {} suppressed, {} suppression error(s), {} warning(s)",
            self.findings.len(),
            self.suppressed.len(),
            self.errors.len(),
            self.warnings.len()
        )
    }
}

/// A finding before suppressions are applied: (logical id, message).
pub(crate) type RawFinding = (String, String);

/// A rule: stable id, one-line description, and the pure check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id used in findings and suppressions.
    pub id: &'static str,
    /// One-line description of what compliant means.
    pub description: &'static str,
    check: fn(&Value) -> Vec<RawFinding>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("description", &self.description)
            .finish()
    }
}

impl Rule {
    /// Run this rule alone (no suppressions).
    pub fn check(&self, template: &Value) -> Vec<Finding> {
        let mut out: Vec<Finding> = (self.check)(template)
            .into_iter()
            .map(|(logical_id, message)| Finding {
                rule_id: self.id,
                logical_id,
                message,
            })
            .collect();
        out.sort();
        out
    }
}

const RULES: &[Rule] = &[
    Rule {
        id: iam::WILDCARD_ACTION,
        description: "IAM Allow statements name no `*` in actions (`*`, `service:*`, `service:Get*`) and use no NotAction",
        check: iam::wildcard_action,
    },
    Rule {
        id: iam::WILDCARD_RESOURCE,
        description: "IAM Allow statements use Resource `*` only for actions that support no resource-level permission",
        check: iam::wildcard_resource,
    },
    Rule {
        id: iam::UNKNOWN_ACTION,
        description: "IAM actions exist: known service prefix (e.g. `partnercentral:`, not `partnercentral-selling:`) and action name",
        check: iam::unknown_action,
    },
    Rule {
        id: iam::PUBLIC_PRINCIPAL,
        description: "Trust and resource policies allow no `*` principal without a Condition",
        check: iam::public_principal,
    },
    Rule {
        id: sqs::SSE,
        description: "SQS queues are encrypted at rest (SqsManagedSseEnabled not false, or KmsMasterKeyId)",
        check: sqs::sse,
    },
    Rule {
        id: sqs::TLS_ONLY,
        description: "Every SQS queue has a queue policy that denies requests when aws:SecureTransport is false",
        check: sqs::tls_only,
    },
    Rule {
        id: sqs::REDRIVE,
        description: "Every SQS queue has a RedrivePolicy unless it is itself a dead-letter queue",
        check: sqs::redrive,
    },
    Rule {
        id: sqs::FIFO_DLQ,
        description: "A FIFO queue's dead-letter queue is FIFO too (and a standard queue's is standard)",
        check: sqs::fifo_dlq,
    },
    Rule {
        id: logs::RETENTION,
        description: "Log groups set RetentionInDays",
        check: logs::retention,
    },
    Rule {
        id: lambda::LOG_GROUP,
        description: "Lambda functions have an explicit log group in the template (with retention)",
        check: lambda::log_group,
    },
    Rule {
        id: lambda::MEMORY_TIMEOUT,
        description: "Lambda functions set MemorySize and Timeout explicitly",
        check: lambda::memory_timeout,
    },
    Rule {
        id: lambda::PLAINTEXT_SECRET,
        description: "No Lambda environment variable named like a secret (SECRET/TOKEN/PASSWORD) holds a literal value",
        check: lambda::plaintext_secret,
    },
    Rule {
        id: lambda::SCOPED_PERMISSION,
        description: "Lambda invoke permissions name a principal (not `*`) and a SourceArn for service principals",
        check: lambda::scoped_permission,
    },
    Rule {
        id: lambda_env::ENV_SIZE,
        description: "A function's environment variables (keys and values, serialized as Lambda measures them) fit in 4 KB",
        check: lambda_env::env_size,
    },
    Rule {
        id: esm::BATCH_FAILURES,
        description: "SQS event source mappings set FunctionResponseTypes [ReportBatchItemFailures]",
        check: esm::batch_failures,
    },
    Rule {
        id: esm::VISIBILITY,
        description: "A queue consumed by a function has VisibilityTimeout >= 6x the function's Timeout",
        check: esm::visibility,
    },
    Rule {
        id: esm::BATCHING,
        description: "SQS mappings batch validly: FIFO BatchSize <= 10 and no window; standard BatchSize > 10 needs a window",
        check: esm::batching,
    },
    Rule {
        id: apigw::THROTTLING,
        description: "API Gateway stages throttle all methods (MethodSettings /*/* with rate and burst limits)",
        check: apigw::throttling,
    },
    Rule {
        id: apigw::ACCESS_LOG,
        description: "API Gateway stages write access logs (AccessLogSetting with DestinationArn and Format)",
        check: apigw::access_log,
    },
    Rule {
        id: cloudwatch::ALARM_ACTIONS,
        description: "CloudWatch alarms have AlarmActions and do not disable actions",
        check: cloudwatch::alarm_actions,
    },
];

/// Every rule, in a stable order.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Run every rule over the template and apply the suppressions found in each resource's
/// `Metadata.synth.suppressions`.
pub fn check_template(template: &Value) -> RuleReport {
    let raw: Vec<Finding> = RULES.iter().flat_map(|r| r.check(template)).collect();
    suppress::apply(template, raw)
}
