//! The property lists the mapping reads: the full deal read covers every configured name, is sorted and unique, and
//! the owned-field list covers every field in report order.
#![allow(clippy::unwrap_used)]

use deal_mapping::{
    ACCOUNT_DEAL_PROPERTIES, MAPPED_DEAL_PROPERTIES, MappingConfig, OwnedField, OwnedFields, SyncProperties,
    deal_properties,
};

#[test]
fn deal_read_covers_the_mapping_scope_and_link_properties() {
    let cfg = MappingConfig {
        scope_property: Some("sync_to_aws".into()),
        industry_override_property: "pc_industry".into(),
        ..MappingConfig::default()
    };
    let props = SyncProperties {
        opportunity_id: "my_opp".into(),
        ..SyncProperties::default()
    };
    let read = deal_properties(&cfg, &props);
    let mut sorted = read.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(read, sorted, "sorted and unique");
    for p in MAPPED_DEAL_PROPERTIES.iter().chain(ACCOUNT_DEAL_PROPERTIES) {
        assert!(read.contains(p), "{p}");
    }
    for p in [
        "dealname",
        "dealstage",
        "pipeline",
        "amount",
        "closedate",
        "hs_next_step",
        "company",
        "pc_industry",
        "sync_to_aws",
        cfg.closed_lost_reason_property.as_str(),
        cfg.delivery_models_property.as_str(),
        cfg.primary_needs_property.as_str(),
        cfg.use_case_property.as_str(),
        cfg.monthly_spend_property.as_str(),
        cfg.contract_months_property.as_str(),
        "my_opp",
        "aws_opportunity_title",
        "aws_review_status",
        "aws_sync_status",
        "aws_sync_error",
    ] {
        assert!(read.contains(&p), "{p}");
    }
    assert!(!read.contains(&"aws_opportunity_id"));
    assert!(!read.contains(&"aws_last_sync"), "last_sync is only written");
}

#[test]
fn owned_fields_all_is_every_field_once_in_declaration_order() {
    assert_eq!(OwnedField::ALL.len(), 23);
    assert!(OwnedField::ALL.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(OwnedFields::deal(), OwnedFields::of(OwnedField::ALL));
    assert!(OwnedFields::deal().contains(OwnedField::ExpectedCustomerSpend));
}
