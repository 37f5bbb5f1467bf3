//! Round-trip tests over fixture payloads (aws_lambda_events style): every HubSpot fixture parses, every parsed
//! event survives body serialization, hand-written expected bodies match, and Lambda SQS events decode.

#![allow(clippy::unwrap_used)] // test helpers may unwrap (fixtures are trusted)

use std::path::{Path, PathBuf};

use sync_events::{EventAction, EventKind, ObjectType, SyncEvent, parse_webhook};

fn fixture_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(sub)
}

fn read(sub: &str, name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir(sub).join(name)).unwrap()
}

fn parse_fixture(name: &str) -> Vec<SyncEvent> {
    parse_webhook(&read("hubspot", name), "req-fixture").unwrap()
}

#[test]
fn every_hubspot_fixture_round_trips_through_the_sqs_body() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixture_dir("hubspot")).unwrap() {
        let path = entry.unwrap().path();
        let events = parse_webhook(&std::fs::read(&path).unwrap(), "req-fixture").unwrap();
        assert!(!events.is_empty(), "{}", path.display());
        for event in events {
            let body = event.to_sqs_body().unwrap();
            assert_eq!(SyncEvent::from_sqs_body(&body).unwrap(), event, "{}", path.display());
            // Serializing again gives identical bytes (deterministic body).
            assert_eq!(SyncEvent::from_sqs_body(&body).unwrap().to_sqs_body().unwrap(), body);
        }
        seen += 1;
    }
    assert!(seen >= 10, "expected the fixture set, found {seen} files");
}

#[test]
fn parsed_events_match_hand_written_expected_bodies() {
    for name in [
        "deal-property-change.json",
        "note-object-creation.json",
        "deal-association-change.json",
        "contact-merge.json",
    ] {
        let expected: Vec<SyncEvent> = serde_json::from_slice(&read("expected", name)).unwrap();
        assert_eq!(parse_fixture(name), expected, "{name}");
    }
}

#[test]
fn documented_contact_example_keeps_every_field() {
    let [e] = parse_fixture("contact-property-change-docs.json").try_into().unwrap();
    assert_eq!(
        (e.object_type, e.action, e.kind()),
        (
            ObjectType::Contact,
            EventAction::PropertyChange,
            EventKind::ContactPropertyChange
        )
    );
    assert_eq!(
        (e.object_id.as_str(), e.portal_id, e.occurred_at),
        ("1246965", 33, 1462216307945)
    );
    assert_eq!(
        (e.app_id, e.subscription_id, e.event_id),
        (Some(1160452), Some(25), Some(3816279340))
    );
    assert_eq!(e.property_name.as_deref(), Some("lifecyclestage"));
    assert_eq!(e.property_value.as_deref(), Some("subscriber"));
    assert_eq!(e.change_source.as_deref(), Some("ACADEMY"));
    assert_eq!(e.correlation_id, "req-fixture");
}

#[test]
fn handled_kinds_are_classified() {
    let kind = |name| parse_fixture(name).iter().map(SyncEvent::kind).collect::<Vec<_>>();
    assert_eq!(kind("deal-creation.json"), [EventKind::DealCreation]);
    assert_eq!(kind("deal-property-change.json"), [EventKind::DealPropertyChange; 2]);
    assert_eq!(kind("company-property-change.json"), [EventKind::CompanyPropertyChange]);
    assert_eq!(kind("deal-association-change.json"), [EventKind::DealAssociationChange]);
    assert_eq!(kind("note-object-creation.json"), [EventKind::NoteCreation]);
    // Generic object.* event for a deal (objectTypeId 0-3) is a deal property change.
    assert_eq!(
        kind("deal-object-property-change.json"),
        [EventKind::DealPropertyChange]
    );
    assert_eq!(kind("contact-creation-docs-v1.json"), [EventKind::Unsupported]);
    assert_eq!(kind("contact-merge.json"), [EventKind::Unsupported]);
}

#[test]
fn event_type_alias_and_string_ids_and_numeric_values_are_accepted() {
    let [e] = parse_fixture("event-type-alias.json").try_into().unwrap();
    assert_eq!(e.event_type, "deal.propertyChange");
    assert_eq!(e.kind(), EventKind::DealPropertyChange);
    assert_eq!(e.object_id, "123");
    assert_eq!(e.property_value.as_deref(), Some("1500.5"));
}

#[test]
fn unknown_and_unhandled_types_are_never_deal_events() {
    let events = parse_fixture("unsupported-types.json");
    assert_eq!(events.len(), 14);
    for e in &events {
        assert_eq!(e.kind(), EventKind::Unsupported, "{} must be unsupported", e.event_type);
    }
    let by_type = |t: &str| events.iter().find(|e| e.event_type == t).unwrap();
    assert_eq!(by_type("ticket.creation").object_type, ObjectType::Ticket);
    assert_eq!(by_type("line_item.propertyChange").object_type, ObjectType::LineItem);
    assert_eq!(by_type("conversation.newMessage").action, EventAction::NewMessage);
    assert_eq!(by_type("contact.privacyDeletion").action, EventAction::PrivacyDeletion);
    assert_eq!(by_type("engagement.creation").object_type, ObjectType::Unknown);
    assert_eq!(by_type("note.creation").object_type, ObjectType::Unknown);
    assert_eq!(by_type("deal.propertychange").action, EventAction::Unknown);
    assert_eq!(by_type("dealpropertyChange").object_type, ObjectType::Unknown);
    let custom = events
        .iter()
        .find(|e| e.object_type_id.as_deref() == Some("2-1234567"))
        .unwrap();
    assert_eq!(custom.object_type, ObjectType::Unknown);
    // event.completed carries no objectId; it is still accepted (and ignored downstream).
    assert_eq!(by_type("event.completed").object_id, "");
}

#[test]
fn lambda_sqs_event_fixture_bodies_decode() {
    let event: aws_lambda_events::event::sqs::SqsEvent =
        serde_json::from_slice(&read("sqs", "sqs-event-sync-events.json")).unwrap();
    let decoded: Vec<SyncEvent> = event
        .records
        .iter()
        .map(|r| SyncEvent::from_sqs_body(r.body.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(decoded[0].kind(), EventKind::DealCreation);
    assert_eq!(decoded[0].message_group_id(), "hubspot:62515:deal:9001");
    // A later minor version may add fields; this reader ignores them.
    assert_eq!(decoded[1].kind(), EventKind::NoteCreation);
    assert_eq!(decoded[1].message_group_id(), "hubspot:62515:note:31415");
}
