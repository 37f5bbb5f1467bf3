//! Human-readable rendering of a [`TemplateDiff`]: loud replacement/destruction warnings first, then per-section
//! details, then a one-line summary.

use std::fmt;

use serde_json::Value;

use super::{SectionDiff, TemplateDiff};

/// Longest rendering of one value before it is elided.
const MAX_VALUE: usize = 80;

/// Render a value, elided to [`MAX_VALUE`] characters starting a little before `from` (the first difference).
fn show(value: Option<&Value>, from: usize) -> String {
    let Some(value) = value else {
        return "(absent)".to_owned();
    };
    let chars: Vec<char> = value.to_string().chars().collect();
    if chars.len() <= MAX_VALUE {
        return chars.into_iter().collect();
    }
    let start = from.saturating_sub(20).min(chars.len().saturating_sub(MAX_VALUE - 6));
    let end = (start + MAX_VALUE - 6).min(chars.len());
    let head = if start > 0 { "..." } else { "" };
    let tail = if end < chars.len() { "..." } else { "" };
    format!("{head}{}{tail}", chars[start..end].iter().collect::<String>())
}

/// Index of the first character where the renderings of two values differ.
fn first_difference(old: Option<&Value>, new: Option<&Value>) -> usize {
    let (a, b) = (
        old.map(Value::to_string).unwrap_or_default(),
        new.map(Value::to_string).unwrap_or_default(),
    );
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
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
                let from = first_difference(path.old.as_ref(), path.new.as_ref());
                let (old, new) = (show(path.old.as_ref(), from), show(path.new.as_ref(), from));
                writeln!(f, "    {}: {old} -> {new}{flag}", path.path)?;
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
