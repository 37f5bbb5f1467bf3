//! Shared helpers for the integration tests: load fixtures and mutate them by JSON pointer.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;

pub fn good() -> Value {
    serde_json::from_str(include_str!("../fixtures/good.json")).unwrap()
}

/// Set the value at `pointer` (the parent must exist; creates the last key).
pub fn set(template: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = template
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent at {pointer}"));
    match parent {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("cannot set into {other}"),
    }
}

/// Remove the value at `pointer` (must exist).
pub fn remove(template: &mut Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match template.pointer_mut(parent).unwrap() {
        Value::Object(map) => map.remove(key).unwrap_or_else(|| panic!("nothing at {pointer}")),
        Value::Array(items) => items.remove(key.parse::<usize>().unwrap()),
        other => panic!("cannot remove from {other}"),
    }
}
