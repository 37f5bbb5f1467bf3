//! Update merge: fields the sync does not own are carried over, owned fields replaced, review-status rules applied,
//! no-op detection.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use deal_mapping::merge::{ACTION_REQUIRED_EDITABLE, APPROVED_LOCKED};
use deal_mapping::{
    DealInput, Locked, MappingConfig, OwnedField, OwnedFields, changed, map_fields, merge_into_current,
    merge_with_review,
};
use partner_central::OpportunityFields;
use partner_central::sdk::types::{
    AwsFundingUsed, ClosedLostReason, CompetitorName, Industry, Marketing, MarketingSource, ReviewStatus, Stage,
};
use serde_json::json;

fn mapped(changes: serde_json::Value) -> OpportunityFields {
    let deal = deal_with(changes);
    let company = company();
    let contacts = contacts();
    map_fields(
        DealInput {
            deal: &deal,
            company: Some(&company),
            contacts: &contacts,
        },
        &MappingConfig::default(),
        today(),
    )
    .unwrap()
}

/// The current record: what the sync mapped earlier, plus partner-side edits the sync does not own.
fn current() -> OpportunityFields {
    let mut c = mapped(json!({}));
    c.marketing = Some(
        Marketing::builder()
            .source(MarketingSource::MarketingActivity)
            .aws_funding_used(AwsFundingUsed::No)
            .build(),
    );
    let p = c.project.as_mut().unwrap();
    p.competitor_name = Some(CompetitorName::from("Google Cloud Platform"));
    p.additional_comments = Some("edited in Partner Central".into());
    let lc = c.life_cycle.as_mut().unwrap();
    lc.review_status = Some(ReviewStatus::PendingSubmission); // read-only, must never be sent back
    c
}

#[test]
fn merge_replaces_owned_and_keeps_everything_else() {
    let cur = current();
    let new = mapped(json!({"dealstage": "contractsent", "amount": "240000"}));
    let merged = merge_into_current(&cur, &new, &OwnedFields::deal());
    assert_eq!(merged.life_cycle.as_ref().unwrap().stage, Some(Stage::Committed));
    assert_eq!(
        merged.life_cycle.as_ref().unwrap().review_status,
        None,
        "read-only member dropped"
    );
    assert_eq!(
        merged
            .project
            .as_ref()
            .unwrap()
            .expected_customer_spend
            .as_ref()
            .unwrap()[0]
            .amount,
        "20000.00"
    );
    assert_eq!(merged.marketing, cur.marketing, "not owned: carried over");
    let p = merged.project.as_ref().unwrap();
    assert_eq!(p.competitor_name, cur.project.as_ref().unwrap().competitor_name);
    assert_eq!(p.additional_comments.as_deref(), Some("edited in Partner Central"));
    assert!(changed(&cur, &merged));
}

#[test]
fn unchanged_mapping_is_a_no_op() {
    let cur = current();
    let merged = merge_into_current(&cur, &mapped(json!({})), &OwnedFields::deal());
    assert!(!changed(&cur, &merged), "same HubSpot data: no write");
    // an empty HubSpot value does not wipe Partner Central data
    let merged = merge_into_current(&cur, &mapped(json!({"hs_next_step": null})), &OwnedFields::deal());
    assert_eq!(
        merged.life_cycle.unwrap().next_steps.as_deref(),
        Some("Schedule architecture workshop")
    );
}

#[test]
fn partial_ownership_only_touches_its_fields() {
    let cur = current();
    let new = mapped(json!({"dealstage": "closedwon", "hs_next_step": "Sign the SOW"}));
    let merged = merge_into_current(&cur, &new, &OwnedFields::next_steps());
    let lc = merged.life_cycle.as_ref().unwrap();
    assert_eq!(lc.next_steps.as_deref(), Some("Sign the SOW"));
    assert_eq!(lc.stage, Some(Stage::Qualified), "stage is not owned by a note event");
    let account_only = merge_into_current(&cur, &new, &OwnedFields::account());
    assert!(!changed(&cur, &account_only));
}

#[test]
fn leaving_closed_lost_clears_the_reason() {
    let lost = mapped(json!({"dealstage": "closedlost", "closedate": "2025-01-01", "aws_closed_lost_reason": "Price"}));
    assert_eq!(
        lost.life_cycle.as_ref().unwrap().closed_lost_reason,
        Some(ClosedLostReason::Price)
    );
    let reopened = merge_into_current(&lost, &mapped(json!({})), &OwnedFields::deal());
    let lc = reopened.life_cycle.unwrap();
    assert_eq!((lc.stage, lc.closed_lost_reason), (Some(Stage::Qualified), None));
}

#[test]
fn merge_into_an_empty_record_creates_the_members() {
    let empty = OpportunityFields::default();
    let new = mapped(json!({}));
    let merged = merge_into_current(&empty, &new, &OwnedFields::deal());
    assert_eq!(
        merged.customer.as_ref().unwrap().account.as_ref().unwrap().company_name,
        "Acme Corp"
    );
    assert_eq!(merged.life_cycle, new.life_cycle);
}

#[test]
fn review_status_rules() {
    let cur = current();
    let new = mapped(json!({
        "dealstage": "contractsent", "dealname": "Renamed #AWS", "amount": "240000",
        "description": "A completely new business problem statement for the customer."
    }));
    let mut new = new;
    new.customer.as_mut().unwrap().account.as_mut().unwrap().industry = Some(Industry::Retail);
    let all = OwnedFields::deal();

    for locked in [ReviewStatus::Submitted, ReviewStatus::InReview, ReviewStatus::Rejected] {
        let err = merge_with_review(&cur, &new, &all, Some(&locked)).unwrap_err();
        assert_eq!(
            err,
            Locked {
                review_status: locked.as_str().to_string()
            }
        );
    }

    let ar = merge_with_review(&cur, &new, &all, Some(&ReviewStatus::ActionRequired)).unwrap();
    let p = ar.fields.project.as_ref().unwrap();
    assert_eq!(
        p.expected_customer_spend.as_ref().unwrap()[0].amount,
        "20000.00",
        "spend is editable"
    );
    assert!(
        p.customer_business_problem
            .as_ref()
            .unwrap()
            .starts_with("A completely new")
    );
    assert_eq!(
        p.title.as_deref(),
        Some("Data platform #AWS"),
        "title is not editable in Action Required"
    );
    assert_eq!(ar.fields.life_cycle.as_ref().unwrap().stage, Some(Stage::Qualified));
    assert!(ar.held_back.contains(&OwnedField::Stage) && ar.held_back.contains(&OwnedField::Title));
    assert!(ar.held_back.iter().all(|f| !ACTION_REQUIRED_EDITABLE.contains(f)));

    let ap = merge_with_review(&cur, &new, &all, Some(&ReviewStatus::Approved)).unwrap();
    let p = ap.fields.project.as_ref().unwrap();
    assert_eq!(
        p.title.as_deref(),
        Some("Data platform #AWS"),
        "title locked after approval"
    );
    assert_eq!(
        p.customer_business_problem,
        cur.project.as_ref().unwrap().customer_business_problem
    );
    assert_eq!(
        ap.fields.customer.as_ref().unwrap().account.as_ref().unwrap().industry,
        Some(Industry::SoftwareInternet)
    );
    assert_eq!(
        ap.fields.life_cycle.as_ref().unwrap().stage,
        Some(Stage::Committed),
        "stage still editable"
    );
    let mut held = ap.held_back.clone();
    held.sort();
    let mut want: Vec<OwnedField> = APPROVED_LOCKED.to_vec();
    want.sort();
    assert_eq!(held, want);

    for editable in [None, Some(ReviewStatus::PendingSubmission)] {
        let r = merge_with_review(&cur, &new, &all, editable.as_ref()).unwrap();
        assert!(r.held_back.is_empty());
        assert_eq!(
            r.fields.project.as_ref().unwrap().title.as_deref(),
            Some("Renamed #AWS")
        );
    }
}
