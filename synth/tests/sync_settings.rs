//! The `sync` section of the environment files: validation errors name the file and key; the processor's
//! `SYNC_SETTINGS` (COMMON contract) and `SHADOW_RECORDS_BUCKET` are synthesized from it; the shadow records bucket
//! is private, TLS-only and expiring, and the processor may only put `shadow/*`; an environment too large for
//! Lambda's 4 KB limit fails the synth with LAMBDA5.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::path::Path;

use serde_json::{Value, json};
use synth::env::{EnvConfig, load_env, parse_env};
use synth::render::{Format, synth_env};

fn production_text() -> String {
    std::fs::read_to_string(common::stacks_dir().join("production.yaml")).unwrap()
}

/// Production's text with its `mode: live` line replaced by `lines` (each at the `sync` indentation).
fn with_sync(lines: &str) -> String {
    let text = production_text();
    assert!(text.contains("\n  mode: live\n"));
    text.replace("\n  mode: live\n", &format!("\n{lines}\n"))
}

fn messages(text: &str) -> Vec<String> {
    parse_env(Path::new("stacks/production.yaml"), "production", text)
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn parse(text: &str) -> EnvConfig {
    parse_env(Path::new("stacks/production.yaml"), "production", text).unwrap()
}

fn processor_env(cfg: &EnvConfig) -> serde_json::Map<String, Value> {
    let out = synth_env(cfg, Format::Json).unwrap();
    let t = &out.values["async-architecture"];
    t["Resources"]["EventProcessorFunction"]["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap()
        .clone()
}

fn settings(cfg: &EnvConfig) -> Value {
    serde_json::from_str(processor_env(cfg)["SYNC_SETTINGS"].as_str().unwrap()).unwrap()
}

#[test]
fn canary_over_100_names_file_and_key() {
    let msgs = messages(&with_sync("  mode: shadow\n  canary_live_percent: 101"));
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("stacks/production.yaml")
            && msgs[0].contains("sync.canary_live_percent")
            && msgs[0].contains("101"),
        "{msgs:?}"
    );
}

#[test]
fn canary_while_live_is_an_error() {
    let msgs = messages(&with_sync("  mode: live\n  canary_live_percent: 10"));
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("sync.canary_live_percent") && msgs[0].contains("mode is live"),
        "{msgs:?}"
    );
}

#[test]
fn unknown_mode_and_unknown_property_key_name_the_key() {
    let msgs = messages(&with_sync("  mode: dry-run"));
    assert!(msgs[0].contains("sync.mode") && msgs[0].contains("dry-run"), "{msgs:?}");
    let msgs = messages(&with_sync("  properties:\n    opportunity: x"));
    assert!(
        msgs[0].contains("sync.properties") && msgs[0].contains("opportunity"),
        "{msgs:?}"
    );
}

#[test]
fn solution_ids_follow_the_partner_central_pattern() {
    let msgs = messages(&with_sync(
        "  solutions: [S-0000001, s-1, S-, S-12345678901234567890, S-0000001]",
    ));
    let keys: Vec<&str> = msgs
        .iter()
        .map(|m| {
            let start = m.find("sync.solutions[").unwrap();
            &m[start..start + m[start..].find(']').unwrap() + 1]
        })
        .collect();
    assert_eq!(
        keys,
        [
            "sync.solutions[1]",
            "sync.solutions[2]",
            "sync.solutions[3]",
            "sync.solutions[4]"
        ],
        "{msgs:?}"
    );
    assert!(msgs[3].contains("listed twice"), "{msgs:?}");
}

#[test]
fn property_names_are_hubspot_names_and_distinct() {
    let msgs = messages(&with_sync(
        "  properties:\n    opportunity_id: AWS-Id\n    sync_status: aws_sync_error",
    ));
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("sync.properties.opportunity_id") && m.contains("AWS-Id"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("sync.properties.sync_status") && m.contains("sync.properties.sync_error")),
        "{msgs:?}"
    );
    let msgs = messages(&with_sync("  hubspot_app_id: 0"));
    assert!(msgs[0].contains("sync.hubspot_app_id"), "{msgs:?}");
}

#[test]
fn committed_environments_get_their_settings_and_the_bucket() {
    let stacks = common::stacks_dir();
    let production = load_env(&stacks, "production").unwrap();
    assert_eq!(settings(&production), json!({"mode": "live"}));
    let staging = load_env(&stacks, "staging").unwrap();
    assert_eq!(settings(&staging), json!({"mode": "shadow", "canary_live_percent": 10}));
    for cfg in [&production, &staging] {
        assert_eq!(
            processor_env(cfg)["SHADOW_RECORDS_BUCKET"],
            json!({"Ref": "ShadowRecordsBucket"})
        );
    }
}

#[test]
fn everything_configured_reaches_the_processor_compactly() {
    let cfg = parse(
        &with_sync(concat!(
            "  mode: shadow\n  canary_live_percent: 0\n  hubspot_app_id: 1160452\n",
            "  solutions: [S-0000002, S-0000001]\n",
            "  properties:\n    opportunity_id: ace_opportunity_id\n    last_sync: ace_last_sync\n",
        ))
        .replace("  deal_tag: \"#AWS\"", "  deal_tag: \"#ACE\"")
        .replace(
            "    closedlost: Closed Lost\n",
            "    closedlost: Closed Lost\n    onhold: Qualified\n",
        ),
    );
    let text = processor_env(&cfg)["SYNC_SETTINGS"].as_str().unwrap().to_owned();
    assert!(!text.contains("\": ") && !text.contains(", \""), "compact: {text}");
    assert!(
        text.starts_with(r#"{"mode":"shadow","canary_live_percent":0,"hubspot_app_id":"1160452","#),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["solutions"],
        json!(["S-0000002", "S-0000001"]),
        "order kept as configured"
    );
    assert_eq!(
        v["properties"],
        json!({"last_sync": "ace_last_sync", "opportunity_id": "ace_opportunity_id"})
    );
    assert_eq!(v["mapping"]["deal_tag"], "#ACE");
    let default = &v["mapping"]["pipelines"]["default"];
    assert_eq!(default.as_object().unwrap().len(), 8);
    assert_eq!(
        default["onhold"],
        json!({"stage": "Qualified", "sales_activities": ["Customer has shown interest in solution"]})
    );
    assert_eq!(default["closedlost"], json!({"stage": "Closed Lost"}));
    // Deterministic: the same file gives the same bytes.
    assert_eq!(processor_env(&cfg)["SYNC_SETTINGS"].as_str().unwrap(), text);
}

#[test]
fn shadow_bucket_is_private_tls_only_expiring_and_write_only_under_shadow() {
    let cfg = load_env(&common::stacks_dir(), "staging").unwrap();
    let out = synth_env(&cfg, Format::Json).unwrap();
    let t = &out.values["async-architecture"];
    let b = &t["Resources"]["ShadowRecordsBucket"];
    assert_eq!(b["DeletionPolicy"], "Retain");
    let p = &b["Properties"];
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    for k in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(p["PublicAccessBlockConfiguration"][k], true, "{k}");
    }
    assert_eq!(
        p["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );
    assert_eq!(p["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"], 90);
    assert!(p.get("VersioningConfiguration").is_none());
    let deny = &t["Resources"]["ShadowRecordsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");

    let statements: Vec<&Value> = t["Resources"]["EventProcessorRole"]["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
        .collect();
    let s3: Vec<&&Value> = statements
        .iter()
        .filter(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a.as_str().unwrap().starts_with("s3:"))
        })
        .collect();
    assert_eq!(s3.len(), 1);
    assert_eq!(s3[0]["Action"], json!(["s3:PutObject"]));
    assert_eq!(
        s3[0]["Resource"],
        json!([{"Fn::Sub": "${ShadowRecordsBucket.Arn}/shadow/*"}])
    );
    assert_eq!(
        t["Outputs"]["ShadowRecordsBucketName"]["Value"],
        json!({"Ref": "ShadowRecordsBucket"})
    );
    // The receipt gets nothing of it.
    let receipt = &t["Resources"]["WebhookReceiptFunction"]["Properties"]["Environment"]["Variables"];
    assert!(receipt.get("SHADOW_RECORDS_BUCKET").is_none() && receipt.get("SYNC_SETTINGS").is_none());
}

#[test]
fn at_most_ten_solutions() {
    let ids: Vec<String> = (1..=11).map(|i| format!("S-{i:07}")).collect();
    let msgs = messages(&with_sync(&format!("  solutions: [{}]", ids.join(", "))));
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("sync.solutions") && msgs[0].contains("11 solutions"),
        "{msgs:?}"
    );
    parse(&with_sync(&format!("  solutions: [{}]", ids[..10].join(", "))));
}

#[test]
fn an_environment_over_4_kb_fails_the_synth_naming_the_function() {
    // A stage map of n extra stages: each becomes a pipelines.default entry with its default SalesActivities.
    let stages = |n: usize| {
        let extra: String = (0..n)
            .map(|i| format!("    custom_stage_{i:03}: Qualified\n"))
            .collect();
        parse(&production_text().replace(
            "    closedlost: Closed Lost\n",
            &format!("    closedlost: Closed Lost\n{extra}"),
        ))
    };
    let err = synth_env(&stages(60), Format::Yaml).unwrap_err().to_string();
    assert!(
        err.contains("LAMBDA5") && err.contains("EventProcessorFunction") && err.contains("SYNC_SETTINGS"),
        "{err}"
    );
    synth_env(&stages(20), Format::Yaml).unwrap();
}
