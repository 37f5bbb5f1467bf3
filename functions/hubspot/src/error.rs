//! Typed HubSpot client errors: keep HubSpot's `category`, `correlationId`, `message`, policy name and status, and
//! classify each failure as transient, permanent or configuration so the processor can decide retry versus ack.
//!
//! `Display` never includes property values: HubSpot's validation messages can echo submitted values, so the message
//! text is only shown for non-validation errors; it stays available through [`HubSpotError::hubspot_message`].

use std::time::Duration;

use serde_json::Value;

/// How the caller should treat a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorClass {
    /// Retry later (throttling, 5xx, timeouts, network): report the record failed.
    Transient,
    /// Retrying cannot help (the object is gone, the request was rejected as invalid): acknowledge and surface.
    Permanent,
    /// Authentication, authorization or portal configuration (bad token, missing scope, undefined property): fail so
    /// nothing is lost, fix, then redrive.
    Config,
}

/// One entry of HubSpot's `errors` array.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    /// `message`.
    pub message: Option<String>,
    /// `code` (e.g. `INVALID_INTEGER`).
    pub code: Option<String>,
    /// `context` as sent.
    pub context: Option<Value>,
}

/// HubSpot's error body; every field is optional (gateways and proxies may answer with anything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiErrorBody {
    /// `status` (normally `"error"`).
    pub status: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `correlationId`, to quote to HubSpot support.
    pub correlation_id: Option<String>,
    /// `category` (e.g. `VALIDATION_ERROR`, `OBJECT_NOT_FOUND`, `INVALID_AUTHENTICATION`).
    pub category: Option<String>,
    /// `subCategory`, when present.
    pub sub_category: Option<String>,
    /// `policyName` of a 429 (`TEN_SECONDLY_ROLLING`, `DAILY`, ...).
    pub policy_name: Option<String>,
    /// `errorType` of a 429 (`RATE_LIMIT`).
    pub error_type: Option<String>,
    /// `errors`.
    pub errors: Vec<ErrorDetail>,
}

fn string_field(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl ApiErrorBody {
    /// Parses a response body leniently; anything that is not a JSON object yields an empty body.
    pub fn parse(bytes: &[u8]) -> Self {
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
            return Self::default();
        };
        let errors = value
            .get("errors")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|e| ErrorDetail {
                        message: string_field(e, "message"),
                        code: string_field(e, "code"),
                        context: e.get("context").cloned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            status: string_field(&value, "status"),
            message: string_field(&value, "message"),
            correlation_id: string_field(&value, "correlationId"),
            category: string_field(&value, "category"),
            sub_category: string_field(&value, "subCategory"),
            policy_name: string_field(&value, "policyName"),
            error_type: string_field(&value, "errorType"),
            errors,
        }
    }
}

/// A non-success HTTP answer from HubSpot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Parsed body.
    pub body: ApiErrorBody,
    /// `Retry-After`, when sent.
    pub retry_after: Option<Duration>,
    /// Requests made for this call (1 = no retry).
    pub attempts: u32,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "status {}", self.status)?;
        if let Some(category) = &self.body.category {
            write!(f, ", category {category}")?;
        }
        if let Some(policy) = &self.body.policy_name {
            write!(f, ", policy {policy}")?;
        }
        if let Some(id) = &self.body.correlation_id {
            write!(f, ", correlationId {id}")?;
        }
        let validation = self.status == 400 || self.body.category.as_deref() == Some("VALIDATION_ERROR");
        if !validation && let Some(message) = &self.body.message {
            write!(f, ", message {message:?}")?;
        }
        write!(f, ", {} attempt(s)", self.attempts)
    }
}

/// Everything the HubSpot client can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HubSpotError {
    /// 404: the object (or route) does not exist.
    #[error("HubSpot {operation}: not found ({api})")]
    NotFound {
        /// Operation name.
        operation: String,
        /// HubSpot's answer.
        api: Box<ApiError>,
    },
    /// 401 or 403: bad or expired token, or a missing scope.
    #[error("HubSpot {operation}: authentication/authorization failed ({api})")]
    Auth {
        /// Operation name.
        operation: String,
        /// HubSpot's answer.
        api: Box<ApiError>,
    },
    /// 429 that was not (or no longer) retried: a daily limit, or retries/time budget exhausted.
    #[error("HubSpot {operation}: rate limited ({api})")]
    RateLimited {
        /// Operation name.
        operation: String,
        /// HubSpot's answer.
        api: Box<ApiError>,
    },
    /// 423, 477 or 5xx after the retry bound.
    #[error("HubSpot {operation}: server unavailable ({api})")]
    Server {
        /// Operation name.
        operation: String,
        /// HubSpot's answer.
        api: Box<ApiError>,
    },
    /// Any other 4xx (400 validation, 409 conflict, ...): the request was rejected.
    #[error("HubSpot {operation}: request rejected ({api})")]
    Rejected {
        /// Operation name.
        operation: String,
        /// HubSpot's answer.
        api: Box<ApiError>,
    },
    /// The request timed out (connect or overall) on the last attempt.
    #[error("HubSpot {operation}: timed out after {attempts} attempt(s)")]
    Timeout {
        /// Operation name.
        operation: String,
        /// Requests made.
        attempts: u32,
    },
    /// Connection or transport failure on the last attempt.
    #[error("HubSpot {operation}: network error after {attempts} attempt(s): {message}")]
    Network {
        /// Operation name.
        operation: String,
        /// Requests made.
        attempts: u32,
        /// Transport error text (no URL query or body).
        message: String,
    },
    /// A success status with a body that does not have the expected shape.
    #[error("HubSpot {operation}: unexpected response (status {status}): {message}")]
    Decode {
        /// Operation name.
        operation: String,
        /// HTTP status.
        status: u16,
        /// What was wrong.
        message: String,
    },
    /// The caller passed something HubSpot would reject (non-numeric id, oversized note, empty update).
    #[error("HubSpot {operation}: invalid input: {message}")]
    InvalidInput {
        /// Operation name.
        operation: String,
        /// What was wrong.
        message: String,
    },
    /// The client could not be built (bad base URL or token characters).
    #[error("HubSpot client configuration: {0}")]
    Config(String),
}

impl HubSpotError {
    /// The retry/ack class of this failure.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::RateLimited { .. } | Self::Server { .. } | Self::Timeout { .. } | Self::Network { .. } => {
                ErrorClass::Transient
            }
            // A contract mismatch: fail the record so it ends in the DLQ rather than being dropped.
            Self::Decode { .. } => ErrorClass::Transient,
            Self::Auth { .. } | Self::Config(_) => ErrorClass::Config,
            Self::Rejected { api, .. } if refers_to_portal_setup(api) => ErrorClass::Config,
            Self::NotFound { .. } | Self::Rejected { .. } | Self::InvalidInput { .. } => ErrorClass::Permanent,
        }
    }

    /// Whether the record should be retried later.
    pub fn is_transient(&self) -> bool {
        self.class() == ErrorClass::Transient
    }

    /// Whether this is a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// HubSpot's answer, for HTTP errors.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::NotFound { api, .. }
            | Self::Auth { api, .. }
            | Self::RateLimited { api, .. }
            | Self::Server { api, .. }
            | Self::Rejected { api, .. } => Some(api),
            _ => None,
        }
    }

    /// HTTP status, for HTTP errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Decode { status, .. } => Some(*status),
            other => other.api().map(|a| a.status),
        }
    }

    /// HubSpot's `category`.
    pub fn category(&self) -> Option<&str> {
        self.api().and_then(|a| a.body.category.as_deref())
    }

    /// HubSpot's `correlationId`.
    pub fn correlation_id(&self) -> Option<&str> {
        self.api().and_then(|a| a.body.correlation_id.as_deref())
    }

    /// HubSpot's `message` (may echo submitted values: do not log it for validation errors).
    pub fn hubspot_message(&self) -> Option<&str> {
        self.api().and_then(|a| a.body.message.as_deref())
    }

    /// The 429 `policyName`.
    pub fn policy_name(&self) -> Option<&str> {
        self.api().and_then(|a| a.body.policy_name.as_deref())
    }

    /// Requests made for the failed call.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Timeout { attempts, .. } | Self::Network { attempts, .. } => *attempts,
            other => other.api().map_or(1, |a| a.attempts),
        }
    }
}

/// A 400 naming an undefined or read-only property means the portal (or our property list) is misconfigured.
fn refers_to_portal_setup(api: &ApiError) -> bool {
    let message = api.body.message.as_deref().unwrap_or("");
    message.contains("PROPERTY_DOESNT_EXIST") || message.contains("READ_ONLY_VALUE")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Box<ApiError> {
        Box::new(ApiError {
            status,
            body: ApiErrorBody::parse(body.as_bytes()),
            retry_after: None,
            attempts: 1,
        })
    }

    #[test]
    fn classes_follow_the_failure_kind() {
        let op = || "op".to_owned();
        let missing_prop = api(
            400,
            r#"{"category":"VALIDATION_ERROR","message":"Property values were not valid: [{\"error\":\"PROPERTY_DOESNT_EXIST\"}]"}"#,
        );
        assert_eq!(
            HubSpotError::Rejected {
                operation: op(),
                api: missing_prop
            }
            .class(),
            ErrorClass::Config
        );
        let bad_value = api(
            400,
            r#"{"category":"VALIDATION_ERROR","message":"Property values were not valid: [{\"error\":\"INVALID_INTEGER\"}]"}"#,
        );
        assert_eq!(
            HubSpotError::Rejected {
                operation: op(),
                api: bad_value
            }
            .class(),
            ErrorClass::Permanent
        );
        assert_eq!(
            HubSpotError::NotFound {
                operation: op(),
                api: api(404, "")
            }
            .class(),
            ErrorClass::Permanent
        );
        assert_eq!(
            HubSpotError::Auth {
                operation: op(),
                api: api(401, "{}")
            }
            .class(),
            ErrorClass::Config
        );
        assert!(
            HubSpotError::RateLimited {
                operation: op(),
                api: api(429, "{}")
            }
            .is_transient()
        );
        assert!(
            HubSpotError::Timeout {
                operation: op(),
                attempts: 3
            }
            .is_transient()
        );
    }

    #[test]
    fn display_hides_validation_messages_but_keeps_ids() {
        let body = r#"{"status":"error","message":"secret-value was not valid","correlationId":"c-1","category":"VALIDATION_ERROR"}"#;
        let text = HubSpotError::Rejected {
            operation: "deals.update".into(),
            api: api(400, body),
        }
        .to_string();
        assert!(text.contains("c-1") && text.contains("VALIDATION_ERROR"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");
    }

    #[test]
    fn non_json_bodies_parse_to_empty() {
        assert_eq!(
            ApiErrorBody::parse(b"<html>bad gateway</html>"),
            ApiErrorBody::default()
        );
    }
}
