//! Typed mapping errors. Each names the Partner Central field it concerns and the HubSpot property (or config key)
//! the value came from, so the caller can write a precise, human-readable error onto the deal.

use std::fmt;

/// One value that cannot be mapped to something Partner Central accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// A required value is missing in HubSpot.
    #[error("{field}: no value (HubSpot property {property})")]
    Missing { field: &'static str, property: String },
    /// A country that is not an ISO 3166-1 country, alias or name known to the table.
    #[error("{field}: unknown country {value:?} (HubSpot property {property}); use an ISO 3166-1 code or country name")]
    UnknownCountry {
        field: &'static str,
        property: String,
        value: String,
    },
    /// A valid ISO country that Partner Central's CountryCode enum does not accept.
    #[error("{field}: country {code} is not accepted by Partner Central (HubSpot property {property})")]
    CountryNotAccepted {
        field: &'static str,
        property: String,
        code: String,
    },
    /// A US state or territory that is not in Partner Central's list.
    #[error("{field}: unknown US state {value:?} (HubSpot property {property})")]
    UnknownUsState {
        field: &'static str,
        property: String,
        value: String,
    },
    /// The deal's pipeline/stage is not in the configured stage map.
    #[error("LifeCycle.Stage: pipeline {pipeline:?} stage {stage:?} is not in the stage map")]
    UnmappedStage { pipeline: String, stage: String },
    /// A date that is neither epoch milliseconds nor ISO-8601.
    #[error("{field}: cannot read date {value:?} (HubSpot property {property})")]
    InvalidDate {
        field: &'static str,
        property: String,
        value: String,
    },
    /// An open deal whose close date lies in the past (Partner Central requires a future date).
    #[error("LifeCycle.TargetCloseDate: close date {date} of an open deal (stage {stage}) is before today ({today})")]
    PastCloseDate { date: String, today: String, stage: String },
    /// A malformed, negative or out-of-range amount.
    #[error("{field}: invalid amount {value:?} (HubSpot property {property}): {reason}")]
    InvalidAmount {
        field: &'static str,
        property: String,
        value: String,
        reason: &'static str,
    },
    /// A value outside the field's list of valid values.
    #[error("{field}: {value:?} is not a valid value (HubSpot property {property}); expected one of: {expected}")]
    InvalidValue {
        field: &'static str,
        property: String,
        value: String,
        expected: String,
    },
    /// A value longer than the field allows that cannot be shortened safely (e.g. a URL).
    #[error("{field}: value too long ({chars} characters, max {max}) (HubSpot property {property})")]
    TooLong {
        field: &'static str,
        property: String,
        chars: usize,
        max: usize,
    },
}

impl MappingError {
    /// The Partner Central field path (e.g. `Customer.Account.Address.CountryCode`).
    pub fn field(&self) -> &'static str {
        match self {
            MappingError::Missing { field, .. }
            | MappingError::UnknownCountry { field, .. }
            | MappingError::CountryNotAccepted { field, .. }
            | MappingError::UnknownUsState { field, .. }
            | MappingError::InvalidDate { field, .. }
            | MappingError::InvalidAmount { field, .. }
            | MappingError::InvalidValue { field, .. }
            | MappingError::TooLong { field, .. } => field,
            MappingError::UnmappedStage { .. } => "LifeCycle.Stage",
            MappingError::PastCloseDate { .. } => "LifeCycle.TargetCloseDate",
        }
    }
}

/// All errors of one mapping run (never empty when returned as an error), in field order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingErrors(pub Vec<MappingError>);

impl MappingErrors {
    /// The distinct field paths, sorted (for a deal's error property).
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f: Vec<&'static str> = self.0.iter().map(MappingError::field).collect();
        f.sort_unstable();
        f.dedup();
        f
    }
}

impl fmt::Display for MappingErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for MappingErrors {}

impl From<MappingError> for MappingErrors {
    fn from(e: MappingError) -> MappingErrors {
        MappingErrors(vec![e])
    }
}
