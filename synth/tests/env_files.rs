//! Environment-file loading: unknown environment, malformed YAML, unknown keys and semantic problems give errors
//! that name the file and key, all at once, never a panic.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::path::Path;

use synth::SynthError;
use synth::env::{load_env, parse_env};

fn production_text() -> String {
    std::fs::read_to_string(common::stacks_dir().join("production.yaml")).unwrap()
}

fn messages(name: &str, text: &str) -> Vec<String> {
    parse_env(Path::new(&format!("stacks/{name}.yaml")), name, text)
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_committed_environment_loads() {
    for name in synth::env::list_envs(&common::stacks_dir()).unwrap() {
        load_env(&common::stacks_dir(), &name).unwrap();
    }
}

#[test]
fn unknown_environment_names_the_file_and_the_known_ones() {
    let err = load_env(&common::stacks_dir(), "qa").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err.0[0], SynthError::UnknownEnv { .. }));
    assert!(
        msg.contains("qa.yaml") && msg.contains("development, production, staging"),
        "{msg}"
    );
    assert!(load_env(&common::stacks_dir(), "../etc/passwd").is_err());
}

#[test]
fn unknown_key_is_an_error_naming_the_key_path() {
    let text = production_text().replace("  batch_size: 10", "  batch_size: 10\n  batchsize: 3");
    let msgs = messages("production", &text);
    assert_eq!(msgs.len(), 1);
    assert!(
        msgs[0].contains("stacks/production.yaml") && msgs[0].contains("queue") && msgs[0].contains("batchsize"),
        "{msgs:?}"
    );
}

#[test]
fn wrong_type_names_the_key() {
    let text = production_text().replace("memory_mb: 512", "memory_mb: lots");
    let msgs = messages("production", &text);
    assert!(msgs[0].contains("functions.event_processor.memory_mb"), "{msgs:?}");
}

#[test]
fn malformed_yaml_is_an_error_not_a_panic() {
    for text in ["", ":", "name: [unclosed", "\t- x", "name: production\nnaming: 3"] {
        let msgs = messages("production", text);
        assert!(
            !msgs.is_empty() && msgs[0].contains("stacks/production.yaml"),
            "{text:?}: {msgs:?}"
        );
    }
}

#[test]
fn semantic_problems_are_all_reported() {
    let text = production_text()
        .replace("name: production", "name: prod")
        .replace("catalog: AWS", "catalog: Sandbox")
        .replace("timeout_seconds: 10", "timeout_seconds: 30")
        .replace("retention_days: 90", "retention_days: 91")
        .replace("https://api.hubapi.com", "http://api.hubapi.com")
        .replace("external_id: hubspot-sync-production-7f3c9a", "external_id: x")
        .replace("reserved_concurrency: 10", "reserved_concurrency: 1")
        .replace("email: partner-ops@example.com", "email: nobody");
    let msgs = messages("production", &text);
    for key in [
        "name:",
        "partner_central.catalog",
        "functions.webhook_receipt.timeout_seconds",
        "logs.retention_days",
        "hubspot.api_base_url",
        "partner_central.external_id",
        "functions.event_processor.reserved_concurrency",
        "alarms.email",
    ] {
        assert!(msgs.iter().any(|m| m.contains(key)), "missing {key} in {msgs:#?}");
    }
    assert_eq!(msgs.len(), 8, "{msgs:#?}");
}

#[test]
fn non_production_must_use_sandbox() {
    let text = std::fs::read_to_string(common::stacks_dir().join("staging.yaml"))
        .unwrap()
        .replace("catalog: Sandbox", "catalog: AWS");
    let msgs = messages("staging", &text);
    assert!(
        msgs.iter()
            .any(|m| m.contains("partner_central.catalog") && m.contains("Sandbox")),
        "{msgs:?}"
    );
}

#[test]
fn deal_tag_defaults_to_aws_tag() {
    let text = production_text().replace("  deal_tag: \"#AWS\"\n", "");
    let cfg = parse_env(Path::new("p.yaml"), "production", &text).unwrap();
    assert_eq!(cfg.sync.deal_tag, "#AWS");
}

#[test]
fn partner_central_role_in_another_account_flows_into_the_processor() {
    let text = production_text().replace(
        "  catalog: AWS\n",
        "  catalog: AWS\n  role_account_id: \"210987654321\"\n",
    );
    let cfg = parse_env(Path::new("p.yaml"), "production", &text).unwrap();
    let t = synth::stacks::async_arch::build(&cfg);
    let v = serde_json::to_value(&t).unwrap();
    let arn =
        v["Resources"]["EventProcessorFunction"]["Properties"]["Environment"]["Variables"]["PARTNER_CENTRAL_ROLE_ARN"]
            .to_string();
    assert!(
        arn.contains("iam::210987654321:role/hubspot-sync-partner-central-production"),
        "{arn}"
    );
    let policy = v["Resources"]["EventProcessorRole"].to_string();
    assert!(policy.contains("210987654321"), "{policy}");
    let bad = production_text().replace("  catalog: AWS\n", "  catalog: AWS\n  role_account_id: \"12\"\n");
    assert!(messages("production", &bad)[0].contains("partner_central.role_account_id"));
}
