//! `dlq redrive`: SQS `StartMessageMoveTask` from the DLQ back to its source queue (FIFO to FIFO), then progress
//! from `ListMessageMoveTasks` until the task ends.
//!
//! SQS allows one active move task per source queue, at most 500 messages/s (`--rate`; default: SQS's own
//! adaptive rate). Moved messages keep their body and group id. When SQS dead-letters a FIFO message it replaces the
//! deduplication id with the original message id, so a redriven message is not dropped as a duplicate of its first
//! send; it arrives as a new message (new message id, fresh retention) interleaved with new traffic of the source
//! queue. moto 5.2.5 implements neither operation: against it the command fails with [`OpsError::Unsupported`].

use std::time::Duration;

use serde::Serialize;

use crate::error::{OpsError, classify};
use crate::target::{Selection, Sqs};

/// A started move task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    /// TaskHandle (for CancelMessageMoveTask).
    pub task_handle: String,
    /// DLQ ARN (the task's source).
    pub source_arn: String,
    /// Source queue ARN (the task's destination).
    pub destination_arn: String,
    /// Visible DLQ messages when the task started.
    pub dlq_depth_at_start: u64,
}

/// The state of the most recent move task of a DLQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// `RUNNING`, `COMPLETED`, `CANCELLING`, `CANCELLED`, `FAILED`.
    pub status: String,
    /// ApproximateNumberOfMessagesMoved.
    pub moved: i64,
    /// ApproximateNumberOfMessagesToMove (known once the task has counted).
    pub to_move: Option<i64>,
    /// FailureReason.
    pub failure_reason: Option<String>,
}

impl Progress {
    /// True once the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.as_str(), "COMPLETED" | "CANCELLED" | "FAILED")
    }

    /// `moved/total` line for progress output.
    pub fn line(&self) -> String {
        let total = self.to_move.map_or("?".to_owned(), |t| t.to_string());
        format!("redrive {}: {}/{} moved", self.status, self.moved, total)
    }

    /// `Ok` for a completed task, else [`OpsError::RedriveFailed`].
    pub fn into_result(self) -> Result<Progress, OpsError> {
        match self.status.as_str() {
            "COMPLETED" => Ok(self),
            _ => Err(OpsError::RedriveFailed {
                reason: self
                    .failure_reason
                    .clone()
                    .unwrap_or_else(|| "no reason given".to_owned()),
                status: self.status,
                moved: self.moved,
            }),
        }
    }
}

/// Validates a `--rate` value (SQS accepts 1..=500 messages per second).
pub fn check_rate(rate: Option<i32>) -> Result<(), OpsError> {
    match rate {
        Some(r) if !(1..=500).contains(&r) => Err(OpsError::InvalidArgument {
            argument: "--rate",
            reason: format!("{r} is outside 1..=500 messages per second"),
        }),
        _ => Ok(()),
    }
}

/// Starts moving every DLQ message back to the source queue.
pub async fn start(sqs: &Sqs, sel: &Selection, rate: Option<i32>) -> Result<Started, OpsError> {
    check_rate(rate)?;
    let source_url = sqs.source_url(sel).await?;
    let dlq_url = sqs.dlq_url(sel).await?;
    let destination_arn = sqs.arn(&source_url).await?;
    let source_arn = sqs.arn(&dlq_url).await?;
    let depth = crate::status::queue_stats(sqs, &dlq_url).await?.visible;
    let out = sqs
        .client
        .start_message_move_task()
        .source_arn(&source_arn)
        .destination_arn(&destination_arn)
        .set_max_number_of_messages_per_second(rate)
        .send()
        .await
        .map_err(|e| classify("StartMessageMoveTask", &dlq_url, &sqs.endpoint, e))?;
    Ok(Started {
        task_handle: out.task_handle().unwrap_or_default().to_owned(),
        source_arn,
        destination_arn,
        dlq_depth_at_start: depth,
    })
}

/// The most recent move task of the DLQ with ARN `dlq_arn` (`None` if there never was one).
pub async fn latest(sqs: &Sqs, dlq_arn: &str) -> Result<Option<Progress>, OpsError> {
    let out = sqs
        .client
        .list_message_move_tasks()
        .source_arn(dlq_arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| classify("ListMessageMoveTasks", dlq_arn, &sqs.endpoint, e))?;
    Ok(out.results().first().map(|r| Progress {
        status: r.status().unwrap_or("UNKNOWN").to_owned(),
        moved: r.approximate_number_of_messages_moved(),
        to_move: r.approximate_number_of_messages_to_move(),
        failure_reason: r.failure_reason().map(str::to_owned),
    }))
}

/// Polls [`latest`] every `interval` until the task is terminal, reporting each state to `progress`.
pub async fn wait(
    sqs: &Sqs,
    dlq_arn: &str,
    interval: Duration,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Progress, OpsError> {
    loop {
        match latest(sqs, dlq_arn).await? {
            Some(p) => {
                progress(&p);
                if p.is_terminal() {
                    return p.into_result();
                }
            }
            None => progress(&Progress {
                status: "PENDING".to_owned(),
                moved: 0,
                to_move: None,
                failure_reason: None,
            }),
        }
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(status: &str, moved: i64, to_move: Option<i64>) -> Progress {
        Progress {
            status: status.to_owned(),
            moved,
            to_move,
            failure_reason: None,
        }
    }

    #[test]
    fn progress_lines_and_outcomes() {
        assert_eq!(p("RUNNING", 3, Some(10)).line(), "redrive RUNNING: 3/10 moved");
        assert_eq!(p("RUNNING", 0, None).line(), "redrive RUNNING: 0/? moved");
        assert!(!p("RUNNING", 3, Some(10)).is_terminal());
        assert!(!p("CANCELLING", 3, Some(10)).is_terminal());
        assert!(p("COMPLETED", 10, Some(10)).into_result().is_ok());
        let failed = p("FAILED", 4, Some(10)).into_result().unwrap_err();
        assert!(failed.to_string().contains("FAILED after moving 4"), "{failed}");
    }

    #[test]
    fn rate_range() {
        assert!(check_rate(None).is_ok());
        assert!(check_rate(Some(1)).is_ok() && check_rate(Some(500)).is_ok());
        assert!(check_rate(Some(0)).is_err() && check_rate(Some(501)).is_err());
    }
}
