//! Typed errors of the operator CLI, and the classification of AWS SDK failures into them.
//!
//! Every variant names what failed (operation and queue) so the binary can print one readable line. SDK errors are
//! classified by their error code: a missing queue, denied access / bad credentials, an operation the endpoint does
//! not implement (e.g. moto 5.2.5 has no `StartMessageMoveTask`), an unreachable endpoint, or anything else.

use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};

/// What the operator tooling can fail with.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The queue does not exist (or is not visible to these credentials in this region).
    #[error("queue not found: {queue} ({operation}); check --env/--region/--prefix or pass --queue-url/--dlq-url")]
    QueueNotFound {
        /// SQS operation that reported it.
        operation: &'static str,
        /// Queue name or URL.
        queue: String,
    },
    /// The credentials were rejected or lack permission.
    #[error("access denied: {operation} on {queue}: {message}")]
    AccessDenied {
        /// SQS operation.
        operation: &'static str,
        /// Queue name, URL or ARN.
        queue: String,
        /// Service message.
        message: String,
    },
    /// The endpoint does not implement the operation (typically a local emulator).
    #[error(
        "{operation} is not supported by the SQS endpoint {endpoint} ({detail}); local emulators such as moto \
         5.2.5 do not implement the message-move-task APIs: run this against real AWS"
    )]
    Unsupported {
        /// SQS operation.
        operation: &'static str,
        /// Endpoint URL (or `AWS default`).
        endpoint: String,
        /// HTTP status / error code seen.
        detail: String,
    },
    /// No response from the endpoint (network, DNS, TLS, missing credentials or region).
    #[error("could not call SQS {operation} for {queue}: {message}")]
    Unreachable {
        /// SQS operation.
        operation: &'static str,
        /// Queue name, URL or ARN.
        queue: String,
        /// Error chain.
        message: String,
    },
    /// Any other service error.
    #[error("SQS {operation} failed for {queue}: {message}")]
    Aws {
        /// SQS operation.
        operation: &'static str,
        /// Queue name, URL or ARN.
        queue: String,
        /// Error code and message chain.
        message: String,
    },
    /// The queue has no redrive policy, or the policy cannot be read.
    #[error("queue {queue} has no usable RedrivePolicy: {reason}")]
    RedrivePolicy {
        /// Queue URL.
        queue: String,
        /// What is wrong.
        reason: String,
    },
    /// `dlq show` did not find the message among the messages it could receive.
    #[error("message {message_id} not found in {queue} (scanned {scanned} message(s))")]
    MessageNotFound {
        /// Requested message id.
        message_id: String,
        /// DLQ URL.
        queue: String,
        /// Messages looked at.
        scanned: usize,
    },
    /// A message move task ended without moving everything.
    #[error("redrive task {status} after moving {moved} message(s): {reason}")]
    RedriveFailed {
        /// Final task status (`FAILED`, `CANCELLED`).
        status: String,
        /// Messages moved before it stopped.
        moved: i64,
        /// Failure reason reported by SQS.
        reason: String,
    },
    /// Bad command-line input (names the argument).
    #[error("invalid {argument}: {reason}")]
    InvalidArgument {
        /// Argument name.
        argument: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A replay event could not be serialized.
    #[error("could not build the replay event: {0}")]
    Body(#[from] sync_events::BodyError),
}

/// Error codes SQS (and IAM/STS in front of it) uses for a missing queue.
const NOT_FOUND_CODES: &[&str] = &["AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"];
/// Error codes for rejected credentials or missing permissions.
const ACCESS_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "KmsAccessDenied",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidSecurity",
];
/// Error codes for an operation the endpoint does not know.
/// (`UnsupportedOperation` is not among them: real SQS uses it for e.g. a second move task on a queue.)
const UNSUPPORTED_CODES: &[&str] = &["InvalidAction", "UnknownOperationException"];

/// Classifies an SDK failure of `operation` on `queue`; `endpoint` names the endpoint for the unsupported case.
pub fn classify<E>(operation: &'static str, queue: &str, endpoint: &str, err: SdkError<E>) -> OpsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let queue = queue.to_owned();
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = err.code().map(str::to_owned);
    let message = error_chain(&err);
    match (&err, code.as_deref()) {
        (SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ConstructionFailure(_), _) => {
            OpsError::Unreachable {
                operation,
                queue,
                message,
            }
        }
        (_, Some(c)) if NOT_FOUND_CODES.contains(&c) => OpsError::QueueNotFound { operation, queue },
        (_, Some(c)) if ACCESS_CODES.contains(&c) => OpsError::AccessDenied {
            operation,
            queue,
            message: err.message().unwrap_or(c).to_owned(),
        },
        (_, Some(c)) if UNSUPPORTED_CODES.contains(&c) => OpsError::Unsupported {
            operation,
            endpoint: endpoint.to_owned(),
            detail: format!("error code {c}"),
        },
        // An emulator without the operation answers 404/500/501 without an AWS error code (moto: an HTML 500 page).
        (_, None) if matches!(status, Some(404 | 500 | 501)) => OpsError::Unsupported {
            operation,
            endpoint: endpoint.to_owned(),
            detail: format!("HTTP {} without an AWS error code", status.unwrap_or_default()),
        },
        (_, Some(c)) => OpsError::Aws {
            operation,
            queue,
            message: format!("{c}: {}", err.message().unwrap_or("no message")),
        },
        (_, None) => OpsError::Aws {
            operation,
            queue,
            message,
        },
    }
}

/// `outer: inner: ...` from an error and its sources (consecutive repeats dropped; no Debug dumps).
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
