//! A stack's current state: its status (or absence), its outputs, and what kind of change set (CREATE or UPDATE)
//! that status allows, or why none can be made now.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{ChangeSetType, Stack};

use crate::error::{DeployError, SdkResultExt, sdk_message};

/// Current status and status reason of a stack, or `None` when it does not exist.
pub(super) async fn stack_status(cfn: &Client, stack: &str) -> Result<Option<(String, String)>, DeployError> {
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

/// The description of an existing stack (`None` when the response lists none).
pub(super) async fn describe_stack(cfn: &Client, stack: &str) -> Result<Option<Stack>, DeployError> {
    let out = cfn
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .cfn("DescribeStacks", stack)?;
    Ok(out.stacks().first().cloned())
}

/// Key -> value of items that have a key (a missing value is empty).
pub(super) fn key_values<'a, T>(
    items: &'a [T],
    kv: impl Fn(&'a T) -> (Option<&'a str>, Option<&'a str>),
) -> BTreeMap<String, String> {
    items
        .iter()
        .filter_map(|item| {
            let (key, value) = kv(item);
            Some((key?.to_owned(), value.unwrap_or_default().to_owned()))
        })
        .collect()
}

/// The outputs of an existing stack.
pub async fn stack_outputs(cfn: &Client, stack: &str) -> Result<BTreeMap<String, String>, DeployError> {
    Ok(describe_stack(cfn, stack)
        .await?
        .map(|s| key_values(s.outputs(), |o| (o.output_key(), o.output_value())))
        .unwrap_or_default())
}

/// Decides CREATE or UPDATE from the stack's status, or refuses with a hint.
pub(super) fn change_set_type(stack: &str, status: Option<&str>) -> Result<ChangeSetType, DeployError> {
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
}
