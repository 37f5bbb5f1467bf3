//! Everything a deal sync needs from HubSpot in the fewest round trips: the deal with its association ids (one
//! request), then the associated companies and contacts as two batch reads sent concurrently. Reads with no ids to
//! fetch are skipped, so a deal without contacts costs two requests.

use crate::client::HubSpotClient;
use crate::error::HubSpotError;
use crate::model::{BatchRead, CrmObject, ObjectType};

/// What to fetch for a deal.
#[derive(Debug, Clone, Copy)]
pub struct DealContextRequest<'a> {
    /// Deal properties.
    pub deal_properties: &'a [&'a str],
    /// Company properties.
    pub company_properties: &'a [&'a str],
    /// Contact properties.
    pub contact_properties: &'a [&'a str],
    /// Fetch at most this many contacts (in association order).
    pub max_contacts: usize,
    /// Fetch only the primary company (or the first one when none is marked primary).
    pub primary_company_only: bool,
}

/// A deal with its associated companies and contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealContext {
    /// The deal, with association ids for companies, contacts and notes.
    pub deal: CrmObject,
    /// The primary company id (labelled association), if HubSpot marks one.
    pub primary_company_id: Option<String>,
    /// Companies read (and ids missing).
    pub companies: BatchRead,
    /// Contacts read (and ids missing).
    pub contacts: BatchRead,
}

impl DealContext {
    /// The primary company, else the first company read.
    pub fn primary_company(&self) -> Option<&CrmObject> {
        let primary = self.primary_company_id.as_deref();
        primary
            .and_then(|id| self.companies.results.iter().find(|c| c.id == id))
            .or_else(|| self.companies.results.first())
    }
}

impl HubSpotClient {
    /// Reads a deal, then its companies and contacts concurrently: at most 3 requests, 2 round trips.
    pub async fn get_deal_context(
        &self,
        deal_id: &str,
        request: &DealContextRequest<'_>,
    ) -> Result<DealContext, HubSpotError> {
        let deal = self.get_deal(deal_id, request.deal_properties).await?;
        let primary_company_id = deal.primary_company_id().map(str::to_owned);
        let mut company_ids = deal.associated_ids(ObjectType::Companies);
        if request.primary_company_only {
            let chosen = primary_company_id.clone().or_else(|| company_ids.first().cloned());
            company_ids = chosen.into_iter().collect();
        }
        let mut contact_ids = deal.associated_ids(ObjectType::Contacts);
        contact_ids.truncate(request.max_contacts);
        let companies = async {
            if company_ids.is_empty() {
                return Ok(BatchRead::default());
            }
            self.batch_read(ObjectType::Companies, &company_ids, request.company_properties)
                .await
        };
        let contacts = async {
            if contact_ids.is_empty() {
                return Ok(BatchRead::default());
            }
            self.batch_read(ObjectType::Contacts, &contact_ids, request.contact_properties)
                .await
        };
        let (companies, contacts) = tokio::try_join!(companies, contacts)?;
        Ok(DealContext {
            deal,
            primary_company_id,
            companies,
            contacts,
        })
    }
}
