//! Constructs: small builders that emit several related resources with safe defaults and check their
//! invariants at synth time. Violations are recorded on the template (all of them), never raised one by one.

pub mod alarm;
pub mod api;
pub mod bucket;
pub mod consumer;
pub mod dashboard;
pub mod function;
pub mod limits;
pub mod queue;
