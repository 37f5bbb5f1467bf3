//! ListOpportunities (filters: Identifier, LifeCycleStage, LifeCycleReviewStatus, CustomerCompanyName,
//! LastModifiedDate, CreatedDate, TargetCloseDate; Sort; paging) and ListSolutions (Status, Identifier, Category).

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::{check_catalog, page};
use crate::errors::ApiError;
use crate::model::Model;
use crate::state::{State, parse_time};
use crate::validate::project;

fn list_of<'a>(req: &'a Value, member: &str) -> Option<Vec<&'a str>> {
    req.get(member)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
}

fn in_list(filter: &Option<Vec<&str>>, value: Option<&str>) -> bool {
    filter.as_ref().is_none_or(|f| value.is_some_and(|v| f.contains(&v)))
}

fn time_window(record: &Value, member: &str, filter: Option<&Value>, after: &str, before: &str) -> bool {
    let Some(filter) = filter else { return true };
    let Some(t) = record.get(member).and_then(Value::as_str).and_then(parse_time) else {
        return false;
    };
    let bound = |k: &str| filter.get(k).and_then(Value::as_str).and_then(parse_time);
    bound(after).is_none_or(|a| t > a) && bound(before).is_none_or(|b| t < b)
}

pub fn list_opportunities(st: &mut State, model: &Model, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?;
    let ids = list_of(req, "Identifier");
    let stages = list_of(req, "LifeCycleStage");
    let reviews = list_of(req, "LifeCycleReviewStatus");
    let companies = list_of(req, "CustomerCompanyName");
    let close = req.get("TargetCloseDate");
    let mut records: Vec<&Value> = st
        .opportunities
        .values()
        .map(|o| &o.record)
        .filter(|r| r.get("Catalog").and_then(Value::as_str) == Some(catalog))
        .filter(|r| in_list(&ids, r.get("Id").and_then(Value::as_str)))
        .filter(|r| in_list(&stages, r.pointer("/LifeCycle/Stage").and_then(Value::as_str)))
        .filter(|r| in_list(&reviews, r.pointer("/LifeCycle/ReviewStatus").and_then(Value::as_str)))
        .filter(|r| {
            in_list(
                &companies,
                r.pointer("/Customer/Account/CompanyName").and_then(Value::as_str),
            )
        })
        .filter(|r| {
            time_window(
                r,
                "LastModifiedDate",
                req.get("LastModifiedDate"),
                "AfterLastModifiedDate",
                "BeforeLastModifiedDate",
            )
        })
        .filter(|r| {
            time_window(
                r,
                "CreatedDate",
                req.get("CreatedDate"),
                "AfterCreatedDate",
                "BeforeCreatedDate",
            )
        })
        .filter(|r| {
            let Some(f) = close else { return true };
            let Some(d) = r.pointer("/LifeCycle/TargetCloseDate").and_then(Value::as_str) else {
                return false;
            };
            let after = f.get("AfterTargetCloseDate").and_then(Value::as_str);
            let before = f.get("BeforeTargetCloseDate").and_then(Value::as_str);
            after.is_none_or(|a| d > a) && before.is_none_or(|b| d < b)
        })
        .collect();
    let sort_by = req
        .pointer("/Sort/SortBy")
        .and_then(Value::as_str)
        .unwrap_or("LastModifiedDate");
    let descending = req
        .pointer("/Sort/SortOrder")
        .and_then(Value::as_str)
        .unwrap_or("DESCENDING")
        == "DESCENDING";
    let key = |r: &Value| -> String {
        let s = |p: &str| r.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
        match sort_by {
            "Identifier" => format!("{:0>21}", s("/Id")),
            "CustomerCompanyName" => s("/Customer/Account/CompanyName"),
            "CreatedDate" => s("/CreatedDate"),
            "TargetCloseDate" => s("/LifeCycle/TargetCloseDate"),
            _ => s("/LastModifiedDate"),
        }
    };
    // Sort key computed once per record (thousands of seeded records page cheaply); ties by Id.
    records.sort_by_cached_key(|r| (key(r), r.get("Id").map(Value::to_string)));
    if descending {
        records.reverse();
    }
    // Page first, then project only the page's records into summaries.
    let (records, next) = page(records, req, 20)?;
    let items: Vec<Value> = records
        .into_iter()
        .map(|r| {
            let mut s = project(model, "OpportunitySummary", r);
            if s.pointer("/Customer/Account/CompanyName").is_none()
                && let Some(obj) = s.as_object_mut()
            {
                obj.remove("Customer");
            }
            s
        })
        .collect();
    let mut out = json!({ "OpportunitySummaries": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}

pub fn list_solutions(st: &mut State, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?;
    let statuses = list_of(req, "Status");
    let ids = list_of(req, "Identifier");
    let categories = list_of(req, "Category");
    let mut solutions: Vec<Value> = st
        .solutions
        .iter()
        .filter(|s| s.get("Catalog").and_then(Value::as_str) == Some(catalog))
        .filter(|s| in_list(&statuses, s.get("Status").and_then(Value::as_str)))
        .filter(|s| in_list(&ids, s.get("Id").and_then(Value::as_str)))
        .filter(|s| in_list(&categories, s.get("Category").and_then(Value::as_str)))
        .cloned()
        .collect();
    let sort_by = req
        .pointer("/Sort/SortBy")
        .and_then(Value::as_str)
        .unwrap_or("Identifier");
    let member = if sort_by == "Identifier" { "Id" } else { sort_by };
    let descending = req.pointer("/Sort/SortOrder").and_then(Value::as_str) == Some("DESCENDING");
    solutions.sort_by(|a, b| {
        let k = |v: &Value| v.get(member).map(Value::to_string).unwrap_or_default();
        let o: Ordering = k(a).cmp(&k(b));
        if descending { o.reverse() } else { o }
    });
    let (items, next) = page(solutions, req, 20)?;
    let mut out = json!({ "SolutionSummaries": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}
