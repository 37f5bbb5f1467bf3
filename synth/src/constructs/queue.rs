//! A queue with its dead-letter queue: SSE-SQS, TLS-only queue policies on both, redrive and redrive-allow
//! policies. Rules: `fifo-name` (FIFO iff the name ends in `.fifo`), `fifo-dlq` (a FIFO source needs a FIFO DLQ),
//! and the SQS value ranges (`queue-range`).

use crate::cfn::expr::Expr;
use crate::cfn::resources::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::resources::sqs::{Queue, QueuePolicy, RedriveAllowPolicy, RedrivePolicy};
use crate::cfn::resources::{Tag, tags};
use crate::cfn::{Handle, Template};

/// Name and type of one queue.
#[derive(Debug, Clone)]
pub struct QueueSpec {
    /// Physical name.
    pub name: String,
    /// FIFO queue.
    pub fifo: bool,
}

/// Inputs of [`queue_with_dlq`].
#[derive(Debug, Clone)]
pub struct QueueProps {
    /// Logical id of the source queue; the DLQ gets `<id>Dlq`, the policies `<id>Policy` / `<id>DlqPolicy`.
    pub id: String,
    /// The source queue.
    pub queue: QueueSpec,
    /// The dead-letter queue.
    pub dlq: QueueSpec,
    /// Retention of both queues, seconds.
    pub retention_seconds: u32,
    /// Long-polling wait, seconds.
    pub receive_wait_seconds: u32,
    /// Visibility timeout of the source queue, seconds.
    pub visibility_timeout_seconds: u32,
    /// Receives before moving to the DLQ.
    pub max_receive_count: u32,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// What [`queue_with_dlq`] created.
#[derive(Debug, Clone)]
pub struct QueuePair {
    /// Source queue.
    pub queue: Handle<Queue>,
    /// Dead-letter queue.
    pub dlq: Handle<Queue>,
    /// Visibility timeout of the source queue.
    pub visibility_timeout_seconds: u32,
    /// Whether the source is FIFO.
    pub fifo: bool,
}

fn check_spec(t: &mut Template, id: &str, spec: &QueueSpec) {
    let ends = spec.name.ends_with(".fifo");
    if spec.fifo && !ends {
        t.violation(
            id,
            "fifo-name",
            format!("FIFO queue name {:?} must end in .fifo", spec.name),
        );
    } else if !spec.fifo && ends {
        t.violation(
            id,
            "fifo-name",
            format!("standard queue name {:?} must not end in .fifo", spec.name),
        );
    }
    let stem = spec.name.strip_suffix(".fifo").unwrap_or(&spec.name);
    if stem.is_empty()
        || spec.name.len() > 80
        || !stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        t.violation(
            id,
            "queue-name",
            format!("{:?} must be 1..=80 of [A-Za-z0-9_-] (plus .fifo)", spec.name),
        );
    }
}

fn range(t: &mut Template, id: &str, what: &str, v: u32, lo: u32, hi: u32) {
    if !(lo..=hi).contains(&v) {
        t.violation(id, "queue-range", format!("{what} {v} is outside {lo}..={hi}"));
    }
}

fn tls_only(t: &mut Template, id: &str, q: &Handle<Queue>) {
    let deny = Statement::allow("DenyInsecureTransport", &["sqs:*"], vec![q.arn()])
        .deny()
        .principal(Principal::Any)
        .when("Bool", "aws:SecureTransport", Expr::lit("false"));
    t.add(
        id,
        QueuePolicy {
            policy_document: PolicyDocument::new(vec![deny]),
            queues: vec![q.url()],
        },
    );
}

fn base(spec: &QueueSpec, p: &QueueProps) -> Queue {
    Queue {
        fifo_queue: spec.fifo.then_some(true),
        message_retention_period: Some(p.retention_seconds.into()),
        queue_name: Some(spec.name.clone()),
        sqs_managed_sse_enabled: Some(true),
        tags: p.tags.clone(),
        ..Queue::default()
    }
}

/// Creates the queue, its DLQ and TLS-only policies for both.
pub fn queue_with_dlq(t: &mut Template, p: &QueueProps) -> QueuePair {
    let dlq_id = format!("{}Dlq", p.id);
    check_spec(t, &p.id, &p.queue);
    check_spec(t, &dlq_id, &p.dlq);
    if p.queue.fifo && !p.dlq.fifo {
        t.violation(
            &p.id,
            "fifo-dlq",
            format!(
                "FIFO queue {:?} needs a FIFO dead-letter queue, got {:?}",
                p.queue.name, p.dlq.name
            ),
        );
    }
    range(t, &p.id, "MessageRetentionPeriod", p.retention_seconds, 60, 1_209_600);
    range(t, &p.id, "ReceiveMessageWaitTimeSeconds", p.receive_wait_seconds, 0, 20);
    range(t, &p.id, "VisibilityTimeout", p.visibility_timeout_seconds, 0, 43_200);
    range(t, &p.id, "maxReceiveCount", p.max_receive_count, 1, 1000);

    // The DLQ allows only the source queue, named (not referenced) so the two queues do not form a cycle.
    let source_arn = Expr::sub(format!(
        "arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{}",
        p.queue.name
    ));
    let dlq = t.add(
        &dlq_id,
        Queue {
            redrive_allow_policy: Some(RedriveAllowPolicy {
                redrive_permission: "byQueue",
                source_queue_arns: vec![source_arn],
            }),
            ..base(&p.dlq, p)
        },
    );
    let queue = t.add(
        &p.id,
        Queue {
            receive_message_wait_time_seconds: Some(p.receive_wait_seconds.into()),
            redrive_policy: Some(RedrivePolicy {
                dead_letter_target_arn: dlq.arn(),
                max_receive_count: p.max_receive_count,
            }),
            visibility_timeout: Some(p.visibility_timeout_seconds.into()),
            ..base(&p.queue, p)
        },
    );
    for q in [&queue, &dlq] {
        t.suppress(
            q,
            "CKV_AWS_27",
            "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled: true); the check only recognises KMS keys.",
        );
    }
    tls_only(t, &format!("{}Policy", p.id), &queue);
    tls_only(t, &format!("{dlq_id}Policy"), &dlq);
    QueuePair {
        queue,
        dlq,
        visibility_timeout_seconds: p.visibility_timeout_seconds,
        fifo: p.queue.fifo,
    }
}

/// Standard tags for an environment.
pub fn std_tags(env: &str, component: &str) -> Vec<Tag> {
    tags(&[
        ("Application", "hubspot-partner-central-sync"),
        ("Component", component),
        ("Environment", env),
    ])
}
