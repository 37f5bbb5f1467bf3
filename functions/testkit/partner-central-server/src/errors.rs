//! Service errors in the AWS JSON 1.0 wire shape: HTTP status, `x-amzn-errortype` header and a JSON body carrying
//! `__type` plus the model's members (`Message`, and for ValidationException `Reason` and `ErrorList`).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::validate::FieldError;

/// An error answer of the local service.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400; `reason` is `REQUEST_VALIDATION_FAILED` or `BUSINESS_VALIDATION_FAILED`.
    Validation {
        reason: &'static str,
        message: String,
        errors: Vec<FieldError>,
    },
    Conflict(String),
    NotFound(String),
    Throttling(String),
    AccessDenied(String),
    Internal(String),
    ServiceQuotaExceeded(String),
    /// 503 without a modelled type (as a load balancer would answer).
    ServiceUnavailable(String),
    Serialization(String),
    UnknownOperation(String),
    MissingAuthenticationToken,
}

pub const REQUEST_VALIDATION_FAILED: &str = "REQUEST_VALIDATION_FAILED";
pub const BUSINESS_VALIDATION_FAILED: &str = "BUSINESS_VALIDATION_FAILED";

impl ApiError {
    /// A request-validation failure built from model-validator findings.
    pub fn request_validation(errors: Vec<FieldError>) -> ApiError {
        let n = errors.len();
        let detail = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
        ApiError::Validation {
            reason: REQUEST_VALIDATION_FAILED,
            message: format!(
                "{n} validation error{} detected: {detail}",
                if n == 1 { "" } else { "s" }
            ),
            errors,
        }
    }

    /// A business-validation failure with one field entry.
    pub fn business(field: &str, code: &'static str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Validation {
            reason: BUSINESS_VALIDATION_FAILED,
            message: message.clone(),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// The `__type` value.
    pub fn type_name(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "ValidationException",
            ApiError::Conflict(_) => "ConflictException",
            ApiError::NotFound(_) => "ResourceNotFoundException",
            ApiError::Throttling(_) => "ThrottlingException",
            ApiError::AccessDenied(_) => "AccessDeniedException",
            ApiError::Internal(_) => "InternalServerException",
            ApiError::ServiceQuotaExceeded(_) => "ServiceQuotaExceededException",
            ApiError::ServiceUnavailable(_) => "ServiceUnavailableException",
            ApiError::Serialization(_) => "SerializationException",
            ApiError::UnknownOperation(_) => "UnknownOperationException",
            ApiError::MissingAuthenticationToken => "MissingAuthenticationTokenException",
        }
    }

    /// HTTP status code.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } | ApiError::Serialization(_) | ApiError::UnknownOperation(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Throttling(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::AccessDenied(_) | ApiError::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::ServiceQuotaExceeded(_) => StatusCode::PAYMENT_REQUIRED,
            ApiError::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> String {
        match self {
            ApiError::Validation { message, .. } => message.clone(),
            ApiError::Conflict(m)
            | ApiError::NotFound(m)
            | ApiError::Throttling(m)
            | ApiError::AccessDenied(m)
            | ApiError::Internal(m)
            | ApiError::ServiceQuotaExceeded(m)
            | ApiError::ServiceUnavailable(m)
            | ApiError::Serialization(m)
            | ApiError::UnknownOperation(m) => m.clone(),
            ApiError::MissingAuthenticationToken => "Missing Authentication Token".to_string(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let message = self.message();
        let mut body = json!({ "__type": self.type_name(), "Message": message, "message": message });
        if let ApiError::Validation { reason, errors, .. } = self {
            body["Reason"] = json!(reason);
            body["ErrorList"] = errors
                .iter()
                .map(|e| json!({ "FieldName": e.field_name, "Message": e.message, "Code": e.code }))
                .collect();
        }
        body
    }
}
