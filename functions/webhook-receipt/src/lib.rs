//! webhook-receipt: the Lambda behind `POST /async/webhook`. It verifies HubSpot's signature over the raw body and
//! the configured public URL, parses the events ([`sync_events`]), ignores unsupported types and other portals,
//! and enqueues the rest to the SQS FIFO queue with SendMessageBatch, answering 5xx unless every accepted event
//! is durably enqueued. See [`handler`] for the response contract and [`config`] for the environment.

pub mod batch;
pub mod config;
pub mod enqueue;
pub mod handler;
pub mod intake;
pub mod metrics;
pub mod runtime;
pub mod sample;

pub use config::{Config, ConfigError, SignatureMode};
pub use handler::{Outcome, Receipt};
pub use intake::{Accepted, Auth, MAX_BODY_BYTES, Rejection, intake};
