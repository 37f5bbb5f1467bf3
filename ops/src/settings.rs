//! The sync settings the migration commands work with: the `SYNC_SETTINGS` contract (COMMON.md) read from a JSON
//! file, from the `SYNC_SETTINGS` environment variable, or from an environment file's `sync` section
//! (`stacks/<env>.yaml`), so `reconcile` and `backfill` decide scope and mapping exactly as the processor does.
//!
//! SYNC_SETTINGS JSON is parsed by the processor's own parser (`deal_mapping::SyncSettings`): unknown keys are an
//! error naming the key. The environment file: the
//! `sync` section's `deal_tag`, `stage_map` (HubSpot stage id -> Partner Central stage, which becomes
//! `mapping.pipelines.default` with the default SalesActivities of that stage), `mode`, `canary_live_percent`,
//! `hubspot_app_id`, `solutions`, `properties` and `mapping` are read; other keys of the section belong to the synth
//! and are ignored.

use std::collections::BTreeMap;

use deal_mapping::{MappingConfig, StageRule};
pub use deal_mapping::{SyncMode, SyncProperties, SyncSettings};

use crate::error::OpsError;

/// Parses SYNC_SETTINGS JSON with the processor's own parser (`deal_mapping::SyncSettings::parse`: empty = all
/// defaults, unknown keys and bad values named).
pub fn from_json(text: &str, source_name: &str) -> Result<SyncSettings, OpsError> {
    SyncSettings::parse(Some(text)).map_err(|e| OpsError::Settings {
        source_name: source_name.to_owned(),
        reason: e.to_string(),
    })
}

/// Builds the settings from an environment file's (YAML) `sync` section, then validates them like the processor.
pub fn from_env_file_text(text: &str, source_name: &str) -> Result<SyncSettings, OpsError> {
    let bad = |reason: String| OpsError::Settings {
        source_name: source_name.to_owned(),
        reason,
    };
    let doc: serde_json::Value = serde_yaml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let sync = doc
        .get("sync")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| bad("the file has no `sync` section".into()))?;
    let mut contract = serde_json::Map::new();
    for key in [
        "mode",
        "canary_live_percent",
        "hubspot_app_id",
        "solutions",
        "properties",
        "mapping",
    ] {
        if let Some(v) = sync.get(key) {
            // The environment file may write the app id as a YAML integer; the contract has a string.
            let v = match (key, v) {
                ("hubspot_app_id", serde_json::Value::Number(n)) => serde_json::Value::String(n.to_string()),
                _ => v.clone(),
            };
            contract.insert(key.into(), v);
        }
    }
    let mut settings: SyncSettings =
        serde_json::from_value(serde_json::Value::Object(contract)).map_err(|e| bad(format!("sync: {e}")))?;
    if let Some(tag) = sync.get("deal_tag") {
        settings.mapping.deal_tag = tag
            .as_str()
            .ok_or_else(|| bad("sync.deal_tag must be a string".into()))?
            .to_owned();
    }
    if let Some(map) = sync.get("stage_map") {
        let map: BTreeMap<String, String> =
            serde_json::from_value(map.clone()).map_err(|e| bad(format!("sync.stage_map: {e}")))?;
        settings
            .mapping
            .pipelines
            .insert(deal_mapping::config::DEFAULT_PIPELINE.to_owned(), stage_rules(&map));
    }
    settings.validate().map_err(|e| bad(e.to_string()))?;
    Ok(settings)
}

/// Loads from `--settings FILE` (JSON), `--env-file FILE` (YAML) or the `SYNC_SETTINGS` variable, in that order;
/// all defaults when none is given.
pub fn load(settings_file: Option<&str>, env_file: Option<&str>) -> Result<SyncSettings, OpsError> {
    let read = |path: &str| {
        std::fs::read_to_string(path).map_err(|e| OpsError::File {
            action: "read",
            path: path.to_owned(),
            message: e.to_string(),
        })
    };
    match (settings_file, env_file) {
        (Some(_), Some(_)) => Err(OpsError::InvalidArgument {
            argument: "--settings/--env-file",
            reason: "give one of them".into(),
        }),
        (Some(path), None) => from_json(&read(path)?, path),
        (None, Some(path)) => from_env_file_text(&read(path)?, path),
        (None, None) => from_json(&std::env::var("SYNC_SETTINGS").unwrap_or_default(), "SYNC_SETTINGS"),
    }
}

/// `stage_map` entries as stage rules, each with the default SalesActivities of its Partner Central stage.
fn stage_rules(map: &BTreeMap<String, String>) -> BTreeMap<String, StageRule> {
    let defaults = MappingConfig::default();
    let activities_of = |stage: &str| {
        defaults
            .pipelines
            .values()
            .flat_map(|p| p.values())
            .find(|r| r.stage == stage)
            .map(|r| r.sales_activities.clone())
            .unwrap_or_default()
    };
    map.iter()
        .map(|(hs, pc)| {
            (
                hs.clone(),
                StageRule {
                    stage: pc.clone(),
                    sales_activities: activities_of(pc),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_all_defaults() {
        let s = from_json("  ", "SYNC_SETTINGS").unwrap();
        assert_eq!(s, SyncSettings::default());
        assert_eq!(s.properties.opportunity_id, "aws_opportunity_id");
        assert_eq!(s.mapping.deal_tag, "#AWS");
    }

    #[test]
    fn contract_keys_parse_and_unknown_keys_are_named() {
        let s = from_json(
            r##"{"mode":"shadow","canary_live_percent":10,"hubspot_app_id":"123","solutions":["S-0000001"],
                "properties":{"opportunity_id":"pc_id"},"mapping":{"deal_tag":"#ACE"}}"##,
            "f.json",
        )
        .unwrap();
        assert_eq!(s.mode, SyncMode::Shadow);
        assert_eq!(s.canary_live_percent, 10);
        assert_eq!(s.properties.opportunity_id, "pc_id");
        assert_eq!(s.properties.sync_status, "aws_sync_status");
        assert_eq!(s.mapping.deal_tag, "#ACE");
        let e = from_json(r#"{"modes":"live"}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("unknown field `modes`"), "{e}");
        let e = from_json(r#"{"canary_live_percent":101}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("f.json"), "{e}");
        assert!(e.to_string().contains("canary_live_percent"), "{e}");
        let e = from_json(r#"{"properties":{"colour":"x"}}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn environment_file_sync_section() {
        let yaml = "naming:\n  prefix: hubspot-sync\nsync:\n  deal_tag: \"#ACE\"\n  stage_map:\n    s1: Prospect\n    \
                    s2: Closed Lost\n  mode: shadow\n  canary_live_percent: 50\n  hubspot_app_id: 1234567\n  alarm_email: x\n";
        let s = from_env_file_text(yaml, "stacks/x.yaml").unwrap();
        assert_eq!(s.mapping.deal_tag, "#ACE");
        assert_eq!(s.mode, SyncMode::Shadow);
        assert_eq!(s.canary_live_percent, 50);
        assert_eq!(s.hubspot_app_id.as_deref(), Some("1234567"));
        let default = &s.mapping.pipelines["default"];
        assert_eq!(default.len(), 2);
        assert_eq!(default["s1"].stage, "Prospect");
        assert_eq!(
            default["s1"].sales_activities,
            ["Initialized discussions with customer"]
        );
        assert!(default["s2"].sales_activities.is_empty());
        let e = from_env_file_text("naming: {}\n", "x.yaml").unwrap_err();
        assert!(e.to_string().contains("no `sync` section"), "{e}");
    }

    #[test]
    fn committed_environment_files_load() {
        for env in ["development", "staging", "production"] {
            let path = format!("{}/../stacks/{env}.yaml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            from_env_file_text(&text, &path).unwrap();
        }
    }
}
