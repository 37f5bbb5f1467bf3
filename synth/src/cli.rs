//! The `synth` command line. `main.rs` only parses arguments and maps the outcome to an exit code.
//!
//! * `synth --env production` writes `out/production/<stack>.template.yaml` and `RUNBOOK.md` and prints a summary.
//! * `--all` synthesizes every environment under `stacks/`; `--format json` writes JSON.
//! * `--diff` writes nothing and compares with the committed snapshots (`snapshots/<env>-<stack>.snap`): exit 0
//!   clean, 2 differences.
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
    /// Directory of environment files (default: `<workspace>/stacks`).
    #[arg(long)]
    pub stacks_dir: Option<PathBuf>,
    /// Directory of committed snapshots (default: `<workspace>/snapshots`).
    #[arg(long)]
    pub snapshots_dir: Option<PathBuf>,
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

fn diff_env(out: &EnvOutput, snapshots: &Path, w: &mut impl Write) -> anyhow::Result<bool> {
    let mut differs = false;
    for (key, new) in &out.values {
        let path = snapshots.join(format!(
            "{}.snap",
            snapshot_name(&out.env, &format!("{key}.template.yaml"))
        ));
        let old: serde_json::Value = match std::fs::read_to_string(&path) {
            Ok(text) => serde_yaml::from_str(strip_snapshot_header(&text))
                .with_context(|| format!("parsing {}", path.display()))?,
            Err(_) => {
                writeln!(
                    w,
                    "{}/{key}: no committed snapshot {}; every resource is new",
                    out.env,
                    path.display()
                )?;
                serde_json::json!({})
            }
        };
        let d = cfn_checks::diff::diff_templates(&old, new);
        if d.is_empty() {
            writeln!(w, "{}/{key}: no changes", out.env)?;
        } else {
            differs = true;
            writeln!(w, "{}/{key}:\n{d}", out.env)?;
        }
    }
    for f in out.files.iter().filter(|f| f.name.ends_with(".md")) {
        let path = snapshots.join(format!("{}.snap", snapshot_name(&out.env, &f.name)));
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if strip_snapshot_header(&old).trim_end() != f.contents.trim_end() {
            differs = true;
            writeln!(w, "{}/{}: text differs from {}", out.env, f.name, path.display())?;
        }
    }
    Ok(differs)
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
        let mut differs = false;
        for o in &outputs {
            differs |= diff_env(o, &snapshots, w)?;
        }
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
