//! CreateOpportunity, GetOpportunity and UpdateOpportunity with the service's semantics: ClientToken idempotency,
//! full-replacement updates guarded by LastModifiedDate, the review-status edit rules (domain.md §3.3).

use serde_json::{Map, Value, json};

use super::{check_catalog, get_str, lookup};
use crate::errors::ApiError;
use crate::state::{State, StoredOpportunity, TokenUse, parse_time};
use crate::validate::code;

/// Members the caller owns: sent on Create and Update, replaced wholesale by Update.
const EDITABLE_MEMBERS: &[&str] = &[
    "PrimaryNeedsFromAws",
    "NationalSecurity",
    "PartnerOpportunityIdentifier",
    "Customer",
    "Project",
    "OpportunityType",
    "Marketing",
    "SoftwareRevenue",
    "LifeCycle",
];

/// LifeCycle members only the service writes.
const READ_ONLY_LIFECYCLE: &[&str] = &[
    "ReviewStatus",
    "ReviewComments",
    "ReviewStatusReason",
    "NextStepsHistory",
];

/// Paths (list indices removed) that may change while the review status is `Action Required`.
const ACTION_REQUIRED_EDITABLE: &[&str] = &[
    "Customer.Account.Address.City",
    "Customer.Account.Address.CountryCode",
    "Customer.Account.Address.PostalCode",
    "Customer.Account.Address.StateOrRegion",
    "Customer.Account.Address.StreetAddress",
    "Customer.Account.WebsiteUrl",
    "LifeCycle.TargetCloseDate",
    "Project.ExpectedCustomerSpend",
    "Project.CustomerBusinessProblem",
    "PartnerOpportunityIdentifier",
];

pub const CONFLICTING_TOKEN: &str = "Conflicting client token submitted for a new request body.";

/// Sample account id used in ARNs.
pub const ACCOUNT_ID: &str = "123456789012";

pub fn create(st: &mut State, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?;
    let token = get_str(req, "ClientToken").to_string();
    let key = ("CreateOpportunity".to_string(), catalog.to_string(), token);
    if let Some(used) = st.tokens.get(&key) {
        return if used.body == *req {
            Ok(used.response.clone())
        } else {
            Err(ApiError::Conflict(CONFLICTING_TOKEN.into()))
        };
    }
    if catalog == "AWS" && req.get("Origin").and_then(Value::as_str) == Some("AWS Referral") {
        return Err(ApiError::business(
            "Origin",
            code::INVALID_VALUE,
            "Origin must be Partner Referral for opportunities created by a partner in the AWS catalog",
        ));
    }
    let id = st.allocate_opportunity_id();
    let now = st.now_string();
    let mut record = Map::new();
    for m in EDITABLE_MEMBERS.iter().chain(["OpportunityTeam"].iter()) {
        if let Some(v) = req.get(*m).filter(|v| !v.is_null()) {
            record.insert((*m).to_string(), v.clone());
        }
    }
    record.insert("Catalog".into(), json!(catalog));
    record.insert("Id".into(), json!(id));
    record.insert(
        "Arn".into(),
        json!(format!(
            "arn:aws:partnercentral:us-east-1:{ACCOUNT_ID}:catalog/{catalog}/opportunity/{id}"
        )),
    );
    record.insert("CreatedDate".into(), json!(now));
    record.insert("LastModifiedDate".into(), json!(now));
    record.insert("RelatedEntityIdentifiers".into(), json!({}));
    let mut record = Value::Object(record);
    let life_cycle = take_client_life_cycle(&record);
    record["LifeCycle"] = finish_life_cycle(life_cycle, None, &now, "Pending Submission");
    let mut response = json!({ "Id": id, "LastModifiedDate": now });
    if let Some(p) = req.get("PartnerOpportunityIdentifier") {
        response["PartnerOpportunityIdentifier"] = p.clone();
    }
    st.opportunities.insert(
        id,
        StoredOpportunity {
            record,
            origin: req.get("Origin").cloned(),
            tags: req.get("Tags").cloned(),
        },
    );
    st.tokens.insert(
        key,
        TokenUse {
            body: req.clone(),
            response: response.clone(),
        },
    );
    Ok(response)
}

pub fn get(st: &mut State, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?;
    Ok(lookup(st, catalog, get_str(req, "Identifier"))?.record.clone())
}

pub fn update(st: &mut State, req: &Value) -> Result<Value, ApiError> {
    let catalog = check_catalog(req)?.to_string();
    let id = get_str(req, "Identifier").to_string();
    let old = lookup(st, &catalog, &id)?.record.clone();
    let sent = parse_time(get_str(req, "LastModifiedDate"));
    let current = parse_time(get_str(&old, "LastModifiedDate"));
    if sent.is_none() || sent != current {
        return Err(ApiError::Conflict(format!(
            "Opportunity {id} has been modified since the given LastModifiedDate; fetch it again with GetOpportunity and retry."
        )));
    }
    let review = old
        .pointer("/LifeCycle/ReviewStatus")
        .and_then(Value::as_str)
        .unwrap_or("Pending Submission");
    match review {
        "Submitted" | "In review" => {
            return Err(ApiError::business(
                "LifeCycle.ReviewStatus",
                code::INVALID_RESOURCE_STATE,
                format!("Opportunity {id} can't be updated while its review status is {review}."),
            ));
        }
        "Rejected" => {
            return Err(ApiError::business(
                "LifeCycle.ReviewStatus",
                code::ACTION_NOT_PERMITTED,
                format!("Opportunity {id} was rejected and is read-only."),
            ));
        }
        _ => {}
    }
    let review = review.to_string();
    let now = st.now_string();
    let mut new = Map::new();
    for m in [
        "Catalog",
        "Id",
        "Arn",
        "CreatedDate",
        "RelatedEntityIdentifiers",
        "OpportunityTeam",
    ] {
        if let Some(v) = old.get(m) {
            new.insert(m.to_string(), v.clone());
        }
    }
    for m in EDITABLE_MEMBERS {
        if let Some(v) = req.get(*m).filter(|v| !v.is_null()) {
            new.insert((*m).to_string(), v.clone());
        }
    }
    new.insert(
        "LastModifiedDate".into(),
        old.get("LastModifiedDate").cloned().unwrap_or(Value::Null),
    );
    let mut new = Value::Object(new);
    let life_cycle = take_client_life_cycle(&new);
    new["LifeCycle"] = finish_life_cycle(life_cycle, old.get("LifeCycle"), &now, &review);
    if review == "Action Required" {
        let mut changed = Vec::new();
        diff_paths(Some(&old), Some(&new), "", &mut changed);
        let forbidden: Vec<String> = changed.into_iter().filter(|p| !action_required_editable(p)).collect();
        if let Some(first) = forbidden.first() {
            return Err(ApiError::business(
                first,
                code::ACTION_NOT_PERMITTED,
                format!(
                    "While review status is Action Required, these fields can't be changed: {}",
                    forbidden.join(", ")
                ),
            ));
        }
    }
    new["LastModifiedDate"] = json!(now);
    if let Some(stored) = st.opportunities.get_mut(&id) {
        stored.record = new;
    }
    Ok(json!({ "Id": id, "LastModifiedDate": now }))
}

/// The client-sent LifeCycle without the read-only members.
fn take_client_life_cycle(record: &Value) -> Map<String, Value> {
    let mut lc = record
        .get("LifeCycle")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for m in READ_ONLY_LIFECYCLE {
        lc.remove(*m);
    }
    lc
}

/// Re-add the service-owned LifeCycle members; NextSteps changes are appended to NextStepsHistory (max 50).
fn finish_life_cycle(mut lc: Map<String, Value>, old: Option<&Value>, now: &str, review: &str) -> Value {
    for m in ["ReviewComments", "ReviewStatusReason"] {
        if let Some(v) = old.and_then(|o| o.get(m)) {
            lc.insert(m.to_string(), v.clone());
        }
    }
    let mut history: Vec<Value> = old
        .and_then(|o| o.get("NextStepsHistory"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let old_steps = old.and_then(|o| o.get("NextSteps"));
    if let Some(steps) = lc
        .get("NextSteps")
        .filter(|s| Some(*s) != old_steps && s.as_str().is_some_and(|s| !s.is_empty()))
    {
        history.push(json!({ "Value": steps, "Time": now }));
        let excess = history.len().saturating_sub(50);
        history.drain(..excess);
    }
    if !history.is_empty() {
        lc.insert("NextStepsHistory".into(), Value::Array(history));
    }
    lc.insert("ReviewStatus".into(), json!(review));
    Value::Object(lc)
}

/// Collect dotted paths whose values differ between `a` and `b` (absent and null are equal).
fn diff_paths(a: Option<&Value>, b: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                diff_paths(x.get(k), y.get(k), &join(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff_paths(Some(p), Some(q), &format!("{path}[{i}]"), out);
            }
        }
        (x, y) if x != y => out.push(path.to_string()),
        _ => {}
    }
}

fn action_required_editable(path: &str) -> bool {
    let mut plain = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    ACTION_REQUIRED_EDITABLE
        .iter()
        .any(|e| plain == *e || plain.starts_with(&format!("{e}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_finds_nested_changes_and_ignores_null() {
        let a = json!({"Customer": {"Account": {"CompanyName": "A", "WebsiteUrl": "x"}}, "Marketing": null});
        let b = json!({"Customer": {"Account": {"CompanyName": "B", "WebsiteUrl": "x"}}});
        let mut out = Vec::new();
        diff_paths(Some(&a), Some(&b), "", &mut out);
        assert_eq!(out, vec!["Customer.Account.CompanyName".to_string()]);
    }

    #[test]
    fn action_required_subset() {
        assert!(action_required_editable("Project.ExpectedCustomerSpend[0].Amount"));
        assert!(action_required_editable("Customer.Account.Address.City"));
        assert!(!action_required_editable("Customer.Account.CompanyName"));
        assert!(!action_required_editable("Project.Title"));
    }
}
