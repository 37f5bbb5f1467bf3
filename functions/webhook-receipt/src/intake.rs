//! The CPU-only part of a request: size limit, base64 body, signature, parsing, filtering (handled kinds and
//! portal allow-list) and batch planning. No I/O, so the bench measures exactly this.

use aws_lambda_events::apigw::ApiGatewayProxyRequest;
use base64::Engine as _;
use sync_events::{
    ParseError, SignatureError, SignatureHeaders, SignatureVersion, WebhookMessages, WebhookVerifier,
    webhook_sqs_messages,
};

use crate::batch::{Entry, OversizedMessage, plan_batches};
use crate::config::Config;

/// Largest accepted body in bytes after base64 decoding (4 MiB; the encoded form is checked against 4/3 of it).
/// HubSpot sends < 100 events per request; Lambda's synchronous payload limit is 6 MB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How requests are authenticated at runtime.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Verify HubSpot signatures.
    Verify(WebhookVerifier),
    /// Local development only: accept unsigned requests (a warning is logged on every request).
    UnsignedDev,
}

/// A request that passed every check, with its batches ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Events in the body.
    pub received: usize,
    /// Events ignored (unsupported type or portal not allowed).
    pub ignored: usize,
    /// SendMessageBatch batches, in delivery order.
    pub batches: Vec<Vec<Entry>>,
    /// Verified signature version (`None` in unsigned dev mode).
    pub signature: Option<SignatureVersion>,
}

/// Why a request was refused before anything was enqueued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Body above [`MAX_BODY_BYTES`] (413).
    #[error("body is {size} bytes, above the limit of {MAX_BODY_BYTES}")]
    TooLarge {
        /// Body size as received.
        size: usize,
    },
    /// A single event too large for SQS (413).
    #[error(transparent)]
    EventTooLarge(#[from] OversizedMessage),
    /// `isBase64Encoded` but the body is not base64 (400).
    #[error("body is flagged base64 but does not decode")]
    BadBase64,
    /// Missing, forged or stale signature (401).
    #[error("signature rejected: {0}")]
    Unauthorized(#[from] SignatureError),
    /// Not a JSON array of events (400).
    #[error(transparent)]
    InvalidBody(#[from] ParseError),
    /// An event could not be serialized (500; not expected).
    #[error("an event could not be serialized")]
    Internal,
}

impl Rejection {
    /// HTTP status of the rejection.
    pub fn status(&self) -> u16 {
        match self {
            Self::TooLarge { .. } | Self::EventTooLarge(_) => 413,
            Self::BadBase64 | Self::InvalidBody(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Internal => 500,
        }
    }

    /// Stable reason code for responses, logs and the `Reason` metric dimension.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } | Self::EventTooLarge(_) => "payload_too_large",
            Self::BadBase64 | Self::InvalidBody(_) => "invalid_body",
            Self::Unauthorized(e) => e.reason(),
            Self::Internal => "internal",
        }
    }
}

/// Looks up a header case-insensitively (single-value map first, then the multi-value map).
pub fn header<'a>(req: &'a ApiGatewayProxyRequest, name: &str) -> Option<&'a str> {
    req.headers
        .get(name)
        .or_else(|| req.multi_value_headers.get(name))
        .and_then(|v| v.to_str().ok())
}

/// The request body as raw bytes (base64-decoded when flagged), after the size check.
pub fn body_bytes(req: &ApiGatewayProxyRequest) -> Result<std::borrow::Cow<'_, [u8]>, Rejection> {
    let raw = req.body.as_deref().unwrap_or("");
    let limit = if req.is_base64_encoded {
        MAX_BODY_BYTES.div_ceil(3) * 4
    } else {
        MAX_BODY_BYTES
    };
    if raw.len() > limit {
        return Err(Rejection::TooLarge { size: raw.len() });
    }
    if !req.is_base64_encoded {
        return Ok(std::borrow::Cow::Borrowed(raw.as_bytes()));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|_| Rejection::BadBase64)?;
    if decoded.len() > MAX_BODY_BYTES {
        return Err(Rejection::TooLarge { size: decoded.len() });
    }
    Ok(std::borrow::Cow::Owned(decoded))
}

/// Runs every check and plans the batches. `now_ms` is the current epoch time in milliseconds.
pub fn intake(
    config: &Config,
    auth: &Auth,
    req: &ApiGatewayProxyRequest,
    correlation_id: &str,
    now_ms: i64,
) -> Result<Accepted, Rejection> {
    let body = body_bytes(req)?;
    let signature = match auth {
        Auth::Verify(verifier) => {
            let headers = SignatureHeaders::from_lookup(|name| header(req, name));
            Some(verifier.verify(req.http_method.as_str(), &body, &headers, now_ms)?)
        }
        Auth::UnsignedDev => None,
    };
    // Parsed straight into SQS messages (strings borrowed from the body, no intermediate `SyncEvent`s): the same
    // result as `parse_webhook` + `to_sqs_message` on the kept events, proven by sync-events' equivalence tests.
    let WebhookMessages { received, messages } = webhook_sqs_messages(&body, correlation_id, |kind, portal_id| {
        kind.is_handled() && config.portal_allowed(portal_id)
    })?;
    let ignored = received - messages.len();
    Ok(Accepted {
        received,
        ignored,
        batches: plan_batches(messages)?,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{request, signed_request};

    const URL: &str = "https://hooks.example.com/async/webhook";

    fn setup() -> (Config, Auth) {
        let config = Config {
            queue_url: "http://q".into(),
            signature: crate::config::SignatureMode::Verify {
                secret_arn: "arn".into(),
                public_url: URL.into(),
            },
            portal_ids: None,
        };
        (config, Auth::Verify(WebhookVerifier::new("s", URL).unwrap()))
    }

    #[test]
    fn the_signature_is_checked_before_the_body_is_parsed() {
        let (config, auth) = setup();
        let err = intake(&config, &auth, &request("{garbage", "r"), "r", 0).unwrap_err();
        assert_eq!((err.status(), err.reason()), (401, "signature_missing"));
        let ok = intake(&config, &auth, &signed_request("{garbage", "s", URL, 5, "r"), "r", 5).unwrap_err();
        assert_eq!((ok.status(), ok.reason()), (400, "invalid_body"));
    }

    #[test]
    fn the_size_limit_is_checked_before_hashing() {
        let (config, auth) = setup();
        let big = " ".repeat(MAX_BODY_BYTES + 1);
        let err = intake(&config, &auth, &request(&big, "r"), "r", 0).unwrap_err();
        assert_eq!((err.status(), err.reason()), (413, "payload_too_large"));
        let mut b64 = request(&"A".repeat(MAX_BODY_BYTES.div_ceil(3) * 4 + 4), "r");
        b64.is_base64_encoded = true;
        assert_eq!(intake(&config, &auth, &b64, "r", 0).unwrap_err().status(), 413);
    }

    #[test]
    fn headers_are_matched_case_insensitively() {
        let (config, auth) = setup();
        let body = crate::sample::deal_events_body(2, 2, 1, 0);
        let signed = signed_request(&body, "s", URL, 7, "r");
        let mut shouted = request(&body, "r");
        for (name, value) in &signed.headers {
            let upper = name.as_str().to_ascii_uppercase();
            if let Ok(n) = aws_lambda_events::http::HeaderName::from_bytes(upper.as_bytes()) {
                shouted.headers.insert(n, value.clone());
            }
        }
        let accepted = intake(&config, &auth, &shouted, "r", 7).unwrap();
        assert_eq!((accepted.received, accepted.ignored, accepted.batches.len()), (2, 0, 1));
        assert_eq!(accepted.signature, Some(SignatureVersion::V3));
    }
}
