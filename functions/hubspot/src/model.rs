//! Wire models of HubSpot CRM v3 objects, associations, batch results and search.
//!
//! Property values are `Option<String>`: HubSpot returns requested-but-unset properties as `null`, which is normal.
//! Non-string scalars (should HubSpot ever send them) are kept as their JSON text rather than rejected.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A CRM object type the client works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectType {
    /// Contacts (`0-1`).
    Contacts,
    /// Companies (`0-2`).
    Companies,
    /// Deals (`0-3`).
    Deals,
    /// Notes (`0-46`).
    Notes,
}

impl ObjectType {
    /// The plural path segment and association key (`deals`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Companies => "companies",
            Self::Deals => "deals",
            Self::Notes => "notes",
        }
    }
}

impl std::fmt::Display for ObjectType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn lenient_properties<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    let raw: Option<BTreeMap<String, Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Null => None,
                Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            (k, v)
        })
        .collect())
}

/// `{"id": "…", "type": "deal_to_company"}` in a v3 association list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociationRef {
    /// The associated object's id.
    pub id: String,
    /// The v3 label (`deal_to_company`, `deal_to_company_unlabeled`, ...).
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// Cursor to the next page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NextPage {
    /// Opaque cursor for `after`.
    pub after: String,
}

/// `paging` of a list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Paging {
    /// The next page, if there is one.
    pub next: Option<NextPage>,
}

/// One association list of an object read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct AssociationList {
    /// Entries (an id can appear once per label).
    #[serde(default)]
    pub results: Vec<AssociationRef>,
    /// Present when HubSpot truncated the list.
    pub paging: Option<Paging>,
}

/// A CRM object as returned by reads, writes and searches.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmObject {
    /// Object id.
    pub id: String,
    /// Returned properties; `None` = null (unset).
    #[serde(default, deserialize_with = "lenient_properties")]
    pub properties: BTreeMap<String, Option<String>>,
    /// Creation time (ISO-8601).
    pub created_at: Option<String>,
    /// Last update (ISO-8601).
    pub updated_at: Option<String>,
    /// Whether the object is archived.
    #[serde(default)]
    pub archived: bool,
    /// Requested associations by plural type (`companies`); empty lists are absent.
    #[serde(default)]
    pub associations: BTreeMap<String, AssociationList>,
}

impl CrmObject {
    /// A property value; `None` when absent, null or empty (an empty string is HubSpot's "cleared").
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)
            .and_then(|v| v.as_deref())
            .filter(|v| !v.is_empty())
    }

    /// Associated ids of one type, de-duplicated (HubSpot lists a primary association under two labels), in order.
    pub fn associated_ids(&self, to: ObjectType) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for r in self
            .associations
            .get(to.as_str())
            .map(|l| l.results.as_slice())
            .unwrap_or_default()
        {
            if !ids.contains(&r.id) {
                ids.push(r.id.clone());
            }
        }
        ids
    }

    /// The primary associated company of a deal: the one carrying the labelled (not `_unlabeled`) type.
    pub fn primary_company_id(&self) -> Option<&str> {
        self.associations
            .get(ObjectType::Companies.as_str())?
            .results
            .iter()
            .find(|r| r.kind.ends_with("_to_company"))
            .map(|r| r.id.as_str())
    }

    /// Whether HubSpot truncated the association list of this type (more than it returns in one read).
    pub fn associations_truncated(&self, to: ObjectType) -> bool {
        self.associations
            .get(to.as_str())
            .and_then(|l| l.paging.as_ref())
            .and_then(|p| p.next.as_ref())
            .is_some()
    }
}

/// The outcome of a batch read: found objects plus the ids HubSpot reported missing (HTTP 207).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchRead {
    /// Objects found.
    pub results: Vec<CrmObject>,
    /// Requested ids that do not exist (or were archived).
    pub missing_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BatchErrorEntry {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub context: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BatchResponse {
    #[serde(default)]
    pub results: Vec<CrmObject>,
    #[serde(default)]
    pub errors: Vec<BatchErrorEntry>,
}

/// Search filter operators (the subset the sync needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FilterOperator {
    /// Equal (case-insensitive for strings).
    Eq,
    /// Not equal.
    Neq,
    /// Property has a value.
    HasProperty,
    /// Property has no value.
    NotHasProperty,
    /// Every word of the value is a word of the property (`*` wildcard at a word's start or end).
    ContainsToken,
    /// Negation of `ContainsToken` (also true when the property has no value).
    NotContainsToken,
    /// Greater than (numbers, epoch-millisecond dates).
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
}

/// One search filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    /// Property name.
    pub property_name: String,
    /// Operator.
    pub operator: FilterOperator,
    /// Value, for `EQ`/`NEQ`/`CONTAINS_TOKEN`/comparisons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Filters AND-ed together; groups are OR-ed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FilterGroup {
    /// The filters.
    pub filters: Vec<Filter>,
}

/// A CRM search request (`POST /crm/v3/objects/{type}/search`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// Filter groups (OR).
    pub filter_groups: Vec<FilterGroup>,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Page size (HubSpot allows at most 200).
    pub limit: u32,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl SearchRequest {
    /// Objects whose `property` contains the word(s) `token` (`CONTAINS_TOKEN`), 200 per page (HubSpot's maximum).
    pub fn property_contains_token(property: &str, token: &str, properties: &[&str]) -> Self {
        let filter = Filter {
            property_name: property.to_owned(),
            operator: FilterOperator::ContainsToken,
            value: Some(token.to_owned()),
        };
        Self {
            filter_groups: vec![FilterGroup { filters: vec![filter] }],
            properties: properties.iter().map(|p| (*p).to_owned()).collect(),
            limit: 200,
            after: None,
        }
    }

    /// Objects whose `property` equals `value`.
    pub fn property_equals(property: &str, value: &str, properties: &[&str]) -> Self {
        let filter = Filter {
            property_name: property.to_owned(),
            operator: FilterOperator::Eq,
            value: Some(value.to_owned()),
        };
        Self {
            filter_groups: vec![FilterGroup { filters: vec![filter] }],
            properties: properties.iter().map(|p| (*p).to_owned()).collect(),
            limit: 100,
            after: None,
        }
    }
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SearchPage {
    /// Total matches.
    #[serde(default)]
    pub total: u64,
    /// This page.
    #[serde(default)]
    pub results: Vec<CrmObject>,
    /// Paging cursor.
    pub paging: Option<Paging>,
}

/// One page of an object listing (`GET /crm/v3/objects/{type}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListPage {
    /// This page.
    #[serde(default)]
    pub results: Vec<CrmObject>,
    /// Paging cursor.
    pub paging: Option<Paging>,
}

impl ListPage {
    /// The `after` cursor of the next page.
    pub fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|n| n.after.as_str())
    }
}

impl SearchPage {
    /// The `after` cursor of the next page.
    pub fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|n| n.after.as_str())
    }
}

/// One v4 association entry (`toObjectId` is a number on the wire).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct V4Association {
    pub to_object_id: Value,
}

#[derive(Debug, Deserialize)]
pub(crate) struct V4AssociationPage {
    #[serde(default)]
    pub results: Vec<V4Association>,
    pub paging: Option<Paging>,
}
