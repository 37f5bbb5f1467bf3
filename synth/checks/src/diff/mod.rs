//! Semantic diff of two templates in the spirit of cdk's cloudformation-diff: per section added / removed / modified
//! logical ids; for resources the changed property paths, whether the change forces a replacement (a create-only
//! property of the type changed, or the type changed), and whether a removal or replacement destroys state.

mod compute;
mod normalize;
mod render;

use serde::Serialize;
use serde_json::Value;

pub use compute::is_stateful;

/// A resource present only in the new template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedResource {
    pub logical_id: String,
    pub resource_type: String,
}

/// A resource present only in the old template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedResource {
    pub logical_id: String,
    pub resource_type: String,
    /// The type holds data (queue, secret, log group, ...): removing it loses that data.
    pub destructive: bool,
}

/// One changed path inside a modified resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathChange {
    /// Slash-separated path relative to the resource, e.g. `Properties/QueueName`, `DependsOn`, `Type`.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// This change alone forces replacement (create-only property or type change).
    pub replacement: bool,
}

/// A resource present in both templates with different content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    pub logical_id: String,
    pub old_type: String,
    pub new_type: String,
    /// Changed leaf paths, sorted.
    pub changes: Vec<PathChange>,
    /// CloudFormation will create a new physical resource and delete the old one.
    pub replacement: bool,
    /// Replaced resources whose new identity flows (`Ref`/`Fn::GetAtt`) into a create-only property of this one, so
    /// this one is replaced too (cdk diff's propagation of `WILL_REPLACE`).
    pub replaced_because_of: Vec<String>,
    /// Replacement of a stateful resource (its data is lost).
    pub destructive: bool,
}

/// A modified entry of a non-resource section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryChange {
    pub name: String,
    /// Changed leaf paths relative to the entry, sorted.
    pub paths: Vec<String>,
}

/// Differences in one non-resource section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SectionDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<EntryChange>,
}

impl SectionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }
}

/// Result of [`diff_templates`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TemplateDiff {
    pub added: Vec<AddedResource>,
    pub removed: Vec<RemovedResource>,
    pub modified: Vec<ResourceChange>,
    pub parameters: SectionDiff,
    pub conditions: SectionDiff,
    pub mappings: SectionDiff,
    pub outputs: SectionDiff,
    /// Other top-level keys that changed (`Description`, `Metadata`, `Transform`, ...).
    pub other: Vec<String>,
}

impl TemplateDiff {
    /// No difference at all.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.parameters.is_empty()
            && self.conditions.is_empty()
            && self.mappings.is_empty()
            && self.outputs.is_empty()
            && self.other.is_empty()
    }

    /// Modified resources that will be replaced.
    pub fn replacements(&self) -> Vec<&ResourceChange> {
        self.modified.iter().filter(|c| c.replacement).collect()
    }

    /// Logical ids whose data would be lost: removed or replaced stateful resources.
    pub fn destructive(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .removed
            .iter()
            .filter(|r| r.destructive)
            .map(|r| r.logical_id.as_str())
            .chain(
                self.modified
                    .iter()
                    .filter(|c| c.destructive)
                    .map(|c| c.logical_id.as_str()),
            )
            .collect();
        out.sort_unstable();
        out
    }
}

/// Compare two templates semantically (after normalizing `DependsOn` and `Fn::GetAtt` forms).
pub fn diff_templates(old: &Value, new: &Value) -> TemplateDiff {
    compute::diff(&normalize::normalize(old), &normalize::normalize(new))
}
