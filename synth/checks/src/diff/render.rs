//! Human-readable rendering of a [`TemplateDiff`]: loud replacement/destruction warnings first, then per-section
//! details, then a one-line summary.

use std::fmt;

use serde_json::Value;

use super::{SectionDiff, TemplateDiff};

/// Longest rendering of one value before it is elided.
const MAX_VALUE: usize = 80;

fn show(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(absent)".to_owned();
    };
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE {
        return text;
    }
    let cut: String = text.chars().take(MAX_VALUE - 3).collect();
    format!("{cut}...")
}

fn section(f: &mut fmt::Formatter<'_>, name: &str, diff: &SectionDiff) -> fmt::Result {
    if diff.is_empty() {
        return Ok(());
    }
    writeln!(f, "{name}")?;
    for id in &diff.added {
        writeln!(f, "[+] {id}")?;
    }
    for id in &diff.removed {
        writeln!(f, "[-] {id}")?;
    }
    for entry in &diff.modified {
        writeln!(f, "[~] {}: {}", entry.name, entry.paths.join(", "))?;
    }
    Ok(())
}

impl fmt::Display for TemplateDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no differences");
        }
        for removed in self.removed.iter().filter(|r| r.destructive) {
            writeln!(
                f,
                "!! DESTRUCTIVE: {} ({}) is removed; the stateful resource and its data will be deleted",
                removed.logical_id, removed.resource_type
            )?;
        }
        for change in self.replacements() {
            let mut causes: Vec<String> = change
                .changes
                .iter()
                .filter(|c| c.replacement)
                .map(|c| {
                    if c.path == "Type" {
                        format!("Type {} -> {}", change.old_type, change.new_type)
                    } else {
                        c.path.clone()
                    }
                })
                .collect();
            causes.extend(change.replaced_because_of.iter().map(|id| format!("{id} is replaced")));
            let data = if change.destructive {
                " (stateful: its data is lost)"
            } else {
                ""
            };
            writeln!(
                f,
                "!! REPLACEMENT: {} ({}) will be replaced{data}: {}",
                change.logical_id,
                change.new_type,
                causes.join(", ")
            )?;
        }
        if !self.added.is_empty() || !self.removed.is_empty() || !self.modified.is_empty() {
            writeln!(f, "Resources")?;
        }
        for added in &self.added {
            writeln!(f, "[+] {} {}", added.resource_type, added.logical_id)?;
        }
        for removed in &self.removed {
            let note = if removed.destructive { "  !! DESTRUCTIVE" } else { "" };
            writeln!(f, "[-] {} {}{note}", removed.resource_type, removed.logical_id)?;
        }
        for change in &self.modified {
            let note = if change.replacement { "  !! REPLACEMENT" } else { "" };
            writeln!(f, "[~] {} {}{note}", change.new_type, change.logical_id)?;
            for path in &change.changes {
                let flag = if path.replacement {
                    "  (requires replacement)"
                } else {
                    ""
                };
                writeln!(
                    f,
                    "    {}: {} -> {}{flag}",
                    path.path,
                    show(path.old.as_ref()),
                    show(path.new.as_ref())
                )?;
            }
            for id in &change.replaced_because_of {
                writeln!(
                    f,
                    "    a create-only property references {id}, which is replaced  (requires replacement)"
                )?;
            }
        }
        section(f, "Parameters", &self.parameters)?;
        section(f, "Conditions", &self.conditions)?;
        section(f, "Mappings", &self.mappings)?;
        section(f, "Outputs", &self.outputs)?;
        if !self.other.is_empty() {
            writeln!(f, "Other")?;
            for key in &self.other {
                writeln!(f, "[~] {key}")?;
            }
        }
        writeln!(
            f,
            "{} resource(s) added, {} removed, {} modified; {} replacement(s), {} destructive",
            self.added.len(),
            self.removed.len(),
            self.modified.len(),
            self.replacements().len(),
            self.destructive().len()
        )
    }
}
