//! The error type every handler returns, with its retry/acknowledge classification ([`Classify`]).
//!
//! Client errors keep their own classification (the HubSpot and Partner Central crates decide transient vs
//! permanent vs config); handler-level errors add data problems found while mapping (permanent) and the explicit
//! "sync rules not implemented" state (config: the records are retried and end in the DLQ, nothing is dropped).

use std::borrow::Cow;

use hubspot::{ErrorClass as HubSpotClass, HubSpotError};
use partner_central::{ErrorClass as PcClass, PcError};

use crate::outcome::{Classify, FailureClass};

/// Why a handler could not sync an object.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// A HubSpot call failed (classified by the HubSpot client).
    #[error(transparent)]
    HubSpot(#[from] HubSpotError),
    /// A Partner Central call failed (classified by the Partner Central client).
    #[error(transparent)]
    PartnerCentral(#[from] PcError),
    /// The object's data cannot be synced as it is (e.g. a required value is missing or invalid). Acknowledged and
    /// surfaced on the deal; a later change to the object produces a new event.
    #[error("invalid data for {object}: {reason}")]
    InvalidData {
        /// Object reference (ids only).
        object: String,
        /// Short reason without personal data.
        reason: String,
    },
    /// This build has no sync rules for the object yet. Classified as config so the records are retried and end in
    /// the DLQ (to be redriven once the rules are deployed) instead of being acknowledged unsynced.
    #[error("sync rules for {handler} events are not implemented in this build")]
    RulesNotImplemented {
        /// Handler name.
        handler: &'static str,
    },
    /// Shadow mode could not store the shadow record of this object sync (S3). Transient: the record is retried,
    /// so no shadow record is lost.
    #[error("cannot store the shadow record: {detail}")]
    ShadowStore {
        /// What went wrong (no bodies or personal data).
        detail: String,
    },
}

impl Classify for HandlerError {
    fn class(&self) -> FailureClass {
        match self {
            Self::HubSpot(e) => match e.class() {
                HubSpotClass::Transient => FailureClass::Transient,
                HubSpotClass::Permanent => FailureClass::Permanent,
                HubSpotClass::Config => FailureClass::Config,
            },
            Self::PartnerCentral(e) => match e.class() {
                PcClass::Transient => FailureClass::Transient,
                PcClass::Permanent => FailureClass::Permanent,
                PcClass::Config => FailureClass::Config,
            },
            Self::InvalidData { .. } => FailureClass::Permanent,
            Self::RulesNotImplemented { .. } => FailureClass::Config,
            Self::ShadowStore { .. } => FailureClass::Transient,
        }
    }

    fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::HubSpot(e) => match e {
                HubSpotError::NotFound { .. } => "hubspot.not_found",
                HubSpotError::Auth { .. } => "hubspot.auth",
                HubSpotError::RateLimited { .. } => "hubspot.rate_limited",
                HubSpotError::Server { .. } => "hubspot.server",
                HubSpotError::Rejected { .. } => "hubspot.rejected",
                HubSpotError::Timeout { .. } => "hubspot.timeout",
                HubSpotError::Network { .. } => "hubspot.network",
                HubSpotError::Decode { .. } => "hubspot.decode",
                HubSpotError::InvalidInput { .. } => "hubspot.invalid_input",
                HubSpotError::Config(_) => "hubspot.config",
                // Variants added to the client later get a generic code (their class is still the client's).
                #[allow(unreachable_patterns)]
                _ => "hubspot.other",
            },
            Self::PartnerCentral(e) => match e {
                PcError::Throttled { .. } => "pc.throttled",
                PcError::ServiceFault { .. } => "pc.service_fault",
                PcError::Timeout { .. } => "pc.timeout",
                PcError::Network { .. } => "pc.network",
                PcError::QuotaExceeded { .. } => "pc.quota_exceeded",
                PcError::Conflict { .. } => "pc.conflict",
                PcError::ConflictRetriesExhausted { .. } => "pc.conflict_retries_exhausted",
                PcError::ClientTokenConflict { .. } => "pc.client_token_conflict",
                PcError::Validation { .. } => "pc.validation",
                PcError::NotFound { .. } => "pc.not_found",
                PcError::NotEditable { .. } => "pc.not_editable",
                PcError::AccessDenied { .. } => "pc.access_denied",
                PcError::Auth { .. } => "pc.auth",
                PcError::Construction { .. } => "pc.construction",
                PcError::Other { .. } => "pc.other",
                PcError::InvalidArgument(_) => "pc.invalid_argument",
                PcError::MissingSetting(_) => "pc.missing_setting",
                // Variants added to the client later get a generic code (their class is still the client's).
                #[allow(unreachable_patterns)]
                _ => "pc.other_error",
            },
            Self::InvalidData { .. } => "invalid_data",
            Self::RulesNotImplemented { .. } => "rules_not_implemented",
            Self::ShadowStore { .. } => "shadow.store",
        })
    }
}
