//! Hot-path writer of the SQS message body: the exact bytes `serde_json::to_string(&SyncEvent)` produces (same key
//! order, same `skip_serializing_if`, same string escaping, same number formatting), written straight into one
//! presized `String`. Key names are literals, so only values are scanned for escapes, and no UTF-8 re-validation is
//! needed. The tests below compare it with serde_json byte for byte (every enum variant, every escape, random events).

use crate::event::{EventAction, EventSource};
use crate::view::EventView;

/// The JSON body of `event`, byte-identical to `serde_json::to_string` of the owned event.
pub(crate) fn write_body(event: &EventView<'_>) -> String {
    let strings = [
        Some(event.event_type),
        Some(event.object_id),
        event.object_type_id,
        event.property_name,
        event.property_value,
        event.change_source,
        event.change_flag,
        event.source_id,
        Some(event.correlation_id),
    ];
    let mut out = String::with_capacity(384 + strings.iter().flatten().map(|s| s.len()).sum::<usize>());
    out.push_str("{\"schemaVersion\":");
    push_u64(&mut out, u64::from(event.schema_version));
    out.push_str(",\"source\":\"");
    out.push_str(source_name(event.source));
    out.push_str("\",\"eventType\":");
    push_str_value(&mut out, event.event_type);
    out.push_str(",\"objectType\":\"");
    out.push_str(event.object_type.as_str());
    out.push_str("\",\"action\":\"");
    out.push_str(action_name(event.action));
    out.push_str("\",\"objectId\":");
    push_str_value(&mut out, event.object_id);
    opt_str_field(&mut out, ",\"objectTypeId\":", event.object_type_id);
    out.push_str(",\"portalId\":");
    push_u64(&mut out, event.portal_id);
    out.push_str(",\"occurredAt\":");
    push_i64(&mut out, event.occurred_at);
    opt_u64_field(&mut out, ",\"appId\":", event.app_id);
    opt_u64_field(&mut out, ",\"subscriptionId\":", event.subscription_id);
    opt_u64_field(&mut out, ",\"eventId\":", event.event_id);
    opt_str_field(&mut out, ",\"propertyName\":", event.property_name);
    opt_str_field(&mut out, ",\"propertyValue\":", event.property_value);
    opt_str_field(&mut out, ",\"changeSource\":", event.change_source);
    opt_str_field(&mut out, ",\"changeFlag\":", event.change_flag);
    opt_str_field(&mut out, ",\"sourceId\":", event.source_id);
    if let Some(b) = event.is_sensitive {
        out.push_str(",\"isSensitive\":");
        out.push_str(bool_name(b));
    }
    if let Some(a) = &event.association {
        out.push_str(",\"association\":{\"associationType\":");
        push_opt_str(&mut out, a.association_type);
        out.push_str(",\"fromObjectId\":");
        push_opt_str(&mut out, a.from_object_id);
        out.push_str(",\"toObjectId\":");
        push_opt_str(&mut out, a.to_object_id);
        out.push_str(",\"associationRemoved\":");
        out.push_str(a.association_removed.map_or("null", bool_name));
        out.push_str(",\"isPrimaryAssociation\":");
        out.push_str(a.is_primary_association.map_or("null", bool_name));
        out.push('}');
    }
    if let Some(m) = &event.merge {
        out.push_str(",\"merge\":{\"primaryObjectId\":");
        push_opt_str(&mut out, m.primary_object_id);
        out.push_str(",\"mergedObjectIds\":[");
        let mut first = true;
        m.merged_object_ids.for_each(|id| {
            if !first {
                out.push(',');
            }
            first = false;
            push_str_value(&mut out, id);
        });
        out.push_str("],\"newObjectId\":");
        push_opt_str(&mut out, m.new_object_id);
        out.push_str(",\"numberOfPropertiesMoved\":");
        match m.number_of_properties_moved {
            Some(n) => push_u64(&mut out, n),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push_str(",\"correlationId\":");
    push_str_value(&mut out, event.correlation_id);
    out.push('}');
    out
}

/// The serialized (lowercase) name of a source, as serde writes it.
pub(crate) fn source_name(source: EventSource) -> &'static str {
    match source {
        EventSource::Hubspot => "hubspot",
        EventSource::Aws => "aws",
        EventSource::Microsoft => "microsoft",
        EventSource::Gcp => "gcp",
    }
}

/// The serialized (camelCase) name of an action, as serde writes it.
fn action_name(action: EventAction) -> &'static str {
    match action {
        EventAction::Creation => "creation",
        EventAction::Deletion => "deletion",
        EventAction::Merge => "merge",
        EventAction::Restore => "restore",
        EventAction::PropertyChange => "propertyChange",
        EventAction::AssociationChange => "associationChange",
        EventAction::PrivacyDeletion => "privacyDeletion",
        EventAction::NewMessage => "newMessage",
        EventAction::Completed => "completed",
        EventAction::Unknown => "unknown",
    }
}

fn bool_name(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn opt_str_field(out: &mut String, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        out.push_str(key);
        push_str_value(out, v);
    }
}

fn opt_u64_field(out: &mut String, key: &str, value: Option<u64>) {
    if let Some(v) = value {
        out.push_str(key);
        push_u64(out, v);
    }
}

fn push_opt_str(out: &mut String, value: Option<&str>) {
    match value {
        Some(v) => push_str_value(out, v),
        None => out.push_str("null"),
    }
}

/// Appends the decimal digits of `v` (what serde_json's itoa writes).
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // ASCII digits: one validated `push_str` instead of a `push` (with its capacity check) per digit.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Appends `s` as a JSON string with serde_json's escaping: `"` and `\` escaped, control characters as `\b \t \n
/// \f \r` or `\u00xx` (lowercase hex), everything else (including DEL and non-ASCII) verbatim.
fn push_str_value(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Common case first: nothing to escape. A branch-free fold the compiler vectorizes, then one copy.
    let clean = !s
        .as_bytes()
        .iter()
        .fold(false, |acc, &b| acc | (b == b'"') | (b == b'\\') | (b < 0x20));
    if clean {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0a => "\\n",
            0x0c => "\\f",
            0x0d => "\\r",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is an ASCII byte, so both slices fall on char boundaries.
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Association, Merge, ObjectType, SCHEMA_VERSION, SyncEvent};
    use proptest::prelude::*;

    fn base() -> SyncEvent {
        SyncEvent {
            schema_version: SCHEMA_VERSION,
            source: EventSource::Hubspot,
            event_type: "deal.propertyChange".into(),
            object_type: ObjectType::Deal,
            action: EventAction::PropertyChange,
            object_id: "123".into(),
            object_type_id: None,
            portal_id: 62515,
            occurred_at: 1_790_000_000_000,
            app_id: None,
            subscription_id: None,
            event_id: None,
            property_name: None,
            property_value: None,
            change_source: None,
            change_flag: None,
            source_id: None,
            is_sensitive: None,
            association: None,
            merge: None,
            correlation_id: "req".into(),
        }
    }

    fn same(e: &SyncEvent) {
        assert_eq!(write_body(&e.view()), serde_json::to_string(e).unwrap());
    }

    #[test]
    fn every_enum_variant_and_escape_matches_serde_json() {
        use EventAction as A;
        use ObjectType as O;
        let mut e = base();
        for source in [
            EventSource::Hubspot,
            EventSource::Aws,
            EventSource::Microsoft,
            EventSource::Gcp,
        ] {
            e.source = source;
            same(&e);
        }
        for t in [
            O::Deal,
            O::Company,
            O::Contact,
            O::Ticket,
            O::LineItem,
            O::Product,
            O::Note,
            O::Conversation,
            O::Unknown,
        ] {
            e.object_type = t;
            same(&e);
        }
        let actions = [
            A::Creation,
            A::Deletion,
            A::Merge,
            A::Restore,
            A::PropertyChange,
            A::AssociationChange,
            A::PrivacyDeletion,
            A::NewMessage,
            A::Completed,
            A::Unknown,
        ];
        for a in actions {
            e.action = a;
            same(&e);
        }
        let every_char: String = (0u32..0x800)
            .filter_map(char::from_u32)
            .chain(['\u{2028}', '😀'])
            .collect();
        e.property_value = Some(every_char);
        e.occurred_at = i64::MIN;
        e.portal_id = u64::MAX;
        e.is_sensitive = Some(false);
        same(&e);
    }

    fn opt_str() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(any::<String>())
    }

    fn association() -> impl Strategy<Value = Option<Association>> {
        proptest::option::of(
            (
                opt_str(),
                opt_str(),
                opt_str(),
                any::<Option<bool>>(),
                any::<Option<bool>>(),
            )
                .prop_map(
                    |(association_type, from_object_id, to_object_id, association_removed, is_primary_association)| {
                        Association {
                            association_type,
                            from_object_id,
                            to_object_id,
                            association_removed,
                            is_primary_association,
                        }
                    },
                ),
        )
    }

    fn merge() -> impl Strategy<Value = Option<Merge>> {
        proptest::option::of(
            (
                opt_str(),
                proptest::collection::vec(any::<String>(), 0..4),
                opt_str(),
                any::<Option<u64>>(),
            )
                .prop_map(
                    |(primary_object_id, merged_object_ids, new_object_id, number_of_properties_moved)| Merge {
                        primary_object_id,
                        merged_object_ids,
                        new_object_id,
                        number_of_properties_moved,
                    },
                ),
        )
    }

    proptest! {
        #[test]
        fn random_events_match_serde_json(
            strings in (any::<String>(), any::<String>(), opt_str(), opt_str(), opt_str(), opt_str(), opt_str(),
                opt_str(), any::<String>()),
            numbers in (any::<u32>(), any::<u64>(), any::<i64>(), any::<Option<u64>>(), any::<Option<u64>>(),
                any::<Option<u64>>(), any::<Option<bool>>()),
            association in association(),
            merge in merge(),
        ) {
            let mut e = base();
            (e.event_type, e.object_id, e.object_type_id, e.property_name, e.property_value, e.change_source,
                e.change_flag, e.source_id, e.correlation_id) = strings;
            (e.schema_version, e.portal_id, e.occurred_at, e.app_id, e.subscription_id, e.event_id,
                e.is_sensitive) = numbers;
            e.association = association;
            e.merge = merge;
            prop_assert_eq!(write_body(&e.view()), serde_json::to_string(&e).unwrap());
        }
    }
}
