//! The `event-processor` Lambda as a library. The binary (`src/main.rs`) only wires these to the Lambda runtime.
//!
//! - [`engine`]: the generic FIFO partial-batch engine (ordering, skip-group-on-error, coalescing, poison bodies,
//!   deadline guard) over a [`engine::RecordProcessor`].
//! - [`router`]: [`router::SyncProcessor`], the processor for `sync-events` bodies, routing by source and event kind
//!   to [`handlers`].
//! - [`handlers`]: the [`handlers::ObjectHandler`] seam (deal, company, contact, note) where issue 5's rules plug in.
//! - [`outcome`]: failure classes and record statuses; [`metrics`]: embedded-metric-format output.
//! - [`config`], [`services`], [`runtime`]: environment settings, clients built once per cold start, the invocation
//!   entry point.
//! - [`shadow`]: shadow mode and the canary by deal (records planned writes instead of sending them).

pub mod config;
pub mod engine;
mod error_text;
pub mod handlers;
pub mod metrics;
pub mod outcome;
pub mod router;
pub mod runtime;
pub mod services;
pub mod shadow;
