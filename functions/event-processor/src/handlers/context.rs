//! The context every handler shares: the live [`Services`] and the [`SyncSettings`] of the deployment, built once
//! per cold start. Handlers get their clients **only** through [`HandlerContext::services_for`], so the shadow mode
//! can hand out shadow services (recording instead of writing) per deal without the handlers knowing.
//!
//! [`Handlers::from_settings`] builds the router with every handler of this build over one context.

use std::sync::Arc;

use deal_mapping::{MappingConfig, SyncProperties, SyncSettings};

use super::company::CompanyHandler;
use super::contact::ContactHandler;
use super::deal::DealHandler;
use super::note::NoteHandler;
use super::{HandlerKind, ObjectRef};
use crate::router::Router;
use crate::services::Services;

/// Services and settings shared by every handler (cheap to clone).
#[derive(Debug, Clone)]
pub struct HandlerContext {
    services: Arc<Services>,
    settings: Arc<SyncSettings>,
}

impl HandlerContext {
    /// A context over the live services.
    pub fn new(services: Arc<Services>, settings: Arc<SyncSettings>) -> Self {
        Self { services, settings }
    }

    /// A context with the default settings (tests, tools).
    pub fn with_defaults(services: Arc<Services>) -> Self {
        Self::new(services, Arc::new(SyncSettings::default()))
    }

    /// The services to use for work on `target`. Fan-out handlers ask once for their own object (its reads) and
    /// once per deal they touch, with that deal's [`ObjectRef`] ([`HandlerContext::deal_ref`]).
    /// Live mode: always the live services. Shadow mode: the live services for a deal inside the canary, else a
    /// shadow twin recording its writes (see [`crate::shadow::session::select`]).
    pub fn services_for(&self, target: &ObjectRef) -> Arc<Services> {
        crate::shadow::session::select(&self.services, &self.settings, target)
    }

    /// The reference of deal `deal_id` in `target`'s portal (to ask [`HandlerContext::services_for`] per deal).
    pub fn deal_ref(target: &ObjectRef, deal_id: &str) -> ObjectRef {
        ObjectRef {
            kind: HandlerKind::Deal,
            portal_id: target.portal_id,
            object_id: deal_id.to_owned(),
        }
    }

    /// The whole settings document.
    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    /// The mapping rules.
    pub fn mapping(&self) -> &MappingConfig {
        &self.settings.mapping
    }

    /// The names of the write-back properties.
    pub fn properties(&self) -> &SyncProperties {
        &self.settings.properties
    }

    /// The sync's own HubSpot app id, if configured.
    pub fn app_id(&self) -> Option<&str> {
        self.settings.hubspot_app_id.as_deref()
    }
}

/// Builds the handler set.
#[derive(Debug)]
pub struct Handlers;

impl Handlers {
    /// The router with the deal, company, contact and note handlers over `services` and `settings`.
    pub fn from_settings(services: Arc<Services>, settings: Arc<SyncSettings>) -> Router {
        Self::from_context(HandlerContext::new(services, settings))
    }

    /// The router with every handler over one context.
    pub fn from_context(ctx: HandlerContext) -> Router {
        Router::new()
            .with(Arc::new(DealHandler::new(ctx.clone())))
            .with(Arc::new(CompanyHandler::new(ctx.clone())))
            .with(Arc::new(ContactHandler::new(ctx.clone())))
            .with(Arc::new(NoteHandler::new(ctx)))
    }
}
