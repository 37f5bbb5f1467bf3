//! A tiny `lambda_runtime` function for the harness's own tests: answers `{"echo": <event>, "requestId", "functionArn",
//! "deadlineMs"}`, or fails the invocation when the event has `"fail": true`.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    if event.payload["fail"] == json!(true) {
        return Err("asked to fail".into());
    }
    Ok(json!({
        "echo": event.payload,
        "requestId": event.context.request_id,
        "functionArn": event.context.invoked_function_arn,
        "deadlineMs": event.context.deadline,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(handle)).await
}
