//! [`SyncSettings`]: the processor's `SYNC_SETTINGS` contract (compact JSON; absent or empty = all defaults), shared
//! by the processor (which parses it at cold start), the synth (which writes it into the stack and checks it) and the
//! ops tooling. Unknown keys are an error naming the key; [`SyncSettings::validate`] reports every bad value with its
//! key path (`canary_live_percent`, `properties.sync_status`, `mapping.default_currency`, ...).
//!
//! ```json
//! {"mode":"shadow","canary_live_percent":10,"hubspot_app_id":"1234567","solutions":["S-0000001"],
//!  "properties":{"opportunity_id":"aws_opportunity_id"},"mapping":{"deal_tag":"#AWS"}}
//! ```
//!
//! The schema is committed as `sync-settings.schema.json` (drift-tested; `UPDATE_SCHEMA=1 cargo test -p
//! deal-mapping --test settings` regenerates it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::MappingConfig;

/// Most solutions Partner Central associates with one opportunity.
pub const MAX_SOLUTIONS: usize = 10;

/// Whether the processor writes (live) or only records what it would write (shadow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// Write to Partner Central and HubSpot (default).
    #[default]
    Live,
    /// Read as usual, record the planned writes as shadow records, write nothing (except the canary share).
    Shadow,
}

/// Names of the HubSpot deal properties the sync reads and writes for its link and status. Defaults are the previous
/// (Python) system's names, so deals it linked are adopted as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SyncProperties {
    /// The linked opportunity id (`O1234567`). Default `aws_opportunity_id`.
    pub opportunity_id: String,
    /// The opportunity's title as Partner Central shows it. Default `aws_opportunity_title`.
    pub opportunity_title: String,
    /// `LifeCycle.ReviewStatus` of the opportunity. Default `aws_review_status`.
    pub review_status: String,
    /// `synced` | `blocked` | `error`. Default `aws_sync_status`.
    pub sync_status: String,
    /// Readable reason of `blocked` / `error` (empty when synced). Default `aws_sync_error`.
    pub sync_error: String,
    /// Time of the last successful write (ISO-8601 UTC). Default `aws_last_sync`.
    pub last_sync: String,
}

impl Default for SyncProperties {
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

impl SyncProperties {
    /// `(key, property name)` of every write-back property, in key order of the contract.
    pub fn named(&self) -> [(&'static str, &str); 6] {
        [
            ("opportunity_id", self.opportunity_id.as_str()),
            ("opportunity_title", self.opportunity_title.as_str()),
            ("review_status", self.review_status.as_str()),
            ("sync_status", self.sync_status.as_str()),
            ("sync_error", self.sync_error.as_str()),
            ("last_sync", self.last_sync.as_str()),
        ]
    }

    /// The property names only the sync writes (a change to one of them is an echo of the sync's own write).
    pub fn write_back_names(&self) -> [&str; 6] {
        self.named().map(|(_, name)| name)
    }

    /// True when `name` is one of the sync's own write-back properties.
    pub fn is_write_back(&self, name: &str) -> bool {
        let name = name.trim();
        self.write_back_names().contains(&name)
    }
}

/// The `SYNC_SETTINGS` document. Every key is optional; unknown keys are rejected.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSettings {
    /// `live` (default) or `shadow`.
    pub mode: SyncMode,
    /// Shadow mode only: deals whose stable canary bucket (SHA-256 of `{portal_id}:{deal_id}`, first 8 bytes
    /// big-endian mod 100) is below this run live, the rest in shadow. 0..=100, default 0.
    #[schemars(range(max = 100))]
    pub canary_live_percent: u8,
    /// The sync's own HubSpot app id (digits): property changes and notes made by it are echoes. Default none (then
    /// only the write-back property rule applies).
    pub hubspot_app_id: Option<String>,
    /// Partner Central solution ids (`S-` + digits, at most 10, no repeats) associated with every opportunity the
    /// sync creates. Default none.
    #[schemars(length(max = 10), inner(regex(pattern = r"^S-[0-9]{1,19}$")))]
    pub solutions: Vec<String>,
    /// Names of the deal properties the sync writes back. Defaults: the previous system's names.
    pub properties: SyncProperties,
    /// The mapping rules (see [`MappingConfig`]).
    pub mapping: MappingConfig,
}

/// A `SYNC_SETTINGS` problem, naming the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Not JSON of the right shape (includes unknown keys, which serde names).
    #[error("SYNC_SETTINGS is not valid: {0}")]
    Parse(String),
    /// A value is out of range or inconsistent.
    #[error("SYNC_SETTINGS `{key}`: {problem}")]
    Invalid {
        /// Key path, e.g. `properties.sync_status` or `mapping.default_currency`.
        key: String,
        /// What is wrong.
        problem: String,
    },
}

/// All problems of one settings document (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct SettingsErrors(pub Vec<SettingsError>);

fn invalid(key: impl Into<String>, problem: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        key: key.into(),
        problem: problem.into(),
    }
}

/// A HubSpot property internal name: lowercase ASCII letter first, then lowercase letters, digits, `_`; ≤ 100 chars.
fn is_property_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 100
}

/// `S-` followed by 1 to 19 digits (the ListSolutions id pattern).
fn is_solution_id(id: &str) -> bool {
    id.strip_prefix("S-")
        .is_some_and(|d| (1..=19).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

impl SyncSettings {
    /// Parses and validates `SYNC_SETTINGS` (`None`, empty or blank = all defaults).
    pub fn parse(text: Option<&str>) -> Result<Self, SettingsErrors> {
        let text = text.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Ok(Self::default());
        }
        let parse_error = |e: String| SettingsErrors(vec![SettingsError::Parse(e)]);
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        if !value.is_object() {
            return Err(parse_error("must be a JSON object".into()));
        }
        let settings: Self = serde_json::from_value(value).map_err(|e| parse_error(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Every out-of-range value, sorted by key (the mapping's own problems under `mapping.`).
    pub fn validate(&self) -> Result<(), SettingsErrors> {
        let mut errors = Vec::new();
        if self.canary_live_percent > 100 {
            errors.push(invalid(
                "canary_live_percent",
                format!("{} is outside 0..=100", self.canary_live_percent),
            ));
        }
        if let Some(app) = &self.hubspot_app_id
            && (app.is_empty() || !app.bytes().all(|b| b.is_ascii_digit()) || app.len() > 20)
        {
            errors.push(invalid(
                "hubspot_app_id",
                "must be the numeric HubSpot app id (or null)",
            ));
        }
        if self.solutions.len() > MAX_SOLUTIONS {
            errors.push(invalid(
                "solutions",
                format!(
                    "{} solutions; Partner Central allows at most {MAX_SOLUTIONS}",
                    self.solutions.len()
                ),
            ));
        }
        for (i, id) in self.solutions.iter().enumerate() {
            if !is_solution_id(id) {
                errors.push(invalid(
                    format!("solutions[{i}]"),
                    format!("{id:?} is not a solution id (S-<digits>)"),
                ));
            } else if self.solutions[..i].contains(id) {
                errors.push(invalid(format!("solutions[{i}]"), format!("{id:?} is listed twice")));
            }
        }
        let named = self.properties.named();
        for (i, (key, name)) in named.iter().enumerate() {
            if !is_property_name(name) {
                errors.push(invalid(
                    format!("properties.{key}"),
                    format!("{name:?} is not a HubSpot property name (lowercase letters, digits, _)"),
                ));
            } else if let Some((other, _)) = named[..i].iter().find(|(_, n)| n == name) {
                errors.push(invalid(
                    format!("properties.{key}"),
                    format!("{name:?} is also properties.{other}"),
                ));
            }
        }
        if let Err(mapping) = self.mapping.validate() {
            errors.extend(
                mapping
                    .into_iter()
                    .map(|e| invalid(format!("mapping.{}", e.key), e.problem)),
            );
        }
        errors.sort_by(|a, b| key_of(a).cmp(key_of(b)));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(SettingsErrors(errors))
        }
    }

    /// True in shadow mode (which needs a shadow records bucket).
    pub fn is_shadow(&self) -> bool {
        self.mode == SyncMode::Shadow
    }

    /// The compact JSON of these settings (what synth puts into `SYNC_SETTINGS`).
    pub fn to_compact_json(&self) -> String {
        // Serializing plain strings, numbers and maps cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The JSON schema of `SYNC_SETTINGS`.
    pub fn json_schema() -> schemars::Schema {
        schemars::schema_for!(SyncSettings)
    }

    /// The schema as pretty JSON with a trailing newline (the committed file's exact bytes).
    pub fn json_schema_pretty() -> String {
        let mut s = serde_json::to_string_pretty(&Self::json_schema()).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn key_of(e: &SettingsError) -> &str {
    match e {
        SettingsError::Parse(_) => "",
        SettingsError::Invalid { key, .. } => key,
    }
}
