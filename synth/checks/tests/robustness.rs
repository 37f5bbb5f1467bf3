//! No panic on arbitrary input: random JSON shaped loosely like a template (known and unknown types, random
//! properties, metadata and intrinsics) goes through all three checks.

use cfn_checks::{diff::diff_templates, rules::check_template, schema::validate_template};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z:*./${}-]{0,12}".prop_map(Value::String),
        Just(json!("*")),
        Just(json!({"Ref": "Q"})),
        Just(json!({"Fn::GetAtt": "Q.Arn"})),
        Just(json!({"Fn::GetAtt": ["F"]})),
        Just(json!({"Fn::Sub": ["arn:${X}", {}]})),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("Statement".to_owned()),
        Just("Action".to_owned()),
        Just("Resource".to_owned()),
        Just("Effect".to_owned()),
        Just("RedrivePolicy".to_owned()),
        Just("deadLetterTargetArn".to_owned()),
        Just("Variables".to_owned()),
        Just("MethodSettings".to_owned()),
        Just("suppressions".to_owned()),
        Just("synth".to_owned()),
        "[A-Za-z]{1,8}",
    ];
    scalar().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn template() -> impl Strategy<Value = Value> {
    let types = prop_oneof![
        Just("AWS::SQS::Queue"),
        Just("AWS::SQS::QueuePolicy"),
        Just("AWS::IAM::Role"),
        Just("AWS::IAM::ManagedPolicy"),
        Just("AWS::Lambda::Function"),
        Just("AWS::Lambda::EventSourceMapping"),
        Just("AWS::ApiGateway::Stage"),
        Just("AWS::ApiGateway::Deployment"),
        Just("AWS::CloudWatch::Alarm"),
        Just("AWS::Logs::LogGroup"),
        Just("AWS::Nope::Nope"),
    ];
    let resource = (types, value(), value(), value()).prop_map(|(t, props, metadata, depends)| {
        json!({"Type": t, "Properties": props, "Metadata": metadata, "DependsOn": depends})
    });
    (prop::collection::btree_map("[QF][0-9]?", resource, 0..6), value()).prop_map(|(resources, outputs)| {
        let mut t = Map::new();
        t.insert("Resources".into(), Value::Object(resources.into_iter().collect()));
        t.insert("Outputs".into(), outputs);
        Value::Object(t)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn checks_never_panic(a in template(), b in template()) {
        let _ = check_template(&a);
        let _ = validate_template(&a);
        let d = diff_templates(&a, &b);
        let _ = d.to_string();
        prop_assert!(diff_templates(&a, &a).is_empty());
    }

    #[test]
    fn arbitrary_documents_never_panic(v in value()) {
        let _ = check_template(&v);
        let _ = validate_template(&v);
        let _ = diff_templates(&v, &Value::Null).to_string();
    }
}
