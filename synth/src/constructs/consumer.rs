//! An SQS event source mapping with partial batch responses, plus the consume grant on the function's role.
//! Rules: `visibility-timeout` (queue visibility >= 6 x function timeout), `fifo-batch-size` (1..=10),
//! `fifo-batching-window` (none on FIFO), `batch-size`, `maximum-concurrency` (2..=1000).

use super::function::FunctionParts;
use super::queue::QueuePair;
use crate::cfn::resources::iam::{Statement, add_inline_policy};
use crate::cfn::resources::lambda::{EventSourceMapping, ScalingConfig};
use crate::cfn::{Handle, Template};

/// Inputs of [`sqs_consumer`].
#[derive(Debug, Clone)]
pub struct ConsumerProps {
    /// Logical id of the mapping.
    pub id: String,
    /// Records per batch.
    pub batch_size: u32,
    /// Batching window in seconds (rejected on FIFO).
    pub batching_window_seconds: Option<u32>,
    /// ScalingConfig.MaximumConcurrency.
    pub maximum_concurrency: u32,
}

/// Checks the consumer invariants; returns nothing, records violations.
pub fn check(t: &mut Template, p: &ConsumerProps, queue: &QueuePair, function_timeout: u32) {
    let id = p.id.as_str();
    if queue.visibility_timeout_seconds < 6 * function_timeout {
        t.violation(
            id,
            "visibility-timeout",
            format!(
                "queue visibility timeout {} s is less than 6 x the function timeout {} s ({} s)",
                queue.visibility_timeout_seconds,
                function_timeout,
                6 * function_timeout
            ),
        );
    }
    if queue.fifo {
        if !(1..=10).contains(&p.batch_size) {
            t.violation(
                id,
                "fifo-batch-size",
                format!("batch size {} is outside 1..=10 for a FIFO queue", p.batch_size),
            );
        }
        if p.batching_window_seconds.is_some() {
            t.violation(
                id,
                "fifo-batching-window",
                "a FIFO queue does not support a batching window",
            );
        }
    } else {
        let max = if p.batching_window_seconds.is_some() {
            10_000
        } else {
            10
        };
        if !(1..=max).contains(&p.batch_size) {
            t.violation(
                id,
                "batch-size",
                format!("batch size {} is outside 1..={max}", p.batch_size),
            );
        }
        if p.batching_window_seconds.is_some_and(|w| w > 300) {
            t.violation(id, "batch-size", "batching window must be <= 300 s");
        }
    }
    if !(2..=1000).contains(&p.maximum_concurrency) {
        t.violation(
            id,
            "maximum-concurrency",
            format!("MaximumConcurrency {} is outside 2..=1000", p.maximum_concurrency),
        );
    }
}

/// Connects `queue` to `function` and grants the function's role what the mapping needs.
pub fn sqs_consumer(
    t: &mut Template,
    p: &ConsumerProps,
    queue: &QueuePair,
    f: &FunctionParts,
) -> Handle<EventSourceMapping> {
    check(t, p, queue, f.timeout_seconds);
    add_inline_policy(
        t,
        &f.role,
        "consume",
        vec![Statement::allow(
            "ConsumeSyncEvents",
            &[
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            vec![queue.queue.arn()],
        )],
    );
    t.add(
        &p.id,
        EventSourceMapping {
            batch_size: p.batch_size.into(),
            enabled: true.into(),
            event_source_arn: queue.queue.arn(),
            function_name: f.function.name(),
            function_response_types: vec!["ReportBatchItemFailures"],
            maximum_batching_window_in_seconds: p.batching_window_seconds.map(Into::into),
            scaling_config: Some(ScalingConfig {
                maximum_concurrency: p.maximum_concurrency.into(),
            }),
        },
    )
}
