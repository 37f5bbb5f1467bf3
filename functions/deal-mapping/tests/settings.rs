//! `SYNC_SETTINGS` (COMMON.md contract): defaults, every key, unknown keys named, every validation rule naming its
//! key, round trip through the compact JSON, and the committed schema (drift test; `UPDATE_SCHEMA=1` regenerates).

#![allow(clippy::unwrap_used)]

use deal_mapping::{MappingConfig, SettingsError, SyncMode, SyncProperties, SyncSettings};

const SCHEMA_PATH: &str = "sync-settings.schema.json";

fn keys(text: &str) -> Vec<String> {
    SyncSettings::parse(Some(text))
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| match e {
            SettingsError::Invalid { key, .. } => key,
            SettingsError::Parse(p) => format!("parse: {p}"),
        })
        .collect()
}

#[test]
fn absent_or_empty_is_all_defaults() {
    for text in [None, Some(""), Some("  "), Some("{}")] {
        let s = SyncSettings::parse(text).unwrap();
        assert_eq!(s, SyncSettings::default());
        assert_eq!(s.mode, SyncMode::Live);
        assert_eq!(s.canary_live_percent, 0);
        assert_eq!(s.hubspot_app_id, None);
        assert!(s.solutions.is_empty());
        assert_eq!(s.mapping, MappingConfig::default());
    }
    let p = SyncProperties::default();
    assert_eq!(
        p.write_back_names(),
        [
            "aws_opportunity_id",
            "aws_opportunity_title",
            "aws_review_status",
            "aws_sync_status",
            "aws_sync_error",
            "aws_last_sync"
        ]
    );
    // The default write-back names are the previous system's, all in the legacy echo list.
    for name in p.write_back_names() {
        assert!(deal_mapping::OWN_WRITE_BACK_PROPERTIES.contains(&name), "{name}");
    }
}

#[test]
fn every_key_is_read() {
    let s = SyncSettings::parse(Some(
        r##"{"mode":"shadow","canary_live_percent":25,"hubspot_app_id":"1234567","solutions":["S-0000001","S-42"],
        "properties":{"opportunity_id":"pc_id","sync_status":"pc_status"},
        "mapping":{"deal_tag":"#ACE","default_currency":"EUR"}}"##,
    ))
    .unwrap();
    assert_eq!(s.mode, SyncMode::Shadow);
    assert!(s.is_shadow());
    assert_eq!(s.canary_live_percent, 25);
    assert_eq!(s.hubspot_app_id.as_deref(), Some("1234567"));
    assert_eq!(s.solutions, ["S-0000001", "S-42"]);
    assert_eq!(s.properties.opportunity_id, "pc_id");
    assert_eq!(s.properties.sync_status, "pc_status");
    assert_eq!(
        s.properties.sync_error, "aws_sync_error",
        "unset keys keep their default"
    );
    assert!(s.properties.is_write_back("pc_status"));
    assert!(!s.properties.is_write_back("aws_sync_status"));
    assert_eq!(s.mapping.deal_tag, "#ACE");
    assert_eq!(s.mapping.default_currency, "EUR");
    assert_eq!(s.mapping.default_contract_months, 12);
    // The compact JSON synth writes parses back to the same settings.
    let json = s.to_compact_json();
    assert!(!json.contains('\n'));
    assert_eq!(SyncSettings::parse(Some(&json)).unwrap(), s);
    assert_eq!(
        SyncSettings::parse(Some(&SyncSettings::default().to_compact_json())).unwrap(),
        SyncSettings::default()
    );
}

#[test]
fn unknown_keys_are_named() {
    for (text, key) in [
        (r#"{"modes":"live"}"#, "modes"),
        (r#"{"properties":{"deal_id":"x"}}"#, "deal_id"),
        (r##"{"mapping":{"tag":"#AWS"}}"##, "tag"),
    ] {
        let err = SyncSettings::parse(Some(text)).unwrap_err();
        assert!(
            matches!(&err.0[..], [SettingsError::Parse(m)] if m.contains(&format!("`{key}`"))),
            "{text}: {err}"
        );
    }
}

#[test]
fn shape_errors_are_parse_errors() {
    for text in [
        r#"{"mode":"dry-run"}"#,
        r#"{"canary_live_percent":-1}"#,
        r#"{"canary_live_percent":"10"}"#,
        r#"{"solutions":"S-1"}"#,
        "not json",
        "[]",
    ] {
        let err = SyncSettings::parse(Some(text)).unwrap_err();
        assert!(matches!(&err.0[..], [SettingsError::Parse(_)]), "{text}: {err}");
        assert!(err.to_string().starts_with("SYNC_SETTINGS"), "{err}");
    }
}

#[test]
fn every_bad_value_is_reported_with_its_key() {
    assert_eq!(keys(r#"{"canary_live_percent":101}"#), ["canary_live_percent"]);
    assert_eq!(keys(r#"{"hubspot_app_id":"app-1"}"#), ["hubspot_app_id"]);
    assert_eq!(keys(r#"{"hubspot_app_id":""}"#), ["hubspot_app_id"]);
    assert_eq!(
        keys(r#"{"solutions":["S-1","solution","S-1"]}"#),
        ["solutions[1]", "solutions[2]"]
    );
    let eleven: Vec<String> = (1..=11).map(|i| format!("\"S-{i}\"")).collect();
    assert_eq!(
        keys(&format!(r#"{{"solutions":[{}]}}"#, eleven.join(","))),
        ["solutions"]
    );
    assert_eq!(
        keys(r#"{"properties":{"sync_status":"Sync Status","sync_error":"aws_opportunity_id"}}"#),
        ["properties.sync_error", "properties.sync_status"]
    );
    assert_eq!(keys(r#"{"properties":{"last_sync":""}}"#), ["properties.last_sync"]);
    assert_eq!(
        keys(r#"{"canary_live_percent":200,"mapping":{"default_currency":"XXX","deal_tag":" "}}"#),
        ["canary_live_percent", "mapping.deal_tag", "mapping.default_currency"]
    );
    let err = SyncSettings::parse(Some(r#"{"mapping":{"default_currency":"XXX"}}"#)).unwrap_err();
    assert!(err.to_string().contains("`mapping.default_currency`"), "{err}");
}

#[test]
fn committed_schema_matches_generated() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
    let generated = SyncSettings::json_schema_pretty();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        committed, generated,
        "{SCHEMA_PATH} is stale: UPDATE_SCHEMA=1 cargo test -p deal-mapping --test settings"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let props = schema["properties"].as_object().unwrap();
    let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "canary_live_percent",
            "hubspot_app_id",
            "mapping",
            "mode",
            "properties",
            "solutions"
        ]
    );
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
}
