//! An emulator of Lambda's SQS event source mapping for a FIFO queue, feeding the processor like Lambda does:
//! ReceiveMessage (long polling, up to 10 messages, the queue's visibility timeout, every system attribute), an
//! SQS event built with the real record fields and attributes (`MessageGroupId`, `MessageDeduplicationId`,
//! `ApproximateReceiveCount`, `SentTimestamp`, `SequenceNumber`...), the invocation bounded by the function timeout,
//! then the partial batch response honoured: only acknowledged records are deleted, the listed failures stay in
//! flight until their visibility timeout expires, and a failed invocation (error, timeout, or a response naming a
//! message that is not in the batch) deletes nothing. FIFO group order comes from SQS itself (a group with a
//! message in flight is not delivered), and moving a message to the DLQ after `maxReceiveCount` receives is done
//! by SQS on receive (moto does it the same way). One poller = one concurrent invocation, which is what Lambda
//! does for a single message group; several groups would be spread over more concurrent invocations in AWS.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::encodings::Base64Data;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage, SqsMessageAttribute};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};
use event_processor::engine::BatchReport;
use event_processor::outcome::RecordStatus;
use event_processor::runtime::App;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::aws_setup::chain;
use crate::progress::{Progress, Sink};
use crate::writeback::WritebackCheck;

/// Event source mapping settings.
#[derive(Debug, Clone)]
pub struct EsmConfig {
    /// Messages per batch (1..=10, the FIFO maximum).
    pub batch_size: i32,
    /// Long-polling wait per ReceiveMessage, seconds (Lambda uses 20; short keeps shutdown quick).
    pub wait_time_secs: i32,
    /// The function timeout: the invocation's deadline and hard limit.
    pub function_timeout: Duration,
    /// Region named in the records (`awsRegion`).
    pub region: String,
    /// Print the processor's EMF metric lines after each invocation.
    pub print_metrics: bool,
}

impl Default for EsmConfig {
    fn default() -> Self {
        Self {
            batch_size: 10,
            wait_time_secs: 1,
            function_timeout: Duration::from_secs(30),
            region: "us-east-1".to_owned(),
            print_metrics: false,
        }
    }
}

/// The poller: one queue, one processor.
pub struct Esm {
    /// SQS client (moto).
    pub sqs: aws_sdk_sqs::Client,
    /// Source queue URL.
    pub queue_url: String,
    /// Source queue ARN.
    pub queue_arn: String,
    /// The processor, built by its real cold start.
    pub app: Arc<App>,
    /// Progress output.
    pub sink: Sink,
    /// How written-back opportunity ids are observed.
    pub writeback: WritebackCheck,
    /// Settings.
    pub config: EsmConfig,
}

fn base64_data(bytes: &[u8]) -> Base64Data {
    let mut data = Base64Data::default();
    *data = bytes.to_vec();
    data
}

/// One received message as a Lambda SQS record.
pub fn to_record(m: &Message, queue_arn: &str, region: &str) -> SqsMessage {
    let mut r = SqsMessage::default();
    r.message_id = m.message_id().map(str::to_owned);
    r.receipt_handle = m.receipt_handle().map(str::to_owned);
    r.body = m.body().map(str::to_owned);
    r.md5_of_body = m.md5_of_body().map(str::to_owned);
    r.md5_of_message_attributes = m.md5_of_message_attributes().map(str::to_owned);
    r.attributes = m
        .attributes()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
        .collect();
    r.message_attributes = m
        .message_attributes()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let mut a = SqsMessageAttribute::default();
            a.string_value = v.string_value().map(str::to_owned);
            a.binary_value = v.binary_value().map(|b| base64_data(b.as_ref()));
            a.string_list_values = v.string_list_values().to_vec();
            a.binary_list_values = v.binary_list_values().iter().map(|b| base64_data(b.as_ref())).collect();
            a.data_type = Some(v.data_type().to_owned());
            (k.clone(), a)
        })
        .collect();
    r.event_source = Some("aws:sqs".to_owned());
    r.event_source_arn = Some(queue_arn.to_owned());
    r.aws_region = Some(region.to_owned());
    r
}

/// Short, non-sensitive detail of a record status.
pub fn status_detail(status: &RecordStatus) -> String {
    match status {
        RecordStatus::Processed { action, coalesced } if *coalesced > 1 => format!("{action}, {coalesced} coalesced"),
        RecordStatus::Processed { action, .. } => action.to_string(),
        RecordStatus::Skipped { reason } => reason.to_string(),
        RecordStatus::FailedPermanent { code } => code.to_string(),
        RecordStatus::Failed { class, code } => format!("{class}: {code}"),
        RecordStatus::Unparseable { error, holds_group } => {
            format!("{error}; holds its group: {holds_group}")
        }
        RecordStatus::Held { blocked_by } => format!("behind {blocked_by}"),
        RecordStatus::Unprocessed => "deadline reached".to_owned(),
    }
}

/// The deal id of a record body, when it is a deal event.
fn deal_of(body: Option<&str>) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body?).ok()?;
    (v.get("objectType")?.as_str()? == "deal").then(|| v.get("objectId")?.as_str().map(str::to_owned))?
}

impl Esm {
    /// Polls until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut invocation = 0_u64;
        while !*stop.borrow() {
            let receive = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(self.config.batch_size.clamp(1, 10))
                .wait_time_seconds(self.config.wait_time_secs.clamp(0, 20))
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .message_attribute_names("All")
                .send();
            let received = tokio::select! {
                r = receive => r,
                _ = stop.changed() => break,
            };
            let messages = match received {
                Ok(out) => out.messages.unwrap_or_default(),
                Err(e) => {
                    self.sink
                        .emit(Progress::Warning(format!("ReceiveMessage failed: {}", chain(&e))));
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            };
            if messages.is_empty() {
                continue;
            }
            invocation += 1;
            self.invoke(invocation, &messages).await;
        }
    }

    /// One invocation: build the event, run the processor within the timeout, apply the batch response.
    pub async fn invoke(&self, invocation: u64, messages: &[Message]) {
        let mut event = SqsEvent::default();
        event.records = messages
            .iter()
            .map(|m| to_record(m, &self.queue_arn, &self.config.region))
            .collect();
        self.sink.emit(Progress::Batch {
            invocation,
            size: event.records.len(),
        });
        let deadline = Instant::now() + self.config.function_timeout;
        let result =
            tokio::time::timeout(self.config.function_timeout, self.app.run_batch(&event, Some(deadline))).await;
        let lines = self.app.services().metrics.flush();
        if self.config.print_metrics {
            event_processor::runtime::emit(&lines);
        }
        let report = match result {
            Err(_) => {
                return self.sink.emit(Progress::InvocationFailed {
                    invocation,
                    error: format!("timed out after {:?}", self.config.function_timeout),
                });
            }
            Ok(Err(e)) => {
                return self.sink.emit(Progress::InvocationFailed {
                    invocation,
                    error: e.to_string(),
                });
            }
            Ok(Ok(report)) => report,
        };
        self.report_records(invocation, &event, &report).await;
        let failed: BTreeSet<String> = report
            .response()
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect();
        let ids: BTreeSet<&str> = messages.iter().filter_map(Message::message_id).collect();
        if failed.iter().any(|f| f.is_empty() || !ids.contains(f.as_str())) {
            return self.sink.emit(Progress::InvocationFailed {
                invocation,
                error: "batchItemFailures names a message that is not in the batch".to_owned(),
            });
        }
        let to_delete: Vec<&Message> = messages
            .iter()
            .filter(|m| m.message_id().is_some_and(|id| !failed.contains(id)))
            .collect();
        let deleted = self.delete(&to_delete).await;
        self.sink.emit(Progress::Acknowledged {
            invocation,
            deleted,
            retried: failed.len(),
        });
    }

    async fn report_records(&self, invocation: u64, event: &SqsEvent, report: &BatchReport) {
        let bodies: HashMap<&str, Option<&str>> = event
            .records
            .iter()
            .filter_map(|r| r.message_id.as_deref().map(|id| (id, r.body.as_deref())))
            .collect();
        for r in &report.records {
            self.sink.emit(Progress::Record {
                invocation,
                message_id: r.meta.message_id.clone(),
                group: r.meta.group.clone(),
                receive_count: r.meta.receive_count,
                event_type: r.labels.event_type.clone(),
                outcome: r.status.label(),
                detail: status_detail(&r.status),
                retried: r.status.is_reported_failed(),
            });
            if let RecordStatus::Processed { action, .. } = &r.status
                && let Some(deal_id) = bodies.get(r.meta.message_id.as_str()).and_then(|b| deal_of(*b))
                && let Some(opportunity_id) = self.writeback.opportunity_id(&deal_id).await
            {
                self.sink.emit(Progress::DealSynced {
                    deal_id,
                    opportunity_id,
                    action: action.to_string(),
                });
            }
        }
    }

    /// Deletes the acknowledged messages (DeleteMessageBatch); returns how many were deleted.
    async fn delete(&self, messages: &[&Message]) -> usize {
        let entries: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .set_receipt_handle(m.receipt_handle().map(str::to_owned))
                    .build()
                    .ok()
            })
            .collect();
        if entries.is_empty() {
            return 0;
        }
        match self
            .sqs
            .delete_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
        {
            Ok(out) => {
                for f in out.failed() {
                    self.sink.emit(Progress::Warning(format!(
                        "DeleteMessageBatch entry {} failed: {}",
                        f.id(),
                        f.code()
                    )));
                }
                out.successful().len()
            }
            Err(e) => {
                self.sink
                    .emit(Progress::Warning(format!("DeleteMessageBatch failed: {}", chain(&e))));
                0
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn record_carries_lambda_fields() {
        let m = Message::builder()
            .message_id("m-1")
            .receipt_handle("rh")
            .body("{}")
            .md5_of_body("99914b932bd37a50b983c5e7c90ae93b")
            .attributes(MessageSystemAttributeName::MessageGroupId, "g")
            .attributes(MessageSystemAttributeName::ApproximateReceiveCount, "2")
            .build();
        let r = to_record(&m, "arn:aws:sqs:us-east-1:123456789012:q.fifo", "us-east-1");
        assert_eq!(r.attributes.get("MessageGroupId").unwrap(), "g");
        assert_eq!(r.attributes.get("ApproximateReceiveCount").unwrap(), "2");
        assert_eq!(r.event_source.as_deref(), Some("aws:sqs"));
        assert_eq!(r.receipt_handle.as_deref(), Some("rh"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["eventSourceARN"], "arn:aws:sqs:us-east-1:123456789012:q.fifo");
        assert_eq!(json["messageId"], "m-1");
    }

    #[test]
    fn deal_id_from_body() {
        assert_eq!(
            deal_of(Some(r#"{"objectType":"deal","objectId":"9"}"#)),
            Some("9".to_owned())
        );
        assert_eq!(deal_of(Some(r#"{"objectType":"company","objectId":"9"}"#)), None);
        assert_eq!(deal_of(Some("not json")), None);
        assert_eq!(deal_of(None), None);
    }
}
