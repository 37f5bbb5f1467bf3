//! Metadata of one SQS record as the engine needs it: message id, FIFO message group and receive count, read from
//! the Lambda SQS event (`messageId`, `attributes.MessageGroupId`, `attributes.ApproximateReceiveCount`).

use aws_lambda_events::event::sqs::SqsMessage;

/// Group used for records that carry no `MessageGroupId` (not expected from a FIFO queue). All such records share
/// one group, which is the conservative choice: they keep their relative order.
pub const MISSING_GROUP: &str = "";

/// The identity and delivery facts of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta {
    /// Position of the record in the batch (0-based).
    pub index: usize,
    /// SQS message id (the `itemIdentifier` of a batch item failure).
    pub message_id: String,
    /// FIFO message group id ([`MISSING_GROUP`] when absent).
    pub group: String,
    /// `ApproximateReceiveCount`; 1 on the first delivery. Absent or unreadable values are treated as 1.
    pub receive_count: u32,
}

/// A record the engine cannot report on individually.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A record without a `messageId` cannot be listed in `batchItemFailures` (an empty identifier makes Lambda
    /// fail the whole batch anyway), so the invocation fails and the whole batch is retried.
    #[error("record {index} of the batch has no messageId")]
    MissingMessageId {
        /// Position in the batch.
        index: usize,
    },
}

impl RecordMeta {
    /// Reads the metadata of the record at `index`.
    pub fn from_message(index: usize, message: &SqsMessage) -> Result<Self, RecordError> {
        let message_id = match message.message_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => return Err(RecordError::MissingMessageId { index }),
        };
        let group = message
            .attributes
            .get("MessageGroupId")
            .cloned()
            .unwrap_or_else(|| MISSING_GROUP.to_owned());
        let receive_count = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(1);
        Ok(Self {
            index,
            message_id,
            group,
            receive_count,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message(id: Option<&str>, attrs: &[(&str, &str)]) -> SqsMessage {
        let mut m = SqsMessage::default();
        m.message_id = id.map(str::to_owned);
        m.attributes = attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        m
    }

    #[test]
    fn reads_group_and_receive_count() {
        let m = message(Some("m1"), &[("MessageGroupId", "g"), ("ApproximateReceiveCount", "3")]);
        let meta = RecordMeta::from_message(4, &m).unwrap();
        assert_eq!(
            meta,
            RecordMeta {
                index: 4,
                message_id: "m1".into(),
                group: "g".into(),
                receive_count: 3
            }
        );
    }

    #[test]
    fn defaults_for_missing_or_bad_attributes() {
        let m = message(Some("m1"), &[("ApproximateReceiveCount", "x")]);
        let meta = RecordMeta::from_message(0, &m).unwrap();
        assert_eq!(meta.group, MISSING_GROUP);
        assert_eq!(meta.receive_count, 1);
        let m = message(Some("m1"), &[("ApproximateReceiveCount", "0")]);
        assert_eq!(RecordMeta::from_message(0, &m).unwrap().receive_count, 1);
    }

    #[test]
    fn missing_or_empty_message_id_is_an_error() {
        assert_eq!(
            RecordMeta::from_message(2, &message(None, &[])),
            Err(RecordError::MissingMessageId { index: 2 })
        );
        assert_eq!(
            RecordMeta::from_message(1, &message(Some(""), &[])),
            Err(RecordError::MissingMessageId { index: 1 })
        );
    }
}
