//! End-to-end latency of a signed 100-event webhook through `Receipt::handle` against a fixed-latency SQS endpoint
//! (`FAKE_SQS_LATENCY_MS`, default 10 ms per SendMessageBatch), for three group layouts: 100 independent deals,
//! 40 deals (batches chained by shared groups) and one deal (fully sequential). Prints SQS requests per webhook.

#[path = "support/fake_sqs.rs"]
mod fake_sqs;

use std::sync::atomic::Ordering;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sync_events::WebhookVerifier;
use webhook_receipt::Receipt;
use webhook_receipt::config::{Config, SignatureMode};
use webhook_receipt::intake::Auth;
use webhook_receipt::runtime::sqs_client;
use webhook_receipt::sample::{deal_events_body, signed_request};

const SECRET: &str = "bench-client-secret-0000";
const URL: &str = "https://hooks.example.com/async/webhook";

fn bench(c: &mut Criterion) {
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    let latency_ms: u64 = std::env::var("FAKE_SQS_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (endpoint, stats) = rt.block_on(fake_sqs::start(Duration::from_millis(latency_ms)));
    let sdk = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sqs::config::Credentials::new("a", "b", None, None, "bench"))
            .load(),
    );
    let config = Config {
        queue_url: format!("{endpoint}/123456789012/sync.fifo"),
        signature: SignatureMode::Verify {
            secret_arn: "arn".into(),
            public_url: URL.into(),
        },
        portal_ids: None,
    };
    let Ok(verifier) = WebhookVerifier::new(SECRET, URL) else {
        return;
    };
    let receipt = Receipt::new(config, Auth::Verify(verifier), sqs_client(&sdk));
    let mut group = c.benchmark_group(format!("webhook_100_events_sqs_{latency_ms}ms"));
    group.sample_size(20);
    for objects in [100, 40, 1] {
        let body = deal_events_body(100, objects, 62515, 0);
        let before = stats.requests.load(Ordering::Relaxed);
        let now = 1_790_000_000_000;
        let out = rt.block_on(receipt.handle(&signed_request(&body, SECRET, URL, now, "probe"), now));
        let requests = stats.requests.load(Ordering::Relaxed) - before;
        eprintln!(
            "{objects} deals: status {}, {} SQS requests per 100-event webhook",
            out.status, requests
        );
        group.bench_function(format!("{objects}_deals"), |b| {
            b.iter(|| rt.block_on(receipt.handle(&signed_request(&body, SECRET, URL, now, "bench"), now)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
