//! The processor's scripted-workload figures (`functions/event-processor/benches/workload.rs`, its
//! `WORKLOAD_BENCH_JSON` file): throughput per configuration and external calls per event, read and rendered as a
//! section of `docs/benchmarks.md`. The cost model takes the external API time per record from here.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// External calls the local servers saw.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Calls {
    pub pc_reads: u64,
    pub pc_writes: u64,
    pub hs_reads: u64,
    pub hs_writes: u64,
}

impl Calls {
    fn total(self) -> u64 {
        self.pc_reads + self.pc_writes + self.hs_reads + self.hs_writes
    }
}

/// One phase of the script.
#[derive(Debug, Clone, Deserialize)]
pub struct Phase {
    pub name: String,
    pub events: u64,
    pub calls: Calls,
}

/// One configuration of the bench (servers' latency, write spacing) and its timings.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub name: String,
    pub hubspot_latency_ms: u64,
    pub partner_central_latency_ms: u64,
    pub write_interval_ms: u64,
    pub rounds: u64,
    pub wall_ms_median: f64,
    pub wall_ms_min: f64,
    pub wall_ms_max: f64,
    pub events_per_s: f64,
    pub ms_per_event: f64,
    pub process_cpu_ms_per_event: f64,
}

/// The bench's whole output.
#[derive(Debug, Clone, Deserialize)]
pub struct Workload {
    pub events: u64,
    pub deals: u64,
    pub batch_size: u64,
    pub calls: Calls,
    pub phases: Vec<Phase>,
    pub configs: Vec<Config>,
}

impl Workload {
    /// Reads the bench's JSON file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not the workload bench's JSON", path.display()))
    }

    /// The configuration called `name`.
    pub fn config(&self, name: &str) -> Result<&Config> {
        self.configs
            .iter()
            .find(|c| c.name == name)
            .with_context(|| format!("the workload bench's JSON has no configuration {name}"))
    }

    /// External calls per event over the whole script.
    pub fn calls_per_event(&self) -> f64 {
        self.calls.total() as f64 / self.events as f64
    }

    /// The markdown section for `docs/benchmarks.md`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "### Processor on the scripted workload\n\n`cargo bench -p event-processor --bench workload`: issue 5's \
             script, {} webhook events over {} deals in SQS batches of {}, through the real engine, handlers and \
             clients against the local HubSpot and Partner Central servers (in process; every record must succeed \
             and every round must make the same calls). `loopback`: servers answer at once, writes not spaced (the \
             servers' own work is in the process CPU figure). `api-latency`: each HubSpot answer delayed by the \
             first latency, each Partner Central answer by the second (assumed round trips). `quota`: the same, \
             plus the Lambda's Partner Central write spacing (the 1 write/s quota): what a deployed processor \
             sustains on this mix during a burst.\n",
            self.events, self.deals, self.batch_size
        );
        s.push_str(
            "| configuration | latency HubSpot / Partner Central | write spacing | rounds | wall median [min, max] \
             | events/s | ms per event | process CPU per event |\n|---|---|---|---|---|---:|---:|---:|\n",
        );
        for c in &self.configs {
            let _ = writeln!(
                s,
                "| {} | {} / {} ms | {} | {} | {:.1} ms [{:.1}, {:.1}] | {:.1} | {:.2} | {:.3} ms |",
                c.name,
                c.hubspot_latency_ms,
                c.partner_central_latency_ms,
                if c.write_interval_ms == 0 {
                    "none".to_owned()
                } else {
                    format!("{} ms", c.write_interval_ms)
                },
                c.rounds,
                c.wall_ms_median,
                c.wall_ms_min,
                c.wall_ms_max,
                c.events_per_s,
                c.ms_per_event,
                c.process_cpu_ms_per_event
            );
        }
        let per_event = |n: u64| n as f64 / self.events as f64;
        let _ = writeln!(
            s,
            "\nExternal calls (the same in every round and configuration): {:.2} per event in all.\n\n\
             | phase | events | Partner Central reads | Partner Central writes | HubSpot reads | HubSpot writes |\n\
             |---|---:|---:|---:|---:|---:|",
            self.calls_per_event()
        );
        for p in &self.phases {
            let c = p.calls;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                p.name, p.events, c.pc_reads, c.pc_writes, c.hs_reads, c.hs_writes
            );
        }
        let c = self.calls;
        let _ = writeln!(
            s,
            "| **total** | {} | {} | {} | {} | {} |\n| per event | 1 | {:.2} | {:.2} | {:.2} | {:.2} |",
            self.events,
            c.pc_reads,
            c.pc_writes,
            c.hs_reads,
            c.hs_writes,
            per_event(c.pc_reads),
            per_event(c.pc_writes),
            per_event(c.hs_reads),
            per_event(c.hs_writes)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"events": 100, "deals": 20, "batch_size": 10,
        "calls": {"pc_reads": 80, "pc_writes": 70, "hs_reads": 116, "hs_writes": 46},
        "phases": [{"name": "A creations", "events": 20, "calls": {"pc_reads": 18, "pc_writes": 18, "hs_reads": 56, "hs_writes": 18}}],
        "configs": [{"name": "loopback", "hubspot_latency_ms": 0, "partner_central_latency_ms": 0, "write_interval_ms": 0,
            "rounds": 10, "wall_ms_median": 50.0, "wall_ms_min": 48.0, "wall_ms_max": 60.0, "events_per_s": 2000.0,
            "ms_per_event": 0.5, "process_cpu_ms_per_event": 0.6}]}"#;

    #[test]
    fn renders_configurations_and_calls_per_event() {
        let w: Workload = serde_json::from_str(SAMPLE).unwrap();
        let md = w.render();
        assert!(md.contains("| loopback | 0 / 0 ms | none | 10 | 50.0 ms [48.0, 60.0] | 2000.0 | 0.50 | 0.600 ms |"));
        assert!(md.contains("3.12 per event in all"), "{md}");
        assert!(md.contains("| per event | 1 | 0.80 | 0.70 | 1.16 | 0.46 |"));
        assert!(w.config("quota").is_err());
    }
}
