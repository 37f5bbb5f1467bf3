//! Environment configuration: the file type, loading/validation, the generated JSON Schema, and the physical
//! names derived from it (one place, so no stack hand-types another stack's names).

mod load;
mod model;

pub use load::{list_envs, load_env, parse_env, validate};
pub use model::*;

/// The JSON Schema of an environment file, pretty-printed with a trailing newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(EnvConfig);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

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
