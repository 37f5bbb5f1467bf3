//! Each construct / template rule fires on a model that breaks it, and problems are collected, not stopped at
//! the first.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeMap;

use synth::SynthError;
use synth::cfn::Template;
use synth::cfn::dashboard::{TextWidget, WidgetBody};
use synth::cfn::expr::Expr;
use synth::cfn::resources::cloudwatch::{ComparisonOperator, Statistic, TreatMissingData};
use synth::cfn::resources::sns::Topic;
use synth::constructs::alarm::{AlarmProps, MetricRef, Watch, alarm};
use synth::constructs::api::{ApiProps, lambda_route_api};
use synth::constructs::consumer::{ConsumerProps, sqs_consumer};
use synth::constructs::dashboard::{Cell, DashboardProps, dashboard};
use synth::constructs::function::{FunctionProps, rust_function};
use synth::constructs::queue::{QueueProps, QueueSpec, queue_with_dlq};

fn rules(t: &Template) -> Vec<&'static str> {
    t.problems
        .iter()
        .map(|p| match p {
            SynthError::Rule { rule, .. } => *rule,
            SynthError::DuplicateLogicalId { .. } => "logical-id-unique",
            SynthError::InvalidLogicalId { .. } => "logical-id",
            _ => "other",
        })
        .collect()
}

fn queue_props(name: &str, fifo: bool, dlq: &str, dlq_fifo: bool, visibility: u32) -> QueueProps {
    QueueProps {
        id: "Q".into(),
        queue: QueueSpec {
            name: name.into(),
            fifo,
        },
        dlq: QueueSpec {
            name: dlq.into(),
            fifo: dlq_fifo,
        },
        retention_seconds: 1_209_600,
        receive_wait_seconds: 20,
        visibility_timeout_seconds: visibility,
        max_receive_count: 3,
        tags: vec![],
    }
}

fn function(t: &mut Template, id: &str, timeout: u32, memory: u32) -> synth::constructs::function::FunctionParts {
    rust_function(
        t,
        FunctionProps {
            id: id.into(),
            name: format!("fn-{id}"),
            role_name: format!("role-{id}"),
            description: "d".into(),
            memory_mb: memory,
            timeout_seconds: timeout,
            reserved_concurrency: None,
            env: BTreeMap::from([("GOOD_NAME".to_owned(), Expr::lit("x"))]),
            statements: vec![],
            code_bucket: Expr::lit("b"),
            code_key: Expr::lit("k"),
            log_retention_days: 30,
            tags: vec![],
        },
    )
}

#[test]
fn a_valid_queue_and_consumer_pass() {
    let mut t = Template::new("s", "d");
    let q = queue_with_dlq(&mut t, &queue_props("a.fifo", true, "a-dlq.fifo", true, 600));
    let f = function(&mut t, "P", 100, 256);
    let c = ConsumerProps {
        id: "Esm".into(),
        batch_size: 10,
        batching_window_seconds: None,
        maximum_concurrency: 2,
    };
    sqs_consumer(&mut t, &c, &q, &f);
    assert!(t.problems.is_empty(), "{:?}", t.problems);
}

#[test]
fn fifo_name_and_fifo_dlq_rules_fire() {
    let mut t = Template::new("s", "d");
    queue_with_dlq(&mut t, &queue_props("plain", true, "std-dlq", false, 600));
    assert_eq!(rules(&t), ["fifo-name", "fifo-dlq"]);
    let mut t = Template::new("s", "d");
    queue_with_dlq(&mut t, &queue_props("std.fifo", false, "std-dlq", false, 600));
    assert_eq!(rules(&t), ["fifo-name"]);
}

#[test]
fn consumer_rules_fire_together() {
    let mut t = Template::new("s", "d");
    let q = queue_with_dlq(&mut t, &queue_props("a.fifo", true, "a-dlq.fifo", true, 300));
    let f = function(&mut t, "P", 100, 256);
    let c = ConsumerProps {
        id: "Esm".into(),
        batch_size: 11,
        batching_window_seconds: Some(5),
        maximum_concurrency: 1,
    };
    sqs_consumer(&mut t, &c, &q, &f);
    assert_eq!(
        rules(&t),
        [
            "visibility-timeout",
            "fifo-batch-size",
            "fifo-batching-window",
            "maximum-concurrency"
        ]
    );
    let msg = t.problems[0].to_string();
    assert!(
        msg.contains("stack s") && msg.contains("Esm") && msg.contains("600"),
        "{msg}"
    );
}

#[test]
fn maximum_concurrency_upper_bound() {
    let mut t = Template::new("s", "d");
    let q = queue_with_dlq(&mut t, &queue_props("a.fifo", true, "a-dlq.fifo", true, 600));
    let f = function(&mut t, "P", 10, 256);
    sqs_consumer(
        &mut t,
        &ConsumerProps {
            id: "E".into(),
            batch_size: 1,
            batching_window_seconds: None,
            maximum_concurrency: 1001,
        },
        &q,
        &f,
    );
    assert_eq!(rules(&t), ["maximum-concurrency"]);
}

#[test]
fn function_range_and_env_var_rules_fire() {
    let mut t = Template::new("s", "d");
    let mut p = FunctionProps {
        id: "F".into(),
        name: "f".into(),
        role_name: "r".into(),
        description: "d".into(),
        memory_mb: 64,
        timeout_seconds: 901,
        reserved_concurrency: None,
        env: BTreeMap::from([("AWS_REGION".to_owned(), Expr::lit("x"))]),
        statements: vec![],
        code_bucket: Expr::lit("b"),
        code_key: Expr::lit("k"),
        log_retention_days: 31,
        tags: vec![],
    };
    rust_function(&mut t, p.clone());
    assert_eq!(
        rules(&t),
        ["function-range", "function-range", "log-retention", "env-var"]
    );
    p.id = "G".into();
    p.memory_mb = 128;
    p.timeout_seconds = 1;
    p.log_retention_days = 30;
    p.env.clear();
    let mut t = Template::new("s", "d");
    rust_function(&mut t, p);
    assert!(t.problems.is_empty());
}

fn topic(t: &mut Template) -> synth::cfn::Handle<Topic> {
    t.add(
        "T",
        Topic {
            display_name: "t".into(),
            tags: vec![],
            topic_name: "t".into(),
        },
    )
}

fn math(n: usize) -> Watch {
    let inputs = (0..n)
        .map(|i| {
            (
                format!("m{i}"),
                MetricRef {
                    namespace: "AWS/Lambda".to_owned(),
                    name: "Errors",
                    dimensions: vec![("FunctionName", Expr::lit("f"))],
                },
                Statistic::Sum,
            )
        })
        .collect();
    Watch::Math {
        expression: "m0".into(),
        label: "x".into(),
        inputs,
    }
}

fn alarm_props(watch: Watch, period: u32, datapoints: u32) -> AlarmProps {
    AlarmProps {
        id: "A".into(),
        name: "a".into(),
        description: "d".into(),
        watch,
        period,
        evaluation_periods: 1,
        datapoints_to_alarm: datapoints,
        comparison: ComparisonOperator::GreaterThanThreshold,
        threshold: 1.0,
        treat_missing_data: TreatMissingData::NotBreaching,
    }
}

#[test]
fn alarm_rules_fire() {
    let mut t = Template::new("s", "d");
    let tp = topic(&mut t);
    alarm(&mut t, alarm_props(math(10), 300, 1), &tp);
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let mut t = Template::new("s", "d");
    let tp = topic(&mut t);
    alarm(&mut t, alarm_props(math(11), 45, 2), &tp);
    assert_eq!(rules(&t), ["metric-period", "alarm-evaluation", "alarm-math-metrics"]);
}

fn text() -> WidgetBody {
    WidgetBody::Text(TextWidget {
        markdown: "${Missing}".into(),
    })
}

#[test]
fn dashboard_rules_fire() {
    let mut t = Template::new("s", "d");
    let rows = vec![
        vec![Cell {
            width: 25,
            height: 1,
            body: text(),
        }],
        vec![
            Cell {
                width: 12,
                height: 1,
                body: text(),
            },
            Cell {
                width: 13,
                height: 1,
                body: text(),
            },
        ],
    ];
    dashboard(
        &mut t,
        DashboardProps {
            id: "D".into(),
            name: "bad name!".into(),
            rows,
            vars: BTreeMap::new(),
        },
    );
    assert_eq!(
        rules(&t),
        ["dashboard-name", "widget-width", "widget-width", "sub-variable"]
    );
}

#[test]
fn api_rules_fire() {
    let mut t = Template::new("s", "d");
    let f = function(&mut t, "R", 10, 128);
    let p = ApiProps {
        id: "Api".into(),
        name: "api".into(),
        description: "d".into(),
        path: vec!["a".into()],
        http_method: "POST",
        stage_name: "v1".into(),
        rate_limit: 0.0,
        burst_limit: 0,
        access_log_group: "/x".into(),
        log_retention_days: 30,
        access_log_format: "$context.status".into(),
        tags: vec![],
    };
    lambda_route_api(&mut t, &p, &f);
    assert_eq!(rules(&t), ["access-log-format", "api-throttling"]);
}

#[test]
fn deployment_id_changes_with_the_api_model() {
    let ids = |path: &str| {
        let mut t = Template::new("s", "d");
        let f = function(&mut t, "R", 10, 128);
        let p = ApiProps {
            id: "Api".into(),
            name: "api".into(),
            description: "d".into(),
            path: vec![path.into()],
            http_method: "POST",
            stage_name: "v1".into(),
            rate_limit: 1.0,
            burst_limit: 1,
            access_log_group: "/x".into(),
            log_retention_days: 30,
            access_log_format: "$context.requestId".into(),
            tags: vec![],
        };
        lambda_route_api(&mut t, &p, &f);
        let dep: Vec<String> = t
            .resources
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k.starts_with("ApiDeployment"))
            .collect();
        let deps: Vec<String> = t
            .resources
            .values()
            .flat_map(|r| r.depends_on.iter().map(|d| d.to_string()))
            .collect();
        (dep, deps)
    };
    let (a, deps) = ids("hook");
    let (b, _) = ids("other");
    assert_eq!(a.len(), 1);
    assert_ne!(a, b);
    assert_eq!(deps, ["ApiHookPost"]);
}

#[test]
fn queue_range_and_name_rules_fire() {
    let mut p = queue_props("bad name!.fifo", true, "d.fifo", true, 50_000);
    p.retention_seconds = 30;
    p.receive_wait_seconds = 21;
    p.max_receive_count = 0;
    let mut t = Template::new("s", "d");
    queue_with_dlq(&mut t, &p);
    assert_eq!(
        rules(&t),
        ["queue-name", "queue-range", "queue-range", "queue-range", "queue-range"]
    );
}

#[test]
fn standard_queue_batch_rules_fire() {
    let mut t = Template::new("s", "d");
    let q = queue_with_dlq(&mut t, &queue_props("std", false, "std-dlq", false, 600));
    let f = function(&mut t, "P", 10, 256);
    let c = ConsumerProps {
        id: "E".into(),
        batch_size: 11,
        batching_window_seconds: None,
        maximum_concurrency: 2,
    };
    sqs_consumer(&mut t, &c, &q, &f);
    assert_eq!(rules(&t), ["batch-size"]);
    let mut t = Template::new("s", "d");
    let q = queue_with_dlq(&mut t, &queue_props("std", false, "std-dlq", false, 600));
    let f = function(&mut t, "P", 10, 256);
    let c = ConsumerProps {
        id: "E".into(),
        batch_size: 500,
        batching_window_seconds: Some(301),
        maximum_concurrency: 2,
    };
    sqs_consumer(&mut t, &c, &q, &f);
    assert_eq!(rules(&t), ["batch-size"]);
}

#[test]
fn metric_ids_must_start_lowercase() {
    let mut t = Template::new("s", "d");
    let tp = topic(&mut t);
    let watch = Watch::Math {
        expression: "M1".into(),
        label: "x".into(),
        inputs: vec![(
            "M1".into(),
            MetricRef {
                namespace: "AWS/SQS".to_owned(),
                name: "X",
                dimensions: vec![],
            },
            Statistic::Sum,
        )],
    };
    alarm(&mut t, alarm_props(watch, 60, 1), &tp);
    assert_eq!(rules(&t), ["metric-id"]);
}
