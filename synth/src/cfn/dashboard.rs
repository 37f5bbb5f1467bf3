//! Typed CloudWatch dashboard body: widgets (metric, text, log, alarm) serialized to the documented JSON shape,
//! with dimensions inside each metric array. Strings may hold `${Var}` placeholders that the dashboard construct
//! resolves through `Fn::Sub`.

use serde::Serialize;
use serde::ser::SerializeSeq;

/// The dashboard body.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardBody {
    /// Widgets in display order.
    pub widgets: Vec<Widget>,
}

/// One positioned widget.
#[derive(Debug, Clone)]
pub struct Widget {
    /// Column (0..24).
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Width (1..=24).
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Type and properties.
    pub body: WidgetBody,
}

/// Widget type and properties.
#[derive(Debug, Clone)]
pub enum WidgetBody {
    /// `metric`
    Metric(MetricWidget),
    /// `text`
    Text(TextWidget),
    /// `log`
    Log(LogWidget),
    /// `alarm`
    Alarm(AlarmWidget),
}

#[derive(Serialize)]
struct WidgetOut<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    properties: &'a P,
}

impl Serialize for Widget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (x, y, width, height) = (self.x, self.y, self.width, self.height);
        match &self.body {
            WidgetBody::Metric(p) => WidgetOut {
                kind: "metric",
                x,
                y,
                width,
                height,
                properties: p,
            }
            .serialize(s),
            WidgetBody::Text(p) => WidgetOut {
                kind: "text",
                x,
                y,
                width,
                height,
                properties: p,
            }
            .serialize(s),
            WidgetBody::Log(p) => WidgetOut {
                kind: "log",
                x,
                y,
                width,
                height,
                properties: p,
            }
            .serialize(s),
            WidgetBody::Alarm(p) => WidgetOut {
                kind: "alarm",
                x,
                y,
                width,
                height,
                properties: p,
            }
            .serialize(s),
        }
    }
}

/// Options object at the end of a metric array.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricOptions {
    /// Colour (`#d62728`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Id for metric math.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Legend label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Statistic (`Sum`, `p99`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat: Option<String>,
    /// Hidden when used only by an expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
}

/// One line of a metric widget.
#[derive(Debug, Clone)]
pub enum MetricLine {
    /// `[namespace, name, dimName, dimValue, ..., {options}]`
    Metric {
        /// Namespace.
        namespace: String,
        /// Metric name.
        name: String,
        /// Dimensions, in order.
        dimensions: Vec<(String, String)>,
        /// Options.
        options: MetricOptions,
    },
    /// `[{expression, id, label}]`
    Expression {
        /// Math expression.
        expression: String,
        /// Id.
        id: String,
        /// Label.
        label: String,
    },
}

#[derive(Serialize)]
struct ExprOut<'a> {
    expression: &'a str,
    id: &'a str,
    label: &'a str,
}

impl Serialize for MetricLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MetricLine::Metric {
                namespace,
                name,
                dimensions,
                options,
            } => {
                let mut seq = s.serialize_seq(None)?;
                seq.serialize_element(namespace)?;
                seq.serialize_element(name)?;
                for (k, v) in dimensions {
                    seq.serialize_element(k)?;
                    seq.serialize_element(v)?;
                }
                seq.serialize_element(options)?;
                seq.end()
            }
            MetricLine::Expression { expression, id, label } => {
                let mut seq = s.serialize_seq(Some(1))?;
                seq.serialize_element(&ExprOut { expression, id, label })?;
                seq.end()
            }
        }
    }
}

/// A horizontal annotation.
#[derive(Debug, Clone, Serialize)]
pub struct HorizontalAnnotation {
    /// `above` / `below`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<&'static str>,
    /// Label.
    pub label: String,
    /// Value.
    pub value: f64,
}

/// Annotations.
#[derive(Debug, Clone, Serialize)]
pub struct Annotations {
    /// Horizontal lines.
    pub horizontal: Vec<HorizontalAnnotation>,
}

/// Axis range.
#[derive(Debug, Clone, Serialize)]
pub struct AxisRange {
    /// Minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// Y axes.
#[derive(Debug, Clone, Serialize)]
pub struct YAxis {
    /// Left axis.
    pub left: AxisRange,
}

/// `metric` widget properties.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricWidget {
    /// Annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// Lines.
    pub metrics: Vec<MetricLine>,
    /// Period in seconds.
    pub period: u32,
    /// Region (`${AWS::Region}`).
    pub region: String,
    /// Stacked.
    pub stacked: bool,
    /// Default statistic.
    pub stat: String,
    /// Title.
    pub title: String,
    /// `timeSeries` / `singleValue`.
    pub view: &'static str,
    /// Y axis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y_axis: Option<YAxis>,
}

/// `text` widget properties.
#[derive(Debug, Clone, Serialize)]
pub struct TextWidget {
    /// Markdown.
    pub markdown: String,
}

/// `log` widget properties (Logs Insights).
#[derive(Debug, Clone, Serialize)]
pub struct LogWidget {
    /// Query, starting with `SOURCE '...'` clauses.
    pub query: String,
    /// Region.
    pub region: String,
    /// Title.
    pub title: String,
    /// `table`.
    pub view: &'static str,
}

/// `alarm` (alarm status) widget properties.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmWidget {
    /// Alarm ARNs.
    pub alarms: Vec<String>,
    /// Sort order.
    pub sort_by: &'static str,
    /// Title.
    pub title: String,
}
