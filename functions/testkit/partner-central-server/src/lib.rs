//! partner-central-server: a local AWS Partner Central Selling API for tests. It speaks AWS JSON 1.0 on
//! 127.0.0.1, validates every request against botocore's published service model (located at run time, see
//! [`model::candidate_paths`]), behaves like the service where the sync depends on it (ClientToken idempotency,
//! full-replacement updates with LastModifiedDate locking, review-status edit rules), and gives tests controls:
//! seeding (one record or thousands at once: [`PartnerCentralServer::seed_opportunities`]), review status, fault
//! injection, a write-rate limit, an optional read-rate limit ([`PartnerCentralServer::set_read_rate_limit`]), and a
//! request log with per-operation counts ([`PartnerCentralServer::counts`], `reads()`, `writes()`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), partner_central_server::ServerError> {
//! let server = partner_central_server::PartnerCentralServer::start().await?;
//! server.seed_solution("AWS", "S-0000001", "My solution", "Active", "Software Product");
//! let url = server.endpoint_url(); // give this to the SDK as endpoint_url
//! # Ok(()) }
//! ```

pub mod errors;
pub mod model;
pub mod ops;
pub mod patterns;
pub mod server;
pub mod state;
pub mod validate;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};

pub use errors::ApiError;
pub use model::{Model, ModelError};
pub use server::Shared;
pub use state::{Fault, FaultKind, RecordedRequest, is_write};
pub use validate::FieldError;

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("loading the Partner Central service model: {0}")]
    Model(String),
    #[error("binding {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// The model, loaded and compiled once per process.
pub fn shared_model() -> Result<Arc<Model>, ServerError> {
    static MODEL: OnceLock<Result<Arc<Model>, String>> = OnceLock::new();
    MODEL
        .get_or_init(|| Model::locate().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(ServerError::Model)
}

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct PartnerCentralServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl PartnerCentralServer {
    /// Start on 127.0.0.1 with an OS-assigned port.
    pub async fn start() -> Result<PartnerCentralServer, ServerError> {
        PartnerCentralServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Start on the given address (port 0 = any free port).
    pub async fn start_on(addr: SocketAddr) -> Result<PartnerCentralServer, ServerError> {
        let shared = Arc::new(Shared {
            model: shared_model()?,
            state: Mutex::new(state::State::default()),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (local, _task) = server::serve(shared.clone(), addr, async move {
            let _ = rx.await;
        })
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
        Ok(PartnerCentralServer {
            addr: local,
            shared,
            shutdown: Some(tx),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, for the SDK's endpoint_url.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn model(&self) -> &Model {
        &self.shared.model
    }

    /// Seed a solution (a `SolutionBase`); `id` must match `S-[0-9]{1,19}`.
    pub fn seed_solution(&self, catalog: &str, id: &str, name: &str, status: &str, category: &str) {
        let mut st = self.shared.lock();
        let created = st.now_string();
        st.solutions.push(json!({
            "Catalog": catalog, "Id": id, "Name": name, "Status": status, "Category": category,
            "CreatedDate": created, "Arn": id,
        }));
    }

    /// Seed an opportunity from a record in the `GetOpportunityResponse` shape (members you omit are filled: Id,
    /// Arn, dates, RelatedEntityIdentifiers, LifeCycle.ReviewStatus = Pending Submission). Returns its id.
    pub fn seed_opportunity(&self, catalog: &str, record: Value) -> String {
        seed_into(&mut self.shared.lock(), catalog, record)
    }

    /// Seed many opportunities directly into the state under one lock (e.g. 5,000 in milliseconds), each like
    /// [`PartnerCentralServer::seed_opportunity`]. Returns their ids in input order.
    pub fn seed_opportunities(&self, catalog: &str, records: impl IntoIterator<Item = Value>) -> Vec<String> {
        let mut st = self.shared.lock();
        records.into_iter().map(|r| seed_into(&mut st, catalog, r)).collect()
    }

    /// The stored full record (as GetOpportunity would return it).
    pub fn opportunity(&self, id: &str) -> Option<Value> {
        self.shared.lock().opportunities.get(id).map(|o| o.record.clone())
    }

    /// Number of stored opportunities.
    pub fn opportunity_count(&self) -> usize {
        self.shared.lock().opportunities.len()
    }

    /// Set `LifeCycle.ReviewStatus` (e.g. "Submitted", "In review", "Approved", "Action Required", "Rejected"), as
    /// AWS's review would. Bumps LastModifiedDate. Returns false when the opportunity does not exist.
    pub fn set_review_status(&self, id: &str, status: &str) -> bool {
        let mut st = self.shared.lock();
        let now = st.now_string();
        match st.opportunities.get_mut(id) {
            Some(o) => {
                o.record["LifeCycle"]["ReviewStatus"] = json!(status);
                o.record["LastModifiedDate"] = json!(now);
                true
            }
            None => false,
        }
    }

    /// Bump an opportunity's LastModifiedDate as if someone else had modified it.
    pub fn touch(&self, id: &str) -> bool {
        self.shared.lock().touch(id)
    }

    /// Apply `kind` to the next `count` calls of any operation.
    pub fn inject_fault(&self, kind: FaultKind, count: u32) {
        self.shared.lock().faults.push_back(Fault {
            kind,
            operation: None,
            remaining: count,
        });
    }

    /// Apply `kind` to the next `count` calls of `operation`.
    pub fn inject_fault_for(&self, operation: &str, kind: FaultKind, count: u32) {
        self.shared.lock().faults.push_back(Fault {
            kind,
            operation: Some(operation.to_string()),
            remaining: count,
        });
    }

    /// Drop all pending faults.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Answer a write that comes sooner than `interval` after the previous accepted write with ThrottlingException
    /// (`Some(Duration::from_secs(1))` mirrors the 1 write/s quota); `None` disables the limit.
    pub fn set_write_rate_limit(&self, interval: Option<Duration>) {
        let mut st = self.shared.lock();
        st.write_interval = interval;
        st.last_write = None;
    }

    /// Answer a read-class call (Get/List*) with ThrottlingException when `per_second` reads were already accepted
    /// in the preceding second (a rolling window; `Some(10)` mirrors a 10 reads/s quota); `None` disables it.
    pub fn set_read_rate_limit(&self, per_second: Option<u32>) {
        let mut st = self.shared.lock();
        st.read_limit = per_second;
        st.recent_reads.clear();
    }

    /// Requests received per operation (answered or not), by operation name.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in &self.shared.lock().log {
            *out.entry(r.operation.clone()).or_insert(0) += 1;
        }
        out
    }

    /// Delay every answer by `latency` (`None` = answer at once).
    pub fn set_latency(&self, latency: Option<Duration>) {
        self.shared.lock().latency = latency;
    }

    /// Every request received so far, in arrival order (including rejected ones).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// Requests received for `operation`.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.operation == operation)
            .cloned()
            .collect()
    }

    /// Number of requests received for `operation`.
    pub fn count(&self, operation: &str) -> usize {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.operation == operation)
            .count()
    }

    /// Number of write-class requests received (answered or not).
    pub fn writes(&self) -> usize {
        self.shared.lock().log.iter().filter(|r| r.is_write()).count()
    }

    /// Number of read-class requests received.
    pub fn reads(&self) -> usize {
        self.shared.lock().log.iter().filter(|r| !r.is_write()).count()
    }

    /// Forget the request log.
    pub fn clear_log(&self) {
        self.shared.lock().log.clear();
    }
}

/// Store one seeded record (see [`PartnerCentralServer::seed_opportunity`]).
fn seed_into(st: &mut state::State, catalog: &str, mut record: Value) -> String {
    let id = match record.get("Id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => st.allocate_opportunity_id(),
    };
    let now = st.now_string();
    record["Catalog"] = json!(catalog);
    record["Id"] = json!(id);
    for (k, v) in [
        (
            "Arn",
            json!(format!(
                "arn:aws:partnercentral:us-east-1:{}:catalog/{catalog}/opportunity/{id}",
                ops::opportunity::ACCOUNT_ID
            )),
        ),
        ("CreatedDate", json!(now)),
        ("LastModifiedDate", json!(now)),
        ("RelatedEntityIdentifiers", json!({})),
    ] {
        if record.get(k).is_none() {
            record[k] = v;
        }
    }
    if record.pointer("/LifeCycle/ReviewStatus").is_none() {
        record["LifeCycle"]["ReviewStatus"] = json!("Pending Submission");
    }
    st.opportunities.insert(
        id.clone(),
        state::StoredOpportunity {
            record,
            origin: None,
            tags: None,
        },
    );
    id
}

impl Drop for PartnerCentralServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
