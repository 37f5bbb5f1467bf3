//! A private S3 bucket for records the functions write: S3-managed encryption, every public access blocked, ACLs
//! disabled (bucket owner enforced), a TLS-only bucket policy, expiry of objects after a number of days and of
//! incomplete multipart uploads after one day. Rule: `bucket-expiry`.

use crate::cfn::expr::Expr;
use crate::cfn::resources::Tag;
use crate::cfn::resources::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::resources::s3::{
    AbortIncompleteMultipartUpload, Bucket, BucketEncryption, BucketPolicy, EncryptionByDefault, EncryptionRule,
    LifecycleConfiguration, LifecycleRule, OwnershipControls, OwnershipRule, PublicAccessBlock,
    VersioningConfiguration,
};
use crate::cfn::{Handle, Policy, Template};

/// Inputs of [`private_bucket`].
#[derive(Debug, Clone)]
pub struct BucketProps {
    /// Logical-id stem: `<id>Bucket`, `<id>BucketPolicy`.
    pub id: String,
    /// Days after which objects expire (1..=3650).
    pub expire_days: u32,
    /// Enable versioning (a replaced or deleted object stays recoverable until the lifecycle removes it).
    pub versioned: bool,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// Creates the bucket (DeletionPolicy Retain: deleting the stack never deletes records) and its TLS-only policy.
pub fn private_bucket(t: &mut Template, p: &BucketProps) -> Handle<Bucket> {
    let id = format!("{}Bucket", p.id);
    if !(1..=3650).contains(&p.expire_days) {
        t.violation(
            &id,
            "bucket-expiry",
            format!("expiry of {} days is outside 1..=3650", p.expire_days),
        );
    }
    let bucket = t.add(
        &id,
        Bucket {
            bucket_encryption: BucketEncryption {
                server_side_encryption_configuration: vec![EncryptionRule {
                    server_side_encryption_by_default: EncryptionByDefault {
                        sse_algorithm: "AES256",
                    },
                }],
            },
            lifecycle_configuration: Some(LifecycleConfiguration {
                rules: vec![LifecycleRule {
                    abort_incomplete_multipart_upload: Some(AbortIncompleteMultipartUpload {
                        days_after_initiation: 1,
                    }),
                    expiration_in_days: p.expire_days,
                    id: format!("expire-after-{}-days", p.expire_days),
                    status: "Enabled",
                }],
            }),
            ownership_controls: OwnershipControls {
                rules: vec![OwnershipRule {
                    object_ownership: "BucketOwnerEnforced",
                }],
            },
            public_access_block_configuration: PublicAccessBlock::all(),
            tags: p.tags.clone(),
            versioning_configuration: p.versioned.then_some(VersioningConfiguration { status: "Enabled" }),
        },
    );
    t.set_policies(&bucket, Policy::Retain);
    let deny = Statement::allow(
        "DenyInsecureTransport",
        &["s3:*"],
        vec![bucket.arn(), bucket.objects_arn("*")],
    )
    .deny()
    .principal(Principal::Any)
    .when("Bool", "aws:SecureTransport", Expr::lit("false"));
    t.add(
        &format!("{}BucketPolicy", p.id),
        BucketPolicy {
            bucket: bucket.name(),
            policy_document: PolicyDocument::new(vec![deny]),
        },
    );
    bucket
}
