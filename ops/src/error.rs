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
    /// A HubSpot, Partner Central or S3 call failed (migration tooling).
    #[error("{service} {operation} failed: {message}")]
    Remote {
        /// `HubSpot`, `PartnerCentral` or `S3`.
        service: &'static str,
        /// Operation (and object) that failed.
        operation: String,
        /// Error text (never a token or property value).
        message: String,
    },
    /// The sync settings (SYNC_SETTINGS JSON or environment file) are unusable.
    #[error("invalid sync settings from {source_name}: {reason}")]
    Settings {
        /// File or variable the settings came from.
        source_name: String,
        /// What is wrong (names the key).
        reason: String,
    },
    /// A local file could not be read or written.
    #[error("{action} {path}: {message}")]
    File {
        /// `read` / `write`.
        action: &'static str,
        /// The path.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// A run would exceed a quota budget the operator set.
    #[error("quota budget exceeded: {0}")]
    Budget(String),
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

#[cfg(test)]
mod tests {
    use aws_sdk_sqs::config::http::HttpResponse;
    use aws_sdk_sqs::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_sqs::operation::get_queue_url::GetQueueUrlError;
    use aws_smithy_types::body::SdkBody;

    use super::*;

    fn service(status: u16, code: Option<&str>, message: &str) -> SdkError<GetQueueUrlError> {
        let mut meta = ErrorMetadata::builder().message(message);
        if let Some(c) = code {
            meta = meta.code(c);
        }
        let raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::empty());
        SdkError::service_error(GetQueueUrlError::generic(meta.build()), raw)
    }

    #[test]
    fn classification_names_the_failure() {
        let e = classify(
            "GetQueueUrl",
            "q.fifo",
            "AWS default",
            service(403, Some("AccessDenied"), "not authorized"),
        );
        assert_eq!(e.to_string(), "access denied: GetQueueUrl on q.fifo: not authorized");
        let e = classify(
            "GetQueueUrl",
            "q.fifo",
            "ep",
            service(400, Some("InvalidClientTokenId"), "bad key"),
        );
        assert!(matches!(e, OpsError::AccessDenied { .. }), "{e}");
        let e = classify(
            "GetQueueUrl",
            "q.fifo",
            "ep",
            service(400, Some("QueueDoesNotExist"), "nope"),
        );
        assert!(matches!(e, OpsError::QueueNotFound { queue, .. } if queue == "q.fifo"));
        let e = classify("StartMessageMoveTask", "d", "http://x", service(500, None, ""));
        assert!(
            e.to_string()
                .starts_with("StartMessageMoveTask is not supported by the SQS endpoint http://x"),
            "{e}"
        );
        // A real SQS error code is a service error, even one named UnsupportedOperation.
        let e = classify(
            "StartMessageMoveTask",
            "d",
            "ep",
            service(400, Some("UnsupportedOperation"), "task running"),
        );
        assert_eq!(
            e.to_string(),
            "SQS StartMessageMoveTask failed for d: UnsupportedOperation: task running"
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let e = classify(
            "GetQueueUrl",
            "q",
            "ep",
            SdkError::<GetQueueUrlError>::dispatch_failure(ConnectorError::io(io.into())),
        );
        assert!(matches!(e, OpsError::Unreachable { .. }), "{e}");
        assert!(e.to_string().ends_with("connection refused"), "{e}");
    }
}
