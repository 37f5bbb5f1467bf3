//! The HubSpot properties the mapping reads: one source of truth for the processor's deal flow and fan-outs and for
//! `sync-ops` reconcile/backfill. Deal lists are sorted and unique; they borrow the configured names from the
//! [`MappingConfig`] and [`SyncProperties`].

use crate::config::MappingConfig;
use crate::settings::SyncProperties;

/// Deal properties that feed `Customer.Account` as fallbacks of the company's values (the configurable industry
/// override comes on top: [`account_deal_properties`]).
pub const ACCOUNT_DEAL_PROPERTIES: &[&str] = &[
    "company", "industry", "website", "country", "state", "city", "zip", "address",
];

/// Fixed-name deal properties the mapping and the scope check read besides [`ACCOUNT_DEAL_PROPERTIES`].
pub const MAPPED_DEAL_PROPERTIES: &[&str] = &[
    "dealname",
    "dealstage",
    "pipeline",
    "dealtype",
    "amount",
    "closedate",
    "description",
    "deal_currency_code",
    "hs_next_step",
];

/// Company properties feeding `Customer.Account`.
pub const COMPANY_PROPERTIES: &[&str] = &[
    "name", "domain", "website", "industry", "country", "state", "city", "zip", "address",
];

/// Contact properties feeding `Customer.Contacts`.
pub const CONTACT_PROPERTIES: &[&str] = &["email", "firstname", "lastname", "jobtitle", "phone", "mobilephone"];

fn sorted(mut p: Vec<&str>) -> Vec<&str> {
    p.sort_unstable();
    p.dedup();
    p
}

/// Deal properties that feed `Customer.Account` (as fallbacks of the company's values, or the industry override),
/// sorted and unique. A change to any of them needs the full mapping (company read); a change to any other mapped
/// deal property can be applied with [`crate::map_deal_fields`] from the deal alone.
pub fn account_deal_properties(cfg: &MappingConfig) -> Vec<&str> {
    let mut p = ACCOUNT_DEAL_PROPERTIES.to_vec();
    p.push(cfg.industry_override_property.as_str());
    sorted(p)
}

/// Every deal property one full sync of a deal reads (sorted, unique): the mapped ones, the configurable mapping
/// properties, the scope property and the link/status write-back properties (`opportunity_id`,
/// `opportunity_title`, `review_status`, `sync_status`, `sync_error`; not `last_sync`, which the sync only writes).
pub fn deal_properties<'a>(cfg: &'a MappingConfig, props: &'a SyncProperties) -> Vec<&'a str> {
    let mut p: Vec<&str> = MAPPED_DEAL_PROPERTIES.to_vec();
    p.extend(account_deal_properties(cfg));
    p.extend([
        cfg.closed_lost_reason_property.as_str(),
        cfg.delivery_models_property.as_str(),
        cfg.primary_needs_property.as_str(),
        cfg.use_case_property.as_str(),
        cfg.monthly_spend_property.as_str(),
        cfg.contract_months_property.as_str(),
    ]);
    p.extend(cfg.scope_property.as_deref());
    p.extend([
        props.opportunity_id.as_str(),
        props.opportunity_title.as_str(),
        props.review_status.as_str(),
        props.sync_status.as_str(),
        props.sync_error.as_str(),
    ]);
    sorted(p)
}
