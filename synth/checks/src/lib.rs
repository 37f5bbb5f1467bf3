//! Read-only checks over a synthesized CloudFormation template (a `serde_json::Value`), independent of any typed model:
//!
//! - [`rules::check_template`]: a cdk-nag-style rule pass (IAM wildcards, SQS encryption/TLS/redrive, log retention,
//!   Lambda sizing, API throttling/access logs, event source mapping settings, plaintext secrets, alarm actions) with
//!   per-resource suppressions that need a written reason.
//! - [`schema::validate_template`]: each resource's `Properties` against the vendored AWS CloudFormation registry
//!   schema of its type (intrinsic functions accepted wherever a value is expected).
//! - [`diff::diff_templates`]: a semantic diff in the spirit of cdk's cloudformation-diff, flagging replacements
//!   (create-only properties, type changes) and destructive removals of stateful resources.

pub mod diff;
pub mod rules;
pub mod schema;
pub mod template;
