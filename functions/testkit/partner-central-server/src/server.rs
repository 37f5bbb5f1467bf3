//! The HTTP front: `POST /` with `X-Amz-Target: AWSPartnerCentralSelling.<Op>`. Order of checks per request:
//! target/operation, Content-Type, Authorization present, JSON body, (log), injected faults, write-rate limit, model
//! validation of the input, the operation, and finally model validation of the server's own output (a failure there
//! is a bug in this server and is answered as InternalServerException so tests notice).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use crate::errors::ApiError;
use crate::model::Model;
use crate::ops;
use crate::state::{FaultKind, RecordedRequest, State, is_write};
use crate::validate::validate;

/// Shared between the HTTP handler and the test controls.
#[derive(Debug)]
pub struct Shared {
    pub model: Arc<Model>,
    pub state: Mutex<State>,
}

impl Shared {
    /// Lock the state, recovering from a poisoned lock (a panicking test thread must not wedge the server).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The axum router for the service.
pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().route("/", post(handle)).with_state(shared)
}

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let latency = shared.lock().latency;
    if let Some(delay) = latency {
        tokio::time::sleep(delay).await;
    }
    let target = header_str(&headers, "x-amz-target").unwrap_or_default();
    let prefix = format!("{}.", shared.model.target_prefix);
    let operation = target.strip_prefix(&prefix).unwrap_or("").to_string();
    let parsed: Option<Value> = if body.is_empty() {
        Some(Value::Object(Default::default()))
    } else {
        serde_json::from_slice(&body).ok()
    };
    let result = process(&shared, &headers, &operation, parsed.as_ref());
    let (status, error_type, response) = match result {
        Ok(v) => (StatusCode::OK, None, v),
        Err(e) => {
            tracing::debug!(operation, error = e.type_name(), message = %e.message(), "partner-central-server error");
            (e.status(), Some(e.type_name().to_string()), e.body())
        }
    };
    shared.lock().log.push(RecordedRequest {
        operation,
        body: parsed.unwrap_or(Value::Null),
        status: status.as_u16(),
        error_type: error_type.clone(),
        authorization: header_str(&headers, "authorization"),
        security_token: header_str(&headers, "x-amz-security-token"),
        received_at: Instant::now(),
    });
    let mut resp = (status, response.to_string()).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Some(t) = error_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
        resp.headers_mut().insert("x-amzn-errortype", t);
    }
    resp
}

fn process(shared: &Shared, headers: &HeaderMap, operation: &str, body: Option<&Value>) -> Result<Value, ApiError> {
    let model = &shared.model;
    let Some(op) = model.operations.get(operation) else {
        return Err(ApiError::UnknownOperation(format!(
            "Unknown operation in X-Amz-Target: {operation:?}"
        )));
    };
    let content_type = header_str(headers, "content-type").unwrap_or_default();
    if !content_type.starts_with(CONTENT_TYPE) {
        return Err(ApiError::Serialization(format!(
            "Content-Type must be {CONTENT_TYPE}, got {content_type:?}"
        )));
    }
    if headers.get("authorization").is_none() {
        return Err(ApiError::MissingAuthenticationToken);
    }
    let Some(body) = body else {
        return Err(ApiError::Serialization("Request body is not valid JSON".into()));
    };
    let mut st = shared.lock();
    if let Some(kind) = st.take_fault(operation) {
        match kind {
            FaultKind::Throttling => return Err(ApiError::Throttling("Rate exceeded".into())),
            FaultKind::Internal => return Err(ApiError::Internal("Injected internal server error".into())),
            FaultKind::Unavailable => return Err(ApiError::ServiceUnavailable("Service Unavailable".into())),
            FaultKind::AccessDenied => {
                return Err(ApiError::AccessDenied(format!(
                    "User is not authorized to perform: partnercentral:{operation}"
                )));
            }
            FaultKind::ConcurrentModification => {
                let id = ["Identifier", "OpportunityIdentifier"]
                    .iter()
                    .find_map(|k| body.get(*k).and_then(Value::as_str))
                    .unwrap_or("");
                st.touch(id);
            }
        }
    }
    if is_write(operation)
        && let Some(interval) = st.write_interval
    {
        let now = Instant::now();
        if st.last_write.is_some_and(|last| now.duration_since(last) < interval) {
            return Err(ApiError::Throttling("Rate exceeded".into()));
        }
        st.last_write = Some(now);
    }
    if !is_write(operation) && !st.admit_read(Instant::now()) {
        return Err(ApiError::Throttling("Rate exceeded".into()));
    }
    if let Some(input) = &op.input {
        let errors = validate(model, input, body);
        if !errors.is_empty() {
            return Err(ApiError::request_validation(errors));
        }
    }
    let out = ops::dispatch(&mut st, model, operation, body)?;
    if let Some(output) = &op.output {
        let errors = validate(model, output, &out);
        if !errors.is_empty() {
            let detail = errors
                .iter()
                .map(|e| format!("{}: {}", e.field_name, e.message))
                .collect::<Vec<_>>();
            tracing::error!(
                operation,
                ?detail,
                "partner-central-server produced an invalid response"
            );
            return Err(ApiError::Internal(format!(
                "local server produced an invalid {output}: {}",
                detail.join("; ")
            )));
        }
    }
    Ok(out)
}

/// Bind 127.0.0.1:`port` (0 = any free port) and serve until `shutdown` resolves.
pub async fn serve(
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(shared);
    let task = tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(shutdown).await });
    Ok((local, task))
}
