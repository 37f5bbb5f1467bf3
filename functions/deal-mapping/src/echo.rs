//! Echo suppression: the sync's own HubSpot writes come back as `*.propertyChange` webhooks. They must not cause
//! Partner Central writes, notes or loops. An event is an echo when it changes a property only the sync writes
//! ([`OWN_WRITE_BACK_PROPERTIES`]), or when its source identifies the sync's HubSpot app (`sourceId` equal to the
//! configured app id, bare or as `appId:<id>` / `integration:<id>`-style `prefix:<id>` whose prefix names an app or
//! integration). A user editing e.g. `amount` in the CRM UI is never an echo.
//!
//! The webhook payload's own `appId` is the *subscribing* app (always the sync's), not the writer, so it must not be
//! used for this decision; the writer is in `sourceId` (with `changeSource`, e.g. `INTEGRATION`).

use crate::settings::SyncProperties;

/// Deal properties written only by the sync (write-back) under the default [`SyncProperties`] (plus the legacy
/// `aws_opportunity_arn`). A change to them never triggers Partner Central work.
pub const OWN_WRITE_BACK_PROPERTIES: &[&str] = &[
    "aws_last_sync",
    "aws_opportunity_arn",
    "aws_opportunity_id",
    "aws_opportunity_title",
    "aws_review_status",
    "aws_sync_error",
    "aws_sync_status",
];

/// The classification of one property-change event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoVerdict {
    /// The changed property is one of the sync's write-back properties.
    OwnWriteBackProperty,
    /// The change was made by the sync's own app.
    OwnApp,
    /// A change by someone or something else: process it.
    External,
}

impl EchoVerdict {
    /// True for the sync's own writes (skip the event).
    pub fn is_echo(self) -> bool {
        self != EchoVerdict::External
    }
}

fn source_is_app(source_id: &str, app_id: &str) -> bool {
    let source_id = source_id.trim();
    if source_id == app_id {
        return true;
    }
    match source_id.rsplit_once(':') {
        Some((prefix, id)) => {
            let prefix = prefix.trim().to_ascii_lowercase();
            id.trim() == app_id && (prefix.contains("app") || prefix.contains("integration"))
        }
        None => false,
    }
}

/// Classify a property-change event from its `propertyName`, `changeSource` and `sourceId`, given the sync's HubSpot
/// app id (`None` = unknown, then only the property rule applies). `changeSource` is accepted for logging symmetry
/// and future rules; the decision does not trust it alone (CRM_UI, API, INTEGRATION are shared by many writers).
pub fn classify_echo(
    property_name: Option<&str>,
    _change_source: Option<&str>,
    source_id: Option<&str>,
    app_id: Option<&str>,
) -> EchoVerdict {
    if property_name.is_some_and(|p| OWN_WRITE_BACK_PROPERTIES.contains(&p.trim())) {
        return EchoVerdict::OwnWriteBackProperty;
    }
    match (source_id, app_id.map(str::trim).filter(|a| !a.is_empty())) {
        (Some(s), Some(app)) if source_is_app(s, app) => EchoVerdict::OwnApp,
        _ => EchoVerdict::External,
    }
}

/// [`classify_echo`] with the write-back property names of the deployment's settings (`SYNC_SETTINGS.properties`)
/// instead of the default names.
pub fn classify_echo_with(
    properties: &SyncProperties,
    property_name: Option<&str>,
    change_source: Option<&str>,
    source_id: Option<&str>,
    app_id: Option<&str>,
) -> EchoVerdict {
    if property_name.is_some_and(|p| properties.is_write_back(p)) {
        return EchoVerdict::OwnWriteBackProperty;
    }
    // No write-back property matched: only the app rule can apply (no property name reaches the default list).
    classify_echo(None, change_source, source_id, app_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_table() {
        let app = Some("1160452");
        let cases = [
            (
                Some("aws_opportunity_id"),
                Some("INTEGRATION"),
                Some("1160452"),
                app,
                EchoVerdict::OwnWriteBackProperty,
            ),
            (
                Some("aws_sync_status"),
                Some("CRM_UI"),
                Some("userId:45678"),
                app,
                EchoVerdict::OwnWriteBackProperty,
            ),
            (
                Some("aws_last_sync"),
                None,
                None,
                None,
                EchoVerdict::OwnWriteBackProperty,
            ),
            (
                Some("dealname"),
                Some("INTEGRATION"),
                Some("1160452"),
                app,
                EchoVerdict::OwnApp,
            ),
            (
                Some("dealname"),
                Some("API"),
                Some("appId:1160452"),
                app,
                EchoVerdict::OwnApp,
            ),
            (
                Some("dealname"),
                Some("INTEGRATION"),
                Some("IntegrationAppId:1160452"),
                app,
                EchoVerdict::OwnApp,
            ),
            (
                Some("dealname"),
                Some("INTEGRATION"),
                Some("999"),
                app,
                EchoVerdict::External,
            ),
            (
                Some("dealname"),
                Some("CRM_UI"),
                Some("userId:1160452"),
                app,
                EchoVerdict::External,
            ),
            (
                Some("amount"),
                Some("CRM_UI"),
                Some("userId:45678"),
                app,
                EchoVerdict::External,
            ),
            (
                Some("amount"),
                Some("INTEGRATION"),
                Some("1160452"),
                None,
                EchoVerdict::External,
            ),
            (None, None, None, app, EchoVerdict::External),
        ];
        for (prop, source, sid, app, want) in cases {
            assert_eq!(
                classify_echo(prop, source, sid, app),
                want,
                "{prop:?} {source:?} {sid:?}"
            );
        }
        assert!(EchoVerdict::OwnApp.is_echo());
        let renamed = SyncProperties {
            sync_status: "pc_sync_status".into(),
            ..SyncProperties::default()
        };
        let with = |p: &str| classify_echo_with(&renamed, Some(p), Some("CRM_UI"), Some("userId:1"), app);
        assert_eq!(with("pc_sync_status"), EchoVerdict::OwnWriteBackProperty);
        assert_eq!(
            with("aws_sync_status"),
            EchoVerdict::External,
            "the default name is an ordinary property then"
        );
        assert_eq!(with("aws_opportunity_id"), EchoVerdict::OwnWriteBackProperty);
        assert_eq!(
            classify_echo_with(&renamed, Some("amount"), Some("INTEGRATION"), Some("1160452"), app),
            EchoVerdict::OwnApp
        );
        assert!(!EchoVerdict::External.is_echo());
    }
}
