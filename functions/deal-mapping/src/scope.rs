//! Whether a deal is synced at all: its name carries the configured tag (case-insensitive) or the configured boolean
//! property is `true`. A deal that gains the tag later becomes in scope then (the caller creates it at that point).

use hubspot::CrmObject;

use crate::config::MappingConfig;

/// HubSpot booleans are the strings `true`/`false`; anything else counts as false.
fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// `dealname` contains `deal_tag` (case-insensitive), or `scope_property` is `true`.
pub fn in_scope(deal: &CrmObject, cfg: &MappingConfig) -> bool {
    let tag = cfg.deal_tag.trim().to_lowercase();
    let tagged = !tag.is_empty()
        && deal
            .property("dealname")
            .is_some_and(|n| n.to_lowercase().contains(&tag));
    tagged || cfg.scope_property.as_deref().is_some_and(|p| is_true(deal.property(p)))
}
