//! The template: parameters, conditions, resources (with attributes and suppressions) and outputs. Adding a
//! resource returns a typed [`Handle`], the only way to build `Ref`/`Fn::GetAtt` to it. Problems (invalid or
//! duplicate ids, empty suppression reasons) are collected, not raised one at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use serde::Serialize;

use super::expr::Expr;
use super::id::LogicalId;
use super::resources::{AnyResource, Resource};
use super::suppress::{Metadata, Suppression};
use crate::error::{SynthError, rule};

/// A typed reference to a resource of type `R` in a template.
#[derive(Debug)]
pub struct Handle<R> {
    id: LogicalId,
    _r: PhantomData<fn() -> R>,
}

impl<R> Clone for Handle<R> {
    fn clone(&self) -> Self {
        Self {
            id: self.id.clone(),
            _r: PhantomData,
        }
    }
}

impl<R> Handle<R> {
    /// The logical id.
    pub fn id(&self) -> &LogicalId {
        &self.id
    }
    /// `{"Ref": id}`
    pub fn r#ref(&self) -> Expr {
        Expr::Ref(self.id.clone())
    }
    /// `{"Fn::GetAtt": [id, attr]}`; resource modules expose the valid attributes as methods.
    pub(crate) fn get_att(&self, attr: &'static str) -> Expr {
        Expr::GetAtt(self.id.clone(), attr)
    }
}

/// A handle to a template parameter.
#[derive(Debug, Clone)]
pub struct ParamHandle(LogicalId);

impl ParamHandle {
    /// `{"Ref": param}`
    pub fn r#ref(&self) -> Expr {
        Expr::Ref(self.0.clone())
    }
}

/// A handle to a condition.
#[derive(Debug, Clone)]
pub struct CondHandle(LogicalId);

impl CondHandle {
    /// The condition's logical id (for `Condition:` attributes and `Fn::If`).
    pub fn id(&self) -> &LogicalId {
        &self.0
    }
}

/// Deletion / update-replace policy values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Policy {
    /// Keep the physical resource.
    Retain,
    /// Delete it.
    Delete,
}

/// A template parameter (string-typed; CloudFormation `Type: String`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    /// Always `String` here.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Regex the value must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// Shown when the pattern fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    /// Default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Description.
    pub description: String,
    /// Minimum length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
}

impl Parameter {
    /// A string parameter with a description.
    pub fn string(description: impl Into<String>) -> Self {
        Self {
            kind: "String",
            description: description.into(),
            ..Self::default()
        }
    }
}

/// `Export: {Name: ...}`
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    /// Export name.
    #[serde(rename = "Name")]
    pub name: Expr,
}

/// A template output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    /// Condition under which the output exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<LogicalId>,
    /// Description.
    pub description: String,
    /// Export, when other stacks import it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
    /// The value.
    pub value: Expr,
}

/// One entry of `Resources`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceEntry {
    /// `AWS::Service::Type`
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Condition attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<LogicalId>,
    /// DeletionPolicy attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<Policy>,
    /// DependsOn attribute, sorted.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub depends_on: BTreeSet<LogicalId>,
    /// Metadata (suppressions rendered for synth, checkov and cfn-lint).
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Typed properties.
    pub properties: AnyResource,
    /// UpdateReplacePolicy attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<Policy>,
}

/// A CloudFormation template under construction.
#[derive(Debug, Clone)]
pub struct Template {
    /// Stack name (used in error messages and file names).
    pub stack: String,
    /// Template description.
    pub description: String,
    /// Parameters.
    pub parameters: BTreeMap<LogicalId, Parameter>,
    /// Conditions.
    pub conditions: BTreeMap<LogicalId, Expr>,
    /// Resources.
    pub resources: BTreeMap<LogicalId, ResourceEntry>,
    /// Outputs.
    pub outputs: BTreeMap<LogicalId, Output>,
    /// Problems collected while building.
    pub problems: Vec<SynthError>,
}

/// Serialized form (section order is fixed by field order).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TemplateOut<'a> {
    #[serde(rename = "AWSTemplateFormatVersion")]
    version: &'static str,
    description: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    parameters: &'a BTreeMap<LogicalId, Parameter>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    conditions: &'a BTreeMap<LogicalId, Expr>,
    resources: &'a BTreeMap<LogicalId, ResourceEntry>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    outputs: &'a BTreeMap<LogicalId, Output>,
}

impl Serialize for Template {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TemplateOut {
            version: "2010-09-09",
            description: &self.description,
            parameters: &self.parameters,
            conditions: &self.conditions,
            resources: &self.resources,
            outputs: &self.outputs,
        }
        .serialize(s)
    }
}

impl Template {
    /// An empty template for `stack`.
    pub fn new(stack: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            stack: stack.into(),
            description: description.into(),
            parameters: BTreeMap::new(),
            conditions: BTreeMap::new(),
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    /// Validates `raw` as a logical id unused in any section; records a problem otherwise (the id is still
    /// returned, sanitized, so building can go on and report further problems).
    fn claim(&mut self, raw: &str) -> LogicalId {
        let id = match LogicalId::new(raw) {
            Ok(id) => id,
            Err(e) => {
                self.problems.push(e);
                LogicalId::sanitized(raw)
            }
        };
        let taken = self.resources.contains_key(&id)
            || self.parameters.contains_key(&id)
            || self.conditions.contains_key(&id)
            || self.outputs.contains_key(&id);
        if taken {
            self.problems.push(SynthError::DuplicateLogicalId {
                stack: self.stack.clone(),
                id: id.to_string(),
            });
        }
        id
    }

    /// Adds a resource and returns its typed handle.
    pub fn add<R: Resource>(&mut self, id: &str, props: R) -> Handle<R> {
        let id = self.claim(id);
        if !self.resources.contains_key(&id) {
            let entry = ResourceEntry {
                kind: R::TYPE,
                condition: None,
                deletion_policy: None,
                depends_on: BTreeSet::new(),
                metadata: Metadata::default(),
                properties: props.into(),
                update_replace_policy: None,
            };
            self.resources.insert(id.clone(), entry);
        }
        Handle { id, _r: PhantomData }
    }

    /// Adds a parameter.
    pub fn parameter(&mut self, id: &str, p: Parameter) -> ParamHandle {
        let id = self.claim(id);
        self.parameters.entry(id.clone()).or_insert(p);
        ParamHandle(id)
    }

    /// Adds a condition.
    pub fn condition(&mut self, id: &str, expr: Expr) -> CondHandle {
        let id = self.claim(id);
        self.conditions.entry(id.clone()).or_insert(expr);
        CondHandle(id)
    }

    /// Adds an output; `export` names the cross-stack export.
    pub fn output(&mut self, id: &str, description: &str, value: Expr, export: Option<String>) {
        let id = self.claim(id);
        let export = export.map(|n| Export { name: Expr::Lit(n) });
        self.outputs.entry(id).or_insert(Output {
            condition: None,
            description: description.to_owned(),
            export,
            value,
        });
    }

    fn entry<R>(&mut self, h: &Handle<R>) -> Option<&mut ResourceEntry> {
        self.resources.get_mut(&h.id)
    }

    /// Mutable access to a resource's properties (used by grants that extend a role).
    pub fn props_mut<R>(&mut self, h: &Handle<R>) -> Option<&mut AnyResource> {
        self.entry(h).map(|e| &mut e.properties)
    }

    /// Records a problem.
    pub fn problem(&mut self, e: SynthError) {
        self.problems.push(e);
    }

    /// Records a rule violation about `id`.
    pub fn violation(&mut self, id: &str, rule_id: &'static str, message: impl Into<String>) {
        let stack = self.stack.clone();
        self.problems.push(rule(&stack, id, rule_id, message));
    }

    /// Adds `DependsOn` edges from `h` to `on`.
    pub fn depends_on<R>(&mut self, h: &Handle<R>, on: impl IntoIterator<Item = LogicalId>) {
        if let Some(e) = self.entry(h) {
            e.depends_on.extend(on);
        }
    }

    /// Sets the `Condition` attribute.
    pub fn set_condition<R>(&mut self, h: &Handle<R>, c: &CondHandle) {
        if let Some(e) = self.entry(h) {
            e.condition = Some(c.0.clone());
        }
    }

    /// Sets DeletionPolicy and UpdateReplacePolicy.
    pub fn set_policies<R>(&mut self, h: &Handle<R>, p: Policy) {
        if let Some(e) = self.entry(h) {
            e.deletion_policy = Some(p);
            e.update_replace_policy = Some(p);
        }
    }

    /// Attaches a suppression; the reason must be non-empty.
    pub fn suppress<R>(&mut self, h: &Handle<R>, rule_id: &str, reason: &str) {
        if reason.trim().is_empty() || rule_id.trim().is_empty() {
            let stack = self.stack.clone();
            self.problems.push(rule(
                &stack,
                h.id.as_str(),
                "suppression-reason",
                format!("suppression of {rule_id:?} needs a rule id and a written reason"),
            ));
            return;
        }
        if let Some(e) = self.entry(h) {
            e.metadata.suppressions.push(Suppression {
                rule: rule_id.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }

    /// Number of resources.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// Resource counts per type, sorted by type.
    pub fn counts_by_type(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for r in self.resources.values() {
            *m.entry(r.kind).or_insert(0) += 1;
        }
        m
    }
}
