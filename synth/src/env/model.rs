//! The environment file type (`stacks/<env>.yaml`). Unknown keys are errors; the JSON Schema committed as
//! `stacks/environment.schema.json` is generated from these types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One deployment environment.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// Environment name; must equal the file name without `.yaml` (e.g. `production`).
    pub name: String,
    /// Physical-name prefix of every resource (queue `<prefix>-events-<env>.fifo`, functions, topic, ...).
    pub naming: Naming,
    /// Lambda sizing.
    pub functions: Functions,
    /// Event queue and its consumer.
    pub queue: QueueConfig,
    /// Webhook API.
    pub api: ApiConfig,
    /// Log retention.
    pub logs: LogsConfig,
    /// Alarm thresholds and notification.
    pub alarms: AlarmsConfig,
    /// HubSpot settings.
    pub hubspot: HubSpotConfig,
    /// Partner Central settings.
    pub partner_central: PartnerCentralConfig,
    /// Mapping inputs of the event processor.
    pub sync: SyncConfig,
}

/// Resource naming.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// Lowercase letters, digits and `-` (e.g. `hubspot-sync`).
    pub prefix: String,
}

/// Both functions.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Functions {
    /// The webhook receipt function (behind API Gateway; timeout <= 29 s).
    pub webhook_receipt: FunctionConfig,
    /// The event processor (SQS consumer).
    pub event_processor: FunctionConfig,
}

/// Sizing of one function.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionConfig {
    /// Memory in MB (128..=10240).
    pub memory_mb: u32,
    /// Timeout in seconds (1..=900).
    pub timeout_seconds: u32,
    /// Reserved concurrency (omit for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
}

/// Queue and event source mapping.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    /// Records per processor invocation (FIFO: 1..=10).
    pub batch_size: u32,
    /// ScalingConfig.MaximumConcurrency of the event source mapping (2..=1000).
    pub maximum_concurrency: u32,
    /// Visibility timeout in seconds; must be >= 6 x the processor timeout.
    pub visibility_timeout_seconds: u32,
    /// Receives before a message moves to the DLQ.
    pub max_receive_count: u32,
}

/// API Gateway stage.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Stage name, the first URL path segment (`[A-Za-z0-9_]+`).
    pub stage_name: String,
    /// Steady-state requests per second.
    pub throttling_rate_limit: f64,
    /// Burst size.
    pub throttling_burst_limit: u32,
    /// The public https URL HubSpot calls when a custom domain fronts the API (else the execute-api URL is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_webhook_url: Option<String>,
}

/// Logs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsConfig {
    /// Retention of every log group, in days (a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, ...).
    pub retention_days: u32,
}

/// Alarm thresholds. Every alarm notifies the alarm topic on ALARM and on OK.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmsConfig {
    /// Address subscribed to the alarm topic (omit for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// DLQ visible messages at or above which the DLQ alarm fires (>= 1).
    pub dlq_messages: u32,
    /// Age in seconds of the oldest DLQ message (messages expire after 14 days = 1,209,600 s).
    pub dlq_age_seconds: u32,
    /// Age in seconds of the oldest queued message.
    pub queue_age_seconds: u32,
    /// Visible messages in the main queue.
    pub queue_depth: u32,
    /// Receipt function errors / invocations, percent, over 5 minutes.
    pub receipt_error_rate_percent: f64,
    /// Processor function errors / invocations, percent, over 5 minutes.
    pub processor_error_rate_percent: f64,
    /// Throttled invocations (either function) per 5 minutes.
    pub throttles: u32,
    /// API Gateway 5XX responses per 5 minutes.
    pub api_5xx: u32,
    /// API Gateway 4XX responses per 5 minutes (signature failures, bad requests).
    pub api_4xx: u32,
    /// Processor maximum duration as percent of its timeout.
    pub processor_duration_percent_of_timeout: f64,
}

/// HubSpot.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HubSpotConfig {
    /// HubSpot API base URL (https).
    pub api_base_url: String,
    /// Portal ids whose events are accepted (omit to accept every portal that signs with the app secret).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub portal_ids: Vec<u64>,
}

/// Partner Central catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Catalog {
    /// The production catalog.
    #[serde(rename = "AWS")]
    Aws,
    /// The test catalog (every non-production environment).
    Sandbox,
}

impl Catalog {
    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Catalog::Aws => "AWS",
            Catalog::Sandbox => "Sandbox",
        }
    }
}

/// Partner Central access.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerCentralConfig {
    /// `AWS` in production, `Sandbox` elsewhere.
    pub catalog: Catalog,
    /// 12-digit account that holds the `partner-central-access` role (omit: the same account as the functions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_account_id: Option<String>,
    /// sts:ExternalId the processor presents (2..=1224 of `[A-Za-z0-9+=,.@:/_-]`).
    pub external_id: String,
}

/// Partner Central opportunity stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PcStage {
    /// Prospect
    Prospect,
    /// Qualified
    Qualified,
    /// Technical Validation
    #[serde(rename = "Technical Validation")]
    TechnicalValidation,
    /// Business Validation
    #[serde(rename = "Business Validation")]
    BusinessValidation,
    /// Committed
    Committed,
    /// Launched
    Launched,
    /// Closed Lost
    #[serde(rename = "Closed Lost")]
    ClosedLost,
}

impl PcStage {
    /// The Partner Central `LifeCycle.Stage` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PcStage::Prospect => "Prospect",
            PcStage::Qualified => "Qualified",
            PcStage::TechnicalValidation => "Technical Validation",
            PcStage::BusinessValidation => "Business Validation",
            PcStage::Committed => "Committed",
            PcStage::Launched => "Launched",
            PcStage::ClosedLost => "Closed Lost",
        }
    }
}

/// How the processor treats Partner Central and HubSpot writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Every write is made (the normal mode).
    #[default]
    Live,
    /// Every read is made and every write is computed and recorded (shadow records bucket, log line, metric) but
    /// not made; `canary_live_percent` of the deals (stable hash of the deal) still run live.
    Shadow,
}

impl SyncMode {
    /// The `SYNC_SETTINGS` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Live => "live",
            SyncMode::Shadow => "shadow",
        }
    }
}

/// Names of the HubSpot deal properties the sync writes (link and status). Each is optional; the default is the
/// previous (Python) system's name, so deals it already linked are adopted, not duplicated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncProperties {
    /// Partner Central opportunity id (the link). Default `aws_opportunity_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opportunity_id: Option<String>,
    /// Opportunity title. Default `aws_opportunity_title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opportunity_title: Option<String>,
    /// Partner Central review status. Default `aws_review_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_status: Option<String>,
    /// Sync status. Default `aws_sync_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_status: Option<String>,
    /// Last sync error. Default `aws_sync_error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_error: Option<String>,
    /// Time of the last sync. Default `aws_last_sync`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
}

impl SyncProperties {
    /// `(key, configured name, default name)` of every property, in key order.
    pub fn entries(&self) -> [(&'static str, Option<&str>, &'static str); 6] {
        [
            ("last_sync", self.last_sync.as_deref(), "aws_last_sync"),
            ("opportunity_id", self.opportunity_id.as_deref(), "aws_opportunity_id"),
            (
                "opportunity_title",
                self.opportunity_title.as_deref(),
                "aws_opportunity_title",
            ),
            ("review_status", self.review_status.as_deref(), "aws_review_status"),
            ("sync_error", self.sync_error.as_deref(), "aws_sync_error"),
            ("sync_status", self.sync_status.as_deref(), "aws_sync_status"),
        ]
    }

    /// No property configured (all defaults).
    pub fn is_default(&self) -> bool {
        self.entries().iter().all(|(_, v, _)| v.is_none())
    }
}

/// Mapping inputs and migration settings of the event processor (delivered as its `SYNC_SETTINGS` variable).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// `live` (default) or `shadow` (writes computed and recorded, not made; see `canary_live_percent`).
    #[serde(default)]
    pub mode: SyncMode,
    /// Shadow mode only: percent (0..=100) of deals, by stable hash of portal and deal id, that run live. Omit for 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary_live_percent: Option<u32>,
    /// The sync's own HubSpot app id: webhook events caused by the sync's own writes carry it and are skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hubspot_app_id: Option<u64>,
    /// Partner Central solution ids (`S-` and 1..=19 digits, at most 10, no repeats) associated with every opportunity
    /// created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solutions: Vec<String>,
    /// HubSpot deal property names of the link and status properties (defaults: the previous system's).
    #[serde(default, skip_serializing_if = "SyncProperties::is_default")]
    pub properties: SyncProperties,
    /// Only deals whose name contains this tag are synced (default `#AWS`).
    #[serde(default = "default_deal_tag")]
    pub deal_tag: String,
    /// HubSpot `dealstage` internal value (default pipeline) -> Partner Central stage.
    pub stage_map: BTreeMap<String, PcStage>,
}

fn default_deal_tag() -> String {
    "#AWS".to_owned()
}
