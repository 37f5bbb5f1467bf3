//! A created change set: waiting until CloudFormation has computed it, reading all of its resource changes, and
//! showing them readably ([`ChangeSetSummary`]'s `Display`) before the operator confirms.

use std::fmt;
use std::time::Instant;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::ChangeSetStatus;

use super::Waits;
use crate::error::{DeployError, SdkResultExt};

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

/// How the computation of a change set ended.
pub(super) enum Computed {
    /// Ready to execute.
    Ready(ChangeSetSummary),
    /// CloudFormation failed it, with this status reason.
    Failed(String),
}

/// Polls the change set `id` (named `name`) until it is computed or failed, or `waits.timeout` has passed.
pub(super) async fn wait_for_change_set(
    cfn: &Client,
    stack: &str,
    id: &str,
    name: &str,
    create: bool,
    waits: Waits,
) -> Result<Computed, DeployError> {
    let started = Instant::now();
    loop {
        let (status, reason, summary) = describe_change_set(cfn, stack, id, name, create).await?;
        match status {
            ChangeSetStatus::CreateComplete => return Ok(Computed::Ready(summary)),
            ChangeSetStatus::Failed => return Ok(Computed::Failed(reason)),
            _ => {}
        }
        waits.pause(started, stack, "the change set").await?;
    }
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
            .cfn("DescribeChangeSet", stack)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
