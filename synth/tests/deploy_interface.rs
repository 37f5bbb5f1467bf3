//! The interface the deploy command and operators rely on, pinned for every environment: the parameters of each
//! stack (code location per function, the processor role for `partner-central-access`) and the outputs (webhook
//! URL, queue and DLQ, shadow records bucket, Partner Central role, dashboard). Renaming one breaks `deploy`,
//! the runbook and `sync-ops`, so it must be a deliberate change here too.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;

use synth::render::Format;

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn parameters_and_outputs_are_the_documented_ones() {
    for out in common::all_envs(Format::Json) {
        let env = &out.env;
        let a = &out.values["async-architecture"];
        assert_eq!(
            keys(&a["Parameters"]),
            [
                "AlarmEmail",
                "CodeBucket",
                "EventProcessorCodeKey",
                "WebhookReceiptCodeKey"
            ]
            .map(String::from)
            .into(),
            "{env}"
        );
        for p in ["CodeBucket", "EventProcessorCodeKey", "WebhookReceiptCodeKey"] {
            assert!(a["Parameters"][p].get("Default").is_none(), "{env}: {p} must be given");
        }
        let outputs = keys(&a["Outputs"]);
        for o in [
            "WebhookUrl",
            "SyncQueueUrl",
            "SyncQueueName",
            "SyncDlqUrl",
            "SyncDlqName",
            "SyncDlqArn",
            "ShadowRecordsBucketName",
            "EventProcessorRoleArn",
            "EventProcessorFunctionName",
            "WebhookReceiptFunctionName",
            "AlarmTopicArn",
        ] {
            assert!(outputs.contains(o), "{env}: async-architecture output {o} missing");
        }
        let pc = &out.values["partner-central-access"];
        assert_eq!(
            keys(&pc["Parameters"]),
            ["ExternalId", "ProcessorRoleArn"].map(String::from).into(),
            "{env}"
        );
        assert!(pc["Parameters"]["ExternalId"].get("Default").is_some(), "{env}");
        assert_eq!(keys(&pc["Outputs"]), ["PartnerCentralRoleArn"].map(String::from).into());
        let m = &out.values["monitoring"];
        assert!(keys(&m["Parameters"]).is_empty(), "{env}: monitoring only imports");
        assert_eq!(keys(&m["Outputs"]), ["DashboardUrl"].map(String::from).into());
    }
}
