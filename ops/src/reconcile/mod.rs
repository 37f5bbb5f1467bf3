//! `sync-ops reconcile`: compares, for every in-scope HubSpot deal, the opportunity the mapping would produce with
//! the one in Partner Central, and reports missing opportunities, opportunities without a deal, linked-but-drifted
//! fields, deals in error state and link mismatches ([`report::Finding`]).
//!
//! - [`source`]: paced reads (HubSpot deal listing pages, deal reads, batch reads; ListOpportunities pages; GetOpportunity).
//! - [`compare`]: the pure comparison.
//! - [`fields`]: comparable values of the fields the sync owns.
//! - [`report`]: the report, its summary table, JSON and CSV.
//!
//! Partner Central reads: `ceil(opportunities / 100)` ListOpportunities pages, plus one GetOpportunity per linked,
//! listed deal at depth `full` (none at depth `summary`, which compares only the fields summaries carry).

pub mod compare;
pub mod fields;
pub mod report;
pub mod source;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use hubspot::HubSpotClient;
use partner_central::PartnerCentral;

use crate::error::OpsError;
use crate::quota::PC_READS_PER_SECOND;
use crate::settings::SyncSettings;
use compare::{Inputs, LinkProperties};
use report::{Report, RunStats};
pub use source::Pacers;

/// How much of each linked opportunity is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Depth {
    /// GetOpportunity per linked deal: every field the sync owns.
    Full,
    /// ListOpportunities summaries only: stage, close date, next steps, account, delivery models, spend.
    Summary,
}

/// Options of one run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Depth.
    pub depth: Depth,
    /// GetOpportunity calls in flight.
    pub concurrency: usize,
    /// Progress line every this many deals / opportunities.
    pub progress_every: usize,
    /// "Today" for the mapping.
    pub today: NaiveDate,
    /// Partner Central read rate (for the report).
    pub partner_central_read_rate: f64,
}

/// Runs a reconciliation.
pub async fn run(
    hs: &HubSpotClient,
    pc: &PartnerCentral,
    settings: &SyncSettings,
    pacers: &Pacers,
    opts: &Options,
    progress: &mut dyn FnMut(String),
) -> Result<Report, OpsError> {
    let started = Instant::now();
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let candidates = source::scope_candidates(hs, settings, &[], pacers, progress).await?;
    let examined = candidates.len() as u64;
    let in_scope: Vec<String> = candidates
        .into_iter()
        .filter(|d| deal_mapping::in_scope(d, &settings.mapping))
        .map(|d| d.id)
        .collect();
    progress(format!("hubspot: {} of {examined} deal(s) in scope", in_scope.len()));
    let deals = source::deal_records(hs, settings, &in_scope, pacers, opts.progress_every, progress).await?;
    let (opportunities, pages) = source::list_opportunities(pc, pacers, progress).await?;
    let full = match opts.depth {
        Depth::Summary => BTreeMap::new(),
        Depth::Full => {
            let listed: std::collections::BTreeSet<&str> =
                opportunities.iter().filter_map(|o| o.id.as_deref()).collect();
            let mut linked: Vec<String> = deals
                .iter()
                .filter_map(|d| d.deal.property(&settings.properties.opportunity_id))
                .map(str::trim)
                .filter(|id| listed.contains(id))
                .map(str::to_owned)
                .collect();
            linked.sort();
            linked.dedup();
            source::get_opportunities(pc, &linked, pacers, opts.concurrency, opts.progress_every, progress).await?
        }
    };
    let properties = LinkProperties {
        opportunity_id: settings.properties.opportunity_id.clone(),
        sync_status: settings.properties.sync_status.clone(),
        sync_error: settings.properties.sync_error.clone(),
    };
    let (findings, mut summary) = compare::compare(&Inputs {
        deals: &deals,
        opportunities: &opportunities,
        full: &full,
        mapping: &settings.mapping,
        properties: &properties,
        today: opts.today,
    });
    summary.deals_examined = examined;
    let reads = pacers.partner_central.used();
    let mut report = Report {
        schema_version: 1,
        generated_at,
        catalog: pc.catalog().as_str().to_owned(),
        summary,
        stats: RunStats {
            depth: match opts.depth {
                Depth::Full => "full",
                Depth::Summary => "summary",
            }
            .to_owned(),
            partner_central_reads: reads,
            list_opportunities_pages: pages,
            get_opportunity_calls: full.len() as u64,
            hubspot_requests: pacers.hubspot_requests(),
            elapsed_seconds: started.elapsed().as_secs_f64(),
            partner_central_read_rate: opts.partner_central_read_rate,
            seconds_at_quota: reads as f64 / PC_READS_PER_SECOND,
        },
        findings,
    };
    report.finish();
    Ok(report)
}

/// Writes the link property onto every deal the report found `unlinked` with exactly one opportunity carrying its
/// id (an opportunity the previous system created, or ours after a lost write-back, that the processor's adopt
/// lookup did not find). One HubSpot PATCH per deal, paced by `pacer`; the next event of the deal (or a `backfill`)
/// then updates the opportunity. Deals with several candidate opportunities are left alone (they are `duplicate`s
/// to resolve by hand). Returns `(deal id, opportunity id)` of each link written.
pub async fn link_unlinked(
    hs: &HubSpotClient,
    report: &Report,
    link_property: &str,
    pacer: &crate::quota::Pacer,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<(String, String)>, OpsError> {
    let mut linked = Vec::new();
    for f in &report.findings {
        let report::Finding::LinkMismatch {
            deal_id,
            problem: report::LinkProblem::Unlinked,
            opportunity_ids,
            ..
        } = f
        else {
            continue;
        };
        let [opportunity] = opportunity_ids.as_slice() else {
            progress(format!(
                "link: deal {deal_id} has {} candidate opportunities; left alone",
                opportunity_ids.len()
            ));
            continue;
        };
        pacer.acquire().await?;
        let props = BTreeMap::from([(link_property.to_owned(), opportunity.clone())]);
        hs.update_deal(deal_id, &props).await.map_err(|e| OpsError::Remote {
            service: "HubSpot",
            operation: format!("PATCH deal {deal_id}"),
            message: e.to_string(),
        })?;
        progress(format!("link: deal {deal_id} -> {opportunity}"));
        linked.push((deal_id.clone(), opportunity.clone()));
    }
    Ok(linked)
}
