//! Shadow vs live on issue 5's scripted workload (`tests/local/workload.rs`): every SQS batch runs first in
//! shadow mode, then live, on the same local servers and state, with the checks of `shadow_support::Pair::step`
//! (zero shadow writes, same outcomes, same reads, planned writes == live writes). Prints the per-phase comparison
//! with `--nocapture`.

#![allow(clippy::unwrap_used)]

mod local;
mod shadow_support;

use hubspot_server::{HubSpotServer, ServerConfig};
use local::*;
use partner_central_server::PartnerCentralServer;
use serde_json::json;
use shadow_support::*;

/// Issue 5's scripted workload (`local::script`: 100 webhook events over 20 deals) in SQS batches of 10, each batch
/// run in shadow then live on the same state, with the equality checks of `Pair::step`. Prints the per-phase
/// comparison with `--nocapture`.
#[tokio::test]
async fn scripted_workload_of_100_events_shadow_vs_live() {
    let pc = PartnerCentralServer::start().await.unwrap();
    pc.seed_solution("Sandbox", "S-0000001", "Data platform", "Active", "Software Product");
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_workload(&hubspot);
    // The default settings, as tests/workload.rs runs the script.
    let mut pair = Pair::new(hubspot, pc, json!({})).await;
    let mut events = 0;
    let mut summary: Vec<(String, usize, usize)> = Vec::new();
    for phase in script() {
        (phase.apply)(&pair.hubspot);
        events += phase.records.len();
        let mut planned_in_phase = 0;
        for (k, batch) in phase.batches().iter().enumerate() {
            let (planned, live) = pair.step(&format!("{} #{k}", phase.name), batch).await;
            assert_eq!(
                planned, live,
                "{}: planned writes differ from the live writes",
                phase.name
            );
            planned_in_phase += planned.len();
        }
        summary.push((phase.name.to_owned(), phase.records.len(), planned_in_phase));
    }
    assert_eq!(events, SCRIPT_EVENTS);
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
