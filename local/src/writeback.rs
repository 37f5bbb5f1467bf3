//! Observing the write-back: after a processed deal record, the opportunity id property is read from the deal,
//! straight from the local HubSpot server's store (no request, so the test's request counts stay exact) or, against
//! real HubSpot, with one extra read through the processor's own client.

use std::sync::Arc;

use hubspot::HubSpotClient;
use hubspot_server::{HubSpotServer, ObjectType};

/// Default name of the deal property holding the opportunity id (the SYNC_SETTINGS default).
pub const DEFAULT_OPPORTUNITY_ID_PROPERTY: &str = "aws_opportunity_id";

/// Where the deal's opportunity id is read from.
#[derive(Debug, Clone)]
pub enum WritebackCheck {
    /// The local server's store.
    Local {
        /// The server.
        server: Arc<HubSpotServer>,
        /// Property name.
        property: String,
    },
    /// A HubSpot API (real HubSpot).
    Api {
        /// Client (the processor's).
        client: HubSpotClient,
        /// Property name.
        property: String,
    },
    /// Not observed.
    Off,
}

impl WritebackCheck {
    /// The opportunity id on deal `deal_id`, if any.
    pub async fn opportunity_id(&self, deal_id: &str) -> Option<String> {
        match self {
            Self::Local { server, property } => server
                .object(ObjectType::Deals, deal_id)?
                .properties
                .get(property)
                .filter(|v| !v.is_empty())
                .cloned(),
            Self::Api { client, property } => client
                .get_deal(deal_id, &[property.as_str()])
                .await
                .ok()?
                .properties
                .get(property)
                .cloned()
                .flatten()
                .filter(|v| !v.is_empty()),
            Self::Off => None,
        }
    }
}

/// The opportunity id property named by a `SYNC_SETTINGS` value (`properties.opportunity_id`), else the default.
pub fn opportunity_id_property(sync_settings: Option<&str>) -> String {
    sync_settings
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| v.pointer("/properties/opportunity_id")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_OPPORTUNITY_ID_PROPERTY.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_from_settings() {
        assert_eq!(opportunity_id_property(None), DEFAULT_OPPORTUNITY_ID_PROPERTY);
        assert_eq!(opportunity_id_property(Some("")), DEFAULT_OPPORTUNITY_ID_PROPERTY);
        assert_eq!(
            opportunity_id_property(Some(r#"{"properties":{"opportunity_id":"ace_id"}}"#)),
            "ace_id"
        );
    }
}
