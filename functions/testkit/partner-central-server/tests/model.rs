//! The model loads from botocore, every pattern compiles, and the generic validator catches each constraint kind.
#![allow(clippy::unwrap_used)]

use partner_central_server::shared_model;
use partner_central_server::validate::validate;
use serde_json::json;

fn codes(shape: &str, v: serde_json::Value) -> Vec<(String, &'static str)> {
    let model = shared_model().unwrap();
    validate(&model, shape, &v)
        .into_iter()
        .map(|e| (e.field_name, e.code))
        .collect()
}

#[test]
fn model_loads_and_all_patterns_compile() {
    let model = shared_model().unwrap();
    assert!(model.operations.contains_key("CreateOpportunity"));
    assert_eq!(model.target_prefix, "AWSPartnerCentralSelling");
    let fancy: Vec<&String> = model
        .patterns
        .iter()
        .filter(|(_, p)| p.is_fancy())
        .map(|(k, _)| k)
        .collect();
    // Look-ahead patterns (Email, WebsiteUrl, ...) need fancy-regex; everything else compiles with `regex`.
    assert!(fancy.iter().all(|p| p.contains("(?=")), "{fancy:?}");
    assert!(
        fancy.iter().any(|p| p.contains("@")),
        "the Email pattern uses look-ahead: {fancy:?}"
    );
    assert!(model.patterns.len() > 40);
}

#[test]
fn minimal_create_is_valid() {
    assert_eq!(
        codes(
            "CreateOpportunityRequest",
            json!({"Catalog": "Sandbox", "ClientToken": "t"})
        ),
        vec![]
    );
}

#[test]
fn missing_required_members() {
    assert_eq!(
        codes("CreateOpportunityRequest", json!({"Catalog": "Sandbox"})),
        vec![("ClientToken".to_string(), "REQUIRED_FIELD_MISSING")]
    );
    assert_eq!(
        codes(
            "CreateOpportunityRequest",
            json!({"Catalog": "AWS", "ClientToken": "t", "Customer": {"Account": {}}})
        ),
        vec![("Customer.Account.CompanyName".to_string(), "REQUIRED_FIELD_MISSING")]
    );
}

#[test]
fn enums_patterns_lengths_lists() {
    let req = json!({
        "Catalog": "AWS", "ClientToken": "t", "Origin": "Partner referral",
        "Customer": {"Account": {"CompanyName": "x".repeat(121), "Industry": "Software and Internet",
            "Duns": "12345678", "WebsiteUrl": "https://acme.example"},
            "Contacts": [{"Email": "Upper@Example.com"}, {"Email": "ok@example.com", "Phone": "+4917612345678"}]},
        "Project": {"CustomerBusinessProblem": "too short", "DeliveryModels": ["SaaS or PaaS", "Bogus"]},
        "LifeCycle": {"TargetCloseDate": "2030-13-01"},
        "OpportunityTeam": (0..11).map(|_| json!({"Email": "a@b.co"})).collect::<Vec<_>>(),
    });
    let got = codes("CreateOpportunityRequest", req);
    let expect = [
        ("Origin", "INVALID_ENUM_VALUE"),
        ("Customer.Account.CompanyName", "INVALID_STRING_FORMAT"),
        ("Customer.Account.Duns", "INVALID_STRING_FORMAT"),
        ("Customer.Contacts[0].Email", "INVALID_STRING_FORMAT"),
        ("Project.CustomerBusinessProblem", "INVALID_STRING_FORMAT"),
        ("Project.DeliveryModels[1]", "INVALID_ENUM_VALUE"),
        ("LifeCycle.TargetCloseDate", "INVALID_STRING_FORMAT"),
        ("OpportunityTeam", "TOO_MANY_VALUES"),
    ];
    for (field, code) in expect {
        assert!(
            got.contains(&(field.to_string(), code)),
            "missing {field} {code} in {got:?}"
        );
    }
    assert_eq!(got.len(), expect.len(), "{got:?}");
}

#[test]
fn unknown_members_types_ranges_and_timestamps() {
    let got = codes(
        "ListOpportunitiesRequest",
        json!({"Catalog": "AWS", "MaxResults": 101, "Bogus": 1, "LastModifiedDate": {"AfterLastModifiedDate": "yesterday"},
               "Identifier": ["O1", 5]}),
    );
    assert!(got.contains(&("MaxResults".into(), "VALUE_OUT_OF_RANGE")), "{got:?}");
    assert!(got.contains(&("Bogus".into(), "INVALID_VALUE")), "{got:?}");
    assert!(
        got.contains(&("LastModifiedDate.AfterLastModifiedDate".into(), "INVALID_STRING_FORMAT")),
        "{got:?}"
    );
    assert!(got.contains(&("Identifier[1]".into(), "INVALID_VALUE")), "{got:?}");
    assert_eq!(got.len(), 4, "{got:?}");
    let ok = codes(
        "ListOpportunitiesRequest",
        json!({"Catalog": "AWS", "MaxResults": 100, "LastModifiedDate": {"AfterLastModifiedDate": "2026-11-28T10:00:00.5Z"}}),
    );
    assert_eq!(ok, vec![]);
}

#[test]
fn website_and_email_lookahead_patterns() {
    let with = |url: &str, email: &str| {
        codes(
            "CreateOpportunityRequest",
            json!({"Catalog": "AWS", "ClientToken": "t", "Customer": {
                "Account": {"CompanyName": "A", "WebsiteUrl": url}, "Contacts": [{"Email": email}]}}),
        )
    };
    assert_eq!(with("https://www.acme.example", "jane.doe@acme.example"), vec![]);
    let long_email = format!("{}@acme.example", "a".repeat(80));
    let got = with("x", &long_email);
    assert!(
        got.contains(&("Customer.Account.WebsiteUrl".into(), "INVALID_STRING_FORMAT")),
        "{got:?}"
    );
    assert!(
        got.contains(&("Customer.Contacts[0].Email".into(), "INVALID_STRING_FORMAT")),
        "{got:?}"
    );
}
