//! The FIFO partial-batch engine: runs an SQS FIFO batch through a [`RecordProcessor`] and builds the
//! `batchItemFailures` response.
//!
//! Semantics (Powertools' `SqsFifoPartialProcessor` with skip-group-on-error, plus coalescing):
//! - Records run strictly one after another in batch order (never concurrently: that could reorder a group).
//! - When a unit fails with a retried class (transient, config), its records and every later record of the same
//!   message group are reported failed; other groups go on.
//! - Permanent failures and skips are acknowledged; permanent failures go to [`RecordProcessor::on_permanent_failure`].
//! - An unparseable body is reported failed, so SQS moves it to the DLQ after maxReceiveCount. While it has
//!   deliveries left it holds the rest of its group (a deployment skew may still resolve); on its last delivery
//!   (`ApproximateReceiveCount >= max_receive_count`) it stops holding the group, so healthy later records are not
//!   dragged into the DLQ with it.
//! - Records of the same object in one group are coalesced (see [`plan`]); every record reports the unit's outcome.
//! - Before the Lambda deadline (minus a margin) remaining records are reported failed unprocessed, and a unit that
//!   runs into the deadline is cancelled and reported failed, so the invocation itself never times out (which
//!   would redeliver the records that did succeed).
//! - Per-record errors never fail the invocation, not even a handler panic (contained by [`guard`], reported as a
//!   failed record); only a record without a messageId does (see [`RecordError`]).

pub mod guard;
pub mod plan;
pub mod record;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{Debug, Display};
use std::future::Future;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use tokio::time::Instant;

use crate::outcome::{Classify, Completion, FailureClass, RecordStatus};
use plan::Step;
pub use record::{RecordError, RecordMeta};

/// Labels of a decoded item, for logs and metric dimensions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemLabels {
    /// Event type used as the metric dimension (e.g. `deal.propertyChange`).
    pub event_type: String,
    /// Correlation id carried by the event, if any.
    pub correlation_id: Option<String>,
}

/// Whether a decoded item is worked on, and under which coalescing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route<K> {
    /// Acknowledge without work; the reason goes to logs and the `Skipped` metric.
    Skip(Cow<'static, str>),
    /// Sync the object identified by the key (records with equal keys in a group are coalesced).
    Process(K),
}

/// What the engine runs records through. Implemented by the SyncEvent application and by test doubles.
pub trait RecordProcessor: Sync {
    /// A decoded record body.
    type Item: Send + Sync;
    /// Coalescing key: the identity of the object a unit syncs.
    type Key: Clone + Eq + Debug + Send + Sync;
    /// Body decoding error; its `Display` must not contain the body.
    type DecodeError: Display;
    /// Processing error.
    type Error: Display + Classify + Send + Sync;

    /// Decodes a record body.
    fn decode(&self, body: &str) -> Result<Self::Item, Self::DecodeError>;

    /// Decides whether the item is processed, and under which key.
    fn route(&self, item: &Self::Item) -> Route<Self::Key>;

    /// Labels for logs and metrics.
    fn labels(&self, item: &Self::Item) -> ItemLabels;

    /// Processes a unit: all `items` share `key`, in batch order.
    fn process<'a>(
        &'a self,
        key: &'a Self::Key,
        items: &'a [&'a Self::Item],
    ) -> impl Future<Output = Result<Completion, Self::Error>> + Send + 'a;

    /// Called once per unit that failed permanently (the records are acknowledged). The hook for surfacing the
    /// error on the deal; the default does nothing.
    fn on_permanent_failure<'a>(
        &'a self,
        key: &'a Self::Key,
        items: &'a [&'a Self::Item],
        error: &'a Self::Error,
    ) -> impl Future<Output = ()> + Send + 'a {
        let _ = (key, items, error);
        std::future::ready(())
    }
}

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// The source queue's `maxReceiveCount`; `None` means unknown (an unparseable record then always holds its
    /// group, as Powertools does).
    pub max_receive_count: Option<u32>,
    /// Time kept in reserve before the invocation deadline.
    pub deadline_margin: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            max_receive_count: None,
            deadline_margin: Duration::from_millis(1500),
        }
    }
}

/// The outcome of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordReport {
    /// Identity and delivery facts.
    pub meta: RecordMeta,
    /// Labels of the decoded item (`event_type` is `unparseable` when the body did not decode).
    pub labels: ItemLabels,
    /// Final status.
    pub status: RecordStatus,
}

/// The outcome of a whole batch, in batch order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// One entry per record, in batch order.
    pub records: Vec<RecordReport>,
    /// Number of units that were actually run (process calls), for coalescing figures.
    pub units_run: usize,
}

impl BatchReport {
    /// The Lambda response: every record reported failed, in batch order.
    pub fn response(&self) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for record in self.records.iter().filter(|r| r.status.is_reported_failed()) {
            response.add_failure(record.meta.message_id.clone());
        }
        response
    }

    /// Message ids reported failed, in batch order.
    pub fn failed_ids(&self) -> Vec<&str> {
        self.records
            .iter()
            .filter(|r| r.status.is_reported_failed())
            .map(|r| r.meta.message_id.as_str())
            .collect()
    }
}

/// The engine: a processor plus settings.
#[derive(Debug)]
pub struct BatchEngine<P> {
    processor: P,
    config: EngineConfig,
}

impl<P: RecordProcessor> BatchEngine<P> {
    /// Creates an engine.
    pub fn new(processor: P, config: EngineConfig) -> Self {
        Self { processor, config }
    }

    /// The processor.
    pub fn processor(&self) -> &P {
        &self.processor
    }

    /// Runs a batch. `deadline` is the invocation deadline (None: no deadline, e.g. in tests and benches).
    pub async fn run(&self, event: &SqsEvent, deadline: Option<Instant>) -> Result<BatchReport, RecordError> {
        let metas = event
            .records
            .iter()
            .enumerate()
            .map(|(i, m)| RecordMeta::from_message(i, m))
            .collect::<Result<Vec<_>, _>>()?;
        let mut items: Vec<Option<P::Item>> = Vec::with_capacity(metas.len());
        let mut labels = Vec::with_capacity(metas.len());
        let mut steps = Vec::with_capacity(metas.len());
        for message in &event.records {
            match message.body.as_deref().map(|b| self.processor.decode(b)) {
                Some(Ok(item)) => {
                    labels.push(self.processor.labels(&item));
                    steps.push(match self.processor.route(&item) {
                        Route::Skip(reason) => Step::Skip(reason),
                        Route::Process(key) => Step::Process(key),
                    });
                    items.push(Some(item));
                }
                Some(Err(e)) => {
                    labels.push(unparseable_labels());
                    steps.push(Step::Unparseable(e.to_string()));
                    items.push(None);
                }
                None => {
                    labels.push(unparseable_labels());
                    steps.push(Step::Unparseable("record has no body".to_owned()));
                    items.push(None);
                }
            }
        }
        let groups: Vec<&str> = metas.iter().map(|m| m.group.as_str()).collect();
        let units = plan::plan(&groups, steps);

        let mut statuses: Vec<Option<RecordStatus>> = vec![None; metas.len()];
        let mut blocked: HashMap<&str, String> = HashMap::new();
        let mut units_run = 0;
        for unit in units {
            let first = unit.first();
            let Some(meta) = metas.get(first) else { continue };
            if let Some(blocker) = blocked.get(meta.group.as_str()) {
                let status = RecordStatus::Held {
                    blocked_by: blocker.clone(),
                };
                set_all(&mut statuses, &unit.records, &status);
                continue;
            }
            let status = match &unit.step {
                Step::Skip(reason) => RecordStatus::Skipped { reason: reason.clone() },
                Step::Unparseable(error) => {
                    let holds_group = self.config.max_receive_count.is_none_or(|max| meta.receive_count < max);
                    RecordStatus::Unparseable {
                        error: error.clone(),
                        holds_group,
                    }
                }
                Step::Process(key) => {
                    let unit_items: Vec<&P::Item> = unit
                        .records
                        .iter()
                        .filter_map(|&i| items.get(i).and_then(Option::as_ref))
                        .collect();
                    if self.past_deadline(deadline) {
                        RecordStatus::Unprocessed
                    } else {
                        units_run += 1;
                        self.run_unit(key, &unit_items, unit.records.len(), deadline).await
                    }
                }
            };
            let holds = match &status {
                RecordStatus::Unparseable { holds_group, .. } => *holds_group,
                other => other.is_reported_failed(),
            };
            if holds {
                blocked.insert(meta.group.as_str(), meta.message_id.clone());
            }
            set_all(&mut statuses, &unit.records, &status);
        }

        let records = metas
            .into_iter()
            .zip(labels)
            .zip(statuses)
            .map(|((meta, labels), status)| RecordReport {
                meta,
                labels,
                status: status.unwrap_or(RecordStatus::Unprocessed),
            })
            .collect::<Vec<_>>();
        let report = BatchReport { records, units_run };
        log_report(&report);
        Ok(report)
    }

    fn past_deadline(&self, deadline: Option<Instant>) -> bool {
        deadline.is_some_and(|d| Instant::now() + self.config.deadline_margin >= d)
    }

    async fn run_unit(
        &self,
        key: &P::Key,
        items: &[&P::Item],
        record_count: usize,
        deadline: Option<Instant>,
    ) -> RecordStatus {
        let work = guard::CatchUnwind::new(self.processor.process(key, items));
        let outcome = match deadline {
            Some(d) => match tokio::time::timeout_at(d - self.config.deadline_margin, work).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    return RecordStatus::Failed {
                        class: FailureClass::Transient,
                        code: Cow::Borrowed("deadline"),
                    };
                }
            },
            None => work.await,
        };
        let Ok(result) = outcome else {
            tracing::error!(key = ?key, "handler panicked; its records are reported failed");
            return RecordStatus::Failed {
                class: FailureClass::Config,
                code: Cow::Borrowed("handler_panic"),
            };
        };
        match result {
            Ok(Completion::Processed { action }) => RecordStatus::Processed {
                action,
                coalesced: record_count,
            },
            Ok(Completion::Skipped { reason }) => RecordStatus::Skipped { reason },
            Err(error) => {
                tracing::warn!(key = ?key, class = %error.class(), code = %error.code(), error = %error, "unit failed");
                match error.class() {
                    FailureClass::Permanent => {
                        self.processor.on_permanent_failure(key, items, &error).await;
                        RecordStatus::FailedPermanent { code: error.code() }
                    }
                    class => RecordStatus::Failed {
                        class,
                        code: error.code(),
                    },
                }
            }
        }
    }
}

fn unparseable_labels() -> ItemLabels {
    ItemLabels {
        event_type: "unparseable".to_owned(),
        correlation_id: None,
    }
}

fn set_all(statuses: &mut [Option<RecordStatus>], records: &[usize], status: &RecordStatus) {
    for &i in records {
        if let Some(slot) = statuses.get_mut(i) {
            *slot = Some(status.clone());
        }
    }
}

/// One JSON log line per record: message id, group, receive count, correlation id, event type, outcome.
fn log_report(report: &BatchReport) {
    for r in &report.records {
        let (detail, level_warn) = match &r.status {
            RecordStatus::Processed { action, .. } => (action.to_string(), false),
            RecordStatus::Skipped { reason } => (reason.to_string(), false),
            RecordStatus::FailedPermanent { code } | RecordStatus::Failed { code, .. } => (code.to_string(), true),
            RecordStatus::Unparseable { error, .. } => (error.clone(), true),
            RecordStatus::Held { blocked_by } => (format!("held behind {blocked_by}"), true),
            RecordStatus::Unprocessed => ("deadline reached before processing".to_owned(), true),
        };
        let correlation_id = r.labels.correlation_id.as_deref().unwrap_or("");
        if level_warn {
            tracing::warn!(
                message_id = %r.meta.message_id, group = %r.meta.group, receive_count = r.meta.receive_count,
                correlation_id, event_type = %r.labels.event_type, outcome = r.status.label(), detail = %detail,
                "record"
            );
        } else {
            tracing::info!(
                message_id = %r.meta.message_id, group = %r.meta.group, receive_count = r.meta.receive_count,
                correlation_id, event_type = %r.labels.event_type, outcome = r.status.label(), detail = %detail,
                "record"
            );
        }
    }
}
