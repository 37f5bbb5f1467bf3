//! Whole-environment synthesis: build the stacks, collect every problem (construct rules, references, limits,
//! cfn-checks rule findings), render YAML or JSON bytes and the runbook.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cfn::Template;
use crate::cfn::validate::check_references;
use crate::constructs::limits::{self, Sizes};
use crate::env::{EnvConfig, Names};
use crate::error::{SynthError, SynthErrors};
use crate::stacks::{self, alarms::catalogue};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML (long-form intrinsics).
    Yaml,
    /// JSON, 2-space indent, trailing newline.
    Json,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// Renders a template.
pub fn to_text(t: &Template, format: Format) -> Result<String, SynthError> {
    let err = |m: String| SynthError::Render {
        what: t.stack.clone(),
        message: m,
    };
    match format {
        Format::Yaml => serde_yaml::to_string(t).map_err(|e| err(e.to_string())),
        Format::Json => serde_json::to_string_pretty(t)
            .map(|s| s + "\n")
            .map_err(|e| err(e.to_string())),
    }
}

/// One written file, relative to the environment's output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// File name (`async-architecture.template.yaml`, `RUNBOOK.md`).
    pub name: String,
    /// Exact bytes.
    pub contents: String,
}

/// Summary of one stack.
#[derive(Debug, Clone)]
pub struct StackSummary {
    /// Stack key.
    pub key: &'static str,
    /// Resource counts per type.
    pub counts: BTreeMap<&'static str, usize>,
    /// Total resources.
    pub resources: usize,
    /// Rendered size.
    pub bytes: usize,
}

/// Everything synthesized for one environment.
#[derive(Debug, Clone)]
pub struct EnvOutput {
    /// Environment name.
    pub env: String,
    /// Per-stack summaries in deploy order.
    pub stacks: Vec<StackSummary>,
    /// Templates then the runbook.
    pub files: Vec<OutFile>,
    /// Pretty-printed dashboard bodies by stack key.
    pub dashboards: BTreeMap<&'static str, String>,
    /// Templates as JSON values by stack key (for checks and diffs).
    pub values: BTreeMap<&'static str, serde_json::Value>,
}

/// Synthesizes every stack of `cfg`; returns all problems at once on failure.
pub fn synth_env(cfg: &EnvConfig, format: Format) -> Result<EnvOutput, SynthErrors> {
    let mut problems = Vec::new();
    let mut out = EnvOutput {
        env: cfg.name.clone(),
        stacks: vec![],
        files: vec![],
        dashboards: BTreeMap::new(),
        values: BTreeMap::new(),
    };
    for built in stacks::build_all(cfg) {
        let t = built.template;
        problems.extend(t.problems.iter().cloned());
        let name = format!("{}.template.{}", built.key, format.ext());
        let value = match serde_json::to_value(&t) {
            Ok(v) => v,
            Err(e) => {
                problems.push(SynthError::Render {
                    what: t.stack.clone(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        problems.extend(check_references(&t.stack, &value));
        // The template-wide rule pass runs once the construct rules hold, so one mistake is not reported twice.
        let report = if t.problems.is_empty() {
            cfn_checks::rules::check_template(&value)
        } else {
            cfn_checks::rules::RuleReport::default()
        };
        for f in &report.findings {
            problems.push(crate::error::rule(
                &t.stack,
                f.logical_id.clone(),
                f.rule_id,
                f.message.clone(),
            ));
        }
        for e in &report.errors {
            problems.push(SynthError::Render {
                what: format!("{} suppressions", t.stack),
                message: e.to_string(),
            });
        }
        match to_text(&t, format) {
            Ok(text) => {
                let sizes = Sizes {
                    bytes: text.len(),
                    resources: t.resources.len(),
                    parameters: t.parameters.len(),
                    outputs: t.outputs.len(),
                };
                problems.extend(limits::check(&t.stack, &name, sizes, limits::MAX_BODY_S3));
                out.stacks.push(StackSummary {
                    key: built.key,
                    counts: t.counts_by_type(),
                    resources: t.resource_count(),
                    bytes: text.len(),
                });
                out.files.push(OutFile { name, contents: text });
            }
            Err(e) => problems.push(e),
        }
        if let Some(body) = built.dashboard {
            out.dashboards.insert(
                built.key,
                serde_json::to_string_pretty(&body).unwrap_or_default() + "\n",
            );
        }
        out.values.insert(built.key, value);
    }
    match runbook(cfg) {
        Ok(text) => out.files.push(OutFile {
            name: "RUNBOOK.md".to_owned(),
            contents: text,
        }),
        Err(e) => problems.push(e),
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(SynthErrors(problems))
    }
}

#[derive(Serialize)]
struct RunbookCtx<'a> {
    env: &'a str,
    cfg: &'a EnvConfig,
    queue: String,
    dlq: String,
    receipt_fn: String,
    processor_fn: String,
    api: String,
    topic: String,
    dashboard: String,
    token_secret: String,
    webhook_secret: String,
    pc_role: String,
    stack_async: String,
    stack_pc: String,
    stack_monitoring: String,
    export_prefix: String,
    alarms: Vec<stacks::alarms::AlarmDoc>,
    webhook_path: String,
    sync_settings: String,
}

/// Renders the operator runbook of `cfg`.
pub fn runbook(cfg: &EnvConfig) -> Result<String, SynthError> {
    let n = Names::new(cfg);
    let ctx = RunbookCtx {
        env: &cfg.name,
        cfg,
        queue: n.queue(),
        dlq: n.dlq(),
        receipt_fn: n.receipt_fn(),
        processor_fn: n.processor_fn(),
        api: n.api(),
        topic: n.topic(),
        dashboard: n.dashboard(),
        token_secret: n.token_secret(),
        webhook_secret: n.webhook_secret(),
        pc_role: n.partner_central_role(),
        stack_async: n.stack("async-architecture"),
        stack_pc: n.stack("partner-central-access"),
        stack_monitoring: n.stack("monitoring"),
        export_prefix: n.export(""),
        alarms: catalogue(cfg),
        webhook_path: format!("/{}/{}", cfg.api.stage_name, stacks::async_arch::WEBHOOK_PATH.join("/")),
        sync_settings: crate::env::sync_settings_json(&cfg.sync),
    };
    crate::text::render("runbook.md", crate::text::RUNBOOK, &ctx)
}
