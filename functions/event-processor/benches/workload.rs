//! Processor throughput and external calls per event on issue 5's scripted workload (`tests/local/workload.rs`:
//! 100 webhook events over 20 deals, in SQS batches of 10), through the real engine, router, handlers and clients
//! against the local HubSpot and Partner Central servers (in process, on loopback; Partner Central requests are
//! validated against the botocore model, so `PARTNER_CENTRAL_MODEL` must be set as for the tests).
//!
//! Three configurations, each on freshly seeded servers per round:
//! - `loopback`: servers answer at once and Partner Central writes are not spaced: the processor's own speed (the
//!   servers' work in the same process is included);
//! - `api-latency`: every HubSpot answer delayed [`HUBSPOT_LATENCY`], every Partner Central answer
//!   [`PARTNER_CENTRAL_LATENCY`] (assumed round trips, not measured here), writes still not spaced;
//! - `quota`: the same latencies plus the Lambda's own write spacing (1 Partner Central write per second, the
//!   service quota): what the deployed processor sustains on this mix. One round (it takes over a minute).
//!
//! Every record must succeed, and every round must make exactly the same calls; a deviation aborts the bench.
//! `WORKLOAD_ROUNDS` (default 10) sets the rounds of `loopback` (`api-latency` runs at most 2); `WORKLOAD_BENCH_JSON` names a file for the
//! figures (read by `bench-report`). Run: `cargo bench -p event-processor --bench workload`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/local/mod.rs"]
mod local;

use std::time::{Duration, Instant};

use cpu_time::ProcessTime;
use hubspot_server::{Fault, FaultRule, HubSpotServer, ServerConfig};
use local::*;
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

/// Assumed HubSpot CRM v3 round trip from a Lambda in us-east-1.
const HUBSPOT_LATENCY: Duration = Duration::from_millis(100);
/// Assumed Partner Central Selling API round trip.
const PARTNER_CENTRAL_LATENCY: Duration = Duration::from_millis(150);
/// The processor's Partner Central write spacing in the Lambda (`PartnerCentralConfig`'s default).
const QUOTA_WRITE_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Clone, Copy)]
struct Setup {
    name: &'static str,
    latency: bool,
    write_interval: Duration,
    rounds: usize,
}

/// One round: wall time and process CPU time of the script's batches (seeding excluded), and the calls per phase.
struct Round {
    wall: Duration,
    cpu: Duration,
    phases: Vec<(&'static str, usize, Calls)>,
}

async fn round(setup: Setup) -> Round {
    let pc = PartnerCentralServer::start()
        .await
        .expect("start Partner Central server");
    let hubspot = HubSpotServer::start(ServerConfig::default())
        .await
        .expect("start HubSpot server");
    seed_workload(&hubspot);
    let app = local_app_with(&hubspot, &pc, "", setup.write_interval).await;
    if setup.latency {
        hubspot.inject(FaultRule::next(usize::MAX, Fault::Latency(HUBSPOT_LATENCY)));
        pc.set_latency(Some(PARTNER_CENTRAL_LATENCY));
    }
    let script = script();
    let (wall_start, cpu_start) = (Instant::now(), ProcessTime::now());
    let mut phases = Vec::new();
    let mut before = Calls::default();
    for phase in &script {
        (phase.apply)(&hubspot);
        for batch in phase.batches() {
            let report = app.run_batch(&batch, None).await.expect("batch runs");
            assert!(
                report.failed_ids().is_empty(),
                "{} ({}): a record failed: {report:?}",
                phase.name,
                setup.name
            );
        }
        let now = Calls::seen(&hubspot, &pc);
        phases.push((phase.name, phase.records.len(), now.since(before)));
        before = now;
    }
    Round {
        wall: wall_start.elapsed(),
        cpu: cpu_start.elapsed(),
        phases,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn calls_json(c: Calls) -> Value {
    json!({"pc_reads": c.pc_reads, "pc_writes": c.pc_writes, "hs_reads": c.hs_reads, "hs_writes": c.hs_writes})
}

fn run_setup(rt: &tokio::runtime::Runtime, setup: Setup, reference: &mut Option<Vec<(&str, usize, Calls)>>) -> Value {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..setup.rounds {
        let r = rt.block_on(round(setup));
        match reference {
            None => *reference = Some(r.phases.clone()),
            Some(first) => assert_eq!(*first, r.phases, "{}: the calls differ between rounds", setup.name),
        }
        walls.push(r.wall.as_secs_f64() * 1e3);
        cpus.push(r.cpu.as_secs_f64() * 1e3);
    }
    let wall = median(walls.clone());
    let events = SCRIPT_EVENTS as f64;
    let out = json!({
        "name": setup.name,
        "hubspot_latency_ms": if setup.latency { HUBSPOT_LATENCY.as_millis() } else { 0 },
        "partner_central_latency_ms": if setup.latency { PARTNER_CENTRAL_LATENCY.as_millis() } else { 0 },
        "write_interval_ms": setup.write_interval.as_millis(),
        "rounds": setup.rounds,
        "wall_ms_median": wall,
        "wall_ms_min": walls.iter().copied().fold(f64::INFINITY, f64::min),
        "wall_ms_max": walls.iter().copied().fold(0.0, f64::max),
        "events_per_s": events / (wall / 1e3),
        "ms_per_event": wall / events,
        "process_cpu_ms_per_event": median(cpus) / events,
    });
    println!(
        "{:<12} rounds {:>2}  wall median {:>9.1} ms  {:>8.1} events/s  {:>7.3} ms/event  process CPU {:.3} ms/event",
        setup.name,
        setup.rounds,
        wall,
        out["events_per_s"].as_f64().unwrap_or_default(),
        wall / events,
        out["process_cpu_ms_per_event"].as_f64().unwrap_or_default()
    );
    out
}

fn main() {
    let rounds: usize = std::env::var("WORKLOAD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .max(1);
    // Lambda's runtime: tokio's multi-threaded scheduler (here with the servers on it too).
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    // One untimed round warms the allocator, the model and the connection pools' code paths.
    let warm = Setup {
        name: "warm-up",
        latency: false,
        write_interval: Duration::ZERO,
        rounds: 1,
    };
    let _ = rt.block_on(round(warm));
    println!("processor on the scripted workload: {SCRIPT_EVENTS} events over {DEALS} deals, SQS batches of 10");
    let mut reference = None;
    let setups = [
        Setup {
            name: "loopback",
            rounds,
            ..warm
        },
        Setup {
            name: "api-latency",
            latency: true,
            write_interval: Duration::ZERO,
            rounds: rounds.min(2),
        },
        Setup {
            name: "quota",
            latency: true,
            write_interval: QUOTA_WRITE_INTERVAL,
            rounds: 1,
        },
    ];
    let configs: Vec<Value> = setups.into_iter().map(|s| run_setup(&rt, s, &mut reference)).collect();
    let phases = reference.unwrap_or_default();
    let total = phases.iter().fold(Calls::default(), |a, p| a + p.2);
    println!(
        "calls: Partner Central {} reads + {} writes, HubSpot {} reads + {} writes = {:.2} per event",
        total.pc_reads,
        total.pc_writes,
        total.hs_reads,
        total.hs_writes,
        total.total() as f64 / SCRIPT_EVENTS as f64
    );
    let report = json!({
        "events": SCRIPT_EVENTS,
        "deals": DEALS,
        "batch_size": 10,
        "calls": calls_json(total),
        "phases": phases.iter().map(|(name, n, c)| json!({"name": name, "events": n, "calls": calls_json(*c)})).collect::<Vec<_>>(),
        "configs": configs,
    });
    if let Ok(path) = std::env::var("WORKLOAD_BENCH_JSON") {
        std::fs::write(&path, serde_json::to_string_pretty(&report).expect("JSON"))
            .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        println!("wrote {path}");
    }
}
