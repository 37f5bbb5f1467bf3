//! A generic request/response validator driven by the service model: required members, unknown members, unions,
//! enums, patterns (whole-value match), string lengths (in Unicode scalar values), list and map sizes, integer
//! ranges, JSON types, nested structures, and ISO-8601 timestamps. Produces the `ErrorList` entries of a
//! `ValidationException` (`FieldName` as a dotted path with list indices, e.g. `Project.ExpectedCustomerSpend[0].Amount`).
//! Values are never echoed in messages (they may be personal data).

use serde_json::Value;

use crate::model::{Model, ShapeKind};

/// `ValidationExceptionErrorCode` values used by this server.
pub mod code {
    pub const REQUIRED_FIELD_MISSING: &str = "REQUIRED_FIELD_MISSING";
    pub const INVALID_ENUM_VALUE: &str = "INVALID_ENUM_VALUE";
    pub const INVALID_STRING_FORMAT: &str = "INVALID_STRING_FORMAT";
    pub const INVALID_VALUE: &str = "INVALID_VALUE";
    pub const NOT_ENOUGH_VALUES: &str = "NOT_ENOUGH_VALUES";
    pub const TOO_MANY_VALUES: &str = "TOO_MANY_VALUES";
    pub const INVALID_RESOURCE_STATE: &str = "INVALID_RESOURCE_STATE";
    pub const VALUE_OUT_OF_RANGE: &str = "VALUE_OUT_OF_RANGE";
    pub const ACTION_NOT_PERMITTED: &str = "ACTION_NOT_PERMITTED";
}

/// One entry of a ValidationException's ErrorList.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldError {
    pub field_name: String,
    pub message: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field_name: impl Into<String>, code: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field_name: field_name.into(),
            message: message.into(),
            code,
        }
    }
}

/// Validate `value` against the named shape. An empty result means valid.
pub fn validate(model: &Model, shape: &str, value: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    walk(model, shape, value, "", &mut out);
    out
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

fn walk(model: &Model, shape_name: &str, value: &Value, path: &str, out: &mut Vec<FieldError>) {
    let Some(shape) = model.shape(shape_name) else {
        out.push(FieldError::new(
            path,
            code::INVALID_VALUE,
            format!("Shape {shape_name} is not in the model"),
        ));
        return;
    };
    let field = if path.is_empty() { "request" } else { path };
    let type_err = |expected: &str| {
        FieldError::new(
            path,
            code::INVALID_VALUE,
            format!("Value at '{field}' must be of type {expected}"),
        )
    };
    match shape {
        ShapeKind::Structure {
            members,
            required,
            union,
        } => {
            let Some(obj) = value.as_object() else {
                return out.push(type_err("structure"));
            };
            for req in required {
                if obj.get(req).is_none_or(Value::is_null) {
                    out.push(FieldError::new(
                        join(path, req),
                        code::REQUIRED_FIELD_MISSING,
                        format!(
                            "Value at '{}' failed to satisfy constraint: Member must not be null",
                            join(path, req)
                        ),
                    ));
                }
            }
            let mut set = 0usize;
            for (name, v) in obj {
                let Some(member) = members.get(name) else {
                    out.push(FieldError::new(
                        join(path, name),
                        code::INVALID_VALUE,
                        format!("'{}' is not a member of {shape_name}", join(path, name)),
                    ));
                    continue;
                };
                if v.is_null() {
                    continue;
                }
                set += 1;
                walk(model, &member.target, v, &join(path, name), out);
            }
            if *union && set != 1 {
                out.push(FieldError::new(
                    path,
                    code::INVALID_VALUE,
                    format!("Value at '{field}' is a union: exactly one member must be set, found {set}"),
                ));
            }
        }
        ShapeKind::List { member, min, max } => {
            let Some(items) = value.as_array() else {
                return out.push(type_err("list"));
            };
            let n = items.len() as u64;
            if let Some(min) = min
                && n < *min
            {
                out.push(FieldError::new(
                    path,
                    code::NOT_ENOUGH_VALUES,
                    format!("Value at '{field}' failed to satisfy constraint: Member must have length greater than or equal to {min}"),
                ));
            }
            if let Some(max) = max
                && n > *max
            {
                out.push(FieldError::new(
                    path,
                    code::TOO_MANY_VALUES,
                    format!("Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}"),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                walk(model, member, item, &format!("{path}[{i}]"), out);
            }
        }
        ShapeKind::Map {
            key,
            value: vshape,
            min,
            max,
        } => {
            let Some(obj) = value.as_object() else {
                return out.push(type_err("map"));
            };
            let n = obj.len() as u64;
            if min.is_some_and(|m| n < m) {
                out.push(FieldError::new(
                    path,
                    code::NOT_ENOUGH_VALUES,
                    format!("Map at '{field}' has too few entries"),
                ));
            }
            if max.is_some_and(|m| n > m) {
                out.push(FieldError::new(
                    path,
                    code::TOO_MANY_VALUES,
                    format!("Map at '{field}' has too many entries"),
                ));
            }
            for (k, v) in obj {
                walk(model, key, &Value::String(k.clone()), &format!("{path}.{{key}}"), out);
                walk(model, vshape, v, &format!("{path}[{k}]"), out);
            }
        }
        ShapeKind::String {
            enum_values,
            pattern,
            min,
            max,
        } => {
            let Some(s) = value.as_str() else {
                return out.push(type_err("string"));
            };
            if let Some(values) = enum_values {
                if !values.contains(s) {
                    let list = values.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
                    out.push(FieldError::new(
                        path,
                        code::INVALID_ENUM_VALUE,
                        format!("Value at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{list}]"),
                    ));
                }
                return;
            }
            let len = s.chars().count() as u64;
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                let (lo, hi) = (min.unwrap_or(0), max.map_or("unbounded".to_string(), |m| m.to_string()));
                out.push(FieldError::new(
                    path,
                    code::INVALID_STRING_FORMAT,
                    format!(
                        "Value at '{field}' failed to satisfy constraint: Member must have length between {lo} and {hi}"
                    ),
                ));
                return;
            }
            if let Some(p) = pattern {
                let ok = model.patterns.get(p).is_some_and(|c| c.is_match(s));
                if !ok {
                    out.push(FieldError::new(
                        path,
                        code::INVALID_STRING_FORMAT,
                        format!("Value at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: {p}"),
                    ));
                }
            }
        }
        ShapeKind::Integer { min, max } => {
            let Some(n) = value.as_i64() else {
                return out.push(type_err("integer"));
            };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                out.push(FieldError::new(
                    path,
                    code::VALUE_OUT_OF_RANGE,
                    format!(
                        "Value at '{field}' failed to satisfy constraint: Member must be within [{min:?}, {max:?}]"
                    ),
                ));
            }
        }
        ShapeKind::Double => {
            if !value.is_number() {
                out.push(type_err("double"));
            }
        }
        ShapeKind::Boolean => {
            if !value.is_boolean() {
                out.push(type_err("boolean"));
            }
        }
        ShapeKind::Timestamp => {
            let ok = value
                .as_str()
                .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok());
            if !ok {
                out.push(FieldError::new(
                    path,
                    code::INVALID_STRING_FORMAT,
                    format!("Value at '{field}' must be an ISO-8601 timestamp"),
                ));
            }
        }
        ShapeKind::Blob => {
            if !value.is_string() {
                out.push(type_err("blob (base64 string)"));
            }
        }
    }
}

/// Keep only the members of `value` that the named shape declares, recursively (used to derive summaries such as
/// `OpportunitySummary` from a stored full record). Values of non-structure shapes are copied as they are.
pub fn project(model: &Model, shape_name: &str, value: &Value) -> Value {
    match (model.shape(shape_name), value) {
        (Some(ShapeKind::Structure { members, .. }), Value::Object(obj)) => {
            let mut out = serde_json::Map::new();
            for (name, v) in obj {
                if let Some(m) = members.get(name) {
                    out.insert(name.clone(), project(model, &m.target, v));
                }
            }
            Value::Object(out)
        }
        (Some(ShapeKind::List { member, .. }), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| project(model, member, i)).collect())
        }
        _ => value.clone(),
    }
}
