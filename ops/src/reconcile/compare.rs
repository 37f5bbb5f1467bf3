//! The pure comparison: in-scope HubSpot deals (with company and contacts) against the catalog's opportunities.
//! No I/O; [`super::run`] gathers the inputs.
//!
//! Per in-scope deal (link = the `properties.opportunity_id` property; claims = opportunities whose
//! PartnerOpportunityIdentifier is the deal id):
//! - sync status `error` -> `error_state` (in addition to whatever else holds); `blocked` is counted only;
//! - no link: no claim -> `missing_opportunity`; a claim -> `link_mismatch/unlinked`;
//! - link not listed -> `link_mismatch/linked_opportunity_not_found`; listed but naming another deal ->
//!   `link_mismatch/opportunity_names_other_deal`; further claims besides the linked one -> `link_mismatch/duplicate`;
//! - linked and found: the mapping (deal_mapping::map_fields) is merged into the current record exactly as an update
//!   would (deal_mapping::merge_into_current, all deal-owned fields) and every compared field that the merge would
//!   change is a [`FieldDrift`] (with `editable` from the review status rules); a mapping failure is `mapping_error`.
//!
//! Opportunities with an identifier that no in-scope deal has and no in-scope deal links -> `opportunity_without_deal`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use deal_mapping::merge::{ACTION_REQUIRED_EDITABLE, APPROVED_LOCKED};
use deal_mapping::{DealInput, MappingConfig, OwnedField, OwnedFields, map_fields, merge_into_current};
use hubspot::CrmObject;
use partner_central::OpportunityFields;
use partner_central::sdk::types::{OpportunitySummary, ReviewStatus};

use super::fields::{COMPARED, in_summary, name, summary_value, value};
use super::report::{FieldDrift, Finding, LinkProblem, Summary};

/// One in-scope deal with the records the mapping needs.
#[derive(Debug, Clone)]
pub struct DealRecords {
    /// The deal (with the link and status properties).
    pub deal: CrmObject,
    /// Its primary (else first) company.
    pub company: Option<CrmObject>,
    /// Up to 10 contacts.
    pub contacts: Vec<CrmObject>,
}

/// Property names the comparison reads.
#[derive(Debug, Clone)]
pub struct LinkProperties {
    /// Link property.
    pub opportunity_id: String,
    /// Sync status property.
    pub sync_status: String,
    /// Sync error property.
    pub sync_error: String,
}

/// What the comparison knows about one linked opportunity.
#[derive(Debug, Clone, Copy)]
pub enum Current<'a> {
    /// The GetOpportunity record (all fields compared).
    Full(&'a partner_central::sdk::operation::get_opportunity::GetOpportunityOutput),
    /// Only the ListOpportunities summary (its fields compared).
    Summary(&'a OpportunitySummary),
}

/// Inputs of one comparison.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// In-scope deals.
    pub deals: &'a [DealRecords],
    /// Every listed opportunity.
    pub opportunities: &'a [OpportunitySummary],
    /// Full records by opportunity id (depth `full`; missing ids fall back to the summary).
    pub full: &'a BTreeMap<String, partner_central::sdk::operation::get_opportunity::GetOpportunityOutput>,
    /// Mapping settings.
    pub mapping: &'a MappingConfig,
    /// Property names.
    pub properties: &'a LinkProperties,
    /// "Today" for the mapping's close-date rule.
    pub today: NaiveDate,
}

/// The findings and counts (`deals_in_scope`, `opportunities_*`, `in_sync`, `blocked`; the rest come from
/// [`super::report::Report::finish`]).
pub fn compare(inputs: &Inputs<'_>) -> (Vec<Finding>, Summary) {
    let mut findings = Vec::new();
    let mut summary = Summary {
        deals_in_scope: inputs.deals.len() as u64,
        opportunities_listed: inputs.opportunities.len() as u64,
        ..Summary::default()
    };
    let by_id: BTreeMap<&str, &OpportunitySummary> = inputs
        .opportunities
        .iter()
        .filter_map(|o| o.id.as_deref().map(|id| (id, o)))
        .collect();
    let mut claims: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in inputs.opportunities {
        match (o.partner_opportunity_identifier.as_deref(), o.id.as_deref()) {
            (Some(pid), Some(id)) if !pid.is_empty() => claims.entry(pid).or_default().push(id),
            _ => summary.opportunities_without_identifier += 1,
        }
    }
    let deal_ids: BTreeSet<&str> = inputs.deals.iter().map(|d| d.deal.id.as_str()).collect();
    let mut linked_ids: BTreeSet<&str> = BTreeSet::new();
    let props = inputs.properties;
    for records in inputs.deals {
        let deal = &records.deal;
        let deal_id = deal.id.as_str();
        let link = deal
            .property(&props.opportunity_id)
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(l) = link {
            linked_ids.insert(l);
        }
        match deal.property(&props.sync_status).map(str::trim) {
            Some("error") => findings.push(Finding::ErrorState {
                deal_id: deal_id.to_owned(),
                opportunity_id: link.map(str::to_owned),
                sync_error: deal.property(&props.sync_error).map(|e| e.chars().take(300).collect()),
            }),
            Some("blocked") => summary.blocked += 1,
            _ => {}
        }
        let claimed: Vec<String> = claims
            .get(deal_id)
            .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default();
        let mismatch = |problem, opportunity_ids: Vec<String>, other_deal_id: Option<String>| Finding::LinkMismatch {
            deal_id: deal_id.to_owned(),
            linked_opportunity_id: link.map(str::to_owned),
            problem,
            opportunity_ids,
            other_deal_id,
        };
        let Some(link) = link else {
            findings.push(if claimed.is_empty() {
                Finding::MissingOpportunity {
                    deal_id: deal_id.to_owned(),
                }
            } else {
                mismatch(LinkProblem::Unlinked, claimed, None)
            });
            continue;
        };
        let Some(summary_of_link) = by_id.get(link) else {
            findings.push(mismatch(LinkProblem::LinkedOpportunityNotFound, claimed, None));
            continue;
        };
        let named = summary_of_link.partner_opportunity_identifier.as_deref().unwrap_or("");
        if !named.is_empty() && named != deal_id {
            findings.push(mismatch(
                LinkProblem::OpportunityNamesOtherDeal,
                vec![link.to_owned()],
                Some(named.to_owned()),
            ));
            continue;
        }
        let others: Vec<String> = claimed.iter().filter(|c| c.as_str() != link).cloned().collect();
        if !others.is_empty() {
            findings.push(mismatch(LinkProblem::Duplicate, others, None));
        }
        let current = match inputs.full.get(link) {
            Some(full) => Current::Full(full),
            None => Current::Summary(summary_of_link),
        };
        match drift(records, current, inputs.mapping, inputs.today) {
            Err(errors) => findings.push(Finding::MappingError {
                deal_id: deal_id.to_owned(),
                errors,
            }),
            Ok(fields) if fields.is_empty() => summary.in_sync += 1,
            Ok(fields) => findings.push(Finding::Drift {
                deal_id: deal_id.to_owned(),
                opportunity_id: link.to_owned(),
                review_status: review_status(current).map(|r| r.as_str().to_owned()),
                fields,
            }),
        }
    }
    for o in inputs.opportunities {
        let (Some(id), Some(pid)) = (o.id.as_deref(), o.partner_opportunity_identifier.as_deref()) else {
            continue;
        };
        if !pid.is_empty() && !deal_ids.contains(pid) && !linked_ids.contains(id) {
            findings.push(Finding::OpportunityWithoutDeal {
                opportunity_id: id.to_owned(),
                partner_opportunity_identifier: pid.to_owned(),
            });
        }
    }
    (findings, summary)
}

fn review_status(current: Current<'_>) -> Option<&ReviewStatus> {
    match current {
        Current::Full(o) => o.life_cycle.as_ref().and_then(|l| l.review_status.as_ref()),
        Current::Summary(s) => s.life_cycle.as_ref().and_then(|l| l.review_status.as_ref()),
    }
}

/// Whether the review status lets the sync change `f` now.
pub fn editable(f: OwnedField, status: Option<&ReviewStatus>) -> bool {
    match status {
        Some(ReviewStatus::Submitted | ReviewStatus::InReview | ReviewStatus::Rejected) => false,
        Some(ReviewStatus::ActionRequired) => ACTION_REQUIRED_EDITABLE.contains(&f),
        Some(ReviewStatus::Approved) => !APPROVED_LOCKED.contains(&f),
        _ => true,
    }
}

/// The drifted fields of one linked deal, or the mapping errors.
pub fn drift(
    records: &DealRecords,
    current: Current<'_>,
    mapping: &MappingConfig,
    today: NaiveDate,
) -> Result<Vec<FieldDrift>, String> {
    let input = DealInput {
        deal: &records.deal,
        company: records.company.as_ref(),
        contacts: &records.contacts,
    };
    let mapped = map_fields(input, mapping, today).map_err(|e| e.to_string())?;
    let status = review_status(current);
    let mut out = Vec::new();
    match current {
        Current::Full(full) => {
            let have = OpportunityFields::from_current(full);
            let merged = merge_into_current(&have, &mapped, &OwnedFields::deal());
            for f in COMPARED {
                let (want, is) = (value(*f, &merged), value(*f, &have));
                if want != is {
                    out.push(field_drift(*f, want, is, status));
                }
            }
        }
        Current::Summary(s) => {
            let clears_reason = mapped
                .life_cycle
                .as_ref()
                .and_then(|l| l.stage.as_ref())
                .is_some_and(|st| st.as_str() != "Closed Lost");
            for f in COMPARED.iter().filter(|f| in_summary(**f)) {
                let is = summary_value(*f, s);
                let want = match value(*f, &mapped) {
                    Some(v) => Some(v),
                    None if *f == OwnedField::ClosedLostReason && clears_reason => None,
                    None => continue,
                };
                if want != is {
                    out.push(field_drift(*f, want, is, status));
                }
            }
        }
    }
    Ok(out)
}

fn field_drift(f: OwnedField, want: Option<String>, is: Option<String>, status: Option<&ReviewStatus>) -> FieldDrift {
    FieldDrift {
        field: name(f).to_owned(),
        hubspot: want,
        partner_central: is,
        editable: editable(f, status),
    }
}
