//! Paged reads over many objects: CRM search (`POST /crm/v3/objects/{type}/search`, 200 per page, HubSpot's
//! 10,000-result cap) and the object listing (`GET /crm/v3/objects/{type}`, 100 per page, no cap).

use reqwest::Method;

use crate::client::HubSpotClient;
use crate::error::HubSpotError;
use crate::model::{CrmObject, ListPage, ObjectType, SearchPage, SearchRequest};
use crate::ops::{MAX_PAGES, collect_page, idempotent_call, json_body, push_after, push_properties};

/// HubSpot's page maximum for `GET /crm/v3/objects/{type}`.
pub const LIST_PAGE_MAX: u32 = 100;

impl HubSpotClient {
    /// One page of a CRM search (`POST /crm/v3/objects/{type}/search`). Search has its own, lower rate limit.
    pub async fn search(&self, object_type: ObjectType, request: &SearchRequest) -> Result<SearchPage, HubSpotError> {
        let operation = format!("{object_type}.search");
        if request.limit == 0 || request.limit > 200 {
            return Err(HubSpotError::InvalidInput {
                operation,
                message: "search limit must be 1..=200".into(),
            });
        }
        let body = serde_json::to_value(request).map_err(|e| HubSpotError::InvalidInput {
            operation: operation.clone(),
            message: e.to_string(),
        })?;
        let call = idempotent_call(
            operation,
            Method::POST,
            format!("/crm/v3/objects/{object_type}/search"),
            json_body(&body),
        );
        Ok(self.execute_json(call).await?.1)
    }

    /// One page of an object listing (`GET /crm/v3/objects/{type}?limit=..&after=..&properties=..&archived=false`),
    /// `limit` 1..=100, in id order. Unlike search, listing has no 10,000-result cap and uses the general rate limit.
    pub async fn list_page(
        &self,
        object_type: ObjectType,
        properties: &[&str],
        limit: u32,
        after: Option<&str>,
    ) -> Result<ListPage, HubSpotError> {
        let operation = format!("{object_type}.list");
        if limit == 0 || limit > LIST_PAGE_MAX {
            return Err(HubSpotError::InvalidInput {
                operation,
                message: format!("list limit must be 1..={LIST_PAGE_MAX}"),
            });
        }
        let mut path = format!("/crm/v3/objects/{object_type}?limit={limit}&archived=false");
        push_properties(&mut path, properties);
        push_after(&mut path, after);
        let call = idempotent_call(operation, Method::GET, path, None);
        Ok(self.execute_json(call).await?.1)
    }

    /// Every object of a type (100 per page, following cursors), stopping after `max_results` objects.
    pub async fn list_all(
        &self,
        object_type: ObjectType,
        properties: &[&str],
        max_results: usize,
    ) -> Result<Vec<CrmObject>, HubSpotError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .list_page(object_type, properties, LIST_PAGE_MAX, after.as_deref())
                .await?;
            let next = page.next_after().map(str::to_owned);
            if collect_page(&mut out, page.results, max_results) {
                return Ok(out);
            }
            match next {
                Some(cursor) if Some(&cursor) != after.as_ref() => after = Some(cursor),
                Some(_) => {
                    return Err(HubSpotError::Decode {
                        operation: format!("{object_type}.list"),
                        status: 200,
                        message: "paging cursor did not advance".into(),
                    });
                }
                None => return Ok(out),
            }
        }
    }

    /// All deals matching a search, following pages, stopping after `max_results` objects.
    pub async fn search_deals_all(
        &self,
        request: &SearchRequest,
        max_results: usize,
    ) -> Result<Vec<CrmObject>, HubSpotError> {
        let mut request = request.clone();
        let mut out = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.search(ObjectType::Deals, &request).await?;
            let next = page.next_after().map(str::to_owned);
            if collect_page(&mut out, page.results, max_results) {
                return Ok(out);
            }
            match next {
                Some(after) => request.after = Some(after),
                None => return Ok(out),
            }
        }
        Ok(out)
    }
}
