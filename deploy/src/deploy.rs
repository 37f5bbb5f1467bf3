//! The whole deploy of one environment: synthesize, upload the function zips, then deploy each stack in the
//! synth's order through a change set, feeding earlier stacks' outputs into later stacks' parameters.
//!
//! Parameter values come from, in this order: the explicit overrides, the values the deploy knows
//! (`CodeBucket`, the two code keys, `ProcessorRoleArn` = output `EventProcessorRoleArn` of
//! `async-architecture`), and otherwise the template default. A parameter with none of these is an error.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use sha2::{Digest, Sha256};
use synth::env::{EnvConfig, Names};
use synth::render::{Format, synth_env};

use crate::artifacts::{self, Artifact, Upload};
use crate::changeset::{ChangeSetSummary, CreateMode, Outcome, StackRequest, TemplateSource, Waits, deploy_stack};
use crate::error::DeployError;

/// Largest template CloudFormation accepts inline; larger ones go through S3.
pub const MAX_INLINE_TEMPLATE: usize = 51_200;

/// The AWS clients a deploy uses.
#[derive(Debug, Clone)]
pub struct Aws {
    /// CloudFormation.
    pub cfn: aws_sdk_cloudformation::Client,
    /// S3 (path-style addressing when an endpoint override is used).
    pub s3: aws_sdk_s3::Client,
    /// Region (for template URLs).
    pub region: String,
}

impl Aws {
    /// Clients from a loaded SDK config. `path_style` forces path-style S3 URLs, which emulators need.
    pub fn new(conf: &aws_config::SdkConfig, path_style: bool) -> Self {
        let s3_conf = aws_sdk_s3::config::Builder::from(conf)
            .force_path_style(path_style)
            .build();
        Self {
            cfn: aws_sdk_cloudformation::Client::new(conf),
            s3: aws_sdk_s3::Client::from_conf(s3_conf),
            region: conf
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".to_owned()),
        }
    }
}

/// Options of [`deploy_env`].
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Bucket for function zips (and templates over 51,200 bytes).
    pub artifacts_bucket: String,
    /// The checked function zips (both functions).
    pub artifacts: Vec<Artifact>,
    /// Stack keys to deploy (empty: all, in deploy order).
    pub only: Vec<String>,
    /// Explicit parameter values, applied to every stack that declares the parameter.
    pub parameters: BTreeMap<String, String>,
    /// Ask the confirmer before executing each change set that has changes.
    pub require_confirmation: bool,
    /// Poll interval and per-wait timeout.
    pub waits: Waits,
    /// How stacks that do not exist yet are created (change set unless an emulator needs CreateStack).
    pub create_mode: CreateMode,
    /// Show every stack's change set and delete it; execute nothing (zips are still uploaded).
    pub plan_only: bool,
}

impl DeployOptions {
    /// Default waits: poll every 5 s, give up after 60 minutes.
    pub fn default_waits() -> Waits {
        Waits {
            poll: Duration::from_secs(5),
            timeout: Duration::from_secs(3600),
        }
    }
}

/// What happened to one stack.
#[derive(Debug, Clone)]
pub struct StackReport {
    /// Stack key (`async-architecture`).
    pub key: String,
    /// Stack name (`<prefix>-<key>-<env>`).
    pub name: String,
    /// Created, updated or unchanged.
    pub outcome: Outcome,
    /// The executed change set (absent when unchanged).
    pub change_set: Option<ChangeSetSummary>,
    /// Outputs after the deploy.
    pub outputs: BTreeMap<String, String>,
}

/// What a deploy did.
#[derive(Debug, Clone)]
pub struct DeployReport {
    /// Environment.
    pub env: String,
    /// Each artifact with what the upload did.
    pub uploads: Vec<(Artifact, Upload)>,
    /// Stacks in deploy order.
    pub stacks: Vec<StackReport>,
}

impl DeployReport {
    /// The webhook URL (output `WebhookUrl`), when the async stack was deployed.
    pub fn webhook_url(&self) -> Option<&str> {
        self.stacks
            .iter()
            .find_map(|s| s.outputs.get("WebhookUrl"))
            .map(String::as_str)
    }

    /// Writes the readable end-of-deploy summary: uploads, outcome per stack, every output.
    pub fn print(&self, w: &mut dyn Write) -> std::io::Result<()> {
        writeln!(w, "environment {}", self.env)?;
        for (a, u) in &self.uploads {
            let what = match u {
                Upload::Uploaded => "uploaded",
                Upload::AlreadyPresent => "already present",
            };
            writeln!(w, "  {:<16} {} ({} bytes, {what})", a.function.name(), a.key, a.bytes)?;
        }
        for s in &self.stacks {
            let outcome = match s.outcome {
                Outcome::Created => "created".to_owned(),
                Outcome::Updated => format!(
                    "updated ({} resource changes)",
                    s.change_set.as_ref().map_or(0, |c| c.changes.len())
                ),
                Outcome::NoChanges => "no changes".to_owned(),
                Outcome::Planned => format!(
                    "planned only ({} resource changes, nothing executed)",
                    s.change_set.as_ref().map_or(0, |c| c.changes.len())
                ),
            };
            writeln!(w, "stack {}: {outcome}", s.name)?;
            for (k, v) in &s.outputs {
                writeln!(w, "  {k} = {v}")?;
            }
        }
        if let Some(url) = self.webhook_url() {
            writeln!(w, "webhook URL (target of the HubSpot app): {url}")?;
        }
        Ok(())
    }
}

/// A parameter declared by a template.
#[derive(Debug, Clone)]
struct ParamSpec {
    name: String,
    has_default: bool,
}

fn param_specs(template: &serde_json::Value) -> Vec<ParamSpec> {
    template
        .get("Parameters")
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .map(|(name, spec)| ParamSpec {
                    name: name.clone(),
                    has_default: spec.get("Default").is_some(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Template defaults (as CloudFormation reports them: strings) of the parameters not in `given`.
fn defaults_of(template: &serde_json::Value, given: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    template
        .get("Parameters")
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .filter(|(name, _)| !given.contains_key(*name))
                .filter_map(|(name, spec)| {
                    let d = spec.get("Default")?;
                    let text = d.as_str().map(str::to_owned).unwrap_or_else(|| d.to_string());
                    Some((name.clone(), text))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// (logical id, type) of every resource in a template.
fn resources_of(template: &serde_json::Value) -> Vec<(String, String)> {
    template
        .get("Resources")
        .and_then(|r| r.as_object())
        .map(|m| {
            m.iter()
                .map(|(id, r)| {
                    let ty = r.get("Type").and_then(|t| t.as_str()).unwrap_or_default();
                    (id.clone(), ty.to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Deploys `cfg` with `aws`. `confirm` is consulted for every change set with changes when
/// [`DeployOptions::require_confirmation`] is set; progress lines go to `progress`.
pub async fn deploy_env(
    aws: &Aws,
    cfg: &EnvConfig,
    opts: &DeployOptions,
    confirm: &mut dyn FnMut(&ChangeSetSummary) -> bool,
    progress: &mut dyn Write,
) -> Result<DeployReport, DeployError> {
    let out = synth_env(cfg, Format::Yaml).map_err(|e| DeployError::Synth {
        env: cfg.name.clone(),
        problems: e.0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"),
    })?;
    let keys: Vec<String> = out.stacks.iter().map(|s| s.key.to_owned()).collect();
    for k in &opts.only {
        if !keys.contains(k) {
            return Err(DeployError::UnknownStack {
                key: k.clone(),
                known: keys.join(", "),
            });
        }
    }
    let names = Names::new(cfg);

    let mut uploads = Vec::new();
    for a in &opts.artifacts {
        let u = artifacts::upload(&aws.s3, &opts.artifacts_bucket, a).await?;
        writeln!(
            progress,
            "{}: s3://{}/{} ({})",
            a.function.name(),
            opts.artifacts_bucket,
            a.key,
            if u == Upload::Uploaded {
                "uploaded"
            } else {
                "already present"
            }
        )?;
        uploads.push((a.clone(), u));
    }

    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut reports = Vec::new();
    for key in &keys {
        let stack = names.stack(key);
        if !opts.only.is_empty() && !opts.only.contains(key) {
            // Not deployed now, but its outputs may feed a later stack.
            if let Ok(o) = crate::changeset::stack_outputs(&aws.cfn, &stack).await {
                outputs.insert(key.clone(), o);
            }
            continue;
        }
        let file = format!("{key}.template.yaml");
        let body = out
            .files
            .iter()
            .find(|f| f.name == file)
            .map(|f| f.contents.clone())
            .unwrap_or_default();
        let value = out.values.get(key.as_str()).cloned().unwrap_or_default();
        let parameters = match resolve_parameters(&stack, &value, opts, &outputs) {
            Err(DeployError::MissingOutput { from, output, .. }) if opts.plan_only => {
                writeln!(
                    progress,
                    "{stack}: not planned: it needs output {output} of {from}, which does not exist yet"
                )?;
                continue;
            }
            other => other?,
        };
        let template = template_source(aws, opts, &cfg.name, key, body).await?;
        let req = StackRequest {
            stack: stack.clone(),
            change_set: format!("deploy-{}-{millis}", cfg.name),
            template,
            parameters: parameters.clone(),
            tags: BTreeMap::from([
                ("environment".to_owned(), cfg.name.clone()),
                ("deployed-by".to_owned(), "hubspot-sync-deploy".to_owned()),
            ]),
            defaults: defaults_of(&value, &parameters),
            create_mode: opts.create_mode,
            plan_only: opts.plan_only,
            resources: resources_of(&value),
        };
        let gate: Option<&mut dyn FnMut(&ChangeSetSummary) -> bool> = if opts.require_confirmation {
            Some(&mut *confirm)
        } else {
            None
        };
        let r = deploy_stack(&aws.cfn, &req, opts.waits, gate, progress).await?;
        outputs.insert(key.clone(), r.outputs.clone());
        reports.push(StackReport {
            key: key.clone(),
            name: stack,
            outcome: r.outcome,
            change_set: r.summary,
            outputs: r.outputs,
        });
    }
    Ok(DeployReport {
        env: cfg.name.clone(),
        uploads,
        stacks: reports,
    })
}

/// Values for the template's parameters (see the module docs for the precedence).
fn resolve_parameters(
    stack: &str,
    template: &serde_json::Value,
    opts: &DeployOptions,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<BTreeMap<String, String>, DeployError> {
    let mut values = BTreeMap::new();
    for p in param_specs(template) {
        if let Some(v) = opts.parameters.get(&p.name) {
            values.insert(p.name, v.clone());
            continue;
        }
        let known = match p.name.as_str() {
            "CodeBucket" => Some(opts.artifacts_bucket.clone()),
            "ProcessorRoleArn" => {
                let from = "async-architecture";
                let v = outputs.get(from).and_then(|o| o.get("EventProcessorRoleArn")).cloned();
                if v.is_none() && !p.has_default {
                    return Err(DeployError::MissingOutput {
                        stack: stack.to_owned(),
                        from: from.to_owned(),
                        output: "EventProcessorRoleArn".to_owned(),
                    });
                }
                v
            }
            name => opts
                .artifacts
                .iter()
                .find(|a| a.function.key_parameter() == name)
                .map(|a| a.key.clone()),
        };
        match known {
            Some(v) => {
                values.insert(p.name, v);
            }
            None if p.has_default => {}
            None => {
                return Err(DeployError::MissingParameter {
                    stack: stack.to_owned(),
                    parameter: p.name,
                });
            }
        }
    }
    Ok(values)
}

/// Inline body when small enough, else the template uploaded to `templates/<env>/<key>/<sha256>.yaml`.
async fn template_source(
    aws: &Aws,
    opts: &DeployOptions,
    env: &str,
    key: &str,
    body: String,
) -> Result<TemplateSource, DeployError> {
    if body.len() <= MAX_INLINE_TEMPLATE {
        return Ok(TemplateSource::Body(body));
    }
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    let object = format!("templates/{env}/{key}/{hash}.yaml");
    aws.s3
        .put_object()
        .bucket(&opts.artifacts_bucket)
        .key(&object)
        .content_type("application/x-yaml")
        .body(body.into_bytes().into())
        .send()
        .await
        .map_err(|e| DeployError::S3 {
            operation: "PutObject",
            bucket: opts.artifacts_bucket.clone(),
            key: object.clone(),
            message: crate::error::sdk_message(&e),
        })?;
    Ok(TemplateSource::Url(format!(
        "https://{}.s3.{}.amazonaws.com/{object}",
        opts.artifacts_bucket, aws.region
    )))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn opts(parameters: &[(&str, &str)]) -> DeployOptions {
        DeployOptions {
            artifacts_bucket: "bucket".into(),
            artifacts: vec![],
            only: vec![],
            parameters: parameters.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            require_confirmation: false,
            waits: DeployOptions::default_waits(),
            create_mode: CreateMode::ChangeSet,
            plan_only: false,
        }
    }

    #[test]
    fn parameters_come_from_overrides_known_values_then_defaults() {
        let t = serde_json::json!({"Parameters": {
            "CodeBucket": {"Type": "String"},
            "AlarmEmail": {"Type": "String", "Default": ""},
            "ProcessorRoleArn": {"Type": "String"},
        }});
        let outputs = BTreeMap::from([(
            "async-architecture".to_owned(),
            BTreeMap::from([("EventProcessorRoleArn".to_owned(), "arn:aws:iam::1:role/p".to_owned())]),
        )]);
        let v = resolve_parameters("s", &t, &opts(&[]), &outputs).unwrap();
        assert_eq!(
            v,
            BTreeMap::from([
                ("CodeBucket".to_owned(), "bucket".to_owned()),
                ("ProcessorRoleArn".to_owned(), "arn:aws:iam::1:role/p".to_owned()),
            ])
        );
        let v = resolve_parameters("s", &t, &opts(&[("AlarmEmail", "a@b.c")]), &outputs).unwrap();
        assert_eq!(v["AlarmEmail"], "a@b.c");

        let e = resolve_parameters("s", &t, &opts(&[]), &BTreeMap::new()).unwrap_err();
        assert!(matches!(e, DeployError::MissingOutput { .. }), "{e}");
        let t = serde_json::json!({"Parameters": {"Mystery": {"Type": "String"}}});
        let e = resolve_parameters("s", &t, &opts(&[]), &outputs)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("parameter Mystery") && e.contains("--parameter Mystery=VALUE"),
            "{e}"
        );
    }
}
