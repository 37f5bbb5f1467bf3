//! Binary entry point of the webhook-receipt Lambda; all logic lives in the library (`webhook_receipt::runtime`).

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    webhook_receipt::runtime::run().await
}
