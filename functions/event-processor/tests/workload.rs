//! Issue 5's scripted workload: 100 webhook events over 20 deals through the real engine (SQS batches of 10) against
//! the local HubSpot and Partner Central servers — creations, deal property changes, redeliveries, company and note
//! events, and echoes of the sync's own write-backs — with the calls made reported beside the minimum the script
//! allows (run with `--nocapture` to see the report).
//!
//! Script (deal i = 9500 + i, i in 0..20; deals 18 and 19 are out of scope; deal i's primary company is 701 + i % 4):
//! A 20 deal creations; B 20 echoes (`aws_opportunity_id` written by the sync); C 20 `amount` changes (real);
//! D 10 redeliveries of C (deals 0..10); E 4 company name changes (real); F 6 notes on deals 0..6;
//! G 10 `dealstage` changes on deals 8..18 (real); H 10 echoes (`aws_last_sync`).

#![allow(clippy::unwrap_used)]

mod local;

use local::*;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::outcome::RecordStatus;
use hubspot_server::{HubSpotServer, ObjectType, ServerConfig};
use partner_central_server::PartnerCentralServer;
use serde_json::{Value, json};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Calls {
    pc_reads: usize,
    pc_writes: usize,
    hs_reads: usize,
    hs_writes: usize,
}

/// `Calls` from (PC reads, PC writes, HubSpot reads, HubSpot writes).
const fn calls(pc_reads: usize, pc_writes: usize, hs_reads: usize, hs_writes: usize) -> Calls {
    Calls {
        pc_reads,
        pc_writes,
        hs_reads,
        hs_writes,
    }
}

impl Calls {
    fn of(env: &Env) -> Self {
        let (hs_reads, hs_writes) = hubspot_calls(env);
        Self {
            pc_reads: env.pc.reads(),
            pc_writes: env.pc.writes(),
            hs_reads,
            hs_writes,
        }
    }
}

async fn seeded() -> Env {
    let pc = PartnerCentralServer::start().await.unwrap();
    let hubspot = HubSpotServer::start(ServerConfig::default()).await.unwrap();
    seed_workload(&hubspot);
    let app = local_app(&hubspot, &pc).await;
    Env { hubspot, pc, app }
}

fn note_record(id: &str) -> SqsMessage {
    let mut r = record("note", id, &format!("note-{id}"), None, None);
    let mut body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
    body["eventType"] = json!("object.creation");
    body["objectTypeId"] = json!("0-46");
    r.body = Some(body.to_string());
    r
}

/// Runs records in SQS batches of 10; every record must succeed (processed or skipped).
async fn run_all(env: &Env, records: Vec<SqsMessage>) -> Vec<RecordStatus> {
    let mut out = Vec::new();
    for chunk in records.chunks(10) {
        let mut e = SqsEvent::default();
        e.records = chunk.to_vec();
        let report = env.app.run_batch(&e, None).await.unwrap();
        assert!(report.failed_ids().is_empty(), "{report:?}");
        out.extend(report.records.into_iter().map(|r| r.status));
    }
    out
}

/// A property change of deal `i` (event id `{tag}-{i}`).
fn deal_change(i: usize, tag: &str, property: &str, value: &str) -> SqsMessage {
    record(
        "deal",
        &deal_id(i),
        &format!("{tag}-{i}"),
        Some((property, value)),
        None,
    )
}

/// Runs echoes of the sync's own `property` write on `deals`; every one must be skipped as an echo.
async fn run_echoes(env: &Env, deals: std::ops::Range<usize>, tag: &str, property: &str, value: &str) {
    let statuses = run_all(env, deals.map(|i| deal_change(i, tag, property, value)).collect()).await;
    assert!(
        statuses
            .iter()
            .all(|s| *s == RecordStatus::Skipped { reason: "echo".into() })
    );
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

fn set_deal(env: &Env, i: usize, property: &'static str, value: &str) {
    let d = deal_id(i);
    let mut current = env.hubspot.object(ObjectType::Deals, &d).unwrap().properties;
    current.insert(property.to_owned(), value.to_owned());
    env.hubspot.seed(ObjectType::Deals, &d, current).unwrap();
}

#[tokio::test]
async fn scripted_workload_of_100_events_over_20_deals() {
    let env = seeded().await;
    let scoped: Vec<usize> = (0..DEALS).filter(|i| in_scope(*i)).collect();
    let mut phases: Vec<(&str, Calls, Calls, usize)> = Vec::new();
    let mut events = 0;
    let mut phase = |name: &'static str, env: &Env, before: Calls, n: usize, min: Calls| {
        let now = Calls::of(env);
        let used = calls(
            now.pc_reads - before.pc_reads,
            now.pc_writes - before.pc_writes,
            now.hs_reads - before.hs_reads,
            now.hs_writes - before.hs_writes,
        );
        events += n;
        phases.push((name, used, min, n));
        now
    };
    let n_scoped = scoped.len();

    // A: creations.
    let before = Calls::default();
    let statuses = run_all(
        &env,
        (0..DEALS)
            .map(|i| record("deal", &deal_id(i), &format!("create-{i}"), None, None))
            .collect(),
    )
    .await;
    assert_scoped(&statuses, "created");
    // Minimum: 1 CreateOpportunity per in-scope deal, 1 HubSpot read per event, 1 link write-back per create.
    let min = calls(0, n_scoped, DEALS, n_scoped);
    let before = phase("A creations", &env, before, DEALS, min);

    // B: echoes of the link write-back.
    run_echoes(&env, 0..DEALS, "echo-id", "aws_opportunity_id", "O1").await;
    let before = phase("B echoes (link)", &env, before, DEALS, Calls::default());

    // C: a real amount change on every deal.
    for i in 0..DEALS {
        set_deal(&env, i, "amount", &format!("{}", 200_000 + i * 1000));
    }
    let amount = |i: usize| deal_change(i, "amount", "amount", "changed");
    let statuses = run_all(&env, (0..DEALS).map(amount).collect()).await;
    assert_scoped(&statuses, "updated");
    // Minimum: Get + Update per in-scope deal (UpdateOpportunity needs the current LastModifiedDate), 1 HubSpot
    // read per event, no HubSpot write required.
    let min = calls(n_scoped, n_scoped, DEALS, 0);
    let before = phase("C amount changes", &env, before, DEALS, min);

    // D: redeliveries of C for deals 0..10 (same messages, second receive).
    let redelivered: Vec<SqsMessage> = (0..10)
        .map(|i| {
            let mut m = amount(i);
            m.attributes.insert("ApproximateReceiveCount".into(), "2".into());
            m
        })
        .collect();
    let statuses = run_all(&env, redelivered).await;
    assert!(statuses.iter().all(|s| *s == processed("unchanged")), "{statuses:?}");
    let before = phase(
        "D redeliveries",
        &env,
        before,
        10,
        Calls {
            hs_reads: 10,
            ..Calls::default()
        },
    );

    // E: every company renamed (each is the primary company of 5 deals, 18 of them in scope).
    for c in 0..4 {
        let id = company_id(c);
        env.hubspot
            .seed(
                ObjectType::Companies,
                &id,
                company_props(&format!("Renamed customer {id}")),
            )
            .unwrap();
    }
    let statuses = run_all(
        &env,
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
    )
    .await;
    assert!(statuses.iter().all(|s| *s == processed("updated")), "{statuses:?}");
    let min = calls(n_scoped, n_scoped, 4, 0);
    let before = phase("E company changes", &env, before, 4, min);
    for i in &scoped {
        let stored = opportunity_of(&env, &deal_id(*i));
        assert_eq!(
            stored["Customer"]["Account"]["CompanyName"],
            format!("Renamed customer {}", company_id(*i))
        );
    }

    // F: a note on each of deals 0..6.
    let now_ms = chrono_now_ms();
    for i in 0..6 {
        let id = format!("{}", 901 + i);
        env.hubspot
            .seed(
                ObjectType::Notes,
                &id,
                [
                    ("hs_note_body", format!("<p>Workshop {i} booked</p>")),
                    ("hs_timestamp", now_ms.to_string()),
                ],
            )
            .unwrap();
        env.hubspot
            .associate(ObjectType::Notes, &id, ObjectType::Deals, &deal_id(i))
            .unwrap();
    }
    let statuses = run_all(&env, (0..6).map(|i| note_record(&format!("{}", 901 + i))).collect()).await;
    assert!(statuses.iter().all(|s| *s == processed("updated")), "{statuses:?}");
    let before = phase("F notes", &env, before, 6, calls(6, 6, 6, 0));
    assert_eq!(
        opportunity_of(&env, &deal_id(3))["LifeCycle"]["NextSteps"],
        "Workshop 3 booked"
    );

    // G: stage changes on deals 8..18.
    for i in 8..18 {
        set_deal(&env, i, "dealstage", "contractsent");
    }
    let statuses = run_all(
        &env,
        (8..18)
            .map(|i| deal_change(i, "stage", "dealstage", "contractsent"))
            .collect(),
    )
    .await;
    assert!(statuses.iter().all(|s| *s == processed("updated")), "{statuses:?}");
    let before = phase("G stage changes", &env, before, 10, calls(10, 10, 10, 0));

    // H: echoes of the last-sync stamps.
    run_echoes(&env, 0..10, "echo-sync", "aws_last_sync", "x").await;
    phase("H echoes (last sync)", &env, before, 10, Calls::default());

    assert_eq!(events, 100);
    assert_eq!(
        env.pc.opportunity_count(),
        n_scoped,
        "one opportunity per in-scope deal, never a duplicate"
    );

    // Report.
    let total = |f: fn(&Calls) -> usize, min: bool| -> usize {
        phases
            .iter()
            .map(|(_, used, m, _)| if min { f(m) } else { f(used) })
            .sum()
    };
    eprintln!("\nworkload: 100 events over 20 deals (18 in scope)");
    eprintln!(
        "{:<22} {:>6} {:>16} {:>16} {:>16} {:>16}",
        "phase", "events", "PC reads (min)", "PC writes (min)", "HS reads (min)", "HS writes (min)"
    );
    for (name, used, min, n) in &phases {
        eprintln!(
            "{name:<22} {n:>6} {:>16} {:>16} {:>16} {:>16}",
            format!("{} ({})", used.pc_reads, min.pc_reads),
            format!("{} ({})", used.pc_writes, min.pc_writes),
            format!("{} ({})", used.hs_reads, min.hs_reads),
            format!("{} ({})", used.hs_writes, min.hs_writes),
        );
    }
    let row = |f: fn(&Calls) -> usize| format!("{} ({})", total(f, false), total(f, true));
    eprintln!(
        "{:<22} {:>6} {:>16} {:>16} {:>16} {:>16}\n",
        "total",
        events,
        row(|c| c.pc_reads),
        row(|c| c.pc_writes),
        row(|c| c.hs_reads),
        row(|c| c.hs_writes)
    );

    // Partner Central writes are exactly the minimum: one create per in-scope deal, one update per real change of an
    // opportunity, nothing for echoes and redeliveries.
    assert_eq!(total(|c| c.pc_writes, false), total(|c| c.pc_writes, true));
    assert_eq!(total(|c| c.pc_writes, false), 70);
    // The measured figures, phase by phase (the README explains each difference from the minimum).
    let used: Vec<Calls> = phases.iter().map(|(_, u, _, _)| *u).collect();
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

fn chrono_now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}
