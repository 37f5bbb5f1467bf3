//! The handler seam: one [`ObjectHandler`] per HubSpot object kind (deal, company, contact, note), called by the
//! router with every coalesced event of one object. Issue 5's sync rules plug in here by implementing the trait
//! (or filling the marked `TODO(issue 5)` seams of the minimal handlers in this module's children).
//!
//! Contract for implementations:
//! - `sync` receives the object reference and its events in batch order (at least one). It must be idempotent
//!   (SQS may redeliver) and should read current state rather than trust event payloads.
//! - Return `Ok(Completion::Processed { .. })` only when the object really is in sync, `Ok(Completion::Skipped)`
//!   when there is deliberately nothing to do (e.g. not in scope), and `Err(HandlerError)` otherwise; the error's
//!   class decides retry (transient, config) or acknowledge (permanent). Never turn a failure into a success.
//! - `surface_permanent_failure` is called once after a permanent failure (the records are acknowledged); it is the
//!   place to write the error onto the deal. It must not fail the batch.

pub mod company;
pub mod contact;
pub mod context;
pub mod deal;
pub mod error;
pub mod fanout;
pub mod note;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use sync_events::SyncEvent;

use crate::outcome::Completion;
pub use context::{HandlerContext, Handlers};
pub use error::HandlerError;

/// A boxed, sendable future (handlers are stored as trait objects).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which handler an event goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandlerKind {
    /// Deal creation, property and association changes.
    Deal,
    /// Company property changes (fan out to the company's in-scope deals).
    Company,
    /// Contact property changes (fan out to the contact's in-scope deals).
    Contact,
    /// Note creation on a deal.
    Note,
}

impl HandlerKind {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deal => "deal",
            Self::Company => "company",
            Self::Contact => "contact",
            Self::Note => "note",
        }
    }
}

impl fmt::Display for HandlerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object a unit of work syncs; also the engine's coalescing key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// Handler the object belongs to.
    pub kind: HandlerKind,
    /// HubSpot portal (account) id.
    pub portal_id: u64,
    /// HubSpot object id.
    pub object_id: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.kind, self.portal_id, self.object_id)
    }
}

/// Syncs one HubSpot object (with all its coalesced events) to Partner Central.
pub trait ObjectHandler: Send + Sync {
    /// Which events this handler takes.
    fn kind(&self) -> HandlerKind;

    /// Syncs `target`; `events` are its events of this batch, in order (never empty).
    fn sync<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
    ) -> BoxFuture<'a, Result<Completion, HandlerError>>;

    /// Called once after `sync` failed permanently (records acknowledged). Default: log only.
    fn surface_permanent_failure<'a>(
        &'a self,
        target: &'a ObjectRef,
        events: &'a [&'a SyncEvent],
        error: &'a HandlerError,
    ) -> BoxFuture<'a, ()> {
        // TODO(issue 5): write sync status + a readable error onto the deal (and clear it on the next success).
        Box::pin(async move {
            tracing::warn!(object = %target, events = events.len(), code = %crate::outcome::Classify::code(error),
                "permanent failure not surfaced on the deal (no surfacing rule yet)");
        })
    }
}
