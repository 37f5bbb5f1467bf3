//! Per-request custom metrics as one CloudWatch embedded metric format (EMF) JSON line: Received, Enqueued,
//! Ignored and SqsRequests (dimension `Service`), plus Rejected with dimension `Reason` when the request was refused.

use serde_json::{Value, json};

/// Default CloudWatch namespace (shared with the event-processor); override with `METRICS_NAMESPACE`.
pub const DEFAULT_NAMESPACE: &str = "HubSpotPartnerCentralSync";
/// Value of the `Service` dimension.
pub const SERVICE: &str = "webhook-receipt";

/// What one request did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMetrics {
    /// Events in the body (0 when it was not parsed).
    pub received: usize,
    /// Events durably enqueued.
    pub enqueued: usize,
    /// Events deliberately ignored (unsupported types, other portals).
    pub ignored: usize,
    /// Accepted events that could not be enqueued.
    pub failed: usize,
    /// SendMessageBatch calls made.
    pub sqs_requests: usize,
    /// Rejection reason (`signature_mismatch`, `invalid_body`, `payload_too_large`, `enqueue_failed`, ...).
    pub rejected: Option<&'static str>,
}

impl RequestMetrics {
    /// Renders the EMF document (one JSON line, no trailing newline).
    pub fn to_emf(&self, namespace: &str, timestamp_ms: i64, correlation_id: &str) -> String {
        let count = |name: &str| json!({"Name": name, "Unit": "Count"});
        let mut directives = vec![json!({
            "Namespace": namespace,
            "Dimensions": [["Service"]],
            "Metrics": [count("Received"), count("Enqueued"), count("Ignored"), count("EnqueueFailed"), count("SqsRequests")],
        })];
        let mut doc = json!({
            "Service": SERVICE,
            "Received": self.received,
            "Enqueued": self.enqueued,
            "Ignored": self.ignored,
            "EnqueueFailed": self.failed,
            "SqsRequests": self.sqs_requests,
            "correlationId": correlation_id,
        });
        if let (Some(reason), Value::Object(map)) = (self.rejected, &mut doc) {
            directives.push(json!({
                "Namespace": namespace,
                "Dimensions": [["Service", "Reason"]],
                "Metrics": [count("Rejected")],
            }));
            map.insert("Reason".into(), reason.into());
            map.insert("Rejected".into(), 1.into());
        }
        if let Value::Object(map) = &mut doc {
            map.insert(
                "_aws".into(),
                json!({"Timestamp": timestamp_ms, "CloudWatchMetrics": directives}),
            );
        }
        doc.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_document_declares_every_metric_it_carries() {
        let m = RequestMetrics {
            received: 3,
            enqueued: 2,
            ignored: 1,
            rejected: Some("enqueue_failed"),
            ..Default::default()
        };
        let v: Value = serde_json::from_str(&m.to_emf(DEFAULT_NAMESPACE, 1_790_000_000_000, "req-1")).unwrap();
        assert_eq!(v["_aws"]["Timestamp"], 1_790_000_000_000_i64);
        let directives = v["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 2);
        for d in directives {
            assert_eq!(d["Namespace"], DEFAULT_NAMESPACE);
            for dims in d["Dimensions"].as_array().unwrap() {
                for dim in dims.as_array().unwrap() {
                    assert!(v[dim.as_str().unwrap()].is_string(), "dimension {dim} has a value");
                }
            }
            for metric in d["Metrics"].as_array().unwrap() {
                assert!(v[metric["Name"].as_str().unwrap()].is_number(), "{metric}");
            }
        }
        assert_eq!(
            (v["Received"].as_u64(), v["Reason"].as_str()),
            (Some(3), Some("enqueue_failed"))
        );
        let ok: Value = serde_json::from_str(&RequestMetrics::default().to_emf("N", 0, "c")).unwrap();
        assert!(ok.get("Reason").is_none() && ok["_aws"]["CloudWatchMetrics"].as_array().unwrap().len() == 1);
    }
}
