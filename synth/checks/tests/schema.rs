//! Schema conformance over fixture templates: a compliant template passes; misspelled, misplaced, mistyped and
//! out-of-range properties fail with the logical id and JSON pointer; intrinsics are accepted anywhere.

mod common;

use cfn_checks::schema::{SchemaViolation, ViolationKind, validate_template};
use common::{good, remove, set};
use serde_json::json;

fn one(violations: &[SchemaViolation]) -> &SchemaViolation {
    assert_eq!(
        violations.len(),
        1,
        "expected exactly one violation, got {violations:#?}"
    );
    &violations[0]
}

#[test]
fn compliant_template_has_no_violation() {
    assert_eq!(validate_template(&good()), []);
}

#[test]
fn misspelled_property_names_logical_id_and_pointer() {
    let mut t = good();
    let value = remove(&mut t, "/Resources/EventsQueue/Properties/VisibilityTimeout");
    set(&mut t, "/Resources/EventsQueue/Properties/VisibilityTimout", value);
    let v = validate_template(&t);
    let v = one(&v);
    assert_eq!(v.logical_id, "EventsQueue");
    assert_eq!(v.resource_type, "AWS::SQS::Queue");
    assert_eq!(v.pointer, "/Resources/EventsQueue/Properties/VisibilityTimout");
    assert_eq!(v.kind, ViolationKind::UnknownProperty);
    assert!(v.message.contains("VisibilityTimeout"), "suggests the right name: {v}");
    assert!(
        v.to_string()
            .starts_with("EventsQueue (AWS::SQS::Queue) at /Resources/EventsQueue/Properties/")
    );
}

#[test]
fn misplaced_property_fails_nested_and_at_resource_level() {
    let mut t = good();
    // ThrottlingRateLimit belongs in a MethodSettings entry, not on the stage.
    set(&mut t, "/Resources/ApiStage/Properties/ThrottlingRateLimit", json!(10));
    // maxReceiveCount nested under the wrong object.
    set(
        &mut t,
        "/Resources/EventsQueue/Properties/RedriveAllowPolicy",
        json!({"maxReceiveCount": 3}),
    );
    // A property written beside Properties.
    set(&mut t, "/Resources/Processor/Timeout", json!(30));
    let v = validate_template(&t);
    let found: Vec<(&str, ViolationKind)> = v.iter().map(|v| (v.pointer.as_str(), v.kind)).collect();
    assert!(
        found.contains(&(
            "/Resources/ApiStage/Properties/ThrottlingRateLimit",
            ViolationKind::UnknownProperty
        )),
        "{v:#?}"
    );
    assert!(
        found.contains(&("/Resources/Processor/Timeout", ViolationKind::UnknownResourceKey)),
        "{v:#?}"
    );
    // RedriveAllowPolicy is `object|string` without properties, so only the two real misplacements fire.
    assert_eq!(v.len(), 2, "{v:#?}");
}

#[test]
fn wrong_type_range_enum_and_required_fail() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/EventsQueue/Properties/MessageRetentionPeriod",
        json!(2_000_000),
    );
    set(&mut t, "/Resources/Processor/Properties/MemorySize", json!("lots"));
    set(
        &mut t,
        "/Resources/Processor/Properties/Architectures",
        json!(["sparc"]),
    );
    set(
        &mut t,
        "/Resources/DlqNotEmptyAlarm/Properties/ComparisonOperator",
        json!("GreaterThanTreshold"),
    );
    remove(&mut t, "/Resources/ProcessorRole/Properties/AssumeRolePolicyDocument");
    let v = validate_template(&t);
    let found: Vec<(&str, ViolationKind)> = v.iter().map(|v| (v.pointer.as_str(), v.kind)).collect();
    assert_eq!(
        found,
        [
            (
                "/Resources/DlqNotEmptyAlarm/Properties/ComparisonOperator",
                ViolationKind::NotInEnum
            ),
            (
                "/Resources/EventsQueue/Properties/MessageRetentionPeriod",
                ViolationKind::OutOfRange
            ),
            (
                "/Resources/Processor/Properties/Architectures/0",
                ViolationKind::NotInEnum
            ),
            ("/Resources/Processor/Properties/MemorySize", ViolationKind::WrongType),
            ("/Resources/ProcessorRole/Properties", ViolationKind::MissingRequired),
        ],
        "{v:#?}"
    );
}

#[test]
fn intrinsics_are_accepted_wherever_a_value_is_expected() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/Processor/Properties/MemorySize",
        json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}),
    );
    set(
        &mut t,
        "/Resources/Processor/Properties/Architectures",
        json!([{"Ref": "Arch"}]),
    );
    set(
        &mut t,
        "/Resources/EventsQueue/Properties/FifoQueue",
        json!({"Fn::If": ["IsFifo", true, {"Ref": "AWS::NoValue"}]}),
    );
    set(
        &mut t,
        "/Resources/ApiStage/Properties/MethodSettings",
        json!({"Fn::If": ["C", [], []]}),
    );
    set(
        &mut t,
        "/Resources/Processor/Properties/Environment",
        json!({"Fn::If": ["C", {"Variables": {}}, {"Ref": "AWS::NoValue"}]}),
    );
    assert_eq!(validate_template(&t), []);
}

#[test]
fn read_only_attribute_and_unknown_type_fail() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/EventsQueue/Properties/Arn",
        json!("arn:aws:sqs:us-east-1:123456789012:q"),
    );
    set(
        &mut t,
        "/Resources/Mystery",
        json!({"Type": "AWS::Foo::Bar", "Properties": {}}),
    );
    set(&mut t, "/Resources/Untyped", json!({"Properties": {}}));
    let v = validate_template(&t);
    let found: Vec<(&str, &str, ViolationKind)> = v
        .iter()
        .map(|v| (v.logical_id.as_str(), v.pointer.as_str(), v.kind))
        .collect();
    assert_eq!(
        found,
        [
            (
                "EventsQueue",
                "/Resources/EventsQueue/Properties/Arn",
                ViolationKind::ReadOnly
            ),
            ("Mystery", "/Resources/Mystery/Type", ViolationKind::UnknownType),
            ("Untyped", "/Resources/Untyped/Type", ViolationKind::UnknownType),
        ]
    );
}

#[test]
fn alarm_mutual_exclusions_from_cfn_lint_extensions() {
    let mut t = good();
    set(
        &mut t,
        "/Resources/DlqNotEmptyAlarm/Properties/ExtendedStatistic",
        json!("p99"),
    );
    let v = validate_template(&t);
    assert_eq!(one(&v).kind, ViolationKind::Exclusive, "{v:#?}");
    let mut t = good();
    remove(&mut t, "/Resources/DlqNotEmptyAlarm/Properties/MetricName");
    let v = validate_template(&t);
    assert_eq!(one(&v).kind, ViolationKind::Exclusive, "{v:#?}");
}

#[test]
fn every_type_the_project_uses_has_a_schema() {
    for ty in [
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::SNS::Topic",
        "AWS::SNS::Subscription",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::Account",
        "AWS::SecretsManager::Secret",
    ] {
        assert!(cfn_checks::schema::resource_schema(ty).is_some(), "{ty}");
    }
}
