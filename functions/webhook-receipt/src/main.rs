//! Binary entry point of the webhook-receipt Lambda; all logic lives in the library (`webhook_receipt::runtime`).
//! A current-thread runtime: one request at a time per Lambda instance, the enqueue concurrency is I/O only, and
//! no worker threads are started (faster cold start, lower RSS).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    webhook_receipt::runtime::run().await
}
