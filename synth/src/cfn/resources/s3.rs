//! S3: `AWS::S3::Bucket` (encryption, public access block, ownership controls, lifecycle, versioning) and
//! `AWS::S3::BucketPolicy`.

use serde::Serialize;

use super::Tag;
use super::iam::PolicyDocument;
use crate::cfn::expr::Expr;
use crate::cfn::template::Handle;

/// `ServerSideEncryptionByDefault`
#[derive(Debug, Clone, Serialize)]
pub struct EncryptionByDefault {
    /// `AES256` (S3-managed keys) or `aws:kms`.
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: &'static str,
}

/// One `ServerSideEncryptionConfiguration` rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionRule {
    /// Default encryption of new objects.
    pub server_side_encryption_by_default: EncryptionByDefault,
}

/// `BucketEncryption`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketEncryption {
    /// Rules (one).
    pub server_side_encryption_configuration: Vec<EncryptionRule>,
}

/// `PublicAccessBlockConfiguration`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    /// Reject public ACLs.
    pub block_public_acls: bool,
    /// Reject public bucket policies.
    pub block_public_policy: bool,
    /// Ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// Restrict access under public policies to the account and AWS services.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Everything blocked.
    pub fn all() -> Self {
        Self {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        }
    }
}

/// One `OwnershipControls` rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipRule {
    /// `BucketOwnerEnforced` disables ACLs.
    pub object_ownership: &'static str,
}

/// `OwnershipControls`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipControls {
    /// Rules (one).
    pub rules: Vec<OwnershipRule>,
}

/// `AbortIncompleteMultipartUpload`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AbortIncompleteMultipartUpload {
    /// Days after initiation.
    pub days_after_initiation: u32,
}

/// One lifecycle rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    /// Abort incomplete multipart uploads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortIncompleteMultipartUpload>,
    /// Expire current objects after this many days.
    pub expiration_in_days: u32,
    /// Rule id.
    pub id: String,
    /// `Enabled`.
    pub status: &'static str,
}

/// `LifecycleConfiguration`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleConfiguration {
    /// Rules.
    pub rules: Vec<LifecycleRule>,
}

/// `VersioningConfiguration`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersioningConfiguration {
    /// `Enabled` or `Suspended`.
    pub status: &'static str,
}

/// `AWS::S3::Bucket`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    /// Default encryption.
    pub bucket_encryption: BucketEncryption,
    /// Lifecycle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_configuration: Option<LifecycleConfiguration>,
    /// Ownership controls.
    pub ownership_controls: OwnershipControls,
    /// Public access block.
    pub public_access_block_configuration: PublicAccessBlock,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Versioning (absent: never enabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning_configuration: Option<VersioningConfiguration>,
}

impl Handle<Bucket> {
    /// Bucket name (`Ref`).
    pub fn name(&self) -> Expr {
        self.r#ref()
    }
    /// Bucket ARN.
    pub fn arn(&self) -> Expr {
        self.get_att("Arn")
    }
    /// ARN of the objects under `prefix` (`<bucket arn>/<prefix>`), e.g. `shadow/*`.
    pub fn objects_arn(&self, prefix: &str) -> Expr {
        Expr::sub(format!("${{{}.Arn}}/{prefix}", self.id()))
    }
}

/// `AWS::S3::BucketPolicy`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketPolicy {
    /// Bucket name.
    pub bucket: Expr,
    /// The policy.
    pub policy_document: PolicyDocument,
}
