//! `event-processor` Lambda binary: reads the configuration, builds the clients once (cold start), then serves SQS
//! FIFO batches with partial-batch responses. All logic lives in the library. A configuration or cold-start error
//! is printed on stderr (naming the variable or secret) and exits non-zero, which Lambda reports as an init failure.

use std::process::ExitCode;
use std::sync::Arc;

use event_processor::config::Config;
use event_processor::runtime::{cold_start, init_logging};
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("event-processor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = match cold_start(config).await {
        Ok(app) => Arc::new(app),
        Err(e) => {
            eprintln!("event-processor: cold start failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        let app = app.clone();
        async move { app.handle(event).await }
    }))
    .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("event-processor: runtime error: {e}");
            ExitCode::FAILURE
        }
    }
}
