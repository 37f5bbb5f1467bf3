//! Typed errors of the deploy library. Every variant names what failed (stack, resource, bucket/key, file) and,
//! where CloudFormation gave one, the status reason, so the binary can print it as is.

use std::fmt;
use std::path::PathBuf;

/// One resource that failed while a stack was created, updated or rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFailure {
    /// Logical id in the template.
    pub logical_id: String,
    /// Resource type (`AWS::Lambda::Function`).
    pub resource_type: String,
    /// Resource status (`CREATE_FAILED`).
    pub status: String,
    /// CloudFormation's status reason.
    pub reason: String,
}

impl fmt::Display for ResourceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) {}: {}",
            self.logical_id, self.resource_type, self.status, self.reason
        )
    }
}

/// Formats failed resources as indented lines (empty when there are none).
fn lines(failures: &[ResourceFailure]) -> String {
    failures.iter().map(|r| format!("\n  - {r}")).collect()
}

/// Everything that can stop a deploy.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The environment could not be loaded or synthesized; every problem is listed.
    #[error("synthesizing environment {env} failed:\n{problems}")]
    Synth {
        /// Environment name.
        env: String,
        /// One problem per line.
        problems: String,
    },
    /// A stack key given in the options is not one of the synthesized stacks.
    #[error("unknown stack {key:?} (known: {known})")]
    UnknownStack {
        /// The key given.
        key: String,
        /// The stack keys of the environment.
        known: String,
    },
    /// The Lambda build failed.
    #[error("building the Lambda zips failed: {message}")]
    Build {
        /// What happened (command and exit status).
        message: String,
    },
    /// A function zip is missing or malformed.
    #[error("artifact {}: {message}", path.display())]
    Artifact {
        /// Zip path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An S3 call failed.
    #[error("S3 {operation} s3://{bucket}/{key}: {message}")]
    S3 {
        /// Operation name.
        operation: &'static str,
        /// Bucket.
        bucket: String,
        /// Key (empty for bucket-level calls).
        key: String,
        /// Error code and message.
        message: String,
    },
    /// A CloudFormation call failed.
    #[error("CloudFormation {operation} on stack {stack}: {message}")]
    Cfn {
        /// Operation name.
        operation: &'static str,
        /// Stack name.
        stack: String,
        /// Error code and message.
        message: String,
    },
    /// A template parameter has neither a value from the deploy nor a default.
    #[error(
        "stack {stack}: parameter {parameter} has no default and the deploy does not provide it; \
         pass --parameter {parameter}=VALUE"
    )]
    MissingParameter {
        /// Stack name.
        stack: String,
        /// Parameter name.
        parameter: String,
    },
    /// A stack needs an output of an earlier stack, which that stack does not have.
    #[error("stack {stack} needs output {output} of stack {from}, which has no such output")]
    MissingOutput {
        /// The stack that needs the value.
        stack: String,
        /// The stack that should provide it.
        from: String,
        /// Output key.
        output: String,
    },
    /// The stack is in a state in which no change set can be created or executed.
    #[error("stack {stack} is {status}: {hint}")]
    StackNotReady {
        /// Stack name.
        stack: String,
        /// Current status.
        status: String,
        /// What to do.
        hint: String,
    },
    /// CloudFormation could not create the change set.
    #[error("change set {change_set} of stack {stack} failed: {reason}")]
    ChangeSetFailed {
        /// Stack name.
        stack: String,
        /// Change set name.
        change_set: String,
        /// Status reason.
        reason: String,
    },
    /// The stack did not reach a complete state; the failed resources are listed.
    #[error("stack {stack} ended in {status}: {reason}{}", lines(failures))]
    StackFailed {
        /// Stack name.
        stack: String,
        /// Final status (`UPDATE_ROLLBACK_COMPLETE`, ...).
        status: String,
        /// Stack status reason.
        reason: String,
        /// Resources that failed, oldest first.
        failures: Vec<ResourceFailure>,
    },
    /// The operator did not confirm the change set (it was deleted; nothing was changed).
    #[error("change set for stack {stack} was not confirmed; it was deleted and nothing was changed")]
    Declined {
        /// Stack name.
        stack: String,
    },
    /// A wait ran out of time.
    #[error("timed out after {seconds} s waiting for {what} of stack {stack}")]
    Timeout {
        /// Stack name.
        stack: String,
        /// What was awaited.
        what: &'static str,
        /// Seconds waited.
        seconds: u64,
    },
    /// Writing progress output failed.
    #[error("writing progress output: {0}")]
    Output(#[from] std::io::Error),
}

/// The error code and message of an SDK error, with the whole source chain as a fallback.
pub(crate) fn sdk_message<E, R>(e: &aws_sdk_cloudformation::error::SdkError<E, R>) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            message
        }
    }
}

/// Maps an SDK call's error to [`DeployError::Cfn`] or [`DeployError::S3`] with the call's context, so every call
/// site reads `.send().await.cfn("Operation", stack)?`.
pub(crate) trait SdkResultExt<T> {
    /// A failed CloudFormation `operation` on `stack`.
    fn cfn(self, operation: &'static str, stack: &str) -> Result<T, DeployError>;
    /// A failed S3 `operation` on `s3://bucket/key`.
    fn s3(self, operation: &'static str, bucket: &str, key: &str) -> Result<T, DeployError>;
}

impl<T, E, R> SdkResultExt<T> for Result<T, aws_sdk_cloudformation::error::SdkError<E, R>>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    fn cfn(self, operation: &'static str, stack: &str) -> Result<T, DeployError> {
        self.map_err(|e| DeployError::Cfn {
            operation,
            stack: stack.to_owned(),
            message: sdk_message(&e),
        })
    }

    fn s3(self, operation: &'static str, bucket: &str, key: &str) -> Result<T, DeployError> {
        self.map_err(|e| DeployError::S3 {
            operation,
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            message: sdk_message(&e),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_failure_lists_each_resource() {
        let e = DeployError::StackFailed {
            stack: "hubspot-sync-async-architecture-staging".into(),
            status: "UPDATE_ROLLBACK_COMPLETE".into(),
            reason: "The following resource(s) failed to update: [EventProcessorFunction].".into(),
            failures: vec![ResourceFailure {
                logical_id: "EventProcessorFunction".into(),
                resource_type: "AWS::Lambda::Function".into(),
                status: "UPDATE_FAILED".into(),
                reason: "S3 key does not exist".into(),
            }],
        };
        assert_eq!(
            e.to_string(),
            "stack hubspot-sync-async-architecture-staging ended in UPDATE_ROLLBACK_COMPLETE: The following \
             resource(s) failed to update: [EventProcessorFunction].\n  - EventProcessorFunction \
             (AWS::Lambda::Function) UPDATE_FAILED: S3 key does not exist"
        );
    }
}
