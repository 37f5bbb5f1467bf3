//! Batch read of the local HubSpot server (`POST /crm/v3/objects/{type}/batch/read`): at most 100 inputs, duplicate
//! ids collapsed, missing ids reported HubSpot-style with HTTP 207 and an `OBJECT_NOT_FOUND` error entry.

// Handlers short-circuit with a finished HTTP response as the error value; its size is irrelevant here.
#![allow(clippy::result_large_err)]

use axum::response::Response;
use serde_json::{Value, json};

use crate::routes::{State, parse_json};
use crate::schema::ObjectType;
use crate::store::now_iso;
use crate::wire::{error_response, json_response};

fn string_list(value: Option<&Value>, field: &str) -> Result<Vec<String>, Response> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                error_response(
                    400,
                    "VALIDATION_ERROR",
                    &format!("Invalid input JSON: `{field}` must be an array of strings"),
                    None,
                )
            }),
        Some(_) => Err(error_response(
            400,
            "VALIDATION_ERROR",
            &format!("Invalid input JSON: `{field}` must be an array"),
            None,
        )),
    }
}

/// Handles a batch read.
pub fn batch_read(state: &State, t: ObjectType, body: &[u8]) -> Response {
    let body = match parse_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let properties = match string_list(body.get("properties"), "properties") {
        Ok(properties) => properties,
        Err(response) => return response,
    };
    let Some(inputs) = body.get("inputs").and_then(Value::as_array) else {
        return error_response(
            400,
            "VALIDATION_ERROR",
            "Invalid input JSON: `inputs` is required",
            None,
        );
    };
    if inputs.len() > 100 {
        let message = format!("Too many inputs: {} (the limit is 100)", inputs.len());
        return error_response(400, "VALIDATION_ERROR", &message, None);
    }
    let started = now_iso();
    let mut results = Vec::new();
    let mut missing = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for input in inputs {
        let Some(id) = input.get("id").and_then(Value::as_str) else {
            return error_response(
                400,
                "VALIDATION_ERROR",
                "Invalid input JSON: each input needs an `id` string",
                None,
            );
        };
        if !seen.insert(id.to_owned()) {
            continue;
        }
        match state.store.get(t, id) {
            Some(object) => results.push(state.store.render_object(t, object, &properties, &[], 0)),
            None => missing.push(id.to_owned()),
        }
    }
    let mut response =
        json!({"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": now_iso()});
    if missing.is_empty() {
        return json_response(200, response);
    }
    let message = format!(
        "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
        t.upper()
    );
    if let Some(obj) = response.as_object_mut() {
        obj.insert("numErrors".into(), json!(1));
        obj.insert(
            "errors".into(),
            json!([{"status": "error", "category": "OBJECT_NOT_FOUND", "message": message, "context": {"ids": missing}}]),
        );
    }
    json_response(207, response)
}
