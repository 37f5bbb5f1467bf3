//! Template parameters of a stack deploy: which parameters a template declares, their values (explicit
//! overrides, then the values the deploy knows, then the template default; see [`crate::deploy`]), the defaults
//! CloudFormation reports for the rest, and the template's resources (shown when a stack is created directly).

use std::collections::BTreeMap;

use crate::deploy::DeployOptions;
use crate::error::DeployError;

/// A parameter declared by a template.
#[derive(Debug, Clone)]
struct ParamSpec {
    name: String,
    has_default: bool,
}

/// The parameters a template declares.
fn param_specs(template: &serde_json::Value) -> Vec<ParamSpec> {
    template
        .get("Parameters")
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .map(|(name, spec)| ParamSpec {
                    name: name.clone(),
                    has_default: spec.get("Default").is_some(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Template defaults (as CloudFormation reports them: strings) of the parameters not in `given`.
pub(crate) fn defaults_of(template: &serde_json::Value, given: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    template
        .get("Parameters")
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .filter(|(name, _)| !given.contains_key(*name))
                .filter_map(|(name, spec)| {
                    let d = spec.get("Default")?;
                    let text = d.as_str().map(str::to_owned).unwrap_or_else(|| d.to_string());
                    Some((name.clone(), text))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// (logical id, type) of every resource in a template.
pub(crate) fn resources_of(template: &serde_json::Value) -> Vec<(String, String)> {
    template
        .get("Resources")
        .and_then(|r| r.as_object())
        .map(|m| {
            m.iter()
                .map(|(id, r)| {
                    let ty = r.get("Type").and_then(|t| t.as_str()).unwrap_or_default();
                    (id.clone(), ty.to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Values for the template's parameters (see [`crate::deploy`] for the precedence).
pub(crate) fn resolve_parameters(
    stack: &str,
    template: &serde_json::Value,
    opts: &DeployOptions,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<BTreeMap<String, String>, DeployError> {
    let mut values = BTreeMap::new();
    for p in param_specs(template) {
        if let Some(v) = opts.parameters.get(&p.name) {
            values.insert(p.name, v.clone());
            continue;
        }
        let known = match p.name.as_str() {
            "CodeBucket" => Some(opts.artifacts_bucket.clone()),
            "ProcessorRoleArn" => {
                let from = "async-architecture";
                let v = outputs.get(from).and_then(|o| o.get("EventProcessorRoleArn")).cloned();
                if v.is_none() && !p.has_default {
                    return Err(DeployError::MissingOutput {
                        stack: stack.to_owned(),
                        from: from.to_owned(),
                        output: "EventProcessorRoleArn".to_owned(),
                    });
                }
                v
            }
            name => opts
                .artifacts
                .iter()
                .find(|a| a.function.key_parameter() == name)
                .map(|a| a.key.clone()),
        };
        match known {
            Some(v) => {
                values.insert(p.name, v);
            }
            None if p.has_default => {}
            None => {
                return Err(DeployError::MissingParameter {
                    stack: stack.to_owned(),
                    parameter: p.name,
                });
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::changeset::CreateMode;

    fn opts(parameters: &[(&str, &str)]) -> DeployOptions {
        DeployOptions {
            artifacts_bucket: "bucket".into(),
            artifacts: vec![],
            only: vec![],
            parameters: parameters.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            require_confirmation: false,
            waits: DeployOptions::default_waits(),
            create_mode: CreateMode::ChangeSet,
            plan_only: false,
        }
    }

    #[test]
    fn parameters_come_from_overrides_known_values_then_defaults() {
        let t = serde_json::json!({"Parameters": {
            "CodeBucket": {"Type": "String"},
            "AlarmEmail": {"Type": "String", "Default": ""},
            "ProcessorRoleArn": {"Type": "String"},
        }});
        let outputs = BTreeMap::from([(
            "async-architecture".to_owned(),
            BTreeMap::from([("EventProcessorRoleArn".to_owned(), "arn:aws:iam::1:role/p".to_owned())]),
        )]);
        let v = resolve_parameters("s", &t, &opts(&[]), &outputs).unwrap();
        assert_eq!(
            v,
            BTreeMap::from([
                ("CodeBucket".to_owned(), "bucket".to_owned()),
                ("ProcessorRoleArn".to_owned(), "arn:aws:iam::1:role/p".to_owned()),
            ])
        );
        let v = resolve_parameters("s", &t, &opts(&[("AlarmEmail", "a@b.c")]), &outputs).unwrap();
        assert_eq!(v["AlarmEmail"], "a@b.c");

        let e = resolve_parameters("s", &t, &opts(&[]), &BTreeMap::new()).unwrap_err();
        assert!(matches!(e, DeployError::MissingOutput { .. }), "{e}");
        let t = serde_json::json!({"Parameters": {"Mystery": {"Type": "String"}}});
        let e = resolve_parameters("s", &t, &opts(&[]), &outputs)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("parameter Mystery") && e.contains("--parameter Mystery=VALUE"),
            "{e}"
        );
    }
}
