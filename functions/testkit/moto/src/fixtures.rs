//! Uniquely named AWS fixtures on moto: FIFO queue + FIFO DLQ, Secrets Manager secret, queue depth and draining.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};

use crate::{HarnessError, MotoServer};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name unique across parallel tests and test processes: `prefix-<pid>-<counter>-<nanos>` (<= 60 chars).
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let prefix: String = prefix
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(24)
        .collect();
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// A FIFO queue and its FIFO dead-letter queue.
#[derive(Debug, Clone)]
pub struct FifoQueue {
    /// Queue URL (as moto returns it).
    pub url: String,
    /// Queue ARN.
    pub arn: String,
    /// DLQ URL.
    pub dlq_url: String,
    /// DLQ ARN.
    pub dlq_arn: String,
}

/// A Secrets Manager secret.
#[derive(Debug, Clone)]
pub struct Secret {
    /// Secret name.
    pub name: String,
    /// Secret ARN (use it as `HUBSPOT_WEBHOOK_SECRET_ARN`).
    pub arn: String,
}

/// A message read by [`MotoServer::drain_queue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// Body.
    pub body: String,
    /// MessageGroupId attribute.
    pub group_id: Option<String>,
    /// MessageDeduplicationId attribute.
    pub deduplication_id: Option<String>,
}

impl MotoServer {
    /// Creates `<prefix>-…-dlq.fifo` and `<prefix>-….fifo` (redrive to the DLQ after 3 receives, no
    /// content-based deduplication, visibility timeout 30 s).
    pub async fn create_fifo_queue(&self, prefix: &str) -> Result<FifoQueue, HarnessError> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk_config().await);
        let name = unique_name(prefix);
        let dlq = sqs
            .create_queue()
            .queue_name(format!("{name}-dlq.fifo"))
            .attributes(QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .map_err(|e| HarnessError::aws("CreateQueue", e))?;
        let dlq_url = dlq.queue_url().unwrap_or_default().to_owned();
        let dlq_arn = queue_arn(&sqs, &dlq_url).await?;
        let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}"#);
        let queue = sqs
            .create_queue()
            .queue_name(format!("{name}.fifo"))
            .attributes(QueueAttributeName::FifoQueue, "true")
            .attributes(QueueAttributeName::VisibilityTimeout, "30")
            .attributes(QueueAttributeName::RedrivePolicy, redrive)
            .send()
            .await
            .map_err(|e| HarnessError::aws("CreateQueue", e))?;
        let url = queue.queue_url().unwrap_or_default().to_owned();
        let arn = queue_arn(&sqs, &url).await?;
        Ok(FifoQueue {
            url,
            arn,
            dlq_url,
            dlq_arn,
        })
    }

    /// Creates a uniquely named secret whose SecretString is `value`.
    pub async fn create_secret(&self, prefix: &str, value: &str) -> Result<Secret, HarnessError> {
        let sm = aws_sdk_secretsmanager::Client::new(&self.sdk_config().await);
        let name = unique_name(prefix);
        let out = sm
            .create_secret()
            .name(&name)
            .secret_string(value)
            .send()
            .await
            .map_err(|e| HarnessError::aws("CreateSecret", e))?;
        Ok(Secret {
            arn: out.arn().unwrap_or_default().to_owned(),
            name,
        })
    }

    /// ApproximateNumberOfMessages + ApproximateNumberOfMessagesNotVisible of a queue.
    pub async fn queue_depth(&self, url: &str) -> Result<u64, HarnessError> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk_config().await);
        let out = sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .map_err(|e| HarnessError::aws("GetQueueAttributes", e))?;
        let attrs = out.attributes();
        let get = |k: QueueAttributeName| {
            attrs
                .and_then(|a| a.get(&k))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok(get(QueueAttributeName::ApproximateNumberOfMessages)
            + get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible))
    }

    /// Receives and deletes every visible message (10 at a time, deleting each batch so FIFO groups unlock),
    /// returning them in receive order, which is send order within each group.
    pub async fn drain_queue(&self, url: &str) -> Result<Vec<ReceivedMessage>, HarnessError> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk_config().await);
        let mut out = Vec::new();
        let mut empty_polls = 0;
        while empty_polls < 2 {
            let received = sqs
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .message_system_attribute_names(MessageSystemAttributeName::MessageGroupId)
                .message_system_attribute_names(MessageSystemAttributeName::MessageDeduplicationId)
                .send()
                .await
                .map_err(|e| HarnessError::aws("ReceiveMessage", e))?;
            let messages = received.messages();
            if messages.is_empty() {
                empty_polls += 1;
                continue;
            }
            empty_polls = 0;
            for m in messages {
                let attr = |k| m.attributes().and_then(|a| a.get(&k)).cloned();
                out.push(ReceivedMessage {
                    body: m.body().unwrap_or_default().to_owned(),
                    group_id: attr(MessageSystemAttributeName::MessageGroupId),
                    deduplication_id: attr(MessageSystemAttributeName::MessageDeduplicationId),
                });
                if let Some(handle) = m.receipt_handle() {
                    sqs.delete_message()
                        .queue_url(url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .map_err(|e| HarnessError::aws("DeleteMessage", e))?;
                }
            }
        }
        Ok(out)
    }
}

async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<String, HarnessError> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| HarnessError::aws("GetQueueAttributes", e))?;
    Ok(out
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .unwrap_or_default())
}
