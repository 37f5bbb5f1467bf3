//! HubSpot CRM operations used by the sync: object reads with associations (one request), batch reads, deal
//! updates, note creation with its deal association (one request) and company-to-deal associations (v4, paged);
//! search and listing are in `listing.rs`. In shadow mode the two writes (PATCH, note create) are recorded instead
//! of sent.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::{Call, HubSpotClient, encode};
use crate::error::HubSpotError;
use crate::model::{BatchRead, BatchResponse, CrmObject, ObjectType, V4AssociationPage};
use crate::shadow::{API_HUBSPOT, PlannedWrite, stable_hash};

/// HubSpot's note → deal association type id.
pub const NOTE_TO_DEAL_TYPE_ID: u32 = 214;
/// Maximum ids per batch read request.
pub const BATCH_READ_LIMIT: usize = 100;
/// Maximum `hs_note_body` length.
pub const NOTE_BODY_MAX_CHARS: usize = 65_536;
/// Page size for v4 association lists.
const ASSOCIATION_PAGE: u32 = 500;
/// Upper bound on pages followed in one listing (guards against a cursor that never ends).
pub(crate) const MAX_PAGES: usize = 200;

fn check_id(operation: &str, id: &str) -> Result<(), HubSpotError> {
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(HubSpotError::InvalidInput {
            operation: operation.to_owned(),
            message: format!("object id {id:?} is not numeric"),
        })
    }
}

/// The singular object name used in shadow operation names (`PATCH deal`).
fn singular(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Contacts => "contact",
        ObjectType::Companies => "company",
        ObjectType::Deals => "deal",
        ObjectType::Notes => "note",
    }
}

/// What a shadow write returns: the object id with the written properties (and `hs_object_id`), as HubSpot's
/// PATCH/POST answer lists them; no timestamps (nothing was stored).
fn shadow_object(id: &str, properties: impl Iterator<Item = (String, String)>) -> CrmObject {
    let mut props: BTreeMap<String, Option<String>> = properties.map(|(k, v)| (k, Some(v))).collect();
    props.insert("hs_object_id".to_owned(), Some(id.to_owned()));
    CrmObject {
        id: id.to_owned(),
        properties: props,
        created_at: None,
        updated_at: None,
        archived: false,
        associations: BTreeMap::new(),
    }
}

pub(crate) fn json_body(value: &Value) -> Option<Vec<u8>> {
    Some(value.to_string().into_bytes())
}

pub(crate) fn list(names: &[&str]) -> String {
    names.iter().map(|n| encode(n)).collect::<Vec<_>>().join(",")
}

/// A call that is safe to repeat after an ambiguous failure (reads, searches, PATCH of fixed values).
pub(crate) fn idempotent_call(operation: String, method: Method, path: String, body: Option<Vec<u8>>) -> Call {
    Call {
        operation,
        method,
        path,
        body,
        idempotent: true,
    }
}

/// Appends `&properties=a,b` (names encoded; nothing when empty) to a path that already has a query.
pub(crate) fn push_properties(path: &mut String, properties: &[&str]) {
    if !properties.is_empty() {
        path.push_str(&format!("&properties={}", list(properties)));
    }
}

/// Appends `&after=<cursor>` (encoded) when there is a cursor.
pub(crate) fn push_after(path: &mut String, after: Option<&str>) {
    if let Some(cursor) = after {
        path.push_str(&format!("&after={}", encode(cursor)));
    }
}

/// Adds one page of results to `out`; true when `out` reached `max_results` (then truncated to it) and paging stops.
pub(crate) fn collect_page(out: &mut Vec<CrmObject>, results: Vec<CrmObject>, max_results: usize) -> bool {
    out.extend(results);
    if out.len() >= max_results {
        out.truncate(max_results);
        true
    } else {
        false
    }
}

impl HubSpotClient {
    /// Reads one object with the given properties and association lists in a single request
    /// (`GET /crm/v3/objects/{type}/{id}?properties=..&associations=..&archived=false`).
    pub async fn get_object(
        &self,
        object_type: ObjectType,
        id: &str,
        properties: &[&str],
        associations: &[ObjectType],
    ) -> Result<CrmObject, HubSpotError> {
        let operation = format!("{object_type}.get");
        check_id(&operation, id)?;
        let mut path = format!("/crm/v3/objects/{object_type}/{id}?archived=false");
        push_properties(&mut path, properties);
        if !associations.is_empty() {
            let names: Vec<&str> = associations.iter().map(|a| a.as_str()).collect();
            path.push_str(&format!("&associations={}", names.join(",")));
        }
        let call = idempotent_call(operation, Method::GET, path, None);
        Ok(self.execute_json(call).await?.1)
    }

    /// Reads a deal with its properties and its company, contact and note associations in one request.
    pub async fn get_deal(&self, deal_id: &str, properties: &[&str]) -> Result<CrmObject, HubSpotError> {
        let associations = [ObjectType::Companies, ObjectType::Contacts, ObjectType::Notes];
        self.get_object(ObjectType::Deals, deal_id, properties, &associations)
            .await
    }

    /// Reads a note (`hs_note_body`, `hs_timestamp`) with its deal associations in one request.
    pub async fn get_note(&self, note_id: &str) -> Result<CrmObject, HubSpotError> {
        self.get_object(
            ObjectType::Notes,
            note_id,
            &["hs_note_body", "hs_timestamp"],
            &[ObjectType::Deals],
        )
        .await
    }

    /// Batch-reads objects (`POST /crm/v3/objects/{type}/batch/read`), 100 ids per request, duplicates removed.
    /// Ids HubSpot reports missing (HTTP 207) are returned in `missing_ids`, not as an error.
    pub async fn batch_read(
        &self,
        object_type: ObjectType,
        ids: &[String],
        properties: &[&str],
    ) -> Result<BatchRead, HubSpotError> {
        let operation = format!("{object_type}.batch_read");
        let mut unique: Vec<&str> = Vec::new();
        for id in ids {
            check_id(&operation, id)?;
            if !unique.contains(&id.as_str()) {
                unique.push(id);
            }
        }
        let mut out = BatchRead::default();
        for chunk in unique.chunks(BATCH_READ_LIMIT) {
            let inputs: Vec<Value> = chunk.iter().map(|id| json!({"id": id})).collect();
            let body = json!({"inputs": inputs, "properties": properties, "propertiesWithHistory": []});
            let call = idempotent_call(
                operation.clone(),
                Method::POST,
                format!("/crm/v3/objects/{object_type}/batch/read"),
                json_body(&body),
            );
            let (_, response): (u16, BatchResponse) = self.execute_json(call).await?;
            out.results.extend(response.results);
            for error in response.errors {
                if error.category.as_deref() == Some("OBJECT_NOT_FOUND")
                    && let Some(Value::Array(missing)) = error.context.get("ids")
                {
                    out.missing_ids
                        .extend(missing.iter().filter_map(Value::as_str).map(str::to_owned));
                }
            }
        }
        Ok(out)
    }

    /// Updates object properties (`PATCH /crm/v3/objects/{type}/{id}`); an empty string clears a value.
    pub async fn update_object(
        &self,
        object_type: ObjectType,
        id: &str,
        properties: &BTreeMap<String, String>,
    ) -> Result<CrmObject, HubSpotError> {
        let operation = format!("{object_type}.update");
        check_id(&operation, id)?;
        if properties.is_empty() {
            return Err(HubSpotError::InvalidInput {
                operation,
                message: "no properties to update".into(),
            });
        }
        let request = json!({ "properties": properties });
        if let Some(log) = self.write_mode().log() {
            log.record(PlannedWrite {
                api: API_HUBSPOT.to_owned(),
                operation: format!("PATCH {}", singular(object_type)),
                target: id.to_owned(),
                request,
            });
            return Ok(shadow_object(
                id,
                properties.iter().map(|(k, v)| (k.clone(), v.clone())),
            ));
        }
        let call = idempotent_call(
            operation,
            Method::PATCH,
            format!("/crm/v3/objects/{object_type}/{id}"),
            json_body(&request),
        );
        Ok(self.execute_json(call).await?.1)
    }

    /// Updates deal properties (write-backs such as `aws_opportunity_id`).
    pub async fn update_deal(
        &self,
        deal_id: &str,
        properties: &BTreeMap<String, String>,
    ) -> Result<CrmObject, HubSpotError> {
        self.update_object(ObjectType::Deals, deal_id, properties).await
    }

    /// Creates a note associated with a deal in one request (`POST /crm/v3/objects/notes`, association type 214),
    /// so no orphan note can be left behind. `timestamp` is `hs_timestamp`: epoch milliseconds or ISO-8601 UTC.
    ///
    /// Not idempotent: it is only retried where HubSpot cannot have created the note (see the retry policy).
    pub async fn create_deal_note(
        &self,
        deal_id: &str,
        body: &str,
        timestamp: &str,
    ) -> Result<CrmObject, HubSpotError> {
        let operation = "notes.create".to_owned();
        check_id(&operation, deal_id)?;
        if body.chars().count() > NOTE_BODY_MAX_CHARS {
            let message = format!("note body exceeds {NOTE_BODY_MAX_CHARS} characters");
            return Err(HubSpotError::InvalidInput { operation, message });
        }
        if timestamp.trim().is_empty() {
            return Err(HubSpotError::InvalidInput {
                operation,
                message: "hs_timestamp is required".into(),
            });
        }
        let request = json!({
            "properties": {"hs_timestamp": timestamp, "hs_note_body": body},
            "associations": [{
                "to": {"id": deal_id},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_DEAL_TYPE_ID}],
            }],
        });
        if let Some(log) = self.write_mode().log() {
            let seed = format!("{deal_id}\n{timestamp}\n{body}");
            let note_id = (stable_hash(seed.as_bytes()) % 100_000_000_000).to_string();
            log.record(PlannedWrite {
                api: API_HUBSPOT.to_owned(),
                operation: "create note".to_owned(),
                target: deal_id.to_owned(),
                request,
            });
            let properties = [("hs_timestamp", timestamp), ("hs_note_body", body)];
            return Ok(shadow_object(
                &note_id,
                properties.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())),
            ));
        }
        let call = Call {
            operation,
            method: Method::POST,
            path: "/crm/v3/objects/notes".to_owned(),
            body: json_body(&request),
            idempotent: false,
        };
        Ok(self.execute_json(call).await?.1)
    }

    /// Ids of objects of type `to` associated with an object, all pages
    /// (`GET /crm/v4/objects/{type}/{id}/associations/{to}?limit=500&after=..`).
    pub async fn associated_ids(
        &self,
        object_type: ObjectType,
        id: &str,
        to: ObjectType,
    ) -> Result<Vec<String>, HubSpotError> {
        let operation = format!("{object_type}.associations.{to}");
        check_id(&operation, id)?;
        let mut ids: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut path = format!("/crm/v4/objects/{object_type}/{id}/associations/{to}?limit={ASSOCIATION_PAGE}");
            push_after(&mut path, after.as_deref());
            let call = idempotent_call(operation.clone(), Method::GET, path, None);
            let (_, page): (u16, V4AssociationPage) = self.execute_json(call).await?;
            for entry in page.results {
                let id = match entry.to_object_id {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            match page.paging.and_then(|p| p.next) {
                Some(next) => after = Some(next.after),
                None => return Ok(ids),
            }
        }
        Err(HubSpotError::Decode {
            operation,
            status: 200,
            message: format!("paging did not end after {MAX_PAGES} pages"),
        })
    }

    /// Deals associated with a company (for company-change events).
    pub async fn company_deal_ids(&self, company_id: &str) -> Result<Vec<String>, HubSpotError> {
        self.associated_ids(ObjectType::Companies, company_id, ObjectType::Deals)
            .await
    }
}
