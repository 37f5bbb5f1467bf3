//! Value helpers for the schema validator: JSON types with CloudFormation's scalar coercions, enum comparison, value
//! descriptions for messages, and "did you mean" suggestions for unknown property names.

use serde_json::{Map, Value};

use crate::template::{literal_bool, literal_number};

pub(super) fn numeric_schema(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "integer" || t == "number",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer" || t == "number"),
        _ => schema.contains_key("minimum") || schema.contains_key("maximum"),
    }
}

pub(super) fn type_matches(types: &Value, value: &Value) -> bool {
    match types {
        Value::String(t) => one_type_matches(t, value),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| one_type_matches(t, value)),
        _ => true,
    }
}

/// CloudFormation converts scalars: `"10"` is a fine integer, `10` a fine string, `"true"` a fine boolean.
fn one_type_matches(t: &str, value: &Value) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)),
        "number" => !value.is_boolean() && literal_number(value).is_some(),
        "integer" => !value.is_boolean() && literal_number(value).is_some_and(|n| n.fract() == 0.0),
        "boolean" => literal_bool(value).is_some(),
        "null" => value.is_null(),
        _ => true,
    }
}

pub(super) fn type_names(types: &Value) -> String {
    match types {
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        Value::String(t) => t.clone(),
        other => other.to_string(),
    }
}

pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Enum/const comparison with CloudFormation's scalar coercion (`"10"` equals `10`, `"true"` equals `true`).
pub(super) fn scalar_eq(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => *s == n.to_string(),
        (Value::String(s), Value::Bool(x)) | (Value::Bool(x), Value::String(s)) => *s == x.to_string(),
        _ => false,
    }
}

/// The closest known name (case-insensitive equal, or edit distance <= 2).
pub(super) fn suggestion<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_names_only() {
        let known = ["QueueName", "VisibilityTimeout", "FifoQueue"];
        assert_eq!(suggestion("QueueNmae", &known), Some("QueueName"));
        assert_eq!(suggestion("queuename", &known), Some("QueueName"));
        assert_eq!(suggestion("Something", &known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
