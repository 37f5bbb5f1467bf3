//! Outcome vocabulary shared by the batch engine, the router and the handlers: how a failure is classified
//! ([`FailureClass`]), what a successful unit of work reports ([`Completion`]), and the final status of one SQS
//! record ([`RecordStatus`]) from which the batch response, the logs and the metrics are derived.

use std::borrow::Cow;
use std::fmt;

/// How a processing error is treated by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureClass {
    /// Throttling, 5xx, timeouts, network errors, repeated optimistic-lock conflicts: report the record failed so
    /// SQS redelivers it (and, after the queue's maxReceiveCount, moves it to the DLQ).
    Transient,
    /// A data problem retrying cannot fix (validation error, object gone): acknowledge the record, count it and
    /// hand it to the permanent-failure hook so it can be surfaced on the deal.
    Permanent,
    /// Configuration or authorization problem (AccessDenied, bad token, missing secret): report the record failed so
    /// nothing is lost; a redrive after the fix replays it.
    Config,
}

impl FailureClass {
    /// Stable lowercase name used in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transient => "transient",
            Self::Permanent => "permanent",
            Self::Config => "config",
        }
    }

    /// True when a record failing with this class must be reported in `batchItemFailures`.
    pub fn is_retried(self) -> bool {
        !matches!(self, Self::Permanent)
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implemented by every error a handler can return, so the engine can classify it without knowing its type.
pub trait Classify {
    /// The failure class of this error.
    fn class(&self) -> FailureClass;

    /// A short, stable, non-sensitive code for logs and metrics (e.g. `hubspot.rate_limited`).
    fn code(&self) -> Cow<'static, str>;
}

/// What a successfully finished unit of work (one object's coalesced records) reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// The object was synchronised (or found already in sync); `action` is a short label such as `created`.
    Processed {
        /// Short, non-sensitive label of what was done.
        action: Cow<'static, str>,
    },
    /// The handler decided there is nothing to do for this object (e.g. the deal is not in scope).
    Skipped {
        /// Short, non-sensitive reason.
        reason: Cow<'static, str>,
    },
}

impl Completion {
    /// A processed completion with a static label.
    pub fn processed(action: &'static str) -> Self {
        Self::Processed {
            action: Cow::Borrowed(action),
        }
    }

    /// A skipped completion with a static reason.
    pub fn skipped(reason: &'static str) -> Self {
        Self::Skipped {
            reason: Cow::Borrowed(reason),
        }
    }
}

/// Final status of one SQS record after the batch ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordStatus {
    /// Handled; acknowledged.
    Processed {
        /// What was done.
        action: Cow<'static, str>,
        /// Number of records that shared this record's (coalesced) sync, including itself.
        coalesced: usize,
    },
    /// Nothing to do (unsupported source/type, or the handler skipped the object); acknowledged.
    Skipped {
        /// Why.
        reason: Cow<'static, str>,
    },
    /// The unit failed with a class that is not retried; acknowledged and surfaced through the hook.
    FailedPermanent {
        /// Error code.
        code: Cow<'static, str>,
    },
    /// The unit failed with a retried class (transient or config); reported failed.
    Failed {
        /// Transient or config.
        class: FailureClass,
        /// Error code.
        code: Cow<'static, str>,
    },
    /// The body is not a valid event. Reported failed so SQS moves it to the DLQ after maxReceiveCount; it holds the
    /// rest of its group only while it still has deliveries left (`holds_group`).
    Unparseable {
        /// Parse error summary (never the body).
        error: String,
        /// Whether later records of the group were held behind it.
        holds_group: bool,
    },
    /// Not attempted because an earlier record of the same message group failed; reported failed to keep order.
    Held {
        /// Message id of the record that blocked the group.
        blocked_by: String,
    },
    /// Not attempted because the invocation was about to reach its deadline; reported failed.
    Unprocessed,
}

impl RecordStatus {
    /// True when the record must be listed in `batchItemFailures` (SQS will redeliver it).
    pub fn is_reported_failed(&self) -> bool {
        match self {
            Self::Processed { .. } | Self::Skipped { .. } | Self::FailedPermanent { .. } => false,
            Self::Failed { .. } | Self::Unparseable { .. } | Self::Held { .. } | Self::Unprocessed => true,
        }
    }

    /// Stable outcome label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Processed { .. } => "processed",
            Self::Skipped { .. } => "skipped",
            Self::FailedPermanent { .. } => "failed_permanent",
            Self::Failed {
                class: FailureClass::Config,
                ..
            } => "failed_config",
            Self::Failed { .. } => "failed_transient",
            Self::Unparseable { .. } => "unparseable",
            Self::Held { .. } => "held",
            Self::Unprocessed => "unprocessed",
        }
    }
}
