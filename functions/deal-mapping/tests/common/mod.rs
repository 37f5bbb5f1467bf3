//! Shared fixtures: HubSpot objects built from JSON (as the API returns them, nulls included) and a fixed "today".
#![allow(dead_code, clippy::unwrap_used)]

use chrono::NaiveDate;
use hubspot::CrmObject;
use serde_json::{Value, json};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

pub fn object(id: &str, properties: Value) -> CrmObject {
    serde_json::from_value(json!({ "id": id, "properties": properties })).unwrap()
}

/// A complete, valid deal in HubSpot's default pipeline.
pub fn deal_props() -> Value {
    json!({
        "dealname": "Data platform #AWS",
        "amount": "120000",
        "closedate": "2027-03-31T00:00:00.000Z",
        "dealstage": "qualifiedtobuy",
        "pipeline": "default",
        "description": "Customer needs a modern analytics platform on AWS to replace an on-premises warehouse.",
        "dealtype": "newbusiness",
        "deal_currency_code": "USD",
        "hs_next_step": "Schedule architecture workshop",
        "aws_delivery_models": "SaaS or PaaS;Professional Services",
        "aws_primary_needs": "Co-Sell - Architectural Validation",
        "aws_use_case": "Big Data: Data Warehouse/Data Integration/ETL/Data Lake/BI",
    })
}

pub fn deal_with(changes: Value) -> CrmObject {
    let mut props = deal_props();
    for (k, v) in changes.as_object().unwrap() {
        props[k] = v.clone();
    }
    object("9001", props)
}

pub fn company() -> CrmObject {
    company_with(json!({}))
}

pub fn company_with(changes: Value) -> CrmObject {
    let mut props = json!({
        "name": "Acme Corp",
        "industry": "COMPUTER_SOFTWARE",
        "website": "acme.example",
        "domain": "acme.example",
        "country": "United States",
        "state": "WA",
        "city": "Seattle",
        "zip": "98101",
        "address": "1 Main St",
    });
    for (k, v) in changes.as_object().unwrap() {
        props[k] = v.clone();
    }
    object("501", props)
}

pub fn contacts() -> Vec<CrmObject> {
    vec![
        object(
            "701",
            json!({"email": "Jane.Doe@Acme.Example", "firstname": "Jane", "lastname": "Doe",
                   "jobtitle": "CTO", "phone": "+1 (206) 555-0100", "mobilephone": null}),
        ),
        object(
            "702",
            json!({"email": null, "firstname": "Bob", "lastname": null, "jobtitle": null, "phone": "555-0101"}),
        ),
        object(
            "703",
            json!({"email": null, "firstname": null, "lastname": null, "jobtitle": "Ghost"}),
        ),
    ]
}
