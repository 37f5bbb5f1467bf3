//! CPU time of the request path without I/O: verify the v3 signature, parse, filter and plan the SendMessageBatch
//! batches of a signed 100-event webhook (target <= 100 us), in wall time (`wall`) and in thread CPU time
//! (ids prefixed `cpu_`). Also reports the batch (= SQS request) count. Breakdown: `part_verify_*` (HMAC),
//! `part_parse_to_sqs_messages_*` (the intake's fused parse + message building), and for comparison the owned path
//! `part_parse_*` (into `SyncEvent`s) + `part_sqs_messages_*` (`SyncEvent::to_sqs_message`).

#[path = "support/cpu_time.rs"]
mod cpu_time;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use sync_events::{SignatureHeaders, SyncEvent, WebhookVerifier, parse_webhook, webhook_sqs_messages};
use webhook_receipt::config::{Config, SignatureMode};
use webhook_receipt::intake::{Auth, intake};
use webhook_receipt::sample::{deal_events_body, signed_request};

const SECRET: &str = "bench-client-secret-0000";
const URL: &str = "https://hooks.example.com/async/webhook";
const NOW: i64 = 1_790_000_000_000;

fn run<M: criterion::measurement::Measurement + 'static>(c: &mut Criterion<M>, prefix: &str) {
    let config = Config {
        queue_url: "http://127.0.0.1:1/000000000000/q.fifo".into(),
        signature: SignatureMode::Verify {
            secret_arn: "arn".into(),
            public_url: URL.into(),
        },
        portal_ids: Some([62515].into()),
    };
    let Ok(verifier) = WebhookVerifier::new(SECRET, URL) else {
        return;
    };
    let auth = Auth::Verify(verifier);
    let body = deal_events_body(100, 40, 62515, 0);
    let req = signed_request(&body, SECRET, URL, NOW, "bench");
    match intake(&config, &auth, &req, "bench", NOW) {
        Ok(a) => eprintln!(
            "100-event webhook: {} bytes, {} SendMessageBatch requests",
            body.len(),
            a.batches.len()
        ),
        Err(e) => eprintln!("bench setup failed: {e}"),
    }
    c.bench_function(&format!("{prefix}intake_100_events_verify_parse_batch"), |b| {
        b.iter(|| intake(black_box(&config), &auth, black_box(&req), "bench", NOW))
    });
    // Breakdown of the same work.
    let Ok(verifier) = WebhookVerifier::new(SECRET, URL) else {
        return;
    };
    let headers = SignatureHeaders::from_lookup(|name| webhook_receipt::intake::header(&req, name));
    c.bench_function(&format!("{prefix}part_verify_v3_100_events"), |b| {
        b.iter(|| verifier.verify("POST", black_box(body.as_bytes()), &headers, NOW))
    });
    c.bench_function(&format!("{prefix}part_parse_100_events"), |b| {
        b.iter(|| parse_webhook(black_box(body.as_bytes()), "bench"))
    });
    c.bench_function(&format!("{prefix}part_parse_to_sqs_messages_100_events"), |b| {
        b.iter(|| webhook_sqs_messages(black_box(body.as_bytes()), "bench", |kind, _| kind.is_handled()))
    });
    let Ok(events) = parse_webhook(body.as_bytes(), "bench") else {
        return;
    };
    c.bench_function(&format!("{prefix}part_sqs_messages_100_events"), |b| {
        b.iter(|| {
            black_box(&events)
                .iter()
                .map(SyncEvent::to_sqs_message)
                .collect::<Vec<_>>()
        })
    });
}

criterion_group! {
    name = wall;
    config = Criterion::default();
    targets = bench
}
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(cpu_time::ThreadCpuTime);
    targets = bench_cpu
}

/// The same benchmarks measured in thread CPU time (the metric; robust to a loaded machine).
fn bench_cpu(c: &mut Criterion<cpu_time::ThreadCpuTime>) {
    run(c, "cpu_");
}

/// Wall-clock time.
fn bench(c: &mut Criterion) {
    run(c, "");
}
criterion_main!(wall, cpu);
