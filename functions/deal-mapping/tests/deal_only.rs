//! The deal-only update path (a deal property change touching no account property and no association): mapping
//! from the deal alone and merging only [`OwnedFields::deal_only`] gives exactly the full merge's record except
//! `Customer` and NationalSecurity, which stay as they are.

#![allow(clippy::unwrap_used)]

mod common;

use common::{company, contacts, deal_with, today};
use deal_mapping::{
    DealInput, MappingConfig, OwnedFields, account_deal_properties, map_deal_fields, map_fields, merge_into_current,
};
use partner_central::OpportunityFields;
use serde_json::json;

#[test]
fn deal_only_merge_equals_full_merge_outside_customer() {
    let cfg = MappingConfig::default();
    let before = deal_with(json!({}));
    let company = company();
    let contacts = contacts();
    let input = |deal| DealInput {
        deal,
        company: Some(&company),
        contacts: &contacts,
    };
    let current = map_fields(input(&before), &cfg, today()).unwrap();
    let after = deal_with(
        json!({"dealstage": "contractsent", "amount": "240000", "description": "A much longer description of the business problem"}),
    );
    let full = merge_into_current(
        &current,
        &map_fields(input(&after), &cfg, today()).unwrap(),
        &OwnedFields::deal(),
    );
    let name = current
        .customer
        .as_ref()
        .and_then(|c| c.account.as_ref())
        .map(|a| a.company_name.clone())
        .unwrap();
    let only = merge_into_current(
        &current,
        &map_deal_fields(&after, &name, &cfg, today()).unwrap(),
        &OwnedFields::deal_only(),
    );
    assert_eq!(
        only, full,
        "same record: the deal change does not touch the account or contacts"
    );
    assert_ne!(only, current);
    // Customer is carried over untouched even when the deal-only mapping has none.
    assert_eq!(only.customer, current.customer);
    assert_eq!(only.national_security, current.national_security);
    let owned = OwnedFields::deal_only();
    assert!(!owned.contains(deal_mapping::OwnedField::Contacts));
    assert!(!owned.contains(deal_mapping::OwnedField::CompanyName));
    assert!(owned.contains(deal_mapping::OwnedField::Stage));
    let _: &OpportunityFields = &only;
}

#[test]
fn account_properties_include_the_override() {
    let cfg = MappingConfig {
        industry_override_property: "pc_industry".into(),
        ..MappingConfig::default()
    };
    let props = account_deal_properties(&cfg);
    assert!(props.contains(&"company") && props.contains(&"address"));
    for p in deal_mapping::ACCOUNT_DEAL_PROPERTIES
        .iter()
        .copied()
        .chain(["pc_industry"])
    {
        assert!(props.contains(&p), "{p}");
    }
    assert!(!props.contains(&"amount"));
}
