//! The CRM search endpoint (`POST /crm/v3/objects/{type}/search`) and the v4 association list
//! (`GET /crm/v4/objects/{type}/{id}/associations/{toType}`) of the local HubSpot server, both with paging. Search
//! supports EQ, NEQ, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN, IN, NOT_IN, GT, GTE, LT, LTE
//! and HubSpot's 10,000-result cap.

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
        "CONTAINS_TOKEN" => {
            let v = value()?;
            actual.is_some_and(|a| contains_token(a, v))
        }
        "NOT_CONTAINS_TOKEN" => {
            let v = value()?;
            actual.is_none_or(|a| !contains_token(a, v))
        }
        "IN" | "NOT_IN" => {
            let values: Vec<&str> = filter
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{operator} needs a values array"))?
                .iter()
                .map(|v| v.as_str().ok_or_else(|| format!("{operator} values must be strings")))
                .collect::<Result<_, _>>()?;
            let hit = actual.is_some_and(|a| values.iter().any(|v| a.eq_ignore_ascii_case(v)));
            if operator == "IN" { hit } else { !hit }
        }
        "GT" | "GTE" | "LT" | "LTE" => {
            let v = value()?;
            actual.is_some_and(|a| compare(a, v, operator))
        }
        other => return Err(format!("operator {other} is not supported by the local server")),
    })
}

/// Words of a property value as HubSpot's search indexes them: runs of letters and digits, lower-cased.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `CONTAINS_TOKEN`: every word of the filter value is a word of the property value (case-insensitive); a `*` at
/// the start or end of a filter word matches any prefix or suffix (`Acme*`).
fn contains_token(actual: &str, wanted: &str) -> bool {
    let have = tokens(actual);
    let words: Vec<&str> = wanted.split_whitespace().collect();
    !words.is_empty()
        && words.iter().all(|word| {
            let lower = word.to_lowercase();
            let starts = lower.starts_with('*');
            let ends = lower.ends_with('*');
            let core: Vec<String> = tokens(&lower);
            match core.as_slice() {
                [] => starts || ends,
                [one] => have.iter().any(|h| match (starts, ends) {
                    (true, true) => h.contains(one.as_str()),
                    (true, false) => h.ends_with(one.as_str()),
                    (false, true) => h.starts_with(one.as_str()),
                    (false, false) => h == one,
                }),
                // A word with punctuation inside (`a-b`) must appear as consecutive words.
                many => have.windows(many.len()).any(|w| w == many),
            }
        })
}

/// `GT`/`GTE`/`LT`/`LTE`: numeric when both sides are numbers (amounts, epoch-millisecond dates), else by text.
fn compare(actual: &str, wanted: &str, operator: &str) -> bool {
    let ordering = match (actual.parse::<f64>(), wanted.parse::<f64>()) {
        (Ok(a), Ok(w)) => a.partial_cmp(&w),
        _ => Some(actual.cmp(wanted)),
    };
    let Some(ordering) = ordering else { return false };
    match operator {
        "GT" => ordering.is_gt(),
        "GTE" => ordering.is_ge(),
        "LT" => ordering.is_lt(),
        _ => ordering.is_le(),
    }
}

/// HubSpot's search returns at most this many results for one query; paging beyond is a 400.
pub const SEARCH_RESULT_CAP: usize = 10_000;

/// `POST /crm/v3/objects/{type}/search`: filter groups are OR-ed, filters inside a group AND-ed; results ordered by
/// numeric id; `limit` at most 200; `after` is an offset; `total` counts every match. As on HubSpot, pages end at
/// the 10,000th result: the last page still carries `paging.next` (`after` = "10000"), and following it is a 400.
pub fn search(state: &State, t: ObjectType, body: &[u8]) -> axum::response::Response {
    let body = match parse_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(10);
    if limit == 0 || limit > 200 {
        return bad_request("limit must be between 1 and 200");
    }
    let after: usize = match body.get("after") {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => match s.parse() {
            Ok(n) => n,
            Err(_) => return bad_request("after must be a numeric string"),
        },
        Some(_) => return bad_request("after must be a string"),
    };
    if after >= SEARCH_RESULT_CAP {
        return bad_request("Search results are limited to 10,000; narrow the filters instead of paging further");
    }
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
    let end = total.min(SEARCH_RESULT_CAP);
    let page: Vec<Value> = matched
        .iter()
        .take(end)
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

/// `GET /crm/v3/objects/{type}?limit=&after=&properties=&archived=false`: all objects by numeric id, `limit` 1..=100
/// (HubSpot's page maximum; default 10), `after` the cursor from the previous page's `paging.next.after`.
pub fn list_objects(state: &State, t: ObjectType, query: &str) -> axum::response::Response {
    let limit: usize = match query_value(query, "limit").map(|l| l.parse::<usize>()) {
        None => 10,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => return bad_request("limit must be between 1 and 100"),
    };
    if query_value(query, "archived").is_some_and(|a| a == "true") {
        return bad_request("archived objects are not kept by the local server");
    }
    let after: u64 = match query_value(query, "after").map(|a| a.parse::<u64>()) {
        None => 0,
        Some(Ok(a)) => a,
        Some(Err(_)) => return bad_request("after must be a cursor returned by a previous page"),
    };
    let properties = crate::wire::query_list(query, "properties");
    let mut objects: Vec<(u64, &StoredObject)> = state
        .store
        .objects
        .get(&t)
        .map(|m| {
            m.values()
                .filter_map(|o| o.id.parse::<u64>().ok().map(|n| (n, o)))
                .collect()
        })
        .unwrap_or_default();
    objects.sort_by_key(|(n, _)| *n);
    let rest: Vec<&(u64, &StoredObject)> = objects.iter().filter(|(n, _)| *n >= after).collect();
    let page: Vec<Value> = rest
        .iter()
        .take(limit)
        .map(|(_, o)| state.store.render_object(t, o, &properties, &[], 0))
        .collect();
    let mut response = json!({"results": page});
    if let Some((next, _)) = rest.get(limit)
        && let Some(obj) = response.as_object_mut()
    {
        let link = format!(
            "https://api.hubapi.com/crm/v3/objects/{}?limit={limit}&after={next}",
            t.plural()
        );
        obj.insert(
            "paging".into(),
            json!({"next": {"after": next.to_string(), "link": link}}),
        );
    }
    json_response(200, response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_token_matches_whole_words_and_wildcards() {
        assert!(contains_token("Acme migration #AWS", "#AWS"));
        assert!(contains_token("Acme migration #AWS", "aws"));
        assert!(contains_token("Acme migration #AWS", "acme AWS"));
        assert!(!contains_token("Acme migration #AWS", "AW"));
        assert!(contains_token("Acme migration #AWS", "AW*"));
        assert!(contains_token("Acme migration #AWS", "*gration"));
        assert!(!contains_token("Acme migration", "AWS"));
        assert!(contains_token("co-sell deal", "co-sell"));
        assert!(!contains_token("sell co deal", "co-sell"));
        assert!(!contains_token("anything", "  "));
    }

    #[test]
    fn comparisons_are_numeric_when_both_sides_are_numbers() {
        assert!(compare("100", "20", "GT"));
        assert!(!compare("100", "20", "LT"));
        assert!(compare("b", "a", "GTE"));
        assert!(compare("2026-01-01", "2026-01-01", "LTE"));
    }
}
