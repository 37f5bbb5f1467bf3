//! AssociateOpportunity (per-opportunity limits: 10 solutions, 20 AWS products, 1 private offer; solutions must
//! exist) and StartEngagementFromOpportunityTask (ClientToken idempotent; needs Pending Submission or Action
//! Required and at least one associated solution; sets ReviewStatus to Submitted).

use serde_json::{Value, json};

use super::opportunity::{ACCOUNT_ID, CONFLICTING_TOKEN};
use super::{check_catalog, get_str, lookup};
use crate::errors::ApiError;
use crate::model::{Model, ShapeKind};
use crate::state::{State, TokenUse};
use crate::validate::{code, validate};

fn limit(entity_type: &str) -> Option<usize> {
    match entity_type {
        "Solutions" => Some(10),
        "AwsProducts" => Some(20),
        "AwsMarketplaceOffers" => Some(1),
        _ => None,
    }
}

pub fn associate(st: &mut State, model: &Model, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?.to_string();
    let id = get_str(req, "OpportunityIdentifier").to_string();
    let entity_type = get_str(req, "RelatedEntityType").to_string();
    let entity = get_str(req, "RelatedEntityIdentifier").to_string();
    lookup(st, &catalog, &id)?;
    // The stored identifier must fit the GetOpportunity output shape for its list.
    let member_shape = match model.shape("RelatedEntityIdentifiers") {
        Some(ShapeKind::Structure { members, .. }) => members.get(&entity_type).map(|m| m.target.clone()),
        _ => None,
    };
    if let Some(list) = member_shape {
        let errors = validate(model, &list, &json!([entity]));
        if !errors.is_empty() {
            return Err(ApiError::business(
                "RelatedEntityIdentifier",
                code::INVALID_STRING_FORMAT,
                format!("RelatedEntityIdentifier is not a valid identifier for {entity_type}"),
            ));
        }
    }
    if entity_type == "Solutions"
        && !st.solutions.iter().any(|s| {
            s.get("Id").and_then(Value::as_str) == Some(entity.as_str())
                && s.get("Catalog").and_then(Value::as_str) == Some(catalog.as_str())
        })
    {
        return Err(ApiError::NotFound(format!(
            "Solution {entity} was not found in catalog {catalog}."
        )));
    }
    let now = st.now_string();
    let Some(stored) = st.opportunities.get_mut(&id) else {
        return Err(ApiError::NotFound(format!("Opportunity {id} was not found.")));
    };
    let related = &mut stored.record["RelatedEntityIdentifiers"];
    let current: Vec<Value> = related
        .get(&entity_type)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if current.iter().any(|v| v.as_str() == Some(entity.as_str())) {
        return Ok(json!({}));
    }
    if limit(&entity_type).is_some_and(|max| current.len() >= max) {
        return Err(ApiError::business(
            "RelatedEntityIdentifier",
            code::TOO_MANY_VALUES,
            format!("Opportunity {id} already has the maximum number of {entity_type} associated."),
        ));
    }
    let mut updated = current;
    updated.push(json!(entity));
    related[entity_type.as_str()] = Value::Array(updated);
    stored.record["LastModifiedDate"] = json!(now);
    Ok(json!({}))
}

pub fn start_engagement(st: &mut State, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?.to_string();
    let id = get_str(req, "Identifier").to_string();
    let key = (
        "StartEngagementFromOpportunityTask".to_string(),
        catalog.clone(),
        get_str(req, "ClientToken").into(),
    );
    if let Some(used) = st.tokens.get(&key) {
        return if used.body == *req {
            Ok(used.response.clone())
        } else {
            Err(ApiError::Conflict(CONFLICTING_TOKEN.into()))
        };
    }
    let record = &lookup(st, &catalog, &id)?.record;
    let review = record
        .pointer("/LifeCycle/ReviewStatus")
        .and_then(Value::as_str)
        .unwrap_or("Pending Submission");
    if review != "Pending Submission" && review != "Action Required" {
        return Err(ApiError::business(
            "LifeCycle.ReviewStatus",
            code::INVALID_RESOURCE_STATE,
            format!("Opportunity {id} can't be submitted while its review status is {review}."),
        ));
    }
    let has_solution = record
        .pointer("/RelatedEntityIdentifiers/Solutions")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if !has_solution {
        return Err(ApiError::business(
            "RelatedEntityIdentifiers.Solutions",
            code::REQUIRED_FIELD_MISSING,
            "Associate at least one solution before starting an engagement.",
        ));
    }
    st.next_task += 1;
    let task_id = format!("task-{:013}", st.next_task);
    let now = st.now_string();
    if let Some(stored) = st.opportunities.get_mut(&id) {
        stored.record["LifeCycle"]["ReviewStatus"] = json!("Submitted");
        stored.record["LastModifiedDate"] = json!(now);
    }
    let response = json!({
        "TaskId": task_id,
        "TaskArn": format!("arn:aws:partnercentral:us-east-1:{ACCOUNT_ID}:catalog/{catalog}/engagement-from-opportunity-task/{task_id}"),
        "StartTime": now,
        "TaskStatus": "IN_PROGRESS",
        "OpportunityId": id,
    });
    st.tokens.insert(
        key,
        TokenUse {
            body: req.clone(),
            response: response.clone(),
        },
    );
    Ok(response)
}
