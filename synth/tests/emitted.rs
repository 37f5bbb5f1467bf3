//! Properties of every emitted template of every environment, checked on the parsed output files: references
//! resolve, each resource conforms to AWS's registry schema (cfn-checks), the rule pass is clean, the functions'
//! environment variables are exactly the contract, and secrets have no value anywhere.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;

use serde_json::Value;
use synth::render::Format;

fn parsed() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for env in common::all_envs(Format::Yaml) {
        for f in env.files.iter().filter(|f| f.name.ends_with(".yaml")) {
            out.push((
                env.env.clone(),
                f.name.clone(),
                serde_yaml::from_str(&f.contents).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn every_ref_getatt_and_sub_target_exists() {
    for (env, file, t) in parsed() {
        let errs = synth::cfn::validate::check_references(&file, &t);
        assert!(errs.is_empty(), "{env}/{file}: {errs:?}");
    }
}

#[test]
fn every_resource_conforms_to_its_registry_schema() {
    let mut checked = 0;
    for (env, file, t) in parsed() {
        let violations = cfn_checks::schema::validate_template(&t);
        assert!(violations.is_empty(), "{env}/{file}: {violations:#?}");
        checked += t["Resources"].as_object().unwrap().len();
    }
    assert!(checked > 90);
}

#[test]
fn rule_pass_is_clean_on_the_output() {
    for (env, file, t) in parsed() {
        let report = cfn_checks::rules::check_template(&t);
        assert!(report.is_ok(), "{env}/{file}: {report}");
    }
}

fn env_names(t: &Value, id: &str) -> BTreeSet<String> {
    t["Resources"][id]["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn function_environment_variables_are_exactly_the_contract() {
    for (env, file, t) in parsed()
        .into_iter()
        .filter(|(_, f, _)| f.starts_with("async-architecture"))
    {
        let mut receipt: BTreeSet<&str> = [
            "HUBSPOT_WEBHOOK_SECRET_ARN",
            "METRICS_NAMESPACE",
            "SYNC_QUEUE_URL",
            "WEBHOOK_PUBLIC_URL",
        ]
        .into();
        if env == "development" {
            receipt.insert("HUBSPOT_PORTAL_IDS");
        }
        let want: BTreeSet<String> = receipt.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(env_names(&t, "WebhookReceiptFunction"), want, "{env}/{file}");
        let want: BTreeSet<String> = [
            "HUBSPOT_ACCESS_TOKEN_SECRET_ARN",
            "HUBSPOT_API_BASE_URL",
            "METRICS_NAMESPACE",
            "PARTNER_CENTRAL_CATALOG",
            "PARTNER_CENTRAL_EXTERNAL_ID",
            "PARTNER_CENTRAL_ROLE_ARN",
            "SHADOW_RECORDS_BUCKET",
            "SYNC_QUEUE_MAX_RECEIVE_COUNT",
            "SYNC_SETTINGS",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(env_names(&t, "EventProcessorFunction"), want, "{env}/{file}");
        let url = serde_json::to_string(
            &t["Resources"]["WebhookReceiptFunction"]["Properties"]["Environment"]["Variables"]["WEBHOOK_PUBLIC_URL"],
        )
        .unwrap();
        assert!(
            url.contains("execute-api") && url.contains(&format!("/{env}/async/webhook")),
            "{url}"
        );
        let catalog = &t["Resources"]["EventProcessorFunction"]["Properties"]["Environment"]["Variables"]["PARTNER_CENTRAL_CATALOG"];
        assert_eq!(catalog, if env == "production" { "AWS" } else { "Sandbox" });
        // One metrics namespace per environment, the same for both functions.
        for f in ["WebhookReceiptFunction", "EventProcessorFunction"] {
            let ns = &t["Resources"][f]["Properties"]["Environment"]["Variables"]["METRICS_NAMESPACE"];
            assert_eq!(ns, &format!("HubSpotPartnerCentralSync/{env}"), "{env}/{file}: {f}");
        }
    }
}

#[test]
fn secrets_have_no_value_and_partner_central_uses_the_real_prefix() {
    for (env, file, t) in parsed() {
        let text = serde_json::to_string(&t).unwrap();
        for forbidden in [
            "SecretString",
            "GenerateSecretString",
            "partnercentral-selling:",
            "NoEcho",
            "ManagedPolicyArns",
        ] {
            assert!(!text.contains(forbidden), "{env}/{file} contains {forbidden}");
        }
        for r in t["Resources"].as_object().unwrap().values() {
            for p in r["Properties"]["Policies"].as_array().into_iter().flatten() {
                for s in p["PolicyDocument"]["Statement"].as_array().unwrap() {
                    for a in s["Action"].as_array().unwrap() {
                        assert!(!a.as_str().unwrap().contains('*'), "{env}/{file}: wildcard action {a}");
                    }
                }
            }
        }
    }
}

#[test]
fn monitoring_names_come_from_imports_and_dimensions_sit_in_metrics() {
    for (env, file, t) in parsed().into_iter().filter(|(_, f, _)| f.starts_with("monitoring")) {
        let sub = t["Resources"]["SyncDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
            .as_array()
            .unwrap();
        let body: Value = serde_json::from_str(sub[0].as_str().unwrap()).unwrap();
        for var in sub[1].as_object().unwrap().values() {
            assert!(var.get("Fn::ImportValue").is_some(), "{env}/{file}: {var}");
        }
        let widgets = body["widgets"].as_array().unwrap();
        // header, alarms, queue 2+2, receipt 3, processor 3, log, error rates 2, API 2, processor metrics 4,
        // migration 3
        assert_eq!(widgets.len(), 24, "{env}: widget count");
        for w in widgets {
            assert!(w["properties"].get("dimensions").is_none());
            for m in w["properties"]["metrics"].as_array().into_iter().flatten() {
                let m = m.as_array().unwrap();
                if m[0].is_string() {
                    // The processor emits ShadowRecords / ShadowStoreErrors without dimensions (one series).
                    let dimensionless = m[0] == format!("HubSpotPartnerCentralSync/{env}").as_str()
                        && (m[1] == "ShadowRecords" || m[1] == "ShadowStoreErrors");
                    if dimensionless {
                        assert_eq!(m.len(), 3, "{env}: {m:?}");
                    } else {
                        assert!(m.len() >= 5, "{env}: metric without dimensions {m:?}");
                    }
                }
            }
        }
        assert!(widgets.iter().any(|w| w["type"] == "alarm"));
    }
}
