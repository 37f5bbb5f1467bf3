//! Conflict retry, error classification and the SDK retry on throttling/5xx, through the client.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::{client, config, new_opportunity, sdk_config};
use partner_central::{ClientToken, ErrorClass, PartnerCentral, PcError};
use partner_central_server::{FaultKind, PartnerCentralServer};

async fn setup() -> (PartnerCentralServer, PartnerCentral, String) {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server).await;
    let id = pc
        .create_opportunity(&ClientToken::new("t").unwrap(), &new_opportunity("1"))
        .await
        .unwrap()
        .id;
    server.clear_log();
    (server, pc, id)
}

fn retitle(
    title: &'static str,
) -> impl FnMut(
    &partner_central::sdk::operation::get_opportunity::GetOpportunityOutput,
    partner_central::OpportunityFields,
) -> Option<partner_central::OpportunityFields> {
    move |_, mut f| {
        f.project.as_mut().unwrap().title = Some(title.into());
        Some(f)
    }
}

#[tokio::test]
async fn conflict_regets_remerges_and_succeeds() {
    let (server, pc, id) = setup().await;
    server.inject_fault_for("UpdateOpportunity", FaultKind::ConcurrentModification, 1);
    let merges = AtomicU32::new(0);
    let r = pc
        .update_with_retry(&id, |_, mut f| {
            merges.fetch_add(1, Ordering::SeqCst);
            f.project.as_mut().unwrap().title = Some("After conflict".into());
            Some(f)
        })
        .await
        .unwrap();
    assert!(r.written);
    assert_eq!(r.attempts, 2);
    assert_eq!(merges.load(Ordering::SeqCst), 2, "merge re-applied to the fresh record");
    assert_eq!(server.count("GetOpportunity"), 2);
    let updates = server.requests_for("UpdateOpportunity");
    assert_eq!(updates[0].error_type.as_deref(), Some("ConflictException"));
    assert_eq!(updates[1].status, 200);
    assert_ne!(
        updates[0].body["LastModifiedDate"], updates[1].body["LastModifiedDate"],
        "second try uses the new date"
    );
    assert_eq!(server.opportunity(&id).unwrap()["Project"]["Title"], "After conflict");
}

#[tokio::test]
async fn repeated_conflicts_become_transient_after_the_bound() {
    let (server, pc, id) = setup().await;
    server.inject_fault_for("UpdateOpportunity", FaultKind::ConcurrentModification, 100);
    let err = pc.update_with_retry(&id, retitle("never")).await.unwrap_err();
    assert!(
        matches!(err, PcError::ConflictRetriesExhausted { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Transient);
    assert_eq!(server.count("UpdateOpportunity"), 4, "1 + conflict_retries (3)");
}

#[tokio::test]
async fn validation_not_found_and_access_denied_classes() {
    let (server, pc, _id) = setup().await;
    let mut bad = new_opportunity("2");
    bad.fields.project.as_mut().unwrap().customer_business_problem = Some("too short".into());
    let err = pc
        .create_opportunity(&ClientToken::new("t2").unwrap(), &bad)
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Permanent);
    let fields = err.validation_fields();
    assert_eq!(fields.len(), 1, "{err}");
    assert_eq!(fields[0].field_name.as_deref(), Some("Project.CustomerBusinessProblem"));
    assert_eq!(fields[0].code, "INVALID_STRING_FORMAT");

    let err = pc.get_opportunity("O99999").await.unwrap_err();
    assert!(matches!(err, PcError::NotFound { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Permanent);

    server.inject_fault(FaultKind::AccessDenied, 1);
    let err = pc.list_solutions(&[]).await.unwrap_err();
    assert!(matches!(err, PcError::AccessDenied { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Config);
    let stats = pc.metrics().snapshot();
    assert_eq!(stats["ListSolutions"].errors_config, 1);
    assert_eq!(stats["CreateOpportunity"].errors_permanent, 1);
}

#[tokio::test]
async fn throttling_and_faults_are_retried_then_transient() {
    let (server, pc, id) = setup().await;
    server.inject_fault_for("GetOpportunity", FaultKind::Throttling, 2);
    pc.get_opportunity(&id).await.unwrap();
    assert_eq!(
        server.count("GetOpportunity"),
        3,
        "SDK standard retry handled two throttles"
    );

    server.inject_fault(FaultKind::Throttling, 3);
    let err = pc.get_opportunity(&id).await.unwrap_err();
    assert!(matches!(err, PcError::Throttled { .. }), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(pc.metrics().snapshot()["GetOpportunity"].throttled, 1);

    server.inject_fault(FaultKind::Internal, 3);
    let err = pc.get_opportunity(&id).await.unwrap_err();
    assert!(matches!(err, PcError::ServiceFault { status: 500, .. }), "{err:?}");
    assert!(err.is_transient());

    server.inject_fault(FaultKind::Unavailable, 3);
    let err = pc.get_opportunity(&id).await.unwrap_err();
    assert!(matches!(err, PcError::ServiceFault { status: 503, .. }), "{err:?}");
}

#[tokio::test]
async fn slow_answers_time_out_as_transient() {
    let server = PartnerCentralServer::start().await.unwrap();
    let mut cfg = config(&server);
    cfg.max_attempts = 1;
    cfg.attempt_timeout = std::time::Duration::from_millis(200);
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    server.set_latency(Some(std::time::Duration::from_millis(600)));
    let err = pc.list_solutions(&[]).await.unwrap_err();
    assert!(matches!(err, PcError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    server.set_latency(None);
    pc.list_solutions(&[]).await.unwrap();
}

#[tokio::test]
async fn network_failure_is_transient() {
    let server = PartnerCentralServer::start().await.unwrap();
    let mut cfg = config(&server);
    drop(server);
    // Nothing listens there any more.
    cfg.max_attempts = 1;
    let pc = PartnerCentral::new(&sdk_config().await, cfg).await;
    let err = pc.get_opportunity("O1").await.unwrap_err();
    assert!(
        matches!(err, PcError::Network { .. } | PcError::Timeout { .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
}
