//! The three stacks of an environment, composed from constructs and the environment file.
//!
//! Deploy order: `async-architecture` (queues, functions, API, alarms; computes the Partner Central role ARN from
//! its deterministic name), then `partner-central-access` (in the account that holds the Partner Central role;
//! parameter `ProcessorRoleArn` = the first stack's `EventProcessorRoleArn` output), then `monitoring` (imports
//! the first stack's exports).

pub mod alarms;
pub mod async_arch;
pub mod monitoring;
pub mod partner_central;

use crate::cfn::Template;
use crate::cfn::dashboard::DashboardBody;
use crate::env::EnvConfig;

/// Stack keys, in deploy order.
pub const STACKS: [&str; 3] = ["async-architecture", "partner-central-access", "monitoring"];

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct BuiltStack {
    /// Stack key (`async-architecture`, ...), also the output file stem.
    pub key: &'static str,
    /// The template.
    pub template: Template,
    /// The dashboard body when the stack has one (for review snapshots).
    pub dashboard: Option<DashboardBody>,
}

/// Builds every stack of `cfg` in deploy order.
pub fn build_all(cfg: &EnvConfig) -> Vec<BuiltStack> {
    vec![
        BuiltStack {
            key: STACKS[0],
            template: async_arch::build(cfg),
            dashboard: None,
        },
        BuiltStack {
            key: STACKS[1],
            template: partner_central::build(cfg),
            dashboard: None,
        },
        {
            let (template, body) = monitoring::build(cfg);
            BuiltStack {
                key: STACKS[2],
                template,
                dashboard: Some(body),
            }
        },
    ]
}
