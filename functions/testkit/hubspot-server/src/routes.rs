//! Request handling of the local HubSpot server: recording, fault injection, bearer-token check, and dispatch to the
//! CRM v3 object endpoints (read, batch read, patch, create) and the search / v4 association endpoints.

// Handlers short-circuit with a finished HTTP response as the error value; its size is irrelevant here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{
    HeaderMap, Method, Uri,
    header::{AUTHORIZATION, CONTENT_TYPE},
};
use axum::response::Response;
use serde_json::{Value, json};

use crate::faults::{Fault, FaultRule, take_fault};
use crate::schema::{ObjectType, association_type_id};
use crate::store::Store;
use crate::wire::{self, RecordedRequest, error_response, json_response, query_list};

/// Mutable server state behind one lock.
#[derive(Debug)]
pub struct State {
    /// CRM data.
    pub store: Store,
    /// Pending faults.
    pub faults: Vec<FaultRule>,
    /// Every request received, in order.
    pub requests: Vec<RecordedRequest>,
    /// The accepted bearer token.
    pub token: String,
    /// Associations listed per type in a single-object read before `paging` is added.
    pub association_page_limit: usize,
}

/// State shared between the server task and the test-side handle.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
}

impl Shared {
    /// Wraps the state.
    pub fn new(state: State) -> Self {
        Self {
            state: Mutex::new(state),
        }
    }

    /// Locks the state (a poisoned lock is recovered: the data stays usable for assertions).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The single entry point: every request goes through here.
pub async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = method.as_str().to_ascii_uppercase();
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or("").to_owned();
    let fault = {
        let mut state = shared.lock();
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let authorized = presented.is_some_and(|t| !state.token.is_empty() && t == state.token);
        state.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: uri.query().map(str::to_owned),
            body: String::from_utf8_lossy(&body).into_owned(),
            authorized,
        });
        if !authorized {
            return wire::unauthorized();
        }
        take_fault(&mut state.faults, &method, &path)
    };
    match fault {
        Some(Fault::RateLimit {
            policy,
            retry_after_secs,
        }) => return wire::rate_limited(policy, retry_after_secs),
        Some(Fault::Status {
            status,
            retry_after_secs,
        }) => return wire::status_fault(status, retry_after_secs),
        Some(Fault::Latency(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let json_body = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("application/json"));
    if matches!(method.as_str(), "POST" | "PATCH" | "PUT") && !json_body {
        let message = "Content-Type must be application/json";
        return error_response(415, "UNSUPPORTED_MEDIA_TYPE", message, None);
    }
    let mut state = shared.lock();
    dispatch(&mut state, &method, &path, &query, &body)
}

fn dispatch(state: &mut State, method: &str, path: &str, query: &str, body: &[u8]) -> Response {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let object_type = |segment: &str| ObjectType::from_path(segment).ok_or_else(|| unknown_type(segment));
    let result = match (method, segments.as_slice()) {
        ("GET", ["crm", "v3", "objects", t, id]) => object_type(t).map(|t| get_object(state, t, id, query)),
        ("PATCH", ["crm", "v3", "objects", t, id]) => object_type(t).map(|t| patch_object(state, t, id, body)),
        ("POST", ["crm", "v3", "objects", t]) => object_type(t).map(|t| create_object(state, t, body)),
        ("GET", ["crm", "v3", "objects", t]) => object_type(t).map(|t| crate::search::list_objects(state, t, query)),
        ("POST", ["crm", "v3", "objects", t, "batch", "read"]) => {
            object_type(t).map(|t| crate::batch::batch_read(state, t, body))
        }
        ("POST", ["crm", "v3", "objects", t, "search"]) => {
            object_type(t).map(|t| crate::search::search(state, t, body))
        }
        ("GET", ["crm", "v4", "objects", t, id, "associations", to]) => object_type(t)
            .and_then(|t| object_type(to).map(|to| (t, to)))
            .map(|(t, to)| crate::search::list_associations(state, t, id, to, query)),
        _ => Ok(wire::route_not_found(method, path)),
    };
    result.unwrap_or_else(|response| response)
}

fn unknown_type(segment: &str) -> Response {
    error_response(
        400,
        "VALIDATION_ERROR",
        &format!("Unable to infer object type from: {segment}"),
        None,
    )
}

/// Parses a JSON request body, answering 400 like HubSpot when it is not JSON.
pub fn parse_json(body: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| wire::malformed_json(&e.to_string()))
}

fn get_object(state: &State, t: ObjectType, id: &str, query: &str) -> Response {
    let Some(object) = state.store.get(t, id) else {
        return wire::object_not_found(id);
    };
    let properties = query_list(query, "properties");
    let associations: Vec<ObjectType> = query_list(query, "associations")
        .iter()
        .filter_map(|a| ObjectType::from_path(a))
        .collect();
    let body = state
        .store
        .render_object(t, object, &properties, &associations, state.association_page_limit);
    json_response(200, body)
}

/// Validates a `properties` object for a write: names must exist and be writable, values must be strings.
pub fn validate_properties(
    store: &Store,
    t: ObjectType,
    value: Option<&Value>,
) -> Result<BTreeMap<String, String>, Response> {
    let Some(Value::Object(map)) = value else {
        return Err(error_response(
            400,
            "VALIDATION_ERROR",
            "Invalid input JSON: `properties` must be an object",
            None,
        ));
    };
    let schema = store.schema(t);
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for (name, value) in map {
        if !schema.exists(name) {
            errors.push((
                name.clone(),
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
            ));
        } else if schema.read_only.contains(name) {
            errors.push((
                name.clone(),
                "READ_ONLY_VALUE",
                format!("\"{name}\" is a read only property; its value cannot be set."),
            ));
        } else if let Value::String(s) = value {
            out.insert(name.clone(), s.clone());
        } else {
            errors.push((
                name.clone(),
                "INVALID_STRING",
                format!("Property \"{name}\" must be a string, got {value}"),
            ));
        }
    }
    if t == ObjectType::Notes
        && let Some(body) = out.get("hs_note_body")
        && body.chars().count() > 65_536
    {
        errors.push((
            "hs_note_body".into(),
            "INVALID_STRING",
            "hs_note_body exceeds 65536 characters".into(),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(wire::property_errors(&errors))
    }
}

fn patch_object(state: &mut State, t: ObjectType, id: &str, body: &[u8]) -> Response {
    let body = match parse_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    if state.store.get(t, id).is_none() {
        return wire::object_not_found(id);
    }
    let updates = match validate_properties(&state.store, t, body.get("properties")) {
        Ok(updates) => updates,
        Err(response) => return response,
    };
    let names: Vec<String> = updates.keys().cloned().collect();
    state.store.update(t, id, updates);
    match state.store.get(t, id) {
        Some(object) => json_response(200, state.store.render_object(t, object, &names, &[], 0)),
        None => wire::object_not_found(id),
    }
}

/// A validated association of a create request.
struct NewAssociation {
    to: ObjectType,
    to_id: String,
}

fn parse_associations(store: &Store, from: ObjectType, value: Option<&Value>) -> Result<Vec<NewAssociation>, Response> {
    let invalid = |detail: String| {
        let errors = json!([{"message": detail, "code": "INVALID_ASSOCIATION"}]);
        Err(error_response(
            400,
            "VALIDATION_ERROR",
            "One or more associations are invalid",
            Some(errors),
        ))
    };
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return invalid("associations must be an array".into()),
    };
    let mut out = Vec::new();
    for item in items {
        let Some(to_id) = item.pointer("/to/id").and_then(Value::as_str) else {
            return invalid("association is missing to.id (a string)".into());
        };
        let Some(types) = item.get("types").and_then(Value::as_array).filter(|t| !t.is_empty()) else {
            return invalid(format!("association to {to_id} has no types"));
        };
        let mut target = None;
        for ty in types {
            let category = ty.get("associationCategory").and_then(Value::as_str);
            let type_id = ty.get("associationTypeId").and_then(Value::as_u64);
            let resolved = ObjectType::ALL
                .into_iter()
                .find(|&to| type_id.is_some() && association_type_id(from, to, false).map(u64::from) == type_id);
            match (category, resolved) {
                (Some("HUBSPOT_DEFINED"), Some(to)) if target.is_none_or(|t| t == to) => target = Some(to),
                _ => return invalid(format!("association type {ty} is not valid from {}", from.plural())),
            }
        }
        let Some(to) = target else {
            return invalid(format!("association to {to_id} has no valid type"));
        };
        if store.get(to, to_id).is_none() {
            return invalid(format!("{} {to_id} does not exist", to.upper()));
        }
        out.push(NewAssociation {
            to,
            to_id: to_id.to_owned(),
        });
    }
    Ok(out)
}

fn create_object(state: &mut State, t: ObjectType, body: &[u8]) -> Response {
    let body = match parse_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let properties = match validate_properties(&state.store, t, body.get("properties")) {
        Ok(properties) => properties,
        Err(response) => return response,
    };
    if t == ObjectType::Notes && properties.get("hs_timestamp").is_none_or(|v| v.is_empty()) {
        let message = "hs_timestamp is required".to_owned();
        return wire::property_errors(&[("hs_timestamp".into(), "REQUIRED_PROPERTY", message)]);
    }
    let associations = match parse_associations(&state.store, t, body.get("associations")) {
        Ok(associations) => associations,
        Err(response) => return response,
    };
    let names: Vec<String> = properties.keys().cloned().collect();
    let id = state.store.create(t, properties);
    for a in associations {
        if state.store.associate(t, &id, a.to, &a.to_id, false).is_err() {
            return error_response(500, "INTERNAL_ERROR", "association failed after validation", None);
        }
    }
    match state.store.get(t, &id) {
        Some(object) => json_response(201, state.store.render_object(t, object, &names, &[], 0)),
        None => error_response(500, "INTERNAL_ERROR", "created object vanished", None),
    }
}
