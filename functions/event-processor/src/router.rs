//! Routing of decoded [`SyncEvent`]s to handlers, and [`SyncProcessor`]: the engine's [`RecordProcessor`] for the
//! real message body.
//!
//! Routing is by (source, event kind): only `hubspot` events are handled; `microsoft`, `gcp` and `aws` events and
//! HubSpot kinds outside [`EventKind::HANDLED`] (or without a registered handler) are skipped with a reason and
//! counted, never treated as a deal. The coalescing key is the [`ObjectRef`] (handler, portal, object id).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use sync_events::{BodyError, EventKind, EventSource, SyncEvent};

use crate::engine::{ItemLabels, RecordProcessor, Route};
use crate::handlers::{HandlerError, HandlerKind, ObjectHandler, ObjectRef};
use crate::outcome::Completion;

/// The handler an event kind goes to (`None` for unsupported kinds).
pub fn handler_kind(kind: EventKind) -> Option<HandlerKind> {
    match kind {
        EventKind::DealCreation | EventKind::DealPropertyChange | EventKind::DealAssociationChange => {
            Some(HandlerKind::Deal)
        }
        EventKind::CompanyPropertyChange => Some(HandlerKind::Company),
        EventKind::ContactPropertyChange => Some(HandlerKind::Contact),
        EventKind::NoteCreation => Some(HandlerKind::Note),
        EventKind::Unsupported => None,
    }
}

/// Metric/log label of an event: its handled kind, or `unsupported` (bounded cardinality).
pub fn event_label(event: &SyncEvent) -> &'static str {
    if event.source != EventSource::Hubspot {
        return "unsupported";
    }
    match event.kind() {
        EventKind::DealCreation => "deal.creation",
        EventKind::DealPropertyChange => "deal.propertyChange",
        EventKind::DealAssociationChange => "deal.associationChange",
        EventKind::CompanyPropertyChange => "company.propertyChange",
        EventKind::ContactPropertyChange => "contact.propertyChange",
        EventKind::NoteCreation => "note.creation",
        EventKind::Unsupported => "unsupported",
    }
}

/// Handlers by kind.
#[derive(Default)]
pub struct Router {
    handlers: BTreeMap<HandlerKind, Arc<dyn ObjectHandler>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("handlers", &self.handlers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Router {
    /// A router without handlers (every event is skipped).
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a handler under its [`ObjectHandler::kind`] (replacing any previous one).
    pub fn with(mut self, handler: Arc<dyn ObjectHandler>) -> Self {
        self.handlers.insert(handler.kind(), handler);
        self
    }

    /// The same router with `f` applied to every handler (e.g. to wrap each one in a decorator). `f` must keep
    /// the handler's [`ObjectHandler::kind`]; the result is registered under the kind it reports.
    pub fn map_handlers(self, f: impl Fn(Arc<dyn ObjectHandler>) -> Arc<dyn ObjectHandler>) -> Router {
        let handlers = self
            .handlers
            .into_values()
            .map(|h| {
                let h = f(h);
                (h.kind(), h)
            })
            .collect();
        Router { handlers }
    }

    /// The kinds with a registered handler, in order.
    pub fn kinds(&self) -> Vec<HandlerKind> {
        self.handlers.keys().copied().collect()
    }

    /// Where an event goes.
    pub fn route(&self, event: &SyncEvent) -> Route<ObjectRef> {
        if event.source != EventSource::Hubspot {
            return Route::Skip(Cow::Borrowed("unsupported_source"));
        }
        let Some(kind) = handler_kind(event.kind()) else {
            return Route::Skip(Cow::Borrowed("unsupported_event_type"));
        };
        if !self.handlers.contains_key(&kind) {
            return Route::Skip(Cow::Borrowed("no_handler"));
        }
        Route::Process(ObjectRef {
            kind,
            portal_id: event.portal_id,
            object_id: event.object_id.clone(),
        })
    }

    fn handler(&self, kind: HandlerKind) -> Option<&Arc<dyn ObjectHandler>> {
        self.handlers.get(&kind)
    }
}

/// The engine's processor for SQS bodies written by `sync-events`.
#[derive(Debug)]
pub struct SyncProcessor {
    router: Router,
}

impl SyncProcessor {
    /// A processor dispatching through `router`.
    pub fn new(router: Router) -> Self {
        Self { router }
    }
}

impl RecordProcessor for SyncProcessor {
    type Item = SyncEvent;
    type Key = ObjectRef;
    type DecodeError = BodyError;
    type Error = HandlerError;

    fn decode(&self, body: &str) -> Result<SyncEvent, BodyError> {
        SyncEvent::from_sqs_body(body)
    }

    fn route(&self, event: &SyncEvent) -> Route<ObjectRef> {
        self.router.route(event)
    }

    fn labels(&self, event: &SyncEvent) -> ItemLabels {
        ItemLabels {
            event_type: event_label(event).to_owned(),
            correlation_id: Some(event.correlation_id.clone()),
        }
    }

    async fn process<'a>(&'a self, key: &'a ObjectRef, items: &'a [&'a SyncEvent]) -> Result<Completion, HandlerError> {
        match self.router.handler(key.kind) {
            Some(handler) => handler.sync(key, items).await,
            // `route` only yields keys of registered handlers.
            None => Ok(Completion::skipped("no_handler")),
        }
    }

    async fn on_permanent_failure<'a>(
        &'a self,
        key: &'a ObjectRef,
        items: &'a [&'a SyncEvent],
        error: &'a HandlerError,
    ) {
        if let Some(handler) = self.router.handler(key.kind) {
            handler.surface_permanent_failure(key, items, error).await;
        }
    }
}
