//! Operation behaviour, dispatched by operation name. Requests reaching here already passed model validation, so
//! required members are present and well-typed.

mod engagement;
mod listing;
pub(crate) mod opportunity;

use serde_json::Value;

use crate::errors::ApiError;
use crate::model::Model;
use crate::state::{State, StoredOpportunity};
use crate::validate::code;

/// Operations with behaviour in this server.
pub const IMPLEMENTED: &[&str] = &[
    "CreateOpportunity",
    "GetOpportunity",
    "UpdateOpportunity",
    "ListOpportunities",
    "AssociateOpportunity",
    "ListSolutions",
    "StartEngagementFromOpportunityTask",
];

/// Run `operation` on a validated request body.
pub fn dispatch(st: &mut State, model: &Model, operation: &str, req: &Value) -> Result<Value, ApiError> {
    match operation {
        "CreateOpportunity" => opportunity::create(st, req),
        "GetOpportunity" => opportunity::get(st, req),
        "UpdateOpportunity" => opportunity::update(st, req),
        "ListOpportunities" => listing::list_opportunities(st, model, req),
        "ListSolutions" => listing::list_solutions(st, req),
        "AssociateOpportunity" => engagement::associate(st, model, req),
        "StartEngagementFromOpportunityTask" => engagement::start_engagement(st, req),
        other => Err(ApiError::UnknownOperation(format!(
            "{other} is in the service model but not implemented by partner-central-server"
        ))),
    }
}

/// String member or "" (validated requests always carry the required ones).
pub(crate) fn get_str<'a>(v: &'a Value, member: &str) -> &'a str {
    v.get(member).and_then(Value::as_str).unwrap_or("")
}

/// The request's Catalog, which must be `AWS` or `Sandbox`.
pub(crate) fn check_catalog(req: &Value) -> Result<&str, ApiError> {
    let catalog = get_str(req, "Catalog");
    if catalog == "AWS" || catalog == "Sandbox" {
        Ok(catalog)
    } else {
        Err(ApiError::business(
            "Catalog",
            code::INVALID_VALUE,
            "Catalog must be AWS or Sandbox",
        ))
    }
}

/// The opportunity with `id` in `catalog`, or ResourceNotFoundException.
pub(crate) fn lookup<'a>(st: &'a State, catalog: &str, id: &str) -> Result<&'a StoredOpportunity, ApiError> {
    st.opportunities
        .get(id)
        .filter(|o| o.record.get("Catalog").and_then(Value::as_str) == Some(catalog))
        .ok_or_else(|| ApiError::NotFound(format!("Opportunity {id} was not found in catalog {catalog}.")))
}

/// Page `items` with an offset-encoded NextToken.
pub(crate) fn page<T: Clone>(
    items: Vec<T>,
    req: &Value,
    default_size: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let size = req
        .get("MaxResults")
        .and_then(Value::as_u64)
        .map_or(default_size, |n| n as usize);
    let start = match req.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => t
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::business("NextToken", code::INVALID_VALUE, "The NextToken is invalid."))?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    Ok((items[start..end].to_vec(), next))
}
