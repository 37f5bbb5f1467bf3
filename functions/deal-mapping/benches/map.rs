//! Criterion benches: a full deal mapping (deal + company + 3 contacts) and a 5 KB HTML note -> NextSteps excerpt.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use deal_mapping::{DealInput, MappingConfig, map_new_opportunity, note_excerpt};
use hubspot::CrmObject;
use serde_json::json;

fn object(id: &str, props: serde_json::Value) -> CrmObject {
    serde_json::from_value(json!({ "id": id, "properties": props })).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn bench(c: &mut Criterion) {
    let deal = object(
        "9001",
        json!({"dealname": "Data platform #AWS", "amount": "120000", "closedate": "2027-03-31T00:00:00Z",
               "dealstage": "qualifiedtobuy", "pipeline": "default", "description": "Short", "dealtype": "newbusiness",
               "aws_delivery_models": "SaaS or PaaS;Professional Services"}),
    );
    let company = object(
        "501",
        json!({"name": "Acme Corp", "industry": "INFORMATION_TECHNOLOGY_AND_SERVICES", "website": "acme.example",
               "country": "United Kingdom", "city": "London", "zip": "EC1A 1BB"}),
    );
    let contacts: Vec<CrmObject> = (0..3)
        .map(|i| {
            object(
                &i.to_string(),
                json!({"email": format!("Person{i}@Acme.Example"), "firstname": "P",
                                               "lastname": "Q", "phone": "+44 20 7946 0958"}),
            )
        })
        .collect();
    let cfg = MappingConfig::default();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
    c.bench_function("map_new_opportunity", |b| {
        b.iter(|| {
            let input = DealInput {
                deal: &deal,
                company: Some(&company),
                contacts: &contacts,
            };
            black_box(map_new_opportunity(black_box(input), &cfg, today).is_ok())
        })
    });
    let note = format!(
        "<div><p>{}</p></div>",
        "Next: call the customer &amp; agree the POC scope. ".repeat(100)
    );
    c.bench_function("note_excerpt_5kb", |b| {
        b.iter(|| black_box(note_excerpt(black_box(&note))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
