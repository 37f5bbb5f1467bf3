//! Parsing of HubSpot webhook bodies (a JSON array of events) into [`SyncEvent`]s.
//!
//! Accepts every classic subscription type (`deal.*`, `company.*`, `contact.*`, `ticket.*`, `line_item.*`,
//! `product.*`, `contact.privacyDeletion`, `conversation.*`), generic `object.*` events (object type from
//! `objectTypeId`, e.g. `0-46` = note) and `eventType` as an alias of `subscriptionType`. Unknown types parse to
//! `ObjectType::Unknown` / `EventAction::Unknown` and classify as [`EventKind::Unsupported`](crate::EventKind).
//! Error messages never contain payload values.

use serde::Deserialize;

use crate::event::{Association, EventAction, EventSource, Merge, ObjectType, SCHEMA_VERSION, SyncEvent};
use crate::wire::{Id, Scalar};

/// Why a webhook body was rejected (maps to HTTP 400). Display never includes payload content.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The body is not JSON, not an array, or an element is not an event object of the expected field types.
    #[error("body is not a JSON array of HubSpot events ({category} at line {line}, column {column})")]
    NotAnEventArray {
        /// serde_json error category (`syntax`, `data`, `eof`, `io`).
        category: &'static str,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// An event lacks a field every event must have.
    #[error("event {index} lacks required field {field}")]
    MissingField {
        /// Index of the event in the array.
        index: usize,
        /// The HubSpot field name.
        field: &'static str,
    },
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> Self {
        let category = match e.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        };
        Self::NotAnEventArray {
            category,
            line: e.line(),
            column: e.column(),
        }
    }
}

/// One HubSpot event as delivered. Unknown fields (e.g. `attemptNumber`, `messageId`) are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEvent {
    subscription_type: Option<String>,
    event_type: Option<String>,
    object_id: Option<Id>,
    object_type_id: Option<String>,
    portal_id: Option<Id>,
    occurred_at: Option<i64>,
    app_id: Option<Id>,
    subscription_id: Option<Id>,
    event_id: Option<Id>,
    property_name: Option<String>,
    property_value: Option<Scalar>,
    change_source: Option<String>,
    change_flag: Option<String>,
    source_id: Option<String>,
    is_sensitive: Option<bool>,
    association_type: Option<String>,
    from_object_id: Option<Id>,
    to_object_id: Option<Id>,
    association_removed: Option<bool>,
    is_primary_association: Option<bool>,
    primary_object_id: Option<Id>,
    merged_object_ids: Option<Vec<Id>>,
    new_object_id: Option<Id>,
    number_of_properties_moved: Option<u64>,
}

/// Splits a subscription type into object type and action. `object.*` takes the object type from `objectTypeId`.
pub fn classify_subscription_type(subscription_type: &str, object_type_id: Option<&str>) -> (ObjectType, EventAction) {
    let Some((prefix, suffix)) = subscription_type.split_once('.') else {
        return (ObjectType::Unknown, EventAction::Unknown);
    };
    let object_type = if prefix == "object" {
        object_type_id.map_or(ObjectType::Unknown, ObjectType::from_object_type_id)
    } else {
        ObjectType::from_subscription_prefix(prefix)
    };
    (object_type, EventAction::from_suffix(suffix))
}

/// Parses a webhook body (raw bytes, already base64-decoded) into events, in delivery order.
///
/// `correlation_id` (the API Gateway request id) is stored on every event. An empty array is valid.
pub fn parse_webhook(body: &[u8], correlation_id: &str) -> Result<Vec<SyncEvent>, ParseError> {
    let mut missing = None;
    // Converting element by element (instead of collecting wire structs first) avoids copying ~100 large structs.
    let visitor = EventsVisitor {
        correlation_id,
        capacity: (body.len() / 160).clamp(1, 1024),
        missing: &mut missing,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = serde::Deserializer::deserialize_seq(&mut de, visitor).and_then(|events| de.end().map(|()| events));
    match (result, missing) {
        (_, Some(e)) => Err(e),
        (Ok(events), None) => Ok(events),
        (Err(e), None) => Err(e.into()),
    }
}

struct EventsVisitor<'a> {
    correlation_id: &'a str,
    capacity: usize,
    missing: &'a mut Option<ParseError>,
}

impl<'de> serde::de::Visitor<'de> for EventsVisitor<'_> {
    type Value = Vec<SyncEvent>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of HubSpot events")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(self.capacity);
        while let Some(wire) = seq.next_element::<WireEvent>()? {
            match convert(out.len(), wire, self.correlation_id) {
                Ok(event) => out.push(event),
                Err(e) => {
                    *self.missing = Some(e);
                    return Err(serde::de::Error::custom("invalid event"));
                }
            }
        }
        Ok(out)
    }
}

fn convert(index: usize, w: WireEvent, correlation_id: &str) -> Result<SyncEvent, ParseError> {
    let missing = |field| ParseError::MissingField { index, field };
    let event_type = w
        .subscription_type
        .or(w.event_type)
        .ok_or(missing("subscriptionType"))?;
    let portal_id = w.portal_id.ok_or(missing("portalId"))?.0;
    let occurred_at = w.occurred_at.ok_or(missing("occurredAt"))?;
    let (object_type, action) = classify_subscription_type(&event_type, w.object_type_id.as_deref());
    let object_id = w.object_id.or(w.from_object_id).or(w.primary_object_id);
    let object_id = match object_id {
        Some(id) => id.0.to_string(),
        // An event we would act on must name its object; an ignored one may not (it is never enqueued).
        None if crate::EventKind::classify(object_type, action).is_handled() => return Err(missing("objectId")),
        None => String::new(),
    };
    let association = (w.association_type.is_some() || w.to_object_id.is_some() || w.association_removed.is_some())
        .then(|| Association {
            association_type: w.association_type,
            from_object_id: w.from_object_id.map(|i| i.0.to_string()),
            to_object_id: w.to_object_id.map(|i| i.0.to_string()),
            association_removed: w.association_removed,
            is_primary_association: w.is_primary_association,
        });
    let merge = (w.primary_object_id.is_some() || w.merged_object_ids.is_some()).then(|| Merge {
        primary_object_id: w.primary_object_id.map(|i| i.0.to_string()),
        merged_object_ids: w
            .merged_object_ids
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.0.to_string())
            .collect(),
        new_object_id: w.new_object_id.map(|i| i.0.to_string()),
        number_of_properties_moved: w.number_of_properties_moved,
    });
    Ok(SyncEvent {
        schema_version: SCHEMA_VERSION,
        source: EventSource::Hubspot,
        event_type,
        object_type,
        action,
        object_id,
        object_type_id: w.object_type_id,
        portal_id,
        occurred_at,
        app_id: w.app_id.map(|i| i.0),
        subscription_id: w.subscription_id.map(|i| i.0),
        event_id: w.event_id.map(|i| i.0),
        property_name: w.property_name,
        property_value: w.property_value.map(|s| s.0),
        change_source: w.change_source,
        change_flag: w.change_flag,
        source_id: w.source_id,
        is_sensitive: w.is_sensitive,
        association,
        merge,
        correlation_id: correlation_id.to_owned(),
    })
}
