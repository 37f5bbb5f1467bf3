//! The processor's `SYNC_SETTINGS` value (COMMON contract): compact, deterministic JSON built from the environment
//! file's `sync` section. Only what differs from the processor's defaults is emitted, plus `mode` (always, so an
//! operator reading the function configuration sees it):
//!
//! - `canary_live_percent`, `hubspot_app_id`, `solutions`, `properties` (only the names that are configured);
//! - `mapping.deal_tag` when it is not `#AWS`;
//! - `mapping.pipelines.default` when `stage_map` differs from deal-mapping's default stage map: every mapped stage
//!   with the default `SalesActivities` of its Partner Central stage ([`default_sales_activities`]).
//!
//! Field order is fixed by the structs below and maps are `BTreeMap`s, so the bytes do not depend on serde_json's
//! `preserve_order` feature.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{PcStage, SyncConfig, SyncMode};

/// The processor variable holding the settings.
pub const SYNC_SETTINGS: &str = "SYNC_SETTINGS";
/// The functions' variable naming their CloudWatch metrics namespace ([`crate::env::Names::metrics_namespace`]).
pub const METRICS_NAMESPACE: &str = "METRICS_NAMESPACE";
/// The processor variable holding the shadow records bucket name.
pub const SHADOW_RECORDS_BUCKET: &str = "SHADOW_RECORDS_BUCKET";

/// deal-mapping's default `Project.SalesActivities` for a Partner Central stage (`MappingConfig::default()`, the
/// `default` pipeline; the contract test `tests/function_env.rs` compares this table with the processor's parser).
pub fn default_sales_activities(stage: PcStage) -> &'static [&'static str] {
    match stage {
        PcStage::Prospect => &["Initialized discussions with customer"],
        PcStage::Qualified => &["Customer has shown interest in solution"],
        PcStage::TechnicalValidation => &["Conducted POC / Demo"],
        PcStage::BusinessValidation => &["In evaluation / planning stage"],
        PcStage::Committed => &["Agreed on solution to Business Problem"],
        PcStage::Launched => &["Finalized Deployment Need"],
        PcStage::ClosedLost => &[],
    }
}

/// deal-mapping's default stage map of the `default` pipeline (HubSpot stage id -> Partner Central stage).
pub fn default_stage_map() -> BTreeMap<String, PcStage> {
    [
        ("appointmentscheduled", PcStage::Prospect),
        ("qualifiedtobuy", PcStage::Qualified),
        ("presentationscheduled", PcStage::TechnicalValidation),
        ("decisionmakerboughtin", PcStage::BusinessValidation),
        ("contractsent", PcStage::Committed),
        ("closedwon", PcStage::Launched),
        ("closedlost", PcStage::ClosedLost),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[derive(Serialize)]
struct Settings<'a> {
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    canary_live_percent: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hubspot_app_id: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    solutions: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    mapping: Mapping<'a>,
}

#[derive(Serialize)]
struct Mapping<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    deal_tag: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pipelines: Option<BTreeMap<&'static str, BTreeMap<&'a str, StageRule>>>,
}

impl Mapping<'_> {
    fn is_empty(&self) -> bool {
        self.deal_tag.is_none() && self.pipelines.is_none()
    }
}

#[derive(Serialize)]
struct StageRule {
    stage: &'static str,
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    sales_activities: &'static [&'static str],
}

/// The `SYNC_SETTINGS` JSON of `sync` (compact, deterministic).
pub fn sync_settings_json(sync: &SyncConfig) -> String {
    let pipelines = (sync.stage_map != default_stage_map()).then(|| {
        let stages = sync
            .stage_map
            .iter()
            .map(|(hubspot, pc)| {
                let rule = StageRule {
                    stage: pc.as_str(),
                    sales_activities: default_sales_activities(*pc),
                };
                (hubspot.as_str(), rule)
            })
            .collect();
        BTreeMap::from([("default", stages)])
    });
    let settings = Settings {
        mode: sync.mode.as_str(),
        canary_live_percent: match sync.mode {
            SyncMode::Shadow => sync.canary_live_percent,
            SyncMode::Live => None,
        },
        hubspot_app_id: sync.hubspot_app_id.map(|id| id.to_string()),
        solutions: &sync.solutions,
        properties: sync
            .properties
            .entries()
            .into_iter()
            .filter_map(|(key, name, _)| name.map(|n| (key, n)))
            .collect(),
        mapping: Mapping {
            deal_tag: (sync.deal_tag != "#AWS").then_some(sync.deal_tag.as_str()),
            pipelines,
        },
    };
    // Serializing these plain structs cannot fail; an empty object would still mean "all defaults".
    serde_json::to_string(&settings).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::SyncProperties;

    fn sync(stage_map: BTreeMap<String, PcStage>) -> SyncConfig {
        SyncConfig {
            mode: SyncMode::Live,
            canary_live_percent: None,
            hubspot_app_id: None,
            solutions: Vec::new(),
            properties: SyncProperties::default(),
            deal_tag: "#AWS".to_owned(),
            stage_map,
        }
    }

    #[test]
    fn defaults_emit_only_the_mode() {
        assert_eq!(sync_settings_json(&sync(default_stage_map())), r#"{"mode":"live"}"#);
    }

    #[test]
    fn everything_configured_is_emitted_in_contract_order() {
        let mut s = sync(BTreeMap::from([
            ("won".to_owned(), PcStage::Launched),
            ("lost".to_owned(), PcStage::ClosedLost),
        ]));
        s.mode = SyncMode::Shadow;
        s.canary_live_percent = Some(10);
        s.hubspot_app_id = Some(1_160_452);
        s.solutions = vec!["S-0000001".to_owned()];
        s.properties.opportunity_id = Some("ace_id".to_owned());
        s.deal_tag = "#ACE".to_owned();
        assert_eq!(
            sync_settings_json(&s),
            concat!(
                r#"{"mode":"shadow","canary_live_percent":10,"hubspot_app_id":"1160452","solutions":["S-0000001"],"#,
                r##""properties":{"opportunity_id":"ace_id"},"mapping":{"deal_tag":"#ACE","pipelines":{"default":"##,
                r#"{"lost":{"stage":"Closed Lost"},"won":{"stage":"Launched","sales_activities":["Finalized Deployment Need"]}}}}}"#
            )
        );
    }
}
