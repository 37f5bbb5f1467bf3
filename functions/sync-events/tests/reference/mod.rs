//! The owned parser as it was before the borrowed/fused hot path (sync-events at commit 63436ef), kept verbatim
//! (minus docs) as the independent reference of `tests/fused.rs`: owned `String` fields, `SyncEvent`s, then
//! `SyncEvent::to_sqs_message`. Only the `ParseError` conversion is adapted (the crate's `From` impl is used).

#![allow(dead_code)]

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use sync_events::{
    Association, EventKind, EventSource, Merge, ParseError, SCHEMA_VERSION, SyncEvent, classify_subscription_type,
};

/// A non-negative numeric HubSpot id (`objectId`, `portalId`, ...), accepted as a JSON number or a digit string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub u64);

impl<'de> de::Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer id")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                u64::try_from(v)
                    .map(Id)
                    .map_err(|_| E::invalid_value(Unexpected::Other("negative number"), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                if v.is_empty() || v.len() > 20 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(E::invalid_value(Unexpected::Other("non-numeric string"), &self));
                }
                v.parse()
                    .map(Id)
                    .map_err(|_| E::invalid_value(Unexpected::Other("out-of-range string"), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// A scalar JSON value (string, number or bool) rendered as a string; `null` is handled by the `Option` around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
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
        None if EventKind::classify(object_type, action).is_handled() => return Err(missing("objectId")),
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
