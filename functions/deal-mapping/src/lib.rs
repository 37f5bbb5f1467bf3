//! deal-mapping: the pure rules of the HubSpot -> Partner Central sync. No I/O: it turns HubSpot records
//! ([`hubspot::CrmObject`] deal, primary company, contacts) plus a [`MappingConfig`] into Partner Central request
//! members ([`partner_central::NewOpportunity`] / [`partner_central::OpportunityFields`]), deterministically.
//!
//! - [`config`]: [`MappingConfig`] (serde + JSON schema, documented defaults) and its validation.
//! - [`scope::in_scope`]: is a deal synced at all (tag in the name or a boolean property).
//! - [`map`]: deal + company + contacts -> CreateOpportunity members ([`map_new_opportunity`]), or the parts used by
//!   company / contact fan-out ([`map_account`], [`map_contacts`]). Every failure is a typed [`MappingError`] naming
//!   the Partner Central field and the HubSpot property; values that Partner Central would reject are never sent.
//! - [`merge`]: full-replacement update merge honouring the review-status edit rules, and the no-op check.
//! - [`settings`]: [`SyncSettings`], the processor's `SYNC_SETTINGS` contract (mode, canary, app id, solutions,
//!   write-back property names, mapping), with its schema and validation.
//! - [`properties`]: the HubSpot deal/company/contact properties the mapping reads ([`deal_properties`]).
//! - [`echo`]: is a HubSpot property-change event the sync's own write-back?
//! - [`text`]: clipping on char boundaries, HTML note -> plain-text NextSteps excerpt.
//! - [`notes`]: a HubSpot note -> NextSteps, never overwriting a newer next step.
//! - [`token`]: deterministic ClientTokens.
//!
//! Tables live in [`tables`] (countries, US states, industries, Partner Central value lists), each naming its source.

pub mod account;
pub mod address;
pub mod config;
pub mod contact;
pub mod dates;
pub mod echo;
pub mod error;
pub mod map;
pub mod merge;
pub mod notes;
pub mod properties;
pub mod scope;
pub mod settings;
pub mod spend;
pub mod tables;
pub mod text;
pub mod token;
pub mod values;

pub use config::{ConfigError, MappingConfig, PastCloseDatePolicy, StageRule};
pub use echo::{EchoVerdict, OWN_WRITE_BACK_PROPERTIES, classify_echo, classify_echo_with};
pub use error::{MappingError, MappingErrors};
pub use map::{DealInput, map_account, map_contacts, map_deal_fields, map_fields, map_new_opportunity};
pub use merge::{
    Locked, MergeResult, OwnedField, OwnedFields, changed, merge_current_record, merge_into_current, merge_with_review,
};
pub use notes::{SYNC_NOTE_MARKER, is_sync_note, lock_note_body, next_steps_from_note};
pub use properties::{
    ACCOUNT_DEAL_PROPERTIES, COMPANY_PROPERTIES, CONTACT_PROPERTIES, MAPPED_DEAL_PROPERTIES, account_deal_properties,
    deal_properties,
};
pub use scope::in_scope;
pub use settings::{SettingsError, SettingsErrors, SyncMode, SyncProperties, SyncSettings};
pub use text::{html_to_text, note_excerpt};
pub use token::{client_token, legacy_client_token};
