//! Support for the workspace-level contract tests: resolving a synthesized template's intrinsic values the way
//! CloudFormation would at deploy time, so a test can hand a Lambda crate exactly what its environment will hold.
//!
//! Only the intrinsics and resource types the sync stacks use are modelled; anything else is reported as
//! [`Unresolved`] rather than guessed.

use serde_json::Value;

/// Pseudo parameter values of the pretend deployment.
pub const REGION: &str = "eu-west-1";
/// Account id of the pretend deployment.
pub const ACCOUNT: &str = "123456789012";

/// An intrinsic this resolver does not model (the test should fail and name it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved(pub String);

/// Resolves `value` (a literal or an intrinsic) in `template` to the string CloudFormation would deliver.
pub fn resolve(template: &Value, value: &Value) -> Result<String, Unresolved> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().ok_or_else(|| Unresolved("empty object".into()))?;
            match key.as_str() {
                "Ref" => resolve_ref(template, arg.as_str().unwrap_or_default()),
                "Fn::Sub" => resolve_sub(template, arg),
                "Fn::GetAtt" => resolve_getatt(template, arg),
                "Fn::Join" => resolve_join(template, arg),
                other => Err(Unresolved(format!("intrinsic {other}"))),
            }
        }
        other => Err(Unresolved(format!("value {other}"))),
    }
}

fn resource<'a>(template: &'a Value, id: &str) -> Result<&'a Value, Unresolved> {
    template
        .get("Resources")
        .and_then(|r| r.get(id))
        .ok_or_else(|| Unresolved(format!("no resource {id}")))
}

fn pseudo(name: &str) -> Option<&'static str> {
    Some(match name {
        "AWS::Region" => REGION,
        "AWS::AccountId" => ACCOUNT,
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        _ => return None,
    })
}

/// What `Ref` returns for each resource type the stacks reference (per the CloudFormation docs).
fn resolve_ref(template: &Value, id: &str) -> Result<String, Unresolved> {
    if let Some(v) = pseudo(id) {
        return Ok(v.to_owned());
    }
    if let Some(p) = template.get("Parameters").and_then(|p| p.get(id)) {
        return p
            .get("Default")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Unresolved(format!("parameter {id} has no default")));
    }
    let r = resource(template, id)?;
    let props = &r["Properties"];
    let name = |key: &str| props.get(key).and_then(Value::as_str).unwrap_or(id).to_owned();
    match r["Type"].as_str().unwrap_or_default() {
        "AWS::SQS::Queue" => Ok(format!(
            "https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{}",
            name("QueueName")
        )),
        "AWS::SecretsManager::Secret" => Ok(format!(
            "arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{}-AbCdEf",
            name("Name")
        )),
        "AWS::ApiGateway::RestApi" => Ok("a1b2c3d4e5".to_owned()),
        // A generated bucket name: lowercase `<stack name, truncated>-<logical id>-<suffix>`, at most 63 characters.
        "AWS::S3::Bucket" => Ok(props
            .get("BucketName")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("hubspot-sync-async-{}-1a2b3c4d5e6f", id.to_lowercase()))),
        "AWS::SNS::Topic" => Ok(format!("arn:aws:sns:{REGION}:{ACCOUNT}:{}", name("TopicName"))),
        "AWS::Lambda::Function" | "AWS::IAM::Role" | "AWS::Logs::LogGroup" => Ok(name("FunctionName")),
        other => Err(Unresolved(format!("Ref to {other}"))),
    }
}

fn resolve_getatt(template: &Value, arg: &Value) -> Result<String, Unresolved> {
    let (id, attr) = match arg {
        Value::Array(parts) if parts.len() == 2 => (
            parts[0].as_str().unwrap_or_default().to_owned(),
            parts[1].as_str().unwrap_or_default().to_owned(),
        ),
        Value::String(s) => match s.split_once('.') {
            Some((a, b)) => (a.to_owned(), b.to_owned()),
            None => return Err(Unresolved(format!("GetAtt {s}"))),
        },
        other => return Err(Unresolved(format!("GetAtt {other}"))),
    };
    let r = resource(template, &id)?;
    match (r["Type"].as_str().unwrap_or_default(), attr.as_str()) {
        ("AWS::SQS::Queue", "Arn") => {
            let name = r["Properties"]["QueueName"].as_str().unwrap_or(&id);
            Ok(format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"))
        }
        ("AWS::IAM::Role", "Arn") => {
            let name = r["Properties"]["RoleName"].as_str().unwrap_or(&id);
            Ok(format!("arn:aws:iam::{ACCOUNT}:role/{name}"))
        }
        (ty, attr) => Err(Unresolved(format!("GetAtt {ty}.{attr}"))),
    }
}

fn resolve_sub(template: &Value, arg: &Value) -> Result<String, Unresolved> {
    let (text, vars) = match arg {
        Value::String(s) => (s.as_str(), None),
        Value::Array(parts) if parts.len() == 2 => (parts[0].as_str().unwrap_or_default(), parts[1].as_object()),
        other => return Err(Unresolved(format!("Sub {other}"))),
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| Unresolved(format!("unterminated Sub in {text}")))?;
        let name = &after[..end];
        let value = match vars.and_then(|v| v.get(name)) {
            Some(v) => resolve(template, v)?,
            None => match name.split_once('.') {
                Some((id, attr)) => resolve_getatt(template, &Value::String(format!("{id}.{attr}")))?,
                None => resolve_ref(template, name)?,
            },
        };
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn resolve_join(template: &Value, arg: &Value) -> Result<String, Unresolved> {
    let parts = arg
        .as_array()
        .filter(|p| p.len() == 2)
        .ok_or_else(|| Unresolved("Join shape".into()))?;
    let sep = parts[0].as_str().unwrap_or_default();
    let items = parts[1].as_array().ok_or_else(|| Unresolved("Join list".into()))?;
    let resolved = items
        .iter()
        .map(|v| resolve(template, v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(resolved.join(sep))
}
