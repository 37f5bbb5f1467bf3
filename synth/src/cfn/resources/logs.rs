//! CloudWatch Logs: `AWS::Logs::LogGroup`.

use serde::Serialize;

use super::Tag;
use crate::cfn::expr::{Expr, Val};
use crate::cfn::template::Handle;

/// `AWS::Logs::LogGroup`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroup {
    /// Name.
    pub log_group_name: String,
    /// Retention in days (one of CloudWatch's allowed values).
    pub retention_in_days: Val<u32>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// The retention values CloudWatch Logs accepts.
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

impl Handle<LogGroup> {
    /// Log group ARN (`arn:...:log-group:NAME:*`).
    pub fn arn(&self) -> Expr {
        self.get_att("Arn")
    }
    /// Log group name.
    pub fn name(&self) -> Expr {
        self.r#ref()
    }
}
