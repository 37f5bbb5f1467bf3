//! Shadow vs live on issue 5's scripted workload (the script of `tests/workload.rs`): every SQS batch runs first in
//! shadow mode, then live, on the same local servers and state, with the checks of `shadow_support::Pair::step`
//! (zero shadow writes, same outcomes, same reads, planned writes == live writes). Prints the per-phase comparison
//! with `--nocapture`.

#![allow(clippy::unwrap_used)]

mod local;
mod shadow_support;

use aws_lambda_events::event::sqs::SqsMessage;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use local::*;
use partner_central_server::PartnerCentralServer;
use serde_json::json;
use shadow_support::*;

/// Issue 5's scripted workload (the script of `tests/workload.rs`: 100 webhook events over 20 deals, deals 18 and 19
/// out of scope, primary company 701 + i % 4; A 20 creations, B 20 link echoes, C 20 amount changes, D 10
/// redeliveries, E 4 company renames, F 6 notes, G 10 stage changes, H 10 last-sync echoes), in SQS batches of 10,
/// each batch run in shadow then live on the same state, with the equality checks of `Pair::step`. Prints the
/// per-phase comparison with `--nocapture`.
#[tokio::test]
async fn scripted_workload_of_100_events_shadow_vs_live() {
    let pc = PartnerCentralServer::start().await.unwrap();
    pc.seed_solution("Sandbox", "S-0000001", "Data platform", "Active", "Software Product");
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_workload(&hubspot);
    // The default settings, as tests/workload.rs runs the script.
    let mut pair = Pair::new(hubspot, pc, json!({})).await;
    let deal_event =
        |i: usize, m: String, property: Option<(&str, &str)>| record("deal", &deal_id(i), &m, property, None);
    let mut events = 0;
    let mut summary: Vec<(String, usize, usize)> = Vec::new();

    let phases: Vec<(&str, Vec<SqsMessage>)> = vec![
        (
            "A creations",
            (0..DEALS).map(|i| deal_event(i, format!("create-{i}"), None)).collect(),
        ),
        (
            "B echoes (link)",
            (0..DEALS)
                .map(|i| deal_event(i, format!("echo-id-{i}"), Some(("aws_opportunity_id", "O1"))))
                .collect(),
        ),
        (
            "C amount changes",
            (0..DEALS)
                .map(|i| deal_event(i, format!("amount-{i}"), Some(("amount", "changed"))))
                .collect(),
        ),
        (
            "D redeliveries",
            (0..10)
                .map(|i| {
                    let mut m = deal_event(i, format!("amount-{i}"), Some(("amount", "changed")));
                    m.attributes.insert("ApproximateReceiveCount".into(), "2".into());
                    m
                })
                .collect(),
        ),
        (
            "E company changes",
            (0..4)
                .map(|c| {
                    record(
                        "company",
                        &company_id(c),
                        &format!("company-{c}"),
                        Some(("name", "renamed")),
                        None,
                    )
                })
                .collect(),
        ),
        (
            "F notes",
            (0..6)
                .map(|i| {
                    let id = (901 + i).to_string();
                    note_created(&id, &format!("note-{id}"))
                })
                .collect(),
        ),
        (
            "G stage changes",
            (8..18)
                .map(|i| deal_event(i, format!("stage-{i}"), Some(("dealstage", "contractsent"))))
                .collect(),
        ),
        (
            "H echoes (last sync)",
            (0..10)
                .map(|i| deal_event(i, format!("echo-sync-{i}"), Some(("aws_last_sync", "x"))))
                .collect(),
        ),
    ];
    for (name, records) in phases {
        // The HubSpot changes each phase's events report.
        match name {
            "C amount changes" => {
                for i in 0..DEALS {
                    set_deal_prop(&pair.hubspot, &deal_id(i), "amount", &(200_000 + i * 1000).to_string());
                }
            }
            "E company changes" => {
                for c in 0..4 {
                    let id = company_id(c);
                    pair.hubspot
                        .seed(
                            ObjectType::Companies,
                            &id,
                            company_props(&format!("Renamed customer {id}")),
                        )
                        .unwrap();
                }
            }
            "F notes" => {
                let now = chrono::Utc::now().timestamp_millis().to_string();
                for i in 0..6 {
                    let id = (901 + i).to_string();
                    pair.hubspot
                        .seed(
                            ObjectType::Notes,
                            &id,
                            [
                                ("hs_note_body", format!("<p>Workshop {i} booked</p>")),
                                ("hs_timestamp", now.clone()),
                            ],
                        )
                        .unwrap();
                    pair.hubspot
                        .associate(ObjectType::Notes, &id, ObjectType::Deals, &deal_id(i))
                        .unwrap();
                }
            }
            "G stage changes" => {
                for i in 8..18 {
                    set_deal_prop(&pair.hubspot, &deal_id(i), "dealstage", "contractsent");
                }
            }
            _ => {}
        }
        events += records.len();
        let mut planned_in_phase = 0;
        for (k, chunk) in records.chunks(10).enumerate() {
            let (planned, live) = pair.step(&format!("{name} #{k}"), &event_of(chunk.to_vec())).await;
            assert_eq!(planned, live, "{name}: planned writes differ from the live writes");
            planned_in_phase += planned.len();
        }
        summary.push((name.to_owned(), records.len(), planned_in_phase));
    }
    assert_eq!(events, 100);
    let planned_total: usize = summary.iter().map(|(_, _, p)| p).sum();
    println!("\nshadow vs live, issue 5 script (per phase: events, planned writes == live writes)");
    for (name, n, planned) in &summary {
        println!("  {name:<22} {n:>3} events  {planned:>3} writes");
    }
    let (shadow_t, live_t) = pair.elapsed;
    println!(
        "100 events / 20 deals: planned writes {planned_total} (Partner Central {}) == live writes; shadow records {}; reads per mode \
         HubSpot {} / Partner Central {} (identical in both modes); wall time shadow {:.0} ms (S3 puts included), \
         live {:.0} ms (debug build, local servers, moto S3)",
        pair.pc_planned,
        pair.records,
        pair.reads.0,
        pair.reads.1,
        shadow_t.as_secs_f64() * 1000.0,
        live_t.as_secs_f64() * 1000.0
    );
    // Partner Central: 18 creates, 18 amount updates, 18 fan-out updates, 6 notes, 10 stage updates (the script's
    // minimum, 70); HubSpot: at least the 18 link write-backs.
    let pc_planned: usize = pair.pc_planned;
    assert_eq!(pc_planned, 70);
    assert!(planned_total >= 70 + 18, "{planned_total}");
}
