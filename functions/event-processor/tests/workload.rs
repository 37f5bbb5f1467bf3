//! Issue 5's scripted workload (`tests/local/workload.rs`: 100 webhook events over 20 deals) through the real engine
//! in SQS batches of 10 against the local HubSpot and Partner Central servers, with the calls made reported beside
//! the minimum the script allows (run with `--nocapture` to see the report) and every outcome checked.

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use event_processor::outcome::RecordStatus;
use hubspot_server::{HubSpotServer, ServerConfig};
use partner_central_server::PartnerCentralServer;

async fn seeded() -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_workload(&hubspot);
    let app = local_app(&hubspot, &pc).await;
    Env { hubspot, pc, app }
}

/// Runs a phase's batches; every record must succeed (processed or skipped).
async fn run_phase(env: &Env, phase: &Phase) -> Vec<RecordStatus> {
    (phase.apply)(&env.hubspot);
    let mut out = Vec::new();
    for batch in phase.batches() {
        let report = env.app.run_batch(&batch, None).await.unwrap();
        assert!(report.failed_ids().is_empty(), "{}: {report:?}", phase.name);
        out.extend(report.records.into_iter().map(|r| r.status));
    }
    out
}

/// Deal `i`'s status is `processed(result)` when in scope, skipped `not_in_scope` otherwise.
fn assert_scoped(statuses: &[RecordStatus], result: &'static str) {
    for (i, s) in statuses.iter().enumerate() {
        let want = if in_scope(i) {
            processed(result)
        } else {
            RecordStatus::Skipped {
                reason: "not_in_scope".into(),
            }
        };
        assert_eq!(*s, want, "deal {i}");
    }
}

#[track_caller]
fn assert_all(statuses: &[RecordStatus], want: &RecordStatus) {
    assert!(statuses.iter().all(|s| s == want), "{statuses:?}");
}

/// Checks a phase's outcomes and the state it leaves; returns the minimum calls the phase allows.
fn check_phase(env: &Env, name: &str, statuses: &[RecordStatus], n_scoped: usize) -> Calls {
    let echo = RecordStatus::Skipped { reason: "echo".into() };
    match name {
        "A creations" => {
            assert_scoped(statuses, "created");
            // 1 CreateOpportunity per in-scope deal, 1 HubSpot read per event, 1 link write-back per create.
            calls(0, n_scoped, DEALS, n_scoped)
        }
        "B echoes (link)" | "H echoes (last sync)" => {
            assert_all(statuses, &echo);
            Calls::default()
        }
        "C amount changes" => {
            assert_scoped(statuses, "updated");
            // Get + Update per in-scope deal (UpdateOpportunity needs the current LastModifiedDate), 1 HubSpot read
            // per event, no HubSpot write required.
            calls(n_scoped, n_scoped, DEALS, 0)
        }
        "D redeliveries" => {
            assert_all(statuses, &processed("unchanged"));
            calls(0, 0, 10, 0)
        }
        "E company changes" => {
            assert_all(statuses, &processed("updated"));
            for i in (0..DEALS).filter(|i| in_scope(*i)) {
                let stored = opportunity_of(env, &deal_id(i));
                assert_eq!(
                    stored["Customer"]["Account"]["CompanyName"],
                    format!("Renamed customer {}", company_id(i))
                );
            }
            calls(n_scoped, n_scoped, 4, 0)
        }
        "F notes" => {
            assert_all(statuses, &processed("updated"));
            assert_eq!(
                opportunity_of(env, &deal_id(3))["LifeCycle"]["NextSteps"],
                "Workshop 3 booked"
            );
            calls(6, 6, 6, 0)
        }
        "G stage changes" => {
            assert_all(statuses, &processed("updated"));
            calls(10, 10, 10, 0)
        }
        other => panic!("the script has no phase {other}"),
    }
}

fn print_report(phases: &[(&str, Calls, Calls, usize)]) {
    let events: usize = phases.iter().map(|p| p.3).sum();
    let cell = |used: usize, min: usize| format!("{used} ({min})");
    eprintln!("\nworkload: {events} events over {DEALS} deals (18 in scope)");
    eprintln!(
        "{:<22} {:>6} {:>16} {:>16} {:>16} {:>16}",
        "phase", "events", "PC reads (min)", "PC writes (min)", "HS reads (min)", "HS writes (min)"
    );
    let row = |name: &str, n: usize, used: Calls, min: Calls| {
        eprintln!(
            "{name:<22} {n:>6} {:>16} {:>16} {:>16} {:>16}",
            cell(used.pc_reads, min.pc_reads),
            cell(used.pc_writes, min.pc_writes),
            cell(used.hs_reads, min.hs_reads),
            cell(used.hs_writes, min.hs_writes),
        );
    };
    for (name, used, min, n) in phases {
        row(name, *n, *used, *min);
    }
    let used = phases.iter().fold(Calls::default(), |a, p| a + p.1);
    let min = phases.iter().fold(Calls::default(), |a, p| a + p.2);
    row("total", events, used, min);
    eprintln!();
}

#[tokio::test]
async fn scripted_workload_of_100_events_over_20_deals() {
    let env = seeded().await;
    let n_scoped = (0..DEALS).filter(|i| in_scope(*i)).count();
    let mut phases: Vec<(&str, Calls, Calls, usize)> = Vec::new();
    let mut before = Calls::default();
    for phase in script() {
        let statuses = run_phase(&env, &phase).await;
        assert_eq!(statuses.len(), phase.records.len());
        let min = check_phase(&env, phase.name, &statuses, n_scoped);
        let now = Calls::seen(&env.hubspot, &env.pc);
        phases.push((phase.name, now.since(before), min, statuses.len()));
        before = now;
    }
    print_report(&phases);

    assert_eq!(phases.iter().map(|p| p.3).sum::<usize>(), SCRIPT_EVENTS);
    assert_eq!(
        env.pc.opportunity_count(),
        n_scoped,
        "one opportunity per in-scope deal, never a duplicate"
    );
    // Partner Central writes are exactly the minimum: one create per in-scope deal, one update per real change of an
    // opportunity, nothing for echoes and redeliveries.
    let used = phases.iter().fold(Calls::default(), |a, p| a + p.1);
    let min = phases.iter().fold(Calls::default(), |a, p| a + p.2);
    assert_eq!(used.pc_writes, min.pc_writes);
    assert_eq!(used.pc_writes, 70);
    // The measured figures, phase by phase (the README explains each difference from the minimum).
    let used: Vec<Calls> = phases.iter().map(|p| p.1).collect();
    let expected = [
        // A: adopt check (ListOpportunities) per create; deal + company + contacts per in-scope deal, the deal
        // alone for the 2 out of scope.
        calls(18, 18, 18 * 3 + 2, 18),
        Calls::default(),
        // C: the deal alone (amount feeds no account field); one write-back (last sync) per update.
        calls(18, 18, 20, 18),
        // D: the redelivery cannot know nothing changed without reading: deal + GetOpportunity, no write.
        calls(10, 0, 10, 0),
        // E: company read + one batch read of its deals per company.
        calls(18, 18, 8, 0),
        // F: note read + deal batch read per note.
        calls(6, 6, 12, 0),
        calls(10, 10, 10, 10),
        Calls::default(),
    ];
    assert_eq!(used, expected);
}
