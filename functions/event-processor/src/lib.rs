//! The `event-processor` Lambda as a library: the FIFO partial-batch engine ([`engine`]), the outcome and error
//! vocabulary ([`outcome`]), embedded-metric-format metrics ([`metrics`]). The binary (`src/main.rs`) only wires
//! these to the Lambda runtime.

pub mod engine;
pub mod metrics;
pub mod outcome;
