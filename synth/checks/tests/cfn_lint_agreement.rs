//! Agreement with cfn-lint's schema checks (E30xx): for each mutation of the compliant fixture, `validate_template`
//! reports a violation exactly when cfn-lint reports an E30xx error. cfn-lint is found at `$CFN_LINT`, else in the
//! project venv (`<workspace>/.venv-tools/bin/cfn-lint`, created by scripts/test.sh), else `/tmp/venv-tools`; when
//! none exists the test says so on stderr and passes, unless `CFN_CHECKS_REQUIRE_CFN_LINT=1`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use cfn_checks::schema::validate_template;
use common::{good, remove, set};
use serde_json::{Value, json};

fn cfn_lint() -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("CFN_LINT")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            workspace.join(".venv-tools/bin/cfn-lint"),
            PathBuf::from("/tmp/venv-tools/bin/cfn-lint"),
        ])
        .find(|p| p.is_file())
}

/// (name, pointer, new value; `None` removes).
fn mutations() -> Vec<(&'static str, &'static str, Option<Value>)> {
    vec![
        ("none", "/Description", Some(json!("unchanged"))),
        (
            "queue_typo",
            "/Resources/EventsQueue/Properties/DelaySecond",
            Some(json!(5)),
        ),
        (
            "delay_range",
            "/Resources/EventsQueue/Properties/DelaySeconds",
            Some(json!(901)),
        ),
        (
            "redrive_key",
            "/Resources/EventsQueue/Properties/RedrivePolicy/maxReceiveCnt",
            Some(json!(3)),
        ),
        (
            "fifo_type",
            "/Resources/EventsQueue/Properties/FifoQueue",
            Some(json!("yes")),
        ),
        (
            "runtime",
            "/Resources/Processor/Properties/Runtime",
            Some(json!("rust")),
        ),
        ("memory", "/Resources/Processor/Properties/MemorySize", Some(json!(64))),
        (
            "timeout_type",
            "/Resources/Processor/Properties/Timeout",
            Some(json!("abc")),
        ),
        (
            "architectures",
            "/Resources/Processor/Properties/Architectures",
            Some(json!(["arm64", "x86_64"])),
        ),
        (
            "code_typo",
            "/Resources/Processor/Properties/Code/S3Kye",
            Some(json!("k")),
        ),
        (
            "esm_batch",
            "/Resources/ProcessorEventSource/Properties/BatchSize",
            Some(json!(0)),
        ),
        (
            "esm_response",
            "/Resources/ProcessorEventSource/Properties/FunctionResponseTypes/0",
            Some(json!("Nope")),
        ),
        (
            "stage_setting",
            "/Resources/ApiStage/Properties/MethodSettings/0/ThrottleRate",
            Some(json!(3)),
        ),
        (
            "alarm_statistic",
            "/Resources/DlqNotEmptyAlarm/Properties/Statistic",
            Some(json!("Avg")),
        ),
        (
            "alarm_dimension",
            "/Resources/DlqNotEmptyAlarm/Properties/Dimensions/0/Key",
            Some(json!("x")),
        ),
        (
            "retention",
            "/Resources/ProcessorLogGroup/Properties/RetentionInDays",
            Some(json!(15)),
        ),
        (
            "policy_name",
            "/Resources/ProcessorRole/Properties/Policies/0/PolicyName",
            None,
        ),
        (
            "topic_subscription",
            "/Resources/AlarmTopic/Properties/Subscription",
            Some(json!([{"Endpoint": "a@b.c"}])),
        ),
        (
            "secret_length",
            "/Resources/HubspotTokenSecret/Properties/GenerateSecretString",
            Some(json!({"PasswordLength": "x"})),
        ),
        (
            "role_required",
            "/Resources/ProcessorRole/Properties/AssumeRolePolicyDocument",
            None,
        ),
        (
            "intrinsic_memory",
            "/Resources/Processor/Properties/MemorySize",
            Some(json!({"Ref": "Env"})),
        ),
    ]
}

#[test]
fn schema_violations_agree_with_cfn_lint() {
    let Some(lint) = cfn_lint() else {
        assert!(
            std::env::var("CFN_CHECKS_REQUIRE_CFN_LINT").is_err(),
            "cfn-lint not found"
        );
        eprintln!("cfn-lint not found; agreement test skipped");
        return;
    };
    let dir = std::env::temp_dir().join(format!("cfn-checks-agreement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut ours = BTreeSet::new();
    let mut files = Vec::new();
    for (name, pointer, value) in mutations() {
        let mut t = good();
        match value {
            Some(v) => set(&mut t, pointer, v),
            None => {
                remove(&mut t, pointer);
            }
        }
        if !validate_template(&t).is_empty() {
            ours.insert(name.to_owned());
        }
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&t).unwrap()).unwrap();
        files.push(path);
    }
    let output = Command::new(&lint)
        .arg("-f")
        .arg("parseable")
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // file:line:col:line:col:CODE:message
    let theirs: BTreeSet<String> = stdout
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let code = fields.get(5)?;
            let name = Path::new(fields.first()?).file_stem()?.to_str()?.to_owned();
            code.starts_with("E30").then_some(name)
        })
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(ours, theirs, "cfn-lint output:\n{stdout}");
    assert_eq!(
        ours.len(),
        mutations().len() - 2,
        "every mutation but `none` and `intrinsic_memory` is invalid"
    );
}
