//! The canary at 50% end to end (helpers in `shadow_support`): `canary_at_50_percent_splits_exactly_by_bucket`
//! creates 20 deals in shadow mode with `canary_live_percent = 50`; exactly the deals whose bucket is below 50 get
//! an opportunity and a write-back, the others get a shadow record and no write; a company fan-out then updates the
//! live deals and records the others.

#![allow(clippy::unwrap_used)]

mod local;
mod shadow_support;

use event_processor::outcome::RecordStatus;
use event_processor::runtime::App;
use event_processor::shadow::canary::bucket;
use event_processor::shadow::record::{KEY_PREFIX, ShadowOutcome};
use event_processor::shadow::store::ShadowStore;
use hubspot_server::ObjectType;
use local::*;
use serde_json::json;
use shadow_support::*;

#[tokio::test]
async fn canary_at_50_percent_splits_exactly_by_bucket() {
    let linked: Vec<String> = (9101..9121).map(|i| i.to_string()).collect();
    let fresh: Vec<String> = (9201..9221).map(|i| i.to_string()).collect();
    let named: Vec<(String, String)> = linked
        .iter()
        .chain(&fresh)
        .map(|d| (d.clone(), format!("Deal {d} #AWS")))
        .collect();
    let refs: Vec<(&str, &str)> = named.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (hubspot, pc) = servers(&refs).await;
    let services = local_app(&hubspot, &pc).await.services().clone();
    let (bucket_name, sdk) = new_bucket().await;
    let store = ShadowStore::new(&sdk, bucket_name.clone());
    let is_live = |d: &str| bucket(PORTAL, d) < 50;
    let live_linked: Vec<&String> = linked.iter().filter(|d| is_live(d)).collect();
    let live_fresh: Vec<&String> = fresh.iter().filter(|d| is_live(d)).collect();
    assert!(
        !live_linked.is_empty() && live_linked.len() < linked.len(),
        "both sides are represented"
    );
    assert!(
        !live_fresh.is_empty() && live_fresh.len() < fresh.len(),
        "both sides are represented"
    );

    // Before the canary: every linked deal synced live.
    let live = App::configure(
        services.clone(),
        &config(&json!({"hubspot_app_id": APP_ID}).to_string(), None),
        &sdk,
    );
    for d in &linked {
        let status = run_on(&live, &event(record("deal", d, &format!("c-{d}"), None, None))).await;
        assert_eq!(status, processed("created"));
    }
    // Configuration change only: shadow mode, 50% live.
    let canary = App::configure(services, &shadow_config(50, &bucket_name), &sdk);

    // New deals: exactly the ones below the bucket get an opportunity.
    pc.clear_log();
    for d in &fresh {
        let status = run_on(&canary, &event(record("deal", d, &format!("n-{d}"), None, None))).await;
        assert_eq!(status, processed("created"), "deal {d}");
    }
    for d in &fresh {
        let link = deal_prop_of(&hubspot, d, "aws_opportunity_id");
        let records = store.list_keys(&format!("shadow/{PORTAL}/{d}/")).await.unwrap();
        if is_live(d) {
            assert!(link.is_some(), "live deal {d} is linked");
            assert!(records.is_empty(), "live deal {d} has no shadow record");
        } else {
            assert_eq!(link, None, "shadow deal {d} was not written back");
            assert_eq!(records.len(), 1, "shadow deal {d}");
            let r = store.get(&records[0]).await.unwrap();
            assert_eq!(
                r.outcome,
                ShadowOutcome::Processed {
                    action: "created".into()
                }
            );
            assert!(u32::from(r.canary.bucket) >= 50 && r.canary.live_percent == 50);
            assert_eq!(r.message_ids, vec![format!("n-{d}")]);
            assert!(r.planned_writes.iter().any(|w| w.operation == "CreateOpportunity"));
        }
    }
    assert_eq!(pc.count("CreateOpportunity"), live_fresh.len());
    assert_eq!(pc.opportunity_count(), linked.len() + live_fresh.len());

    // A company change fans out to every linked deal: the live half is updated, the shadow half recorded.
    hubspot
        .seed(ObjectType::Companies, COMPANY, company_props("Acme Holdings"))
        .unwrap();
    pc.clear_log();
    let before = store.list_keys(KEY_PREFIX).await.unwrap().len();
    let status = run_on(
        &canary,
        &event(record(
            "company",
            COMPANY,
            "co-1",
            Some(("name", "Acme Holdings")),
            None,
        )),
    )
    .await;
    assert!(matches!(status, RecordStatus::Processed { .. }), "{status:?}");
    let all_live_linked = live_linked.len() + live_fresh.len();
    assert_eq!(pc.count("UpdateOpportunity"), all_live_linked);
    for d in &linked {
        let id = deal_prop_of(&hubspot, d, "aws_opportunity_id").unwrap();
        let name = pc.opportunity(&id).unwrap()["Customer"]["Account"]["CompanyName"].clone();
        let keys = store.list_keys(&format!("shadow/{PORTAL}/{d}/")).await.unwrap();
        if is_live(d) {
            assert_eq!(name, "Acme Holdings", "live deal {d} updated");
            assert!(keys.is_empty());
        } else {
            assert_eq!(name, "Acme Corp", "shadow deal {d} untouched");
            assert_eq!(keys.len(), 1, "shadow deal {d} recorded");
            let r = store.get(&keys[0]).await.unwrap();
            assert_eq!(r.object.object_type, "company");
            assert_eq!(r.object.id, COMPANY);
            let ops: Vec<&str> = r.planned_writes.iter().map(|w| w.operation.as_str()).collect();
            assert!(ops.contains(&"UpdateOpportunity"), "{ops:?}");
            assert!(r.planned_writes.iter().any(|w| w.target == id));
        }
    }
    let shadow_linked = linked.len() - live_linked.len();
    assert_eq!(store.list_keys(KEY_PREFIX).await.unwrap().len(), before + shadow_linked);
    let metrics = canary.shadow_recorder().unwrap().metrics();
    let shadow_fresh = fresh.len() - live_fresh.len();
    assert_eq!(metrics.records() as usize, shadow_fresh + shadow_linked);
    assert_eq!(
        metrics.writes("PartnerCentral:CreateOpportunity") as usize,
        shadow_fresh
    );
    assert_eq!(
        metrics.writes("PartnerCentral:UpdateOpportunity") as usize,
        shadow_linked
    );
}
