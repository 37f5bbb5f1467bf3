//! `event-processor` Lambda binary: reads the configuration, builds the clients once (cold start), then serves SQS
//! FIFO batches with partial-batch responses. All logic lives in the library.

use std::sync::Arc;

use event_processor::config::Config;
use event_processor::runtime::{cold_start, init_logging};
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_logging();
    let config = Config::from_env().map_err(|e| {
        eprintln!("event-processor: {e}");
        e
    })?;
    let app = Arc::new(cold_start(config).await.map_err(|e| {
        eprintln!("event-processor: cold start failed: {e}");
        e
    })?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        let app = app.clone();
        async move { app.handle(event).await }
    }))
    .await
}
