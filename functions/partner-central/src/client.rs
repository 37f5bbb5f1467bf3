//! The Partner Central client: one method per operation the sync uses, every write behind the per-instance
//! [`WriteLimiter`], every call counted in [`Metrics`], every error converted to a classified [`PcError`].
//! `update_with_retry` implements Get -> merge -> Update with the current LastModifiedDate, re-getting and
//! re-merging on ConflictException up to a bound. The client makes its own retries (SDK retry off) so that each
//! write attempt takes a write-limiter slot; an optional read limiter paces reads. In shadow mode
//! ([`PartnerCentral::shadow`]) writes are recorded, not sent.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_partnercentralselling::Client;
use aws_sdk_partnercentralselling::config::http::HttpResponse;
use aws_sdk_partnercentralselling::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_partnercentralselling::operation::create_opportunity::CreateOpportunityOutput;
use aws_sdk_partnercentralselling::operation::get_opportunity::GetOpportunityOutput;
use aws_sdk_partnercentralselling::operation::list_opportunities::builders::ListOpportunitiesFluentBuilder;
use aws_sdk_partnercentralselling::operation::start_engagement_from_opportunity_task::StartEngagementFromOpportunityTaskOutput;
use aws_sdk_partnercentralselling::operation::update_opportunity::UpdateOpportunityOutput;
use aws_sdk_partnercentralselling::types::{
    AwsSubmission, OpportunitySummary, RelatedEntityType, SolutionBase, SolutionStatus,
};
use aws_smithy_types::DateTime;

use crate::config::{Catalog, ClientToken, PartnerCentralConfig, build_sdk_client};
use crate::error::{AsValidation, PcError, from_sdk};
use crate::fields::{EditPolicy, NewOpportunity, OpportunityFields, edit_policy};
use crate::limiter::WriteLimiter;
use crate::metrics::Metrics;
use crate::retry::{backoff, retryable, with_margin};
use crate::shadow::ShadowHttp;
use aws_sdk_partnercentralselling::config::retry::RetryConfig;
use hubspot::shadow::{WriteLog, WriteMode};

/// Result of [`PartnerCentral::update_with_retry`].
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateResult {
    pub id: String,
    /// LastModifiedDate after the write (or the current one when nothing was written).
    pub last_modified_date: DateTime,
    /// False when the merge produced no change (or returned `None`): no UpdateOpportunity was sent.
    pub written: bool,
    /// UpdateOpportunity attempts made (0 when nothing was written).
    pub attempts: u32,
    /// The review status was Action Required and changes outside the editable subset were left out.
    pub restricted_to_action_required: bool,
}

/// Partner Central Selling API client. Cheap to clone (shares the SDK client, limiters and metrics).
#[derive(Debug, Clone)]
pub struct PartnerCentral {
    client: Client,
    /// The SDK client writes go through: `client` in live mode, a [`ShadowHttp`]-backed twin in shadow mode.
    writer: Client,
    mode: WriteMode,
    catalog: Catalog,
    limiter: Arc<WriteLimiter>,
    read_limiter: Option<Arc<WriteLimiter>>,
    metrics: Arc<Metrics>,
    conflict_retries: u32,
    max_attempts: u32,
    initial_backoff: Duration,
}

/// Whether an operation is in the write quota class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

impl PartnerCentral {
    /// Build from an `SdkConfig` (e.g. `aws_config::load_defaults(..)`) and the settings.
    pub async fn new(sdk: &SdkConfig, cfg: PartnerCentralConfig) -> PartnerCentral {
        let client = build_sdk_client(sdk, &cfg).await;
        PartnerCentral::from_client(client, &cfg)
    }

    /// Wrap an already-built SDK client. Its endpoint, credentials and timeouts are used as they are; its retry is
    /// turned off because this client retries itself (`max_attempts`, `initial_backoff`), taking a limiter slot per
    /// attempt.
    pub fn from_client(client: Client, cfg: &PartnerCentralConfig) -> PartnerCentral {
        let client = Client::from_conf(
            client
                .config()
                .to_builder()
                .retry_config(RetryConfig::disabled())
                .build(),
        );
        let live = PartnerCentral {
            writer: client.clone(),
            client,
            mode: WriteMode::Live,
            catalog: cfg.catalog,
            limiter: Arc::new(WriteLimiter::new(with_margin(cfg.write_interval))),
            read_limiter: cfg.read_interval.map(|i| Arc::new(WriteLimiter::new(with_margin(i)))),
            metrics: Arc::new(Metrics::default()),
            conflict_retries: cfg.conflict_retries,
            max_attempts: cfg.max_attempts.max(1),
            initial_backoff: cfg.initial_backoff,
        };
        match &cfg.write_mode {
            WriteMode::Live => live,
            WriteMode::Shadow(log) => live.shadow(log.clone()),
        }
    }

    /// A shadow twin: same SDK client (connection pool, credentials), limiters and metrics for reads; writes are
    /// serialized by the SDK exactly as live, recorded into `log` as [`hubspot::PlannedWrite`]s and not sent (no
    /// write-limiter wait, not counted in [`Metrics`]). A shadow create answers a synthetic opportunity id
    /// ([`crate::shadow_opportunity_id`]).
    pub fn shadow(&self, log: WriteLog) -> PartnerCentral {
        let writer = Client::from_conf(
            self.client
                .config()
                .to_builder()
                .http_client(ShadowHttp::new(log.clone()))
                .build(),
        );
        PartnerCentral {
            writer,
            mode: WriteMode::Shadow(log),
            ..self.clone()
        }
    }

    /// Live, or shadow with its log.
    pub fn write_mode(&self) -> &WriteMode {
        &self.mode
    }

    pub fn catalog(&self) -> Catalog {
        self.catalog
    }

    /// The underlying SDK client (for operations this layer does not wrap; they bypass limiters, retries and
    /// metrics, and are sent even in shadow mode).
    pub fn sdk(&self) -> &Client {
        &self.client
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Runs one operation with the client's retry: up to `max_attempts` attempts on throttling, 5xx, timeouts and
    /// network errors, with jittered exponential backoff. Every attempt of a write first takes a write-limiter
    /// slot (so retries stay within the write quota too); every attempt of a read takes a read-limiter slot when
    /// one is configured. Shadow writes are answered locally: no limiter, no retry, no metrics.
    async fn call<T, E, Fut>(&self, operation: &'static str, kind: Kind, send: impl Fn() -> Fut) -> Result<T, PcError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + AsValidation + std::error::Error + 'static,
    {
        if kind == Kind::Write && self.mode.is_shadow() {
            return send().await.map_err(|e| from_sdk(operation, e));
        }
        let limiter = match kind {
            Kind::Write => Some(&self.limiter),
            Kind::Read => self.read_limiter.as_ref(),
        };
        let mut waited = Duration::ZERO;
        let start = tokio::time::Instant::now();
        let mut attempt = 0u32;
        let result = loop {
            attempt += 1;
            if let Some(l) = limiter {
                waited += l.acquire().await;
            }
            let result = send().await.map_err(|e| from_sdk(operation, e));
            match result {
                Err(e) if attempt < self.max_attempts && retryable(&e) => {
                    let delay = backoff(self.initial_backoff, attempt);
                    tracing::debug!(operation, attempt, delay_ms = delay.as_millis() as u64, error = %e, "retrying");
                    self.metrics.record_retry(operation);
                    tokio::time::sleep(delay).await;
                }
                other => break other,
            }
        };
        let latency = start.elapsed().saturating_sub(waited);
        self.metrics.record(operation, latency, waited, result.as_ref().err());
        if let Err(e) = &result {
            tracing::debug!(operation, attempts = attempt, class = ?e.class(), error = %e, "partner central call failed");
        }
        result
    }

    /// GetOpportunity.
    pub async fn get_opportunity(&self, id: &str) -> Result<GetOpportunityOutput, PcError> {
        let req = self
            .client
            .get_opportunity()
            .catalog(self.catalog.as_str())
            .identifier(id);
        self.call("GetOpportunity", Kind::Read, || req.clone().send()).await
    }

    /// CreateOpportunity with the caller's deterministic ClientToken.
    pub async fn create_opportunity(
        &self,
        token: &ClientToken,
        new: &NewOpportunity,
    ) -> Result<CreateOpportunityOutput, PcError> {
        let f = new.fields.sanitized();
        let req = self
            .writer
            .create_opportunity()
            .catalog(self.catalog.as_str())
            .client_token(token.as_str())
            .set_primary_needs_from_aws(f.primary_needs_from_aws)
            .set_national_security(f.national_security)
            .set_partner_opportunity_identifier(f.partner_opportunity_identifier)
            .set_customer(f.customer)
            .set_project(f.project)
            .set_opportunity_type(f.opportunity_type)
            .set_marketing(f.marketing)
            .set_software_revenue(f.software_revenue)
            .set_life_cycle(f.life_cycle)
            .set_origin(new.origin.clone())
            .set_opportunity_team(new.opportunity_team.clone())
            .set_tags(new.tags.clone());
        self.call("CreateOpportunity", Kind::Write, || req.clone().send()).await
    }

    /// One UpdateOpportunity: sends the complete `fields` (full replacement) with `last_modified_date`.
    pub async fn update_opportunity(
        &self,
        id: &str,
        last_modified_date: &DateTime,
        fields: &OpportunityFields,
    ) -> Result<UpdateOpportunityOutput, PcError> {
        let f = fields.sanitized();
        let req = self
            .writer
            .update_opportunity()
            .catalog(self.catalog.as_str())
            .identifier(id)
            .last_modified_date(*last_modified_date)
            .set_primary_needs_from_aws(f.primary_needs_from_aws)
            .set_national_security(f.national_security)
            .set_partner_opportunity_identifier(f.partner_opportunity_identifier)
            .set_customer(f.customer)
            .set_project(f.project)
            .set_opportunity_type(f.opportunity_type)
            .set_marketing(f.marketing)
            .set_software_revenue(f.software_revenue)
            .set_life_cycle(f.life_cycle);
        self.call("UpdateOpportunity", Kind::Write, || req.clone().send()).await
    }

    /// Get -> `merge(current, fields_of_current)` -> Update with the current LastModifiedDate. On
    /// ConflictException: re-get, re-merge and retry, at most `conflict_retries` more times, then
    /// [`PcError::ConflictRetriesExhausted`] (transient). `merge` returns the complete desired fields, or `None`
    /// for "nothing to do". Locked review statuses give [`PcError::NotEditable`] without a write; in Action
    /// Required only the editable subset is sent. No write happens when the merged fields equal the current ones.
    pub async fn update_with_retry<F>(&self, id: &str, mut merge: F) -> Result<UpdateResult, PcError>
    where
        F: FnMut(&GetOpportunityOutput, OpportunityFields) -> Option<OpportunityFields>,
    {
        let mut attempts = 0u32;
        loop {
            let current = self.get_opportunity(id).await?;
            let policy = edit_policy(&current);
            if let EditPolicy::Locked(review_status) = policy {
                return Err(PcError::NotEditable {
                    id: id.to_string(),
                    review_status,
                });
            }
            let current_fields = OpportunityFields::from_current(&current);
            let unchanged = |restricted| UpdateResult {
                id: id.to_string(),
                last_modified_date: current.last_modified_date,
                written: false,
                attempts,
                restricted_to_action_required: restricted,
            };
            let Some(desired) = merge(&current, current_fields.clone()) else {
                return Ok(unchanged(false));
            };
            let (desired, restricted) = match policy {
                EditPolicy::ActionRequiredSubset => desired.restrict_to_action_required(&current_fields),
                _ => (desired.sanitized(), false),
            };
            if desired == current_fields {
                return Ok(unchanged(restricted));
            }
            attempts += 1;
            match self.update_opportunity(id, &current.last_modified_date, &desired).await {
                Ok(out) => {
                    return Ok(UpdateResult {
                        id: out.id,
                        last_modified_date: out.last_modified_date,
                        written: true,
                        attempts,
                        restricted_to_action_required: restricted,
                    });
                }
                Err(PcError::Conflict { message, .. }) => {
                    if attempts > self.conflict_retries {
                        return Err(PcError::ConflictRetriesExhausted {
                            id: id.to_string(),
                            attempts,
                            message,
                        });
                    }
                    tracing::debug!(id, attempts, "UpdateOpportunity conflict; re-getting");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// ListOpportunities for this catalog, following NextToken for up to `max_pages` pages. `customize` adds
    /// filters, e.g. `|b| b.identifier("O123")` or `|b| b.lifecycle_review_status(ReviewStatus::Submitted)`.
    pub async fn list_opportunities(
        &self,
        customize: impl Fn(ListOpportunitiesFluentBuilder) -> ListOpportunitiesFluentBuilder,
        max_pages: usize,
    ) -> Result<Vec<OpportunitySummary>, PcError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..max_pages.max(1) {
            let b = customize(self.client.list_opportunities().catalog(self.catalog.as_str())).set_next_token(token);
            let page = self.call("ListOpportunities", Kind::Read, || b.clone().send()).await?;
            out.extend(page.opportunity_summaries);
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// Opportunities whose PartnerOpportunityIdentifier equals `partner_id` (ListOpportunities has no such filter,
    /// so this pages through up to `max_pages` x 100 summaries). Used to recover after a ClientToken conflict.
    pub async fn find_by_partner_identifier(
        &self,
        partner_id: &str,
        max_pages: usize,
    ) -> Result<Vec<OpportunitySummary>, PcError> {
        let all = self.list_opportunities(|b| b.max_results(100), max_pages).await?;
        Ok(all
            .into_iter()
            .filter(|s| s.partner_opportunity_identifier.as_deref() == Some(partner_id))
            .collect())
    }

    /// AssociateOpportunity.
    pub async fn associate_opportunity(
        &self,
        id: &str,
        entity_type: RelatedEntityType,
        entity_id: &str,
    ) -> Result<(), PcError> {
        let req = self
            .writer
            .associate_opportunity()
            .catalog(self.catalog.as_str())
            .opportunity_identifier(id)
            .related_entity_type(entity_type)
            .related_entity_identifier(entity_id);
        self.call("AssociateOpportunity", Kind::Write, || req.clone().send())
            .await
            .map(|_| ())
    }

    /// Associate a partner solution (`S-…`) with an opportunity.
    pub async fn associate_solution(&self, id: &str, solution_id: &str) -> Result<(), PcError> {
        self.associate_opportunity(id, RelatedEntityType::Solutions, solution_id)
            .await
    }

    /// ListSolutions with the given statuses (empty = any), all pages.
    pub async fn list_solutions(&self, statuses: &[SolutionStatus]) -> Result<Vec<SolutionBase>, PcError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut b = self
                .client
                .list_solutions()
                .catalog(self.catalog.as_str())
                .set_next_token(token);
            if !statuses.is_empty() {
                b = b.set_status(Some(statuses.to_vec()));
            }
            let page = self.call("ListSolutions", Kind::Read, || b.clone().send()).await?;
            out.extend(page.solution_summaries);
            token = page.next_token;
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// StartEngagementFromOpportunityTask (submits the opportunity to AWS) with the caller's ClientToken.
    pub async fn start_engagement(
        &self,
        token: &ClientToken,
        id: &str,
        submission: AwsSubmission,
    ) -> Result<StartEngagementFromOpportunityTaskOutput, PcError> {
        let req = self
            .writer
            .start_engagement_from_opportunity_task()
            .catalog(self.catalog.as_str())
            .client_token(token.as_str())
            .identifier(id)
            .aws_submission(submission);
        self.call("StartEngagementFromOpportunityTask", Kind::Write, || req.clone().send())
            .await
    }
}
