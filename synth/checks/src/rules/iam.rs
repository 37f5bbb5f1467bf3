//! IAM rules over every policy document in the template (role inline policies and trust policy, `AWS::IAM::Policy`,
//! `AWS::IAM::ManagedPolicy`, SQS queue policies, SNS topic policies): no wildcard actions, `Resource: "*"` only for
//! actions without resource-level permissions, and no action that does not exist (such as the non-existent
//! `partnercentral-selling:` prefix). Action data comes from `schemas/iam_actions.json` (cfn-lint's IAM reference).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use super::RawFinding;
use crate::template::{as_list, resources};

pub(super) const WILDCARD_ACTION: &str = "IAM1";
pub(super) const WILDCARD_RESOURCE: &str = "IAM2";
pub(super) const UNKNOWN_ACTION: &str = "IAM3";
pub(super) const PUBLIC_PRINCIPAL: &str = "IAM4";

#[derive(Deserialize)]
struct ActionSets {
    resource_level: BTreeSet<String>,
    star_only: BTreeSet<String>,
}

#[derive(Deserialize, Default)]
struct IamData {
    services: BTreeSet<String>,
    actions: BTreeMap<String, ActionSets>,
}

fn iam_data() -> &'static IamData {
    static DATA: OnceLock<IamData> = OnceLock::new();
    DATA.get_or_init(|| serde_json::from_str(include_str!("../../schemas/iam_actions.json")).unwrap_or_default())
}

/// One policy document and where it sits.
struct PolicyDoc<'a> {
    logical_id: &'a str,
    /// Human label: `Policies[processor]`, `AssumeRolePolicyDocument`, `PolicyDocument`.
    label: String,
    doc: Value,
    /// Identity policy (attached to a principal) rather than a resource or trust policy.
    identity: bool,
}

fn policy_documents(template: &Value) -> Vec<PolicyDoc<'_>> {
    let mut out = Vec::new();
    for r in resources(template) {
        let mut push = |label: String, doc: Option<&Value>, identity: bool| {
            // ManagedPolicy documents may be JSON strings (`format: json`).
            let doc = match doc {
                Some(Value::String(text)) => serde_json::from_str(text).ok(),
                Some(other) => Some(other.clone()),
                None => None,
            };
            if let Some(doc) = doc {
                out.push(PolicyDoc {
                    logical_id: r.logical_id,
                    label,
                    doc,
                    identity,
                });
            }
        };
        match r.resource_type {
            "AWS::IAM::Role" => {
                push(
                    "AssumeRolePolicyDocument".into(),
                    r.prop("AssumeRolePolicyDocument"),
                    false,
                );
                for (i, policy) in r
                    .prop("Policies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let name = policy
                        .get("PolicyName")
                        .and_then(Value::as_str)
                        .map_or(i.to_string(), str::to_owned);
                    push(format!("Policies[{name}]"), policy.get("PolicyDocument"), true);
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                push("PolicyDocument".into(), r.prop("PolicyDocument"), true);
            }
            "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                push("PolicyDocument".into(), r.prop("PolicyDocument"), false);
            }
            _ => {}
        }
    }
    out
}

/// Object statements of a document with their index (intrinsic-wrapped statements are skipped).
fn statements(doc: &Value) -> Vec<(usize, &serde_json::Map<String, Value>)> {
    doc.get("Statement")
        .map(as_list)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_object().map(|s| (i, s)))
        .collect()
}

fn is_allow(statement: &serde_json::Map<String, Value>) -> bool {
    statement.get("Effect").and_then(Value::as_str) == Some("Allow")
}

fn sid(i: usize, statement: &serde_json::Map<String, Value>) -> String {
    match statement.get("Sid").and_then(Value::as_str) {
        Some(sid) => format!("statement {i} ({sid})"),
        None => format!("statement {i}"),
    }
}

fn literal_strings(value: Option<&Value>) -> Vec<&str> {
    value
        .map(as_list)
        .unwrap_or_default()
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// IAM1: Allow statements name no action containing `*` and use no `NotAction`.
pub(super) fn wildcard_action(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for doc in policy_documents(template) {
        for (i, st) in statements(&doc.doc).into_iter().filter(|(_, st)| is_allow(st)) {
            for action in literal_strings(st.get("Action"))
                .into_iter()
                .filter(|a| a.contains('*'))
            {
                out.push((
                    doc.logical_id.to_owned(),
                    format!(
                        "{} {} allows wildcard action {action:?}; list the actions needed",
                        doc.label,
                        sid(i, st)
                    ),
                ));
            }
            if st.contains_key("NotAction") {
                out.push((
                    doc.logical_id.to_owned(),
                    format!(
                        "{} {} allows NotAction (every other action); list the actions needed",
                        doc.label,
                        sid(i, st)
                    ),
                ));
            }
        }
    }
    out
}

/// Whether `service:action` is known to have no resource-level permission (so it needs `Resource: "*"`).
fn star_only(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    iam_data()
        .actions
        .get(&service.to_ascii_lowercase())
        .is_some_and(|sets| sets.star_only.contains(&name.to_ascii_lowercase()))
}

/// IAM2: identity-policy Allow statements use `Resource: "*"` (or `NotResource`) only when every action lacks
/// resource-level permissions.
pub(super) fn wildcard_resource(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for doc in policy_documents(template).into_iter().filter(|d| d.identity) {
        for (i, st) in statements(&doc.doc).into_iter().filter(|(_, st)| is_allow(st)) {
            if st.contains_key("NotResource") {
                out.push((
                    doc.logical_id.to_owned(),
                    format!(
                        "{} {} allows NotResource (every other resource); name the resources",
                        doc.label,
                        sid(i, st)
                    ),
                ));
            }
            if !literal_strings(st.get("Resource")).contains(&"*") {
                continue;
            }
            let scoped: Vec<&str> = literal_strings(st.get("Action"))
                .into_iter()
                .filter(|a| !star_only(a))
                .collect();
            if !scoped.is_empty() {
                out.push((
                    doc.logical_id.to_owned(),
                    format!(
                        "{} {} grants {scoped:?} on Resource \"*\", but these actions accept resource ARNs; scope them",
                        doc.label,
                        sid(i, st)
                    ),
                ));
            }
        }
    }
    out
}

/// IAM3: every literal action (in `Action` or `NotAction`, any effect) has a known service prefix and, for the
/// vendored services, names an existing action (wildcards must match at least one).
pub(super) fn unknown_action(template: &Value) -> Vec<RawFinding> {
    let data = iam_data();
    let mut out = Vec::new();
    for doc in policy_documents(template) {
        for (i, st) in statements(&doc.doc) {
            let actions = literal_strings(st.get("Action"))
                .into_iter()
                .chain(literal_strings(st.get("NotAction")));
            for action in actions.filter(|a| *a != "*") {
                let problem = match action.split_once(':') {
                    None => Some("is not of the form service:action".to_owned()),
                    Some((service, _)) if !data.services.contains(&service.to_ascii_lowercase()) => {
                        Some(format!("has unknown service prefix {service:?}"))
                    }
                    Some((service, name)) => data.actions.get(&service.to_ascii_lowercase()).and_then(|sets| {
                        let name = name.to_ascii_lowercase();
                        let exists = sets
                            .resource_level
                            .iter()
                            .chain(&sets.star_only)
                            .any(|a| glob_match(&name, a));
                        (!exists).then(|| format!("is not an action of service {service:?}"))
                    }),
                };
                if let Some(problem) = problem {
                    out.push((
                        doc.logical_id.to_owned(),
                        format!("{} {}: {action:?} {problem}", doc.label, sid(i, st)),
                    ));
                }
            }
        }
    }
    out
}

/// Whether a `Principal` includes everyone (`"*"` or `{"AWS": "*"}`).
fn is_public(principal: &Value) -> bool {
    match principal {
        Value::String(p) => p == "*",
        Value::Object(map) => map
            .get("AWS")
            .is_some_and(|a| as_list(a).iter().any(|v| v.as_str() == Some("*"))),
        _ => false,
    }
}

/// IAM4: no trust or resource policy allows everyone (`Principal: "*"`) without a `Condition`.
pub(super) fn public_principal(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for doc in policy_documents(template).into_iter().filter(|d| !d.identity) {
        for (i, st) in statements(&doc.doc).into_iter().filter(|(_, st)| is_allow(st)) {
            if st.get("Principal").is_some_and(is_public) && !st.contains_key("Condition") {
                out.push((
                    doc.logical_id.to_owned(),
                    format!(
                        "{} {} allows any principal (\"*\") without a Condition",
                        doc.label,
                        sid(i, st)
                    ),
                ));
            }
        }
    }
    out
}

/// IAM-style glob: `*` any run, `?` one character (both lower-case inputs).
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn role(statements: Value) -> Value {
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
        }}}})
    }

    #[test]
    fn wildcard_action_fires_and_passes() {
        let bad =
            role(json!([{"Effect": "Allow", "Action": ["sqs:*", "sqs:Get*", "sqs:SendMessage"], "Resource": "arn:x"}]));
        let found = wildcard_action(&bad);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].1.contains("\"sqs:*\""));
        assert_eq!(
            wildcard_action(&role(
                json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])
            ))
            .len(),
            1
        );
        // Deny sqs:* (the TLS-only pattern) is fine.
        assert!(wildcard_action(&role(json!([{"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]))).is_empty());
        assert!(
            wildcard_action(&role(
                json!([{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:x"}])
            ))
            .is_empty()
        );
    }

    #[test]
    fn wildcard_resource_fires_and_passes() {
        let bad =
            role(json!([{"Effect": "Allow", "Action": ["sqs:SendMessage", "xray:PutTraceSegments"], "Resource": "*"}]));
        let found = wildcard_resource(&bad);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].1.contains("sqs:SendMessage") && !found[0].1.contains("xray"),
            "{found:?}"
        );
        let ok = role(json!([
            {"Effect": "Allow", "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments", "sts:GetCallerIdentity"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Q", "Arn"]}}
        ]));
        assert!(wildcard_resource(&ok).is_empty());
        // Resource policies are not identity policies.
        let queue_policy = json!({"Resources": {"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [], "PolicyDocument":
            {"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}]}}}}});
        assert!(wildcard_resource(&queue_policy).is_empty());
    }

    #[test]
    fn unknown_action_fires_on_the_wrong_partner_central_prefix() {
        let bad = role(
            json!([{"Effect": "Allow", "Action": ["partnercentral-selling:CreateOpportunity", "sqs:SendMesage", "sqs:Frob*", "nocolon"], "Resource": "arn:x"}]),
        );
        let found: Vec<String> = unknown_action(&bad).into_iter().map(|f| f.1).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].contains("unknown service prefix \"partnercentral-selling\""));
        let ok = role(
            json!([{"Effect": "Allow", "Action": ["partnercentral:CreateOpportunity", "partnercentral:GetOpportunity", "sqs:Get*", "SQS:SendMessage"], "Resource": "arn:x"}]),
        );
        assert_eq!(unknown_action(&ok), Vec::<RawFinding>::new());
    }

    #[test]
    fn public_principal_fires_and_passes() {
        let policy = |statement: Value| json!({"Resources": {"P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": [], "PolicyDocument": {"Statement": [statement]}}}}});
        let open = json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sns:Publish", "Resource": "*"});
        assert_eq!(public_principal(&policy(open)).len(), 1);
        let conditioned = json!({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}});
        assert_eq!(public_principal(&policy(conditioned)), []);
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sns:*", "Resource": "*"});
        assert_eq!(public_principal(&policy(deny)), []);
        let service = json!({"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*"});
        assert_eq!(public_principal(&policy(service)), []);
    }

    #[test]
    fn glob() {
        assert!(glob_match("get*", "getqueueurl"));
        assert!(glob_match("*queue*", "getqueueurl"));
        assert!(!glob_match("frob*", "getqueueurl"));
        assert!(glob_match("sendmessage", "sendmessage"));
    }

    #[test]
    fn managed_policy_documents_may_be_strings() {
        let t = json!({"Resources": {"M": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
            "PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"}}}});
        assert_eq!(wildcard_action(&t).len(), 1);
        assert_eq!(wildcard_resource(&t).len(), 1);
    }
}
