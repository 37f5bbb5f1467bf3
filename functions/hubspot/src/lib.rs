//! hubspot: the HubSpot CRM v3 client of the sync.
//!
//! - reqwest with rustls, bearer token, connect and per-request timeouts, configurable base URL
//!   (default `https://api.hubapi.com`; `HUBSPOT_API_BASE_URL` via [`ClientConfig::with_base_url_from_env`]).
//! - Retries with jittered exponential backoff honouring `Retry-After` and HubSpot's 429 policies
//!   (`TEN_SECONDLY_ROLLING` and "secondly" retried, `DAILY` not), 423/477/502/503/504/521/523/524; bounded attempts
//!   and total time ([`RetryPolicy`]).
//! - Typed errors ([`HubSpotError`]) keeping HubSpot's `category`, `correlationId`, `message`, status and policy, with
//!   [`HubSpotError::class`] / [`HubSpotError::is_transient`] for the processor's retry-or-ack decision.
//! - Per-operation counters and latency ([`ClientStats`]). Tokens and property values are never logged.
//! - Shadow write mode ([`WriteMode`], [`HubSpotClient::shadow`]): reads are sent, writes (deal PATCH, note create)
//!   are recorded as [`PlannedWrite`]s in a shared [`WriteLog`] and not sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hubspot::HubSpotError> {
//! use hubspot::{ClientConfig, HubSpotClient, ObjectType};
//! let client = HubSpotClient::new(ClientConfig::new("pat-...").with_base_url_from_env())?;
//! let deal = client.get_deal("101", &["dealname", "amount"]).await?; // deal + companies/contacts/notes, 1 request
//! let contacts = client.batch_read(ObjectType::Contacts, &deal.associated_ids(ObjectType::Contacts), &["email"]).await?;
//! # Ok(()) }
//! ```

mod client;
mod config;
mod context;
mod error;
mod listing;
mod model;
mod ops;
mod retry;
pub mod shadow;
mod stats;

pub use client::HubSpotClient;
pub use config::{AccessToken, BASE_URL_ENV, ClientConfig, DEFAULT_BASE_URL};
pub use context::{DealContext, DealContextRequest};
pub use error::{ApiError, ApiErrorBody, ErrorClass, ErrorDetail, HubSpotError};
pub use listing::LIST_PAGE_MAX;
pub use model::{
    AssociationList, AssociationRef, BatchRead, CrmObject, Filter, FilterGroup, FilterOperator, ListPage, NextPage,
    ObjectType, Paging, SearchPage, SearchRequest,
};
pub use ops::{BATCH_READ_LIMIT, NOTE_BODY_MAX_CHARS, NOTE_TO_DEAL_TYPE_ID};
pub use retry::RetryPolicy;
pub use shadow::{API_HUBSPOT, API_PARTNER_CENTRAL, PlannedWrite, WriteLog, WriteMode};
pub use stats::{ClientStats, OperationStats};
