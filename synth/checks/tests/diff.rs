//! Semantic diff: added/removed/modified per section, changed paths, replacement from create-only properties and
//! type changes (propagated through references), destructive removals, normalization, and the rendered summary.

mod common;

use cfn_checks::diff::diff_templates;
use common::{good, remove, set};
use serde_json::json;

#[test]
fn identical_templates_have_no_difference() {
    let d = diff_templates(&good(), &good());
    assert!(d.is_empty());
    assert_eq!(d.to_string(), "no differences\n");
}

#[test]
fn normalization_ignores_get_att_form_and_depends_on_order() {
    let mut old = good();
    set(
        &mut old,
        "/Resources/Processor/DependsOn",
        json!(["ProcessorRole", "ProcessorLogGroup"]),
    );
    let mut new = good();
    set(
        &mut new,
        "/Resources/Processor/DependsOn",
        json!(["ProcessorLogGroup", "ProcessorRole"]),
    );
    set(
        &mut new,
        "/Resources/ProcessorEventSource/Properties/EventSourceArn",
        json!({"Fn::GetAtt": "EventsQueue.Arn"}),
    );
    assert!(diff_templates(&old, &new).is_empty(), "{}", diff_templates(&old, &new));
    // A single DependsOn string equals a one-element list.
    let mut a = good();
    set(&mut a, "/Resources/Processor/DependsOn", json!("ProcessorRole"));
    let mut b = good();
    set(&mut b, "/Resources/Processor/DependsOn", json!(["ProcessorRole"]));
    assert!(diff_templates(&a, &b).is_empty());
}

#[test]
fn in_place_change_lists_paths_without_replacement() {
    let mut new = good();
    set(
        &mut new,
        "/Resources/EventsQueue/Properties/VisibilityTimeout",
        json!(240),
    );
    set(
        &mut new,
        "/Resources/Processor/Properties/Environment/Variables/RUST_LOG",
        json!("debug"),
    );
    let d = diff_templates(&good(), &new);
    assert!(d.replacements().is_empty() && d.destructive().is_empty());
    let ids: Vec<&str> = d.modified.iter().map(|c| c.logical_id.as_str()).collect();
    assert_eq!(ids, ["EventsQueue", "Processor"]);
    assert_eq!(d.modified[0].changes[0].path, "Properties/VisibilityTimeout");
    assert_eq!(d.modified[0].changes[0].old, Some(json!(180)));
    assert_eq!(
        d.modified[1].changes[0].path,
        "Properties/Environment/Variables/RUST_LOG"
    );
    let text = d.to_string();
    assert!(
        text.contains("[~] AWS::SQS::Queue EventsQueue\n    Properties/VisibilityTimeout: 180 -> 240\n"),
        "{text}"
    );
    assert!(!text.contains("!!"), "{text}");
}

#[test]
fn create_only_change_is_a_loud_destructive_replacement_and_propagates() {
    let mut new = good();
    set(
        &mut new,
        "/Resources/EventsQueue/Properties/QueueName",
        json!({"Fn::Sub": "renamed-${Env}.fifo"}),
    );
    let d = diff_templates(&good(), &new);
    let replaced: Vec<&str> = d.replacements().iter().map(|c| c.logical_id.as_str()).collect();
    // The event source mapping's EventSourceArn (create-only) references the replaced queue.
    assert_eq!(replaced, ["EventsQueue", "ProcessorEventSource"]);
    let queue = &d.modified[0];
    assert!(queue.destructive && queue.changes[0].replacement);
    assert_eq!(d.modified[1].replaced_because_of, ["EventsQueue"]);
    assert!(!d.modified[1].destructive);
    assert_eq!(d.destructive(), ["EventsQueue"]);
    let text = d.to_string();
    assert!(
        text.starts_with("!! REPLACEMENT: EventsQueue (AWS::SQS::Queue) will be replaced (stateful: its data is lost): Properties/QueueName\n"),
        "{text}"
    );
    assert!(text.contains("!! REPLACEMENT: ProcessorEventSource (AWS::Lambda::EventSourceMapping) will be replaced: EventsQueue is replaced"), "{text}");
}

#[test]
fn fifo_flag_function_name_and_role_name_force_replacement() {
    for (pointer, value, id) in [
        ("/Resources/EventsDlq/Properties/FifoQueue", json!(null), "EventsDlq"),
        (
            "/Resources/Processor/Properties/FunctionName",
            json!("renamed"),
            "Processor",
        ),
        (
            "/Resources/ProcessorRole/Properties/RoleName",
            json!("named-role"),
            "ProcessorRole",
        ),
    ] {
        let mut new = good();
        if value.is_null() {
            remove(&mut new, pointer);
        } else {
            set(&mut new, pointer, value);
        }
        let d = diff_templates(&good(), &new);
        assert!(d.replacements().iter().any(|c| c.logical_id == id), "{pointer}: {d}");
    }
}

#[test]
fn type_change_is_a_replacement() {
    let mut new = good();
    set(&mut new, "/Resources/AlarmTopic/Type", json!("AWS::SQS::Queue"));
    let d = diff_templates(&good(), &new);
    let c = &d.replacements()[0];
    assert_eq!(
        (c.old_type.as_str(), c.new_type.as_str()),
        ("AWS::SNS::Topic", "AWS::SQS::Queue")
    );
    assert!(d.to_string().contains("Type AWS::SNS::Topic -> AWS::SQS::Queue"), "{d}");
}

#[test]
fn added_and_removed_resources_flag_stateful_removals() {
    let mut new = good();
    remove(&mut new, "/Resources/HubspotTokenSecret");
    remove(&mut new, "/Resources/ApiDeployment");
    set(
        &mut new,
        "/Resources/ExtraTopic",
        json!({"Type": "AWS::SNS::Topic", "Properties": {}}),
    );
    let d = diff_templates(&good(), &new);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.added[0].logical_id, "ExtraTopic");
    let removed: Vec<(&str, bool)> = d
        .removed
        .iter()
        .map(|r| (r.logical_id.as_str(), r.destructive))
        .collect();
    assert_eq!(removed, [("ApiDeployment", false), ("HubspotTokenSecret", true)]);
    let text = d.to_string();
    assert!(
        text.contains("!! DESTRUCTIVE: HubspotTokenSecret (AWS::SecretsManager::Secret) is removed"),
        "{text}"
    );
    assert!(text.contains("[+] AWS::SNS::Topic ExtraTopic"), "{text}");
    assert!(
        text.ends_with("1 resource(s) added, 2 removed, 0 modified; 0 replacement(s), 1 destructive\n"),
        "{text}"
    );
}

#[test]
fn other_sections_are_diffed_by_entry() {
    let mut new = good();
    set(
        &mut new,
        "/Outputs/QueueArn",
        json!({"Value": {"Fn::GetAtt": ["EventsQueue", "Arn"]}}),
    );
    set(&mut new, "/Outputs/QueueUrl/Export/Name", json!("fixed"));
    remove(&mut new, "/Parameters/CodeBucket");
    set(
        &mut new,
        "/Conditions",
        json!({"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "production"]}}),
    );
    set(&mut new, "/Description", json!("changed"));
    let d = diff_templates(&good(), &new);
    assert_eq!(d.outputs.added, ["QueueArn"]);
    assert_eq!(d.outputs.modified[0].name, "QueueUrl");
    assert_eq!(d.outputs.modified[0].paths, ["Export/Name"]);
    assert_eq!(d.parameters.removed, ["CodeBucket"]);
    assert_eq!(d.conditions.added, ["IsProd"]);
    assert_eq!(d.other, ["Description"]);
    assert!(d.modified.is_empty() && !d.is_empty());
    let text = d.to_string();
    assert!(
        text.contains("Outputs\n[+] QueueArn\n[~] QueueUrl: Export/Name\n"),
        "{text}"
    );
    assert!(text.contains("Parameters\n[-] CodeBucket\n"), "{text}");
}

#[test]
fn json_in_strings_is_diffed_inside_and_long_values_show_the_difference() {
    let body = |title: &str| json!({"Fn::Sub": format!(r#"{{"widgets":[{{"type":"metric","properties":{{"title":"{title}","region":"${{AWS::Region}}"}}}}]}}"#)});
    let mut old = good();
    set(
        &mut old,
        "/Resources/Dash",
        json!({"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": body("Queue depth")}}),
    );
    let mut new = old.clone();
    set(
        &mut new,
        "/Resources/Dash/Properties/DashboardBody",
        body("Queue depth (messages)"),
    );
    let long = "x".repeat(200);
    set(
        &mut old,
        "/Resources/AlarmTopic/Properties/DisplayName",
        json!(format!("{long} staging")),
    );
    set(
        &mut new,
        "/Resources/AlarmTopic/Properties/DisplayName",
        json!(format!("{long} production")),
    );
    let d = diff_templates(&old, &new);
    let dash = d.modified.iter().find(|c| c.logical_id == "Dash").unwrap();
    assert_eq!(
        dash.changes[0].path,
        "Properties/DashboardBody(json)/widgets/0/properties/title"
    );
    let text = d.to_string();
    // Both sides are elided to a window around the first difference, so the difference is visible.
    assert!(text.contains("DisplayName: ...xx"), "{text}");
    assert!(
        text.contains("x staging\" -> ...x") && text.contains("x production\"\n"),
        "{text}"
    );
}
