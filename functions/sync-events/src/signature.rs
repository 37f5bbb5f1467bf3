//! HubSpot webhook signature verification (v1, v2, v3), per HubSpot's "Validating requests" guide.
//!
//! - v3 (`X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp`): base64 HMAC-SHA256 keyed with the app's client
//!   secret over `METHOD + URI + body + timestamp`, where URI is the configured public URL with HubSpot's decode
//!   table applied ([`decode_signed_uri`]). Timestamps older than [`MAX_TIMESTAMP_AGE_MS`] or more than
//!   [`MAX_FUTURE_SKEW_MS`] ahead are rejected.
//! - v1 / v2 (`X-HubSpot-Signature` + `X-HubSpot-Signature-Version`, default v1): lowercase hex SHA-256 of
//!   `secret + body` / `secret + METHOD + URI + body` (URI = the configured public URL verbatim). They carry no
//!   timestamp, so they are only consulted when no v3 header is present; a present-but-invalid v3 never falls back.
//!
//! All comparisons are constant-time (`subtle`) over decoded digests. The body is the raw request bytes (decode an
//! API Gateway base64 body first). The URL is configured, never rebuilt from the request.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Header carrying the v3 signature.
pub const HEADER_SIGNATURE_V3: &str = "x-hubspot-signature-v3";
/// Header carrying the v3 timestamp (epoch milliseconds).
pub const HEADER_REQUEST_TIMESTAMP: &str = "x-hubspot-request-timestamp";
/// Header carrying the v1/v2 signature.
pub const HEADER_SIGNATURE: &str = "x-hubspot-signature";
/// Header naming the v1/v2 version.
pub const HEADER_SIGNATURE_VERSION: &str = "x-hubspot-signature-version";
/// v3 timestamps older than this are rejected (HubSpot: 5 minutes).
pub const MAX_TIMESTAMP_AGE_MS: i64 = 300_000;
/// v3 timestamps further than this in the future are rejected (clock skew allowance).
pub const MAX_FUTURE_SKEW_MS: i64 = 30_000;

/// HubSpot's URI decode table for v3: these escapes (either hex case) are decoded, all others kept.
pub const URI_DECODE_TABLE: [(&str, char); 12] = [
    ("3A", ':'),
    ("2F", '/'),
    ("3F", '?'),
    ("40", '@'),
    ("21", '!'),
    ("24", '$'),
    ("27", '\''),
    ("28", '('),
    ("29", ')'),
    ("2A", '*'),
    ("2C", ','),
    ("3B", ';'),
];

/// Signature scheme that verified a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// SHA-256(secret + body), hex.
    V1,
    /// SHA-256(secret + method + uri + body), hex.
    V2,
    /// HMAC-SHA256(secret, method + uri + body + timestamp), base64, with a timestamp window.
    V3,
}

/// The signature-related request headers (values as received; look them up case-insensitively).
#[derive(Debug, Clone, Copy, Default)]
pub struct SignatureHeaders<'a> {
    /// `X-HubSpot-Signature-v3`.
    pub signature_v3: Option<&'a str>,
    /// `X-HubSpot-Request-Timestamp`.
    pub request_timestamp: Option<&'a str>,
    /// `X-HubSpot-Signature`.
    pub signature: Option<&'a str>,
    /// `X-HubSpot-Signature-Version`.
    pub signature_version: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// Builds the set from a header lookup function receiving lowercase header names.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            signature_v3: lookup(HEADER_SIGNATURE_V3),
            request_timestamp: lookup(HEADER_REQUEST_TIMESTAMP),
            signature: lookup(HEADER_SIGNATURE),
            signature_version: lookup(HEADER_SIGNATURE_VERSION),
        }
    }
}

/// Why a request's signature was rejected (maps to HTTP 401). Never carries header or body content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header at all.
    #[error("no HubSpot signature header")]
    Missing,
    /// v3 signature without `X-HubSpot-Request-Timestamp`.
    #[error("v3 signature without request timestamp")]
    MissingTimestamp,
    /// The timestamp is not an integer of epoch milliseconds.
    #[error("request timestamp is not epoch milliseconds")]
    MalformedTimestamp,
    /// The timestamp is older than [`MAX_TIMESTAMP_AGE_MS`].
    #[error("request timestamp is {age_ms} ms old (limit {MAX_TIMESTAMP_AGE_MS} ms)")]
    Stale {
        /// Age of the request.
        age_ms: i64,
    },
    /// The timestamp is more than [`MAX_FUTURE_SKEW_MS`] in the future.
    #[error("request timestamp is {ahead_ms} ms in the future (limit {MAX_FUTURE_SKEW_MS} ms)")]
    FromFuture {
        /// How far ahead of the local clock.
        ahead_ms: i64,
    },
    /// `X-HubSpot-Signature-Version` is neither v1 nor v2.
    #[error("unsupported signature version header")]
    UnsupportedVersion,
    /// The signature is not well-formed base64 / hex of a 32-byte digest.
    #[error("{0:?} signature is malformed")]
    Malformed(SignatureVersion),
    /// The signature does not match.
    #[error("{0:?} signature does not match")]
    Mismatch(SignatureVersion),
}

impl SignatureError {
    /// Short stable reason for metrics and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "signature_missing",
            Self::MissingTimestamp => "timestamp_missing",
            Self::MalformedTimestamp => "timestamp_malformed",
            Self::Stale { .. } => "timestamp_stale",
            Self::FromFuture { .. } => "timestamp_future",
            Self::UnsupportedVersion => "signature_version_unsupported",
            Self::Malformed(_) => "signature_malformed",
            Self::Mismatch(_) => "signature_mismatch",
        }
    }
}

/// Invalid verifier configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureConfigError {
    /// The client secret is empty (verification would be meaningless).
    #[error("the HubSpot client secret is empty")]
    EmptySecret,
    /// The public URL is not an absolute http(s) URL.
    #[error("the webhook public URL must be an absolute https:// or http:// URL")]
    InvalidPublicUrl,
}

/// Applies HubSpot's v3 URI decode table ([`URI_DECODE_TABLE`]); other escapes stay encoded.
pub fn decode_signed_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + 1..];
        let decoded = tail
            .get(..2)
            .and_then(|hex| URI_DECODE_TABLE.iter().find(|(code, _)| code.eq_ignore_ascii_case(hex)));
        match decoded {
            Some((_, c)) => {
                out.push(*c);
                rest = &tail[2..];
            }
            None => {
                out.push('%');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// v1 signature: lowercase hex SHA-256 of `secret + body`.
pub fn sign_v1(secret: &str, body: &[u8]) -> String {
    hex::encode(v1_digest(secret, body))
}

/// v2 signature: lowercase hex SHA-256 of `secret + method + uri + body` (uri used verbatim).
pub fn sign_v2(secret: &str, method: &str, uri: &str, body: &[u8]) -> String {
    hex::encode(v2_digest(secret, method, uri, body))
}

/// v3 signature: base64 HMAC-SHA256 over `method + uri + body + timestamp` (uri used verbatim, already decoded).
pub fn sign_v3(secret: &str, method: &str, uri: &str, body: &[u8], timestamp: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(v3_mac(secret, method, uri, body, timestamp))
}

fn v1_digest(secret: &str, body: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(secret.as_bytes())
        .chain_update(body)
        .finalize()
        .into()
}

fn v2_digest(secret: &str, method: &str, uri: &str, body: &[u8]) -> [u8; 32] {
    let h = Sha256::new()
        .chain_update(secret.as_bytes())
        .chain_update(method.as_bytes());
    h.chain_update(uri.as_bytes()).chain_update(body).finalize().into()
}

fn v3_mac(secret: &str, method: &str, uri: &str, body: &[u8], timestamp: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this constructor cannot fail; fall back to an all-zero tag defensively.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return [0; 32];
    };
    mac.update(method.as_bytes());
    mac.update(uri.as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

fn equal_digest(expected: &[u8; 32], provided: &[u8]) -> bool {
    provided.len() == expected.len() && bool::from(expected.as_slice().ct_eq(provided))
}

/// Verifies HubSpot requests against one client secret and the configured public URL.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: String,
    public_url: String,
    signed_uri_v3: String,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"<redacted>")
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl WebhookVerifier {
    /// Creates a verifier for `public_url` (the exact URL HubSpot calls, as configured in the app).
    pub fn new(secret: impl Into<String>, public_url: &str) -> Result<Self, SignatureConfigError> {
        let secret = secret.into();
        if secret.is_empty() {
            return Err(SignatureConfigError::EmptySecret);
        }
        let lower = public_url.to_ascii_lowercase();
        let host_start = ["https://", "http://"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        if host_start.is_none_or(|start| public_url.len() <= start) {
            return Err(SignatureConfigError::InvalidPublicUrl);
        }
        Ok(Self {
            secret,
            public_url: public_url.to_owned(),
            signed_uri_v3: decode_signed_uri(public_url),
        })
    }

    /// The configured public URL.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Verifies one request. `now_ms` is the current time in epoch milliseconds (injected for tests).
    pub fn verify(
        &self,
        method: &str,
        body: &[u8],
        headers: &SignatureHeaders<'_>,
        now_ms: i64,
    ) -> Result<SignatureVersion, SignatureError> {
        if let Some(sig) = headers.signature_v3 {
            return self.verify_v3(method, body, sig, headers.request_timestamp, now_ms);
        }
        let Some(sig) = headers.signature else {
            return Err(SignatureError::Missing);
        };
        let version = match headers.signature_version.map(str::trim) {
            None | Some("v1") | Some("V1") => SignatureVersion::V1,
            Some("v2") | Some("V2") => SignatureVersion::V2,
            Some(_) => return Err(SignatureError::UnsupportedVersion),
        };
        let provided = hex::decode(sig.trim()).map_err(|_| SignatureError::Malformed(version))?;
        let expected = match version {
            SignatureVersion::V2 => v2_digest(&self.secret, method, &self.public_url, body),
            _ => v1_digest(&self.secret, body),
        };
        if provided.len() != 32 {
            return Err(SignatureError::Malformed(version));
        }
        if equal_digest(&expected, &provided) {
            Ok(version)
        } else {
            Err(SignatureError::Mismatch(version))
        }
    }

    fn verify_v3(
        &self,
        method: &str,
        body: &[u8],
        sig: &str,
        timestamp: Option<&str>,
        now_ms: i64,
    ) -> Result<SignatureVersion, SignatureError> {
        let timestamp = timestamp.ok_or(SignatureError::MissingTimestamp)?;
        let ts: i64 = (!timestamp.is_empty() && timestamp.len() <= 19 && timestamp.bytes().all(|b| b.is_ascii_digit()))
            .then(|| timestamp.parse().ok())
            .flatten()
            .ok_or(SignatureError::MalformedTimestamp)?;
        let age_ms = now_ms.saturating_sub(ts);
        if age_ms > MAX_TIMESTAMP_AGE_MS {
            return Err(SignatureError::Stale { age_ms });
        }
        if age_ms < -MAX_FUTURE_SKEW_MS {
            return Err(SignatureError::FromFuture {
                ahead_ms: age_ms.saturating_neg(),
            });
        }
        let provided = base64::engine::general_purpose::STANDARD
            .decode(sig.trim())
            .map_err(|_| SignatureError::Malformed(SignatureVersion::V3))?;
        let expected = v3_mac(&self.secret, method, &self.signed_uri_v3, body, timestamp);
        if equal_digest(&expected, &provided) {
            Ok(SignatureVersion::V3)
        } else {
            Err(SignatureError::Mismatch(SignatureVersion::V3))
        }
    }
}
