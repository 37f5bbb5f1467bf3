//! CloudWatch alarms that notify a topic on ALARM and OK. Single-metric or metric-math form. Rules:
//! `alarm-math-metrics` (<= 10 metrics), `metric-period` (10, 30 or a multiple of 60 s), `metric-id`
//! (lowercase start), `alarm-evaluation` (datapoints <= periods).

use crate::cfn::expr::Expr;
use crate::cfn::resources::cloudwatch::{
    Alarm, ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, Statistic, TreatMissingData,
};
use crate::cfn::resources::sns::Topic;
use crate::cfn::{Handle, Template};

/// A metric with its dimensions.
#[derive(Debug, Clone)]
pub struct MetricRef {
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub name: &'static str,
    /// Dimensions.
    pub dimensions: Vec<(&'static str, Expr)>,
}

impl MetricRef {
    fn dims(&self) -> Vec<Dimension> {
        self.dimensions
            .iter()
            .map(|(n, v)| Dimension {
                name: (*n).to_owned(),
                value: v.clone(),
            })
            .collect()
    }
}

/// What the alarm watches.
#[derive(Debug, Clone)]
pub enum Watch {
    /// One metric and statistic.
    Single {
        /// Metric.
        metric: MetricRef,
        /// Statistic.
        stat: Statistic,
    },
    /// A math expression over lowercase-id metrics.
    Math {
        /// Expression, e.g. `IF(m2 > 0, 100 * m1 / m2, 0)`.
        expression: String,
        /// Label of the result.
        label: String,
        /// `(id, metric, stat)` inputs.
        inputs: Vec<(String, MetricRef, Statistic)>,
    },
}

/// Inputs of [`alarm`].
#[derive(Debug, Clone)]
pub struct AlarmProps {
    /// Logical id.
    pub id: String,
    /// Physical name.
    pub name: String,
    /// Meaning and first action (shown in notifications).
    pub description: String,
    /// What is watched.
    pub watch: Watch,
    /// Period seconds.
    pub period: u32,
    /// N.
    pub evaluation_periods: u32,
    /// M.
    pub datapoints_to_alarm: u32,
    /// Comparison.
    pub comparison: ComparisonOperator,
    /// Threshold.
    pub threshold: f64,
    /// Missing data.
    pub treat_missing_data: TreatMissingData,
}

fn period_ok(p: u32) -> bool {
    matches!(p, 10 | 30) || (p >= 60 && p.is_multiple_of(60))
}

/// Creates the alarm with AlarmActions and OKActions on `topic`.
pub fn alarm(t: &mut Template, p: AlarmProps, topic: &Handle<Topic>) -> Handle<Alarm> {
    if !period_ok(p.period) {
        t.violation(
            &p.id,
            "metric-period",
            format!("period {} s must be 10, 30 or a multiple of 60", p.period),
        );
    }
    if p.datapoints_to_alarm == 0 || p.datapoints_to_alarm > p.evaluation_periods {
        t.violation(
            &p.id,
            "alarm-evaluation",
            format!(
                "DatapointsToAlarm {} must be 1..=EvaluationPeriods {}",
                p.datapoints_to_alarm, p.evaluation_periods
            ),
        );
    }
    let mut a = Alarm {
        alarm_actions: vec![topic.arn()],
        alarm_description: p.description,
        alarm_name: p.name,
        comparison_operator: p.comparison,
        datapoints_to_alarm: p.datapoints_to_alarm.into(),
        dimensions: vec![],
        evaluation_periods: p.evaluation_periods.into(),
        metric_name: None,
        metrics: vec![],
        namespace: None,
        ok_actions: vec![topic.arn()],
        period: None,
        statistic: None,
        threshold: p.threshold.into(),
        treat_missing_data: p.treat_missing_data,
    };
    match p.watch {
        Watch::Single { metric, stat } => {
            a.dimensions = metric.dims();
            a.metric_name = Some(metric.name.to_owned());
            a.namespace = Some(metric.namespace.to_owned());
            a.period = Some(p.period);
            a.statistic = Some(stat);
        }
        Watch::Math {
            expression,
            label,
            inputs,
        } => {
            if inputs.len() > 10 {
                t.violation(
                    &p.id,
                    "alarm-math-metrics",
                    format!("metric math uses {} metrics; the limit is 10", inputs.len()),
                );
            }
            a.metrics.push(MetricDataQuery {
                expression: Some(expression),
                id: "expr1".to_owned(),
                label: Some(label),
                metric_stat: None,
                period: None,
                return_data: true,
            });
            for (id, m, stat) in inputs {
                if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
                    t.violation(
                        &p.id,
                        "metric-id",
                        format!("metric id {id:?} must start with a lowercase letter"),
                    );
                }
                a.metrics.push(MetricDataQuery {
                    expression: None,
                    id,
                    label: None,
                    metric_stat: Some(MetricStat {
                        metric: Metric {
                            dimensions: m.dims(),
                            metric_name: m.name.to_owned(),
                            namespace: m.namespace.to_owned(),
                        },
                        period: p.period,
                        stat,
                    }),
                    period: None,
                    return_data: false,
                });
            }
        }
    }
    t.add(&p.id, a)
}
