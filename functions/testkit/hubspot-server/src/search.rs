//! The CRM search endpoint (`POST /crm/v3/objects/{type}/search`) and the v4 association list
//! (`GET /crm/v4/objects/{type}/{id}/associations/{toType}`) of the local HubSpot server, both with paging.

use serde_json::{Value, json};

use crate::routes::{State, parse_json};
use crate::schema::{ObjectType, association_type_id};
use crate::store::StoredObject;
use crate::wire::{error_response, json_response, query_value};

fn bad_request(message: &str) -> axum::response::Response {
    error_response(400, "VALIDATION_ERROR", message, None)
}

fn matches_filter(object: &StoredObject, filter: &Value) -> Result<bool, String> {
    let name = filter
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("filter needs propertyName")?;
    let operator = filter
        .get("operator")
        .and_then(Value::as_str)
        .ok_or("filter needs operator")?;
    let actual = object.properties.get(name).map(String::as_str);
    let value = || {
        filter
            .get("value")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{operator} needs a string value"))
    };
    Ok(match operator {
        "EQ" => {
            let v = value()?;
            actual.is_some_and(|a| a.eq_ignore_ascii_case(v))
        }
        "NEQ" => {
            let v = value()?;
            actual.is_none_or(|a| !a.eq_ignore_ascii_case(v))
        }
        "HAS_PROPERTY" => actual.is_some(),
        "NOT_HAS_PROPERTY" => actual.is_none(),
        other => return Err(format!("operator {other} is not supported by the local server")),
    })
}

/// `POST /crm/v3/objects/{type}/search`: filter groups are OR-ed, filters inside a group AND-ed; results ordered by
/// numeric id; `limit` at most 200; `after` is an offset.
pub fn search(state: &State, t: ObjectType, body: &[u8]) -> axum::response::Response {
    let body = match parse_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(10);
    if limit > 200 {
        return bad_request("limit must be at most 200");
    }
    let after: usize = match body.get("after") {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => match s.parse() {
            Ok(n) => n,
            Err(_) => return bad_request("after must be a numeric string"),
        },
        Some(_) => return bad_request("after must be a string"),
    };
    let properties: Vec<String> = body
        .get("properties")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let groups: Vec<Value> = body
        .get("filterGroups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut objects: Vec<&StoredObject> = state
        .store
        .objects
        .get(&t)
        .map(|m| m.values().collect())
        .unwrap_or_default();
    objects.sort_by_key(|o| (o.id.len(), o.id.clone()));
    let mut matched = Vec::new();
    for object in objects {
        let mut hit = groups.is_empty();
        for group in &groups {
            let filters = group
                .get("filters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut all = true;
            for filter in &filters {
                match matches_filter(object, filter) {
                    Ok(ok) => all &= ok,
                    Err(message) => return bad_request(&message),
                }
            }
            hit |= all;
        }
        if hit {
            matched.push(object);
        }
    }
    let total = matched.len();
    let page: Vec<Value> = matched
        .iter()
        .skip(after)
        .take(usize::try_from(limit).unwrap_or(200))
        .map(|o| state.store.render_object(t, o, &properties, &[], 0))
        .collect();
    let next = after + page.len();
    let mut response = json!({"total": total, "results": page});
    if next < total
        && let Some(obj) = response.as_object_mut()
    {
        obj.insert(
            "paging".into(),
            json!({"next": {"after": next.to_string(), "link": format!("?after={next}")}}),
        );
    }
    json_response(200, response)
}

/// `GET /crm/v4/objects/{type}/{id}/associations/{toType}?limit=&after=`: `toObjectId` as a number, typed labels.
pub fn list_associations(
    state: &State,
    t: ObjectType,
    id: &str,
    to: ObjectType,
    query: &str,
) -> axum::response::Response {
    if state.store.get(t, id).is_none() {
        return crate::wire::object_not_found(id);
    }
    let limit: usize = query_value(query, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(500)
        .clamp(1, 500);
    let after: usize = query_value(query, "after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let edges = state.store.edges_from(t, id, to);
    let results: Vec<Value> = edges
        .iter()
        .skip(after)
        .take(limit)
        .map(|e| {
            let mut types = Vec::new();
            if e.primary
                && let Some(primary) = association_type_id(t, to, true)
            {
                types.push(json!({"category": "HUBSPOT_DEFINED", "typeId": primary, "label": "Primary"}));
            }
            if let Some(plain) = association_type_id(t, to, false) {
                types.push(json!({"category": "HUBSPOT_DEFINED", "typeId": plain, "label": null}));
            }
            let to_id: Value = e.to_id.parse::<u64>().map_or_else(|_| json!(e.to_id), |n| json!(n));
            json!({"toObjectId": to_id, "associationTypes": types})
        })
        .collect();
    let next = after + results.len();
    let mut response = json!({"results": results});
    if next < edges.len()
        && let Some(obj) = response.as_object_mut()
    {
        obj.insert(
            "paging".into(),
            json!({"next": {"after": next.to_string(), "link": format!("?after={next}")}}),
        );
    }
    json_response(200, response)
}
