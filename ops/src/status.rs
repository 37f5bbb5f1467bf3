//! `status`: depth, in-flight and delayed counts of the source queue and its DLQ, plus the redrive policy.
//!
//! The age of the oldest message is not part of the SQS API: AWS publishes it only as the CloudWatch metric
//! `AWS/SQS ApproximateAgeOfOldestMessage` (per queue, 1-minute resolution). This tool does not call CloudWatch (it
//! would add the large `aws-sdk-cloudwatch` crate for one number that no local emulator produces, so it could not be
//! tested here); the status reports the age as unavailable and names the metric. `dlq list` shows each DLQ message's
//! sent time instead, which gives the DLQ's oldest age exactly.

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName as A;
use serde::Serialize;

use crate::error::OpsError;
use crate::target::{Selection, Sqs, arn_account_and_name};

/// Where the oldest-message age lives (printed instead of a value).
pub const AGE_METRIC: &str = "CloudWatch AWS/SQS ApproximateAgeOfOldestMessage (not in the SQS API)";

/// A queue's `RedrivePolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    /// DLQ ARN.
    pub dead_letter_target_arn: String,
    /// Receives before a message moves to the DLQ.
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// Parses the attribute JSON (`maxReceiveCount` may be a number or a string).
    pub fn parse(queue: &str, json: &str) -> Result<Self, OpsError> {
        let bad = |reason: &str| OpsError::RedrivePolicy {
            queue: queue.to_owned(),
            reason: reason.to_owned(),
        };
        let v: serde_json::Value = serde_json::from_str(json).map_err(|_| bad("RedrivePolicy is not JSON"))?;
        let arn = v
            .get("deadLetterTargetArn")
            .and_then(|a| a.as_str())
            .ok_or_else(|| bad("deadLetterTargetArn missing"))?;
        let count = match v.get("maxReceiveCount") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad("maxReceiveCount missing or not a number"))?;
        Ok(Self {
            dead_letter_target_arn: arn.to_owned(),
            max_receive_count: count,
        })
    }
}

/// Counts and settings of one queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueStats {
    /// Queue URL.
    pub url: String,
    /// Queue ARN.
    pub arn: Option<String>,
    /// ApproximateNumberOfMessages (visible, waiting).
    pub visible: u64,
    /// ApproximateNumberOfMessagesNotVisible (received, not yet deleted).
    pub in_flight: u64,
    /// ApproximateNumberOfMessagesDelayed.
    pub delayed: u64,
    /// VisibilityTimeout in seconds.
    pub visibility_timeout_seconds: Option<u64>,
    /// MessageRetentionPeriod in seconds.
    pub retention_seconds: Option<u64>,
    /// FifoQueue.
    pub fifo: bool,
    /// RedrivePolicy (source queue).
    pub redrive_policy: Option<RedrivePolicy>,
}

/// The result of `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The source queue.
    pub queue: QueueStats,
    /// Its dead-letter queue.
    pub dlq: QueueStats,
    /// Always `None` from the SQS API; see [`AGE_METRIC`].
    pub oldest_message_age_seconds: Option<u64>,
    /// Where to read the age.
    pub oldest_message_age_source: &'static str,
}

const ATTRS: [A; 8] = [
    A::QueueArn,
    A::ApproximateNumberOfMessages,
    A::ApproximateNumberOfMessagesNotVisible,
    A::ApproximateNumberOfMessagesDelayed,
    A::VisibilityTimeout,
    A::MessageRetentionPeriod,
    A::FifoQueue,
    A::RedrivePolicy,
];

/// Reads the stats of one queue.
pub async fn queue_stats(sqs: &Sqs, url: &str) -> Result<QueueStats, OpsError> {
    let attrs = sqs.attributes(url, &ATTRS).await?;
    stats_from(url, &attrs)
}

fn stats_from(url: &str, attrs: &HashMap<A, String>) -> Result<QueueStats, OpsError> {
    let num = |k: A| attrs.get(&k).and_then(|v| v.parse::<u64>().ok());
    let redrive_policy = match attrs.get(&A::RedrivePolicy) {
        Some(p) if !p.trim().is_empty() => Some(RedrivePolicy::parse(url, p)?),
        _ => None,
    };
    Ok(QueueStats {
        url: url.to_owned(),
        arn: attrs.get(&A::QueueArn).cloned(),
        visible: num(A::ApproximateNumberOfMessages).unwrap_or(0),
        in_flight: num(A::ApproximateNumberOfMessagesNotVisible).unwrap_or(0),
        delayed: num(A::ApproximateNumberOfMessagesDelayed).unwrap_or(0),
        visibility_timeout_seconds: num(A::VisibilityTimeout),
        retention_seconds: num(A::MessageRetentionPeriod),
        fifo: attrs.get(&A::FifoQueue).is_some_and(|v| v == "true"),
        redrive_policy,
    })
}

/// `status` for a selection.
pub async fn status(sqs: &Sqs, sel: &Selection) -> Result<Status, OpsError> {
    let queue_url = sqs.source_url(sel).await?;
    let queue = queue_stats(sqs, &queue_url).await?;
    let dlq_url = sqs.dlq_url(sel).await?;
    let dlq = queue_stats(sqs, &dlq_url).await?;
    Ok(Status {
        queue,
        dlq,
        oldest_message_age_seconds: None,
        oldest_message_age_source: AGE_METRIC,
    })
}

fn queue_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

fn opt_seconds(v: Option<u64>) -> String {
    match v {
        Some(s) if s >= 86_400 && s % 3_600 == 0 => format!("{s} s ({} h)", s / 3_600),
        Some(s) => format!("{s} s"),
        None => "-".to_owned(),
    }
}

/// The human table of a [`Status`].
pub fn render(s: &Status) -> String {
    let redrive = |q: &QueueStats| match &q.redrive_policy {
        Some(p) => {
            let target =
                arn_account_and_name(&p.dead_letter_target_arn).map_or(p.dead_letter_target_arn.as_str(), |x| x.1);
            format!("-> {target} after {} receives", p.max_receive_count)
        }
        None => "none".to_owned(),
    };
    let rows: Vec<(&str, String, String)> = vec![
        ("", "queue".to_owned(), "dlq".to_owned()),
        (
            "name",
            queue_name(&s.queue.url).to_owned(),
            queue_name(&s.dlq.url).to_owned(),
        ),
        (
            "depth (visible)",
            s.queue.visible.to_string(),
            s.dlq.visible.to_string(),
        ),
        ("in flight", s.queue.in_flight.to_string(), s.dlq.in_flight.to_string()),
        ("delayed", s.queue.delayed.to_string(), s.dlq.delayed.to_string()),
        ("fifo", s.queue.fifo.to_string(), s.dlq.fifo.to_string()),
        (
            "visibility timeout",
            opt_seconds(s.queue.visibility_timeout_seconds),
            opt_seconds(s.dlq.visibility_timeout_seconds),
        ),
        (
            "retention",
            opt_seconds(s.queue.retention_seconds),
            opt_seconds(s.dlq.retention_seconds),
        ),
        ("redrive policy", redrive(&s.queue), redrive(&s.dlq)),
    ];
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (label, a, b) in rows {
        out.push_str(format!("{label:<w0$}  {a:<w1$}  {b}").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("oldest message age: unavailable here, see {AGE_METRIC}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redrive_policy_accepts_string_and_number_counts() {
        let a = RedrivePolicy::parse(
            "q",
            r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:d","maxReceiveCount":"5"}"#,
        );
        let b = RedrivePolicy::parse(
            "q",
            r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:d","maxReceiveCount":5}"#,
        );
        assert_eq!(a.unwrap(), b.unwrap());
        assert!(RedrivePolicy::parse("q", r#"{"maxReceiveCount":5}"#).is_err());
        assert!(RedrivePolicy::parse("q", "nope").is_err());
    }

    #[test]
    fn stats_and_table() {
        let mut attrs = HashMap::new();
        attrs.insert(A::ApproximateNumberOfMessages, "7".to_owned());
        attrs.insert(A::ApproximateNumberOfMessagesNotVisible, "2".to_owned());
        attrs.insert(A::FifoQueue, "true".to_owned());
        attrs.insert(
            A::RedrivePolicy,
            r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:x-dlq.fifo","maxReceiveCount":"3"}"#.to_owned(),
        );
        let queue = stats_from("http://h/1/x.fifo", &attrs).unwrap();
        assert_eq!((queue.visible, queue.in_flight, queue.delayed), (7, 2, 0));
        let dlq = stats_from("http://h/1/x-dlq.fifo", &HashMap::new()).unwrap();
        let table = render(&Status {
            queue,
            dlq,
            oldest_message_age_seconds: None,
            oldest_message_age_source: AGE_METRIC,
        });
        assert!(table.contains("-> x-dlq.fifo after 3 receives"), "{table}");
        assert!(
            table
                .lines()
                .any(|l| l.starts_with("depth (visible)") && l.contains(" 7 ")),
            "{table}"
        );
    }
}
