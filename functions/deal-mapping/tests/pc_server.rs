//! The mapped requests checked by the published model: CreateOpportunity / UpdateOpportunity are sent through the
//! partner-central client to the local Partner Central server, which validates every member against botocore's
//! service model. Deliberately broken values must come back as ValidationException naming the field.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use common::*;
use deal_mapping::{
    DealInput, MappingConfig, OwnedFields, changed, client_token, map_new_opportunity, merge_current_record,
};
use partner_central::sdk::config::Region;
use partner_central::{Catalog, NewOpportunity, PartnerCentral, PartnerCentralConfig, PcError};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

async fn client(server: &PartnerCentralServer) -> PartnerCentral {
    let sdk: SdkConfig = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .load()
        .await;
    let mut cfg = PartnerCentralConfig::new(Catalog::Aws);
    cfg.endpoint_url = Some(server.endpoint_url());
    cfg.write_interval = Duration::from_millis(1);
    cfg.initial_backoff = Duration::from_millis(5);
    cfg.max_attempts = 1;
    PartnerCentral::new(&sdk, cfg).await
}

fn mapped(id: &str, deal_changes: Value, company_changes: Value) -> NewOpportunity {
    let mut deal = deal_with(deal_changes);
    deal.id = id.to_string();
    let company = company_with(company_changes);
    let contacts = contacts();
    let input = DealInput {
        deal: &deal,
        company: Some(&company),
        contacts: &contacts,
    };
    map_new_opportunity(input, &MappingConfig::default(), today()).unwrap()
}

#[tokio::test]
async fn mapped_create_requests_pass_the_model_for_every_variant() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let variants = [
        ("1", json!({}), json!({})),
        (
            "2",
            json!({"amount": null, "closedate": null, "description": null, "dealtype": null, "hs_next_step": null,
                   "aws_delivery_models": null, "aws_primary_needs": null, "aws_use_case": null}),
            json!({"industry": null, "website": null, "domain": null, "country": null, "state": null}),
        ),
        (
            "3",
            json!({"dealstage": "closedlost", "closedate": "2024-02-29", "aws_closed_lost_reason": "Price"}),
            json!({}),
        ),
        (
            "4",
            json!({"dealstage": "closedwon", "closedate": "1700000000000"}),
            json!({"country": "UK", "state": "London"}),
        ),
        (
            "5",
            json!({"description": "Short"}),
            json!({"industry": "GOVERNMENT_ADMINISTRATION", "state": "DC"}),
        ),
        (
            "6",
            json!({"aws_expected_spend": "999.999", "deal_currency_code": "eur"}),
            json!({"industry": "RESEARCH"}),
        ),
        (
            "7",
            json!({"dealname": "n".repeat(400), "hs_next_step": "s".repeat(400)}),
            json!({"name": "c".repeat(300)}),
        ),
    ];
    for (id, deal, company) in variants {
        let new = mapped(id, deal.clone(), company.clone());
        let token = client_token("12345", id).unwrap();
        let out = pc.create_opportunity(&token, &new).await;
        assert!(out.is_ok(), "variant {id} ({deal} {company}): {:?}", out.err());
        // a redelivered event: same token, same body -> the same opportunity, no duplicate
        let again = pc.create_opportunity(&token, &new).await.unwrap();
        assert_eq!(again.id, out.unwrap().id);
    }
    assert_eq!(server.opportunity_count(), 7);
}

#[tokio::test]
async fn broken_values_are_rejected_by_the_model() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    type Breaker = fn(&mut NewOpportunity);
    let breakers: [(&str, Breaker); 5] = [
        ("Customer.Contacts[0].Phone", |n| {
            n.fields.customer.as_mut().unwrap().contacts.as_mut().unwrap()[0].phone = Some("2065550100".into())
        }),
        ("Customer.Contacts[0].Email", |n| {
            n.fields.customer.as_mut().unwrap().contacts.as_mut().unwrap()[0].email =
                Some("Jane.Doe@Acme.Example".into())
        }),
        ("Project.ExpectedCustomerSpend[0].Amount", |n| {
            n.fields
                .project
                .as_mut()
                .unwrap()
                .expected_customer_spend
                .as_mut()
                .unwrap()[0]
                .amount = "-5.00".into()
        }),
        ("Project.CustomerBusinessProblem", |n| {
            n.fields.project.as_mut().unwrap().customer_business_problem = Some("too short".into())
        }),
        ("LifeCycle.TargetCloseDate", |n| {
            n.fields.life_cycle.as_mut().unwrap().target_close_date = Some("2027-3-1".into())
        }),
    ];
    for (i, (field, brk)) in breakers.iter().enumerate() {
        let mut new = mapped("77", json!({}), json!({}));
        brk(&mut new);
        let token = client_token("12345", &format!("broken-{i}")).unwrap();
        match pc.create_opportunity(&token, &new).await {
            Err(PcError::Validation { fields, .. }) => {
                let names: Vec<String> = fields
                    .iter()
                    .filter_map(|f| f.field_name.clone())
                    .filter(|n| !n.is_empty())
                    .collect();
                assert_eq!(names, vec![field.to_string()]);
            }
            other => panic!("{field}: expected ValidationException, got {other:?}"),
        }
    }
    assert_eq!(server.opportunity_count(), 0);
}

#[tokio::test]
async fn merged_update_passes_and_an_unchanged_deal_is_a_no_op() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let created = pc
        .create_opportunity(
            &client_token("12345", "9001").unwrap(),
            &mapped("9001", json!({}), json!({})),
        )
        .await
        .unwrap();
    let current = pc.get_opportunity(&created.id).await.unwrap();
    // the same HubSpot data read back from Partner Central: nothing to write
    let same = merge_current_record(
        &current,
        &mapped("9001", json!({}), json!({})).fields,
        &OwnedFields::deal(),
    )
    .unwrap();
    assert!(!changed(
        &partner_central::OpportunityFields::from_current(&current),
        &same.fields
    ));

    let moved = mapped(
        "9001",
        json!({"dealstage": "contractsent", "amount": "240000"}),
        json!({"country": "Canada", "state": "Ontario"}),
    );
    let merged = merge_current_record(&current, &moved.fields, &OwnedFields::deal()).unwrap();
    assert!(changed(
        &partner_central::OpportunityFields::from_current(&current),
        &merged.fields
    ));
    pc.update_opportunity(&created.id, &current.last_modified_date, &merged.fields)
        .await
        .unwrap();
    let stored = server.opportunity(&created.id).unwrap();
    assert_eq!(stored["LifeCycle"]["Stage"], "Committed");
    assert_eq!(stored["Customer"]["Account"]["Address"]["CountryCode"], "CA");
    assert_eq!(stored["Project"]["ExpectedCustomerSpend"][0]["Amount"], "20000.00");
    assert_eq!(server.count("UpdateOpportunity"), 1);
}
