//! `monitoring`: the CloudWatch dashboard. Every resource name comes from `Fn::ImportValue` of the
//! `async-architecture` exports; dimensions are inside each metric array. The last two rows show the event
//! processor's own EMF metrics ([`custom`]): record outcomes and external APIs, then the migration (shadow) row.

mod custom;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cfn::Template;
use crate::cfn::dashboard::{
    AlarmWidget, Annotations, AxisRange, DashboardBody, HorizontalAnnotation, LogWidget, MetricLine, MetricOptions,
    MetricWidget, TextWidget, WidgetBody, YAxis,
};
use crate::cfn::expr::Expr;
use crate::constructs::dashboard::{Cell, DashboardProps, dashboard};
use crate::env::{EnvConfig, Names};
use crate::stacks::alarms::catalogue;

const REGION: &str = "${AWS::Region}";

fn opts(label: &str, stat: Option<&str>) -> MetricOptions {
    MetricOptions {
        label: Some(label.to_owned()),
        stat: stat.map(str::to_owned),
        ..MetricOptions::default()
    }
}

fn line(ns: &str, name: &str, dims: &[(&str, &str)], options: MetricOptions) -> MetricLine {
    MetricLine::Metric {
        namespace: ns.to_owned(),
        name: name.to_owned(),
        dimensions: dims.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        options,
    }
}

fn sqs(name: &str, queue: &str, label: &str, stat: &str) -> MetricLine {
    line("AWS/SQS", name, &[("QueueName", queue)], opts(label, Some(stat)))
}

fn lambda(name: &str, f: &str, options: MetricOptions) -> MetricLine {
    line("AWS/Lambda", name, &[("FunctionName", f)], options)
}

fn annotate(label: &str, value: f64) -> Option<Annotations> {
    Some(Annotations {
        horizontal: vec![HorizontalAnnotation {
            fill: Some("above"),
            label: label.to_owned(),
            value,
        }],
    })
}

fn chart(
    title: &str,
    stat: &str,
    period: u32,
    metrics: Vec<MetricLine>,
    annotations: Option<Annotations>,
    y_min: bool,
) -> WidgetBody {
    WidgetBody::Metric(MetricWidget {
        annotations,
        metrics,
        period,
        region: REGION.to_owned(),
        stacked: false,
        stat: stat.to_owned(),
        title: title.to_owned(),
        view: "timeSeries",
        y_axis: y_min.then_some(YAxis {
            left: AxisRange {
                min: Some(0.0),
                max: None,
            },
        }),
    })
}

fn cell(width: u32, height: u32, body: WidgetBody) -> Cell {
    Cell { width, height, body }
}

fn function_row(label: &str, f: &str, timeout_s: u32) -> Vec<Cell> {
    let color = |c: &str, l: &str| MetricOptions {
        color: Some(c.to_owned()),
        ..opts(l, Some("Sum"))
    };
    vec![
        cell(
            8,
            6,
            chart(
                &format!("{label} - Invocations"),
                "Sum",
                60,
                vec![lambda("Invocations", f, opts("Invocations", Some("Sum")))],
                None,
                true,
            ),
        ),
        cell(
            8,
            6,
            chart(
                &format!("{label} - Errors & Throttles"),
                "Sum",
                60,
                vec![
                    lambda("Errors", f, color("#d62728", "Errors")),
                    lambda("Throttles", f, color("#ff7f0e", "Throttles")),
                ],
                None,
                true,
            ),
        ),
        cell(
            8,
            6,
            chart(
                &format!("{label} - Duration (ms)"),
                "Average",
                60,
                vec![
                    lambda("Duration", f, opts("Average", Some("Average"))),
                    lambda("Duration", f, opts("Maximum", Some("Maximum"))),
                    lambda("Duration", f, opts("p99", Some("p99"))),
                ],
                annotate("Timeout", f64::from(timeout_s) * 1000.0),
                true,
            ),
        ),
    ]
}

fn error_rate(label: &str, f: &str, threshold: f64) -> Cell {
    let hidden = |name: &str, id: &str| MetricOptions {
        id: Some(id.to_owned()),
        visible: Some(false),
        ..opts(name, Some("Sum"))
    };
    cell(
        12,
        6,
        chart(
            &format!("{label} - Error Rate"),
            "Sum",
            300,
            vec![
                MetricLine::Expression {
                    expression: "IF(m2 > 0, 100 * m1 / m2, 0)".to_owned(),
                    id: "e1".to_owned(),
                    label: "Error rate (%)".to_owned(),
                },
                lambda("Errors", f, hidden("Errors", "m1")),
                lambda("Invocations", f, hidden("Invocations", "m2")),
            ],
            annotate("Alarm threshold", threshold),
            true,
        ),
    )
}

#[derive(Serialize)]
struct Header<'a> {
    env: &'a str,
    queue: String,
    dlq: String,
    topic: String,
    catalog: &'a str,
    namespace: &'a str,
    mode: String,
}

/// Builds the stack; also returns the dashboard body for review.
pub fn build(cfg: &EnvConfig) -> (Template, DashboardBody) {
    let n = Names::new(cfg);
    let namespace = n.metrics_namespace();
    let env = cfg.name.as_str();
    let mut t = Template::new(
        format!("{env}/monitoring"),
        format!("HubSpot -> Partner Central sync ({env}): operations dashboard"),
    );
    let a = &cfg.alarms;
    let header = Header {
        env,
        queue: n.queue(),
        dlq: n.dlq(),
        topic: n.topic(),
        catalog: cfg.partner_central.catalog.as_str(),
        namespace: &namespace,
        mode: match cfg.sync.mode {
            crate::env::SyncMode::Live => "live".to_owned(),
            crate::env::SyncMode::Shadow => {
                format!("shadow, {} % of deals live", cfg.sync.canary_live_percent.unwrap_or(0))
            }
        },
    };
    let markdown =
        crate::text::render("dashboard-header.md", crate::text::DASHBOARD_HEADER, &header).unwrap_or_else(|e| {
            t.problem(e);
            String::new()
        });
    let alarms: Vec<String> = catalogue(cfg)
        .into_iter()
        .map(|d| {
            format!(
                "arn:${{AWS::Partition}}:cloudwatch:${{AWS::Region}}:${{AWS::AccountId}}:alarm:{}",
                d.name
            )
        })
        .collect();
    let (q, dlq, rf, pf) = (
        "${QueueName}",
        "${DlqName}",
        "${ReceiptFunction}",
        "${ProcessorFunction}",
    );
    let api_dims = [("ApiName", "${ApiName}"), ("Stage", "${ApiStage}")];
    let rows = vec![
        vec![cell(24, 3, WidgetBody::Text(TextWidget { markdown }))],
        vec![cell(24, 3, WidgetBody::Alarm(AlarmWidget { alarms, sort_by: "stateUpdatedTimestamp", title: "Alarm status".to_owned() }))],
        vec![
            cell(12, 6, chart("Main Queue Depth", "Maximum", 60, vec![
                sqs("ApproximateNumberOfMessagesVisible", q, "Messages in queue", "Maximum"),
                sqs("ApproximateNumberOfMessagesNotVisible", q, "Messages in flight", "Maximum"),
                sqs("ApproximateNumberOfMessagesDelayed", q, "Delayed messages", "Maximum"),
            ], annotate("Depth alarm", f64::from(a.queue_depth)), true)),
            cell(12, 6, chart("Dead Letter Queue (Failed Messages)", "Maximum", 60, vec![
                sqs("ApproximateNumberOfMessagesVisible", dlq, "Messages in DLQ", "Maximum"),
            ], annotate("DLQ alarm", f64::from(a.dlq_messages)), true)),
        ],
        vec![
            cell(12, 6, chart("Queue Age (Processing Latency)", "Maximum", 60, vec![
                sqs("ApproximateAgeOfOldestMessage", q, "Oldest message age (s)", "Maximum"),
            ], annotate("Age alarm", f64::from(a.queue_age_seconds)), true)),
            cell(12, 6, chart("Queue Throughput", "Sum", 60, vec![
                sqs("NumberOfMessagesSent", q, "Sent", "Sum"),
                sqs("NumberOfMessagesReceived", q, "Received", "Sum"),
                sqs("NumberOfMessagesDeleted", q, "Deleted", "Sum"),
            ], None, true)),
        ],
        function_row("Webhook Receipt", rf, cfg.functions.webhook_receipt.timeout_seconds),
        function_row("Event Processor", pf, cfg.functions.event_processor.timeout_seconds),
        vec![cell(24, 6, WidgetBody::Log(LogWidget {
            query: "SOURCE '${ReceiptLogGroup}' | SOURCE '${ProcessorLogGroup}' | fields @timestamp, @log, level, message, @message | filter level = \"ERROR\" or @message like /Task timed out|panicked/ | sort @timestamp desc | limit 20".to_owned(),
            region: REGION.to_owned(),
            title: "Recent Errors (Last 20)".to_owned(),
            view: "table",
        }))],
        vec![
            error_rate("Webhook Receipt", rf, a.receipt_error_rate_percent),
            error_rate("Event Processor", pf, a.processor_error_rate_percent),
        ],
        vec![
            cell(12, 6, chart("Webhook API - Requests and Errors", "Sum", 60, vec![
                line("AWS/ApiGateway", "Count", &api_dims, opts("Requests", Some("Sum"))),
                line("AWS/ApiGateway", "4XXError", &api_dims, opts("4XX", Some("Sum"))),
                line("AWS/ApiGateway", "5XXError", &api_dims, opts("5XX", Some("Sum"))),
            ], None, true)),
            cell(12, 6, chart("Webhook API - Latency (ms)", "Average", 60, vec![
                line("AWS/ApiGateway", "Latency", &api_dims, opts("Average", Some("Average"))),
                line("AWS/ApiGateway", "Latency", &api_dims, opts("p99", Some("p99"))),
                line("AWS/ApiGateway", "IntegrationLatency", &api_dims, opts("Integration p99", Some("p99"))),
            ], None, true)),
        ],
        custom::processor_row(&namespace),
        custom::migration_row(&namespace),
    ];
    let import = |key: &str| Expr::import(n.export(key));
    let vars = BTreeMap::from([
        ("QueueName".to_owned(), import("SyncQueueName")),
        ("DlqName".to_owned(), import("SyncDlqName")),
        ("ReceiptFunction".to_owned(), import("WebhookReceiptFunctionName")),
        ("ProcessorFunction".to_owned(), import("EventProcessorFunctionName")),
        ("ReceiptLogGroup".to_owned(), import("WebhookReceiptLogGroupName")),
        ("ProcessorLogGroup".to_owned(), import("EventProcessorLogGroupName")),
        ("ApiName".to_owned(), import("WebhookApiName")),
        ("ApiStage".to_owned(), import("WebhookApiStageName")),
    ]);
    let (_, body) = dashboard(
        &mut t,
        DashboardProps {
            id: "SyncDashboard".to_owned(),
            name: n.dashboard(),
            rows,
            vars,
        },
    );
    t.output(
        "DashboardUrl",
        "CloudWatch console URL of the dashboard",
        Expr::sub(format!("https://${{AWS::Region}}.console.aws.amazon.com/cloudwatch/home?region=${{AWS::Region}}#dashboards:name={}", n.dashboard())),
        None,
    );
    (t, body)
}
