//! A local stand-in for the REST API in front of the receipt: `POST /async/webhook` on 127.0.0.1 is converted to
//! the API Gateway proxy event exactly as API Gateway builds it (resource, path, headers and multi-value headers,
//! query parameters, request context with a request id, UTF-8 body as text, anything else base64 with
//! `isBase64Encoded`), passed to the receipt's handler, and the proxy response is mapped back (status, headers,
//! text or base64 body). Other paths and methods get API Gateway's 403 `Missing Authentication Token`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body as LambdaBody;
use aws_lambda_events::query_map::QueryMap;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use webhook_receipt::Receipt;

use crate::progress::{Progress, Sink};

/// The webhook resource path.
pub const WEBHOOK_PATH: &str = "/async/webhook";
/// The stage name put in the request context.
pub const STAGE: &str = "local";
/// API Gateway's payload limit (10 MB).
pub const PAYLOAD_LIMIT: usize = 10 * 1024 * 1024;

struct GatewayState {
    receipt: Receipt,
    sink: Sink,
    counter: AtomicU64,
}

/// A running local API Gateway; stops when dropped.
#[derive(Debug)]
pub struct Gateway {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Gateway {
    /// Serves `receipt` on an already bound listener (bind first: the receipt's public URL contains the port).
    pub fn serve(listener: tokio::net::TcpListener, receipt: Receipt, sink: Sink) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let state = Arc::new(GatewayState {
            receipt,
            sink,
            counter: AtomicU64::new(0),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .layer(DefaultBodyLimit::max(PAYLOAD_LIMIT))
            .with_state(state)
            .into_make_service_with_connect_info::<SocketAddr>();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                tracing::error!(%error, "local API gateway stopped");
            }
        });
        Ok(Self {
            addr,
            shutdown: Some(tx),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>/async/webhook`: the URL to post webhooks to (and to sign).
    pub fn webhook_url(&self) -> String {
        format!("http://{}{WEBHOOK_PATH}", self.addr)
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A request id shaped like API Gateway's (a UUID), unique per process.
fn request_id(counter: u64) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let pid = u64::from(std::process::id());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (nanos >> 32) as u32,
        (nanos >> 16) as u16,
        pid & 0xfff,
        (counter >> 48) & 0xfff,
        counter & 0xffff_ffff_ffff
    )
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// API Gateway's query maps: single-value (last value wins) and multi-value.
fn query_maps(uri: &Uri) -> (QueryMap, QueryMap) {
    let mut multi: HashMap<String, Vec<String>> = HashMap::new();
    for pair in uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        multi.entry(percent_decode(k)).or_default().push(percent_decode(v));
    }
    let single: HashMap<String, String> = multi
        .iter()
        .filter_map(|(k, v)| v.last().map(|last| (k.clone(), last.clone())))
        .collect();
    (QueryMap::from(single), QueryMap::from(multi))
}

/// Builds the proxy event API Gateway would send for this request.
pub fn to_proxy_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    source_ip: &str,
    request_id: &str,
    now_ms: i64,
) -> ApiGatewayProxyRequest {
    let mut req = ApiGatewayProxyRequest::default();
    req.resource = Some(WEBHOOK_PATH.to_owned());
    req.path = Some(uri.path().to_owned());
    req.http_method = method.clone();
    // API Gateway passes the last value of a repeated header in `headers` and all of them in `multiValueHeaders`.
    for name in headers.keys() {
        let mut last = None;
        for value in headers.get_all(name) {
            req.multi_value_headers.append(name.clone(), value.clone());
            last = Some(value.clone());
        }
        if let Some(v) = last {
            req.headers.insert(name.clone(), v);
        }
    }
    if !req.headers.contains_key("x-forwarded-for")
        && let Ok(v) = HeaderValue::from_str(source_ip)
    {
        req.headers.insert("x-forwarded-for", v.clone());
        req.multi_value_headers.insert("x-forwarded-for", v);
    }
    let (single, multi) = query_maps(uri);
    req.query_string_parameters = single;
    req.multi_value_query_string_parameters = multi;
    match std::str::from_utf8(body) {
        _ if body.is_empty() => req.body = None,
        Ok(text) => req.body = Some(text.to_owned()),
        Err(_) => {
            req.body = Some(base64::engine::general_purpose::STANDARD.encode(body));
            req.is_base64_encoded = true;
        }
    }
    let ctx = &mut req.request_context;
    ctx.account_id = Some("123456789012".to_owned());
    ctx.resource_id = Some("local".to_owned());
    ctx.stage = Some(STAGE.to_owned());
    ctx.domain_name = headers.get("host").and_then(|h| h.to_str().ok()).map(str::to_owned);
    ctx.domain_prefix = Some("local".to_owned());
    ctx.request_id = Some(request_id.to_owned());
    ctx.protocol = Some("HTTP/1.1".to_owned());
    ctx.identity.source_ip = Some(source_ip.to_owned());
    ctx.identity.user_agent = headers
        .get("user-agent")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    ctx.resource_path = Some(WEBHOOK_PATH.to_owned());
    ctx.path = Some(format!("/{STAGE}{}", uri.path()));
    ctx.http_method = method.clone();
    ctx.request_time_epoch = now_ms;
    ctx.apiid = Some("local".to_owned());
    req
}

/// Maps the function's proxy response to HTTP; a malformed one is API Gateway's 502.
pub fn from_proxy_response(resp: ApiGatewayProxyResponse, request_id: &str) -> Response {
    let status = u16::try_from(resp.status_code)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok());
    let Some(status) = status else {
        return gateway_error(StatusCode::BAD_GATEWAY, "Internal server error", request_id);
    };
    let body = match resp.body {
        None | Some(LambdaBody::Empty) => Vec::new(),
        Some(LambdaBody::Text(t)) if resp.is_base64_encoded => {
            match base64::engine::general_purpose::STANDARD.decode(t.as_bytes()) {
                Ok(bytes) => bytes,
                Err(_) => return gateway_error(StatusCode::BAD_GATEWAY, "Internal server error", request_id),
            }
        }
        Some(LambdaBody::Text(t)) => t.into_bytes(),
        Some(LambdaBody::Binary(b)) => b,
        Some(_) => Vec::new(),
    };
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = status;
    for (name, value) in resp.multi_value_headers.iter() {
        out.headers_mut().append(name.clone(), value.clone());
    }
    for (name, value) in resp.headers.iter() {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        out.headers_mut().insert("x-amzn-requestid", v);
    }
    out
}

fn gateway_error(status: StatusCode, message: &str, request_id: &str) -> Response {
    let mut resp = (
        status,
        [("content-type", "application/json")],
        serde_json::json!({ "message": message }).to_string(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-amzn-requestid", v);
    }
    resp
}

async fn handle(
    State(state): State<Arc<GatewayState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response {
    let n = state.counter.fetch_add(1, Ordering::Relaxed);
    let id = request_id(n);
    let (parts, body) = request.into_parts();
    if parts.uri.path() != WEBHOOK_PATH || parts.method != Method::POST {
        return gateway_error(StatusCode::FORBIDDEN, "Missing Authentication Token", &id);
    }
    let body: Bytes = match axum::body::to_bytes(body, PAYLOAD_LIMIT).await {
        Ok(b) => b,
        Err(_) => return gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long", &id),
    };
    state.sink.emit(Progress::WebhookReceived {
        request_id: id.clone(),
        bytes: body.len(),
    });
    let now = now_ms();
    let event = to_proxy_request(
        &parts.method,
        &parts.uri,
        &parts.headers,
        &body,
        &peer.ip().to_string(),
        &id,
        now,
    );
    let outcome = state.receipt.handle(&event, now).await;
    state.sink.emit(Progress::Webhook {
        request_id: id.clone(),
        status: outcome.status,
        received: outcome.metrics.received,
        enqueued: outcome.metrics.enqueued,
        ignored: outcome.metrics.ignored,
    });
    from_proxy_response(outcome.response, &id)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn proxy_event_has_api_gateway_shape() {
        let uri: Uri = "/async/webhook?a=1&a=2&b=x%20y".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:9"));
        headers.append("x-multi", HeaderValue::from_static("one"));
        headers.append("x-multi", HeaderValue::from_static("two"));
        let req = to_proxy_request(&Method::POST, &uri, &headers, b"[]", "127.0.0.1", "rid", 5);
        assert_eq!(req.body.as_deref(), Some("[]"));
        assert!(!req.is_base64_encoded);
        assert_eq!(req.headers.get("x-multi").unwrap(), "two");
        assert_eq!(req.multi_value_headers.get_all("x-multi").iter().count(), 2);
        assert_eq!(req.query_string_parameters.first("a"), Some("2"));
        assert_eq!(
            req.multi_value_query_string_parameters.all("a").unwrap(),
            vec!["1", "2"]
        );
        assert_eq!(req.query_string_parameters.first("b"), Some("x y"));
        assert_eq!(req.request_context.request_id.as_deref(), Some("rid"));
        assert_eq!(req.request_context.path.as_deref(), Some("/local/async/webhook"));
        assert_eq!(req.request_context.request_time_epoch, 5);
        let binary = to_proxy_request(&Method::POST, &uri, &headers, &[0xff, 0xfe], "127.0.0.1", "rid", 5);
        assert!(binary.is_base64_encoded);
        assert_eq!(binary.body.as_deref(), Some("//4="));
    }

    #[test]
    fn malformed_status_is_a_bad_gateway() {
        let mut resp = ApiGatewayProxyResponse::default();
        resp.status_code = 42;
        assert_eq!(from_proxy_response(resp, "rid").status(), StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn request_ids_are_unique() {
        assert_ne!(request_id(1), request_id(2));
    }
}
