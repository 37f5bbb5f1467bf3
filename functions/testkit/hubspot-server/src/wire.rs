//! Wire helpers of the local HubSpot server: HubSpot-shaped error responses, rate-limit responses and headers,
//! query-string parsing, and the record of received requests.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::faults::RateLimitPolicy;

static CORRELATION: AtomicU64 = AtomicU64::new(1);

/// A fresh UUID-shaped correlation id.
pub fn correlation_id() -> String {
    let n = CORRELATION.fetch_add(1, Ordering::Relaxed);
    format!("5e1f7c2a-0000-4000-8000-{n:012x}")
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Upper-case method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Raw body as text (empty when none).
    pub body: String,
    /// Whether the bearer token was the expected one (the token itself is never recorded).
    pub authorized: bool,
}

impl RecordedRequest {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// All decoded values of one query parameter, with comma-separated lists split.
    pub fn query_list(&self, name: &str) -> Vec<String> {
        query_list(self.query.as_deref().unwrap_or(""), name)
    }
}

/// Decodes `%XX` escapes and `+` in a query component; invalid escapes are kept verbatim.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match b {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b),
            },
            b'+' => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded values of `name` in a query string (repeated keys and comma lists both accepted, empties dropped).
pub fn query_list(query: &str, name: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(k, _)| percent_decode(k) == name)
        .flat_map(|(_, v)| {
            percent_decode(v)
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The first decoded value of `name`.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| percent_decode(k) == name)
        .map(|(_, v)| percent_decode(v))
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A JSON response.
pub fn json_response(status: u16, body: Value) -> Response {
    (status_code(status), axum::Json(body)).into_response()
}

/// HubSpot's standard error body: `{status, message, correlationId, category[, errors]}`.
pub fn error_response(status: u16, category: &str, message: &str, errors: Option<Value>) -> Response {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": correlation_id(),
        "category": category,
    });
    if let (Some(errors), Some(obj)) = (errors, body.as_object_mut()) {
        obj.insert("errors".into(), errors);
    }
    json_response(status, body)
}

/// 401 for a missing or wrong token.
pub fn unauthorized() -> Response {
    error_response(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more \
         details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        None,
    )
}

/// 404 for an object that does not exist.
pub fn object_not_found(id: &str) -> Response {
    error_response(
        404,
        "OBJECT_NOT_FOUND",
        &format!("Object not found.  objectId are usually numeric. id: {id}"),
        None,
    )
}

/// 404 for a path the server does not serve.
pub fn route_not_found(method: &str, path: &str) -> Response {
    error_response(
        404,
        "NOT_FOUND",
        &format!("Unable to find a route for {method} {path}"),
        None,
    )
}

/// 400 for a body that is not valid JSON.
pub fn malformed_json(detail: &str) -> Response {
    error_response(
        400,
        "VALIDATION_ERROR",
        &format!("Invalid input JSON on line 1, column 1: {detail}"),
        None,
    )
}

/// 400 `VALIDATION_ERROR` in the shape HubSpot uses for bad property values: the per-property results are a JSON
/// array embedded in the message string.
pub fn property_errors(errors: &[(String, &str, String)]) -> Response {
    let items: Vec<Value> = errors
        .iter()
        .map(|(name, code, message)| {
            json!({"isValid": false, "message": message, "error": code, "name": name, "localizedErrorMessage": message})
        })
        .collect();
    let embedded = Value::Array(items).to_string();
    error_response(
        400,
        "VALIDATION_ERROR",
        &format!("Property values were not valid: {embedded}"),
        None,
    )
}

/// A 429 with HubSpot's rate-limit body and headers.
pub fn rate_limited(policy: RateLimitPolicy, retry_after_secs: Option<u64>) -> Response {
    let (policy_name, message, interval_ms) = match policy {
        RateLimitPolicy::TenSecondly => (
            "TEN_SECONDLY_ROLLING",
            "You have reached your ten_secondly_rolling limit.",
            10_000,
        ),
        RateLimitPolicy::Secondly => ("SECONDLY", "You have reached your secondly limit.", 1_000),
        RateLimitPolicy::Daily => ("DAILY", "You have reached your daily limit.", 86_400_000),
    };
    let body = json!({
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": policy_name,
        "groupName": "private-app:12345",
    });
    let mut response = json_response(429, body);
    let daily_remaining = if policy == RateLimitPolicy::Daily {
        "0"
    } else {
        "649812"
    };
    let headers: [(&str, String); 5] = [
        (
            "x-hubspot-ratelimit-max",
            if policy == RateLimitPolicy::Secondly {
                "5"
            } else {
                "190"
            }
            .to_owned(),
        ),
        ("x-hubspot-ratelimit-remaining", "0".to_owned()),
        ("x-hubspot-ratelimit-interval-milliseconds", interval_ms.to_string()),
        ("x-hubspot-ratelimit-daily", "650000".to_owned()),
        ("x-hubspot-ratelimit-daily-remaining", daily_remaining.to_owned()),
    ];
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(HeaderName::from_static(name), value);
        }
    }
    add_retry_after(&mut response, retry_after_secs);
    response
}

/// A status error (5xx, 423, 477) with a HubSpot-style body.
pub fn status_fault(status: u16, retry_after_secs: Option<u64>) -> Response {
    let (category, message) = match status {
        423 => ("LOCKED", "The resource is locked; retry after at least 2 seconds."),
        477 => (
            "MIGRATION_IN_PROGRESS",
            "Your account is being migrated; retry after the Retry-After interval.",
        ),
        s if s >= 500 => ("INTERNAL_ERROR", "internal error"),
        _ => ("INJECTED_FAULT", "injected fault"),
    };
    let mut response = error_response(status, category, message, None);
    add_retry_after(&mut response, retry_after_secs);
    response
}

fn add_retry_after(response: &mut Response, retry_after_secs: Option<u64>) {
    if let Some(secs) = retry_after_secs
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_lists_decode_commas_and_repeats() {
        let q = "properties=dealname%2Camount&properties=closedate&associations=companies,contacts&archived=false";
        assert_eq!(query_list(q, "properties"), ["dealname", "amount", "closedate"]);
        assert_eq!(query_list(q, "associations"), ["companies", "contacts"]);
        assert_eq!(query_value(q, "archived").as_deref(), Some("false"));
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
