//! sync-ops: operator tooling for the HubSpot -> Partner Central sync queues (SQS FIFO + FIFO DLQ).
//!
//! - [`status`]: depth, in flight, delayed, DLQ depth, redrive policy ([`status::status`]).
//! - [`dlq`]: decoded, redacted DLQ message views read without consuming them ([`dlq::list`], [`dlq::show`]),
//!   built on [`peek`].
//! - [`redrive`]: `StartMessageMoveTask` DLQ -> source queue and its progress ([`redrive::start`],
//!   [`redrive::wait`]).
//! - [`replay`]: a synthetic deal-update event for one deal ([`replay::replay_deal`]).
//! - [`target`]: queue naming and resolution, the SQS client ([`target::Sqs`]).
//! - [`settings`]: the SYNC_SETTINGS contract from a JSON file, the environment or an environment file.
//! - [`quota`]: client-side pacing and budgets ([`quota::Pacer`]).
//! - [`reconcile`]: HubSpot deals vs Partner Central opportunities ([`reconcile::run`]).
//! - [`backfill`]: paced synthetic deal events for every in-scope deal ([`backfill::run`]).
//! - [`shadow`]: list, show and replay the processor's shadow records (S3).
//! - [`cli`]: the `sync-ops` command line ([`cli::run`]).
//!
//! Every failure is an [`OpsError`] naming the operation and queue.

pub mod backfill;
pub mod cli;
pub mod cli_migration;
pub mod dlq;
pub mod error;
pub mod peek;
pub mod quota;
pub mod reconcile;
pub mod redrive;
pub mod replay;
pub mod settings;
pub mod shadow;
pub mod status;
pub mod target;

pub use error::OpsError;
