//! Running a Lambda binary as Lambda does: a fresh process with the runtime's environment (`AWS_LAMBDA_*`, region,
//! credentials, `AWS_ENDPOINT_URL`, nothing inherited), stdout/stderr to a log file, and its peak RSS (`VmHWM`)
//! read from `/proc` before it is stopped.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// Errors starting or inspecting a function process.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The log file could not be created.
    #[error("cannot create log file {path}: {source}")]
    Log {
        /// The log path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The binary could not be started.
    #[error("cannot start {path}: {source}")]
    Spawn {
        /// The binary.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The environment Lambda gives a `provided.al2023` function, for `function_name` served by the Runtime API at
/// `runtime_api` (`host:port`), with static test credentials.
pub fn lambda_env(function_name: &str, runtime_api: &str, memory_mb: u32) -> BTreeMap<String, String> {
    let pairs = [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", function_name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function_name}")),
        (
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "2026/11/29/[$LATEST]0123456789abcdef".to_owned(),
        ),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "ASIABENCHHARNESSKEY0".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "bench-harness-secret-access-key".to_owned()),
        ("AWS_SESSION_TOKEN", "bench-harness-session-token".to_owned()),
        ("LAMBDA_TASK_ROOT", "/var/task".to_owned()),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime".to_owned()),
        ("LANG", "en_US.UTF-8".to_owned()),
        ("TZ", ":UTC".to_owned()),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin".to_owned()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A running function process.
pub struct FunctionProcess {
    child: tokio::process::Child,
    /// Its pid.
    pub pid: Option<u32>,
    /// Just before exec.
    pub spawned_at: Instant,
    /// Where its stdout and stderr go.
    pub log_path: PathBuf,
}

impl FunctionProcess {
    /// Starts `binary` with exactly `env` (nothing inherited), logging to `log_path`.
    pub fn spawn(binary: &Path, env: &BTreeMap<String, String>, log_path: &Path) -> Result<Self, ProcessError> {
        let log_err = |source| ProcessError::Log {
            path: log_path.to_owned(),
            source,
        };
        let out = File::create(log_path).map_err(log_err)?;
        let err = out.try_clone().map_err(log_err)?;
        let mut cmd = tokio::process::Command::new(binary);
        cmd.env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true);
        let spawned_at = Instant::now();
        let child = cmd.spawn().map_err(|source| ProcessError::Spawn {
            path: binary.to_owned(),
            source,
        })?;
        Ok(Self {
            pid: child.id(),
            child,
            spawned_at,
            log_path: log_path.to_owned(),
        })
    }

    /// Peak resident set size so far, in KiB (`VmHWM` of `/proc/<pid>/status`).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid?)).ok()?;
        parse_vm_hwm(&status)
    }

    /// Waits for the process to exit on its own (returns its status).
    pub async fn wait(&mut self) -> std::io::Result<std::process::ExitStatus> {
        self.child.wait().await
    }

    /// Kills the process and reaps it.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// The last `max` bytes of the process log (for error messages).
    pub fn log_tail(&self, max: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let start = text.len().saturating_sub(max);
        let start = (start..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        text[start..].to_owned()
    }
}

/// The `VmHWM` value (KiB) of a `/proc/<pid>/status` text.
pub fn parse_vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_hwm_is_parsed_in_kib() {
        let status = "Name:\tx\nVmPeak:\t  10000 kB\nVmHWM:\t    4321 kB\nVmRSS:\t 4000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(4321));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[test]
    fn lambda_env_has_what_lambda_runtime_requires() {
        let env = lambda_env("f", "127.0.0.1:9001", 128);
        for k in [
            "AWS_LAMBDA_RUNTIME_API",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_REGION",
        ] {
            assert!(env.contains_key(k), "{k}");
        }
        assert_eq!(env["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:9001");
    }
}
