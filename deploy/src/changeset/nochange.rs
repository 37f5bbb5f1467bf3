//! No-change detection: an unchanged stack is recognised before a change set is made (same template as
//! submitted, same parameter values) or from CloudFormation's "nothing to change" reasons, and reported as
//! [`Outcome::NoChanges`] with the stack's outputs.

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::TemplateStage;

use super::state::{describe_stack, key_values, stack_outputs};
use super::{Outcome, StackRequest, StackResult, TemplateSource};
use crate::error::{DeployError, SdkResultExt};

/// Whether a change-set failure reason means "nothing to change".
pub(super) fn is_no_change(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// Whether the deployed template (as submitted) and parameter values equal the request's, so a change set
/// would change nothing. Only inline templates are compared; anything else goes through a change set.
pub(super) async fn unchanged(cfn: &Client, req: &StackRequest) -> Result<bool, DeployError> {
    let TemplateSource::Body(body) = &req.template else {
        return Ok(false);
    };
    let stack = req.stack.as_str();
    let deployed = cfn
        .get_template()
        .stack_name(stack)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .cfn("GetTemplate", stack)?;
    if deployed.template_body() != Some(body.as_str()) {
        return Ok(false);
    }
    let current = describe_stack(cfn, stack)
        .await?
        .map(|s| key_values(s.parameters(), |p| (p.parameter_key(), p.parameter_value())))
        .unwrap_or_default();
    let mut wanted = req.defaults.clone();
    wanted.extend(req.parameters.clone());
    Ok(current == wanted)
}

/// The result of a deploy that changed nothing: the stack's current outputs.
pub(super) async fn no_changes(cfn: &Client, stack: &str) -> Result<StackResult, DeployError> {
    Ok(StackResult {
        outcome: Outcome::NoChanges,
        summary: None,
        outputs: stack_outputs(cfn, stack).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_change_reasons_are_recognised() {
        assert!(is_no_change(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_change("ValidationError: No updates are to be performed."));
    }
}
