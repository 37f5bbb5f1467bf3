//! Cost of model validation per request: loading + compiling the model once, and validating a complete
//! CreateOpportunity body (look-ahead patterns included) and a small GetOpportunity body.
#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use partner_central_server::{Model, shared_model, validate::validate};
use serde_json::json;

fn bodies() -> (serde_json::Value, serde_json::Value) {
    let create = json!({
        "Catalog": "Sandbox", "ClientToken": "hubspot-1-deal-42-create", "Origin": "Partner Referral",
        "OpportunityType": "Net New Business", "NationalSecurity": "No", "PartnerOpportunityIdentifier": "hs-deal-42",
        "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
        "Customer": {"Account": {"CompanyName": "Acme Corp", "Industry": "Software and Internet",
            "WebsiteUrl": "https://acme.example", "Address": {"City": "Seattle", "PostalCode": "98101",
            "StateOrRegion": "Washington", "CountryCode": "US", "StreetAddress": "1 Main St"}},
            "Contacts": [{"Email": "jane.doe@acme.example", "FirstName": "Jane", "LastName": "Doe", "Phone": "+12065550100"}]},
        "Project": {"Title": "Data platform", "CustomerBusinessProblem": "Needs a modern data platform for analytics",
            "DeliveryModels": ["SaaS or PaaS"], "ExpectedCustomerSpend": [{"Amount": "1000", "CurrencyCode": "USD",
            "Frequency": "Monthly", "TargetCompany": "AWS"}]},
        "LifeCycle": {"Stage": "Prospect", "TargetCloseDate": "2030-01-15", "NextSteps": "Kickoff call"},
        "Marketing": {"Source": "None", "AwsFundingUsed": "No"},
        "OpportunityTeam": [{"Email": "owner@partner.example", "FirstName": "Olly", "LastName": "Owner", "BusinessTitle": "OpportunityOwner"}]
    });
    let get = json!({"Catalog": "Sandbox", "Identifier": "O1000001"});
    (create, get)
}

fn bench(c: &mut Criterion) {
    let model = shared_model().unwrap();
    let (create, get) = bodies();
    assert!(validate(&model, "CreateOpportunityRequest", &create).is_empty());
    c.bench_function("validate CreateOpportunityRequest (full body)", |b| {
        b.iter(|| validate(&model, "CreateOpportunityRequest", std::hint::black_box(&create)))
    });
    c.bench_function("validate GetOpportunityRequest", |b| {
        b.iter(|| validate(&model, "GetOpportunityRequest", std::hint::black_box(&get)))
    });
    let mut g = c.benchmark_group("model");
    g.sample_size(10);
    g.bench_function("load + compile service model", |b| b.iter(|| Model::locate().unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
