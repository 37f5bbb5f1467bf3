//! The sync settings the migration commands work with: the `SYNC_SETTINGS` contract (COMMON.md) read from a JSON
//! file, from the `SYNC_SETTINGS` environment variable, or from an environment file's `sync` section
//! (`stacks/<env>.yaml`), so `reconcile` and `backfill` decide scope and mapping exactly as the processor does.
//!
//! SYNC_SETTINGS JSON: unknown keys are an error naming the key (as in the processor). The environment file: the
//! `sync` section's `deal_tag`, `stage_map` (HubSpot stage id -> Partner Central stage, which becomes
//! `mapping.pipelines.default` with the default SalesActivities of that stage), `mode`, `canary_live_percent`,
//! `hubspot_app_id`, `solutions`, `properties` and `mapping` are read; other keys of the section belong to the synth
//! and are ignored.

use std::collections::BTreeMap;

use deal_mapping::{MappingConfig, StageRule};
use serde::{Deserialize, Serialize};

use crate::error::OpsError;

/// `live` or `shadow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Writes are made.
    #[default]
    Live,
    /// Writes are computed and recorded, not made (except canary deals).
    Shadow,
}

/// Names of the deal properties holding the link and the sync status (defaults: the previous system's names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PropertyNames {
    /// Linked opportunity id.
    pub opportunity_id: String,
    /// Opportunity title.
    pub opportunity_title: String,
    /// Partner Central review status.
    pub review_status: String,
    /// `synced` / `blocked` / `error`.
    pub sync_status: String,
    /// Readable error text.
    pub sync_error: String,
    /// Time of the last sync.
    pub last_sync: String,
}

impl Default for PropertyNames {
    fn default() -> Self {
        Self {
            opportunity_id: "aws_opportunity_id".into(),
            opportunity_title: "aws_opportunity_title".into(),
            review_status: "aws_review_status".into(),
            sync_status: "aws_sync_status".into(),
            sync_error: "aws_sync_error".into(),
            last_sync: "aws_last_sync".into(),
        }
    }
}

/// The `SYNC_SETTINGS` contract.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSettings {
    /// `live` (default) or `shadow`.
    pub mode: Mode,
    /// Shadow mode only: deals whose canary bucket is below this run live.
    pub canary_live_percent: u8,
    /// The sync's own HubSpot app id.
    pub hubspot_app_id: Option<String>,
    /// Solutions associated on create.
    pub solutions: Vec<String>,
    /// Link and status property names.
    pub properties: PropertyNames,
    /// Mapping settings.
    pub mapping: MappingConfig,
}

impl SyncSettings {
    /// Parses SYNC_SETTINGS JSON (empty or whitespace = all defaults) and validates it.
    pub fn from_json(text: &str, source_name: &str) -> Result<Self, OpsError> {
        let bad = |reason: String| OpsError::Settings {
            source_name: source_name.to_owned(),
            reason,
        };
        let settings: SyncSettings = if text.trim().is_empty() {
            SyncSettings::default()
        } else {
            serde_json::from_str(text).map_err(|e| bad(e.to_string()))?
        };
        settings.validate().map_err(bad)?;
        Ok(settings)
    }

    /// Reads an environment file (YAML) and builds the settings from its `sync` section.
    pub fn from_env_file_text(text: &str, source_name: &str) -> Result<Self, OpsError> {
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
                contract.insert(key.into(), v.clone());
            }
        }
        let mut settings: SyncSettings =
            serde_json::from_value(serde_json::Value::Object(contract)).map_err(|e| bad(e.to_string()))?;
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
        settings.validate().map_err(bad)?;
        Ok(settings)
    }

    /// Loads from `--settings FILE` (JSON), `--env-file FILE` (YAML) or the `SYNC_SETTINGS` variable, in that order;
    /// all defaults when none is given.
    pub fn load(settings_file: Option<&str>, env_file: Option<&str>) -> Result<Self, OpsError> {
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
            (Some(path), None) => Self::from_json(&read(path)?, path),
            (None, Some(path)) => Self::from_env_file_text(&read(path)?, path),
            (None, None) => Self::from_json(&std::env::var("SYNC_SETTINGS").unwrap_or_default(), "SYNC_SETTINGS"),
        }
    }

    fn validate(&self) -> Result<(), String> {
        if self.canary_live_percent > 100 {
            return Err(format!(
                "canary_live_percent must be 0..=100, got {}",
                self.canary_live_percent
            ));
        }
        let names = &self.properties;
        for (key, v) in [
            ("properties.opportunity_id", &names.opportunity_id),
            ("properties.opportunity_title", &names.opportunity_title),
            ("properties.review_status", &names.review_status),
            ("properties.sync_status", &names.sync_status),
            ("properties.sync_error", &names.sync_error),
            ("properties.last_sync", &names.last_sync),
        ] {
            if v.trim().is_empty() {
                return Err(format!("{key} must not be empty"));
            }
        }
        self.mapping.validate().map_err(|errors| {
            let texts: Vec<String> = errors.iter().map(|e| format!("mapping: {e}")).collect();
            texts.join("; ")
        })
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
        let s = SyncSettings::from_json("  ", "SYNC_SETTINGS").unwrap();
        assert_eq!(s, SyncSettings::default());
        assert_eq!(s.properties.opportunity_id, "aws_opportunity_id");
        assert_eq!(s.mapping.deal_tag, "#AWS");
    }

    #[test]
    fn contract_keys_parse_and_unknown_keys_are_named() {
        let s = SyncSettings::from_json(
            r##"{"mode":"shadow","canary_live_percent":10,"hubspot_app_id":"123","solutions":["S-0000001"],
                "properties":{"opportunity_id":"pc_id"},"mapping":{"deal_tag":"#ACE"}}"##,
            "f.json",
        )
        .unwrap();
        assert_eq!(s.mode, Mode::Shadow);
        assert_eq!(s.canary_live_percent, 10);
        assert_eq!(s.properties.opportunity_id, "pc_id");
        assert_eq!(s.properties.sync_status, "aws_sync_status");
        assert_eq!(s.mapping.deal_tag, "#ACE");
        let e = SyncSettings::from_json(r#"{"modes":"live"}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("unknown field `modes`"), "{e}");
        let e = SyncSettings::from_json(r#"{"canary_live_percent":101}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("canary_live_percent"), "{e}");
        let e = SyncSettings::from_json(r#"{"properties":{"colour":"x"}}"#, "f.json").unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn environment_file_sync_section() {
        let yaml = "naming:\n  prefix: hubspot-sync\nsync:\n  deal_tag: \"#ACE\"\n  stage_map:\n    s1: Prospect\n    \
                    s2: Closed Lost\n  mode: shadow\n  canary_live_percent: 50\n  alarm_email: ignored\n";
        let s = SyncSettings::from_env_file_text(yaml, "stacks/x.yaml").unwrap();
        assert_eq!(s.mapping.deal_tag, "#ACE");
        assert_eq!(s.mode, Mode::Shadow);
        assert_eq!(s.canary_live_percent, 50);
        let default = &s.mapping.pipelines["default"];
        assert_eq!(default.len(), 2);
        assert_eq!(default["s1"].stage, "Prospect");
        assert_eq!(
            default["s1"].sales_activities,
            ["Initialized discussions with customer"]
        );
        assert!(default["s2"].sales_activities.is_empty());
        let e = SyncSettings::from_env_file_text("naming: {}\n", "x.yaml").unwrap_err();
        assert!(e.to_string().contains("no `sync` section"), "{e}");
    }

    #[test]
    fn committed_environment_files_load() {
        for env in ["development", "staging", "production"] {
            let path = format!("{}/../stacks/{env}.yaml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            SyncSettings::from_env_file_text(&text, &path).unwrap();
        }
    }
}
