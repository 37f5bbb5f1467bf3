//! partner-central: a thin layer over `aws-sdk-partnercentralselling` for the HubSpot -> ACE sync.
//!
//! - [`PartnerCentral`]: Get/Create/Update/List opportunities, AssociateOpportunity, ListSolutions and
//!   StartEngagementFromOpportunityTask, always in us-east-1, optionally through an assumed role.
//! - Idempotency: Create and StartEngagement take a caller-built [`ClientToken`]; the SDK's random default is never
//!   used.
//! - [`PartnerCentral::update_with_retry`]: full-replacement updates that start from the current record
//!   ([`OpportunityFields::from_current`]), carry its LastModifiedDate, honour the review-status edit rules, and
//!   re-get/re-merge on ConflictException a bounded number of times.
//! - A per-instance [`WriteLimiter`] (<= 1 write attempt/s, retried attempts included: the client retries
//!   throttling, 5xx, timeouts and network errors itself) and an optional read limiter (e.g. 10 reads/s).
//! - Shadow write mode ([`WriteMode`], [`PartnerCentral::shadow`]): reads are sent; writes are serialized by the
//!   SDK, recorded as [`PlannedWrite`]s in a [`WriteLog`] (shared with the `hubspot` client's) and not sent.
//! - [`PcError`] with [`ErrorClass`] (transient / permanent / config) and per-operation [`Metrics`].

pub mod client;
pub mod config;
pub mod error;
pub mod fields;
pub mod limiter;
pub mod metrics;
mod retry;
pub mod shadow;

pub use aws_sdk_partnercentralselling as sdk;
pub use client::{PartnerCentral, UpdateResult};
pub use config::{
    AssumeRole, Catalog, ClientToken, ENV_CATALOG, ENV_EXTERNAL_ID, ENV_ROLE_ARN, PARTNER_CENTRAL_REGION,
    PartnerCentralConfig, build_sdk_client,
};
pub use error::{ErrorClass, FieldIssue, PcError};
pub use fields::{EditPolicy, NewOpportunity, OpportunityFields, edit_policy, writable_life_cycle};
pub use hubspot::shadow::{PlannedWrite, WriteLog, WriteMode};
pub use limiter::WriteLimiter;
pub use metrics::{Metrics, OpStats};
pub use shadow::shadow_opportunity_id;
