//! The diff itself, over normalized templates: per-section entry comparison, leaf paths of changes, replacement from
//! the vendored schemas' `createOnlyProperties` (propagated through `Ref`/`Fn::GetAtt`), destructiveness from the
//! stateful types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{AddedResource, EntryChange, PathChange, RemovedResource, ResourceChange, SectionDiff, TemplateDiff};
use crate::schema::create_only_properties;
use crate::template::{is_intrinsic, referenced_id};

/// Types whose deletion loses data (cfn-lint's `StatefulResources.json`, which includes SQS queues, secrets and log
/// groups).
const STATEFUL: &[&str] = &[
    "AWS::Backup::BackupVault",
    "AWS::CloudFormation::Stack",
    "AWS::Cognito::UserPool",
    "AWS::DocDB::DBCluster",
    "AWS::DocDB::DBInstance",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",
    "AWS::EFS::FileSystem",
    "AWS::EMR::Cluster",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Elasticsearch::Domain",
    "AWS::FSx::FileSystem",
    "AWS::KMS::Key",
    "AWS::Kinesis::Stream",
    "AWS::Logs::LogGroup",
    "AWS::Neptune::DBCluster",
    "AWS::Neptune::DBInstance",
    "AWS::OpenSearchService::Domain",
    "AWS::Organizations::Account",
    "AWS::QLDB::Ledger",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
    "AWS::S3::Bucket",
    "AWS::SDB::Domain",
    "AWS::SQS::Queue",
    "AWS::SecretsManager::Secret",
];

/// Whether deleting a resource of this type loses data.
pub fn is_stateful(resource_type: &str) -> bool {
    STATEFUL.contains(&resource_type)
}

fn section<'a>(template: &'a Value, name: &str) -> BTreeMap<&'a str, &'a Value> {
    template
        .get(name)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn type_of(resource: &Value) -> String {
    resource
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Leaf differences between two values, as slash-separated paths below `prefix`.
fn leaf_changes(
    old: Option<&Value>,
    new: Option<&Value>,
    prefix: &str,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}/{key}")
        }
    };
    match (old, new) {
        // An intrinsic is one value: report `Properties/QueueName`, not `Properties/QueueName/Fn::Sub`.
        (Some(x @ Value::Object(a)), Some(y @ Value::Object(b))) if !is_intrinsic(x) && !is_intrinsic(y) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                leaf_changes(a.get(key), b.get(key), &join(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                leaf_changes(Some(x), Some(y), &join(&i.to_string()), out);
            }
        }
        // JSON held in a string (DashboardBody, also inside Fn::Sub): diff the parsed documents, marked `(json)`.
        (Some(x), Some(y)) if x != y && embedded_json(x).is_some() && embedded_json(y).is_some() => {
            if let (Some(a), Some(b)) = (embedded_json(x), embedded_json(y)) {
                leaf_changes(Some(&a), Some(&b), &format!("{prefix}(json)"), out);
            }
        }
        (a, b) if a != b => out.push((prefix.to_owned(), a.cloned(), b.cloned())),
        _ => {}
    }
}

fn diff_section(old: &Value, new: &Value, name: &str) -> SectionDiff {
    let (a, b) = (section(old, name), section(new, name));
    let mut out = SectionDiff::default();
    for (key, value) in &b {
        match a.get(key) {
            None => out.added.push((*key).to_owned()),
            Some(before) if before != value => {
                let mut changes = Vec::new();
                leaf_changes(Some(before), Some(value), "", &mut changes);
                let paths = changes.into_iter().map(|(p, _, _)| p).collect();
                out.modified.push(EntryChange {
                    name: (*key).to_owned(),
                    paths,
                });
            }
            Some(_) => {}
        }
    }
    out.removed = a
        .keys()
        .filter(|k| !b.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    out
}

/// A JSON object or array serialized in a string, or in the template string of an `Fn::Sub`.
fn embedded_json(value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(map) if map.len() == 1 => match map.get("Fn::Sub")? {
            Value::String(s) => s.as_str(),
            Value::Array(parts) => parts.first()?.as_str()?,
            _ => return None,
        },
        _ => return None,
    };
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
}

/// Whether a path (relative to `Properties`) and a create-only path overlap: one is a prefix of the other.
fn overlaps(path: &str, create_only: &str) -> bool {
    let within = |long: &str, short: &str| long == short || long.starts_with(&format!("{short}/"));
    within(path, create_only) || within(create_only, path)
}

fn property<'a>(resource: &'a Value, path: &str) -> Option<&'a Value> {
    resource.get("Properties")?.pointer(&format!("/{path}"))
}

/// Every logical id referenced (`Ref`, `Fn::GetAtt`, `${X}` / `${X.Attr}` in `Fn::Sub`) inside a value.
fn references(value: &Value, out: &mut BTreeSet<String>) {
    if let Some(id) = referenced_id(value) {
        out.insert(id.to_owned());
    }
    match value {
        Value::Object(map) => {
            if let Some(text) = map
                .get("Fn::Sub")
                .and_then(|s| s.as_str().or_else(|| s.get(0)?.as_str()))
            {
                for part in text.split("${").skip(1).filter(|p| !p.starts_with('!')) {
                    let var = part.split('}').next().unwrap_or_default();
                    out.insert(var.split('.').next().unwrap_or_default().to_owned());
                }
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

fn resource_change(id: &str, before: &Value, after: &Value) -> ResourceChange {
    let (old_type, new_type) = (type_of(before), type_of(after));
    let create_only = create_only_properties(&new_type);
    let replaced_paths: Vec<&String> = create_only
        .iter()
        .filter(|c| property(before, c) != property(after, c))
        .collect();
    let mut raw = Vec::new();
    leaf_changes(Some(before), Some(after), "", &mut raw);
    let changes: Vec<PathChange> = raw
        .into_iter()
        .map(|(path, old, new)| {
            let replacement = path == "Type"
                || match path.strip_prefix("Properties/") {
                    Some(prop) => replaced_paths.iter().any(|c| overlaps(prop, c)),
                    None => path == "Properties" && !replaced_paths.is_empty(),
                };
            PathChange {
                path,
                old,
                new,
                replacement,
            }
        })
        .collect();
    let replacement = old_type != new_type || changes.iter().any(|c| c.replacement);
    ResourceChange {
        logical_id: id.to_owned(),
        destructive: replacement && is_stateful(&old_type),
        old_type,
        new_type,
        changes,
        replacement,
        replaced_because_of: Vec::new(),
    }
}

/// Mark resources replaced when a create-only property references a replaced resource, until nothing changes.
fn propagate(diff: &mut TemplateDiff, old: &BTreeMap<&str, &Value>, new: &BTreeMap<&str, &Value>) {
    loop {
        let replaced: BTreeSet<String> = diff.replacements().iter().map(|c| c.logical_id.clone()).collect();
        let mut grew = false;
        for (id, after) in new {
            let Some(before) = old.get(id) else { continue };
            let mut causes = BTreeSet::new();
            for path in create_only_properties(&type_of(after)) {
                let mut refs = BTreeSet::new();
                if let Some(value) = property(after, &path) {
                    references(value, &mut refs);
                }
                causes.extend(refs.into_iter().filter(|r| replaced.contains(r) && r != id));
            }
            if causes.is_empty() {
                continue;
            }
            let position = diff.modified.iter().position(|c| c.logical_id == *id);
            let change = match position {
                Some(i) => &mut diff.modified[i],
                None => {
                    diff.modified.push(resource_change(id, before, after));
                    diff.modified.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
                    let i = diff
                        .modified
                        .iter()
                        .position(|c| c.logical_id == *id)
                        .unwrap_or_default();
                    &mut diff.modified[i]
                }
            };
            let causes: Vec<String> = causes.into_iter().collect();
            if !change.replacement || change.replaced_because_of != causes {
                grew |= !change.replacement;
                change.replacement = true;
                change.destructive = is_stateful(&change.old_type);
                change.replaced_because_of = causes;
            }
        }
        if !grew {
            break;
        }
    }
}

pub(super) fn diff(old: &Value, new: &Value) -> TemplateDiff {
    let (a, b) = (section(old, "Resources"), section(new, "Resources"));
    let mut out = TemplateDiff::default();
    for (id, after) in &b {
        match a.get(id) {
            None => out.added.push(AddedResource {
                logical_id: (*id).to_owned(),
                resource_type: type_of(after),
            }),
            Some(before) if before != after => out.modified.push(resource_change(id, before, after)),
            Some(_) => {}
        }
    }
    for (id, before) in a.iter().filter(|(id, _)| !b.contains_key(*id)) {
        let resource_type = type_of(before);
        out.removed.push(RemovedResource {
            logical_id: (*id).to_owned(),
            destructive: is_stateful(&resource_type),
            resource_type,
        });
    }
    propagate(&mut out, &a, &b);
    out.parameters = diff_section(old, new, "Parameters");
    out.conditions = diff_section(old, new, "Conditions");
    out.mappings = diff_section(old, new, "Mappings");
    out.outputs = diff_section(old, new, "Outputs");
    let sections = ["Resources", "Parameters", "Conditions", "Mappings", "Outputs"];
    let empty = Map::new();
    let (ta, tb) = (old.as_object().unwrap_or(&empty), new.as_object().unwrap_or(&empty));
    let keys: BTreeSet<&String> = ta.keys().chain(tb.keys()).collect();
    out.other = keys
        .into_iter()
        .filter(|k| !sections.contains(&k.as_str()) && ta.get(*k) != tb.get(*k))
        .cloned()
        .collect();
    out
}
