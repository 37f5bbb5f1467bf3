//! Schema conformance: each resource's `Properties` validated against the AWS CloudFormation registry schema of its
//! type (vendored under `synth/checks/schemas/`, embedded at compile time). Intrinsic functions are accepted wherever
//! a value is expected; literal values are checked for type, enum, range, length, pattern, required and unknown
//! properties.

mod registry;
mod validator;
mod values;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::template::{Resource, pointer_token, resources};

pub use registry::{create_only_properties, resource_schema, supported_types};

/// What kind of schema rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ViolationKind {
    /// The resource type has no vendored schema (or `Type` is missing).
    UnknownType,
    /// A property the schema does not define (misspelled or misplaced).
    UnknownProperty,
    /// A required property is missing.
    MissingRequired,
    /// Wrong JSON type (string vs integer vs object ...).
    WrongType,
    /// Value not in the allowed set.
    NotInEnum,
    /// Number out of minimum/maximum.
    OutOfRange,
    /// String or array length out of bounds.
    Length,
    /// String does not match the schema pattern.
    Pattern,
    /// None (anyOf) or not exactly one (oneOf) of the alternatives matched.
    Alternatives,
    /// Mutually exclusive properties used together (cfn-lint's `dependentExcluded` / `requiredXor`).
    Exclusive,
    /// The same item twice in a `uniqueItems` array.
    Duplicate,
    /// A read-only property (an attribute such as `Arn`) set in the template.
    ReadOnly,
    /// A resource-level key CloudFormation does not know (e.g. a property placed beside `Properties`).
    UnknownResourceKey,
}

/// One schema violation, located by logical id and JSON pointer into the template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, thiserror::Error)]
#[error("{logical_id} ({resource_type}) at {pointer}: {message}")]
pub struct SchemaViolation {
    /// Logical id of the resource.
    pub logical_id: String,
    /// Its `Type`.
    pub resource_type: String,
    /// RFC 6901 pointer into the whole template, e.g. `/Resources/Queue/Properties/QueueNmae`.
    pub pointer: String,
    /// Category of the violation.
    pub kind: ViolationKind,
    /// Human-readable detail.
    pub message: String,
}

/// Keys CloudFormation accepts on a resource besides `Type` and `Properties`.
const RESOURCE_KEYS: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Metadata",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "CreationPolicy",
    "UpdatePolicy",
];

/// Validate every resource's `Properties` against the schema of its type. Sorted by (pointer, kind, message).
pub fn validate_template(template: &Value) -> Vec<SchemaViolation> {
    let mut out = Vec::new();
    // One validator per type, so compiled patterns are reused across resources of that type.
    let mut validators: BTreeMap<&str, validator::Validator<'static>> = BTreeMap::new();
    for resource in resources(template) {
        validate_resource(resource, &mut validators, &mut out);
    }
    out.sort();
    out
}

fn validate_resource<'t>(
    resource: Resource<'t>,
    validators: &mut BTreeMap<&'t str, validator::Validator<'static>>,
    out: &mut Vec<SchemaViolation>,
) {
    let base = format!("/Resources/{}", pointer_token(resource.logical_id));
    let mut push = |pointer: String, kind: ViolationKind, message: String| {
        out.push(SchemaViolation {
            logical_id: resource.logical_id.to_owned(),
            resource_type: resource.resource_type.to_owned(),
            pointer,
            kind,
            message,
        });
    };
    let Some(raw) = resource.raw.as_object() else {
        push(base, ViolationKind::WrongType, "a resource must be an object".into());
        return;
    };
    for key in raw.keys().filter(|k| !RESOURCE_KEYS.contains(&k.as_str())) {
        push(
            format!("{base}/{}", pointer_token(key)),
            ViolationKind::UnknownResourceKey,
            format!("{key:?} is not a resource attribute (properties belong under Properties)"),
        );
    }
    let Some(schema) = resource_schema(resource.resource_type) else {
        let message = if resource.resource_type.is_empty() {
            "resource has no Type".to_owned()
        } else {
            format!(
                "no schema for resource type {:?} (unknown type, or not vendored)",
                resource.resource_type
            )
        };
        push(format!("{base}/Type"), ViolationKind::UnknownType, message);
        return;
    };
    let empty = Value::Object(serde_json::Map::new());
    let properties = raw.get("Properties").unwrap_or(&empty);
    let props_ptr = format!("{base}/Properties");
    if let Some(map) = properties.as_object() {
        for read_only in registry::property_paths(resource.resource_type, "readOnlyProperties") {
            if !read_only.contains('/') && map.contains_key(&read_only) {
                push(
                    format!("{props_ptr}/{}", pointer_token(&read_only)),
                    ViolationKind::ReadOnly,
                    format!("{read_only:?} is read-only (an attribute, use Fn::GetAtt); it cannot be set"),
                );
            }
        }
    }
    let mut issues = Vec::new();
    validators
        .entry(resource.resource_type)
        .or_insert_with(|| validator::Validator::new(schema))
        .validate(schema, properties, &props_ptr, &mut issues);
    for issue in issues {
        push(issue.pointer, issue.kind, issue.message);
    }
}
