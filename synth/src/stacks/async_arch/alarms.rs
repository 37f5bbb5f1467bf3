//! The alarms of `async-architecture`, created from the catalogue in [`crate::stacks::alarms`].

use crate::cfn::expr::Expr;
use crate::cfn::resources::cloudwatch::{ComparisonOperator as Op, Statistic as St, TreatMissingData};
use crate::cfn::resources::sns::Topic;
use crate::cfn::{Handle, Template};
use crate::constructs::alarm::{AlarmProps, MetricRef, Watch, alarm};
use crate::constructs::function::FunctionParts;
use crate::constructs::queue::QueuePair;
use crate::env::{EnvConfig, Names};
use crate::stacks::alarms::catalogue;

fn sqs(name: &'static str, queue: Expr) -> MetricRef {
    MetricRef {
        namespace: "AWS/SQS".to_owned(),
        name,
        dimensions: vec![("QueueName", queue)],
    }
}

fn lambda(name: &'static str, f: &FunctionParts) -> MetricRef {
    MetricRef {
        namespace: "AWS/Lambda".to_owned(),
        name,
        dimensions: vec![("FunctionName", f.function.name())],
    }
}

fn error_rate(f: &FunctionParts) -> Watch {
    Watch::Math {
        expression: "IF(m2 > 0, 100 * m1 / m2, 0)".to_owned(),
        label: "Error rate (%)".to_owned(),
        inputs: vec![
            ("m1".to_owned(), lambda("Errors", f), St::Sum),
            ("m2".to_owned(), lambda("Invocations", f), St::Sum),
        ],
    }
}

/// Adds every alarm of the catalogue.
pub fn add_alarms(
    t: &mut Template,
    cfg: &EnvConfig,
    q: &QueuePair,
    receipt: &FunctionParts,
    processor: &FunctionParts,
    topic: &Handle<Topic>,
) {
    let a = &cfg.alarms;
    let n = Names::new(cfg);
    let api = |name: &'static str| MetricRef {
        namespace: "AWS/ApiGateway".to_owned(),
        name,
        dimensions: vec![
            ("ApiName", Expr::lit(n.api())),
            ("Stage", Expr::lit(cfg.api.stage_name.clone())),
        ],
    };
    let max_duration_ms =
        f64::from(cfg.functions.event_processor.timeout_seconds) * 1000.0 * a.processor_duration_percent_of_timeout
            / 100.0;
    for doc in catalogue(cfg) {
        // (watch, period, evaluation periods, datapoints, comparison, threshold)
        let (watch, period, evals, points, op, threshold) = match doc.id {
            "DlqNotEmptyAlarm" => (
                Watch::Single {
                    metric: sqs("ApproximateNumberOfMessagesVisible", q.dlq.name()),
                    stat: St::Maximum,
                },
                60,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.dlq_messages),
            ),
            "DlqAgingAlarm" => (
                Watch::Single {
                    metric: sqs("ApproximateAgeOfOldestMessage", q.dlq.name()),
                    stat: St::Maximum,
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.dlq_age_seconds),
            ),
            "QueueAgeAlarm" => (
                Watch::Single {
                    metric: sqs("ApproximateAgeOfOldestMessage", q.queue.name()),
                    stat: St::Maximum,
                },
                60,
                3,
                3,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.queue_age_seconds),
            ),
            "QueueDepthAlarm" => (
                Watch::Single {
                    metric: sqs("ApproximateNumberOfMessagesVisible", q.queue.name()),
                    stat: St::Maximum,
                },
                300,
                3,
                3,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.queue_depth),
            ),
            "ReceiptErrorRateAlarm" => (
                error_rate(receipt),
                300,
                1,
                1,
                Op::GreaterThanThreshold,
                a.receipt_error_rate_percent,
            ),
            "ProcessorErrorRateAlarm" => (
                error_rate(processor),
                300,
                1,
                1,
                Op::GreaterThanThreshold,
                a.processor_error_rate_percent,
            ),
            "LambdaThrottlesAlarm" => (
                Watch::Math {
                    expression: "m1 + m2".to_owned(),
                    label: "Throttles".to_owned(),
                    inputs: vec![
                        ("m1".to_owned(), lambda("Throttles", receipt), St::Sum),
                        ("m2".to_owned(), lambda("Throttles", processor), St::Sum),
                    ],
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.throttles),
            ),
            "Api5xxAlarm" => (
                Watch::Single {
                    metric: api("5XXError"),
                    stat: St::Sum,
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.api_5xx),
            ),
            "Api4xxAlarm" => (
                Watch::Single {
                    metric: api("4XXError"),
                    stat: St::Sum,
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                f64::from(a.api_4xx),
            ),
            "ProcessorDurationAlarm" => (
                Watch::Single {
                    metric: lambda("Duration", processor),
                    stat: St::Maximum,
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                max_duration_ms.round(),
            ),
            "ShadowStoreErrorsAlarm" => (
                Watch::Single {
                    metric: MetricRef {
                        namespace: n.metrics_namespace(),
                        name: "ShadowStoreErrors",
                        dimensions: vec![],
                    },
                    stat: St::Sum,
                },
                300,
                1,
                1,
                Op::GreaterThanOrEqualToThreshold,
                1.0,
            ),
            other => {
                t.violation(other, "alarm-catalogue", "alarm documented but not defined");
                continue;
            }
        };
        let description = format!(
            "Fires when {}. Meaning: {} Action: {} (runbook: RUNBOOK.md, alarm {})",
            doc.condition, doc.meaning, doc.action, doc.name
        );
        alarm(
            t,
            AlarmProps {
                id: doc.id.to_owned(),
                name: doc.name,
                description,
                watch,
                period,
                evaluation_periods: evals,
                datapoints_to_alarm: points,
                comparison: op,
                threshold,
                treat_missing_data: TreatMissingData::NotBreaching,
            },
            topic,
        );
    }
}
