//! What a deploy did: the uploads and the outcome and outputs of each stack, and the readable summary printed at
//! the end of a deploy.

use std::collections::BTreeMap;
use std::io::Write;

use crate::artifacts::{Artifact, Upload};
use crate::changeset::{ChangeSetSummary, Outcome};

/// What happened to one stack.
#[derive(Debug, Clone)]
pub struct StackReport {
    /// Stack key (`async-architecture`).
    pub key: String,
    /// Stack name (`<prefix>-<key>-<env>`).
    pub name: String,
    /// Created, updated or unchanged.
    pub outcome: Outcome,
    /// The executed change set (absent when unchanged).
    pub change_set: Option<ChangeSetSummary>,
    /// Outputs after the deploy.
    pub outputs: BTreeMap<String, String>,
}

/// What a deploy did.
#[derive(Debug, Clone)]
pub struct DeployReport {
    /// Environment.
    pub env: String,
    /// Each artifact with what the upload did.
    pub uploads: Vec<(Artifact, Upload)>,
    /// Stacks in deploy order.
    pub stacks: Vec<StackReport>,
}

impl DeployReport {
    /// The webhook URL (output `WebhookUrl`), when the async stack was deployed.
    pub fn webhook_url(&self) -> Option<&str> {
        self.stacks
            .iter()
            .find_map(|s| s.outputs.get("WebhookUrl"))
            .map(String::as_str)
    }

    /// Writes the readable end-of-deploy summary: uploads, outcome per stack, every output.
    pub fn print(&self, w: &mut dyn Write) -> std::io::Result<()> {
        writeln!(w, "environment {}", self.env)?;
        for (a, u) in &self.uploads {
            let what = match u {
                Upload::Uploaded => "uploaded",
                Upload::AlreadyPresent => "already present",
            };
            writeln!(w, "  {:<16} {} ({} bytes, {what})", a.function.name(), a.key, a.bytes)?;
        }
        for s in &self.stacks {
            let outcome = match s.outcome {
                Outcome::Created => "created".to_owned(),
                Outcome::Updated => format!(
                    "updated ({} resource changes)",
                    s.change_set.as_ref().map_or(0, |c| c.changes.len())
                ),
                Outcome::NoChanges => "no changes".to_owned(),
                Outcome::Planned => format!(
                    "planned only ({} resource changes, nothing executed)",
                    s.change_set.as_ref().map_or(0, |c| c.changes.len())
                ),
            };
            writeln!(w, "stack {}: {outcome}", s.name)?;
            for (k, v) in &s.outputs {
                writeln!(w, "  {k} = {v}")?;
            }
        }
        if let Some(url) = self.webhook_url() {
            writeln!(w, "webhook URL (target of the HubSpot app): {url}")?;
        }
        Ok(())
    }
}
