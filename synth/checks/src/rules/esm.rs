//! Event source mapping rules for SQS sources: partial batch responses, and a queue visibility timeout of at least
//! six times the consuming function's timeout (AWS's guidance, so in-flight retries do not redeliver early).

use serde_json::Value;

use super::RawFinding;
use crate::template::{Resource, get_att, literal_number, ref_name, resource, resources_of_type, sub_text};

pub(super) const BATCH_FAILURES: &str = "ESM1";
pub(super) const VISIBILITY: &str = "ESM2";
pub(super) const BATCHING: &str = "ESM3";

/// SQS defaults when the property is absent.
const DEFAULT_VISIBILITY: f64 = 30.0;
/// Lambda's default timeout.
const DEFAULT_TIMEOUT: f64 = 3.0;

/// The source of an SQS mapping: `Some(Some(queue))` when it resolves to a queue in the template, `Some(None)` for an
/// SQS ARN from elsewhere, `None` for a non-SQS source.
fn sqs_source<'a>(template: &'a Value, mapping: &Resource<'a>) -> Option<Option<Resource<'a>>> {
    let arn = mapping.prop("EventSourceArn")?;
    if let Some((id, _)) = get_att(arn) {
        let target = resource(template, id)?;
        return (target.resource_type == "AWS::SQS::Queue").then_some(Some(target));
    }
    sub_text(arn).filter(|t| t.contains(":sqs:")).map(|_| None)
}

/// The function a mapping invokes: `Ref`, `Fn::GetAtt ... Arn`, or a literal name matching a function's name.
fn target_function<'a>(template: &'a Value, mapping: &Resource<'a>) -> Option<Resource<'a>> {
    let name = mapping.prop("FunctionName")?;
    let found = match ref_name(name).or_else(|| get_att(name).map(|(id, _)| id)) {
        Some(id) => resource(template, id),
        None => {
            let text = sub_text(name)?;
            resources_of_type(template, "AWS::Lambda::Function")
                .into_iter()
                .find(|f| f.prop("FunctionName").and_then(sub_text) == Some(text))
        }
    };
    found.filter(|f| f.resource_type == "AWS::Lambda::Function")
}

/// ESM1: SQS mappings report partial batch failures (`FunctionResponseTypes: [ReportBatchItemFailures]`).
pub(super) fn batch_failures(template: &Value) -> Vec<RawFinding> {
    resources_of_type(template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .filter(|m| sqs_source(template, m).is_some())
        .filter(|m| {
            let types = m.prop("FunctionResponseTypes");
            !types.is_some_and(|t| {
                t.as_array()
                    .is_none_or(|a| a.iter().any(|v| v.as_str() == Some("ReportBatchItemFailures")))
            })
        })
        .map(|m| {
            let msg = "SQS event source mapping lacks FunctionResponseTypes [ReportBatchItemFailures]: \
                       one failed message makes the whole batch retry";
            (m.logical_id.to_owned(), msg.to_owned())
        })
        .collect()
}

/// ESM2: the source queue's `VisibilityTimeout` (default 30 s) is >= 6 x the function's `Timeout` (default 3 s).
/// Skipped when either value is an intrinsic or the queue/function is not in the template.
pub(super) fn visibility(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping") {
        let (Some(Some(queue)), Some(function)) = (sqs_source(template, &m), target_function(template, &m)) else {
            continue;
        };
        let visibility = queue
            .prop("VisibilityTimeout")
            .map_or(Some(DEFAULT_VISIBILITY), literal_number);
        let timeout = function.prop("Timeout").map_or(Some(DEFAULT_TIMEOUT), literal_number);
        if let (Some(visibility), Some(timeout)) = (visibility, timeout)
            && visibility < 6.0 * timeout
        {
            out.push((
                m.logical_id.to_owned(),
                format!(
                    "queue {} has VisibilityTimeout {visibility} s, less than 6 x the Timeout {timeout} s of function {} \
                     (needs >= {} s)",
                    queue.logical_id,
                    function.logical_id,
                    6.0 * timeout
                ),
            ));
        }
    }
    out
}

/// ESM3: batching is valid for the SQS source: a FIFO queue takes `BatchSize` <= 10 and no batching window; a
/// standard queue needs `MaximumBatchingWindowInSeconds` >= 1 for a `BatchSize` above 10.
pub(super) fn batching(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping") {
        let Some(Some(queue)) = sqs_source(template, &m) else {
            continue;
        };
        let batch = m.prop("BatchSize").and_then(literal_number);
        let window = m.prop("MaximumBatchingWindowInSeconds");
        let problem = match super::sqs::is_fifo(&queue) {
            Some(true) if batch.is_some_and(|b| b > 10.0) => Some("BatchSize above 10 on a FIFO queue".to_owned()),
            Some(true) if window.is_some() => {
                Some("MaximumBatchingWindowInSeconds is not allowed for a FIFO queue".into())
            }
            Some(false)
                if batch.is_some_and(|b| b > 10.0) && window.and_then(literal_number).is_some_and(|w| w < 1.0) =>
            {
                Some("BatchSize above 10 needs MaximumBatchingWindowInSeconds >= 1".into())
            }
            Some(false) if batch.is_some_and(|b| b > 10.0) && window.is_none() => {
                Some("BatchSize above 10 needs MaximumBatchingWindowInSeconds >= 1".into())
            }
            _ => None,
        };
        if let Some(problem) = problem {
            out.push((
                m.logical_id.to_owned(),
                format!("{problem} (queue {})", queue.logical_id),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn stack(visibility: Value, timeout: Value, mapping: Value) -> Value {
        json!({"Resources": {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": visibility}},
            "F": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "fn", "Timeout": timeout}},
            "M": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": mapping}
        }})
    }

    #[test]
    fn batch_failures_fires_and_passes() {
        let arn = json!({"Fn::GetAtt": ["Q", "Arn"]});
        assert_eq!(
            batch_failures(&stack(
                json!(180),
                json!(30),
                json!({"EventSourceArn": arn, "FunctionName": "fn"})
            ))
            .len(),
            1
        );
        let literal =
            json!({"EventSourceArn": "arn:aws:sqs:us-east-1:1:q", "FunctionName": "fn", "FunctionResponseTypes": []});
        assert_eq!(batch_failures(&stack(json!(180), json!(30), literal)).len(), 1);
        let ok =
            json!({"EventSourceArn": arn, "FunctionName": "fn", "FunctionResponseTypes": ["ReportBatchItemFailures"]});
        assert_eq!(batch_failures(&stack(json!(180), json!(30), ok)), []);
        let kinesis = json!({"EventSourceArn": "arn:aws:kinesis:us-east-1:1:stream/s", "FunctionName": "fn"});
        assert_eq!(batch_failures(&stack(json!(180), json!(30), kinesis)), []);
    }

    #[test]
    fn batching_fires_and_passes() {
        let arn = json!({"Fn::GetAtt": ["Q", "Arn"]});
        let fifo = |mapping: Value| {
            let mut t = stack(json!(180), json!(30), mapping);
            t["Resources"]["Q"]["Properties"]["FifoQueue"] = json!(true);
            t
        };
        assert_eq!(
            batching(&fifo(json!({"EventSourceArn": arn, "BatchSize": 11}))).len(),
            1
        );
        assert_eq!(
            batching(&fifo(
                json!({"EventSourceArn": arn, "MaximumBatchingWindowInSeconds": 0})
            ))
            .len(),
            1
        );
        assert_eq!(batching(&fifo(json!({"EventSourceArn": arn, "BatchSize": 10}))), []);
        let standard = |m: Value| stack(json!(180), json!(30), m);
        assert_eq!(
            batching(&standard(json!({"EventSourceArn": arn, "BatchSize": 100}))).len(),
            1
        );
        let windowed = json!({"EventSourceArn": arn, "BatchSize": 100, "MaximumBatchingWindowInSeconds": 5});
        assert_eq!(batching(&standard(windowed)), []);
    }

    #[test]
    fn visibility_fires_and_passes_through_ref_getatt_and_name() {
        let arn = json!({"Fn::GetAtt": "Q.Arn"});
        for function in [json!({"Ref": "F"}), json!({"Fn::GetAtt": ["F", "Arn"]}), json!("fn")] {
            let mapping = json!({"EventSourceArn": arn, "FunctionName": function});
            let found = visibility(&stack(json!(179), json!(30), mapping.clone()));
            assert_eq!(found.len(), 1, "{function}");
            assert!(found[0].1.contains("needs >= 180 s"), "{found:?}");
            assert_eq!(visibility(&stack(json!(180), json!("30"), mapping.clone())), []);
            assert_eq!(visibility(&stack(json!({"Ref": "V"}), json!(30), mapping)), []);
        }
        // Defaults: visibility 30 s vs timeout 6 s -> 36 s needed.
        let mut t = stack(
            json!(0),
            json!(6),
            json!({"EventSourceArn": arn, "FunctionName": {"Ref": "F"}}),
        );
        t["Resources"]["Q"]["Properties"] = json!({});
        assert_eq!(visibility(&t).len(), 1);
    }
}
