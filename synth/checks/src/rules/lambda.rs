//! Lambda function rules: an explicit log group in the template, explicit memory and timeout, and no secret-looking
//! environment variable holding a literal value (secrets travel by ARN and are read at run time).

use serde_json::Value;

use super::RawFinding;
use crate::template::{Resource, get_att, is_parameter, ref_name, resource, resources_of_type, sub_text};

pub(super) const LOG_GROUP: &str = "LAMBDA1";
pub(super) const MEMORY_TIMEOUT: &str = "LAMBDA2";
pub(super) const PLAINTEXT_SECRET: &str = "LAMBDA3";
pub(super) const SCOPED_PERMISSION: &str = "LAMBDA4";

const FUNCTION: &str = "AWS::Lambda::Function";
const LOG_GROUP_TYPE: &str = "AWS::Logs::LogGroup";

/// Whether a log group's `LogGroupName` is the default group of `function` (`/aws/lambda/<FunctionName>`).
fn is_default_group_of(log_group: &Resource<'_>, function: &Resource<'_>) -> bool {
    let Some(name) = log_group.prop("LogGroupName") else {
        return false;
    };
    // `{"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}`
    if let Some([sep, Value::Array(parts)]) = name.get("Fn::Join").and_then(Value::as_array).map(Vec::as_slice)
        && sep.as_str() == Some("")
        && let [prefix, reference] = parts.as_slice()
    {
        return prefix.as_str() == Some("/aws/lambda/") && ref_name(reference) == Some(function.logical_id);
    }
    let Some(suffix) = sub_text(name).and_then(|t| t.strip_prefix("/aws/lambda/")) else {
        return false;
    };
    // `{"Fn::Sub": "/aws/lambda/${Fn}"}`, or the same text the function name is built from.
    suffix == format!("${{{}}}", function.logical_id)
        || function.prop("FunctionName").and_then(sub_text) == Some(suffix)
}

/// LAMBDA1: the function's log group is in the template (`LoggingConfig.LogGroup`, or a log group named
/// `/aws/lambda/<FunctionName>`), so its retention is managed.
pub(super) fn log_group(template: &Value) -> Vec<RawFinding> {
    let groups = resources_of_type(template, LOG_GROUP_TYPE);
    let mut out = Vec::new();
    for f in resources_of_type(template, FUNCTION) {
        let configured = f.prop("LoggingConfig").and_then(|c| c.get("LogGroup"));
        let ok = match configured {
            Some(value) => match ref_name(value) {
                Some(id) => resource(template, id).is_some_and(|r| r.resource_type == LOG_GROUP_TYPE),
                None => {
                    let text = sub_text(value);
                    text.is_some() && groups.iter().any(|g| g.prop("LogGroupName").and_then(sub_text) == text)
                }
            },
            None => groups.iter().any(|g| is_default_group_of(g, &f)),
        };
        if !ok {
            let msg = match configured {
                Some(_) => "LoggingConfig.LogGroup does not name a log group defined in this template",
                None => "no log group for this function in the template (Lambda would create one that never expires)",
            };
            out.push((f.logical_id.to_owned(), msg.to_owned()));
        }
    }
    out
}

/// LAMBDA2: `MemorySize` and `Timeout` are set explicitly (defaults are 128 MB and 3 s).
pub(super) fn memory_timeout(template: &Value) -> Vec<RawFinding> {
    resources_of_type(template, FUNCTION)
        .into_iter()
        .filter_map(|f| {
            let missing: Vec<&str> = ["MemorySize", "Timeout"]
                .into_iter()
                .filter(|p| f.prop(p).is_none())
                .collect();
            (!missing.is_empty()).then(|| {
                (
                    f.logical_id.to_owned(),
                    format!("{} not set explicitly (defaults 128 MB / 3 s)", missing.join(" and ")),
                )
            })
        })
        .collect()
}

/// Environment variable names that suggest a secret value.
fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "PRIVATE_KEY"]
        .iter()
        .any(|w| upper.contains(w))
}

/// Why a secret-like variable's value is unacceptable, or `None` when it is a reference (an ARN, a resource).
fn plaintext_problem(template: &Value, name: &str, value: &Value) -> Option<String> {
    if let Some(text) = sub_text(value)
        && text.contains("{{resolve:")
    {
        return Some("is a dynamic reference, which CloudFormation resolves into plaintext in the function".into());
    }
    match value {
        Value::String(s) if s.is_empty() || s.starts_with("arn:") => None,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Some("holds a literal value".into()),
        _ => {
            if let Some([_, then, otherwise]) = value.get("Fn::If").and_then(Value::as_array).map(Vec::as_slice) {
                return plaintext_problem(template, name, then)
                    .or_else(|| plaintext_problem(template, name, otherwise));
            }
            if let Some(param) = ref_name(value).filter(|p| is_parameter(template, p)) {
                let arn_like =
                    param.to_ascii_lowercase().ends_with("arn") || name.to_ascii_uppercase().ends_with("_ARN");
                return (!arn_like)
                    .then(|| format!("is the value of parameter {param:?}, i.e. plaintext in the function"));
            }
            if ref_name(value).is_some() || get_att(value).is_some() {
                return None;
            }
            match sub_text(value) {
                Some(text) if !text.starts_with("arn:") => Some("is built from text that is not an ARN".into()),
                _ => None,
            }
        }
    }
}

/// LAMBDA3: no environment variable named like a secret holds a literal (or parameter) value.
pub(super) fn plaintext_secret(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for f in resources_of_type(template, FUNCTION) {
        let Some(vars) = f
            .prop("Environment")
            .and_then(|e| e.get("Variables"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (name, value) in vars.iter().filter(|(n, _)| secret_like(n)) {
            if let Some(problem) = plaintext_problem(template, name, value) {
                out.push((
                    f.logical_id.to_owned(),
                    format!("environment variable {name} {problem}; pass the secret's ARN and read it at run time"),
                ));
            }
        }
    }
    out
}

/// LAMBDA4: an invoke permission names a principal (not `*`) and, for an AWS service principal, a `SourceArn` so
/// that no other account's resource of that service can invoke the function (confused deputy).
pub(super) fn scoped_permission(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for p in resources_of_type(template, "AWS::Lambda::Permission") {
        let principal = p.prop("Principal").and_then(Value::as_str);
        let problem = match principal {
            Some("*") => Some("allows any principal (\"*\") to invoke the function"),
            Some(service) if service.ends_with(".amazonaws.com") && p.prop("SourceArn").is_none() => {
                Some("grants a service principal without SourceArn: any account's resource of that service may invoke")
            }
            _ => None,
        };
        if let Some(problem) = problem {
            out.push((p.logical_id.to_owned(), problem.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn function(props: Value, extra: Value) -> Value {
        let mut t = json!({"Parameters": {"Token": {"Type": "String"}, "TokenSecretArn": {"Type": "String"}},
            "Resources": {"F": {"Type": FUNCTION, "Properties": props}}});
        for (k, v) in extra.as_object().unwrap() {
            t["Resources"][k] = v.clone();
        }
        t
    }

    #[test]
    fn log_group_fires_and_passes() {
        let lg = |name: Value| json!({"G": {"Type": LOG_GROUP_TYPE, "Properties": {"LogGroupName": name, "RetentionInDays": 7}}});
        assert_eq!(log_group(&function(json!({}), json!({}))).len(), 1);
        assert_eq!(
            log_group(&function(json!({"FunctionName": "a"}), lg(json!("/aws/lambda/b")))).len(),
            1
        );
        assert_eq!(
            log_group(&function(
                json!({"LoggingConfig": {"LogGroup": "elsewhere"}}),
                json!({})
            ))
            .len(),
            1
        );
        for (props, name) in [
            (json!({"FunctionName": "a"}), json!("/aws/lambda/a")),
            (
                json!({"FunctionName": {"Fn::Sub": "a-${Env}"}}),
                json!({"Fn::Sub": "/aws/lambda/a-${Env}"}),
            ),
            (json!({}), json!({"Fn::Sub": "/aws/lambda/${F}"})),
            (json!({}), json!({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "F"}]]})),
            (json!({"LoggingConfig": {"LogGroup": {"Ref": "G"}}}), json!("custom")),
            (json!({"LoggingConfig": {"LogGroup": "custom"}}), json!("custom")),
        ] {
            assert_eq!(
                log_group(&function(props.clone(), lg(name.clone()))),
                [],
                "{props} {name}"
            );
        }
    }

    #[test]
    fn memory_timeout_fires_and_passes() {
        let found = memory_timeout(&function(json!({"MemorySize": 256}), json!({})));
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("Timeout not set"));
        assert_eq!(
            memory_timeout(&function(
                json!({"MemorySize": 256, "Timeout": {"Ref": "T"}}),
                json!({})
            )),
            []
        );
    }

    #[test]
    fn scoped_permission_fires_and_passes() {
        let permission =
            |props: Value| json!({"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": props}}});
        let base = json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "F"}});
        let with = |extra: Value| {
            let mut props = base.clone();
            props
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            permission(props)
        };
        assert_eq!(
            scoped_permission(&with(json!({"Principal": "apigateway.amazonaws.com"}))).len(),
            1
        );
        assert_eq!(scoped_permission(&with(json!({"Principal": "*"}))).len(), 1);
        let scoped = json!({"Principal": "apigateway.amazonaws.com", "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/POST/async/webhook"}});
        assert_eq!(scoped_permission(&with(scoped)), []);
        assert_eq!(scoped_permission(&with(json!({"Principal": "123456789012"}))), []);
    }

    #[test]
    fn plaintext_secret_fires_and_passes() {
        let env = |vars: Value| {
            function(
                json!({"Environment": {"Variables": vars}}),
                json!({"S": {"Type": "AWS::SecretsManager::Secret"}}),
            )
        };
        for bad in [
            json!({"HUBSPOT_ACCESS_TOKEN": "pat-na1-123"}),
            json!({"DB_PASSWORD": 1234}),
            json!({"CLIENT_SECRET": "{{resolve:secretsmanager:s:SecretString}}"}),
            json!({"HUBSPOT_TOKEN": {"Ref": "Token"}}),
            json!({"API_KEY": {"Fn::If": ["C", "literal", {"Ref": "S"}]}}),
        ] {
            assert_eq!(plaintext_secret(&env(bad.clone())).len(), 1, "{bad}");
        }
        let ok = json!({
            "HUBSPOT_TOKEN_SECRET_ARN": {"Ref": "S"},
            "CLIENT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:x",
            "TOKEN_ARN": {"Ref": "TokenSecretArn"},
            "WEBHOOK_SECRET": {"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:w"},
            "LOG_LEVEL": "info"
        });
        assert_eq!(plaintext_secret(&env(ok)), []);
    }
}
