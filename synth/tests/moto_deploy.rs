//! Deploys the synthesized `async-architecture` and `partner-central-access` stacks of an environment into moto's
//! CloudFormation (server mode), then UPDATES `async-architecture` with changed settings and DELETES both, checking
//! the created resources through the services' own APIs at each step:
//!
//! * create: outputs resolve; the functions get the queue URL, webhook URL, the Partner Central role ARN that the
//!   second stack really creates, `SYNC_SETTINGS` and the shadow bucket; queue and DLQ attributes (FIFO, visibility,
//!   retention, long polling, redrive to the DLQ), the event source mapping, the processor role's shadow grant
//!   (`s3:PutObject` on `shadow/*` only, IAM GetRolePolicy) and the shadow bucket's default encryption (S3 API);
//! * update (UpdateStack, new memory, visibility timeout, batch size, max receive count, shadow mode with a canary):
//!   each new value is read back from Lambda, SQS and the mapping, including the parsed `SYNC_SETTINGS`;
//! * delete: both stacks reach DELETE_COMPLETE, queues, functions and the mapping are gone, the shadow bucket
//!   (DeletionPolicy Retain) is kept.
//!
//! What moto 5.2.5 lacks (so not checked here; the template rules, the vendored-schema check and cfn-lint cover
//! them): its CloudFormation silently skips `AWS::CloudWatch::Alarm` (no alarm exists afterwards),
//! `AWS::ApiGateway::Stage`, `AWS::SecretsManager::Secret`, `AWS::SQS::QueuePolicy`, `AWS::S3::BucketPolicy` and
//! `AWS::SNS::Subscription`, and it ignores the bucket's `LifecycleConfiguration`, `PublicAccessBlockConfiguration`
//! and `OwnershipControls`; a queue update applies only `VisibilityTimeout` and `ReceiveMessageWaitTimeSeconds` (a
//! changed `RedrivePolicy` is not applied). `monitoring` imports the stage name, so it cannot be created there.
//!
//! moto comes from `MOTO_ENDPOINT` (set by scripts/test.sh) or is started by moto-harness.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;
#[path = "support/http.rs"]
mod http;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use synth::env::{EnvConfig, SyncMode, load_env};
use synth::render::{Format, synth_env};

const FORM: [(&str, &str); 1] = [("Content-Type", "application/x-www-form-urlencoded")];

fn query(ep: &str, service: &str, pairs: &[(&str, &str)]) -> http::Response {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    http::call(ep, service, "POST", "/", &FORM, http::form(&pairs).as_bytes())
}

fn describe(ep: &str, name: &str) -> http::Response {
    query(
        ep,
        "cloudformation",
        &[
            ("Action", "DescribeStacks"),
            ("Version", "2010-05-15"),
            ("StackName", name),
        ],
    )
}

/// Polls until the stack leaves `*_IN_PROGRESS`; asserts `want` and returns the outputs.
fn wait_for(ep: &str, name: &str, want: &str) -> BTreeMap<String, String> {
    for _ in 0..200 {
        let r = describe(ep, name);
        let status = http::xml_all(&r.body, "StackStatus").pop().unwrap_or_default();
        if status.ends_with("IN_PROGRESS") {
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        assert_eq!(status, want, "{name}: {}", r.body);
        let keys = http::xml_all(&r.body, "OutputKey");
        let values = http::xml_all(&r.body, "OutputValue");
        return keys.into_iter().zip(values).collect();
    }
    panic!("{name} did not finish");
}

/// CreateStack or UpdateStack with `body` and `params`; waits for the COMPLETE status and returns the outputs.
fn deploy(ep: &str, action: &str, name: &str, body: &str, params: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut pairs = vec![
        ("Action".to_owned(), action.to_owned()),
        ("Version".to_owned(), "2010-05-15".to_owned()),
        ("StackName".to_owned(), name.to_owned()),
        ("TemplateBody".to_owned(), body.to_owned()),
        ("Capabilities.member.1".to_owned(), "CAPABILITY_NAMED_IAM".to_owned()),
    ];
    for (i, (k, v)) in params.iter().enumerate() {
        pairs.push((format!("Parameters.member.{}.ParameterKey", i + 1), (*k).to_owned()));
        pairs.push((format!("Parameters.member.{}.ParameterValue", i + 1), (*v).to_owned()));
    }
    let r = http::call(ep, "cloudformation", "POST", "/", &FORM, http::form(&pairs).as_bytes());
    assert_eq!(r.status, 200, "{action} {name}: {}", r.body);
    let want = if action == "CreateStack" {
        "CREATE_COMPLETE"
    } else {
        "UPDATE_COMPLETE"
    };
    wait_for(ep, name, want)
}

fn delete(ep: &str, name: &str) {
    let r = query(
        ep,
        "cloudformation",
        &[
            ("Action", "DeleteStack"),
            ("Version", "2010-05-15"),
            ("StackName", name),
        ],
    );
    assert_eq!(r.status, 200, "DeleteStack {name}: {}", r.body);
    for _ in 0..200 {
        let r = describe(ep, name);
        let status = http::xml_all(&r.body, "StackStatus").pop().unwrap_or_default();
        if status.ends_with("IN_PROGRESS") {
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        // A deleted stack is DELETE_COMPLETE by id, or unknown by name.
        assert!(
            status == "DELETE_COMPLETE" || (r.status == 400 && r.body.contains("does not exist")),
            "{name}: {} {}",
            r.status,
            r.body
        );
        return;
    }
    panic!("{name} was not deleted");
}

fn get_json(ep: &str, service: &str, path: &str) -> (u16, Value) {
    let r = http::call(ep, service, "GET", path, &[], b"");
    (r.status, serde_json::from_str(&r.body).unwrap_or(Value::Null))
}

fn sqs(ep: &str, target: &str, body: Value) -> (u16, Value) {
    let r = http::call(
        ep,
        "sqs",
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", &format!("AmazonSQS.{target}")),
        ],
        body.to_string().as_bytes(),
    );
    (r.status, serde_json::from_str(&r.body).unwrap_or(Value::Null))
}

fn queue_attributes(ep: &str, url: &str) -> Value {
    let (status, v) = sqs(
        ep,
        "GetQueueAttributes",
        json!({"QueueUrl": url, "AttributeNames": ["All"]}),
    );
    assert_eq!(status, 200, "{v}");
    v["Attributes"].clone()
}

fn function(ep: &str, name: &str) -> Value {
    let (status, v) = get_json(ep, "lambda", &format!("/2015-03-31/functions/{name}/configuration"));
    assert_eq!(status, 200, "{name}: {v}");
    v
}

fn mappings(ep: &str, function: &str) -> Vec<Value> {
    let (status, v) = get_json(
        ep,
        "lambda",
        &format!("/2015-03-31/event-source-mappings/?FunctionName={function}"),
    );
    assert_eq!(status, 200, "{v}");
    v["EventSourceMappings"].as_array().cloned().unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The text of an inline policy of a role, read through IAM (moto answers with the document as parsed from the
/// template, printed as a Python literal, so tests look at the text rather than parse JSON).
fn role_policy(ep: &str, role: &str, policy: &str) -> String {
    let r = query(
        ep,
        "iam",
        &[
            ("Action", "GetRolePolicy"),
            ("Version", "2010-05-08"),
            ("RoleName", role),
            ("PolicyName", policy),
        ],
    );
    assert_eq!(r.status, 200, "{role}/{policy}: {}", r.body);
    percent_decode(&http::xml_all(&r.body, "PolicyDocument").pop().unwrap())
}

fn templates(cfg: &EnvConfig) -> (String, String) {
    let out = synth_env(cfg, Format::Yaml).unwrap();
    let file = |name: &str| out.files.iter().find(|f| f.name == name).unwrap().contents.clone();
    (
        file("async-architecture.template.yaml"),
        file("partner-central-access.template.yaml"),
    )
}

#[test]
fn stacks_are_created_updated_and_deleted_on_moto() {
    let ep = moto_harness::MotoServer::shared().endpoint().to_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let tag = format!("t{:x}", (nanos as u64) ^ u64::from(std::process::id()));
    let mut cfg = load_env(&common::stacks_dir(), "development").unwrap();
    cfg.naming.prefix = tag.clone(); // unique physical names on a shared moto
    let (async_body, pc_body) = templates(&cfg);

    let bucket = format!("{tag}-code");
    assert_eq!(
        http::call(&ep, "s3", "PUT", &format!("/{bucket}"), &[], b"").status,
        200
    );
    assert_eq!(
        http::call(&ep, "s3", "PUT", &format!("/{bucket}/fn.zip"), &[], b"bootstrap").status,
        200
    );
    let code = [
        ("CodeBucket", bucket.as_str()),
        ("WebhookReceiptCodeKey", "fn.zip"),
        ("EventProcessorCodeKey", "fn.zip"),
    ];
    let (async_stack, pc_stack) = (format!("{tag}-async"), format!("{tag}-pc"));

    // --- create -------------------------------------------------------------------------------------------------
    let a = deploy(&ep, "CreateStack", &async_stack, &async_body, &code);
    let pc = deploy(
        &ep,
        "CreateStack",
        &pc_stack,
        &pc_body,
        &[("ProcessorRoleArn", &a["EventProcessorRoleArn"])],
    );
    assert!(
        a["WebhookUrl"].starts_with("https://") && a["WebhookUrl"].ends_with("/development/async/webhook"),
        "{a:?}"
    );
    assert!(a["SyncQueueUrl"].ends_with(&format!("{tag}-events-development.fifo")));
    assert!(a["SyncDlqUrl"].ends_with(&format!("{tag}-events-dlq-development.fifo")));
    let shadow_bucket = a["ShadowRecordsBucketName"].clone();
    assert!(!shadow_bucket.is_empty(), "{a:?}");

    let receipt_name = format!("{tag}-webhook-receipt-development");
    let processor_name = format!("{tag}-event-processor-development");
    let receipt = function(&ep, &receipt_name);
    let vars = &receipt["Environment"]["Variables"];
    assert_eq!(vars["SYNC_QUEUE_URL"], a["SyncQueueUrl"].as_str());
    assert_eq!(vars["WEBHOOK_PUBLIC_URL"], a["WebhookUrl"].as_str());
    assert_eq!(vars["HUBSPOT_PORTAL_IDS"], "12345678");
    assert_eq!(receipt["Runtime"], "provided.al2023");
    assert_eq!(receipt["Handler"], "bootstrap");

    let processor = function(&ep, &processor_name);
    let vars = &processor["Environment"]["Variables"];
    assert_eq!(
        vars["PARTNER_CENTRAL_ROLE_ARN"],
        pc["PartnerCentralRoleArn"].as_str(),
        "computed ARN == created role"
    );
    assert_eq!(vars["PARTNER_CENTRAL_CATALOG"], "Sandbox");
    assert_eq!(vars["SHADOW_RECORDS_BUCKET"], shadow_bucket.as_str());
    let settings: Value = serde_json::from_str(vars["SYNC_SETTINGS"].as_str().unwrap()).unwrap();
    assert_eq!(settings, json!({"mode": "live"}));
    assert_eq!(processor["Timeout"], cfg.functions.event_processor.timeout_seconds);
    assert_eq!(processor["MemorySize"], cfg.functions.event_processor.memory_mb);

    let attrs = queue_attributes(&ep, &a["SyncQueueUrl"]);
    assert_eq!(attrs["FifoQueue"], "true");
    assert_eq!(
        attrs["VisibilityTimeout"],
        cfg.queue.visibility_timeout_seconds.to_string()
    );
    assert_eq!(attrs["ReceiveMessageWaitTimeSeconds"], "20");
    assert_eq!(attrs["MessageRetentionPeriod"], "1209600");
    let redrive: Value = serde_json::from_str(attrs["RedrivePolicy"].as_str().unwrap()).unwrap();
    assert_eq!(
        redrive["maxReceiveCount"].to_string().trim_matches('"'),
        cfg.queue.max_receive_count.to_string()
    );
    assert_eq!(redrive["deadLetterTargetArn"], a["SyncDlqArn"].as_str());
    let dlq = queue_attributes(&ep, &a["SyncDlqUrl"]);
    assert_eq!(dlq["FifoQueue"], "true");
    assert_eq!(dlq["MessageRetentionPeriod"], "1209600");
    assert!(dlq.get("RedrivePolicy").is_none(), "the DLQ redrives nowhere: {dlq}");

    let m = mappings(&ep, &processor_name);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["BatchSize"], cfg.queue.batch_size);
    assert_eq!(m[0]["FunctionResponseTypes"][0], "ReportBatchItemFailures");
    assert!(m[0]["EventSourceArn"].as_str().unwrap().ends_with(".fifo"));

    let access = role_policy(&ep, &processor_name, "access");
    assert!(access.contains("WriteShadowRecords"), "{access}");
    assert!(
        access.contains(&format!("arn:aws:s3:::{shadow_bucket}/shadow/*")),
        "{access}"
    );
    let s3_actions = access.matches("s3:").count() - access.matches("arn:aws:s3:").count();
    assert_eq!(
        (s3_actions, access.matches("s3:PutObject").count()),
        (1, 1),
        "only s3:PutObject: {access}"
    );

    let r = http::call(&ep, "s3", "GET", &format!("/{shadow_bucket}?encryption"), &[], b"");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<SSEAlgorithm>AES256</SSEAlgorithm>"), "{}", r.body);

    // --- update -------------------------------------------------------------------------------------------------
    let mut changed = cfg.clone();
    changed.functions.event_processor.memory_mb += 128;
    changed.queue.visibility_timeout_seconds += 60;
    changed.queue.batch_size = 7;
    changed.queue.max_receive_count = 4;
    changed.sync.mode = SyncMode::Shadow;
    changed.sync.canary_live_percent = Some(50);
    let (async_body2, _) = templates(&changed);
    assert_ne!(async_body, async_body2);
    let a2 = deploy(&ep, "UpdateStack", &async_stack, &async_body2, &code);
    assert_eq!(a2["SyncQueueUrl"], a["SyncQueueUrl"], "the queue is updated in place");
    assert_eq!(a2["ShadowRecordsBucketName"], shadow_bucket);

    let processor = function(&ep, &processor_name);
    assert_eq!(processor["MemorySize"], changed.functions.event_processor.memory_mb);
    let vars = &processor["Environment"]["Variables"];
    let settings: Value = serde_json::from_str(vars["SYNC_SETTINGS"].as_str().unwrap()).unwrap();
    assert_eq!(settings, json!({"mode": "shadow", "canary_live_percent": 50}));
    assert_eq!(vars["SYNC_QUEUE_MAX_RECEIVE_COUNT"], "4");
    let attrs = queue_attributes(&ep, &a["SyncQueueUrl"]);
    assert_eq!(
        attrs["VisibilityTimeout"],
        changed.queue.visibility_timeout_seconds.to_string()
    );
    // moto's queue update applies only VisibilityTimeout and ReceiveMessageWaitTimeSeconds (sqs/models.py,
    // Queue.update_from_cloudformation_json), so the new maxReceiveCount is not read back from SQS here; the
    // processor variable above and the template (snapshots, contract test) carry it.
    let m = mappings(&ep, &processor_name);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["BatchSize"], 7);

    // --- delete -------------------------------------------------------------------------------------------------
    delete(&ep, &pc_stack);
    delete(&ep, &async_stack);
    for url in [&a["SyncQueueUrl"], &a["SyncDlqUrl"]] {
        let name = url.rsplit('/').next().unwrap();
        let (status, v) = sqs(&ep, "GetQueueUrl", json!({"QueueName": name}));
        assert_eq!(status, 400, "{name} still exists: {v}");
    }
    for name in [&receipt_name, &processor_name] {
        let (status, _) = get_json(&ep, "lambda", &format!("/2015-03-31/functions/{name}/configuration"));
        assert_eq!(status, 404, "{name} still exists");
    }
    assert!(mappings(&ep, &processor_name).is_empty());
    let r = http::call(&ep, "s3", "HEAD", &format!("/{shadow_bucket}"), &[], b"");
    assert_eq!(r.status, 200, "the shadow bucket is retained (DeletionPolicy Retain)");
}
