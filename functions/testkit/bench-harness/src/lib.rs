//! Measurement harness for the Lambdas' performance figures (see `docs/benchmarks.md`):
//! - [`runtime_api`] is a local AWS Lambda Runtime API server, to exec a Lambda binary and invoke it;
//! - [`aws`] is a fixed-latency SQS + Secrets Manager endpoint that validates requests like the services;
//! - [`process`] spawns a function with Lambda's environment and reads its peak RSS;
//! - [`workload`] builds signed API Gateway webhook events and SQS batches;
//! - [`stats`] computes percentiles.
//!
//! The `lambda-bench` binary puts these together; `echo-lambda` is a tiny function used by the tests.

pub mod aws;
pub mod process;
pub mod runtime_api;
pub mod stats;
pub mod workload;
