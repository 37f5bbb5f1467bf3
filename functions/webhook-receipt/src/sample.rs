//! Building HubSpot-shaped webhook bodies and signed API Gateway requests, for tests, benches and local tooling.

use aws_lambda_events::apigw::ApiGatewayProxyRequest;
use aws_lambda_events::http::{HeaderValue, Method};
use sync_events::signature::{HEADER_REQUEST_TIMESTAMP, HEADER_SIGNATURE_V3, sign_v3};

/// A body of `n` `deal.propertyChange` events for `portal`, spread over `objects` deals (event `i` concerns deal
/// `1000 + i % objects`), with `attemptNumber` = `attempt`.
pub fn deal_events_body(n: usize, objects: usize, portal: u64, attempt: u32) -> String {
    let events: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"eventId":{},"subscriptionId":7001,"portalId":{portal},"appId":54321,"occurredAt":{},"subscriptionType":"deal.propertyChange","attemptNumber":{attempt},"objectId":{},"propertyName":"dealstage","propertyValue":"stage-{i}","changeSource":"CRM_UI"}}"#,
                5_000 + i,
                1_790_000_000_000_u64 + i as u64,
                1_000 + i % objects.max(1)
            )
        })
        .collect();
    format!("[{}]", events.join(","))
}

/// An API Gateway REST proxy request (POST) with `body`, request id `request_id` and no signature headers.
pub fn request(body: &str, request_id: &str) -> ApiGatewayProxyRequest {
    let mut req = ApiGatewayProxyRequest::default();
    req.http_method = Method::POST;
    req.path = Some("/async/webhook".to_owned());
    req.body = Some(body.to_owned());
    req.request_context.request_id = Some(request_id.to_owned());
    req.headers
        .insert("content-type", HeaderValue::from_static("application/json"));
    req
}

/// [`request`] signed with HubSpot v3 for `public_url` (decoded per HubSpot's table) at `timestamp_ms`.
pub fn signed_request(
    body: &str,
    secret: &str,
    public_url: &str,
    timestamp_ms: i64,
    request_id: &str,
) -> ApiGatewayProxyRequest {
    let mut req = request(body, request_id);
    let ts = timestamp_ms.to_string();
    let uri = sync_events::signature::decode_signed_uri(public_url);
    let sig = sign_v3(secret, "POST", &uri, body.as_bytes(), &ts);
    if let (Ok(sig), Ok(ts)) = (HeaderValue::from_str(&sig), HeaderValue::from_str(&ts)) {
        req.headers.insert(HEADER_SIGNATURE_V3, sig);
        req.headers.insert(HEADER_REQUEST_TIMESTAMP, ts);
    }
    req
}
