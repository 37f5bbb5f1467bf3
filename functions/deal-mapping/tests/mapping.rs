//! Table-driven tests of the deal -> CreateOpportunity mapping, each edge case checked on the mapped members.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use deal_mapping::{DealInput, MappingConfig, MappingError, StageRule, in_scope, map_fields, map_new_opportunity};
use partner_central::OpportunityFields;
use partner_central::sdk::types::{
    ClosedLostReason, CountryCode, DeliveryModel, Industry, NationalSecurity, OpportunityOrigin, OpportunityType,
    PrimaryNeedFromAws, SalesActivity, Stage,
};
use serde_json::json;

fn map(
    deal: &hubspot::CrmObject,
    company: Option<&hubspot::CrmObject>,
) -> Result<OpportunityFields, Vec<MappingError>> {
    let contacts = contacts();
    let input = DealInput {
        deal,
        company,
        contacts: &contacts,
    };
    map_fields(input, &MappingConfig::default(), today()).map_err(|e| e.0)
}

fn errors_for(changes: serde_json::Value, company_changes: serde_json::Value) -> Vec<MappingError> {
    map(&deal_with(changes), Some(&company_with(company_changes))).unwrap_err()
}

#[test]
fn full_deal_maps_every_member() {
    let deal = deal_with(json!({}));
    let company = company();
    let contacts = contacts();
    let new = map_new_opportunity(
        DealInput {
            deal: &deal,
            company: Some(&company),
            contacts: &contacts,
        },
        &MappingConfig::default(),
        today(),
    )
    .unwrap();
    assert_eq!(new.origin, Some(OpportunityOrigin::PartnerReferral));
    let f = new.fields;
    assert_eq!(f.partner_opportunity_identifier.as_deref(), Some("9001"));
    assert_eq!(f.national_security, Some(NationalSecurity::No));
    assert_eq!(f.opportunity_type, Some(OpportunityType::NetNewBusiness));
    assert_eq!(
        f.primary_needs_from_aws,
        Some(vec![PrimaryNeedFromAws::CoSellArchitecturalValidation])
    );
    let customer = f.customer.unwrap();
    let account = customer.account.unwrap();
    assert_eq!(account.company_name, "Acme Corp");
    assert_eq!(account.industry, Some(Industry::SoftwareInternet));
    assert_eq!(account.other_industry, None);
    assert_eq!(account.website_url.as_deref(), Some("https://acme.example"));
    let address = account.address.unwrap();
    assert_eq!(address.country_code, Some(CountryCode::Us));
    assert_eq!(address.state_or_region.as_deref(), Some("Washington"));
    assert_eq!(address.postal_code.as_deref(), Some("98101"));
    let people = customer.contacts.unwrap();
    assert_eq!(people.len(), 2, "the contact without email/names is skipped");
    assert_eq!(people[0].email.as_deref(), Some("jane.doe@acme.example"));
    assert_eq!(people[0].phone.as_deref(), Some("+12065550100"));
    assert_eq!(people[1].first_name.as_deref(), Some("Bob"));
    assert_eq!(
        people[1].phone, None,
        "no international prefix: omitted, never a guessed +1"
    );
    let lc = f.life_cycle.unwrap();
    assert_eq!(lc.stage, Some(Stage::Qualified));
    assert_eq!(lc.target_close_date.as_deref(), Some("2027-03-31"));
    assert_eq!(lc.next_steps.as_deref(), Some("Schedule architecture workshop"));
    assert_eq!(lc.closed_lost_reason, None);
    let p = f.project.unwrap();
    assert_eq!(p.title.as_deref(), Some("Data platform #AWS"));
    assert_eq!(
        p.delivery_models,
        Some(vec![DeliveryModel::SaasOrPaas, DeliveryModel::ProfessionalServices])
    );
    assert_eq!(p.sales_activities, Some(vec![SalesActivity::CustomerHasShownInterest]));
    assert_eq!(
        p.customer_use_case.as_deref(),
        Some("Big Data: Data Warehouse/Data Integration/ETL/Data Lake/BI")
    );
    let spend = &p.expected_customer_spend.unwrap()[0];
    assert_eq!(spend.amount, "10000.00", "120000 over the default 12 months");
    assert_eq!(spend.currency_code.as_str(), "USD");
    assert_eq!(spend.frequency.as_str(), "Monthly");
    assert_eq!(spend.target_company, "AWS");
}

#[test]
fn null_properties_do_not_crash_and_fall_back() {
    let deal = object(
        "42",
        json!({"dealname": "Tiny #aws", "amount": null, "closedate": null, "dealstage": "appointmentscheduled",
               "pipeline": null, "description": null, "dealtype": null, "deal_currency_code": null,
               "hs_next_step": null, "aws_delivery_models": null, "aws_primary_needs": null, "aws_use_case": null}),
    );
    let company = object(
        "1",
        json!({"name": "Null Co", "industry": null, "website": null, "domain": null,
                                     "country": null, "state": null, "city": null, "zip": null, "address": null}),
    );
    let f = map(&deal, Some(&company)).unwrap();
    let account = f.customer.as_ref().unwrap().account.as_ref().unwrap();
    assert_eq!(
        (
            account.industry.as_ref(),
            account.website_url.as_ref(),
            account.address.as_ref()
        ),
        (None, None, None)
    );
    let lc = f.life_cycle.unwrap();
    assert_eq!(
        (lc.stage, lc.target_close_date, lc.next_steps),
        (Some(Stage::Prospect), None, None)
    );
    let p = f.project.unwrap();
    assert_eq!(p.delivery_models, Some(vec![DeliveryModel::SaasOrPaas]));
    assert_eq!(p.customer_use_case, None);
    assert_eq!(p.expected_customer_spend, None);
    assert_eq!(
        f.primary_needs_from_aws,
        Some(vec![PrimaryNeedFromAws::CoSellDealSupport])
    );
    assert_eq!(f.opportunity_type, Some(OpportunityType::NetNewBusiness));
    let problem = p.customer_business_problem.unwrap();
    assert!(
        problem.starts_with("HubSpot deal 'Tiny #aws' for Null Co is being co-sold"),
        "{problem}"
    );
}

#[test]
fn short_description_is_padded_from_the_template() {
    let f = map(&deal_with(json!({"description": "Move to AWS"})), Some(&company())).unwrap();
    let problem = f.project.unwrap().customer_business_problem.unwrap();
    assert!(
        problem.starts_with("Move to AWS HubSpot deal 'Data platform #AWS' for Acme Corp"),
        "{problem}"
    );
    assert!((20..=2000).contains(&problem.chars().count()));
    let long = "x".repeat(2500);
    let f = map(&deal_with(json!({"description": long})), Some(&company())).unwrap();
    assert_eq!(
        f.project.unwrap().customer_business_problem.unwrap().chars().count(),
        2000
    );
}

#[test]
fn country_and_state_table() {
    let cases = [
        (
            json!({"country": "UK", "state": "Greater London"}),
            Some(CountryCode::Gb),
            Some("Greater London"),
        ),
        (json!({"country": "United Kingdom"}), Some(CountryCode::Gb), Some("WA")),
        (
            json!({"country": "usa", "state": "District of Columbia"}),
            Some(CountryCode::Us),
            Some("Dist. of Columbia"),
        ),
        (
            json!({"country": "DE", "state": "Bavaria"}),
            Some(CountryCode::De),
            Some("Bavaria"),
        ),
        (json!({"country": null, "state": null}), None, None),
    ];
    for (changes, country, state) in cases {
        let f = map(&deal_with(json!({})), Some(&company_with(changes.clone()))).unwrap();
        let account = f.customer.unwrap().account.unwrap();
        let addr = account.address.unwrap();
        assert_eq!(addr.country_code, country, "{changes}");
        assert_eq!(addr.state_or_region.as_deref(), state, "{changes}");
    }
}

#[test]
fn invalid_values_are_typed_errors_naming_the_field() {
    let cases = [
        (
            json!({}),
            json!({"country": "Narnia"}),
            "Customer.Account.Address.CountryCode",
        ),
        (
            json!({}),
            json!({"country": "North Korea"}),
            "Customer.Account.Address.CountryCode",
        ),
        (
            json!({}),
            json!({"country": "US", "state": "Bavaria"}),
            "Customer.Account.Address.StateOrRegion",
        ),
        (
            json!({"amount": "-5"}),
            json!({}),
            "Project.ExpectedCustomerSpend.Amount",
        ),
        (
            json!({"amount": "lots"}),
            json!({}),
            "Project.ExpectedCustomerSpend.Amount",
        ),
        (
            json!({"aws_expected_spend": "-1.00"}),
            json!({}),
            "Project.ExpectedCustomerSpend.Amount",
        ),
        (
            json!({"aws_contract_months": "0"}),
            json!({}),
            "Project.ExpectedCustomerSpend.Amount",
        ),
        (
            json!({"deal_currency_code": "ZZZ"}),
            json!({}),
            "Project.ExpectedCustomerSpend.CurrencyCode",
        ),
        (
            json!({"closedate": "2026-01-15"}),
            json!({}),
            "LifeCycle.TargetCloseDate",
        ),
        (json!({"closedate": "someday"}), json!({}), "LifeCycle.TargetCloseDate"),
        (json!({"dealstage": "12345678"}), json!({}), "LifeCycle.Stage"),
        (
            json!({"aws_delivery_models": "SaaS"}),
            json!({}),
            "Project.DeliveryModels",
        ),
        (json!({"aws_primary_needs": "Help"}), json!({}), "PrimaryNeedsFromAws"),
        (
            json!({"aws_use_case": "Migration"}),
            json!({}),
            "Project.CustomerUseCase",
        ),
        (json!({"dealtype": "partnership"}), json!({}), "OpportunityType"),
        (json!({"dealname": null}), json!({}), "Project.Title"),
        (json!({}), json!({"name": null}), "Customer.Account.CompanyName"),
    ];
    for (deal, company, field) in cases {
        let errs = errors_for(deal.clone(), company.clone());
        assert_eq!(
            errs.iter().map(|e| e.field()).collect::<Vec<_>>(),
            vec![field],
            "{deal} {company}: {errs:?}"
        );
    }
    // several problems are reported together
    let errs = errors_for(
        json!({"amount": "-5", "closedate": "2020-01-01"}),
        json!({"country": "Narnia"}),
    );
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn closed_deals_keep_past_dates_and_lost_deals_carry_a_reason() {
    let won = map(
        &deal_with(json!({"dealstage": "closedwon", "closedate": "1735689600000"})),
        Some(&company()),
    )
    .unwrap();
    let lc = won.life_cycle.unwrap();
    assert_eq!(
        (lc.stage, lc.target_close_date.as_deref()),
        (Some(Stage::Launched), Some("2025-01-01"))
    );
    assert_eq!(
        won.project.unwrap().sales_activities,
        Some(vec![SalesActivity::FinalizedDeploymentNeeds])
    );

    let cases = [
        (json!(null), ClosedLostReason::Other),
        (json!("price"), ClosedLostReason::Price),
        (
            json!("Lost to Competitor - Google"),
            ClosedLostReason::LostToCompetitorGoogle,
        ),
    ];
    for (reason, want) in cases {
        let deal =
            deal_with(json!({"dealstage": "closedlost", "closedate": "2025-06-30", "aws_closed_lost_reason": reason}));
        let lc = map(&deal, Some(&company())).unwrap().life_cycle.unwrap();
        assert_eq!(lc.stage, Some(Stage::ClosedLost));
        assert_eq!(lc.closed_lost_reason, Some(want), "{reason}");
        assert_eq!(
            lc.target_close_date.as_deref(),
            Some("2025-06-30"),
            "past date kept for a closed deal"
        );
    }
    let bad = errors_for(
        json!({"dealstage": "closedlost", "aws_closed_lost_reason": "bad luck"}),
        json!({}),
    );
    assert_eq!(bad[0].field(), "LifeCycle.ClosedLostReason");
}

#[test]
fn custom_pipeline_stages_come_from_config() {
    let cfg: MappingConfig = serde_json::from_value(json!({
        "pipelines": {"default": {}, "enterprise": {
            "s-discovery": {"stage": "Qualified", "sales_activities": ["Initialized discussions with customer"]},
            "s-poc": {"stage": "Technical Validation"}
        }}
    }))
    .unwrap();
    cfg.validate().unwrap();
    let deal = deal_with(json!({"pipeline": "enterprise", "dealstage": "s-poc"}));
    let f = map_fields(
        DealInput {
            deal: &deal,
            company: Some(&company()),
            contacts: &[],
        },
        &cfg,
        today(),
    )
    .unwrap();
    assert_eq!(f.life_cycle.unwrap().stage, Some(Stage::TechnicalValidation));
    assert_eq!(f.project.unwrap().sales_activities, None);
    let unknown = deal_with(json!({"pipeline": "enterprise", "dealstage": "s-other"}));
    let err = map_fields(
        DealInput {
            deal: &unknown,
            company: None,
            contacts: &[],
        },
        &cfg,
        today(),
    )
    .unwrap_err();
    assert!(err.0.contains(&MappingError::UnmappedStage {
        pipeline: "enterprise".into(),
        stage: "s-other".into()
    }));
    let mut fallback = cfg.clone();
    fallback.unmapped_stage = Some(StageRule {
        stage: "Prospect".into(),
        sales_activities: vec![],
    });
    let f = map_fields(
        DealInput {
            deal: &unknown,
            company: Some(&company()),
            contacts: &[],
        },
        &fallback,
        today(),
    )
    .unwrap();
    assert_eq!(f.life_cycle.unwrap().stage, Some(Stage::Prospect));
}

#[test]
fn spend_sources_and_industries() {
    let spend = |changes| {
        let f = map(&deal_with(changes), Some(&company())).unwrap();
        f.project.unwrap().expected_customer_spend.unwrap()[0].amount.clone()
    };
    assert_eq!(
        spend(json!({"aws_expected_spend": "2500.5"})),
        "2500.50",
        "monthly property wins"
    );
    assert_eq!(
        spend(json!({"aws_contract_months": "36", "amount": "36000"})),
        "1000.00"
    );
    assert_eq!(spend(json!({"amount": "1000", "aws_contract_months": "3"})), "333.33");

    let industry = |company_changes, deal_changes| {
        let f = map(&deal_with(deal_changes), Some(&company_with(company_changes))).unwrap();
        let a = f.customer.unwrap().account.unwrap();
        (a.industry, a.other_industry, f.national_security)
    };
    assert_eq!(
        industry(json!({"industry": "GOVERNMENT_ADMINISTRATION"}), json!({})),
        (Some(Industry::Government), None, Some(NationalSecurity::Yes))
    );
    assert_eq!(
        industry(json!({"industry": "RESEARCH"}), json!({})),
        (
            Some(Industry::Other),
            Some("RESEARCH".into()),
            Some(NationalSecurity::No)
        )
    );
    assert_eq!(
        industry(json!({"industry": "it"}), json!({})),
        (Some(Industry::Other), Some("it".into()), Some(NationalSecurity::No))
    );
    assert_eq!(
        industry(
            json!({"industry": "COMPUTER_SOFTWARE"}),
            json!({"aws_industry": "Financial Services"})
        ),
        (Some(Industry::FinancialServices), None, Some(NationalSecurity::No)),
        "the deal-level override wins"
    );
}

#[test]
fn scope_rules() {
    let mut cfg = MappingConfig::default();
    let named = |n: &str| object("1", json!({ "dealname": n, "aws_sync": null }));
    assert!(in_scope(&named("Big deal #AWS"), &cfg));
    assert!(in_scope(&named("big deal #aws"), &cfg));
    assert!(!in_scope(&named("Big deal"), &cfg));
    assert!(!in_scope(&object("1", json!({"dealname": null})), &cfg));
    cfg.scope_property = Some("aws_sync".into());
    assert!(in_scope(
        &object("1", json!({"dealname": "x", "aws_sync": "true"})),
        &cfg
    ));
    assert!(!in_scope(
        &object("1", json!({"dealname": "x", "aws_sync": "false"})),
        &cfg
    ));
}

#[test]
fn config_rejects_unknown_keys_and_keeps_defaults() {
    let partial: MappingConfig =
        serde_json::from_value(json!({"deal_tag": "#ACE", "past_close_date": "keep"})).unwrap();
    assert_eq!(partial.deal_tag, "#ACE");
    assert_eq!(partial.default_contract_months, 12);
    assert!(partial.pipelines.contains_key("default"));
    assert!(serde_json::from_value::<MappingConfig>(json!({"deal_tags": "#AWS"})).is_err());
    assert!(serde_json::from_value::<MappingConfig>(json!({"past_close_date": "move"})).is_err());
    let schema = serde_json::to_value(MappingConfig::json_schema()).unwrap();
    assert_eq!(schema["additionalProperties"], json!(false));
    assert!(schema["properties"]["business_problem_template"].is_object());
}
