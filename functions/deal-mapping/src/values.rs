//! Partner Central value lists (taken from the SDK's enums, i.e. the published model) and exact, case-insensitive
//! matching against them. Matching trims the input and compares ASCII-case-insensitively with whole values; no
//! substring or fuzzy matching, so the result never depends on iteration order.

use partner_central::sdk::types::{
    ClosedLostReason, CurrencyCode, DeliveryModel, Industry, OpportunityType, PrimaryNeedFromAws, SalesActivity, Stage,
};

use crate::tables::industries::{HUBSPOT_INDUSTRIES, HUBSPOT_INDUSTRY_VARIANTS, LEGACY_INDUSTRY_KEYS};
use crate::tables::use_cases::CUSTOMER_USE_CASES;

pub fn stages() -> &'static [&'static str] {
    Stage::values()
}
pub fn sales_activities() -> &'static [&'static str] {
    SalesActivity::values()
}
pub fn closed_lost_reasons() -> &'static [&'static str] {
    ClosedLostReason::values()
}
pub fn delivery_models() -> &'static [&'static str] {
    DeliveryModel::values()
}
pub fn primary_needs() -> &'static [&'static str] {
    PrimaryNeedFromAws::values()
}
pub fn industries() -> &'static [&'static str] {
    Industry::values()
}
pub fn currency_codes() -> &'static [&'static str] {
    CurrencyCode::values()
}
pub fn opportunity_types() -> &'static [&'static str] {
    OpportunityType::values()
}
pub fn customer_use_cases() -> &'static [&'static str] {
    CUSTOMER_USE_CASES
}

/// The canonical spelling of `raw` in `list` (trimmed, ASCII-case-insensitive, whole value), if any.
pub fn match_value(list: &[&'static str], raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    list.iter().copied().find(|v| v.eq_ignore_ascii_case(raw))
}

/// Split a multi-value property: HubSpot multi-selects use `;`, the prior system used `,`. Empty parts are dropped.
pub fn split_multi(raw: &str) -> Vec<&str> {
    raw.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// How an industry value was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndustryMatch {
    /// A Partner Central Industry value (given directly or through a table).
    Mapped(&'static str),
    /// Known or unknown, but without a Partner Central equivalent: send `Other` + OtherIndustry.
    Other,
}

/// Resolve an industry value: a Partner Central value (case-insensitive) is taken as is; otherwise the key
/// (trimmed, upper-cased, spaces and hyphens -> `_`) is looked up exactly in the HubSpot, variant and legacy tables;
/// anything else is [`IndustryMatch::Other`].
pub fn match_industry(raw: &str) -> IndustryMatch {
    if let Some(v) = match_value(industries(), raw) {
        return IndustryMatch::Mapped(v);
    }
    let key: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    let hit = [HUBSPOT_INDUSTRIES, HUBSPOT_INDUSTRY_VARIANTS, LEGACY_INDUSTRY_KEYS]
        .iter()
        .flat_map(|t| t.iter())
        .find(|(k, _)| *k == key);
    match hit {
        Some((_, Some(v))) => match_value(industries(), v).map_or(IndustryMatch::Other, IndustryMatch::Mapped),
        _ => IndustryMatch::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_industry_table_value_is_a_partner_central_value_and_keys_are_unique() {
        let mut keys = std::collections::BTreeSet::new();
        for table in [HUBSPOT_INDUSTRIES, HUBSPOT_INDUSTRY_VARIANTS, LEGACY_INDUSTRY_KEYS] {
            for (k, v) in table {
                assert!(keys.insert(*k), "duplicate key {k}");
                if let Some(v) = v {
                    assert!(industries().contains(v), "{k} -> {v} is not a Partner Central industry");
                }
            }
        }
        assert_eq!(industries().len(), 28);
        assert_eq!(HUBSPOT_INDUSTRIES.len(), 148);
    }

    #[test]
    fn industry_matching_is_exact() {
        let cases = [
            ("COMPUTER_SOFTWARE", IndustryMatch::Mapped("Software and Internet")),
            (
                "INFORMATION_TECHNOLOGY_AND_SERVICES",
                IndustryMatch::Mapped("Software and Internet"),
            ),
            ("FINANCIAL_SERVICES", IndustryMatch::Mapped("Financial Services")),
            ("HOSPITAL_HEALTH_CARE", IndustryMatch::Mapped("Healthcare")),
            ("OIL_ENERGY", IndustryMatch::Mapped("Energy - Oil and Gas")),
            ("GOVERNMENT_ADMINISTRATION", IndustryMatch::Mapped("Government")),
            ("computer software", IndustryMatch::Mapped("Software and Internet")),
            ("financial services", IndustryMatch::Mapped("Financial Services")),
            ("Energy - Oil and Gas", IndustryMatch::Mapped("Energy - Oil and Gas")),
            // the prior system's substring quirks must not come back
            ("it", IndustryMatch::Other),
            ("Oil", IndustryMatch::Other),
            ("SOFTWARE_STUFF", IndustryMatch::Other),
            ("RESEARCH", IndustryMatch::Other),
            ("", IndustryMatch::Other),
        ];
        for (raw, want) in cases {
            assert_eq!(match_industry(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn value_matching_and_splitting() {
        assert_eq!(match_value(delivery_models(), " saas or paas "), Some("SaaS or PaaS"));
        assert_eq!(match_value(delivery_models(), "SaaS"), None);
        assert_eq!(match_value(customer_use_cases(), "iot"), Some("IOT"));
        assert_eq!(match_value(customer_use_cases(), "Migration"), None);
        assert_eq!(
            split_multi("Resell; Other,,  Managed Services "),
            vec!["Resell", "Other", "Managed Services"]
        );
        assert_eq!(customer_use_cases().len(), 39);
        assert_eq!(closed_lost_reasons().len(), 19);
    }
}
