//! Parsing of HubSpot webhook bodies (a JSON array of events) into [`SyncEvent`]s, or straight into SQS messages
//! ([`webhook_sqs_messages`], the receipt's hot path: strings borrowed from the body, no intermediate events).
//!
//! Accepts every classic subscription type (`deal.*`, `company.*`, `contact.*`, `ticket.*`, `line_item.*`,
//! `product.*`, `contact.privacyDeletion`, `conversation.*`), generic `object.*` events (object type from
//! `objectTypeId`, e.g. `0-46` = note) and `eventType` as an alias of `subscriptionType`. Unknown types parse to
//! `ObjectType::Unknown` / `EventAction::Unknown` and classify as [`EventKind::Unsupported`](crate::EventKind).
//! Error messages never contain payload values.

use serde::Deserialize;

use crate::event::{EventAction, EventKind, EventSource, ObjectType, SCHEMA_VERSION, SyncEvent};
use crate::sqs::SqsMessage;
use crate::view::{AssociationView, EventView, MergeView, MergedIds};
use crate::wire::{Id, IdText, Scalar, Str};

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

/// One HubSpot event as delivered, strings borrowed from the body. Unknown fields (e.g. `attemptNumber`,
/// `messageId`) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireEvent<'a> {
    #[serde(borrow)]
    pub(crate) subscription_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) event_type: Option<Str<'a>>,
    pub(crate) object_id: Option<Id>,
    #[serde(borrow)]
    pub(crate) object_type_id: Option<Str<'a>>,
    pub(crate) portal_id: Option<Id>,
    pub(crate) occurred_at: Option<i64>,
    pub(crate) app_id: Option<Id>,
    pub(crate) subscription_id: Option<Id>,
    pub(crate) event_id: Option<Id>,
    #[serde(borrow)]
    pub(crate) property_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) property_value: Option<Scalar<'a>>,
    #[serde(borrow)]
    pub(crate) change_source: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) change_flag: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) source_id: Option<Str<'a>>,
    pub(crate) is_sensitive: Option<bool>,
    #[serde(borrow)]
    pub(crate) association_type: Option<Str<'a>>,
    pub(crate) from_object_id: Option<Id>,
    pub(crate) to_object_id: Option<Id>,
    pub(crate) association_removed: Option<bool>,
    pub(crate) is_primary_association: Option<bool>,
    pub(crate) primary_object_id: Option<Id>,
    pub(crate) merged_object_ids: Option<Vec<Id>>,
    pub(crate) new_object_id: Option<Id>,
    pub(crate) number_of_properties_moved: Option<u64>,
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
    let mut out = Vec::with_capacity((body.len() / 160).clamp(1, 1024));
    for_each_event(body, correlation_id, |view| out.push(view.to_event()))?;
    Ok(out)
}

/// The SQS messages of a webhook body, built straight from the body without owned [`SyncEvent`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookMessages {
    /// Events in the body.
    pub received: usize,
    /// The messages of the events `keep` accepted, in delivery order.
    pub messages: Vec<SqsMessage>,
}

/// Parses a webhook body and builds the SQS message (group id, dedup id, body) of each event `keep(kind,
/// portal_id)` accepts, in delivery order: the receipt's hot path. Exactly equivalent to [`parse_webhook`]
/// followed by [`SyncEvent::to_sqs_message`] on the kept events (same errors, same bytes), but strings are
/// borrowed from the body and no intermediate event is allocated. Bodies of the plain shape HubSpot sends are read
/// by a dedicated scanner; any other body is parsed by serde_json, so `keep` may be called twice for an event.
pub fn webhook_sqs_messages(
    body: &[u8],
    correlation_id: &str,
    mut keep: impl FnMut(EventKind, u64) -> bool,
) -> Result<WebhookMessages, ParseError> {
    let mut messages = Vec::with_capacity((body.len() / 160).clamp(1, 1024));
    let mut scratch = Vec::with_capacity(320);
    let mut received = 0;
    let mut on_event = |view: &EventView<'_>| {
        received += 1;
        if keep(view.kind(), view.portal_id) {
            messages.push(view.to_sqs_message(&mut scratch));
        }
    };
    // Fast path: the plain shape HubSpot sends, scanned without serde. Anything else (or any error) is parsed
    // again from the start by serde_json, which decides every error.
    let fast = crate::scan::scan_webhook(body, |index, wire| {
        with_view(index, &wire, correlation_id, &mut on_event).ok()
    });
    if fast.is_none() {
        messages.clear();
        received = 0;
        for_each_event(body, correlation_id, |view| {
            received += 1;
            if keep(view.kind(), view.portal_id) {
                messages.push(view.to_sqs_message(&mut scratch));
            }
        })?;
    }
    Ok(WebhookMessages { received, messages })
}

/// True when the fast scanner of [`webhook_sqs_messages`] reads `body` itself (no serde_json fallback). For tests
/// that check the fast path is exercised.
#[doc(hidden)]
pub fn webhook_fast_path_accepts(body: &[u8]) -> bool {
    crate::scan::scan_webhook(body, |index, wire| with_view(index, &wire, "", &mut |_| ()).ok()).is_some()
}

/// Parses the body element by element and calls `f` with each event's view, in order.
fn for_each_event(body: &[u8], correlation_id: &str, f: impl FnMut(&EventView<'_>)) -> Result<(), ParseError> {
    let mut missing = None;
    let visitor = EventsVisitor {
        correlation_id,
        f,
        missing: &mut missing,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = serde::Deserializer::deserialize_seq(&mut de, visitor).and_then(|()| de.end());
    match (result, missing) {
        (_, Some(e)) => Err(e),
        (Ok(()), None) => Ok(()),
        (Err(e), None) => Err(e.into()),
    }
}

struct EventsVisitor<'a, F> {
    correlation_id: &'a str,
    f: F,
    missing: &'a mut Option<ParseError>,
}

impl<'de, F: FnMut(&EventView<'_>)> serde::de::Visitor<'de> for EventsVisitor<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of HubSpot events")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(wire) = seq.next_element::<WireEvent<'de>>()? {
            if let Err(e) = with_view(index, &wire, self.correlation_id, &mut self.f) {
                *self.missing = Some(e);
                return Err(serde::de::Error::custom("invalid event"));
            }
            index += 1;
        }
        Ok(())
    }
}

/// Validates one wire event and calls `f` with its view (numeric ids rendered on the stack).
fn with_view(
    index: usize,
    w: &WireEvent<'_>,
    correlation_id: &str,
    f: &mut impl FnMut(&EventView<'_>),
) -> Result<(), ParseError> {
    let missing = |field| ParseError::MissingField { index, field };
    let event_type = w
        .subscription_type
        .as_ref()
        .or(w.event_type.as_ref())
        .ok_or(missing("subscriptionType"))?
        .as_str();
    let portal_id = w.portal_id.ok_or(missing("portalId"))?.0;
    let occurred_at = w.occurred_at.ok_or(missing("occurredAt"))?;
    let object_type_id = w.object_type_id.as_ref().map(Str::as_str);
    let (object_type, action) = classify_subscription_type(event_type, object_type_id);
    let object_id = w
        .object_id
        .or(w.from_object_id)
        .or(w.primary_object_id)
        .map(|id| IdText::new(id.0));
    // An event we would act on must name its object; an ignored one may not (it is never enqueued).
    if object_id.is_none() && EventKind::classify(object_type, action).is_handled() {
        return Err(missing("objectId"));
    }
    let text = |id: Option<Id>| id.map(|i| IdText::new(i.0));
    let (from, to, primary, new) = (
        text(w.from_object_id),
        text(w.to_object_id),
        text(w.primary_object_id),
        text(w.new_object_id),
    );
    let view = EventView {
        schema_version: SCHEMA_VERSION,
        source: EventSource::Hubspot,
        event_type,
        object_type,
        action,
        object_id: object_id.as_ref().map_or("", IdText::as_str),
        object_type_id,
        portal_id,
        occurred_at,
        app_id: w.app_id.map(|i| i.0),
        subscription_id: w.subscription_id.map(|i| i.0),
        event_id: w.event_id.map(|i| i.0),
        property_name: str_of(&w.property_name),
        property_value: w.property_value.as_ref().map(Scalar::as_str),
        change_source: str_of(&w.change_source),
        change_flag: str_of(&w.change_flag),
        source_id: str_of(&w.source_id),
        is_sensitive: w.is_sensitive,
        association: (w.association_type.is_some() || w.to_object_id.is_some() || w.association_removed.is_some())
            .then(|| AssociationView {
                association_type: str_of(&w.association_type),
                from_object_id: from.as_ref().map(IdText::as_str),
                to_object_id: to.as_ref().map(IdText::as_str),
                association_removed: w.association_removed,
                is_primary_association: w.is_primary_association,
            }),
        merge: (w.primary_object_id.is_some() || w.merged_object_ids.is_some()).then(|| MergeView {
            primary_object_id: primary.as_ref().map(IdText::as_str),
            merged_object_ids: MergedIds::Numbers(w.merged_object_ids.as_deref().unwrap_or_default()),
            new_object_id: new.as_ref().map(IdText::as_str),
            number_of_properties_moved: w.number_of_properties_moved,
        }),
        correlation_id,
    };
    f(&view);
    Ok(())
}

/// The text of an optional wire string.
fn str_of<'s>(s: &'s Option<Str<'_>>) -> Option<&'s str> {
    s.as_ref().map(Str::as_str)
}
