//! The `deploy` command line.
//!
//! ```text
//! cargo run -p deploy -- --env staging --artifacts-bucket my-artifacts            # build, upload, deploy
//! cargo run -p deploy -- --env production --artifacts-bucket B --skip-build --yes  # CI: prebuilt zips
//! ```
//! Progress goes to stderr, the final summary (uploads, outcome and outputs of every stack, the webhook URL) to
//! stdout. In `production` every change set with changes is shown and must be confirmed on the terminal unless
//! `--yes` is given; without a terminal and without `--yes` the change set is deleted and the command fails.
//! `--plan` shows every change set and deletes it without executing (CI shows the production plan this way before
//! the approval). AWS credentials, region and endpoint come from the usual AWS environment (`AWS_PROFILE`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` for an emulator, which also switches S3 to path-style addressing).

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;

use crate::changeset::{ChangeSetSummary, CreateMode, Waits};
use crate::deploy::{Aws, DeployOptions, deploy_env};

/// Environment variable read when `--artifacts-bucket` is not given.
pub const ENV_ARTIFACTS_BUCKET: &str = "DEPLOY_ARTIFACTS_BUCKET";

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "deploy",
    about = "Synthesize, build, upload and deploy one environment of the HubSpot -> Partner Central sync"
)]
pub struct Args {
    /// Environment: the name of a file `stacks/<env>.yaml`.
    #[arg(long)]
    pub env: String,
    /// Execute change sets without asking (production asks otherwise).
    #[arg(long)]
    pub yes: bool,
    /// S3 bucket for the function zips (default: $DEPLOY_ARTIFACTS_BUCKET).
    #[arg(long)]
    pub artifacts_bucket: Option<String>,
    /// Use the zips already in --lambda-dir instead of running scripts/build-lambdas.sh.
    #[arg(long)]
    pub skip_build: bool,
    /// Directory holding `<function>/bootstrap.zip` (default: <workspace>/target/lambda).
    #[arg(long)]
    pub lambda_dir: Option<PathBuf>,
    /// Deploy only this stack (repeatable; e.g. async-architecture). Default: every stack in order.
    #[arg(long = "stack")]
    pub stacks: Vec<String>,
    /// Template parameter value KEY=VALUE (repeatable), e.g. AlarmEmail=ops@example.com.
    #[arg(long = "parameter", value_parser = parse_key_value)]
    pub parameters: Vec<(String, String)>,
    /// Directory of environment files (default: <workspace>/stacks).
    #[arg(long)]
    pub stacks_dir: Option<PathBuf>,
    /// Seconds between status polls.
    #[arg(long, default_value_t = 5)]
    pub poll_seconds: u64,
    /// Create new stacks with CreateStack instead of a CREATE change set (updates still use change sets).
    /// For emulators such as moto, whose CREATE change sets leave stacks without outputs and exports.
    #[arg(long)]
    pub create_without_change_set: bool,
    /// Only show each stack's change set (then delete it); execute nothing. Zips are still uploaded.
    #[arg(long, conflicts_with = "yes")]
    pub plan: bool,
    /// Give up waiting for a change set or stack operation after this many minutes.
    #[arg(long, default_value_t = 60)]
    pub timeout_minutes: u64,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Whether change sets of `env` need confirmation.
pub fn needs_confirmation(env: &str, yes: bool) -> bool {
    env == "production" && !yes
}

/// Asks on the terminal; answers no when stdin is not a terminal.
fn ask_on_terminal(summary: &ChangeSetSummary) -> bool {
    let mut err = std::io::stderr();
    if !std::io::stdin().is_terminal() {
        let _ = writeln!(
            err,
            "{}: stdin is not a terminal; pass --yes to execute production change sets non-interactively",
            summary.stack
        );
        return false;
    }
    let _ = write!(
        err,
        "execute change set {} on {}? [y/N] ",
        summary.change_set, summary.stack
    );
    let _ = err.flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "YES")
}

/// Runs the command.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let root = synth::cli::workspace_root();
    let bucket = match args.artifacts_bucket.clone() {
        Some(b) => b,
        None => std::env::var(ENV_ARTIFACTS_BUCKET)
            .ok()
            .filter(|b| !b.is_empty())
            .with_context(|| format!("no artifacts bucket: pass --artifacts-bucket or set {ENV_ARTIFACTS_BUCKET}"))?,
    };
    let stacks_dir = args.stacks_dir.clone().unwrap_or_else(|| root.join("stacks"));
    let cfg = synth::env::load_env(&stacks_dir, &args.env).map_err(|e| {
        let lines: Vec<String> = e.0.iter().map(|p| format!("  - {p}")).collect();
        anyhow::anyhow!("environment {}:\n{}", args.env, lines.join("\n"))
    })?;

    if !args.skip_build {
        crate::build::build_lambdas(&root)?;
    }
    let lambda_dir = args
        .lambda_dir
        .clone()
        .unwrap_or_else(|| root.join("target").join("lambda"));
    let artifacts = crate::build::load_artifacts(&lambda_dir)?;

    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let emulator = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    let aws = Aws::new(&conf, emulator);
    if args.poll_seconds == 0 {
        bail!("--poll-seconds must be at least 1");
    }
    let opts = DeployOptions {
        artifacts_bucket: bucket,
        artifacts,
        only: args.stacks.clone(),
        parameters: args.parameters.iter().cloned().collect::<BTreeMap<_, _>>(),
        require_confirmation: needs_confirmation(&args.env, args.yes),
        waits: Waits {
            poll: Duration::from_secs(args.poll_seconds),
            timeout: Duration::from_secs(args.timeout_minutes.saturating_mul(60)),
        },
        plan_only: args.plan,
        create_mode: if args.create_without_change_set {
            CreateMode::CreateStack
        } else {
            CreateMode::ChangeSet
        },
    };
    let mut confirm = ask_on_terminal;
    let mut progress = std::io::stderr();
    let report = deploy_env(&aws, &cfg, &opts, &mut confirm, &mut progress).await?;
    report.print(&mut std::io::stdout())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn arguments_parse() {
        let a = Args::try_parse_from([
            "deploy",
            "--env",
            "production",
            "--artifacts-bucket",
            "b",
            "--skip-build",
            "--stack",
            "async-architecture",
            "--parameter",
            "AlarmEmail=ops@example.com",
        ])
        .unwrap();
        assert_eq!(a.stacks, ["async-architecture"]);
        assert_eq!(a.parameters, [("AlarmEmail".to_owned(), "ops@example.com".to_owned())]);
        assert!(a.skip_build && !a.yes);
        assert!(Args::try_parse_from(["deploy", "--env", "x", "--parameter", "novalue"]).is_err());
        assert!(Args::try_parse_from(["deploy"]).is_err());
    }

    #[test]
    fn only_production_asks_and_yes_skips_it() {
        assert!(needs_confirmation("production", false));
        assert!(!needs_confirmation("production", true));
        assert!(!needs_confirmation("staging", false));
    }
}
