//! Creating: the CREATE/UPDATE change set of a request, the CreateStack path for emulators
//! ([`CreateMode::CreateStack`](super::CreateMode::CreateStack)), and deleting a change set or the empty review
//! stack a CREATE change set leaves behind when it is only planned or declined.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter, Tag};

use super::execute::follow;
use super::state::stack_outputs;
use super::{ChangeLine, ChangeSetSummary, Outcome, StackRequest, StackResult, TemplateSource, Waits};
use crate::error::{DeployError, SdkResultExt, sdk_message};

/// The request's template, as (inline body, S3 URL): exactly one is set.
fn template(req: &StackRequest) -> (Option<String>, Option<String>) {
    match &req.template {
        TemplateSource::Body(b) => (Some(b.clone()), None),
        TemplateSource::Url(u) => (None, Some(u.clone())),
    }
}

/// `list`, or `None` when it is empty (so nothing is sent).
fn non_empty<T>(list: Vec<T>) -> Option<Vec<T>> {
    (!list.is_empty()).then_some(list)
}

/// The request's parameter values.
fn parameters(req: &StackRequest) -> Option<Vec<Parameter>> {
    non_empty(
        req.parameters
            .iter()
            .map(|(k, v)| Parameter::builder().parameter_key(k).parameter_value(v).build())
            .collect(),
    )
}

/// The request's stack tags.
fn tags(req: &StackRequest) -> Option<Vec<Tag>> {
    non_empty(
        req.tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect(),
    )
}

/// Creates the change set of `req`; its id (or name), or the SDK's error message (the caller decides whether it
/// means "no changes").
pub(super) async fn create_change_set(cfn: &Client, req: &StackRequest, kind: ChangeSetType) -> Result<String, String> {
    let (body, url) = template(req);
    let created = cfn
        .create_change_set()
        .stack_name(&req.stack)
        .change_set_name(&req.change_set)
        .change_set_type(kind)
        .capabilities(Capability::CapabilityNamedIam)
        .description("deploy: synthesized by the synth crate")
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(parameters(req))
        .set_tags(tags(req))
        .send()
        .await
        .map_err(|e| sdk_message(&e))?;
    Ok(created.id().unwrap_or(&req.change_set).to_owned())
}

/// Creates a new stack with CreateStack (see [`CreateMode::CreateStack`](super::CreateMode::CreateStack)).
pub(super) async fn create_directly(
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
    let (body, url) = template(req);
    cfn.create_stack()
        .stack_name(stack)
        .capabilities(Capability::CapabilityNamedIam)
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(parameters(req))
        .set_tags(tags(req))
        .send()
        .await
        .cfn("CreateStack", stack)?;
    writeln!(progress, "{stack}: creating stack")?;
    follow(cfn, stack, &mut HashSet::new(), waits, progress).await?;
    Ok(StackResult {
        outcome: Outcome::Created,
        summary: Some(summary),
        outputs: stack_outputs(cfn, stack).await?,
    })
}

/// Deletes the empty stack (REVIEW_IN_PROGRESS) a CREATE change set leaves behind.
pub(super) async fn delete_review_stack(cfn: &Client, stack: &str) -> Result<(), DeployError> {
    cfn.delete_stack()
        .stack_name(stack)
        .send()
        .await
        .cfn("DeleteStack", stack)?;
    Ok(())
}

/// Deletes the change set `id` of `stack`.
pub(super) async fn delete_change_set(cfn: &Client, stack: &str, id: &str) -> Result<(), DeployError> {
    cfn.delete_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await
        .cfn("DeleteChangeSet", stack)?;
    Ok(())
}
