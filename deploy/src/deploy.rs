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
use crate::changeset::{ChangeSetSummary, CreateMode, StackRequest, TemplateSource, Waits, deploy_stack};
use crate::error::{DeployError, SdkResultExt};
use crate::params::{defaults_of, resolve_parameters, resources_of};
pub use crate::report::{DeployReport, StackReport};

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
        .s3("PutObject", &opts.artifacts_bucket, &object)?;
    Ok(TemplateSource::Url(format!(
        "https://{}.s3.{}.amazonaws.com/{object}",
        opts.artifacts_bucket, aws.region
    )))
}
