//! The contract between the synthesized stacks and the Lambda crates: for every environment, each function's
//! environment variables are ones its crate reads, every variable it requires is set, and its configuration loader
//! accepts the values CloudFormation will deliver (intrinsics resolved as at deploy time).

use std::collections::BTreeMap;
use std::path::Path;

use contract_tests::resolve;
use serde_json::Value;
use synth::render::{Format, synth_env};

/// Every environment's `async-architecture` template, parsed.
fn templates() -> Vec<(String, Value)> {
    let stacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stacks");
    let envs = synth::env::list_envs(&stacks).expect("list environments");
    assert!(
        envs.len() >= 3,
        "expected development, staging and production, got {envs:?}"
    );
    envs.into_iter()
        .map(|name| {
            let cfg = synth::env::load_env(&stacks, &name).expect("load environment");
            let out = synth_env(&cfg, Format::Json).expect("synthesize");
            let file = out
                .files
                .iter()
                .find(|f| f.name == "async-architecture.template.json")
                .expect("async-architecture template");
            (name, serde_json::from_str(&file.contents).expect("valid JSON"))
        })
        .collect()
}

/// The resolved environment of the function whose FunctionName ends with `suffix`.
fn function_env(template: &Value, suffix: &str) -> BTreeMap<String, String> {
    let resources = template["Resources"].as_object().expect("resources");
    let (id, function) = resources
        .iter()
        .find(|(_, r)| {
            r["Type"] == "AWS::Lambda::Function"
                && r["Properties"]["FunctionName"]
                    .as_str()
                    .is_some_and(|n| n.contains(suffix))
        })
        .unwrap_or_else(|| panic!("no function named *{suffix}*"));
    function["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap_or_else(|| panic!("{id} has no environment"))
        .iter()
        .map(|(k, v)| {
            let value = resolve(template, v).unwrap_or_else(|e| panic!("{id}.{k}: cannot resolve {e:?}"));
            (k.clone(), value)
        })
        .collect()
}

#[test]
fn receipt_reads_exactly_what_the_stack_sets() {
    use webhook_receipt::config::{self, Config, SignatureMode};
    let known = [
        config::ENV_QUEUE_URL,
        config::ENV_SECRET_ARN,
        config::ENV_PUBLIC_URL,
        config::ENV_PORTAL_IDS,
    ];
    for (env, template) in templates() {
        let vars = function_env(&template, "webhook-receipt");
        for name in vars.keys() {
            assert!(
                known.contains(&name.as_str()),
                "{env}: receipt gets unknown variable {name}"
            );
        }
        assert!(
            !vars.contains_key(config::ENV_UNSIGNED_DEV),
            "{env}: the unsigned development mode must never be synthesized"
        );
        let cfg = Config::from_lookup(|k| vars.get(k).cloned())
            .unwrap_or_else(|e| panic!("{env}: receipt rejects the synthesized environment: {e}"));
        match &cfg.signature {
            SignatureMode::Verify { secret_arn, public_url } => {
                assert!(secret_arn.starts_with("arn:aws:secretsmanager:"), "{env}: {secret_arn}");
                assert!(public_url.starts_with("https://"), "{env}: {public_url}");
                assert!(public_url.ends_with("/async/webhook"), "{env}: {public_url}");
            }
            SignatureMode::UnsignedDev => panic!("{env}: receipt would run unsigned"),
        }
        assert!(cfg.queue_url.ends_with(".fifo"), "{env}: queue {}", cfg.queue_url);
    }
}

#[test]
fn processor_reads_exactly_what_the_stack_sets() {
    use event_processor::config::{Catalog, Config, vars};
    let known = [
        vars::HUBSPOT_ACCESS_TOKEN_SECRET_ARN,
        vars::HUBSPOT_API_BASE_URL,
        vars::PARTNER_CENTRAL_CATALOG,
        vars::PARTNER_CENTRAL_ROLE_ARN,
        vars::PARTNER_CENTRAL_EXTERNAL_ID,
        vars::SYNC_QUEUE_MAX_RECEIVE_COUNT,
    ];
    for (env, template) in templates() {
        let vars = function_env(&template, "event-processor");
        for name in vars.keys() {
            assert!(
                known.contains(&name.as_str()),
                "{env}: processor gets unknown variable {name}"
            );
        }
        let cfg = Config::from_lookup(|k| vars.get(k).cloned())
            .unwrap_or_else(|e| panic!("{env}: processor rejects the synthesized environment: {e}"));
        let expected = if env == "production" {
            Catalog::Aws
        } else {
            Catalog::Sandbox
        };
        assert_eq!(cfg.catalog, expected, "{env}: catalog");
        let role = cfg.partner_central_role_arn.as_deref().unwrap_or_default();
        assert!(role.contains(":role/"), "{env}: role {role}");
        assert!(cfg.partner_central_external_id.is_some(), "{env}: external id");
        let redrive = template["Resources"]
            .as_object()
            .expect("resources")
            .values()
            .find_map(|r| r["Properties"]["RedrivePolicy"]["maxReceiveCount"].as_u64())
            .expect("a queue with a redrive policy");
        assert_eq!(
            cfg.max_receive_count.map(u64::from),
            Some(redrive),
            "{env}: the processor must know the queue's maxReceiveCount"
        );
    }
}
