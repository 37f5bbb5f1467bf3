//! The alarm catalogue: one entry per alarm with its meaning and the operator's first action. The
//! `async-architecture` stack creates the alarms from it, the runbook and the dashboard's alarm widget read it,
//! so names and texts have a single source.

use serde::Serialize;

use crate::env::{EnvConfig, Names};

/// One alarm as documented for operators.
#[derive(Debug, Clone, Serialize)]
pub struct AlarmDoc {
    /// Logical id.
    pub id: &'static str,
    /// Short key in the physical name.
    pub key: &'static str,
    /// Physical name.
    pub name: String,
    /// Condition in words, with the environment's threshold.
    pub condition: String,
    /// What it means.
    pub meaning: &'static str,
    /// What to do.
    pub action: &'static str,
}

/// Every alarm of an environment, in runbook order.
pub fn catalogue(cfg: &EnvConfig) -> Vec<AlarmDoc> {
    let n = Names::new(cfg);
    let a = &cfg.alarms;
    let pt = cfg.functions.event_processor.timeout_seconds;
    let doc = |id, key: &'static str, condition: String, meaning, action| AlarmDoc {
        id,
        key,
        name: n.alarm(key),
        condition,
        meaning,
        action,
    };
    vec![
        doc(
            "DlqNotEmptyAlarm",
            "dlq-not-empty",
            format!("DLQ visible messages >= {} (1 minute)", a.dlq_messages),
            "Events failed processing max_receive_count times and were moved to the dead-letter queue; their deals are not synced.",
            "Read the processor logs for the failing message ids, fix the cause (credentials, mapping, Partner Central validation), then redrive the DLQ (see DLQ redrive).",
        ),
        doc(
            "DlqAgingAlarm",
            "dlq-aging",
            format!(
                "oldest DLQ message >= {} s ({:.1} days)",
                a.dlq_age_seconds,
                f64::from(a.dlq_age_seconds) / 86_400.0
            ),
            "DLQ messages expire after 14 days of retention and are then lost for good.",
            "Redrive or export the DLQ now; if the cause is not fixed yet, copy the messages to a file (see DLQ inspection).",
        ),
        doc(
            "QueueAgeAlarm",
            "queue-age",
            format!("oldest queued message >= {} s for 3 minutes", a.queue_age_seconds),
            "Events wait too long: the processor is failing, throttled or too slow; a FIFO group may be blocked by a failing message.",
            "Check the processor error and throttle alarms and logs; look for one message group retried repeatedly; raise maximum concurrency if the backlog is only volume.",
        ),
        doc(
            "QueueDepthAlarm",
            "queue-depth",
            format!("visible messages >= {} for 15 minutes", a.queue_depth),
            "A backlog is building faster than the processor drains it.",
            "Check processor errors, throttles and Partner Central throttling; consider raising queue.maximum_concurrency.",
        ),
        doc(
            "ReceiptErrorRateAlarm",
            "receipt-errors",
            format!(
                "webhook receipt errors > {}% of invocations (5 minutes)",
                a.receipt_error_rate_percent
            ),
            "The webhook receipt function fails (cannot read its secret or enqueue); HubSpot gets 5xx and will retry, then give up.",
            "Read the receipt logs; check the webhook secret value and the SQS permissions; HubSpot redelivers for a limited time, so fix quickly.",
        ),
        doc(
            "ProcessorErrorRateAlarm",
            "processor-errors",
            format!(
                "event processor errors > {}% of invocations (5 minutes)",
                a.processor_error_rate_percent
            ),
            "Processor invocations fail as a whole (crash, timeout, cold-start configuration error); batches are retried and end in the DLQ.",
            "Read the processor logs (cold-start messages name the missing setting); check the HubSpot token secret and the Partner Central role.",
        ),
        doc(
            "LambdaThrottlesAlarm",
            "lambda-throttles",
            format!("throttled invocations of both functions >= {} (5 minutes)", a.throttles),
            "Lambda refused invocations: reserved concurrency or the account limit is reached. Throttled webhooks return 5xx to HubSpot.",
            "Compare concurrency with reserved_concurrency in the environment file; raise it or the account quota.",
        ),
        doc(
            "Api5xxAlarm",
            "api-5xx",
            format!("API 5XX responses >= {} (5 minutes)", a.api_5xx),
            "The webhook endpoint answers 5xx: the receipt function errors or is throttled, or the integration fails.",
            "Check the receipt error and throttle alarms and the API access logs (status, integrationStatus, errorMessage).",
        ),
        doc(
            "Api4xxAlarm",
            "api-4xx",
            format!("API 4XX responses >= {} (5 minutes)", a.api_4xx),
            "Many rejected requests: wrong or rotated HubSpot client secret (401), a changed public URL, stage throttling (429), or probing.",
            "Check the access logs by status; 401s after a secret rotation mean the webhook secret value must be updated; 429s mean the throttling limits are too low.",
        ),
        doc(
            "ProcessorDurationAlarm",
            "processor-duration",
            format!(
                "processor maximum duration >= {}% of its {pt} s timeout",
                a.processor_duration_percent_of_timeout
            ),
            "Processing approaches the timeout; timeouts cause retries and duplicates of work.",
            "Look for slow HubSpot or Partner Central calls (latency metrics in the logs); raise the timeout together with the queue visibility timeout (>= 6x).",
        ),
        doc(
            "ShadowStoreErrorsAlarm",
            "shadow-store-errors",
            format!("{} ShadowStoreErrors >= 1 (5 minutes)", n.metrics_namespace()),
            "Shadow mode could not store a shadow record in the shadow records bucket: the sync is retried (transient error), but until it stores, that deal's planned writes are missing from the migration evidence. Never fires in live mode (no shadow records).",
            "Read the processor logs (code shadow.store) for the S3 error; check the bucket (ShadowRecordsBucketName output), SHADOW_RECORDS_BUCKET and the processor's s3:PutObject on shadow/*; after the fix, check the DLQ and run sync-ops reconcile for the period.",
        ),
    ]
}
