//! SQS: `AWS::SQS::Queue` and `AWS::SQS::QueuePolicy`.

use serde::Serialize;

use super::Tag;
use super::iam::PolicyDocument;
use crate::cfn::expr::{Expr, Val};
use crate::cfn::template::Handle;

/// `RedrivePolicy` (object form).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    /// DLQ ARN.
    pub dead_letter_target_arn: Expr,
    /// Receives before a message moves to the DLQ.
    pub max_receive_count: u32,
}

/// `RedriveAllowPolicy` (object form) of a dead-letter queue.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedriveAllowPolicy {
    /// `byQueue`, `allowAll` or `denyAll`.
    pub redrive_permission: &'static str,
    /// Source queues allowed when `byQueue`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_queue_arns: Vec<Expr>,
}

/// `AWS::SQS::Queue`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queue {
    /// Content-based deduplication (FIFO only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_based_deduplication: Option<bool>,
    /// `messageGroup` or `queue` (FIFO only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduplication_scope: Option<&'static str>,
    /// `perMessageGroupId` or `perQueue` (FIFO only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fifo_throughput_limit: Option<&'static str>,
    /// `true` for FIFO; never emitted as `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fifo_queue: Option<bool>,
    /// Retention in seconds (60..=1,209,600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_retention_period: Option<Val<u32>>,
    /// Physical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Long-polling wait (0..=20 s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_message_wait_time_seconds: Option<Val<u32>>,
    /// Which queues may use this one as DLQ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_allow_policy: Option<RedriveAllowPolicy>,
    /// Dead-letter target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_policy: Option<RedrivePolicy>,
    /// SSE-SQS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqs_managed_sse_enabled: Option<bool>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Visibility timeout in seconds (0..=43,200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility_timeout: Option<Val<u32>>,
}

impl Handle<Queue> {
    /// Queue URL (`Ref`).
    pub fn url(&self) -> Expr {
        self.r#ref()
    }
    /// Queue ARN.
    pub fn arn(&self) -> Expr {
        self.get_att("Arn")
    }
    /// Queue name.
    pub fn name(&self) -> Expr {
        self.get_att("QueueName")
    }
}

/// `AWS::SQS::QueuePolicy`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueuePolicy {
    /// The policy.
    pub policy_document: PolicyDocument,
    /// Queue URLs.
    pub queues: Vec<Expr>,
}
