//! Deploys the synthesized `async-architecture` and `partner-central-access` templates of an environment into
//! moto's CloudFormation (a wiring smoke test, not a validator: moto ignores unknown properties and silently skips
//! `AWS::ApiGateway::Stage`, `AWS::CloudWatch::Alarm` and `AWS::SecretsManager::Secret`, so `monitoring`, which
//! imports the stage name, cannot be deployed there). Checks that both stacks complete, outputs resolve, the
//! functions get the queue URL, webhook URL and the Partner Central role ARN that the second stack really creates,
//! and the queue and event source mapping carry the configured settings.
//!
//! moto comes from `MOTO_ENDPOINT` (set by scripts/test.sh) or is started by moto-harness.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;
#[path = "support/http.rs"]
mod http;

use std::collections::BTreeMap;

use synth::env::load_env;
use synth::render::{Format, synth_env};

fn create_stack(ep: &str, name: &str, body: &str, params: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut pairs = vec![
        ("Action".to_owned(), "CreateStack".to_owned()),
        ("Version".to_owned(), "2010-05-15".to_owned()),
        ("StackName".to_owned(), name.to_owned()),
        ("TemplateBody".to_owned(), body.to_owned()),
        ("Capabilities.member.1".to_owned(), "CAPABILITY_NAMED_IAM".to_owned()),
    ];
    for (i, (k, v)) in params.iter().enumerate() {
        pairs.push((format!("Parameters.member.{}.ParameterKey", i + 1), (*k).to_owned()));
        pairs.push((format!("Parameters.member.{}.ParameterValue", i + 1), (*v).to_owned()));
    }
    let form_ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = http::call(
        ep,
        "cloudformation",
        "POST",
        "/",
        &form_ct,
        http::form(&pairs).as_bytes(),
    );
    assert_eq!(r.status, 200, "CreateStack {name}: {}", r.body);
    let describe = http::form(&[
        ("Action".into(), "DescribeStacks".into()),
        ("StackName".into(), name.into()),
    ]);
    for _ in 0..100 {
        let r = http::call(ep, "cloudformation", "POST", "/", &form_ct, describe.as_bytes());
        let status = http::xml_all(&r.body, "StackStatus").pop().unwrap_or_default();
        if status.ends_with("IN_PROGRESS") {
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        assert_eq!(status, "CREATE_COMPLETE", "{name}: {}", r.body);
        let keys = http::xml_all(&r.body, "OutputKey");
        let values = http::xml_all(&r.body, "OutputValue");
        return keys.into_iter().zip(values).collect();
    }
    panic!("{name} did not finish");
}

fn json(ep: &str, service: &str, path: &str) -> serde_json::Value {
    let r = http::call(ep, service, "GET", path, &[], b"");
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[test]
fn templates_deploy_into_moto_and_wire_up() {
    let ep = moto_harness::MotoServer::shared().endpoint().to_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let tag = format!("t{:x}", (nanos as u64) ^ u64::from(std::process::id()));
    let mut cfg = load_env(&common::stacks_dir(), "development").unwrap();
    cfg.naming.prefix = tag.clone(); // unique physical names on a shared moto
    let out = synth_env(&cfg, Format::Yaml).unwrap();
    let file = |name: &str| out.files.iter().find(|f| f.name == name).unwrap().contents.clone();

    let bucket = format!("{tag}-code");
    assert_eq!(
        http::call(&ep, "s3", "PUT", &format!("/{bucket}"), &[], b"").status,
        200
    );
    assert_eq!(
        http::call(&ep, "s3", "PUT", &format!("/{bucket}/fn.zip"), &[], b"bootstrap").status,
        200
    );

    let a = create_stack(
        &ep,
        &format!("{tag}-async"),
        &file("async-architecture.template.yaml"),
        &[
            ("CodeBucket", &bucket),
            ("WebhookReceiptCodeKey", "fn.zip"),
            ("EventProcessorCodeKey", "fn.zip"),
        ],
    );
    let pc = create_stack(
        &ep,
        &format!("{tag}-pc"),
        &file("partner-central-access.template.yaml"),
        &[("ProcessorRoleArn", &a["EventProcessorRoleArn"])],
    );

    assert!(
        a["WebhookUrl"].starts_with("https://") && a["WebhookUrl"].ends_with("/development/async/webhook"),
        "{a:?}"
    );
    assert!(a["SyncQueueUrl"].ends_with(&format!("{tag}-events-development.fifo")));

    let receipt = json(
        &ep,
        "lambda",
        &format!("/2015-03-31/functions/{tag}-webhook-receipt-development/configuration"),
    );
    let vars = &receipt["Environment"]["Variables"];
    assert_eq!(vars["SYNC_QUEUE_URL"], a["SyncQueueUrl"].as_str());
    assert_eq!(vars["WEBHOOK_PUBLIC_URL"], a["WebhookUrl"].as_str());
    assert_eq!(vars["HUBSPOT_PORTAL_IDS"], "12345678");
    assert_eq!(receipt["Runtime"], "provided.al2023");
    assert_eq!(receipt["Handler"], "bootstrap");

    let processor = json(
        &ep,
        "lambda",
        &format!("/2015-03-31/functions/{tag}-event-processor-development/configuration"),
    );
    let vars = &processor["Environment"]["Variables"];
    assert_eq!(
        vars["PARTNER_CENTRAL_ROLE_ARN"],
        pc["PartnerCentralRoleArn"].as_str(),
        "computed ARN == created role"
    );
    assert_eq!(vars["PARTNER_CENTRAL_CATALOG"], "Sandbox");
    assert_eq!(processor["Timeout"], cfg.functions.event_processor.timeout_seconds);
    assert_eq!(processor["MemorySize"], cfg.functions.event_processor.memory_mb);

    let sqs_body = serde_json::json!({"QueueUrl": a["SyncQueueUrl"], "AttributeNames": ["All"]}).to_string();
    let r = http::call(
        &ep,
        "sqs",
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "AmazonSQS.GetQueueAttributes"),
        ],
        sqs_body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let attrs: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let attrs = &attrs["Attributes"];
    assert_eq!(attrs["FifoQueue"], "true");
    assert_eq!(
        attrs["VisibilityTimeout"],
        cfg.queue.visibility_timeout_seconds.to_string()
    );
    assert_eq!(attrs["ReceiveMessageWaitTimeSeconds"], "20");
    assert_eq!(attrs["MessageRetentionPeriod"], "1209600");
    let redrive: serde_json::Value = serde_json::from_str(attrs["RedrivePolicy"].as_str().unwrap()).unwrap();
    assert_eq!(
        redrive["maxReceiveCount"].to_string().trim_matches('"'),
        cfg.queue.max_receive_count.to_string()
    );
    assert_eq!(redrive["deadLetterTargetArn"], a["SyncDlqArn"].as_str());

    let esm = json(
        &ep,
        "lambda",
        &format!("/2015-03-31/event-source-mappings/?FunctionName={tag}-event-processor-development"),
    );
    let m = &esm["EventSourceMappings"][0];
    assert_eq!(m["BatchSize"], cfg.queue.batch_size);
    assert_eq!(m["FunctionResponseTypes"][0], "ReportBatchItemFailures");
}
