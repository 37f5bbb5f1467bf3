//! The rule pass over whole templates: the compliant fixture is clean, every rule fires on a mutation of it, and
//! suppressions apply only with a known rule id and a written reason.

mod common;

use cfn_checks::rules::{SuppressionError, SuppressionWarning, check_template, rule, rules};
use common::{good, remove, set};
use serde_json::{Value, json};

fn fired(t: &Value) -> Vec<(String, String)> {
    check_template(t)
        .findings
        .into_iter()
        .map(|f| (f.rule_id.to_owned(), f.logical_id))
        .collect()
}

fn pair(rule: &str, id: &str) -> (String, String) {
    (rule.to_owned(), id.to_owned())
}

#[test]
fn compliant_fixture_is_clean() {
    let report = check_template(&good());
    assert!(report.is_ok(), "{report}");
    assert_eq!(report, Default::default());
}

#[test]
fn rule_ids_are_unique_and_described() {
    let mut ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules().len());
    assert!(rules().iter().all(|r| !r.description.is_empty()));
    assert!(rule("SQS1").is_some() && rule("NOPE").is_none());
}

type Mutation = Box<dyn Fn(&mut Value)>;
type Case = (&'static str, Mutation, Vec<(String, String)>);

/// Each mutation of the compliant fixture makes exactly the expected rules fire.
#[test]
fn every_rule_fires_on_a_mutation() {
    let cases: Vec<Case> = vec![
        (
            "wildcard action",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/ProcessorRole/Properties/Policies/0/PolicyDocument/Statement/1/Action",
                    json!("secretsmanager:*"),
                )
            }),
            vec![pair("IAM1", "ProcessorRole")],
        ),
        (
            "wildcard resource",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/ProcessorRole/Properties/Policies/0/PolicyDocument/Statement/1/Resource",
                    json!("*"),
                )
            }),
            vec![pair("IAM2", "ProcessorRole")],
        ),
        (
            "wrong prefix",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/ProcessorRole/Properties/Policies/0/PolicyDocument/Statement/1/Action",
                    json!("partnercentral-selling:CreateOpportunity"),
                )
            }),
            vec![pair("IAM3", "ProcessorRole")],
        ),
        (
            "sse off",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/EventsQueue/Properties/SqsManagedSseEnabled",
                    json!(false),
                )
            }),
            vec![pair("SQS1", "EventsQueue")],
        ),
        (
            "no tls policy for dlq",
            Box::new(|t| {
                remove(t, "/Resources/QueuesTlsPolicy/Properties/Queues/1");
            }),
            vec![pair("SQS2", "EventsDlq")],
        ),
        (
            "no redrive",
            Box::new(|t| {
                remove(t, "/Resources/EventsQueue/Properties/RedrivePolicy");
            }),
            vec![pair("SQS3", "EventsDlq"), pair("SQS3", "EventsQueue")],
        ),
        (
            "standard dlq",
            Box::new(|t| {
                remove(t, "/Resources/EventsDlq/Properties/FifoQueue");
                set(t, "/Resources/EventsDlq/Properties/QueueName", json!("dlq"));
            }),
            vec![pair("SQS4", "EventsQueue")],
        ),
        (
            "no retention",
            Box::new(|t| {
                remove(t, "/Resources/ApiAccessLogs/Properties/RetentionInDays");
            }),
            vec![pair("LOG1", "ApiAccessLogs")],
        ),
        (
            "no log group",
            Box::new(|t| {
                remove(t, "/Resources/Processor/Properties/LoggingConfig");
                set(
                    t,
                    "/Resources/ProcessorLogGroup/Properties/LogGroupName",
                    json!("other"),
                );
            }),
            vec![pair("LAMBDA1", "Processor")],
        ),
        (
            "no memory",
            Box::new(|t| {
                remove(t, "/Resources/Processor/Properties/MemorySize");
            }),
            vec![pair("LAMBDA2", "Processor")],
        ),
        (
            "plaintext token",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/Processor/Properties/Environment/Variables/HUBSPOT_ACCESS_TOKEN",
                    json!("pat-na1-0000"),
                )
            }),
            vec![pair("LAMBDA3", "Processor")],
        ),
        (
            "public trust",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/ProcessorRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal",
                    json!({"AWS": "*"}),
                )
            }),
            vec![pair("IAM4", "ProcessorRole")],
        ),
        (
            "unscoped permission",
            Box::new(|t| {
                remove(t, "/Resources/ApiInvokeProcessor/Properties/SourceArn");
            }),
            vec![pair("LAMBDA4", "ApiInvokeProcessor")],
        ),
        (
            "oversized environment",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/Processor/Properties/Environment/Variables/SYNC_SETTINGS",
                    json!("x".repeat(4096)),
                )
            }),
            vec![pair("LAMBDA5", "Processor")],
        ),
        (
            "fifo batching window",
            Box::new(|t| {
                set(
                    t,
                    "/Resources/ProcessorEventSource/Properties/MaximumBatchingWindowInSeconds",
                    json!(5),
                )
            }),
            vec![pair("ESM3", "ProcessorEventSource")],
        ),
        (
            "no batch failures",
            Box::new(|t| {
                remove(t, "/Resources/ProcessorEventSource/Properties/FunctionResponseTypes");
            }),
            vec![pair("ESM1", "ProcessorEventSource")],
        ),
        (
            "visibility too short",
            Box::new(|t| set(t, "/Resources/Processor/Properties/Timeout", json!(31))),
            vec![pair("ESM2", "ProcessorEventSource")],
        ),
        (
            "no throttling",
            Box::new(|t| {
                remove(
                    t,
                    "/Resources/ApiStage/Properties/MethodSettings/0/ThrottlingBurstLimit",
                );
            }),
            vec![pair("APIG1", "ApiStage")],
        ),
        (
            "no access log",
            Box::new(|t| {
                remove(t, "/Resources/ApiStage/Properties/AccessLogSetting");
            }),
            vec![pair("APIG2", "ApiStage")],
        ),
        (
            "no alarm action",
            Box::new(|t| {
                remove(t, "/Resources/DlqNotEmptyAlarm/Properties/AlarmActions");
            }),
            vec![pair("CW1", "DlqNotEmptyAlarm")],
        ),
    ];
    let mut covered: Vec<String> = Vec::new();
    for (name, mutate, expected) in cases {
        let mut t = good();
        mutate(&mut t);
        assert_eq!(fired(&t), expected, "{name}");
        covered.extend(expected.into_iter().map(|(rule, _)| rule));
    }
    for r in rules() {
        assert!(covered.iter().any(|c| c == r.id), "rule {} has no firing case", r.id);
    }
}

fn with_suppressions(t: &mut Value, id: &str, suppressions: Value) {
    set(
        t,
        &format!("/Resources/{id}/Metadata"),
        json!({"synth": {"suppressions": suppressions}}),
    );
}

#[test]
fn suppression_with_reason_moves_the_finding() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/ProcessorRole/Properties/Policies/0/PolicyDocument/Statement/1/Resource",
        json!("*"),
    );
    with_suppressions(
        &mut t,
        "ProcessorRole",
        json!([{"rule": "IAM2", "reason": "secret ARN unknown at synth time"}]),
    );
    let report = check_template(&t);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(report.suppressed[0].rule_id, "IAM2");
    assert_eq!(report.suppressed[0].logical_id, "ProcessorRole");
    assert_eq!(report.suppressed[0].reason, "secret ARN unknown at synth time");
    assert!(report.suppressed[0].messages[0].contains("secretsmanager:GetSecretValue"));
    // The suppression is per resource: the same finding elsewhere still fires.
    let copy = t["Resources"]["ProcessorRole"].clone();
    set(&mut t, "/Resources/Other", copy);
    remove(&mut t, "/Resources/Other/Metadata");
    assert_eq!(fired(&t), [pair("IAM2", "Other")]);
}

#[test]
fn malformed_suppressions_are_errors_and_do_not_suppress() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/EventsQueue/Properties/SqsManagedSseEnabled",
        json!(false),
    );
    with_suppressions(
        &mut t,
        "EventsQueue",
        json!([
            {"rule": "SQS1", "reason": "   "},
            {"rule": "SQS9", "reason": "typo"},
            {"reason": "no rule"},
            "SQS1",
            {"rule": "LOG1", "reason": "fine", "extra": 1}
        ]),
    );
    let report = check_template(&t);
    assert_eq!(fired(&t), [pair("SQS1", "EventsQueue")]);
    assert!(!report.is_ok());
    let q = "EventsQueue".to_owned();
    assert!(report.errors.contains(&SuppressionError::MissingReason {
        logical_id: q.clone(),
        rule: "SQS1".into()
    }));
    assert!(report.errors.contains(&SuppressionError::UnknownRule {
        logical_id: q.clone(),
        rule: "SQS9".into()
    }));
    let malformed: Vec<String> = report
        .errors
        .iter()
        .filter_map(|e| match e {
            SuppressionError::Malformed { pointer, .. } => Some(pointer.clone()),
            _ => None,
        })
        .collect();
    let base = "/Resources/EventsQueue/Metadata/synth/suppressions";
    assert_eq!(
        malformed,
        [format!("{base}/2"), format!("{base}/3"), format!("{base}/4")]
    );
    // The LOG1 entry is otherwise well-formed but matches nothing.
    assert_eq!(
        report.warnings,
        [SuppressionWarning::Unused {
            logical_id: q,
            rule: "LOG1".into()
        }]
    );
    assert!(report.to_string().contains("error: [SQS1] EventsQueue"), "{report}");
}

#[test]
fn suppressions_must_be_an_array() {
    let mut t = good();
    with_suppressions(&mut t, "EventsQueue", json!({"rule": "SQS1", "reason": "x"}));
    let report = check_template(&t);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].to_string().contains("suppressions must be an array"));
}

#[test]
fn checkov_and_cfn_lint_ids_share_the_list_but_need_a_reason() {
    let mut t = good();
    with_suppressions(
        &mut t,
        "Processor",
        json!([
            {"rule": "CKV_AWS_117", "reason": "no VPC: the function calls public APIs only"},
            {"rule": "W3011", "reason": "retained on purpose"},
            {"rule": "CKV_AWS_116", "reason": ""}
        ]),
    );
    let report = check_template(&t);
    assert_eq!(
        report.errors,
        [SuppressionError::MissingReason {
            logical_id: "Processor".into(),
            rule: "CKV_AWS_116".into()
        }]
    );
    assert!(report.warnings.is_empty() && report.suppressed.is_empty() && report.findings.is_empty());
    assert!(cfn_checks::rules::is_foreign_rule("CKV2_AWS_5") && !cfn_checks::rules::is_foreign_rule("SQS1"));
}

/// LAMBDA5 at the boundary: the compliant fixture's processor environment measures 341 bytes (its one `Ref` counted
/// as 256); a padding variable of 3,746 characters brings it to exactly 4,096 (allowed), one more fires.
#[test]
fn env_size_limit_is_exact_for_literals() {
    let padded = |n: usize| {
        let mut t = good();
        set(
            &mut t,
            "/Resources/Processor/Properties/Environment/Variables/PAD",
            json!("x".repeat(n)),
        );
        t
    };
    let vars = |t: &Value| t["Resources"]["Processor"]["Properties"]["Environment"]["Variables"].clone();
    assert_eq!(
        cfn_checks::rules::environment_size(vars(&good()).as_object().unwrap()),
        341
    );
    assert_eq!(
        cfn_checks::rules::environment_size(vars(&padded(3746)).as_object().unwrap()),
        cfn_checks::rules::ENV_LIMIT_BYTES
    );
    assert!(fired(&padded(3746)).is_empty());
    assert_eq!(fired(&padded(3747)), [pair("LAMBDA5", "Processor")]);
    let quotes = "\"".repeat(1874); // each escaped as 2 bytes, as Lambda's JSON measure counts them
    let mut t = good();
    set(
        &mut t,
        "/Resources/Processor/Properties/Environment/Variables/PAD",
        json!(quotes),
    );
    assert_eq!(fired(&t), [pair("LAMBDA5", "Processor")]);
}
