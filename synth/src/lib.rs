//! Typed CloudFormation model and the HubSpot -> Partner Central sync stacks.
//!
//! * [`cfn`]: intrinsics as data, validated logical ids, typed resources and handles, suppressions.
//! * [`constructs`]: multi-resource builders that check their invariants at synth time.
//! * [`env`](mod@env): the environment files under `stacks/` and the names derived from them.
//! * [`stacks`]: the three stacks (`async-architecture`, `monitoring`, `partner-central-access`).
//! * [`render`]: YAML/JSON output, limits, the runbook, and whole-environment synthesis.
//! * [`cli`]: the `synth` command line (kept out of `main.rs`); [`summary`]: the Markdown `--diff` summary.

pub mod cfn;
pub mod constructs;
pub mod env;
pub mod error;

pub use error::{SynthError, SynthErrors};
pub mod cli;
pub mod render;
pub mod stacks;
pub mod summary;
pub mod text;
