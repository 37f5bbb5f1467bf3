//! Throughput of the three checks on the compliant fixture (15 resources) and on a 20x copy of it (300 resources,
//! with references renamed so the copies stay self-consistent).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("../tests/fixtures/good.json")).unwrap_or(Value::Null)
}

/// `copies` copies of the fixture's resources; every logical id and reference gets a numeric suffix.
fn scaled(copies: usize) -> Value {
    let base = fixture();
    let text = base["Resources"].to_string();
    let ids: Vec<String> = base["Resources"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut resources = serde_json::Map::new();
    for n in 0..copies {
        let mut copy = text.clone();
        for id in &ids {
            for (from, to) in [
                (format!("\"{id}\""), format!("\"{id}{n}\"")),
                (format!("${{{id}."), format!("${{{id}{n}.")),
                (format!("${{{id}}}"), format!("${{{id}{n}}}")),
            ] {
                copy = copy.replace(&from, &to);
            }
        }
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&copy) {
            resources.extend(map);
        }
    }
    let mut out = base;
    out["Resources"] = Value::Object(resources);
    out
}

fn benches(c: &mut Criterion) {
    let small = fixture();
    let large = scaled(20);
    let mut changed = large.clone();
    let resources = large["Resources"].as_object().map_or(0, |m| m.len());
    let report = cfn_checks::rules::check_template(&large);
    let violations = cfn_checks::schema::validate_template(&large).len();
    eprintln!(
        "scaled fixture: {resources} resources, {} findings, {violations} schema violations",
        report.findings.len()
    );
    changed["Resources"]["EventsQueue3"]["Properties"]["QueueName"] = Value::String("renamed.fifo".into());
    c.bench_function("check_template/15", |b| {
        b.iter(|| cfn_checks::rules::check_template(black_box(&small)))
    });
    c.bench_function("check_template/300", |b| {
        b.iter(|| cfn_checks::rules::check_template(black_box(&large)))
    });
    c.bench_function("validate_template/15", |b| {
        b.iter(|| cfn_checks::schema::validate_template(black_box(&small)))
    });
    c.bench_function("validate_template/300", |b| {
        b.iter(|| cfn_checks::schema::validate_template(black_box(&large)))
    });
    c.bench_function("diff_templates/300", |b| {
        b.iter(|| cfn_checks::diff::diff_templates(black_box(&large), black_box(&changed)))
    });
}

criterion_group!(checks, benches);
criterion_main!(checks);
