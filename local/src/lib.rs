//! `local-pipeline`: the whole HubSpot -> Partner Central sync running on one machine.
//!
//! - [`gateway`]: the local API Gateway (`POST /async/webhook` -> proxy event -> the receipt's handler).
//! - [`aws_setup`]: SQS FIFO queue + FIFO DLQ with redrive, and the two secrets, in moto.
//! - [`esm`]: the Lambda SQS event source mapping emulator feeding the processor.
//! - [`endpoints`]: one `SdkConfig` with per-service endpoints (moto, local Partner Central, or real AWS).
//! - [`sample`]: seed data and signed HubSpot webhooks; [`writeback`]: reading the opportunity id off the deal.
//! - [`options`]: what a run is configured by; `functions`: the receipt and processor configured as the stack does.
//! - [`pipeline`]: [`pipeline::Pipeline::start`] wires it all; [`progress`]: what is printed / asserted on.
//!
//! See `docs/local.md` for how to run it and how to point it at real HubSpot or the Partner Central Sandbox.

pub mod aws_setup;
pub mod endpoints;
pub mod esm;
mod functions;
pub mod gateway;
pub mod options;
pub mod pipeline;
pub mod progress;
pub mod sample;
pub mod writeback;

pub use pipeline::{HubSpotTarget, Options, PartnerCentralTarget, Pipeline, QueueStatus, StartError};
pub use progress::{Progress, Sink};
