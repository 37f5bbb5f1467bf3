//! The dashboard rows built from the event processor's own EMF metrics (the environment's namespace,
//! [`crate::env::Names::metrics_namespace`]): the "Migration" row (shadow writes by operation, shadow records stored vs
//! store errors, Partner Central calls beside the shadow Partner Central writes) and the processor row (record
//! outcomes and failures by class summed over event types, calls/errors/latency per external API).
//!
//! Metric names, dimensions and dimension values are exactly those the processor emits
//! (`functions/event-processor/src/metrics.rs`, `src/shadow/metrics.rs`; shadow operations are
//! `"{api}:{operation}"` of the clients' `PlannedWrite`s).

use super::{cell, chart, line, opts};
use crate::cfn::dashboard::{MetricLine, MetricOptions, WidgetBody};
use crate::constructs::dashboard::Cell;

/// `Api` dimension values of `ApiCalls` / `ApiErrors` / `ApiLatency`.
pub const APIS: [&str; 2] = ["HubSpot", "PartnerCentral"];

/// `Operation` dimension values of `ShadowWrites`: Partner Central writes, then HubSpot writes.
pub const SHADOW_OPERATIONS: [&str; 6] = [
    "PartnerCentral:CreateOpportunity",
    "PartnerCentral:UpdateOpportunity",
    "PartnerCentral:AssociateOpportunity",
    "PartnerCentral:StartEngagementFromOpportunityTask",
    "HubSpot:PATCH deal",
    "HubSpot:create note",
];

/// Outcome metrics (dimension `EventType`) shown as totals over all event types: successes and waits.
pub const OUTCOMES: [&str; 4] = ["Processed", "Skipped", "Held", "Unprocessed"];

/// Outcome metrics (dimension `EventType`) that are failures, by class.
pub const FAILURES: [&str; 4] = ["FailedTransient", "FailedPermanent", "FailedConfig", "Unparseable"];

/// Dashboard period of the custom-metric widgets (EMF counts are sparse; 5 minutes reads better than 1).
const PERIOD: u32 = 300;

fn id_opts(label: &str, stat: &str, id: &str, visible: bool) -> MetricOptions {
    MetricOptions {
        id: Some(id.to_owned()),
        visible: (!visible).then_some(false),
        ..opts(label, Some(stat))
    }
}

/// The sum over every `EventType` of one outcome metric: a SEARCH of the namespace, summed to one line.
fn outcome_total(ns: &str, metric: &str, id: &str) -> MetricLine {
    MetricLine::Expression {
        expression: format!("SUM(SEARCH('{{{ns},EventType}} MetricName=\"{metric}\"', 'Sum', {PERIOD}))"),
        id: id.to_owned(),
        label: format!("{metric} (all event types)"),
    }
}

/// The "Migration" row: what shadow mode recorded, whether every record was stored, and the live calls beside it.
pub fn migration_row(ns: &str) -> Vec<Cell> {
    let writes: Vec<MetricLine> = SHADOW_OPERATIONS
        .iter()
        .map(|op| line(ns, "ShadowWrites", &[("Operation", op)], opts(op, Some("Sum"))))
        .collect();
    let red = MetricOptions {
        color: Some("#d62728".to_owned()),
        ..opts("Store errors (lost shadow records)", Some("Sum"))
    };
    let records = vec![
        line(ns, "ShadowRecords", &[], opts("Shadow records stored", Some("Sum"))),
        line(ns, "ShadowStoreErrors", &[], red),
    ];
    let pc_shadow: Vec<(String, &str)> = SHADOW_OPERATIONS
        .iter()
        .filter(|op| op.starts_with("PartnerCentral:"))
        .enumerate()
        .map(|(i, op)| (format!("s{}", i + 1), *op))
        .collect();
    let mut live_vs_shadow = vec![
        MetricLine::Expression {
            expression: pc_shadow
                .iter()
                .map(|(id, _)| format!("FILL({id}, 0)"))
                .collect::<Vec<_>>()
                .join(" + "),
            id: "e1".to_owned(),
            label: "Partner Central writes recorded (shadow)".to_owned(),
        },
        line(
            ns,
            "ApiCalls",
            &[("Api", "PartnerCentral")],
            opts("Partner Central calls made (reads + live writes)", Some("Sum")),
        ),
        line(
            ns,
            "ApiErrors",
            &[("Api", "PartnerCentral")],
            MetricOptions {
                color: Some("#d62728".to_owned()),
                ..opts("Partner Central call errors", Some("Sum"))
            },
        ),
    ];
    live_vs_shadow.extend(
        pc_shadow
            .iter()
            .map(|(id, op)| line(ns, "ShadowWrites", &[("Operation", op)], id_opts(op, "Sum", id, false))),
    );
    vec![
        cell(
            8,
            6,
            chart(
                "Migration - Shadow writes by operation",
                "Sum",
                PERIOD,
                writes,
                None,
                true,
            ),
        ),
        cell(
            8,
            6,
            chart(
                "Migration - Shadow records stored vs store errors",
                "Sum",
                PERIOD,
                records,
                super::annotate("Store errors alarm", 1.0),
                true,
            ),
        ),
        cell(
            8,
            6,
            chart(
                "Migration - Partner Central live calls vs shadow writes",
                "Sum",
                PERIOD,
                live_vs_shadow,
                None,
                true,
            ),
        ),
    ]
}

/// The processor row: record outcomes and failures by class (totals over event types), calls and errors and
/// latency per external API.
pub fn processor_row(ns: &str) -> Vec<Cell> {
    let totals = |names: &[&str], first: usize| -> Vec<MetricLine> {
        names
            .iter()
            .enumerate()
            .map(|(i, m)| outcome_total(ns, m, &format!("e{}", first + i)))
            .collect()
    };
    let calls: Vec<MetricLine> = APIS
        .iter()
        .flat_map(|api| {
            [
                line(
                    ns,
                    "ApiCalls",
                    &[("Api", api)],
                    opts(&format!("{api} calls"), Some("Sum")),
                ),
                line(
                    ns,
                    "ApiErrors",
                    &[("Api", api)],
                    opts(&format!("{api} errors"), Some("Sum")),
                ),
            ]
        })
        .collect();
    let latency: Vec<MetricLine> = APIS
        .iter()
        .flat_map(|api| {
            [
                line(
                    ns,
                    "ApiLatency",
                    &[("Api", api)],
                    opts(&format!("{api} p50"), Some("p50")),
                ),
                line(
                    ns,
                    "ApiLatency",
                    &[("Api", api)],
                    opts(&format!("{api} p99"), Some("p99")),
                ),
            ]
        })
        .collect();
    let metric = |title: &str, stat: &str, lines: Vec<MetricLine>| -> WidgetBody {
        chart(title, stat, PERIOD, lines, None, true)
    };
    vec![
        cell(
            6,
            6,
            metric("Event Processor - Record outcomes", "Sum", totals(&OUTCOMES, 1)),
        ),
        cell(
            6,
            6,
            metric("Event Processor - Failures by class", "Sum", totals(&FAILURES, 1)),
        ),
        cell(6, 6, metric("External APIs - Calls & errors", "Sum", calls)),
        cell(6, 6, metric("External APIs - Latency (ms)", "p99", latency)),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cfn::dashboard::MetricLine;

    const NS: &str = "HubSpotPartnerCentralSync/test";

    /// `(metric name, dimension names)` exactly as the processor emits them (metrics.rs, shadow/metrics.rs).
    fn emitted(name: &str) -> Option<Vec<&'static str>> {
        match name {
            "ApiCalls" | "ApiErrors" | "ApiLatency" => Some(vec!["Api"]),
            "ShadowWrites" => Some(vec!["Operation"]),
            "ShadowRecords" | "ShadowStoreErrors" => Some(vec![]),
            _ => None,
        }
    }

    fn lines(cells: &[Cell]) -> Vec<&MetricLine> {
        cells
            .iter()
            .flat_map(|c| match &c.body {
                WidgetBody::Metric(m) => m.metrics.iter().collect::<Vec<_>>(),
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn every_metric_line_matches_what_the_processor_emits() {
        let rows = [migration_row(NS), processor_row(NS)];
        for row in &rows {
            assert_eq!(row.iter().map(|c| c.width).sum::<u32>(), 24, "row fills the grid");
            for l in lines(row) {
                match l {
                    MetricLine::Metric {
                        namespace,
                        name,
                        dimensions,
                        ..
                    } => {
                        assert_eq!(namespace, NS);
                        let dims: Vec<&str> = dimensions.iter().map(|(k, _)| k.as_str()).collect();
                        assert_eq!(Some(dims), emitted(name), "{name}");
                        for (k, v) in dimensions {
                            match k.as_str() {
                                "Api" => assert!(APIS.contains(&v.as_str())),
                                "Operation" => assert!(SHADOW_OPERATIONS.contains(&v.as_str())),
                                other => panic!("unexpected dimension {other}"),
                            }
                        }
                    }
                    MetricLine::Expression { expression, .. } => {
                        if expression.contains("SEARCH") {
                            let metric = expression.split('"').nth(1).unwrap();
                            assert!(OUTCOMES.contains(&metric) || FAILURES.contains(&metric), "{metric}");
                            assert!(expression.contains(&format!("{{{NS},EventType}}")));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn outcome_widgets_cover_every_outcome_metric_once() {
        let all: std::collections::BTreeSet<&str> = OUTCOMES.iter().chain(FAILURES.iter()).copied().collect();
        assert_eq!(all.len(), 8);
        // The processor's OUTCOME_METRICS, in its order.
        let processor = [
            "Processed",
            "Skipped",
            "FailedTransient",
            "FailedPermanent",
            "FailedConfig",
            "Unparseable",
            "Held",
            "Unprocessed",
        ];
        assert_eq!(all, processor.into_iter().collect());
    }

    #[test]
    fn shadow_total_sums_exactly_the_partner_central_operations() {
        let row = migration_row(NS);
        let widget = lines(&row[2..]);
        let MetricLine::Expression { expression, .. } = widget[0] else {
            panic!("first line is the sum")
        };
        let hidden: Vec<&str> = widget
            .iter()
            .filter_map(|l| match l {
                MetricLine::Metric {
                    dimensions, options, ..
                } if options.visible == Some(false) => {
                    assert!(expression.contains(&format!("FILL({}, 0)", options.id.as_deref().unwrap())));
                    Some(dimensions[0].1.as_str())
                }
                _ => None,
            })
            .collect();
        let pc: Vec<&str> = SHADOW_OPERATIONS
            .iter()
            .copied()
            .filter(|o| o.starts_with("PartnerCentral:"))
            .collect();
        assert_eq!(hidden, pc);
        assert_eq!(expression.matches("FILL(").count(), pc.len());
    }
}
