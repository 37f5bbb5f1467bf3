//! Small read-only helpers over a CloudFormation template held as a `serde_json::Value`: iterating resources,
//! recognising intrinsic functions and resolving `Ref` / `Fn::GetAtt` to the logical id they point at.

use serde_json::{Map, Value};

/// One entry of the template's `Resources` section.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    /// Logical id (the key under `Resources`).
    pub logical_id: &'a str,
    /// `Type`, or `""` when missing or not a string.
    pub resource_type: &'a str,
    /// The whole resource object (`Type`, `Properties`, `Metadata`, ...).
    pub raw: &'a Value,
}

impl<'a> Resource<'a> {
    /// `Properties.<name>`, if present.
    pub fn prop(&self, name: &str) -> Option<&'a Value> {
        self.raw.get("Properties").and_then(|p| p.get(name))
    }

    /// The `Properties` object, if present and an object.
    pub fn properties(&self) -> Option<&'a Map<String, Value>> {
        self.raw.get("Properties").and_then(Value::as_object)
    }
}

/// All resources of the template, in logical-id order (empty when `Resources` is missing or not an object).
pub fn resources(template: &Value) -> Vec<Resource<'_>> {
    let Some(map) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out: Vec<Resource<'_>> = map
        .iter()
        .map(|(id, raw)| Resource {
            logical_id: id.as_str(),
            resource_type: raw.get("Type").and_then(Value::as_str).unwrap_or(""),
            raw,
        })
        .collect();
    out.sort_by(|a, b| a.logical_id.cmp(b.logical_id));
    out
}

/// Resources of one type, in logical-id order.
pub fn resources_of_type<'a>(template: &'a Value, resource_type: &str) -> Vec<Resource<'a>> {
    resources(template)
        .into_iter()
        .filter(|r| r.resource_type == resource_type)
        .collect()
}

/// The resource with this logical id.
pub fn resource<'a>(template: &'a Value, logical_id: &str) -> Option<Resource<'a>> {
    let raw = template.get("Resources")?.get(logical_id)?;
    Some(Resource {
        logical_id: template
            .get("Resources")?
            .as_object()?
            .get_key_value(logical_id)?
            .0
            .as_str(),
        resource_type: raw.get("Type").and_then(Value::as_str).unwrap_or(""),
        raw,
    })
}

/// True for an intrinsic function object: a single-key object whose key is `Ref` or starts with `Fn::`.
pub fn is_intrinsic(value: &Value) -> bool {
    match value.as_object() {
        Some(map) if map.len() == 1 => map.keys().all(|k| k == "Ref" || k.starts_with("Fn::")),
        _ => false,
    }
}

/// `{"Ref": "X"}` -> `X`.
pub fn ref_name(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.get("Ref")?.as_str()
}

/// `{"Fn::GetAtt": ["X", "Attr"]}` or `{"Fn::GetAtt": "X.Attr"}` -> `(X, Attr)`.
pub fn get_att(value: &Value) -> Option<(&str, &str)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    match map.get("Fn::GetAtt")? {
        Value::String(s) => s.split_once('.'),
        Value::Array(parts) if parts.len() == 2 => Some((parts[0].as_str()?, parts[1].as_str()?)),
        _ => None,
    }
}

/// The logical id a `Ref` or `Fn::GetAtt` points at (whatever the attribute).
pub fn referenced_id(value: &Value) -> Option<&str> {
    ref_name(value).or_else(|| get_att(value).map(|(id, _)| id))
}

/// A value as a list: arrays as-is, anything else as a one-element list (IAM `Action`/`Resource` style).
pub fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// A literal number, also when written as a numeric string (CloudFormation accepts both).
pub fn literal_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A literal boolean, also when written as `"true"`/`"false"`.
pub fn literal_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Escape one JSON-pointer reference token (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The text of a literal string or of an `Fn::Sub` (either form), e.g. `"q-${Env}.fifo"`: enough to compare names
/// that are built the same way.
pub fn sub_text(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) if map.len() == 1 => match map.get("Fn::Sub")? {
            Value::String(s) => Some(s),
            Value::Array(parts) => parts.first()?.as_str(),
            _ => None,
        },
        _ => None,
    }
}

/// The declared `Parameters` names.
pub fn is_parameter(template: &Value, name: &str) -> bool {
    template.get("Parameters").and_then(|p| p.get(name)).is_some()
}
