//! `reconcile` against the local HubSpot and Partner Central servers: every seeded kind of drift is found exactly
//! (full and summary depth), nothing is written, the Partner Central reads are the list pages plus one Get per
//! linked deal; and a 1,000-deal run with its measured time and reads (`--nocapture` prints them).

#![allow(clippy::unwrap_used)] // test code

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use support::{Env, create_opportunities, env, link, patch, seed_deal, unpaced};
use sync_ops::OpsError;
use sync_ops::quota::{PC_READS_PER_SECOND, Pacer};
use sync_ops::reconcile::report::{FieldDrift, Finding, LinkProblem, Report};
use sync_ops::reconcile::source::Pacers;
use sync_ops::reconcile::{self, Depth, Options};

fn options(depth: Depth) -> Options {
    Options {
        depth,
        concurrency: 4,
        progress_every: 100,
        today: chrono::Utc::now().date_naive(),
        partner_central_read_rate: 0.0,
    }
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Unpaced HubSpot requests; Partner Central reads at `rate` per second (0 = unpaced) within `budget`.
fn pc_paced(rate: f64, budget: Option<u64>) -> Pacers {
    let mut pacers = unpaced();
    pacers.partner_central = Arc::new(Pacer::new("Partner Central reads", rate, budget));
    pacers
}

/// One reconciliation of the env's servers at `depth`, progress lines dropped.
async fn run(env: &Env, pacers: &Pacers, depth: Depth) -> Result<Report, OpsError> {
    reconcile::run(
        &env.hs_client,
        &env.pc_client,
        &env.settings,
        pacers,
        &options(depth),
        &mut |_| {},
    )
    .await
}

/// In-scope deals `ids` (named by `name`) at `qualifiedtobuy`, each with an opportunity and linked to it; returns
/// the opportunity ids by deal.
async fn seed_linked(env: &Env, ids: &[String], name: impl Fn(&str) -> String) -> BTreeMap<String, String> {
    for id in ids {
        seed_deal(env, id, &name(id), "qualifiedtobuy");
    }
    let opps = create_opportunities(env, ids, "hs").await;
    for (d, o) in &opps {
        link(env, d, o).await;
    }
    opps
}

/// One deal per finding kind (plus one in sync); returns the opportunity ids by deal.
async fn seed_every_kind(env: &Env) -> BTreeMap<String, String> {
    for id in ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"] {
        seed_deal(env, id, &format!("Data platform {id} #AWS"), "qualifiedtobuy");
    }
    seed_deal(env, "2001", "Plain deal 2001", "qualifiedtobuy");
    let opps = create_opportunities(
        env,
        &ids(&["1001", "1003", "1004", "1005", "1008", "1009", "2001"]),
        "hs",
    )
    .await;
    let dup = create_opportunities(env, &ids(&["1008"]), "dup").await;
    for d in ["1001", "1003", "1004", "1008", "1009"] {
        link(env, d, &opps[d]).await;
    }
    patch(env, "1003", &[("dealstage", "presentationscheduled")]).await;
    patch(
        env,
        "1004",
        &[
            ("aws_sync_status", "error"),
            ("aws_sync_error", "Cannot sync to AWS Partner Central: x"),
        ],
    )
    .await;
    link(env, "1006", "O9999999999").await;
    link(env, "1007", &opps["1001"]).await;
    patch(env, "1009", &[("dealstage", "mystery")]).await;
    let mut all = opps;
    all.insert("1008-dup".into(), dup["1008"].clone());
    all
}

#[tokio::test]
async fn finds_each_seeded_kind_of_drift_exactly() {
    let env = env().await;
    let opps = seed_every_kind(&env).await;
    env.pc.clear_log();
    env.hubspot.clear_requests();

    let pacers = unpaced();
    let report = reconcile::run(
        &env.hs_client,
        &env.pc_client,
        &env.settings,
        &pacers,
        &options(Depth::Full),
        &mut |l| eprintln!("{l}"),
    )
    .await
    .unwrap();

    let opp = |d: &str| opps[d].clone();
    let expected = vec![
        Finding::Drift {
            deal_id: "1003".into(),
            opportunity_id: opp("1003"),
            review_status: Some("Pending Submission".into()),
            fields: vec![
                FieldDrift {
                    field: "LifeCycle.Stage".into(),
                    hubspot: Some("Technical Validation".into()),
                    partner_central: Some("Qualified".into()),
                    editable: true,
                },
                FieldDrift {
                    field: "Project.SalesActivities".into(),
                    hubspot: Some("Conducted POC / Demo".into()),
                    partner_central: Some("Customer has shown interest in solution".into()),
                    editable: true,
                },
            ],
        },
        Finding::ErrorState {
            deal_id: "1004".into(),
            opportunity_id: Some(opp("1004")),
            sync_error: Some("Cannot sync to AWS Partner Central: x".into()),
        },
        Finding::LinkMismatch {
            deal_id: "1005".into(),
            linked_opportunity_id: None,
            problem: LinkProblem::Unlinked,
            opportunity_ids: vec![opp("1005")],
            other_deal_id: None,
        },
        Finding::LinkMismatch {
            deal_id: "1006".into(),
            linked_opportunity_id: Some("O9999999999".into()),
            problem: LinkProblem::LinkedOpportunityNotFound,
            opportunity_ids: vec![],
            other_deal_id: None,
        },
        Finding::LinkMismatch {
            deal_id: "1007".into(),
            linked_opportunity_id: Some(opp("1001")),
            problem: LinkProblem::OpportunityNamesOtherDeal,
            opportunity_ids: vec![opp("1001")],
            other_deal_id: Some("1001".into()),
        },
        Finding::LinkMismatch {
            deal_id: "1008".into(),
            linked_opportunity_id: Some(opp("1008")),
            problem: LinkProblem::Duplicate,
            opportunity_ids: vec![opp("1008-dup")],
            other_deal_id: None,
        },
        Finding::MappingError {
            deal_id: "1009".into(),
            errors: "LifeCycle.Stage: pipeline \"default\" stage \"mystery\" is not in the stage map".into(),
        },
        Finding::MissingOpportunity { deal_id: "1002".into() },
        Finding::OpportunityWithoutDeal {
            opportunity_id: opp("2001"),
            partner_opportunity_identifier: "2001".into(),
        },
    ];
    assert_eq!(report.findings, expected, "{:#?}", report.findings);
    let s = &report.summary;
    assert_eq!((s.deals_examined, s.deals_in_scope, s.opportunities_listed), (10, 9, 8));
    // In sync: 1001, 1004 (error state only), 1008 (duplicate only).
    assert_eq!(s.in_sync, 3);
    assert_eq!(
        (s.drift, s.drifted_fields, s.error_state, s.link_mismatch),
        (1, 2, 1, 4)
    );
    assert_eq!(
        (s.missing_opportunity, s.opportunity_without_deal, s.mapping_error),
        (1, 1, 1)
    );

    // Read-only, and the reads are one list page plus one Get per linked, listed deal (1001 1003 1004 1008 1009).
    assert_eq!(env.pc.writes(), 0);
    assert_eq!(env.pc.count("ListOpportunities"), 1);
    assert_eq!(env.pc.count("GetOpportunity"), 5);
    assert_eq!(report.stats.partner_central_reads, 6);
    assert_eq!(env.pc.reads(), 6);
    assert!(
        env.hubspot
            .requests()
            .iter()
            .all(|r| r.method == "GET" || r.path.ends_with("/search") || r.path.ends_with("/batch/read")),
        "HubSpot writes during reconcile"
    );
    assert_eq!(report.stats.hubspot_requests as usize, env.hubspot.request_count());

    // The CSV has one row per drifted field and per other finding.
    let csv = report.to_csv();
    assert_eq!(csv.lines().count(), 1 + 2 + 8);
    assert!(csv.contains(&format!(
        "drift,1003,{},LifeCycle.Stage,Technical Validation,Qualified,true,",
        opp("1003")
    )));
}

#[tokio::test]
async fn summary_depth_needs_no_get_and_sees_summary_fields() {
    let env = env().await;
    let opps = seed_every_kind(&env).await;
    env.pc.clear_log();
    let report = run(&env, &unpaced(), Depth::Summary).await.unwrap();
    assert_eq!(env.pc.count("GetOpportunity"), 0);
    assert_eq!(report.stats.partner_central_reads, 1);
    let drift: Vec<&Finding> = report.findings.iter().filter(|f| f.kind() == "drift").collect();
    assert_eq!(
        drift,
        [&Finding::Drift {
            deal_id: "1003".into(),
            opportunity_id: opps["1003"].clone(),
            review_status: Some("Pending Submission".into()),
            fields: vec![FieldDrift {
                field: "LifeCycle.Stage".into(),
                hubspot: Some("Technical Validation".into()),
                partner_central: Some("Qualified".into()),
                editable: true,
            }],
        }]
    );
    assert_eq!(report.summary.link_mismatch, 4);
}

#[tokio::test]
async fn review_status_marks_locked_fields_not_editable() {
    let env = env().await;
    let opps = seed_linked(&env, &ids(&["1"]), |_| "Locked #AWS".to_owned()).await;
    patch(&env, "1", &[("dealstage", "presentationscheduled")]).await;
    assert!(env.pc.set_review_status(&opps["1"], "Submitted"));
    let report = run(&env, &unpaced(), Depth::Full).await.unwrap();
    let Finding::Drift {
        review_status, fields, ..
    } = &report.findings[0]
    else {
        panic!("{:?}", report.findings)
    };
    assert_eq!(review_status.as_deref(), Some("Submitted"));
    assert!(fields.iter().all(|f| !f.editable), "{fields:?}");
}

#[tokio::test]
async fn budget_stops_before_exceeding_the_daily_reads() {
    let env = env().await;
    seed_linked(&env, &ids(&["1", "2", "3"]), |id| format!("D{id} #AWS")).await;
    env.pc.clear_log();
    let pacers = pc_paced(0.0, Some(3));
    let err = run(&env, &pacers, Depth::Full).await.unwrap_err();
    assert!(err.to_string().contains("budget is 3"), "{err}");
    assert_eq!(env.pc.count("GetOpportunity"), 0, "refused before any Get");
}

#[tokio::test]
async fn thousand_deals_run_time_and_reads() {
    let env = env().await;
    let n = 1000;
    let all: Vec<String> = (1..=n).map(|i| (10_000 + i).to_string()).collect();
    let t = Instant::now();
    seed_linked(&env, &all, |id| format!("Deal {id} #AWS")).await;
    eprintln!(
        "seeded {n} deals and opportunities in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // A little drift: every 100th deal moved on in HubSpot.
    for id in all.iter().step_by(100) {
        patch(&env, id, &[("dealstage", "presentationscheduled")]).await;
    }
    env.pc.clear_log();
    env.hubspot.clear_requests();

    // Test-only high read rate (1,000/s) so the run is quick; the time at the real quota is computed.
    let pacers = pc_paced(1000.0, None);
    let started = Instant::now();
    let report = run(&env, &pacers, Depth::Full).await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let s = &report.summary;
    assert_eq!((s.deals_in_scope, s.in_sync, s.drift), (1000, 990, 10));
    assert_eq!(report.findings.len(), 10);
    assert_eq!(env.pc.count("ListOpportunities"), 10);
    assert_eq!(env.pc.count("GetOpportunity"), 1000);
    assert_eq!(env.pc.writes(), 0);
    assert_eq!(report.stats.partner_central_reads, 1010);
    let hubspot = env.hubspot.request_count();
    eprintln!(
        "RECONCILE 1000 deals (depth full): {elapsed:.2} s at a test read rate of 1000/s; Partner Central reads {} \
         (ListOpportunities {} + GetOpportunity {}); HubSpot requests {hubspot}; at the 10 reads/s quota the PC \
         reads alone take {:.1} s",
        report.stats.partner_central_reads,
        report.stats.list_opportunities_pages,
        report.stats.get_opportunity_calls,
        report.stats.seconds_at_quota
    );

    env.pc.clear_log();
    let started = Instant::now();
    let summary = run(&env, &unpaced(), Depth::Summary).await.unwrap();
    assert_eq!(summary.summary.drift, 10);
    assert_eq!(env.pc.reads(), 10);
    eprintln!(
        "RECONCILE 1000 deals (depth summary): {:.2} s; Partner Central reads {} ({:.1} s at 10/s)",
        started.elapsed().as_secs_f64(),
        summary.stats.partner_central_reads,
        summary.stats.seconds_at_quota
    );
}

#[tokio::test]
async fn link_unlinked_writes_the_single_candidate_and_the_next_run_is_clean() {
    let env = env().await;
    for id in ["1", "2"] {
        seed_deal(&env, id, &format!("D{id} #AWS"), "qualifiedtobuy");
    }
    let opps = create_opportunities(&env, &ids(&["1", "2"]), "legacy").await;
    create_opportunities(&env, &ids(&["2"]), "again").await;
    let pacers = unpaced();
    let before = run(&env, &pacers, Depth::Full).await.unwrap();
    assert_eq!(before.summary.link_mismatch, 2);
    let linked = reconcile::link_unlinked(
        &env.hs_client,
        &before,
        "aws_opportunity_id",
        &pacers.hubspot,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(linked, [("1".to_owned(), opps["1"].clone())]);
    let deal = env.hubspot.object(hubspot_server::ObjectType::Deals, "1").unwrap();
    assert_eq!(deal.properties.get("aws_opportunity_id"), Some(&opps["1"]));
    let after = run(&env, &pacers, Depth::Full).await.unwrap();
    assert_eq!(after.summary.in_sync, 1);
    assert_eq!(after.summary.link_mismatch, 1, "deal 2 has two candidates: left alone");
}

/// The local server enforces 10 reads per rolling second (ThrottlingException beyond); reconcile at its default
/// 10 reads/s is never throttled: every request the server saw was answered on the first attempt.
#[tokio::test]
async fn default_read_rate_stays_under_a_server_enforced_quota() {
    let env = env().await;
    let all: Vec<String> = (1..=25).map(|i| (500 + i).to_string()).collect();
    seed_linked(&env, &all, |id| format!("Deal {id} #AWS")).await;
    env.pc.clear_log();
    env.pc.set_read_rate_limit(Some(10));
    let pacers = pc_paced(PC_READS_PER_SECOND, None);
    let started = Instant::now();
    let report = run(&env, &pacers, Depth::Full).await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(report.summary.in_sync, 25);
    // 26 reads, each sent once (a throttled attempt would have been retried and counted twice).
    assert_eq!(env.pc.reads(), 26, "{:?}", env.pc.counts());
    assert!(
        elapsed >= 2.5,
        "26 reads at 10/s take at least 2.5 s, took {elapsed:.2}"
    );

    // The control: the same run unpaced is throttled by the server.
    env.pc.clear_log();
    let result = run(&env, &unpaced(), Depth::Full).await;
    assert!(result.is_err() || env.pc.reads() > 26, "unpaced run was not throttled");
}
