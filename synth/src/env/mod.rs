//! Environment configuration: the file type, loading/validation, the generated JSON Schema, and the physical
//! names derived from it (one place, so no stack hand-types another stack's names).

mod load;
mod model;
mod settings;

pub use load::{list_envs, load_env, parse_env, validate};
pub use model::*;
pub use settings::{
    METRICS_NAMESPACE, SHADOW_RECORDS_BUCKET, SYNC_SETTINGS, default_sales_activities, default_stage_map,
    sync_settings_json,
};

/// The JSON Schema of an environment file, pretty-printed with sorted keys and a trailing newline (sorted
/// explicitly, so the bytes do not depend on serde_json's `preserve_order` feature being unified on or off).
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(EnvConfig);
    let value = serde_json::to_value(&schema).unwrap_or_default();
    let mut s = serde_json::to_string_pretty(&Sorted(&value)).unwrap_or_default();
    s.push('\n');
    s
}

/// Serializes a JSON value with object keys in sorted order.
struct Sorted<'a>(&'a serde_json::Value);

impl serde::Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &Sorted(v))?;
                }
                map.end()
            }
            serde_json::Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(&Sorted(v))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// The first part of every environment's metrics namespace ([`Names::metrics_namespace`]); also the functions'
/// default namespace when `METRICS_NAMESPACE` is unset (local runs).
pub const METRICS_NAMESPACE_ROOT: &str = "HubSpotPartnerCentralSync";

/// Physical names and export names of an environment.
#[derive(Debug, Clone)]
pub struct Names {
    prefix: String,
    env: String,
}

impl Names {
    /// Names for `cfg`.
    pub fn new(cfg: &EnvConfig) -> Self {
        Self {
            prefix: cfg.naming.prefix.clone(),
            env: cfg.name.clone(),
        }
    }
    /// Environment name.
    pub fn env(&self) -> &str {
        &self.env
    }
    /// `<prefix>-events-<env>.fifo`
    pub fn queue(&self) -> String {
        format!("{}-events-{}.fifo", self.prefix, self.env)
    }
    /// `<prefix>-events-dlq-<env>.fifo`
    pub fn dlq(&self) -> String {
        format!("{}-events-dlq-{}.fifo", self.prefix, self.env)
    }
    /// Webhook receipt function name.
    pub fn receipt_fn(&self) -> String {
        format!("{}-webhook-receipt-{}", self.prefix, self.env)
    }
    /// Event processor function name.
    pub fn processor_fn(&self) -> String {
        format!("{}-event-processor-{}", self.prefix, self.env)
    }
    /// The processor's execution role name (deterministic: the trust policy names it).
    pub fn processor_role(&self) -> String {
        format!("{}-event-processor-{}", self.prefix, self.env)
    }
    /// The receipt function's execution role name.
    pub fn receipt_role(&self) -> String {
        format!("{}-webhook-receipt-{}", self.prefix, self.env)
    }
    /// The Partner Central access role name (deterministic, so the first stack can compute its ARN).
    pub fn partner_central_role(&self) -> String {
        format!("{}-partner-central-{}", self.prefix, self.env)
    }
    /// REST API name.
    pub fn api(&self) -> String {
        format!("{}-webhook-{}", self.prefix, self.env)
    }
    /// Alarm topic name.
    pub fn topic(&self) -> String {
        format!("{}-alarms-{}", self.prefix, self.env)
    }
    /// Secret holding the HubSpot private-app access token.
    pub fn token_secret(&self) -> String {
        format!("{}/{}/hubspot-access-token", self.prefix, self.env)
    }
    /// Secret holding the HubSpot app client secret (webhook signatures).
    pub fn webhook_secret(&self) -> String {
        format!("{}/{}/hubspot-webhook-client-secret", self.prefix, self.env)
    }
    /// Access-log group of the API stage.
    pub fn api_access_logs(&self) -> String {
        format!("/aws/apigateway/{}-webhook-{}/access", self.prefix, self.env)
    }
    /// CloudWatch namespace of both functions' EMF metrics (their `METRICS_NAMESPACE`), one per environment so
    /// that environments sharing an account and region never share a metric series or an alarm.
    pub fn metrics_namespace(&self) -> String {
        format!("{METRICS_NAMESPACE_ROOT}/{}", self.env)
    }
    /// Dashboard name.
    pub fn dashboard(&self) -> String {
        format!("{}-{}", self.prefix, self.env)
    }
    /// Alarm name for a short alarm key (`dlq-not-empty`).
    pub fn alarm(&self, key: &str) -> String {
        format!("{}-{}-{}", self.prefix, key, self.env)
    }
    /// Export name for a short key (`QueueName`).
    pub fn export(&self, key: &str) -> String {
        format!("{}-{}-{}", self.prefix, self.env, key)
    }
    /// Stack names (`<prefix>-<stack>-<env>`), as documented in the runbook.
    pub fn stack(&self, stack: &str) -> String {
        format!("{}-{}-{}", self.prefix, stack, self.env)
    }
}
