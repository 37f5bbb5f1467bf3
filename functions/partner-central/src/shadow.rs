//! Shadow writes for Partner Central: an SDK HTTP client that never sends. The shadow twin of a
//! [`crate::PartnerCentral`] routes its write operations through an SDK client built from the live client's own
//! config (same credentials, signing, serializers) whose HTTP layer is [`ShadowHttp`]: it takes the fully
//! serialized request, records its JSON body as a [`PlannedWrite`] in the [`WriteLog`], and answers like the
//! service would (a synthetic but model-valid opportunity id for a create, derived from the ClientToken), so the
//! flow goes on. The recorded body is therefore byte-for-byte the JSON the SDK would have sent.

use std::time::SystemTime;

use aws_sdk_partnercentralselling::config::http::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::DateTime;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::date_time::Format;
use hubspot::shadow::{API_PARTNER_CENTRAL, PlannedWrite, WriteLog, stable_hash};
use serde_json::{Value, json};

/// The `X-Amz-Target` prefix of Partner Central Selling operations.
const TARGET_PREFIX: &str = "AWSPartnerCentralSelling.";
/// Account id in synthetic ARNs.
const SHADOW_ACCOUNT: &str = "000000000000";

/// The synthetic opportunity id a shadow CreateOpportunity answers: `O` + 10 digits from a stable hash of the
/// catalog and ClientToken (model pattern `O[0-9]{1,19}`), so repeated shadow runs of the same deal agree.
pub fn shadow_opportunity_id(catalog: &str, client_token: &str) -> String {
    let h = stable_hash(format!("{catalog}\n{client_token}").as_bytes());
    format!("O{:010}", h % 10_000_000_000)
}

/// An SDK HTTP client that records write requests instead of sending them.
#[derive(Debug, Clone)]
pub struct ShadowHttp {
    log: WriteLog,
}

impl ShadowHttp {
    pub fn new(log: WriteLog) -> ShadowHttp {
        ShadowHttp { log }
    }

    fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.strip_prefix(TARGET_PREFIX))
            .ok_or_else(|| refuse("request without a Partner Central X-Amz-Target".into()))?
            .to_string();
        let body: Value = request
            .body()
            .bytes()
            .map(serde_json::from_slice)
            .transpose()
            .map_err(|e| refuse(format!("{operation}: request body is not JSON: {e}")))?
            .unwrap_or_else(|| json!({}));
        let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let now = DateTime::from(SystemTime::now())
            .fmt(Format::DateTime)
            .map_err(|e| refuse(format!("clock: {e}")))?;
        let (target, response) = match operation.as_str() {
            "CreateOpportunity" => {
                let id = shadow_opportunity_id(&text("Catalog"), &text("ClientToken"));
                let mut response = json!({ "Id": id, "LastModifiedDate": now });
                if let Some(p) = body.get("PartnerOpportunityIdentifier") {
                    response["PartnerOpportunityIdentifier"] = p.clone();
                }
                (id, response)
            }
            "UpdateOpportunity" => {
                let id = text("Identifier");
                (id.clone(), json!({ "Id": id, "LastModifiedDate": now }))
            }
            "AssociateOpportunity" | "DisassociateOpportunity" => (text("OpportunityIdentifier"), json!({})),
            "StartEngagementFromOpportunityTask" => {
                let id = text("Identifier");
                let task = format!("task-{:013x}", stable_hash(text("ClientToken").as_bytes()) >> 12);
                let arn = format!(
                    "arn:aws:partnercentral:us-east-1:{SHADOW_ACCOUNT}:catalog/{}/engagement-from-opportunity-task/{task}",
                    text("Catalog")
                );
                let response = json!({
                    "TaskId": task, "TaskArn": arn, "StartTime": now, "TaskStatus": "IN_PROGRESS", "OpportunityId": id,
                });
                (id, response)
            }
            other => return Err(refuse(format!("{other} is not a write this client shadows"))),
        };
        self.log.record(PlannedWrite {
            api: API_PARTNER_CENTRAL.to_string(),
            operation,
            target,
            request: body,
        });
        let status = StatusCode::try_from(200u16).map_err(|e| refuse(e.to_string()))?;
        let mut out = HttpResponse::new(status, SdkBody::from(response.to_string()));
        out.headers_mut().insert("content-type", "application/x-amz-json-1.0");
        Ok(out)
    }
}

fn refuse(message: String) -> ConnectorError {
    ConnectorError::other(message.into(), None)
}

impl HttpConnector for ShadowHttp {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(self.answer(&request))
    }
}

impl HttpClient for ShadowHttp {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_ids_are_stable_and_model_valid() {
        let a = shadow_opportunity_id("Sandbox", "hubspot-1-deal-42-create");
        assert_eq!(a, shadow_opportunity_id("Sandbox", "hubspot-1-deal-42-create"));
        assert_ne!(a, shadow_opportunity_id("Sandbox", "hubspot-1-deal-43-create"));
        assert_ne!(a, shadow_opportunity_id("AWS", "hubspot-1-deal-42-create"));
        assert_eq!(a.len(), 11);
        assert!(a.starts_with('O') && a[1..].bytes().all(|b| b.is_ascii_digit()), "{a}");
    }
}
