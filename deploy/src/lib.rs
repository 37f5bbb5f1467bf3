//! `deploy`: synthesize, build, upload and deploy one environment of the HubSpot -> Partner Central sync.
//!
//! * [`artifacts`]: the function zips, their content-addressed S3 keys (`lambda/<fn>/<sha256>.zip`), the upload.
//! * [`build`]: runs `scripts/build-lambdas.sh` and loads the zips it writes.
//! * [`changeset`]: one stack through a CloudFormation change set (create/wait/describe/confirm/execute/follow).
//! * [`deploy`](mod@deploy): the whole environment in the synth's stack order, outputs feeding parameters.
//! * [`params`]: template parameter values and defaults; [`report`]: what a deploy did, printed at the end.
//! * [`cli`]: the command line (`cargo run -p deploy -- --env staging`).
//!
//! Works against real AWS or an emulator (`AWS_ENDPOINT_URL`); the test suite runs it against moto's server.

pub mod artifacts;
pub mod build;
pub mod changeset;
pub mod cli;
pub mod deploy;
pub mod error;
pub mod params;
pub mod report;
pub mod testzip;

pub use deploy::{Aws, DeployOptions, DeployReport, StackReport, deploy_env};
pub use error::{DeployError, ResourceFailure};
