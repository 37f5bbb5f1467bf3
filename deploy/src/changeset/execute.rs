//! Executing: run a computed change set (or follow a CreateStack) and print the stack's new events until it
//! settles, collecting the resources that failed.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::time::Instant;

use aws_sdk_cloudformation::Client;

use super::Waits;
use super::state::stack_status;
use crate::error::{DeployError, ResourceFailure, SdkResultExt};

/// One stack event.
#[derive(Debug, Clone)]
struct Event {
    id: String,
    time: String,
    logical_id: String,
    resource_type: String,
    status: String,
    reason: String,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:<40} {:<36} {}",
            self.time, self.logical_id, self.resource_type, self.status
        )?;
        if !self.reason.is_empty() {
            write!(f, ": {}", self.reason)?;
        }
        Ok(())
    }
}

/// Executes the computed change set `id` of an existing (`create` = false) or review stack and follows it.
pub(super) async fn execute_change_set(
    cfn: &Client,
    stack: &str,
    id: &str,
    create: bool,
    waits: Waits,
    progress: &mut dyn Write,
) -> Result<(), DeployError> {
    // Events that exist before the execution are not this deploy's.
    let mut seen = HashSet::new();
    if !create {
        for e in recent_events(cfn, stack).await? {
            seen.insert(e.id);
        }
    }
    cfn.execute_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await
        .cfn("ExecuteChangeSet", stack)?;
    writeln!(progress, "{stack}: executing change set")?;
    follow(cfn, stack, &mut seen, waits, progress).await
}

/// Prints new stack events until the stack leaves `*_IN_PROGRESS`; errors with the failed resources unless it
/// ends in `CREATE_COMPLETE`/`UPDATE_COMPLETE`/`IMPORT_COMPLETE`.
pub(super) async fn follow(
    cfn: &Client,
    stack: &str,
    seen: &mut HashSet<String>,
    waits: Waits,
    progress: &mut dyn Write,
) -> Result<(), DeployError> {
    let started = Instant::now();
    let mut failures = Vec::new();
    loop {
        let mut fresh: Vec<Event> = recent_events(cfn, stack)
            .await?
            .into_iter()
            .filter(|e| seen.insert(e.id.clone()))
            .collect();
        fresh.reverse(); // DescribeStackEvents is newest first
        for e in fresh {
            writeln!(progress, "  {e}")?;
            if e.status.ends_with("_FAILED") {
                failures.push(ResourceFailure {
                    logical_id: e.logical_id,
                    resource_type: e.resource_type,
                    status: e.status,
                    reason: e.reason,
                });
            }
        }
        let (status, reason) = stack_status(cfn, stack).await?.unwrap_or_default();
        if !status.ends_with("_IN_PROGRESS") {
            if status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE" {
                writeln!(progress, "{stack}: {status}")?;
                return Ok(());
            }
            return Err(DeployError::StackFailed {
                stack: stack.to_owned(),
                status,
                reason,
                failures,
            });
        }
        waits.pause(started, stack, "the stack operation").await?;
    }
}

/// The newest page of stack events (newest first).
async fn recent_events(cfn: &Client, stack: &str) -> Result<Vec<Event>, DeployError> {
    let out = cfn
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
        .cfn("DescribeStackEvents", stack)?;
    Ok(out
        .stack_events()
        .iter()
        .map(|e| Event {
            id: e.event_id().unwrap_or_default().to_owned(),
            time: e
                .timestamp()
                .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
                .unwrap_or_default(),
            logical_id: e.logical_resource_id().unwrap_or_default().to_owned(),
            resource_type: e.resource_type().unwrap_or_default().to_owned(),
            status: e.resource_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            reason: e.resource_status_reason().unwrap_or_default().to_owned(),
        })
        .collect())
}
