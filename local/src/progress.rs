//! Progress of a local run: typed events (what the binary prints, what the end-to-end test asserts on) and the
//! sink they go to.

use std::fmt;
use std::sync::{Arc, Mutex};

/// One step of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// A webhook request reached the local API Gateway (before the receipt runs).
    WebhookReceived {
        /// API Gateway request id.
        request_id: String,
        /// Body size in bytes.
        bytes: usize,
    },
    /// A webhook request reached the local API Gateway and the receipt answered.
    Webhook {
        /// API Gateway request id.
        request_id: String,
        /// HTTP status answered.
        status: u16,
        /// Events in the body.
        received: usize,
        /// Events enqueued to SQS.
        enqueued: usize,
        /// Events ignored (unsupported type, other portal).
        ignored: usize,
    },
    /// The event-source-mapping emulator received a batch.
    Batch {
        /// Invocation number (1-based).
        invocation: u64,
        /// Records in the batch.
        size: usize,
    },
    /// The processor's outcome for one record.
    Record {
        /// Invocation number.
        invocation: u64,
        /// SQS message id.
        message_id: String,
        /// Message group.
        group: String,
        /// ApproximateReceiveCount of this delivery.
        receive_count: u32,
        /// Event type (`unparseable` for a body that is not a SyncEvent).
        event_type: String,
        /// Outcome label (`processed`, `failed_transient`, ...).
        outcome: &'static str,
        /// Action, skip reason or error code.
        detail: String,
        /// True when the record goes back to the queue (listed in batchItemFailures).
        retried: bool,
    },
    /// A deal record was processed and the deal carries its opportunity id (read back from HubSpot).
    DealSynced {
        /// HubSpot deal id.
        deal_id: String,
        /// Opportunity id on the deal.
        opportunity_id: String,
        /// The processor's action: `created` (opportunity created, id written back), `updated`, `unchanged`.
        action: String,
    },
    /// The batch response was applied: acknowledged records deleted, the rest left to reappear.
    Acknowledged {
        /// Invocation number.
        invocation: u64,
        /// Deleted messages.
        deleted: usize,
        /// Messages left for redelivery after the visibility timeout.
        retried: usize,
    },
    /// The whole invocation failed; no record was deleted.
    InvocationFailed {
        /// Invocation number.
        invocation: u64,
        /// Error.
        error: String,
    },
    /// Something went wrong in the emulator itself (an SQS call).
    Warning(String),
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WebhookReceived { request_id, bytes } => {
                write!(
                    f,
                    "webhook received: POST /async/webhook, {bytes} bytes (request {request_id})"
                )
            }
            Self::Webhook {
                request_id,
                status,
                received,
                enqueued,
                ignored,
            } => {
                let verdict = if *status == 200 { "accepted" } else { "rejected" };
                write!(
                    f,
                    "webhook {verdict}: HTTP {status}, {received} event(s) received, {enqueued} enqueued, {ignored} ignored (request {request_id})"
                )
            }
            Self::Batch { invocation, size } => {
                write!(f, "batch received: invocation #{invocation}, {size} record(s)")
            }
            Self::Record {
                invocation,
                message_id,
                group,
                receive_count,
                event_type,
                outcome,
                detail,
                retried,
            } => {
                let next = if *retried {
                    "-> back to the queue"
                } else {
                    "-> acknowledged"
                };
                write!(
                    f,
                    "  #{invocation} record {message_id} [{group}, receive {receive_count}] {event_type}: {outcome} ({detail}) {next}"
                )
            }
            Self::DealSynced {
                deal_id,
                opportunity_id,
                action,
            } => match action.as_str() {
                "created" => write!(
                    f,
                    "opportunity {opportunity_id} created in Partner Central; id written back to deal {deal_id}"
                ),
                "unchanged" => write!(f, "deal {deal_id} already in sync with opportunity {opportunity_id}"),
                other => write!(f, "opportunity {opportunity_id} {other} from deal {deal_id}"),
            },
            Self::Acknowledged {
                invocation,
                deleted,
                retried,
            } => write!(
                f,
                "  #{invocation} batch response applied: {deleted} deleted, {retried} left for redelivery"
            ),
            Self::InvocationFailed { invocation, error } => {
                write!(f, "  #{invocation} invocation failed, whole batch retried: {error}")
            }
            Self::Warning(text) => write!(f, "warning: {text}"),
        }
    }
}

/// Where progress goes: printed, collected, or both.
#[derive(Clone, Default)]
pub struct Sink {
    print: bool,
    collected: Option<Arc<Mutex<Vec<Progress>>>>,
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sink").field("print", &self.print).finish()
    }
}

impl Sink {
    /// Prints every event on stdout, one line each.
    pub fn stdout() -> Self {
        Self {
            print: true,
            collected: None,
        }
    }

    /// Keeps every event in memory (read with [`Sink::events`]); `print` also echoes them.
    pub fn collecting(print: bool) -> Self {
        Self {
            print,
            collected: Some(Arc::new(Mutex::new(Vec::new()))),
        }
    }

    /// Reports one event.
    pub fn emit(&self, event: Progress) {
        if self.print {
            println!("{event}");
        }
        if let Some(c) = &self.collected {
            c.lock().unwrap_or_else(|p| p.into_inner()).push(event);
        }
    }

    /// The collected events so far (empty unless collecting).
    pub fn events(&self) -> Vec<Progress> {
        self.collected
            .as_ref()
            .map(|c| c.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default()
    }
}
