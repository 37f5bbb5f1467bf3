//! The Markdown summary of `synth --diff --summary markdown`, the text CI publishes on a pull request: one table
//! row per environment and stack (added / removed / modified resources, replacements, destructive changes, snapshot
//! state), then the details of every stack that changed, replacements and data loss flagged first.

use std::fmt::Write;

use cfn_checks::diff::TemplateDiff;

/// The comparison of one synthesized stack with its committed snapshot.
#[derive(Debug, Clone)]
pub struct StackDiff {
    /// Environment name.
    pub env: String,
    /// Stack key (`async-architecture`, ...).
    pub stack: String,
    /// No committed snapshot existed (every resource counts as added).
    pub new_stack: bool,
    /// The semantic diff (snapshot -> synthesized).
    pub diff: TemplateDiff,
}

/// A text output (runbook) that differs from its snapshot.
#[derive(Debug, Clone)]
pub struct TextDrift {
    /// Environment name.
    pub env: String,
    /// File name (`RUNBOOK.md`).
    pub file: String,
}

/// Escapes text for a Markdown table cell or inline code.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'").replace('\n', " ")
}

fn section_lines(out: &mut String, name: &str, s: &cfn_checks::diff::SectionDiff) {
    for id in &s.added {
        let _ = writeln!(out, "- {name} added: `{}`", cell(id));
    }
    for id in &s.removed {
        let _ = writeln!(out, "- {name} removed: `{}`", cell(id));
    }
    for e in &s.modified {
        let paths: Vec<String> = e.paths.iter().map(|p| format!("`{}`", cell(p))).collect();
        let _ = writeln!(out, "- {name} modified: `{}` ({})", cell(&e.name), paths.join(", "));
    }
}

fn details(out: &mut String, s: &StackDiff) {
    let d = &s.diff;
    let _ = writeln!(out, "\n### {} / {}\n", cell(&s.env), cell(&s.stack));
    if s.new_stack {
        let _ = writeln!(out, "No committed snapshot: every resource is new.\n");
    }
    for r in d.removed.iter().filter(|r| r.destructive) {
        let _ = writeln!(
            out,
            "- **DESTRUCTIVE**: `{}` ({}) is removed; its data is deleted.",
            cell(&r.logical_id),
            cell(&r.resource_type)
        );
    }
    for c in d.replacements() {
        let mut causes: Vec<String> = c
            .changes
            .iter()
            .filter(|p| p.replacement)
            .map(|p| format!("`{}`", cell(&p.path)))
            .collect();
        causes.extend(
            c.replaced_because_of
                .iter()
                .map(|id| format!("`{}` is replaced", cell(id))),
        );
        let data = if c.destructive { " and its data is lost" } else { "" };
        let _ = writeln!(
            out,
            "- **REPLACEMENT**: `{}` ({}) is replaced{data}: {}",
            cell(&c.logical_id),
            cell(&c.new_type),
            causes.join(", ")
        );
    }
    if !d.replacements().is_empty() || d.removed.iter().any(|r| r.destructive) {
        out.push('\n');
    }
    for a in &d.added {
        let _ = writeln!(out, "- added `{}` ({})", cell(&a.logical_id), cell(&a.resource_type));
    }
    for r in &d.removed {
        let _ = writeln!(out, "- removed `{}` ({})", cell(&r.logical_id), cell(&r.resource_type));
    }
    for c in &d.modified {
        let flag = if c.replacement { " **replacement**" } else { "" };
        let mut paths: Vec<String> = c.changes.iter().map(|p| format!("`{}`", cell(&p.path))).collect();
        paths.extend(
            c.replaced_because_of
                .iter()
                .map(|id| format!("references `{}`, which is replaced", cell(id))),
        );
        let _ = writeln!(
            out,
            "- modified `{}` ({}){flag}: {}",
            cell(&c.logical_id),
            cell(&c.new_type),
            paths.join(", ")
        );
    }
    section_lines(out, "parameter", &d.parameters);
    section_lines(out, "condition", &d.conditions);
    section_lines(out, "mapping", &d.mappings);
    section_lines(out, "output", &d.outputs);
    for key in &d.other {
        let _ = writeln!(out, "- template `{}` changed", cell(key));
    }
}

/// The whole summary. Stacks come in the order given (environments sorted, stacks in deploy order).
pub fn markdown(stacks: &[StackDiff], texts: &[TextDrift]) -> String {
    let mut out = String::from("## Synthesized stacks vs committed snapshots\n\n");
    let changed = stacks.iter().filter(|s| !s.diff.is_empty() || s.new_stack).count();
    let replacements: usize = stacks.iter().map(|s| s.diff.replacements().len()).sum();
    let destructive: usize = stacks.iter().map(|s| s.diff.destructive().len()).sum();
    if changed == 0 && texts.is_empty() {
        let _ = writeln!(
            out,
            "No drift: every stack and runbook equals its committed snapshot.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "**{changed} stack(s) differ from their snapshots; {replacements} replacement(s), {destructive} \
             destructive change(s).**{}\n",
            if replacements + destructive > 0 {
                " Review the flagged resources before merging."
            } else {
                ""
            }
        );
    }
    out.push_str("| environment | stack | added | removed | modified | replacements | destructive | snapshot |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---|\n");
    for s in stacks {
        let d = &s.diff;
        let state = if s.new_stack {
            "missing"
        } else if d.is_empty() {
            "up to date"
        } else {
            "drift"
        };
        let flag = |n: usize| if n > 0 { format!("**{n}**") } else { n.to_string() };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {state} |",
            cell(&s.env),
            cell(&s.stack),
            d.added.len(),
            d.removed.len(),
            d.modified.len(),
            flag(d.replacements().len()),
            flag(d.destructive().len()),
        );
    }
    for t in texts {
        let _ = writeln!(out, "| {} | {} | | | | | | text drift |", cell(&t.env), cell(&t.file));
    }
    for s in stacks.iter().filter(|s| !s.diff.is_empty()) {
        details(&mut out, s);
    }
    if !texts.is_empty() || changed > 0 {
        out.push_str(
            "\nUpdate the snapshots with `INSTA_UPDATE=always cargo test -p synth --test snapshots` when the change \
             is intended.\n",
        );
    }
    out
}
