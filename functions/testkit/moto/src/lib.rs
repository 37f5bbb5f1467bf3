//! moto-harness: one moto_server per test process, plus AWS fixtures for tests that run in parallel.
//!
//! # Finding the server
//! [`MotoServer::shared`] returns a process-wide server:
//! 1. If `MOTO_ENDPOINT` is set (the project's `scripts/test.sh` starts moto and exports it), that endpoint is used.
//! 2. Otherwise a `moto_server` binary is started on a free 127.0.0.1 port, taken from `$MOTO_SERVER_BIN`, else
//!    `/work/main/.venv-tools/bin/moto_server`, else `/tmp/venv-tools/bin/moto_server`. The harness waits until it
//!    answers HTTP, and a watchdog shell kills it when the test process exits (statics are never dropped).
//!    [`MotoServer::start`] gives a private server that is killed on drop.
//! 3. If neither works, the error says to run `scripts/test.sh` (or set `MOTO_ENDPOINT` / `MOTO_SERVER_BIN`).
//!
//! # Fixtures
//! - [`MotoServer::sdk_config`]: an `aws_config::SdkConfig` for the server (dummy credentials, `us-east-1`).
//! - [`MotoServer::create_fifo_queue`]: a uniquely named FIFO queue with its FIFO DLQ (redrive after 3 receives).
//! - [`MotoServer::create_secret`]: a uniquely named Secrets Manager secret.
//! - [`MotoServer::queue_depth`] / [`MotoServer::drain_queue`]: count and consume messages (in FIFO order).
//!
//! Names are unique per process and call ([`unique_name`]); nothing ever resets moto globally, so tests may run
//! in parallel and share the server. Example:
//! ```no_run
//! # async fn demo() -> Result<(), moto_harness::HarnessError> {
//! let moto = moto_harness::MotoServer::try_shared()?;
//! let queue = moto.create_fifo_queue("receipt").await?;
//! let secret = moto.create_secret("hubspot", "client-secret").await?;
//! let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
//! # let _ = (queue, secret, sqs); Ok(()) }
//! ```

mod fixtures;
mod server;

pub use fixtures::{FifoQueue, ReceivedMessage, Secret, unique_name};
pub use server::{ENV_BIN, ENV_ENDPOINT, MotoServer, sdk_config_for};

/// Errors of the harness. Messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// No endpoint configured and no moto_server binary found.
    #[error(
        "no moto server: MOTO_ENDPOINT is unset and no moto_server binary was found (looked at {looked_at}); \
         run the tests through scripts/test.sh, or set MOTO_ENDPOINT or MOTO_SERVER_BIN"
    )]
    NotFound {
        /// Paths that were tried.
        looked_at: String,
    },
    /// Starting the process failed.
    #[error("could not start {bin}: {source}")]
    Spawn {
        /// The binary.
        bin: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The server did not answer in time.
    #[error("moto_server at {endpoint} did not become ready within {seconds} s (log: {log})")]
    NotReady {
        /// Endpoint polled.
        endpoint: String,
        /// Wait time.
        seconds: u64,
        /// Path of the server's log file.
        log: String,
    },
    /// The shared server could not be provided (the first attempt's error, repeated for every caller).
    #[error("{0}")]
    Unavailable(String),
    /// An AWS call against moto failed.
    #[error("moto {operation} failed: {message}")]
    Aws {
        /// Operation name.
        operation: &'static str,
        /// Error text (SDK display with source chain).
        message: String,
    },
}

impl HarnessError {
    pub(crate) fn aws(operation: &'static str, e: impl std::error::Error) -> Self {
        let mut message = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Self::Aws { operation, message }
    }
}
