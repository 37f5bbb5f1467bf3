//! IAM: `AWS::IAM::Role` with inline policies, and policy documents (actions sorted and de-duplicated).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::SerializeMap;

use super::Tag;
use crate::cfn::expr::Expr;
use crate::cfn::template::Handle;

/// Statement effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// Statement principal.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`
    Any,
    /// `{"AWS": arn}`
    Aws(Expr),
    /// `{"Service": name}`
    Service(String),
}

impl Serialize for Principal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => s.serialize_str("*"),
            Principal::Aws(e) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("AWS", e)?;
                m.end()
            }
            Principal::Service(n) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Service", n)?;
                m.end()
            }
        }
    }
}

/// `Condition: {Operator: {Key: Value}}`
pub type Conditions = BTreeMap<String, BTreeMap<String, Expr>>;

/// A policy statement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    /// Statement id.
    pub sid: String,
    /// Allow or Deny.
    pub effect: Effect,
    /// Principal (resource and trust policies only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// Actions, sorted.
    pub action: Vec<String>,
    /// Resources (identity and resource policies; absent in trust policies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<Expr>,
    /// Conditions.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: Conditions,
}

impl Statement {
    /// An Allow statement over `resources`.
    pub fn allow(sid: &str, actions: &[&str], resources: Vec<Expr>) -> Self {
        let mut action: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
        action.sort();
        action.dedup();
        Self {
            sid: sid.to_owned(),
            effect: Effect::Allow,
            principal: None,
            action,
            resource: resources,
            condition: Conditions::new(),
        }
    }

    /// Sets the effect to Deny.
    pub fn deny(mut self) -> Self {
        self.effect = Effect::Deny;
        self
    }

    /// Sets the principal.
    pub fn principal(mut self, p: Principal) -> Self {
        self.principal = Some(p);
        self
    }

    /// Adds `Condition.{op}.{key} = value`.
    pub fn when(mut self, op: &str, key: &str, value: Expr) -> Self {
        self.condition
            .entry(op.to_owned())
            .or_default()
            .insert(key.to_owned(), value);
        self
    }
}

/// A policy document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// Always 2012-10-17.
    pub version: &'static str,
    /// Statements (order kept: it is how a reader reads them).
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    /// A 2012-10-17 document.
    pub fn new(statement: Vec<Statement>) -> Self {
        Self {
            version: "2012-10-17",
            statement,
        }
    }
}

/// An inline policy.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    /// The document.
    pub policy_document: PolicyDocument,
    /// Name.
    pub policy_name: String,
}

/// `AWS::IAM::Role`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    /// Trust policy.
    pub assume_role_policy_document: PolicyDocument,
    /// Description.
    pub description: String,
    /// Maximum session duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<u32>,
    /// Inline policies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<InlinePolicy>,
    /// Physical name (needed when another stack computes the ARN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<Expr>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Handle<Role> {
    /// Role ARN.
    pub fn arn(&self) -> Expr {
        self.get_att("Arn")
    }
}

/// Adds an inline policy to a role already in `t` (a "grant").
pub fn add_inline_policy(t: &mut crate::cfn::Template, role: &Handle<Role>, name: &str, statements: Vec<Statement>) {
    if let Some(super::AnyResource::Role(r)) = t.props_mut(role) {
        r.policies.push(InlinePolicy {
            policy_document: PolicyDocument::new(statements),
            policy_name: name.to_owned(),
        });
        r.policies.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
    }
}
