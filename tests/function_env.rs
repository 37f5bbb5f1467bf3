//! The contract between the synthesized stacks and the Lambda crates: for every environment, each function's
//! environment variables are ones its crate reads, every variable it requires is set, and its configuration loader
//! accepts the values CloudFormation will deliver (intrinsics resolved as at deploy time). The processor's
//! `SYNC_SETTINGS` goes through the processor's own parser, and what it parses to must be what the environment file
//! says (so a schema mismatch between synth and processor fails here). Every resolved environment fits Lambda's
//! 4 KB limit as Lambda measures it (the JSON of the variables).

use std::collections::BTreeMap;
use std::path::Path;

use contract_tests::resolve;
use serde_json::Value;
use synth::env::{EnvConfig, SyncMode};
use synth::render::{Format, synth_env};

fn stacks_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../stacks")
}

/// The `async-architecture` template of `cfg`, parsed.
fn async_template(cfg: &EnvConfig) -> Value {
    let out = synth_env(cfg, Format::Json).expect("synthesize");
    let file = out
        .files
        .iter()
        .find(|f| f.name == "async-architecture.template.json")
        .expect("async-architecture template");
    serde_json::from_str(&file.contents).expect("valid JSON")
}

/// Every environment's configuration and `async-architecture` template.
fn environments() -> Vec<(String, EnvConfig, Value)> {
    let envs = synth::env::list_envs(&stacks_dir()).expect("list environments");
    assert!(
        envs.len() >= 3,
        "expected development, staging and production, got {envs:?}"
    );
    envs.into_iter()
        .map(|name| {
            let cfg = synth::env::load_env(&stacks_dir(), &name).expect("load environment");
            let template = async_template(&cfg);
            (name, cfg, template)
        })
        .collect()
}

/// Every environment's `async-architecture` template, parsed.
fn templates() -> Vec<(String, Value)> {
    environments().into_iter().map(|(name, _, t)| (name, t)).collect()
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
        config::ENV_METRICS_NAMESPACE,
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
        assert_eq!(
            vars.get(config::ENV_METRICS_NAMESPACE).map(String::as_str),
            Some(format!("HubSpotPartnerCentralSync/{env}").as_str()),
            "{env}: one metrics namespace per environment"
        );
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
        vars::SYNC_SETTINGS,
        vars::SHADOW_RECORDS_BUCKET,
        vars::METRICS_NAMESPACE,
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
        assert_eq!(
            cfg.metrics_namespace,
            format!("HubSpotPartnerCentralSync/{env}"),
            "{env}: one metrics namespace per environment"
        );
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

/// The processor's parse of the synthesized environment of `cfg`, as JSON (defaults filled in), and the parse of
/// the same environment without `SYNC_SETTINGS` (all defaults).
fn processor_settings(env: &str, cfg: &EnvConfig) -> (Value, Value, Option<String>) {
    use event_processor::config::{Config, vars};
    let template = async_template(cfg);
    let mut env_vars = function_env(&template, "event-processor");
    assert!(
        env_vars.contains_key(vars::SYNC_SETTINGS),
        "{env}: SYNC_SETTINGS is always synthesized"
    );
    let parsed = Config::from_lookup(|k| env_vars.get(k).cloned())
        .unwrap_or_else(|e| panic!("{env}: the processor rejects the synthesized SYNC_SETTINGS: {e}"));
    let settings = serde_json::to_value(&*parsed.sync_settings).expect("settings serialize");
    env_vars.remove(vars::SYNC_SETTINGS);
    let defaults = Config::from_lookup(|k| env_vars.get(k).cloned())
        .map(|c| serde_json::to_value(&*c.sync_settings).expect("settings serialize"))
        .unwrap_or_else(|e| panic!("{env}: defaults: {e}"));
    (settings, defaults, parsed.shadow_records_bucket)
}

/// What the processor parsed equals what the environment file says: mode, canary, app id, solutions, property
/// names (configured or the previous system's defaults), deal tag and the stage map as the default pipeline with the
/// processor's own default SalesActivities per Partner Central stage.
fn assert_settings_match(env: &str, cfg: &EnvConfig) {
    let (got, defaults, bucket) = processor_settings(env, cfg);
    let sync = &cfg.sync;
    assert_eq!(got["mode"], sync.mode.as_str(), "{env}: mode");
    let canary = match sync.mode {
        SyncMode::Shadow => sync.canary_live_percent.unwrap_or(0),
        SyncMode::Live => 0,
    };
    assert_eq!(got["canary_live_percent"], canary, "{env}: canary_live_percent");
    assert_eq!(
        got["hubspot_app_id"],
        sync.hubspot_app_id
            .map_or(Value::Null, |id| Value::String(id.to_string())),
        "{env}: hubspot_app_id"
    );
    assert_eq!(got["solutions"], serde_json::json!(sync.solutions), "{env}: solutions");
    for (key, configured, default) in sync.properties.entries() {
        assert_eq!(
            got["properties"][key],
            configured.unwrap_or(default),
            "{env}: properties.{key}"
        );
        assert_eq!(
            defaults["properties"][key], default,
            "{env}: the processor's default of properties.{key}"
        );
    }
    assert_eq!(got["mapping"]["deal_tag"], sync.deal_tag.as_str(), "{env}: deal tag");
    let pipelines = got["mapping"]["pipelines"].as_object().expect("pipelines");
    assert_eq!(pipelines.keys().collect::<Vec<_>>(), ["default"], "{env}: one pipeline");
    let stages = pipelines["default"].as_object().expect("default pipeline");
    assert_eq!(
        stages.keys().collect::<Vec<_>>(),
        sync.stage_map.keys().collect::<Vec<_>>(),
        "{env}: the stage map's HubSpot stages"
    );
    let default_rules = defaults["mapping"]["pipelines"]["default"]
        .as_object()
        .expect("default rules");
    for (hubspot, pc) in &sync.stage_map {
        let rule = &stages[hubspot.as_str()];
        assert_eq!(rule["stage"], pc.as_str(), "{env}: stage of {hubspot}");
        let default_activities = default_rules
            .values()
            .find(|r| r["stage"] == pc.as_str())
            .map(|r| r["sales_activities"].clone())
            .unwrap_or_else(|| panic!("the processor has no default rule for {}", pc.as_str()));
        assert_eq!(
            rule["sales_activities"],
            default_activities,
            "{env}: SalesActivities of {hubspot} must be the processor's default for {}",
            pc.as_str()
        );
    }
    assert!(bucket.is_some(), "{env}: SHADOW_RECORDS_BUCKET is set in every mode");
}

#[test]
fn processor_parses_the_synthesized_sync_settings_as_the_environment_file_says() {
    for (env, cfg, _) in environments() {
        assert_settings_match(&env, &cfg);
    }
}

/// Every `sync` key set at once (the committed files use only some), through synth and the processor's parser.
#[test]
fn every_sync_key_reaches_the_processor() {
    let text = std::fs::read_to_string(stacks_dir().join("production.yaml")).expect("production.yaml");
    let text = text
        .replace(
            "\n  mode: live\n",
            concat!(
                "\n  mode: shadow\n  canary_live_percent: 25\n  hubspot_app_id: 1160452\n",
                "  solutions: [S-0000002, S-0000001]\n",
                "  properties:\n    opportunity_id: ace_opportunity_id\n    opportunity_title: ace_title\n",
                "    review_status: ace_review\n    sync_status: ace_status\n    sync_error: ace_error\n",
                "    last_sync: ace_last_sync\n",
            ),
        )
        .replace("  deal_tag: \"#AWS\"", "  deal_tag: \"#ACE\"")
        .replace(
            "    closedlost: Closed Lost\n",
            "    closedlost: Closed Lost\n    onhold: Qualified\n",
        )
        .replace("    contractsent: Committed\n", "");
    assert!(text.contains("ace_last_sync") && text.contains("onhold") && !text.contains("contractsent"));
    let cfg = synth::env::parse_env(Path::new("stacks/production.yaml"), "production", &text).expect("valid variant");
    assert_settings_match("production (every key)", &cfg);
}

/// Lambda measures the JSON of the variables; the resolved environments are well inside 4,096 bytes.
#[test]
fn resolved_environments_fit_lambdas_4_kb() {
    for (env, template) in templates() {
        for suffix in ["webhook-receipt", "event-processor"] {
            let vars = function_env(&template, suffix);
            let size = serde_json::to_string(&vars).expect("serialize").len();
            assert!(size <= 4096, "{env}/{suffix}: {size} bytes");
        }
    }
}
