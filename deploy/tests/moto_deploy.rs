//! The deploy command as a library call against moto's server (S3 + CloudFormation), with small fake zips.
//!
//! * First deploy creates `async-architecture` and `partner-central-access` (CreateStack: moto 5.2.5 gives a stack
//!   created by a CREATE change set no outputs or exports; the CREATE change set path runs in the production
//!   test), uploads
//!   both zips under content-addressed keys and returns the outputs (webhook URL).
//! * A changed setting (processor memory) updates only `async-architecture` through an UPDATE change set that
//!   modifies the function; the live function (Lambda API) shows the new memory.
//! * A rebuilt zip with new content gets a new key and updates the function code; an unchanged rerun is a clean
//!   no-op for every stack with no upload.
//! * `production` with a declining confirmer deletes the change set and the empty review stack.
//!
//! moto limits: its CloudFormation skips `AWS::ApiGateway::Stage` and `AWS::CloudWatch::Alarm` silently, so
//! `monitoring` (which imports the stage) cannot be created there; the test shows that stack failing with a
//! message naming the stack instead. Real-AWS behaviour not reproduced by moto: asynchronous change-set
//! computation and execution (moto finishes both within the call) and per-resource stack events.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use deploy::artifacts::{self, Function, Upload};
use deploy::changeset::{CreateMode, Outcome, Waits};
use deploy::{Aws, DeployError, DeployOptions, deploy_env};
use synth::env::{EnvConfig, load_env};

fn stacks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../stacks")
}

fn unique_tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("d{:x}", (nanos as u64) ^ u64::from(std::process::id()))
}

/// GET on moto's Lambda REST API (moto routes by the SigV4 credential scope and does not check signatures).
fn lambda_get(endpoint: &str, path: &str) -> serde_json::Value {
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=testing/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}\n{body}");
    serde_json::from_str(body).unwrap()
}

struct Fixture {
    endpoint: String,
    aws: Aws,
    dir: PathBuf,
    bucket: String,
    cfg: EnvConfig,
}

impl Fixture {
    async fn new(env: &str) -> Self {
        let moto = moto_harness::MotoServer::shared();
        let conf = moto.sdk_config().await;
        let aws = Aws::new(&conf, true);
        let tag = unique_tag();
        let mut cfg = load_env(&stacks_dir(), env).unwrap();
        cfg.naming.prefix = tag.clone(); // unique physical names on a shared moto
        let bucket = format!("{tag}-artifacts");
        aws.s3.create_bucket().bucket(&bucket).send().await.unwrap();
        let dir = std::env::temp_dir().join(format!("deploy-test-{tag}"));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            endpoint: moto.endpoint().to_owned(),
            aws,
            dir,
            bucket,
            cfg,
        }
    }

    /// Writes fake zips (a `bootstrap` entry with `version` in it) and loads them.
    fn zips(&self, version: &str) -> Vec<artifacts::Artifact> {
        Function::ALL
            .iter()
            .map(|f| {
                let path = self.dir.join(format!("{}-{version}.zip", f.name()));
                let body = format!("#!/bin/sh\n# fake {} {version}\n", f.name());
                std::fs::write(&path, deploy::testzip::stored_zip(&[("bootstrap", body.as_bytes())], 1)).unwrap();
                artifacts::load(*f, &path).unwrap()
            })
            .collect()
    }

    fn options(&self, version: &str, only: &[&str]) -> DeployOptions {
        DeployOptions {
            artifacts_bucket: self.bucket.clone(),
            artifacts: self.zips(version),
            only: only.iter().map(|s| (*s).to_owned()).collect(),
            parameters: BTreeMap::new(),
            require_confirmation: false,
            waits: Waits {
                poll: Duration::from_millis(100),
                timeout: Duration::from_secs(60),
            },
            // moto 5.2.5 builds outputs and exports only in CreateStack (see the module docs).
            create_mode: CreateMode::CreateStack,
            plan_only: false,
        }
    }

    /// The execution status of every change set of `stack` moto still lists.
    async fn change_set_statuses(&self, stack: &str) -> Vec<String> {
        let sets = self.aws.cfn.list_change_sets().stack_name(stack).send().await.unwrap();
        sets.summaries()
            .iter()
            .map(|s| s.execution_status().map(|x| x.as_str().to_owned()).unwrap_or_default())
            .collect()
    }

    /// A deploy that must fail (development never asks for confirmation), as its error text.
    async fn deploy_error(&self, opts: &DeployOptions) -> String {
        let never = &mut |_: &deploy::changeset::ChangeSetSummary| -> bool { false };
        deploy_env(&self.aws, &self.cfg, opts, never, &mut Vec::new())
            .await
            .unwrap_err()
            .to_string()
    }

    fn function(&self, which: &str) -> serde_json::Value {
        let name = format!("{}-{which}-{}", self.cfg.naming.prefix, self.cfg.name);
        lambda_get(&self.endpoint, &format!("/2015-03-31/functions/{name}"))
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const FIRST_TWO: [&str; 2] = ["async-architecture", "partner-central-access"];

#[tokio::test]
async fn create_update_and_noop_through_change_sets() {
    let mut fx = Fixture::new("development").await;
    let never = &mut |_: &deploy::changeset::ChangeSetSummary| -> bool { panic!("development never asks") };

    // 1. First deploy: both stacks created, both zips uploaded.
    let mut log = Vec::new();
    let opts = fx.options("v1", &FIRST_TWO);
    let r = deploy_env(&fx.aws, &fx.cfg, &opts, never, &mut log).await.unwrap();
    let log = String::from_utf8(log).unwrap();
    assert_eq!(r.stacks.len(), 2, "{log}");
    for s in &r.stacks {
        assert_eq!(s.outcome, Outcome::Created, "{}: {log}", s.name);
        let cs = s.change_set.as_ref().unwrap();
        assert!(cs.create && cs.changes.iter().all(|c| c.action == "Add"), "{cs}");
    }
    assert!(log.contains("creating stack"), "{log}");
    assert_eq!(
        r.stacks[0].name,
        format!("{}-async-architecture-development", fx.cfg.naming.prefix)
    );
    let adds = &r.stacks[0].change_set.as_ref().unwrap().changes;
    assert!(
        adds.iter().any(|c| c.logical_id == "EventProcessorFunction"),
        "{adds:?}"
    );
    assert!(r.uploads.iter().all(|(_, u)| *u == Upload::Uploaded));
    let url = r.webhook_url().unwrap();
    assert!(
        url.starts_with("https://") && url.ends_with("/development/async/webhook"),
        "{url}"
    );
    assert!(log.contains("CREATE_COMPLETE"), "{log}");
    let mut printed = Vec::new();
    r.print(&mut printed).unwrap();
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains(&format!("WebhookUrl = {url}")), "{printed}");
    assert!(printed.contains("PartnerCentralRoleArn = arn:aws:iam::"), "{printed}");
    // The computed Partner Central role ARN the processor gets is the role the second stack created.
    let processor = fx.function("event-processor");
    let vars = &processor["Configuration"]["Environment"]["Variables"];
    assert_eq!(
        vars["PARTNER_CENTRAL_ROLE_ARN"].as_str(),
        r.stacks[1].outputs.get("PartnerCentralRoleArn").map(String::as_str)
    );
    let memory = fx.cfg.functions.event_processor.memory_mb;
    assert_eq!(processor["Configuration"]["MemorySize"], memory);
    let key_v1 = opts.artifacts[1].key.clone();
    let head = fx
        .aws
        .s3
        .head_object()
        .bucket(&fx.bucket)
        .key(&key_v1)
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(opts.artifacts[1].bytes as i64));

    // 2. A changed setting: one UPDATE change set modifying the processor; the other stack is untouched.
    //    First as a plan: the change set is shown and deleted, the function keeps its memory.
    fx.cfg.functions.event_processor.memory_mb = memory + 128;
    let mut plan = fx.options("v1", &FIRST_TWO);
    plan.plan_only = true;
    let r = deploy_env(&fx.aws, &fx.cfg, &plan, never, &mut Vec::new())
        .await
        .unwrap();
    assert_eq!(r.stacks[0].outcome, Outcome::Planned);
    let planned = r.stacks[0].change_set.as_ref().unwrap();
    assert!(
        planned.changes.iter().any(|c| c.logical_id == "EventProcessorFunction"),
        "{planned}"
    );
    assert_eq!(r.stacks[1].outcome, Outcome::NoChanges);
    assert_eq!(fx.function("event-processor")["Configuration"]["MemorySize"], memory);
    let sets = fx.change_set_statuses(&r.stacks[0].name).await;
    assert!(
        sets.iter().all(|s| s != "AVAILABLE"),
        "the planned change set is deleted: {sets:?}"
    );
    let mut log = Vec::new();
    let r = deploy_env(&fx.aws, &fx.cfg, &fx.options("v1", &FIRST_TWO), never, &mut log)
        .await
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    assert_eq!(r.stacks[0].outcome, Outcome::Updated, "{log}");
    let cs = r.stacks[0].change_set.as_ref().unwrap();
    assert!(!cs.create, "{cs}");
    assert!(
        cs.changes
            .iter()
            .any(|c| c.logical_id == "EventProcessorFunction" && c.action == "Modify"),
        "{cs}"
    );
    assert_eq!(r.stacks[1].outcome, Outcome::NoChanges, "{log}");
    assert!(
        r.uploads.iter().all(|(_, u)| *u == Upload::AlreadyPresent),
        "same zips, same keys"
    );
    assert_eq!(
        fx.function("event-processor")["Configuration"]["MemorySize"],
        memory + 128
    );
    assert!(log.contains("UPDATE_COMPLETE") && log.contains("no changes"), "{log}");

    // 3. New function code: new content-addressed key, uploaded, function updated to it.
    let r = deploy_env(&fx.aws, &fx.cfg, &fx.options("v2", &FIRST_TWO), never, &mut Vec::new())
        .await
        .unwrap();
    assert_eq!(r.stacks[0].outcome, Outcome::Updated);
    assert!(r.uploads.iter().all(|(_, u)| *u == Upload::Uploaded));
    assert_ne!(r.uploads[1].0.key, key_v1);
    let code = fx.function("event-processor");
    let location = serde_json::to_string(&code["Code"]).unwrap();
    assert!(
        location.contains(r.uploads[1].0.sha256.as_str()),
        "the function runs the new key: {location}"
    );

    // 4. Rerun with nothing changed: no upload, no change set executed, outputs still reported.
    let mut log = Vec::new();
    let r = deploy_env(&fx.aws, &fx.cfg, &fx.options("v2", &FIRST_TWO), never, &mut log)
        .await
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    assert!(r.stacks.iter().all(|s| s.outcome == Outcome::NoChanges), "{log}");
    assert!(r.uploads.iter().all(|(_, u)| *u == Upload::AlreadyPresent));
    assert!(!log.contains("executing"), "{log}");
    assert_eq!(r.webhook_url(), Some(url));
    let sets = fx.change_set_statuses(&r.stacks[0].name).await;
    assert!(
        sets.iter().all(|s| s != "UNAVAILABLE"),
        "failed no-change change sets are deleted: {sets:?}"
    );

    // 5. monitoring on moto: the stage it imports does not exist there; the error names the stack.
    let e = fx.deploy_error(&fx.options("v2", &["monitoring"])).await;
    assert!(e.contains("monitoring"), "{e}");
}

#[tokio::test]
async fn production_change_sets_wait_for_confirmation() {
    let fx = Fixture::new("production").await;
    let mut opts = fx.options("v1", &["async-architecture"]);
    opts.require_confirmation = true;
    opts.create_mode = CreateMode::ChangeSet; // the real-AWS path: a CREATE change set, reviewed
    let mut shown = Vec::new();
    let mut decline = |s: &deploy::changeset::ChangeSetSummary| {
        shown.push(s.to_string());
        false
    };
    let e = deploy_env(&fx.aws, &fx.cfg, &opts, &mut decline, &mut Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(e, DeployError::Declined { .. }), "{e}");
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0].contains("(CREATE,") && shown[0].contains("EventProcessorFunction"),
        "{}",
        shown[0]
    );
    // Nothing is left behind: the review stack of the declined CREATE change set is gone.
    let stack = format!("{}-async-architecture-production", fx.cfg.naming.prefix);
    let gone = fx.aws.cfn.describe_stacks().stack_name(&stack).send().await;
    assert!(gone.is_err(), "{gone:?}");

    let mut accept = |_: &deploy::changeset::ChangeSetSummary| true;
    let r = deploy_env(&fx.aws, &fx.cfg, &opts, &mut accept, &mut Vec::new())
        .await
        .unwrap();
    assert_eq!(r.stacks[0].outcome, Outcome::Created);
}

#[tokio::test]
async fn unknown_stacks_and_missing_parameters_are_reported_before_any_change() {
    let fx = Fixture::new("development").await;
    let e = fx.deploy_error(&fx.options("v1", &["nope"])).await;
    assert!(
        e.contains("unknown stack \"nope\"") && e.contains("async-architecture"),
        "{e}"
    );
    // partner-central-access alone, before async-architecture exists: its ProcessorRoleArn has no source.
    let e = fx.deploy_error(&fx.options("v1", &["partner-central-access"])).await;
    assert!(e.contains("needs output EventProcessorRoleArn"), "{e}");
}
