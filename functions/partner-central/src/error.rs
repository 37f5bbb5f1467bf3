//! Typed Partner Central errors and their classification into transient / permanent / configuration classes, built
//! from the SDK's `SdkError` (modelled error variants, raw HTTP status, timeouts, dispatch and construction failures).

use aws_sdk_partnercentralselling::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_partnercentralselling::types::error::ValidationException;

/// How the caller should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorClass {
    /// Retry later (throttling, 5xx, timeouts, network, repeated optimistic-lock conflicts, quota).
    Transient,
    /// The data is wrong or gone; retrying the same thing will not help (ValidationException, ResourceNotFound,
    /// an opportunity locked by its review status, a ClientToken reused with a different body).
    Permanent,
    /// Configuration or authorization (AccessDenied, bad/expired credentials, signature errors): fail so a redrive
    /// after the fix replays the work.
    Config,
}

/// One entry of a ValidationException's ErrorList.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field_name: Option<String>,
    pub code: String,
    pub message: String,
}

/// Errors of the Partner Central client. `operation` is the API operation name.
#[derive(Debug, thiserror::Error)]
pub enum PcError {
    #[error("{operation}: throttled: {message}")]
    Throttled { operation: &'static str, message: String },
    #[error("{operation}: service error (HTTP {status}) {code}: {message}")]
    ServiceFault {
        operation: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    #[error("{operation}: timed out: {detail}")]
    Timeout { operation: &'static str, detail: String },
    #[error("{operation}: network error: {detail}")]
    Network { operation: &'static str, detail: String },
    #[error("{operation}: service quota exceeded: {message}")]
    QuotaExceeded { operation: &'static str, message: String },
    #[error("{operation}: ConflictException: {message}")]
    Conflict { operation: &'static str, message: String },
    #[error("UpdateOpportunity {id}: still conflicting after {attempts} attempts: {message}")]
    ConflictRetriesExhausted { id: String, attempts: u32, message: String },
    #[error("{operation}: ClientToken reused with a different request body: {message}")]
    ClientTokenConflict { operation: &'static str, message: String },
    #[error("{operation}: ValidationException ({reason}): {message}; fields: {}", fmt_fields(.fields))]
    Validation {
        operation: &'static str,
        reason: String,
        message: String,
        fields: Vec<FieldIssue>,
    },
    #[error("{operation}: not found: {message}")]
    NotFound { operation: &'static str, message: String },
    #[error("opportunity {id} is not editable while its review status is {review_status}")]
    NotEditable { id: String, review_status: String },
    #[error("{operation}: AccessDeniedException: {message}")]
    AccessDenied { operation: &'static str, message: String },
    #[error("{operation}: authentication failed {code}: {message}")]
    Auth {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error("{operation}: request could not be built or signed (credentials?): {detail}")]
    Construction { operation: &'static str, detail: String },
    #[error("{operation}: unexpected error (HTTP {status}) {code}: {message}")]
    Other {
        operation: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("missing or inconsistent setting {0}")]
    MissingSetting(&'static str),
}

fn fmt_fields(fields: &[FieldIssue]) -> String {
    fields
        .iter()
        .map(|f| format!("{} {}", f.field_name.as_deref().unwrap_or("-"), f.code))
        .collect::<Vec<_>>()
        .join(", ")
}

const AUTH_CODES: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignature",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidClientTokenId",
    "MissingAuthenticationTokenException",
    "UnauthorizedException",
];

impl PcError {
    /// The error's class.
    pub fn class(&self) -> ErrorClass {
        match self {
            PcError::Throttled { .. }
            | PcError::ServiceFault { .. }
            | PcError::Timeout { .. }
            | PcError::Network { .. }
            | PcError::QuotaExceeded { .. }
            | PcError::Conflict { .. }
            | PcError::ConflictRetriesExhausted { .. } => ErrorClass::Transient,
            PcError::ClientTokenConflict { .. }
            | PcError::Validation { .. }
            | PcError::NotFound { .. }
            | PcError::NotEditable { .. }
            | PcError::Other { .. }
            | PcError::InvalidArgument(_) => ErrorClass::Permanent,
            PcError::AccessDenied { .. }
            | PcError::Auth { .. }
            | PcError::Construction { .. }
            | PcError::MissingSetting(_) => ErrorClass::Config,
        }
    }

    pub fn is_transient(&self) -> bool {
        self.class() == ErrorClass::Transient
    }

    /// True for a single ConflictException (stale LastModifiedDate).
    pub fn is_conflict(&self) -> bool {
        matches!(self, PcError::Conflict { .. })
    }

    /// The ValidationException field list, if this is one.
    pub fn validation_fields(&self) -> &[FieldIssue] {
        match self {
            PcError::Validation { fields, .. } => fields,
            _ => &[],
        }
    }
}

/// Access to the modelled ValidationException inside an operation error enum.
pub trait AsValidation {
    fn validation(&self) -> Option<&ValidationException>;
}

macro_rules! as_validation {
    ($($ty:ty),* $(,)?) => {$(
        impl AsValidation for $ty {
            fn validation(&self) -> Option<&ValidationException> {
                match self {
                    Self::ValidationException(v) => Some(v),
                    _ => None,
                }
            }
        }
    )*};
}

use aws_sdk_partnercentralselling::operation as op;
as_validation!(
    op::create_opportunity::CreateOpportunityError,
    op::get_opportunity::GetOpportunityError,
    op::update_opportunity::UpdateOpportunityError,
    op::list_opportunities::ListOpportunitiesError,
    op::associate_opportunity::AssociateOpportunityError,
    op::list_solutions::ListSolutionsError,
    op::start_engagement_from_opportunity_task::StartEngagementFromOpportunityTaskError,
);

/// Convert an SDK error of `operation` into a [`PcError`].
pub fn from_sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> PcError
where
    E: ProvideErrorMetadata + AsValidation + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    let detail = aws_sdk_partnercentralselling::error::DisplayErrorContext(&err).to_string();
    match err {
        SdkError::TimeoutError(_) => PcError::Timeout { operation, detail },
        SdkError::DispatchFailure(d) if d.is_timeout() => PcError::Timeout { operation, detail },
        SdkError::DispatchFailure(_) => PcError::Network { operation, detail },
        SdkError::ConstructionFailure(_) => PcError::Construction { operation, detail },
        SdkError::ResponseError(r) => {
            let status = r.raw().status_code();
            if status >= 500 {
                PcError::ServiceFault {
                    operation,
                    status,
                    code: String::new(),
                    message: detail,
                }
            } else {
                PcError::Other {
                    operation,
                    status,
                    code: String::new(),
                    message: detail,
                }
            }
        }
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status_code();
            let e = ctx.err();
            let code = e.code().unwrap_or("").to_string();
            let message = e.message().unwrap_or("").to_string();
            classify_service(operation, status, code, message, e.validation())
        }
        _ => PcError::Other {
            operation,
            status: 0,
            code: String::new(),
            message: detail,
        },
    }
}

fn classify_service(
    operation: &'static str,
    status: u16,
    code: String,
    message: String,
    validation: Option<&ValidationException>,
) -> PcError {
    match code.as_str() {
        "ThrottlingException" | "TooManyRequestsException" | "RequestLimitExceeded" => {
            PcError::Throttled { operation, message }
        }
        "ValidationException" => {
            let (reason, fields) = validation.map_or((String::new(), Vec::new()), |v| {
                let fields = v
                    .error_list()
                    .iter()
                    .map(|f| FieldIssue {
                        field_name: f.field_name().map(str::to_string),
                        code: f.code().as_str().to_string(),
                        message: f.message().to_string(),
                    })
                    .collect();
                (v.reason().as_str().to_string(), fields)
            });
            PcError::Validation {
                operation,
                reason,
                message,
                fields,
            }
        }
        "ConflictException" if message.contains("client token") => PcError::ClientTokenConflict { operation, message },
        "ConflictException" => PcError::Conflict { operation, message },
        "ResourceNotFoundException" => PcError::NotFound { operation, message },
        "AccessDeniedException" => PcError::AccessDenied { operation, message },
        "ServiceQuotaExceededException" => PcError::QuotaExceeded { operation, message },
        c if AUTH_CODES.contains(&c) => PcError::Auth {
            operation,
            code,
            message,
        },
        _ if status >= 500 => PcError::ServiceFault {
            operation,
            status,
            code,
            message,
        },
        _ if status == 429 => PcError::Throttled { operation, message },
        _ if status == 401 || status == 403 => PcError::Auth {
            operation,
            code,
            message,
        },
        _ => PcError::Other {
            operation,
            status,
            code,
            message,
        },
    }
}

/// The HTTP status of a raw response (implemented for the SDK's `HttpResponse`).
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_partnercentralselling::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}
