//! Cross-stack consistency of every environment: each `Fn::ImportValue` of `monitoring` is an export of
//! `async-architecture`, the dashboard's alarm widget lists exactly the alarms that exist, and the Partner Central
//! role the processor assumes is the role `partner-central-access` creates.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;

use serde_json::Value;
use synth::render::Format;

fn collect_imports(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(name)) = m.get("Fn::ImportValue") {
                out.insert(name.clone());
            }
            m.values().for_each(|x| collect_imports(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_imports(x, out)),
        _ => {}
    }
}

#[test]
fn stacks_of_each_environment_fit_together() {
    for env in common::all_envs(Format::Yaml) {
        let asynca = &env.values["async-architecture"];
        let pc = &env.values["partner-central-access"];
        let mon = &env.values["monitoring"];

        let exports: BTreeSet<String> = asynca["Outputs"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|o| o["Export"]["Name"].as_str().map(str::to_owned))
            .collect();
        let mut imports = BTreeSet::new();
        collect_imports(mon, &mut imports);
        assert!(imports.len() >= 8, "{}: {imports:?}", env.env);
        let missing: Vec<&String> = imports.difference(&exports).collect();
        assert!(missing.is_empty(), "{}: imports without export: {missing:?}", env.env);

        let alarm_names: BTreeSet<String> = asynca["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
            .map(|r| r["Properties"]["AlarmName"].as_str().unwrap().to_owned())
            .collect();
        let body: Value = serde_json::from_str(
            mon["Resources"]["SyncDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let widget = body["widgets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["type"] == "alarm")
            .unwrap();
        let listed: BTreeSet<String> = widget["properties"]["alarms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().rsplit(":alarm:").next().unwrap().to_owned())
            .collect();
        assert_eq!(listed, alarm_names, "{}", env.env);
        assert!(alarm_names.len() >= 10);

        let role_name = pc["Resources"]["PartnerCentralAccessRole"]["Properties"]["RoleName"]
            .as_str()
            .unwrap();
        let assumed = asynca["Resources"]["EventProcessorFunction"]["Properties"]["Environment"]["Variables"]
            ["PARTNER_CENTRAL_ROLE_ARN"]["Fn::Sub"]
            .as_str()
            .unwrap();
        assert!(
            assumed.ends_with(&format!(":role/{role_name}")),
            "{}: {assumed} vs {role_name}",
            env.env
        );
        let granted = asynca["Resources"]["EventProcessorRole"].to_string();
        assert!(granted.contains(&format!(":role/{role_name}")), "{}", env.env);

        let external_id = asynca["Resources"]["EventProcessorFunction"]["Properties"]["Environment"]["Variables"]
            ["PARTNER_CENTRAL_EXTERNAL_ID"]
            .as_str()
            .unwrap();
        assert_eq!(pc["Parameters"]["ExternalId"]["Default"], external_id, "{}", env.env);
        let trust =
            &pc["Resources"]["PartnerCentralAccessRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Principal"]["AWS"]["Ref"], "ProcessorRoleArn");
        assert_eq!(
            trust["Condition"]["StringEquals"]["sts:ExternalId"]["Ref"],
            "ExternalId"
        );
    }
}
