//! CloudWatch: `AWS::CloudWatch::Alarm` (single metric or metric math) and `AWS::CloudWatch::Dashboard` (the body
//! is built from typed widgets in [`crate::cfn::dashboard`] and wrapped in `Fn::Sub`).

use serde::Serialize;

use crate::cfn::expr::{Expr, Val};

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ComparisonOperator {
    /// `>`
    GreaterThanThreshold,
    /// `>=`
    GreaterThanOrEqualToThreshold,
    /// `<`
    LessThanThreshold,
}

/// How missing data points are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    /// Missing = OK.
    NotBreaching,
    /// Missing = ALARM.
    Breaching,
    /// Keep state.
    Ignore,
}

/// Statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Statistic {
    /// Sum.
    Sum,
    /// Maximum.
    Maximum,
    /// Average.
    Average,
    /// Minimum.
    Minimum,
}

impl Statistic {
    /// The name used in dashboards and metric math.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Maximum => "Maximum",
            Statistic::Average => "Average",
            Statistic::Minimum => "Minimum",
        }
    }
}

/// A metric dimension.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dimension {
    /// Name.
    pub name: String,
    /// Value.
    pub value: Expr,
}

/// `Metric`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Metric {
    /// Dimensions.
    pub dimensions: Vec<Dimension>,
    /// Metric name.
    pub metric_name: String,
    /// Namespace.
    pub namespace: String,
}

/// `MetricStat`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricStat {
    /// The metric.
    pub metric: Metric,
    /// Period in seconds.
    pub period: u32,
    /// Statistic.
    pub stat: Statistic,
}

/// One `Metrics` entry (a metric or an expression).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDataQuery {
    /// Math expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Id (lowercase start).
    pub id: String,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_stat: Option<MetricStat>,
    /// Period for expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// Whether this entry is the alarm's value.
    pub return_data: bool,
}

/// `AWS::CloudWatch::Alarm`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alarm {
    /// Notified on ALARM.
    pub alarm_actions: Vec<Expr>,
    /// What it means and what to do.
    pub alarm_description: String,
    /// Physical name.
    pub alarm_name: String,
    /// Comparison.
    pub comparison_operator: ComparisonOperator,
    /// M of N.
    pub datapoints_to_alarm: Val<u32>,
    /// Dimensions (single-metric form).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    /// N.
    pub evaluation_periods: Val<u32>,
    /// Metric name (single-metric form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Metric math form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricDataQuery>,
    /// Namespace (single-metric form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Notified on return to OK.
    #[serde(rename = "OKActions")]
    pub ok_actions: Vec<Expr>,
    /// Period (single-metric form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// Statistic (single-metric form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<Statistic>,
    /// Threshold.
    pub threshold: Val<f64>,
    /// Missing data handling.
    pub treat_missing_data: TreatMissingData,
}

/// `AWS::CloudWatch::Dashboard`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dashboard {
    /// JSON body (a string, usually inside `Fn::Sub`).
    pub dashboard_body: Expr,
    /// Name (`^[A-Za-z0-9_-]+$`).
    pub dashboard_name: String,
}
