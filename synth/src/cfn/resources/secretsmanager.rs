//! Secrets Manager: `AWS::SecretsManager::Secret`, deliberately without any value (operators set it).

use serde::Serialize;

use super::Tag;
use crate::cfn::expr::Expr;
use crate::cfn::template::Handle;

/// `AWS::SecretsManager::Secret` (no `SecretString`, no `GenerateSecretString`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    /// Description, including how to set the value.
    pub description: String,
    /// Physical name.
    pub name: String,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Handle<Secret> {
    /// Secret ARN (`Ref`).
    pub fn arn(&self) -> Expr {
        self.r#ref()
    }
}
