//! Contact fan-out end to end: SQS `contact.propertyChange` events through the real engine, router and contact
//! handler, against the local HubSpot server and the local Partner Central server (which validates every request
//! against the published model). The opportunities are created first through the deal handler. Covers: the
//! contact's linked in-scope deals get their `Customer.Contacts` re-mapped (every contact of the deal, in order;
//! all other fields kept), unlinked and out-of-scope deals untouched, no-op repeat (zero writes), calls per event.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::SqsEvent;
use event_processor::outcome::RecordStatus;
use hubspot_server::{Fault, FaultRule, HubSpotServer, ObjectType};
use serde_json::Value;

async fn env(seed_more: impl FnOnce(&HubSpotServer)) -> Env {
    four_deals_env(seed_more).await
}

fn contact_props(first: &str, last: &str, email: &str, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("firstname", first.to_owned()),
        ("lastname", last.to_owned()),
        ("email", email.to_owned()),
        ("jobtitle", title.to_owned()),
    ]
}

fn seed_contacts(hubspot: &HubSpotServer) {
    hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Doe", "jane@acme.example", "CTO"),
        )
        .unwrap();
    hubspot
        .seed(
            ObjectType::Contacts,
            "602",
            contact_props("Bob", "Roe", "bob@acme.example", "CFO"),
        )
        .unwrap();
    for deal in [ALPHA, BETA, GAMMA, DELTA] {
        hubspot
            .associate(ObjectType::Deals, deal, ObjectType::Contacts, "601")
            .unwrap();
    }
    hubspot
        .associate(ObjectType::Deals, ALPHA, ObjectType::Contacts, "602")
        .unwrap();
}

fn contact_change(message_id: &str) -> SqsEvent {
    event(record("contact", "601", message_id, Some(("lastname", "Smith")), None))
}

fn without_contacts(mut record: Value) -> Value {
    let o = record.as_object_mut().unwrap();
    o.remove("LastModifiedDate");
    o["Customer"].as_object_mut().unwrap().remove("Contacts");
    record
}

#[tokio::test]
async fn contact_change_updates_the_contacts_of_linked_in_scope_deals() {
    let env = env(seed_contacts).await;
    let before: Vec<Value> = [ALPHA, BETA].iter().map(|d| opportunity_of(&env, d)).collect();
    assert_eq!(before[0]["Customer"]["Contacts"][1]["LastName"], "Roe");
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Smith", "jane@acme.example", "Chief Technology Officer"),
        )
        .unwrap();

    assert_eq!(run(&env, &contact_change("k-1")).await, processed("updated"));
    assert_eq!(env.pc.count("UpdateOpportunity"), 2);
    assert_eq!(
        (env.pc.reads(), env.pc.writes()),
        (2, 2),
        "PC reads/writes per contact event"
    );
    // Contact read, deal batch read, one contact-association read per linked deal, one contact batch read.
    assert_eq!(hubspot_calls(&env), (5, 0), "HubSpot reads/writes per contact event");
    for (i, deal) in [ALPHA, BETA].iter().enumerate() {
        let after = opportunity_of(&env, deal);
        let jane = &after["Customer"]["Contacts"][0];
        assert_eq!(jane["LastName"], "Smith");
        assert_eq!(jane["BusinessTitle"], "Chief Technology Officer");
        assert_eq!(jane["Email"], "jane@acme.example");
        assert_eq!(
            without_contacts(after.clone()),
            without_contacts(before[i].clone()),
            "every other field kept"
        );
    }
    // ALPHA's other contact is still sent, unchanged and in place.
    let alpha = opportunity_of(&env, ALPHA);
    assert_eq!(alpha["Customer"]["Contacts"].as_array().unwrap().len(), 2);
    assert_eq!(alpha["Customer"]["Contacts"][1], before[0]["Customer"]["Contacts"][1]);
    // Unlinked and out-of-scope deals: nothing created, nothing written onto them.
    assert_eq!(env.pc.opportunity_count(), 2);
    assert_eq!(deal_prop(&env, GAMMA, "aws_opportunity_id"), None);
    assert_eq!(deal_prop(&env, DELTA, "aws_sync_status"), None);

    reset_logs(&env);
    assert_eq!(run(&env, &contact_change("k-2")).await, processed("unchanged"));
    assert_eq!((env.pc.reads(), env.pc.writes()), (2, 0), "no-op repeat: reads only");
    assert_eq!(hubspot_calls(&env), (5, 0));
}

#[tokio::test]
async fn contact_without_linked_deals_costs_two_reads() {
    let env = env(seed_contacts).await;
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "603",
            contact_props("Al", "Lone", "al@acme.example", "CEO"),
        )
        .unwrap();
    env.hubspot
        .associate(ObjectType::Deals, GAMMA, ObjectType::Contacts, "603")
        .unwrap();
    let status = run(
        &env,
        &event(record("contact", "603", "k-3", Some(("lastname", "Lone")), None)),
    )
    .await;
    assert_eq!(
        status,
        RecordStatus::Skipped {
            reason: "no_linked_deals".into()
        }
    );
    assert_eq!(hubspot_calls(&env), (2, 0));
    assert_eq!(env.pc.reads() + env.pc.writes(), 0);
}

#[tokio::test]
async fn one_deal_vanishing_does_not_lose_the_other_and_a_transient_read_fails_the_record() {
    let env = env(seed_contacts).await;
    env.hubspot
        .seed(
            ObjectType::Contacts,
            "601",
            contact_props("Jane", "Smith", "jane@acme.example", "CTO"),
        )
        .unwrap();
    // ALPHA is deleted between the deal batch read and its association read.
    env.hubspot
        .inject(FaultRule::next(1, Fault::status(404)).path_contains(&format!("/deals/{ALPHA}")));
    assert_eq!(run(&env, &contact_change("k-404")).await, processed("updated"));
    assert_eq!(
        opportunity_of(&env, BETA)["Customer"]["Contacts"][0]["LastName"],
        "Smith"
    );
    assert_eq!(
        opportunity_of(&env, ALPHA)["Customer"]["Contacts"][0]["LastName"],
        "Doe"
    );
    assert_eq!(env.pc.count("UpdateOpportunity"), 1);

    // A HubSpot outage on that read instead: the record fails (retried), nothing is lost.
    env.hubspot
        .inject(FaultRule::next(20, Fault::status(503)).path_contains(&format!("/deals/{ALPHA}")));
    let status = run(&env, &contact_change("k-503")).await;
    assert_transient(&status);
    env.hubspot.clear_faults();
    assert_eq!(run(&env, &contact_change("k-503")).await, processed("updated"));
    assert_eq!(
        opportunity_of(&env, ALPHA)["Customer"]["Contacts"][0]["LastName"],
        "Smith"
    );
}
