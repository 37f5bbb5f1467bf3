//! A minimal AWS Lambda Runtime API server (the `2018-06-01` interface a custom runtime such as `lambda_runtime`
//! talks to), so tests and benches can exec a Lambda binary locally, feed it events and collect its answers.
//!
//! Routes, as Lambda serves them:
//! - `GET /2018-06-01/runtime/invocation/next`: long-polls until an event is queued, then answers it with the
//!   `Lambda-Runtime-Aws-Request-Id`, `-Deadline-Ms`, `-Invoked-Function-Arn` and `-Trace-Id` headers;
//! - `POST /2018-06-01/runtime/invocation/{id}/response` and `.../error`: complete a delivered invocation
//!   (`202`); an unknown or already completed id gets `400 InvalidRequestID`;
//! - `POST /2018-06-01/runtime/init/error`: records the init failure; pending and later invocations fail with it.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Notify, oneshot};

const API: &str = "/2018-06-01/runtime";

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `POST .../response` with this body.
    Response(Bytes),
    /// `POST .../error` with the `Lambda-Runtime-Function-Error-Type` header and this body.
    Error {
        /// Error type header, if sent.
        error_type: Option<String>,
        /// Error document.
        body: Bytes,
    },
}

/// A completed invocation with its timestamps.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The request id handed to the function.
    pub request_id: String,
    /// Response or error.
    pub outcome: Outcome,
    /// When [`RuntimeApi::invoke`] queued the event.
    pub queued_at: Instant,
    /// When the function received it through `/next`.
    pub delivered_at: Instant,
    /// When the function posted its answer.
    pub completed_at: Instant,
}

/// Errors of the runtime API server.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeApiError {
    /// The listener could not be bound.
    #[error("cannot bind the runtime API listener: {0}")]
    Bind(#[source] std::io::Error),
    /// The function reported an init error.
    #[error("the function failed its init: {0}")]
    InitError(String),
    /// No answer within the timeout.
    #[error("invocation {request_id} got no answer within {timeout:?}")]
    Timeout {
        /// The request id.
        request_id: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The server shut down before the invocation completed.
    #[error("the runtime API server stopped before invocation {0} completed")]
    Stopped(String),
}

struct Queued {
    request_id: String,
    payload: Bytes,
    queued_at: Instant,
    deadline_ms: u128,
}

struct InFlight {
    queued_at: Instant,
    delivered_at: Option<Instant>,
    reply: oneshot::Sender<Invocation>,
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Queued>,
    in_flight: BTreeMap<String, InFlight>,
    first_poll: Option<Instant>,
    polls: u64,
    init_error: Option<String>,
    next_id: u64,
}

struct Shared {
    inner: Mutex<Inner>,
    ready: Notify,
    init_failed: Notify,
    function_arn: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means another handler panicked; the data is still usable for a test server.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running Runtime API server on 127.0.0.1 (stopped when dropped).
pub struct RuntimeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: oneshot::Sender<()>,
}

impl RuntimeApi {
    /// Starts a server on an ephemeral loopback port for function `function_name`.
    pub async fn start(function_name: &str) -> Result<Self, RuntimeApiError> {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            ready: Notify::new(),
            init_failed: Notify::new(),
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function_name}"),
        });
        let app = Router::new()
            .route(&format!("{API}/invocation/next"), get(next))
            .route(&format!("{API}/invocation/{{id}}/response"), post(response))
            .route(&format!("{API}/invocation/{{id}}/error"), post(error))
            .route(&format!("{API}/init/error"), post(init_error))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(RuntimeApiError::Bind)?;
        let addr = listener.local_addr().map_err(RuntimeApiError::Bind)?;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shared,
            _shutdown: tx,
        })
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API` (`127.0.0.1:port`).
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// When the function first polled `/next` (it finished its init then).
    pub fn first_poll(&self) -> Option<Instant> {
        self.shared.lock().first_poll
    }

    /// How many times the function polled `/next`.
    pub fn polls(&self) -> u64 {
        self.shared.lock().polls
    }

    /// The init error document, if the function reported one.
    pub fn init_error(&self) -> Option<String> {
        self.shared.lock().init_error.clone()
    }

    /// Queues `payload` (a JSON document) and waits up to `timeout` for the function's answer.
    pub async fn invoke(&self, payload: impl Into<Bytes>, timeout: Duration) -> Result<Invocation, RuntimeApiError> {
        let (tx, rx) = oneshot::channel();
        // Registered before the init-error check so a concurrent init failure cannot be missed.
        let init_failed = self.shared.init_failed.notified();
        let request_id = {
            let mut inner = self.shared.lock();
            if let Some(e) = &inner.init_error {
                return Err(RuntimeApiError::InitError(e.clone()));
            }
            inner.next_id += 1;
            let request_id = format!("00000000-0000-4000-8000-{:012x}", inner.next_id);
            let queued_at = Instant::now();
            let deadline_ms = epoch_ms() + timeout.as_millis();
            inner.in_flight.insert(
                request_id.clone(),
                InFlight {
                    queued_at,
                    delivered_at: None,
                    reply: tx,
                },
            );
            inner.queue.push_back(Queued {
                request_id: request_id.clone(),
                payload: payload.into(),
                queued_at,
                deadline_ms,
            });
            request_id
        };
        self.shared.ready.notify_one();
        tokio::select! {
            r = tokio::time::timeout(timeout, rx) => match r {
                Ok(Ok(inv)) => Ok(inv),
                Ok(Err(_)) => Err(RuntimeApiError::Stopped(request_id)),
                Err(_) => {
                    self.shared.lock().in_flight.remove(&request_id);
                    Err(RuntimeApiError::Timeout { request_id, timeout })
                }
            },
            () = init_failed => Err(RuntimeApiError::InitError(self.init_error().unwrap_or_default())),
        }
    }
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn invalid_request_id(id: &str) -> Response {
    let body = serde_json::json!({
        "errorMessage": format!("Invalid request ID: {id}"),
        "errorType": "InvalidRequestID",
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, axum::Json(serde_json::json!({"status": "OK"}))).into_response()
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    {
        let mut inner = shared.lock();
        inner.polls += 1;
        inner.first_poll.get_or_insert_with(Instant::now);
    }
    loop {
        let notified = shared.ready.notified();
        let event = {
            let mut inner = shared.lock();
            let event = inner.queue.pop_front();
            if let Some(e) = &event
                && let Some(f) = inner.in_flight.get_mut(&e.request_id)
            {
                f.delivered_at = Some(Instant::now());
            }
            event
        };
        if let Some(event) = event {
            return deliver(&shared, event);
        }
        notified.await;
    }
}

fn deliver(shared: &Shared, event: Queued) -> Response {
    let mut headers = HeaderMap::new();
    let trace = format!(
        "Root=1-{:08x}-{:024x};Parent={:016x};Sampled=0",
        event.deadline_ms / 1000,
        event.queued_at.elapsed().as_nanos(),
        event.deadline_ms
    );
    let pairs = [
        ("lambda-runtime-aws-request-id", event.request_id),
        ("lambda-runtime-deadline-ms", event.deadline_ms.to_string()),
        ("lambda-runtime-invoked-function-arn", shared.function_arn.clone()),
        ("lambda-runtime-trace-id", trace),
        ("content-type", "application/json".to_owned()),
    ];
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    (StatusCode::OK, headers, event.payload).into_response()
}

fn complete(shared: &Shared, id: &str, outcome: Outcome) -> Response {
    let completed_at = Instant::now();
    let mut inner = shared.lock();
    let delivered = inner.in_flight.get(id).is_some_and(|f| f.delivered_at.is_some());
    if !delivered {
        return invalid_request_id(id);
    }
    let Some(flight) = inner.in_flight.remove(id) else {
        return invalid_request_id(id);
    };
    let invocation = Invocation {
        request_id: id.to_owned(),
        outcome,
        queued_at: flight.queued_at,
        delivered_at: flight.delivered_at.unwrap_or(completed_at),
        completed_at,
    };
    // The caller may have timed out and gone; the answer is still accepted, as Lambda would.
    let _ = flight.reply.send(invocation);
    accepted()
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Response {
    complete(&shared, &id, Outcome::Response(body))
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let error_type = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    complete(&shared, &id, Outcome::Error { error_type, body })
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.lock().init_error = Some(String::from_utf8_lossy(&body).into_owned());
    shared.init_failed.notify_waiters();
    accepted()
}
