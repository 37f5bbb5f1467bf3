//! Locating or starting moto_server: `MOTO_ENDPOINT`, else a child process on a free loopback port with a
//! watchdog that kills it when the test process exits, readiness polling over plain HTTP.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

use crate::HarnessError;

/// Env var with the endpoint of an already running moto (set by `scripts/test.sh`).
pub const ENV_ENDPOINT: &str = "MOTO_ENDPOINT";
/// Env var with the path of a moto_server binary to start.
pub const ENV_BIN: &str = "MOTO_SERVER_BIN";
const DEFAULT_BINS: [&str; 2] = [
    "/work/main/.venv-tools/bin/moto_server",
    "/tmp/venv-tools/bin/moto_server",
];
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A moto server: either external (`MOTO_ENDPOINT`) or a child process owned by this value.
#[derive(Debug)]
pub struct MotoServer {
    endpoint: String,
    child: Option<Mutex<Child>>,
}

static SHARED: OnceLock<Result<MotoServer, String>> = OnceLock::new();

impl MotoServer {
    /// The process-wide server (see the crate docs for how it is found). Panics with an actionable message if
    /// there is none: use it in tests only.
    pub fn shared() -> &'static MotoServer {
        match Self::try_shared() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`MotoServer::shared`], returning the error instead of panicking.
    pub fn try_shared() -> Result<&'static MotoServer, HarnessError> {
        let cell = SHARED.get_or_init(|| Self::from_env_or_start(true).map_err(|e| e.to_string()));
        cell.as_ref()
            .map_err(|message| HarnessError::Unavailable(message.clone()))
    }

    /// Uses `MOTO_ENDPOINT` if set, else starts a private server that is killed when the value is dropped.
    pub fn start() -> Result<MotoServer, HarnessError> {
        Self::from_env_or_start(false)
    }

    fn from_env_or_start(watchdog: bool) -> Result<MotoServer, HarnessError> {
        if let Some(endpoint) = std::env::var(ENV_ENDPOINT).ok().filter(|s| !s.trim().is_empty()) {
            return Ok(MotoServer {
                endpoint: endpoint.trim().trim_end_matches('/').to_owned(),
                child: None,
            });
        }
        let bin = find_binary()?;
        let mut last = None;
        for _ in 0..3 {
            match spawn(&bin, watchdog) {
                Ok(server) => return Ok(server),
                Err(e @ HarnessError::NotReady { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(HarnessError::NotFound {
            looked_at: bin.display().to_string(),
        }))
    }

    /// Base URL, e.g. `http://127.0.0.1:5123`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// True when this value owns (and will kill) the server process.
    pub fn is_owned(&self) -> bool {
        self.child.is_some()
    }

    /// SDK configuration for the server: static dummy credentials, region `us-east-1`, endpoint override.
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config_for(&self.endpoint).await
    }
}

/// SDK configuration for any endpoint (e.g. a closed port to simulate an outage): dummy credentials, `us-east-1`.
pub async fn sdk_config_for(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto-harness"))
        .load()
        .await
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            let mut child = child.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn find_binary() -> Result<PathBuf, HarnessError> {
    let mut candidates: Vec<PathBuf> = std::env::var_os(ENV_BIN).map(PathBuf::from).into_iter().collect();
    candidates.extend(DEFAULT_BINS.iter().map(PathBuf::from));
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| HarnessError::NotFound {
            looked_at: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|source| HarnessError::Spawn {
        bin: "free port probe".into(),
        source,
    })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| HarnessError::Spawn {
            bin: "free port probe".into(),
            source,
        })
}

fn spawn(bin: &Path, watchdog: bool) -> Result<MotoServer, HarnessError> {
    let port = free_port()?;
    let log = std::env::temp_dir().join(format!("moto-harness-{}-{port}.log", std::process::id()));
    let spawn_err = |source| HarnessError::Spawn {
        bin: bin.display().to_string(),
        source,
    };
    let log_file = std::fs::File::create(&log).map_err(spawn_err)?;
    let log_err = log_file.try_clone().map_err(spawn_err)?;
    let mut child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        .spawn()
        .map_err(spawn_err)?;
    if watchdog {
        // Statics are never dropped: a detached shell kills moto once this test process is gone.
        let script = format!(
            "while kill -0 {parent} 2>/dev/null && kill -0 {moto} 2>/dev/null; do sleep 1; done; kill {moto} 2>/dev/null",
            parent = std::process::id(),
            moto = child.id()
        );
        let watchdog = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn();
        if let Err(source) = watchdog {
            let _ = child.kill();
            let _ = child.wait();
            return Err(HarnessError::Spawn {
                bin: "sh (watchdog)".into(),
                source,
            });
        }
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let server = MotoServer {
        endpoint,
        child: Some(Mutex::new(child)),
    };
    let deadline = Instant::now() + READY_TIMEOUT;
    while Instant::now() < deadline {
        if answers_http(port) {
            return Ok(server);
        }
        let exited = server
            .child
            .as_ref()
            .and_then(|c| c.lock().ok().and_then(|mut c| c.try_wait().ok().flatten()));
        if exited.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(HarnessError::NotReady {
        endpoint: server.endpoint.clone(),
        seconds: READY_TIMEOUT.as_secs(),
        log: log.display().to_string(),
    })
}

fn answers_http(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
