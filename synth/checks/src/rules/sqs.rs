//! SQS rules: encryption at rest, TLS-only queue policies, a redrive policy on every non-DLQ queue, and FIFO/standard
//! agreement between a queue and its dead-letter queue.

use serde_json::Value;

use super::RawFinding;
use crate::template::{Resource, as_list, get_att, literal_bool, referenced_id, resource, resources_of_type, sub_text};

pub(super) const SSE: &str = "SQS1";
pub(super) const TLS_ONLY: &str = "SQS2";
pub(super) const REDRIVE: &str = "SQS3";
pub(super) const FIFO_DLQ: &str = "SQS4";

const QUEUE: &str = "AWS::SQS::Queue";

/// SQS1: `SqsManagedSseEnabled` is not `false`, or a `KmsMasterKeyId` is set.
pub(super) fn sse(template: &Value) -> Vec<RawFinding> {
    resources_of_type(template, QUEUE)
        .into_iter()
        .filter(|q| q.prop("KmsMasterKeyId").is_none())
        .filter(|q| q.prop("SqsManagedSseEnabled").and_then(literal_bool) == Some(false))
        .map(|q| {
            let msg = "queue is not encrypted at rest: SqsManagedSseEnabled is false and no KmsMasterKeyId is set";
            (q.logical_id.to_owned(), msg.to_owned())
        })
        .collect()
}

/// A statement that denies every SQS action to everyone when `aws:SecureTransport` is false.
fn is_tls_deny(statement: &Value, queue_id: &str) -> bool {
    let effect = statement.get("Effect").and_then(Value::as_str) == Some("Deny");
    let principal = match statement.get("Principal") {
        Some(Value::String(p)) => p == "*",
        Some(Value::Object(p)) => p
            .get("AWS")
            .is_some_and(|a| as_list(a).iter().any(|v| v.as_str() == Some("*"))),
        _ => false,
    };
    let action = statement
        .get("Action")
        .map(as_list)
        .unwrap_or_default()
        .iter()
        .any(|a| a.as_str().is_some_and(|a| a == "*" || a.eq_ignore_ascii_case("sqs:*")));
    let condition = statement
        .pointer("/Condition/Bool/aws:SecureTransport")
        .map(as_list)
        .unwrap_or_default()
        .iter()
        .any(|v| literal_bool(v) == Some(false));
    // The statement must cover this queue: `*`, a reference to it, or a value we cannot resolve (literal/Sub ARN).
    let covers = statement
        .get("Resource")
        .map(as_list)
        .unwrap_or_default()
        .iter()
        .any(|r| match r {
            Value::String(_) => true,
            other => referenced_id(other).is_none_or(|id| id == queue_id),
        });
    effect && principal && action && condition && covers
}

/// SQS2: every queue is listed in a queue policy with a TLS-only Deny statement.
pub(super) fn tls_only(template: &Value) -> Vec<RawFinding> {
    let policies = resources_of_type(template, "AWS::SQS::QueuePolicy");
    resources_of_type(template, QUEUE)
        .into_iter()
        .filter(|q| {
            !policies.iter().any(|p| {
                let lists_queue = p
                    .prop("Queues")
                    .map(as_list)
                    .unwrap_or_default()
                    .iter()
                    .any(|v| referenced_id(v) == Some(q.logical_id));
                let statements = p.prop("PolicyDocument").and_then(|d| d.get("Statement")).map(as_list);
                lists_queue
                    && statements
                        .unwrap_or_default()
                        .iter()
                        .any(|s| is_tls_deny(s, q.logical_id))
            })
        })
        .map(|q| {
            let msg = "no queue policy denies requests without TLS (Deny sqs:* to * when aws:SecureTransport is false)";
            (q.logical_id.to_owned(), msg.to_owned())
        })
        .collect()
}

/// `RedrivePolicy` as an object (CloudFormation also accepts a JSON string).
fn redrive_policy(queue: &Resource<'_>) -> Option<Value> {
    match queue.prop("RedrivePolicy")? {
        Value::String(text) => serde_json::from_str(text).ok(),
        other => Some(other.clone()),
    }
}

/// Whether `arn` (a `Fn::GetAtt`, a literal ARN or an `Fn::Sub` ARN) designates `queue`.
fn designates(arn: &Value, queue: &Resource<'_>) -> bool {
    if let Some((id, _)) = get_att(arn) {
        return id == queue.logical_id;
    }
    match (sub_text(arn), queue.prop("QueueName").and_then(sub_text)) {
        (Some(arn), Some(name)) => arn.ends_with(&format!(":{name}")),
        _ => false,
    }
}

/// Every value in the template that names a dead-letter target (queue redrive, Lambda DLQ, ESM/SNS failure targets).
fn dead_letter_targets(template: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for q in resources_of_type(template, QUEUE) {
        if let Some(target) = redrive_policy(&q).and_then(|p| p.get("deadLetterTargetArn").cloned()) {
            out.push(target);
        }
    }
    for f in resources_of_type(template, "AWS::Lambda::Function") {
        out.extend(f.prop("DeadLetterConfig").and_then(|d| d.get("TargetArn")).cloned());
    }
    for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping") {
        out.extend(
            m.prop("DestinationConfig")
                .and_then(|d| d.pointer("/OnFailure/Destination"))
                .cloned(),
        );
    }
    for s in resources_of_type(template, "AWS::SNS::Subscription") {
        let policy = match s.prop("RedrivePolicy") {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok(),
            other => other.cloned(),
        };
        out.extend(policy.and_then(|p| p.get("deadLetterTargetArn").cloned()));
    }
    out
}

/// SQS3: every queue has a `RedrivePolicy`, unless it is some queue's (or function's, mapping's, subscription's) DLQ.
pub(super) fn redrive(template: &Value) -> Vec<RawFinding> {
    let targets = dead_letter_targets(template);
    resources_of_type(template, QUEUE)
        .into_iter()
        .filter(|q| q.prop("RedrivePolicy").is_none())
        .filter(|q| !targets.iter().any(|t| designates(t, q)))
        .map(|q| {
            let msg = "queue has no RedrivePolicy (dead-letter queue) and is no other queue's dead-letter queue";
            (q.logical_id.to_owned(), msg.to_owned())
        })
        .collect()
}

/// Whether a queue is FIFO: `FifoQueue: true` or a name ending in `.fifo`. `None` when it cannot be told.
pub(super) fn is_fifo(queue: &Resource<'_>) -> Option<bool> {
    match queue.prop("FifoQueue") {
        Some(v) => literal_bool(v),
        None => Some(
            queue
                .prop("QueueName")
                .and_then(sub_text)
                .is_some_and(|n| n.ends_with(".fifo")),
        ),
    }
}

/// SQS4: a FIFO queue's DLQ is FIFO and a standard queue's DLQ is standard.
pub(super) fn fifo_dlq(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for q in resources_of_type(template, QUEUE) {
        let Some(target) = redrive_policy(&q).and_then(|p| p.get("deadLetterTargetArn").cloned()) else {
            continue;
        };
        let Some(source_fifo) = is_fifo(&q) else {
            continue;
        };
        let dlq_fifo = match get_att(&target) {
            Some((id, _)) => resource(template, id)
                .filter(|r| r.resource_type == QUEUE)
                .and_then(|d| is_fifo(&d)),
            None => sub_text(&target).map(|arn| arn.ends_with(".fifo")),
        };
        if let Some(dlq_fifo) = dlq_fifo
            && dlq_fifo != source_fifo
        {
            let kind = |fifo: bool| if fifo { "FIFO" } else { "standard" };
            out.push((
                q.logical_id.to_owned(),
                format!(
                    "{} queue has a {} dead-letter queue; SQS requires both to be the same kind",
                    kind(source_fifo),
                    kind(dlq_fifo)
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn queues(extra: Value) -> Value {
        let mut t = json!({"Resources": {
            "Dlq": {"Type": QUEUE, "Properties": {"FifoQueue": true}},
            "Main": {"Type": QUEUE, "Properties": {"FifoQueue": true, "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 3}}},
            "Tls": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Main"}, {"Ref": "Dlq"}], "PolicyDocument": {"Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": [{"Fn::GetAtt": ["Main", "Arn"]}, {"Fn::GetAtt": ["Dlq", "Arn"]}],
                 "Condition": {"Bool": {"aws:SecureTransport": false}}}]}}}
        }});
        for (k, v) in extra.as_object().unwrap() {
            t["Resources"][k] = v.clone();
        }
        t
    }

    #[test]
    fn compliant_pair_passes_every_sqs_rule() {
        let t = queues(json!({}));
        assert!(sse(&t).is_empty() && tls_only(&t).is_empty() && redrive(&t).is_empty() && fifo_dlq(&t).is_empty());
    }

    #[test]
    fn sse_fires() {
        let t =
            queues(json!({"Dlq": {"Type": QUEUE, "Properties": {"FifoQueue": true, "SqsManagedSseEnabled": "false"}}}));
        assert_eq!(sse(&t), [("Dlq".to_owned(), sse(&t)[0].1.clone())]);
        let kms = queues(
            json!({"Dlq": {"Type": QUEUE, "Properties": {"SqsManagedSseEnabled": false, "KmsMasterKeyId": "alias/aws/sqs"}}}),
        );
        assert!(sse(&kms).is_empty());
    }

    #[test]
    fn tls_only_fires_for_an_unlisted_queue_and_a_weak_statement() {
        let t = queues(
            json!({"Other": {"Type": QUEUE, "Properties": {"RedrivePolicy": {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:d"}}}}),
        );
        assert_eq!(tls_only(&t).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["Other"]);
        let mut weak = queues(json!({}));
        weak["Resources"]["Tls"]["Properties"]["PolicyDocument"]["Statement"][0]["Effect"] = json!("Allow");
        assert_eq!(tls_only(&weak).len(), 2);
        let mut other_resource = queues(json!({}));
        other_resource["Resources"]["Tls"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] =
            json!({"Fn::GetAtt": ["Main", "Arn"]});
        assert_eq!(
            tls_only(&other_resource).into_iter().map(|f| f.0).collect::<Vec<_>>(),
            ["Dlq"]
        );
    }

    #[test]
    fn redrive_fires_unless_the_queue_is_a_dlq() {
        let t = queues(json!({"Lonely": {"Type": QUEUE, "Properties": {}}}));
        assert_eq!(redrive(&t).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["Lonely"]);
        // A DLQ named by a literal ARN (matched by QueueName) or used by a Lambda function is a DLQ too.
        let t = queues(json!({
            "Named": {"Type": QUEUE, "Properties": {"QueueName": "named-dlq"}},
            "User": {"Type": QUEUE, "Properties": {"RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:named-dlq\",\"maxReceiveCount\":3}"}},
            "FnDlq": {"Type": QUEUE, "Properties": {}},
            "F": {"Type": "AWS::Lambda::Function", "Properties": {"DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["FnDlq", "Arn"]}}}}
        }));
        assert_eq!(redrive(&t), []);
    }

    #[test]
    fn fifo_dlq_fires_both_ways() {
        let t = queues(json!({"Dlq": {"Type": QUEUE, "Properties": {}}}));
        let found = fifo_dlq(&t);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("FIFO queue has a standard"));
        let t = queues(
            json!({"Std": {"Type": QUEUE, "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:d.fifo"}}}}}),
        );
        assert_eq!(fifo_dlq(&t).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["Std"]);
        let by_name =
            queues(json!({"Dlq": {"Type": QUEUE, "Properties": {"QueueName": {"Fn::Sub": "d-${Env}.fifo"}}}}));
        assert_eq!(fifo_dlq(&by_name), []);
    }
}
