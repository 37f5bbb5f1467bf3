//! hubspot-server: a local HubSpot CRM v3 server for tests and local end-to-end runs.
//!
//! It speaks HubSpot's wire protocol for exactly the endpoints the `hubspot` client uses:
//! - `GET /crm/v3/objects/{type}/{id}?properties=..&associations=..`
//! - `POST /crm/v3/objects/{type}/batch/read`, `PATCH /crm/v3/objects/{type}/{id}`, `POST /crm/v3/objects/{type}`
//! - `POST /crm/v3/objects/{type}/search` (EQ/NEQ/IN/NOT_IN/CONTAINS_TOKEN/.../GT..LTE, 200 per page, 10,000-result
//!   cap), `GET /crm/v3/objects/{type}?limit=..&after=..` (list, 100 per page),
//!   `GET /crm/v4/objects/{type}/{id}/associations/{toType}`
//!
//! It validates like HubSpot (bearer token, existing and writable properties, string values, JSON bodies, association
//! types), records every request, and injects faults (429 with HubSpot's body and headers, 5xx, latency).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType, ServerConfig};
//! let server = HubSpotServer::start(ServerConfig::default()).await?;
//! server.seed(ObjectType::Deals, "101", [("dealname", "Acme #AWS")])?;
//! server.seed_many(ObjectType::Deals, (1000..3000).map(|n| (n.to_string(), [("dealname", format!("Deal {n} #AWS"))])))?;
//! server.inject(FaultRule::next(1, Fault::ten_secondly()));
//! let base_url = server.base_url(); // point the client here, with `server.token()`
//! # Ok(()) }
//! ```

mod batch;
mod faults;
mod routes;
mod schema;
mod search;
mod store;
mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

pub use faults::{Fault, FaultRule, RateLimitPolicy};
pub use schema::{ObjectType, SYNC_DEAL_PROPERTIES, association_type_id};
pub use store::{SeedError, StoredObject};
pub use wire::RecordedRequest;

use routes::{Shared, State};
use store::Store;

/// Settings for a server instance.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The bearer token the server accepts.
    pub token: String,
    /// Association entries listed per type in a single-object read before `paging` is added.
    pub association_page_limit: usize,
    /// Extra deal properties to define (beyond HubSpot's defaults and [`SYNC_DEAL_PROPERTIES`]).
    pub extra_deal_properties: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: "pat-local-test-token".to_owned(),
            association_page_limit: 500,
            extra_deal_properties: Vec::new(),
        }
    }
}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Binding the listener failed.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct HubSpotServer {
    addr: SocketAddr,
    token: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl HubSpotServer {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: ServerConfig) -> Result<Self, ServerError> {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
        let mut store = Store::default();
        for name in &config.extra_deal_properties {
            store.define_property(ObjectType::Deals, name);
        }
        let shared = Arc::new(Shared::new(State {
            store,
            faults: Vec::new(),
            requests: Vec::new(),
            token: config.token.clone(),
            association_page_limit: config.association_page_limit.max(1),
        }));
        let app = axum::Router::new()
            .fallback(routes::handle)
            .with_state(Arc::clone(&shared));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                tracing::error!(%error, "hubspot-server stopped");
            }
        });
        Ok(Self {
            addr,
            token: config.token,
            shared,
            shutdown: Some(tx),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, to use as the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The accepted bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Defines an extra property on an object type.
    pub fn define_property(&self, object_type: ObjectType, name: &str) {
        self.shared.lock().store.define_property(object_type, name);
    }

    /// Inserts or replaces an object; every property must be defined for the type.
    pub fn seed<K: Into<String>, V: Into<String>>(
        &self,
        object_type: ObjectType,
        id: &str,
        properties: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), SeedError> {
        let properties: BTreeMap<String, String> = properties.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self.shared.lock().store.seed(object_type, id, properties)
    }

    /// Inserts or replaces many objects under one lock (e.g. 10,000 deals in a few milliseconds); each is validated
    /// like [`HubSpotServer::seed`]. Returns how many were stored; stops at the first invalid one.
    pub fn seed_many<I, P, K, V>(&self, object_type: ObjectType, objects: I) -> Result<usize, SeedError>
    where
        I: IntoIterator<Item = (String, P)>,
        P: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut state = self.shared.lock();
        let mut stored = 0;
        for (id, properties) in objects {
            let properties: BTreeMap<String, String> =
                properties.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
            state.store.seed(object_type, &id, properties)?;
            stored += 1;
        }
        Ok(stored)
    }

    /// Associates two existing objects (both directions).
    pub fn associate(&self, from: ObjectType, from_id: &str, to: ObjectType, to_id: &str) -> Result<(), SeedError> {
        self.shared.lock().store.associate(from, from_id, to, to_id, false)
    }

    /// Associates a deal with its primary company.
    pub fn associate_primary_company(&self, deal_id: &str, company_id: &str) -> Result<(), SeedError> {
        self.shared
            .lock()
            .store
            .associate(ObjectType::Deals, deal_id, ObjectType::Companies, company_id, true)
    }

    /// A copy of a stored object, to assert on what writes did.
    pub fn object(&self, object_type: ObjectType, id: &str) -> Option<StoredObject> {
        self.shared.lock().store.get(object_type, id).cloned()
    }

    /// All objects of a type, by id.
    pub fn objects(&self, object_type: ObjectType) -> BTreeMap<String, StoredObject> {
        self.shared
            .lock()
            .store
            .objects
            .get(&object_type)
            .cloned()
            .unwrap_or_default()
    }

    /// Ids associated with an object, numerically ordered.
    pub fn associated_ids(&self, from: ObjectType, id: &str, to: ObjectType) -> Vec<String> {
        self.shared
            .lock()
            .store
            .edges_from(from, id, to)
            .into_iter()
            .map(|e| e.to_id.clone())
            .collect()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.shared.lock().requests.len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Adds a fault rule (rules are tried in insertion order; the first match applies).
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    /// Drops all pending fault rules.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }
}

impl Drop for HubSpotServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
