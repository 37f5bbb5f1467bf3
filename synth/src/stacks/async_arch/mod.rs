//! `async-architecture`: FIFO queue + FIFO DLQ, the webhook receipt and event processor functions, the REST API
//! `POST /async/webhook`, the two Secrets Manager secrets (no values), the shadow records bucket, the alarm topic,
//! the alarms and the exported outputs the other stacks import.

mod alarms;

use std::collections::BTreeMap;

use crate::cfn::expr::Expr;
use crate::cfn::resources::iam::Statement;
use crate::cfn::resources::lambda::set_env;
use crate::cfn::resources::secretsmanager::Secret;
use crate::cfn::resources::sns::{Subscription, Topic};
use crate::cfn::{Parameter, Policy, Template};
use crate::constructs::api::{ACCESS_LOG_FORMAT, ApiProps, lambda_route_api};
use crate::constructs::bucket::{BucketProps, private_bucket};
use crate::constructs::consumer::{ConsumerProps, sqs_consumer};
use crate::constructs::function::{FunctionProps, rust_function};
use crate::constructs::queue::{QueueProps, QueueSpec, queue_with_dlq, std_tags};
use crate::env::{EnvConfig, METRICS_NAMESPACE, Names, SHADOW_RECORDS_BUCKET, SYNC_SETTINGS, sync_settings_json};

/// 14 days, the SQS maximum.
pub const RETENTION_SECONDS: u32 = 1_209_600;
/// Long polling.
pub const RECEIVE_WAIT_SECONDS: u32 = 20;
/// Days after which shadow records expire (a shadow period plus a canary rollout fit well inside).
pub const SHADOW_RECORDS_EXPIRE_DAYS: u32 = 90;
/// Key prefix of the shadow records (`shadow/{portal_id}/{deal_id}/{unix_millis}-{first message id}.json`); the
/// processor may write nothing else.
pub const SHADOW_RECORDS_PREFIX: &str = "shadow/";
/// The webhook path under the stage.
pub const WEBHOOK_PATH: [&str; 2] = ["async", "webhook"];

/// The Partner Central role ARN the processor assumes (computed from the deterministic role name).
pub fn partner_central_role_arn(cfg: &EnvConfig) -> Expr {
    let n = Names::new(cfg);
    let account = cfg
        .partner_central
        .role_account_id
        .clone()
        .unwrap_or_else(|| "${AWS::AccountId}".to_owned());
    Expr::sub(format!(
        "arn:${{AWS::Partition}}:iam::{account}:role/{}",
        n.partner_central_role()
    ))
}

fn secret(t: &mut Template, id: &str, name: String, what: &str, tags: &[crate::cfn::resources::Tag]) -> Expr {
    let description = format!(
        "{what}. The value is set by operators (aws secretsmanager put-secret-value --secret-id {name} --secret-string ...), never by CloudFormation."
    );
    let h = t.add(
        id,
        Secret {
            description,
            name,
            tags: tags.to_vec(),
        },
    );
    t.set_policies(&h, Policy::Retain);
    t.suppress(
        &h,
        "CKV_AWS_149",
        "The AWS-managed key aws/secretsmanager suffices: only the two function roles of this stack may read it.",
    );
    t.suppress(
        &h,
        "CKV2_AWS_57",
        "A HubSpot credential is rotated in HubSpot by an operator (runbook), which no rotation Lambda can do.",
    );
    h.arn()
}

/// Builds the stack.
pub fn build(cfg: &EnvConfig) -> Template {
    let n = Names::new(cfg);
    let env = cfg.name.as_str();
    let tags = std_tags(env, "async-architecture");
    let mut t = Template::new(
        format!("{env}/async-architecture"),
        format!("HubSpot -> Partner Central sync ({env}): webhook API, FIFO queue with DLQ, functions, alarms"),
    );

    let bucket = t.parameter(
        "CodeBucket",
        Parameter::string("S3 bucket holding the function zips built by cargo lambda"),
    );
    let key_param = |t: &mut Template, id: &str, what: &str| {
        t.parameter(
            id,
            Parameter {
                min_length: Some(1),
                ..Parameter::string(format!("S3 key of the {what} zip (bootstrap at the root)"))
            },
        )
    };
    let receipt_key = key_param(&mut t, "WebhookReceiptCodeKey", "webhook-receipt");
    let processor_key = key_param(&mut t, "EventProcessorCodeKey", "event-processor");
    let email = t.parameter(
        "AlarmEmail",
        Parameter {
            allowed_pattern: Some(r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$".to_owned()),
            constraint_description: Some("an e-mail address or empty".to_owned()),
            default: Some(cfg.alarms.email.clone().unwrap_or_default()),
            ..Parameter::string("E-mail address subscribed to the alarm topic (empty: no subscription)")
        },
    );
    let has_email = t.condition(
        "HasAlarmEmail",
        Expr::negate(Expr::equals(email.r#ref(), Expr::lit(""))),
    );

    let token_secret = secret(
        &mut t,
        "HubSpotAccessTokenSecret",
        n.token_secret(),
        "HubSpot private-app access token",
        &tags,
    );
    let webhook_secret = secret(
        &mut t,
        "HubSpotWebhookSecret",
        n.webhook_secret(),
        "HubSpot app client secret (webhook signatures)",
        &tags,
    );

    let q = queue_with_dlq(
        &mut t,
        &QueueProps {
            id: "SyncEvents".to_owned(),
            queue: QueueSpec {
                name: n.queue(),
                fifo: true,
            },
            dlq: QueueSpec {
                name: n.dlq(),
                fifo: true,
            },
            retention_seconds: RETENTION_SECONDS,
            receive_wait_seconds: RECEIVE_WAIT_SECONDS,
            visibility_timeout_seconds: cfg.queue.visibility_timeout_seconds,
            max_receive_count: cfg.queue.max_receive_count,
            tags: tags.clone(),
        },
    );

    let f = &cfg.functions;
    let mut receipt_env = BTreeMap::from([
        ("HUBSPOT_WEBHOOK_SECRET_ARN".to_owned(), webhook_secret.clone()),
        ("SYNC_QUEUE_URL".to_owned(), q.queue.url()),
        (METRICS_NAMESPACE.to_owned(), Expr::lit(n.metrics_namespace())),
    ]);
    if !cfg.hubspot.portal_ids.is_empty() {
        let ids: Vec<String> = cfg.hubspot.portal_ids.iter().map(u64::to_string).collect();
        receipt_env.insert("HUBSPOT_PORTAL_IDS".to_owned(), Expr::lit(ids.join(",")));
    }
    let receipt = rust_function(
        &mut t,
        FunctionProps {
            id: "WebhookReceipt".to_owned(),
            name: n.receipt_fn(),
            role_name: n.receipt_role(),
            description: "Verifies HubSpot webhook signatures and enqueues sync events".to_owned(),
            memory_mb: f.webhook_receipt.memory_mb,
            timeout_seconds: f.webhook_receipt.timeout_seconds,
            reserved_concurrency: f.webhook_receipt.reserved_concurrency,
            env: receipt_env,
            statements: vec![
                Statement::allow("EnqueueSyncEvents", &["sqs:SendMessage"], vec![q.queue.arn()]),
                Statement::allow(
                    "ReadWebhookSecret",
                    &["secretsmanager:GetSecretValue"],
                    vec![webhook_secret],
                ),
            ],
            code_bucket: bucket.r#ref(),
            code_key: receipt_key.r#ref(),
            log_retention_days: cfg.logs.retention_days,
            tags: tags.clone(),
        },
    );
    t.suppress(&receipt.function, "CKV_AWS_116", "Invoked synchronously by API Gateway; a failure is a 5xx that HubSpot retries, so there is no async event to dead-letter.");

    // SSE-S3 (S3-managed keys): public access is blocked, ACLs are off, TLS is enforced and only the processor role
    // may write (shadow/* only); a customer key would add cost and a key policy for no additional reader control.
    let shadow = private_bucket(
        &mut t,
        &BucketProps {
            id: "ShadowRecords".to_owned(),
            expire_days: SHADOW_RECORDS_EXPIRE_DAYS,
            // Records are written once under unique keys (time + message id) and expire; versions would only keep
            // copies of what is never overwritten.
            versioned: false,
            tags: tags.clone(),
        },
    );
    t.suppress(&shadow, "CKV_AWS_21", "Shadow records are written once under unique keys (time and message id) and expire after 90 days; nothing is overwritten, so versions would only keep copies.");
    t.suppress(&shadow, "CKV_AWS_18", "Only the processor writes here (shadow/* PutObject); the records themselves are the audit trail of shadow mode and access logs would add a second bucket for no reader.");

    let pc_role = partner_central_role_arn(cfg);
    let processor = rust_function(
        &mut t,
        FunctionProps {
            id: "EventProcessor".to_owned(),
            name: n.processor_fn(),
            role_name: n.processor_role(),
            description: "Syncs HubSpot events to AWS Partner Central opportunities".to_owned(),
            memory_mb: f.event_processor.memory_mb,
            timeout_seconds: f.event_processor.timeout_seconds,
            reserved_concurrency: f.event_processor.reserved_concurrency,
            env: BTreeMap::from([
                ("HUBSPOT_ACCESS_TOKEN_SECRET_ARN".to_owned(), token_secret.clone()),
                (METRICS_NAMESPACE.to_owned(), Expr::lit(n.metrics_namespace())),
                (
                    "HUBSPOT_API_BASE_URL".to_owned(),
                    Expr::lit(cfg.hubspot.api_base_url.clone()),
                ),
                (
                    "PARTNER_CENTRAL_CATALOG".to_owned(),
                    Expr::lit(cfg.partner_central.catalog.as_str()),
                ),
                (
                    "PARTNER_CENTRAL_EXTERNAL_ID".to_owned(),
                    Expr::lit(cfg.partner_central.external_id.clone()),
                ),
                ("PARTNER_CENTRAL_ROLE_ARN".to_owned(), pc_role.clone()),
                // Lets a poison record stop holding its message group on its last delivery, so healthy records of
                // that group are not dragged into the DLQ with it (event-processor README, "poison rule").
                (
                    "SYNC_QUEUE_MAX_RECEIVE_COUNT".to_owned(),
                    Expr::lit(cfg.queue.max_receive_count.to_string()),
                ),
                // Mode, canary, app id, solutions, property names and mapping (COMMON's SYNC_SETTINGS contract).
                (SYNC_SETTINGS.to_owned(), Expr::lit(sync_settings_json(&cfg.sync))),
                // Set in every mode, so switching to shadow is a SYNC_SETTINGS change only.
                (SHADOW_RECORDS_BUCKET.to_owned(), shadow.name()),
            ]),
            statements: vec![
                Statement::allow(
                    "ReadHubSpotToken",
                    &["secretsmanager:GetSecretValue"],
                    vec![token_secret],
                ),
                Statement::allow("AssumePartnerCentralRole", &["sts:AssumeRole"], vec![pc_role]),
                Statement::allow(
                    "WriteShadowRecords",
                    &["s3:PutObject"],
                    vec![shadow.objects_arn(&format!("{SHADOW_RECORDS_PREFIX}*"))],
                ),
            ],
            code_bucket: bucket.r#ref(),
            code_key: processor_key.r#ref(),
            log_retention_days: cfg.logs.retention_days,
            tags: tags.clone(),
        },
    );
    t.suppress(&processor.function, "CKV_AWS_116", "Invoked by the SQS event source mapping; failed records return to the queue and move to its FIFO DLQ after max_receive_count receives.");
    sqs_consumer(
        &mut t,
        &ConsumerProps {
            id: "EventProcessorSqsSource".to_owned(),
            batch_size: cfg.queue.batch_size,
            batching_window_seconds: None,
            maximum_concurrency: cfg.queue.maximum_concurrency,
        },
        &q,
        &processor,
    );

    let api = lambda_route_api(
        &mut t,
        &ApiProps {
            id: "WebhookApi".to_owned(),
            name: n.api(),
            description: format!("HubSpot webhook endpoint ({env})"),
            path: WEBHOOK_PATH.iter().map(|s| (*s).to_owned()).collect(),
            http_method: "POST",
            stage_name: cfg.api.stage_name.clone(),
            rate_limit: cfg.api.throttling_rate_limit,
            burst_limit: cfg.api.throttling_burst_limit,
            access_log_group: n.api_access_logs(),
            log_retention_days: cfg.logs.retention_days,
            access_log_format: ACCESS_LOG_FORMAT.to_owned(),
            tags: tags.clone(),
        },
        &receipt,
    );
    let public_url = cfg
        .api
        .custom_webhook_url
        .clone()
        .map(Expr::Lit)
        .unwrap_or_else(|| api.url.clone());
    set_env(&mut t, &receipt.function, "WEBHOOK_PUBLIC_URL", public_url.clone());

    let topic = t.add(
        "AlarmTopic",
        Topic {
            display_name: format!("HubSpot sync alarms ({env})"),
            tags: tags.clone(),
            topic_name: n.topic(),
        },
    );
    t.suppress(&topic, "CKV_AWS_26", "CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key; notifications carry alarm state only.");
    let sub = t.add(
        "AlarmEmailSubscription",
        Subscription {
            endpoint: email.r#ref(),
            protocol: "email",
            topic_arn: topic.arn(),
        },
    );
    t.set_condition(&sub, &has_email);

    alarms::add_alarms(&mut t, cfg, &q, &receipt, &processor, &topic);

    let out = |t: &mut Template, id: &str, d: &str, v: Expr| t.output(id, d, v, Some(n.export(id)));
    out(
        &mut t,
        "WebhookUrl",
        "The URL HubSpot calls (the webhook target of the HubSpot app)",
        public_url,
    );
    out(&mut t, "SyncQueueUrl", "FIFO queue URL", q.queue.url());
    out(&mut t, "SyncQueueName", "FIFO queue name", q.queue.name());
    out(&mut t, "SyncDlqUrl", "FIFO dead-letter queue URL", q.dlq.url());
    out(&mut t, "SyncDlqName", "FIFO dead-letter queue name", q.dlq.name());
    out(&mut t, "SyncDlqArn", "FIFO dead-letter queue ARN", q.dlq.arn());
    out(
        &mut t,
        "WebhookReceiptFunctionArn",
        "Webhook receipt function ARN",
        receipt.function.arn(),
    );
    out(
        &mut t,
        "WebhookReceiptFunctionName",
        "Webhook receipt function name",
        receipt.function.name(),
    );
    out(
        &mut t,
        "WebhookReceiptLogGroupName",
        "Webhook receipt log group",
        receipt.log_group.name(),
    );
    out(
        &mut t,
        "EventProcessorFunctionArn",
        "Event processor function ARN",
        processor.function.arn(),
    );
    out(
        &mut t,
        "EventProcessorFunctionName",
        "Event processor function name",
        processor.function.name(),
    );
    out(
        &mut t,
        "EventProcessorLogGroupName",
        "Event processor log group",
        processor.log_group.name(),
    );
    out(
        &mut t,
        "EventProcessorRoleArn",
        "Processor role ARN (ProcessorRoleArn of partner-central-access)",
        processor.role.arn(),
    );
    out(
        &mut t,
        "ShadowRecordsBucketName",
        "Bucket of the shadow records (shadow/{portal}/{deal}/...; processor SHADOW_RECORDS_BUCKET)",
        shadow.name(),
    );
    out(&mut t, "AlarmTopicArn", "Alarm topic ARN", topic.arn());
    out(&mut t, "WebhookApiId", "REST API id", api.api.api_id());
    out(
        &mut t,
        "WebhookApiName",
        "REST API name (ApiName metric dimension)",
        Expr::lit(n.api()),
    );
    out(
        &mut t,
        "WebhookApiStageName",
        "Stage name (Stage metric dimension)",
        api.stage.r#ref(),
    );
    out(
        &mut t,
        "WebhookApiAccessLogGroup",
        "API access log group",
        api.access_logs.name(),
    );
    t
}
