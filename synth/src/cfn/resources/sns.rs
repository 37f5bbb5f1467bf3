//! SNS: `AWS::SNS::Topic` and `AWS::SNS::Subscription`.

use serde::Serialize;

use super::Tag;
use crate::cfn::expr::Expr;
use crate::cfn::template::Handle;

/// `AWS::SNS::Topic`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Topic {
    /// Display name.
    pub display_name: String,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Physical name.
    pub topic_name: String,
}

impl Handle<Topic> {
    /// Topic ARN (`Ref`).
    pub fn arn(&self) -> Expr {
        self.r#ref()
    }
}

/// `AWS::SNS::Subscription`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    /// Endpoint (e-mail address).
    pub endpoint: Expr,
    /// Protocol (`email`).
    pub protocol: &'static str,
    /// Topic ARN.
    pub topic_arn: Expr,
}
