//! One stack through a CloudFormation change set: find the stack's state (CREATE or UPDATE), create the change
//! set, wait for it, describe it readably, let the caller confirm, execute it and follow the stack events until
//! the stack settles. A change set without changes is deleted and reported as [`Outcome::NoChanges`].

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType, Parameter, Tag};

use crate::error::{DeployError, ResourceFailure, sdk_message};

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

/// One resource line of a change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// `True`, `False`, `Conditional` (modifications only).
    pub replacement: Option<String>,
    /// What changes (`Properties`, `Tags`, ...).
    pub scope: Vec<String>,
}

/// A created change set, as shown to the operator before it is executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetSummary {
    /// Stack name.
    pub stack: String,
    /// Change set name.
    pub change_set: String,
    /// CREATE (new stack) or UPDATE.
    pub create: bool,
    /// Resource changes.
    pub changes: Vec<ChangeLine>,
}

impl fmt::Display for ChangeSetSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.create { "CREATE" } else { "UPDATE" };
        writeln!(
            f,
            "change set {} for stack {} ({kind}, {} resource change{}):",
            self.change_set,
            self.stack,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        )?;
        if self.changes.is_empty() {
            writeln!(f, "  (no resource changes: outputs, parameters or metadata only)")?;
        }
        for c in &self.changes {
            let replacement = match c.replacement.as_deref() {
                Some("True") => "  REPLACEMENT",
                Some("Conditional") => "  MAY REPLACE",
                _ => "",
            };
            let scope = if c.scope.is_empty() {
                String::new()
            } else {
                format!(" [{}]", c.scope.join(", "))
            };
            writeln!(
                f,
                "  {:<8} {:<40} {}{scope}{replacement}",
                c.action, c.logical_id, c.resource_type
            )?;
        }
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

/// Current state of a stack, or `None` when it does not exist.
async fn stack_status(cfn: &Client, stack: &str) -> Result<Option<(String, String)>, DeployError> {
    match cfn.describe_stacks().stack_name(stack).send().await {
        Ok(out) => Ok(out.stacks().first().map(|s| {
            (
                s.stack_status().map(|x| x.as_str().to_owned()).unwrap_or_default(),
                s.stack_status_reason().unwrap_or_default().to_owned(),
            )
        })),
        Err(e) => {
            let message = sdk_message(&e);
            if message.contains("does not exist") {
                Ok(None)
            } else {
                Err(DeployError::Cfn {
                    operation: "DescribeStacks",
                    stack: stack.to_owned(),
                    message,
                })
            }
        }
    }
}

/// The outputs of an existing stack.
pub async fn stack_outputs(cfn: &Client, stack: &str) -> Result<BTreeMap<String, String>, DeployError> {
    let out = cfn
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "DescribeStacks",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
    Ok(out
        .stacks()
        .first()
        .map(|s| {
            s.outputs()
                .iter()
                .filter_map(|o| {
                    Some((
                        o.output_key()?.to_owned(),
                        o.output_value().unwrap_or_default().to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Decides CREATE or UPDATE from the stack's status, or refuses with a hint.
fn change_set_type(stack: &str, status: Option<&str>) -> Result<ChangeSetType, DeployError> {
    let not_ready = |status: &str, hint: &str| DeployError::StackNotReady {
        stack: stack.to_owned(),
        status: status.to_owned(),
        hint: hint.to_owned(),
    };
    match status {
        None | Some("REVIEW_IN_PROGRESS") => Ok(ChangeSetType::Create),
        Some(s @ ("ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED")) => Err(not_ready(
            s,
            &format!(
                "its first creation failed and it cannot be updated; look at its events, then delete it \
                 (aws cloudformation delete-stack --stack-name {stack}) and deploy again"
            ),
        )),
        Some(s @ "UPDATE_ROLLBACK_FAILED") => Err(not_ready(
            s,
            &format!(
                "finish the rollback first (aws cloudformation continue-update-rollback --stack-name {stack}), \
                 then deploy again"
            ),
        )),
        Some(s @ ("DELETE_FAILED" | "DELETE_COMPLETE")) => Err(not_ready(
            s,
            "it is being or was deleted; finish the deletion, then deploy again",
        )),
        Some(s) if s.ends_with("_IN_PROGRESS") => Err(not_ready(
            s,
            "another operation is running on it; wait until it finishes and deploy again",
        )),
        Some(_) => Ok(ChangeSetType::Update),
    }
}

/// Whether a change-set failure reason means "nothing to change".
fn is_no_change(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
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
    let cfn_err = |operation: &'static str, message: String| DeployError::Cfn {
        operation,
        stack: stack.to_owned(),
        message,
    };
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

    let mut call = cfn
        .create_change_set()
        .stack_name(stack)
        .change_set_name(&req.change_set)
        .change_set_type(kind)
        .capabilities(Capability::CapabilityNamedIam)
        .description("deploy: synthesized by the synth crate");
    call = match &req.template {
        TemplateSource::Body(b) => call.template_body(b),
        TemplateSource::Url(u) => call.template_url(u),
    };
    for (k, v) in &req.parameters {
        call = call.parameters(Parameter::builder().parameter_key(k).parameter_value(v).build());
    }
    for (k, v) in &req.tags {
        call = call.tags(Tag::builder().key(k).value(v).build());
    }
    let created = match call.send().await {
        Ok(out) => out,
        Err(e) => {
            let message = sdk_message(&e);
            // Some implementations refuse an unchanged update at creation instead of failing the change set.
            if !create && is_no_change(&message) {
                writeln!(progress, "{stack}: no changes")?;
                return no_changes(cfn, stack).await;
            }
            return Err(cfn_err("CreateChangeSet", message));
        }
    };
    let id = created.id().unwrap_or(&req.change_set).to_owned();

    // Wait for the change set to be computed.
    let started = Instant::now();
    let summary = loop {
        let (status, reason, summary) = describe_change_set(cfn, stack, &id, &req.change_set, create).await?;
        match status {
            ChangeSetStatus::CreateComplete => break summary,
            ChangeSetStatus::Failed => {
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
            _ => {}
        }
        if started.elapsed() > waits.timeout {
            return Err(DeployError::Timeout {
                stack: stack.to_owned(),
                what: "the change set",
                seconds: waits.timeout.as_secs(),
            });
        }
        tokio::time::sleep(waits.poll).await;
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

    // Events that exist before the execution are not this deploy's.
    let mut seen = HashSet::new();
    if !create {
        for e in recent_events(cfn, stack).await? {
            seen.insert(e.id);
        }
    }
    cfn.execute_change_set()
        .stack_name(stack)
        .change_set_name(&id)
        .send()
        .await
        .map_err(|e| cfn_err("ExecuteChangeSet", sdk_message(&e)))?;
    writeln!(progress, "{stack}: executing change set")?;

    follow(cfn, stack, &mut seen, waits, progress).await?;
    Ok(StackResult {
        outcome: if create { Outcome::Created } else { Outcome::Updated },
        summary: Some(summary),
        outputs: stack_outputs(cfn, stack).await?,
    })
}

/// Creates a new stack with CreateStack (see [`CreateMode::CreateStack`]).
async fn create_directly(
    cfn: &Client,
    req: &StackRequest,
    waits: Waits,
    confirm: Option<&mut dyn FnMut(&ChangeSetSummary) -> bool>,
    progress: &mut dyn Write,
) -> Result<StackResult, DeployError> {
    let stack = req.stack.as_str();
    let mut changes: Vec<ChangeLine> = req
        .resources
        .iter()
        .map(|(id, ty)| ChangeLine {
            action: "Add".to_owned(),
            logical_id: id.clone(),
            resource_type: ty.clone(),
            replacement: None,
            scope: vec![],
        })
        .collect();
    changes.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
    let summary = ChangeSetSummary {
        stack: stack.to_owned(),
        change_set: format!("{} (CreateStack)", req.change_set),
        create: true,
        changes,
    };
    write!(progress, "{summary}")?;
    if req.plan_only {
        return Ok(StackResult {
            outcome: Outcome::Planned,
            summary: Some(summary),
            outputs: BTreeMap::new(),
        });
    }
    if let Some(confirm) = confirm
        && !confirm(&summary)
    {
        return Err(DeployError::Declined {
            stack: stack.to_owned(),
        });
    }
    let mut call = cfn
        .create_stack()
        .stack_name(stack)
        .capabilities(Capability::CapabilityNamedIam);
    call = match &req.template {
        TemplateSource::Body(b) => call.template_body(b),
        TemplateSource::Url(u) => call.template_url(u),
    };
    for (k, v) in &req.parameters {
        call = call.parameters(Parameter::builder().parameter_key(k).parameter_value(v).build());
    }
    for (k, v) in &req.tags {
        call = call.tags(Tag::builder().key(k).value(v).build());
    }
    call.send().await.map_err(|e| DeployError::Cfn {
        operation: "CreateStack",
        stack: stack.to_owned(),
        message: sdk_message(&e),
    })?;
    writeln!(progress, "{stack}: creating stack")?;
    follow(cfn, stack, &mut HashSet::new(), waits, progress).await?;
    Ok(StackResult {
        outcome: Outcome::Created,
        summary: Some(summary),
        outputs: stack_outputs(cfn, stack).await?,
    })
}

/// Prints new stack events until the stack leaves `*_IN_PROGRESS`; errors with the failed resources unless it
/// ends in `CREATE_COMPLETE`/`UPDATE_COMPLETE`/`IMPORT_COMPLETE`.
async fn follow(
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
        if started.elapsed() > waits.timeout {
            return Err(DeployError::Timeout {
                stack: stack.to_owned(),
                what: "the stack operation",
                seconds: waits.timeout.as_secs(),
            });
        }
        tokio::time::sleep(waits.poll).await;
    }
}

/// Whether the deployed template (as submitted) and parameter values equal the request's, so a change set
/// would change nothing. Only inline templates are compared; anything else goes through a change set.
async fn unchanged(cfn: &Client, req: &StackRequest) -> Result<bool, DeployError> {
    let TemplateSource::Body(body) = &req.template else {
        return Ok(false);
    };
    let stack = req.stack.as_str();
    let deployed = cfn
        .get_template()
        .stack_name(stack)
        .template_stage(aws_sdk_cloudformation::types::TemplateStage::Original)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "GetTemplate",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
    if deployed.template_body() != Some(body.as_str()) {
        return Ok(false);
    }
    let out = cfn
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "DescribeStacks",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
    let current: BTreeMap<String, String> = out
        .stacks()
        .first()
        .map(|s| {
            s.parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_key()?.to_owned(),
                        p.parameter_value().unwrap_or_default().to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut wanted = req.defaults.clone();
    wanted.extend(req.parameters.clone());
    Ok(current == wanted)
}

async fn no_changes(cfn: &Client, stack: &str) -> Result<StackResult, DeployError> {
    Ok(StackResult {
        outcome: Outcome::NoChanges,
        summary: None,
        outputs: stack_outputs(cfn, stack).await?,
    })
}

/// Deletes the empty stack (REVIEW_IN_PROGRESS) a CREATE change set leaves behind.
async fn delete_review_stack(cfn: &Client, stack: &str) -> Result<(), DeployError> {
    cfn.delete_stack()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "DeleteStack",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
    Ok(())
}

async fn delete_change_set(cfn: &Client, stack: &str, id: &str) -> Result<(), DeployError> {
    cfn.delete_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "DeleteChangeSet",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
    Ok(())
}

/// Status, status reason and all resource changes (every page) of a change set.
async fn describe_change_set(
    cfn: &Client,
    stack: &str,
    id: &str,
    name: &str,
    create: bool,
) -> Result<(ChangeSetStatus, String, ChangeSetSummary), DeployError> {
    let mut changes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = cfn
            .describe_change_set()
            .stack_name(stack)
            .change_set_name(id)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| DeployError::Cfn {
                operation: "DescribeChangeSet",
                stack: stack.to_owned(),
                message: sdk_message(&e),
            })?;
        for c in out.changes() {
            if let Some(r) = c.resource_change() {
                changes.push(ChangeLine {
                    action: r.action().map(|a| a.as_str().to_owned()).unwrap_or_default(),
                    logical_id: r.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: r.resource_type().unwrap_or_default().to_owned(),
                    replacement: r.replacement().map(|x| x.as_str().to_owned()),
                    scope: r.scope().iter().map(|s| s.as_str().to_owned()).collect(),
                });
            }
        }
        let status = out.status().cloned().unwrap_or(ChangeSetStatus::CreatePending);
        let reason = out.status_reason().unwrap_or_default().to_owned();
        match out.next_token() {
            Some(t) if status == ChangeSetStatus::CreateComplete => token = Some(t.to_owned()),
            _ => {
                changes.sort_by(|a, b| (&a.logical_id, &a.action).cmp(&(&b.logical_id, &b.action)));
                let summary = ChangeSetSummary {
                    stack: stack.to_owned(),
                    change_set: name.to_owned(),
                    create,
                    changes,
                };
                return Ok((status, reason, summary));
            }
        }
    }
}

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

/// The newest page of stack events (newest first).
async fn recent_events(cfn: &Client, stack: &str) -> Result<Vec<Event>, DeployError> {
    let out = cfn
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| DeployError::Cfn {
            operation: "DescribeStackEvents",
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stack_states_map_to_change_set_types_or_hints() {
        assert_eq!(change_set_type("s", None).unwrap(), ChangeSetType::Create);
        assert_eq!(
            change_set_type("s", Some("REVIEW_IN_PROGRESS")).unwrap(),
            ChangeSetType::Create
        );
        assert_eq!(
            change_set_type("s", Some("UPDATE_ROLLBACK_COMPLETE")).unwrap(),
            ChangeSetType::Update
        );
        assert_eq!(
            change_set_type("s", Some("CREATE_COMPLETE")).unwrap(),
            ChangeSetType::Update
        );
        let e = change_set_type("s", Some("ROLLBACK_COMPLETE")).unwrap_err().to_string();
        assert!(e.contains("delete-stack --stack-name s"), "{e}");
        let e = change_set_type("s", Some("UPDATE_IN_PROGRESS"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("another operation"), "{e}");
        let e = change_set_type("s", Some("UPDATE_ROLLBACK_FAILED"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("continue-update-rollback"), "{e}");
    }

    #[test]
    fn summary_marks_replacements() {
        let s = ChangeSetSummary {
            stack: "st".into(),
            change_set: "cs".into(),
            create: false,
            changes: vec![ChangeLine {
                action: "Modify".into(),
                logical_id: "SyncQueue".into(),
                resource_type: "AWS::SQS::Queue".into(),
                replacement: Some("True".into()),
                scope: vec!["Properties".into()],
            }],
        };
        let text = s.to_string();
        assert!(
            text.starts_with("change set cs for stack st (UPDATE, 1 resource change):"),
            "{text}"
        );
        assert!(
            text.contains("SyncQueue") && text.contains("[Properties]  REPLACEMENT"),
            "{text}"
        );
        assert!(is_no_change(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_change("ValidationError: No updates are to be performed."));
    }
}
