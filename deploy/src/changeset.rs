//! One stack through a CloudFormation change set: find the stack's state (CREATE or UPDATE), create the change
//! set, wait for it, describe it readably, let the caller confirm, execute it and follow the stack events until
//! the stack settles. A change set without changes is deleted and reported as [`Outcome::NoChanges`].
//!
//! * `state`: the stack's status and outputs, and which change set type its status allows.
//! * `nochange`: recognising an unchanged stack before or while a change set is made.
//! * `create`: creating the change set (or the stack, for emulators); deleting planned/declined ones.
//! * `describe`: waiting for a change set and reading it into a [`ChangeSetSummary`].
//! * `execute`: executing it and following the stack events.

mod create;
mod describe;
mod execute;
mod nochange;
mod state;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::ChangeSetType;

use crate::error::DeployError;
use create::{create_change_set, create_directly, delete_change_set, delete_review_stack};
pub use describe::{ChangeLine, ChangeSetSummary};
use describe::{Computed, wait_for_change_set};
use execute::execute_change_set;
use nochange::{is_no_change, no_changes, unchanged};
pub use state::stack_outputs;
use state::{change_set_type, stack_status};

/// Where the template comes from.
#[derive(Debug, Clone)]
pub enum TemplateSource {
    /// Inline body (up to 51,200 bytes).
    Body(String),
    /// An S3 URL (up to 1 MB).
    Url(String),
}

/// What to deploy into one stack.
#[derive(Debug, Clone)]
pub struct StackRequest {
    /// Stack name.
    pub stack: String,
    /// Change set name (`[a-zA-Z][-a-zA-Z0-9]*`).
    pub change_set: String,
    /// Template.
    pub template: TemplateSource,
    /// Parameter values (parameters left out take their template default).
    pub parameters: BTreeMap<String, String>,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Template defaults of the parameters not in `parameters` (for the unchanged-stack check).
    pub defaults: BTreeMap<String, String>,
    /// How a stack that does not exist yet is created.
    pub create_mode: CreateMode,
    /// Only show the change set: delete it afterwards and execute nothing.
    pub plan_only: bool,
    /// The template's resources (logical id, type), shown when a stack is created without a change set.
    pub resources: Vec<(String, String)>,
}

/// How a new stack is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreateMode {
    /// A CREATE change set (the default; what real CloudFormation is deployed with).
    #[default]
    ChangeSet,
    /// CreateStack directly, after showing the template's resources as the plan. For emulators whose CREATE
    /// change sets leave the stack without outputs or exports (moto 5.2.5 builds them only in CreateStack).
    /// Updates always go through change sets.
    CreateStack,
}

/// Timing of the waits.
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    /// Delay between polls.
    pub poll: Duration,
    /// Give up after this long (per wait).
    pub timeout: Duration,
}

impl Waits {
    /// Sleeps one poll interval, or fails with [`DeployError::Timeout`] (naming `what` of `stack`) when the wait
    /// that began at `started` has run longer than the timeout.
    pub(crate) async fn pause(&self, started: Instant, stack: &str, what: &'static str) -> Result<(), DeployError> {
        if started.elapsed() > self.timeout {
            return Err(DeployError::Timeout {
                stack: stack.to_owned(),
                what,
                seconds: self.timeout.as_secs(),
            });
        }
        tokio::time::sleep(self.poll).await;
        Ok(())
    }
}

/// How a stack deploy ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The stack was created.
    Created,
    /// The stack was updated.
    Updated,
    /// The template and parameters equal what is deployed; nothing was executed.
    NoChanges,
    /// Plan only: the change set was shown and deleted; nothing was executed.
    Planned,
}

/// Result of [`deploy_stack`].
#[derive(Debug, Clone)]
pub struct StackResult {
    /// Outcome.
    pub outcome: Outcome,
    /// The change set as shown (absent for no-op).
    pub summary: Option<ChangeSetSummary>,
    /// Stack outputs after the deploy.
    pub outputs: BTreeMap<String, String>,
}

/// Deploys one stack. `confirm` is asked (when given) before a change set with changes is executed; declining
/// deletes the change set (and the empty stack a CREATE change set made).
pub async fn deploy_stack(
    cfn: &Client,
    req: &StackRequest,
    waits: Waits,
    confirm: Option<&mut dyn FnMut(&ChangeSetSummary) -> bool>,
    progress: &mut dyn Write,
) -> Result<StackResult, DeployError> {
    let stack = req.stack.as_str();
    let before = stack_status(cfn, stack).await?;
    let kind = change_set_type(stack, before.as_ref().map(|(s, _)| s.as_str()))?;
    let create = kind == ChangeSetType::Create;
    if create && req.create_mode == CreateMode::CreateStack && before.is_none() {
        return create_directly(cfn, req, waits, confirm, progress).await;
    }
    if !create && unchanged(cfn, req).await? {
        writeln!(
            progress,
            "{stack}: no changes (template and parameters equal the deployed ones)"
        )?;
        return no_changes(cfn, stack).await;
    }
    writeln!(
        progress,
        "{stack}: creating change set {} ({})",
        req.change_set,
        if create { "new stack" } else { "update" }
    )?;

    let id = match create_change_set(cfn, req, kind).await {
        Ok(id) => id,
        // Some implementations refuse an unchanged update at creation instead of failing the change set.
        Err(message) if !create && is_no_change(&message) => {
            writeln!(progress, "{stack}: no changes")?;
            return no_changes(cfn, stack).await;
        }
        Err(message) => {
            return Err(DeployError::Cfn {
                operation: "CreateChangeSet",
                stack: stack.to_owned(),
                message,
            });
        }
    };

    let summary = match wait_for_change_set(cfn, stack, &id, &req.change_set, create, waits).await? {
        Computed::Ready(summary) => summary,
        Computed::Failed(reason) => {
            delete_change_set(cfn, stack, &id).await?;
            if is_no_change(&reason) {
                writeln!(progress, "{stack}: no changes")?;
                return no_changes(cfn, stack).await;
            }
            return Err(DeployError::ChangeSetFailed {
                stack: stack.to_owned(),
                change_set: req.change_set.clone(),
                reason,
            });
        }
    };
    write!(progress, "{summary}")?;

    if req.plan_only {
        delete_change_set(cfn, stack, &id).await?;
        // The outputs of an existing stack stay valid inputs for planning the stacks after it.
        let outputs = if create {
            delete_review_stack(cfn, stack).await?;
            BTreeMap::new()
        } else {
            stack_outputs(cfn, stack).await?
        };
        return Ok(StackResult {
            outcome: Outcome::Planned,
            summary: Some(summary),
            outputs,
        });
    }
    if let Some(confirm) = confirm
        && !confirm(&summary)
    {
        delete_change_set(cfn, stack, &id).await?;
        if create {
            delete_review_stack(cfn, stack).await?;
        }
        return Err(DeployError::Declined {
            stack: stack.to_owned(),
        });
    }

    execute_change_set(cfn, stack, &id, create, waits, progress).await?;
    Ok(StackResult {
        outcome: if create { Outcome::Created } else { Outcome::Updated },
        summary: Some(summary),
        outputs: stack_outputs(cfn, stack).await?,
    })
}
