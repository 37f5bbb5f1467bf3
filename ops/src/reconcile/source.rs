//! Reading the inputs of a reconciliation (or the deal set of a backfill), every request paced:
//!
//! - HubSpot: all deals by listing pages (100 per page, only the scope properties; no 10,000 cap as with search),
//!   the scope check locally (`deal_mapping::in_scope`), then per in-scope deal one read with its company/contact
//!   associations and the mapping's properties, then the companies and contacts in batch reads of 100.
//! - Partner Central: ListOpportunities pages of 100; GetOpportunity for the linked opportunities when the depth is
//!   `full`, a few in flight at a time, each behind the read pacer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use hubspot::{CrmObject, HubSpotClient, ObjectType};
use partner_central::PartnerCentral;
use partner_central::sdk::operation::get_opportunity::GetOpportunityOutput;
use partner_central::sdk::types::OpportunitySummary;

use super::compare::DealRecords;
use crate::error::OpsError;
use crate::quota::Pacer;
use crate::settings::SyncSettings;

/// Contacts the sync maps per deal.
pub const MAX_CONTACTS: usize = 10;
/// ListOpportunities page size (the API maximum).
pub const LIST_PAGE_SIZE: i32 = 100;
/// HubSpot object listing page size (the API maximum).
pub const LIST_DEALS_PAGE_SIZE: u32 = 100;

/// Deal properties a reconciliation reads on top of the sync's own ([`deal_mapping::deal_properties`]).
const RECONCILE_DEAL_PROPERTIES: &[&str] = &["hs_lastmodifieddate"];

/// The pacers of one run.
#[derive(Debug, Clone)]
pub struct Pacers {
    /// HubSpot requests (listing pages, deal reads, batch reads).
    pub hubspot: Arc<Pacer>,
    /// Partner Central reads (10/s, 100,000/day).
    pub partner_central: Arc<Pacer>,
}

impl Pacers {
    /// HubSpot requests made.
    pub fn hubspot_requests(&self) -> u64 {
        self.hubspot.used()
    }
}

fn hs_err(operation: &str, e: hubspot::HubSpotError) -> OpsError {
    OpsError::Remote {
        service: "HubSpot",
        operation: operation.to_owned(),
        message: e.to_string(),
    }
}

fn pc_err(operation: &str, e: partner_central::PcError) -> OpsError {
    OpsError::Remote {
        service: "PartnerCentral",
        operation: operation.to_owned(),
        message: e.to_string(),
    }
}

/// Every deal's scope properties (id order), by listing pages (`GET /crm/v3/objects/deals`, 100 per page). Listing
/// has no result cap (search stops at 10,000) and counts against the general rate limit (`pacers.hubspot`).
pub async fn scope_candidates(
    hs: &HubSpotClient,
    settings: &SyncSettings,
    extra_properties: &[&str],
    pacers: &Pacers,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<CrmObject>, OpsError> {
    let mut properties: Vec<&str> = vec!["dealname"];
    properties.extend(settings.mapping.scope_property.as_deref());
    properties.extend(extra_properties);
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0u64;
    loop {
        pacers.hubspot.acquire().await?;
        let page = hs
            .list_page(ObjectType::Deals, &properties, LIST_DEALS_PAGE_SIZE, after.as_deref())
            .await
            .map_err(|e| hs_err("deals.list", e))?;
        pages += 1;
        let next = page.next_after().map(str::to_owned);
        out.extend(page.results);
        if pages.is_multiple_of(10) || next.is_none() {
            progress(format!("hubspot: listed {} deal(s)", out.len()));
        }
        match next {
            Some(cursor) if after.as_deref() != Some(cursor.as_str()) => after = Some(cursor),
            Some(_) => {
                return Err(OpsError::Remote {
                    service: "HubSpot",
                    operation: "deals.list".into(),
                    message: "paging cursor did not advance".into(),
                });
            }
            None => return Ok(out),
        }
    }
}

/// The properties read per in-scope deal: the sync's own ([`deal_mapping::deal_properties`]: mapping, scope,
/// link/status), plus the `last_sync` write-back property and `hs_lastmodifieddate` (sorted, unique).
pub fn deal_properties(settings: &SyncSettings) -> Vec<String> {
    let mut out: Vec<String> = deal_mapping::deal_properties(&settings.mapping, &settings.properties)
        .into_iter()
        .chain(RECONCILE_DEAL_PROPERTIES.iter().copied())
        .chain([settings.properties.last_sync.as_str()])
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Reads each deal (properties + associations), then their companies and contacts in batches.
pub async fn deal_records(
    hs: &HubSpotClient,
    settings: &SyncSettings,
    ids: &[String],
    pacers: &Pacers,
    progress_every: usize,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<DealRecords>, OpsError> {
    let props = deal_properties(settings);
    let props: Vec<&str> = props.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let mut deals = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        pacers.hubspot.acquire().await?;
        let deal = hs
            .get_deal(id, &props)
            .await
            .map_err(|e| hs_err(&format!("deals.get {id}"), e))?;
        deals.push(deal);
        let done = i + 1;
        if done % progress_every.max(1) == 0 || done == ids.len() {
            let per = started.elapsed().as_secs_f64() / done as f64;
            progress(format!(
                "hubspot: read {done}/{} in-scope deal(s), ETA {:.0} s",
                ids.len(),
                per * (ids.len() - done) as f64
            ));
        }
    }
    let company_of = |d: &CrmObject| {
        d.primary_company_id()
            .map(str::to_owned)
            .or_else(|| d.associated_ids(ObjectType::Companies).into_iter().next())
    };
    let contacts_of = |d: &CrmObject| {
        let mut c = d.associated_ids(ObjectType::Contacts);
        c.truncate(MAX_CONTACTS);
        c
    };
    let company_ids: BTreeSet<String> = deals.iter().filter_map(company_of).collect();
    let contact_ids: BTreeSet<String> = deals.iter().flat_map(contacts_of).collect();
    let companies = batch(
        hs,
        ObjectType::Companies,
        &company_ids,
        deal_mapping::COMPANY_PROPERTIES,
        pacers,
    )
    .await?;
    let contacts = batch(
        hs,
        ObjectType::Contacts,
        &contact_ids,
        deal_mapping::CONTACT_PROPERTIES,
        pacers,
    )
    .await?;
    progress(format!(
        "hubspot: read {} company(ies) and {} contact(s)",
        companies.len(),
        contacts.len()
    ));
    Ok(deals
        .into_iter()
        .map(|deal| DealRecords {
            company: company_of(&deal).and_then(|c| companies.get(&c).cloned()),
            contacts: contacts_of(&deal)
                .iter()
                .filter_map(|c| contacts.get(c).cloned())
                .collect(),
            deal,
        })
        .collect())
}

async fn batch(
    hs: &HubSpotClient,
    t: ObjectType,
    ids: &BTreeSet<String>,
    properties: &[&str],
    pacers: &Pacers,
) -> Result<BTreeMap<String, CrmObject>, OpsError> {
    let ids: Vec<String> = ids.iter().cloned().collect();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(hubspot::BATCH_READ_LIMIT) {
        pacers.hubspot.acquire().await?;
        let read = hs
            .batch_read(t, chunk, properties)
            .await
            .map_err(|e| hs_err(&format!("{t}.batch_read"), e))?;
        out.extend(read.results.into_iter().map(|o| (o.id.clone(), o)));
    }
    Ok(out)
}

/// Every opportunity of the catalog (ListOpportunities, 100 per page).
pub async fn list_opportunities(
    pc: &PartnerCentral,
    pacers: &Pacers,
    progress: &mut dyn FnMut(String),
) -> Result<(Vec<OpportunitySummary>, u64), OpsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0u64;
    loop {
        pacers.partner_central.acquire().await?;
        let page = pc
            .sdk()
            .list_opportunities()
            .catalog(pc.catalog().as_str())
            .max_results(LIST_PAGE_SIZE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                pc_err(
                    "ListOpportunities",
                    partner_central::error::from_sdk("ListOpportunities", e),
                )
            })?;
        pages += 1;
        out.extend(page.opportunity_summaries);
        if pages.is_multiple_of(10) || page.next_token.is_none() {
            progress(format!("partner central: listed {} opportunity(ies)", out.len()));
        }
        token = page.next_token;
        if token.is_none() {
            return Ok((out, pages));
        }
    }
}

/// GetOpportunity for `ids`, at most `concurrency` in flight, each behind the read pacer.
pub async fn get_opportunities(
    pc: &PartnerCentral,
    ids: &[String],
    pacers: &Pacers,
    concurrency: usize,
    progress_every: usize,
    progress: &mut dyn FnMut(String),
) -> Result<BTreeMap<String, GetOpportunityOutput>, OpsError> {
    pacers.partner_central.check_budget(ids.len() as u64)?;
    let started = std::time::Instant::now();
    let mut out = BTreeMap::new();
    let mut pending = ids.iter().cloned();
    let mut set = tokio::task::JoinSet::new();
    let spawn = |set: &mut tokio::task::JoinSet<_>, id: String| {
        let (pc, pacer) = (pc.clone(), pacers.partner_central.clone());
        set.spawn(async move {
            pacer.acquire().await?;
            let got = pc
                .get_opportunity(&id)
                .await
                .map_err(|e| pc_err(&format!("GetOpportunity {id}"), e))?;
            Ok::<_, OpsError>((id, got))
        });
    };
    for id in pending.by_ref().take(concurrency.max(1)) {
        spawn(&mut set, id);
    }
    while let Some(joined) = set.join_next().await {
        let (id, got) = joined.map_err(|e| OpsError::Remote {
            service: "PartnerCentral",
            operation: "GetOpportunity".into(),
            message: e.to_string(),
        })??;
        out.insert(id, got);
        if let Some(next) = pending.next() {
            spawn(&mut set, next);
        }
        let done = out.len();
        if done % progress_every.max(1) == 0 || done == ids.len() {
            let per = started.elapsed().as_secs_f64() / done as f64;
            progress(format!(
                "partner central: read {done}/{} opportunity(ies), ETA {:.0} s",
                ids.len(),
                per * (ids.len() - done) as f64
            ));
        }
    }
    Ok(out)
}
