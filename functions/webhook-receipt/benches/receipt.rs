//! CPU time of the request path without I/O: verify the v3 signature, parse, filter and plan the SendMessageBatch
//! batches of a signed 100-event webhook (target <= 100 us). Also reports the batch (= SQS request) count.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use sync_events::WebhookVerifier;
use webhook_receipt::config::{Config, SignatureMode};
use webhook_receipt::intake::{Auth, intake};
use webhook_receipt::sample::{deal_events_body, signed_request};

const SECRET: &str = "bench-client-secret-0000";
const URL: &str = "https://hooks.example.com/async/webhook";
const NOW: i64 = 1_790_000_000_000;

fn bench(c: &mut Criterion) {
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
    c.bench_function("intake_100_events_verify_parse_batch", |b| {
        b.iter(|| intake(black_box(&config), &auth, black_box(&req), "bench", NOW))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
