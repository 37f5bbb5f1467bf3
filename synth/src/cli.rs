//! The `synth` command line. `main.rs` only parses arguments and maps the outcome to an exit code.
//!
//! * `synth --env production` writes `out/production/<stack>.template.yaml` and `RUNBOOK.md` and prints a summary.
//! * `--all` synthesizes every environment under `stacks/`; `--format json` writes JSON.
//! * `--diff` writes nothing and compares with the committed snapshots (`snapshots/<env>-<stack>.snap`): exit 0
//!   clean, 2 differences. `--diff --summary markdown` prints the same comparison as a Markdown summary (a table per
//!   environment and stack, then details; replacements and destructive changes flagged) for CI to publish on a pull
//!   request.
//!
//! Paths default to the workspace this binary was built from (`<workspace>/stacks`, `<workspace>/out`,
//! `<workspace>/snapshots`), so the command behaves the same from any working directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;

use crate::env::{list_envs, load_env};
use crate::error::{SynthError, SynthErrors};
use crate::render::{EnvOutput, Format, synth_env};
use crate::summary::{StackDiff, TextDrift};

/// Exit code: differences found by `--diff`.
pub const EXIT_DIFF: u8 = 2;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "synth",
    about = "Synthesize the CloudFormation templates and runbook of the HubSpot -> Partner Central sync"
)]
pub struct Args {
    /// Environment(s) to synthesize: the name of a file `stacks/<env>.yaml`.
    #[arg(long, required_unless_present = "all")]
    pub env: Vec<String>,
    /// Synthesize every environment under the stacks directory.
    #[arg(long, conflicts_with = "env")]
    pub all: bool,
    /// Output directory (default: `<workspace>/out`); files go to `<out>/<env>/`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Template format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: Format,
    /// Compare with the committed snapshots instead of writing files (exit 2 on differences).
    #[arg(long)]
    pub diff: bool,
    /// With `--diff`: `text` (default) or `markdown` (the pull-request summary).
    #[arg(long, value_enum, requires = "diff")]
    pub summary: Option<SummaryFormat>,
    /// Directory of environment files (default: `<workspace>/stacks`).
    #[arg(long)]
    pub stacks_dir: Option<PathBuf>,
    /// Directory of committed snapshots (default: `<workspace>/snapshots`).
    #[arg(long)]
    pub snapshots_dir: Option<PathBuf>,
}

/// Format of the `--diff` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Per stack, the semantic diff as text.
    Text,
    /// A Markdown summary (table plus details) for pull requests.
    Markdown,
}

/// The workspace root this crate was built in.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Loads and synthesizes the requested environments; every problem of every environment is reported together.
pub fn synthesize(args: &Args) -> Result<Vec<EnvOutput>, SynthErrors> {
    let stacks_dir = args
        .stacks_dir
        .clone()
        .unwrap_or_else(|| workspace_root().join("stacks"));
    let names = if args.all {
        list_envs(&stacks_dir)?
    } else {
        args.env.clone()
    };
    if names.is_empty() {
        return Err(SynthError::Io {
            path: stacks_dir,
            message: "no environment files (*.yaml)".to_owned(),
        }
        .into());
    }
    let mut problems = Vec::new();
    let mut outputs = Vec::new();
    for name in names {
        match load_env(&stacks_dir, &name).and_then(|cfg| synth_env(&cfg, args.format)) {
            Ok(o) => outputs.push(o),
            Err(SynthErrors(e)) => problems.extend(e),
        }
    }
    if problems.is_empty() {
        Ok(outputs)
    } else {
        Err(SynthErrors(problems))
    }
}

/// The template body of an insta snapshot file (its `---` header removed).
pub fn strip_snapshot_header(text: &str) -> &str {
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return &rest[end + 5..];
    }
    text
}

/// Snapshot file name of a template or runbook.
pub fn snapshot_name(env: &str, file: &str) -> String {
    let stem = file
        .trim_end_matches(".template.yaml")
        .trim_end_matches(".template.json")
        .trim_end_matches(".md");
    format!("{env}-{stem}")
}

/// Compares one environment with its snapshots.
fn compare_env(out: &EnvOutput, snapshots: &Path) -> anyhow::Result<(Vec<StackDiff>, Vec<TextDrift>)> {
    let mut stacks = Vec::new();
    for s in &out.stacks {
        let Some(new) = out.values.get(s.key) else {
            continue;
        };
        let key = s.key;
        let path = snapshots.join(format!(
            "{}.snap",
            snapshot_name(&out.env, &format!("{key}.template.yaml"))
        ));
        let (old, new_stack) = match std::fs::read_to_string(&path) {
            Ok(text) => (
                serde_yaml::from_str(strip_snapshot_header(&text))
                    .with_context(|| format!("parsing {}", path.display()))?,
                false,
            ),
            Err(_) => (serde_json::json!({}), true),
        };
        stacks.push(StackDiff {
            env: out.env.clone(),
            stack: key.to_owned(),
            new_stack,
            diff: cfn_checks::diff::diff_templates(&old, new),
        });
    }
    let mut texts = Vec::new();
    for f in out.files.iter().filter(|f| f.name.ends_with(".md")) {
        let path = snapshots.join(format!("{}.snap", snapshot_name(&out.env, &f.name)));
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if strip_snapshot_header(&old).trim_end() != f.contents.trim_end() {
            texts.push(TextDrift {
                env: out.env.clone(),
                file: f.name.clone(),
            });
        }
    }
    Ok((stacks, texts))
}

/// The text report of [`compare_env`]'s results.
fn write_text(stacks: &[StackDiff], texts: &[TextDrift], snapshots: &Path, w: &mut impl Write) -> std::io::Result<()> {
    for s in stacks {
        if s.new_stack {
            let path = snapshots.join(format!(
                "{}.snap",
                snapshot_name(&s.env, &format!("{}.template.yaml", s.stack))
            ));
            writeln!(
                w,
                "{}/{}: no committed snapshot {}; every resource is new",
                s.env,
                s.stack,
                path.display()
            )?;
        }
        if s.diff.is_empty() {
            writeln!(w, "{}/{}: no changes", s.env, s.stack)?;
        } else {
            writeln!(w, "{}/{}:\n{}", s.env, s.stack, s.diff)?;
        }
    }
    for t in texts {
        let path = snapshots.join(format!("{}.snap", snapshot_name(&t.env, &t.file)));
        writeln!(w, "{}/{}: text differs from {}", t.env, t.file, path.display())?;
    }
    Ok(())
}

/// Writes the files of one environment; returns the paths written.
fn write_env(out: &EnvOutput, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let env_dir = dir.join(&out.env);
    std::fs::create_dir_all(&env_dir).with_context(|| format!("creating {}", env_dir.display()))?;
    let mut written = Vec::new();
    for f in &out.files {
        let path = env_dir.join(&f.name);
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Prints the one-screen summary of one environment.
fn summarize(out: &EnvOutput, written: &[PathBuf], w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "environment {}", out.env)?;
    for s in &out.stacks {
        let counts: Vec<String> = s
            .counts
            .iter()
            .map(|(k, v)| format!("{}={v}", k.trim_start_matches("AWS::")))
            .collect();
        let upload = if s.bytes > crate::constructs::limits::MAX_BODY_INLINE {
            " (over 51,200: deploy with --s3-bucket)"
        } else {
            ""
        };
        writeln!(
            w,
            "  {:<24} {:>3} resources, {:>6} bytes{upload}: {}",
            s.key,
            s.resources,
            s.bytes,
            counts.join(" ")
        )?;
    }
    for path in written {
        writeln!(w, "  wrote {}", path.display())?;
    }
    Ok(())
}

/// Runs the command; returns the exit code for success paths (0 or [`EXIT_DIFF`]).
pub fn run(args: &Args, w: &mut impl Write) -> anyhow::Result<u8> {
    let outputs = synthesize(args)?;
    if args.diff {
        let snapshots = args
            .snapshots_dir
            .clone()
            .unwrap_or_else(|| workspace_root().join("snapshots"));
        let (mut stacks, mut texts) = (Vec::new(), Vec::new());
        for o in &outputs {
            let (s, t) = compare_env(o, &snapshots)?;
            stacks.extend(s);
            texts.extend(t);
        }
        match args.summary.unwrap_or(SummaryFormat::Text) {
            SummaryFormat::Text => write_text(&stacks, &texts, &snapshots, w)?,
            SummaryFormat::Markdown => w.write_all(crate::summary::markdown(&stacks, &texts).as_bytes())?,
        }
        let differs = !texts.is_empty() || stacks.iter().any(|s| s.new_stack || !s.diff.is_empty());
        return Ok(if differs { EXIT_DIFF } else { 0 });
    }
    let dir = args.out.clone().unwrap_or_else(|| workspace_root().join("out"));
    // Every file is written before anything is printed, so a closed stdout (`| head`) cannot leave files out.
    let mut written = Vec::new();
    for o in &outputs {
        written.push(write_env(o, &dir)?);
    }
    for (o, paths) in outputs.iter().zip(&written) {
        if summarize(o, paths, w).is_err() {
            break; // stdout closed: the files are written, the summary is best effort
        }
    }
    Ok(0)
}
