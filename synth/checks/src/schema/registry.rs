//! The vendored registry schemas, embedded with `include_str!` and parsed once.

use serde_json::Value;

/// Resource types with a vendored schema.
pub fn supported_types() -> &'static [&'static str] {
    &[]
}

/// The parsed registry schema of a resource type.
pub fn resource_schema(resource_type: &str) -> Option<&'static Value> {
    let _ = resource_type;
    None
}

/// The type's `createOnlyProperties` as property paths relative to `Properties`, e.g. `["FifoQueue", "QueueName"]`
/// (nested ones as `"Code/S3Bucket"`). Empty for unknown types.
pub fn create_only_properties(resource_type: &str) -> Vec<String> {
    let _ = resource_type;
    Vec::new()
}
